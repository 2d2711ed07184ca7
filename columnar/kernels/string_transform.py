"""String functions that build strings or count them: ||, SUBSTRING, UPPER/LOWER, lengths.

Role: the string-valued (and length) functions of the expression evaluator,
over the Arrow-like :class:`~columnar.core.strings.StringArray` (int64 offsets
+ one uint8 buffer). A :class:`~columnar.core.strings.DictArray` input is
accepted: the lengths run once per dictionary entry and gather through the
codes; SUBSTRING with scalar arguments and UPPER/LOWER map the dictionary and
gather; the rest decode first. Every function returning strings returns a
plain StringArray.

Character semantics: values are UTF-8. SUBSTRING positions and CHAR_LENGTH
count *characters* (a lead byte plus its continuation bytes ``10xxxxxx``).

Algorithms: concatenation and SUBSTRING make two passes -- output sizes first
(prefix-summed into the new offsets), then one copy into an output buffer
allocated once. CHAR_LENGTH counts the non-continuation bytes; SUBSTRING walks
characters from the start of each value; both take the byte shortcut
(``np.diff`` of the offsets, byte positions) when the column is all ASCII.
UPPER/LOWER shift ASCII letters with a branch-free byte map that also reports
whether any non-ASCII byte was seen.

Simplified versus Redshift: UPPER and LOWER fold ASCII letters in the compiled
path and fall back to Python's per-character case mapping when a value holds
non-ASCII bytes (characters whose mapping changes length, like 'ß', are kept
as they are).
"""

from __future__ import annotations

import numpy as np

from columnar.core.errors import DataError
from columnar.core.strings import DictArray, StringArray
from columnar.kernels._jit import njit
from columnar.kernels.columns import decode_strings, take_strings
from columnar.kernels.string_match import _as_strings, _encode, _per_value, copy_ranges

_I64_MAX = 2**63 - 1


# ---------------------------------------------------------------- || (concatenation)


@njit
def _concat_kernel(ao, ad, bo, bd):
    n = len(ao) - 1
    off = np.empty(n + 1, np.int64)
    off[0] = 0
    for i in range(n):
        off[i + 1] = off[i] + (ao[i + 1] - ao[i]) + (bo[i + 1] - bo[i])
    out = np.empty(off[n], np.uint8)
    for i in range(n):
        p = off[i]
        la = ao[i + 1] - ao[i]
        out[p : p + la] = ad[ao[i] : ao[i + 1]]
        out[p + la : off[i + 1]] = bd[bo[i] : bo[i + 1]]
    return off, out


@njit
def _concat_scalar_kernel(offsets, data, s, left):
    n = len(offsets) - 1
    ls = len(s)
    off = np.empty(n + 1, np.int64)
    off[0] = 0
    for i in range(n):
        off[i + 1] = off[i] + (offsets[i + 1] - offsets[i]) + ls
    out = np.empty(off[n], np.uint8)
    for i in range(n):
        p = off[i]
        if left:
            out[p : p + ls] = s
            p += ls
        length = offsets[i + 1] - offsets[i]
        out[p : p + length] = data[offsets[i] : offsets[i + 1]]
        if not left:
            out[p + length : off[i + 1]] = s
    return off, out


def concat(a, b) -> StringArray:
    """Row-wise ``a || b``.

    Example:
        >>> concat(StringArray.from_pylist(["a", ""]), StringArray.from_pylist(["b", "é"])).to_pylist()
        ['ab', 'é']
    """
    a, b = _as_strings(a), _as_strings(b)
    if len(a) != len(b):
        raise ValueError(f"operand lengths differ: {len(a)} and {len(b)}")
    return StringArray(*_concat_kernel(a.offsets, a.data, b.offsets, b.data))


def concat_scalar_right(a, s: str) -> StringArray:
    """Row-wise ``a || s``.

    Example:
        >>> concat_scalar_right(StringArray.from_pylist(["a", "b"]), "!").to_pylist()
        ['a!', 'b!']
    """
    a = _as_strings(a)
    return StringArray(*_concat_scalar_kernel(a.offsets, a.data, _encode(s), False))


def concat_scalar_left(s: str, a) -> StringArray:
    """Row-wise ``s || a``.

    Example:
        >>> concat_scalar_left("#", StringArray.from_pylist(["a", ""])).to_pylist()
        ['#a', '#']
    """
    a = _as_strings(a)
    return StringArray(*_concat_scalar_kernel(a.offsets, a.data, _encode(s), True))


# ---------------------------------------------------------------- lengths, SUBSTRING


@njit
def _char_lengths_kernel(offsets, data):
    n = len(offsets) - 1
    out = np.empty(n, np.int64)
    for i in range(n):
        c = 0
        for j in range(offsets[i], offsets[i + 1]):
            c += np.int64((data[j] & 0xC0) != 0x80)
        out[i] = c
    return out


def char_lengths(sa) -> np.ndarray:
    """Length of each value in UTF-8 characters (LENGTH, CHAR_LENGTH).

    Example:
        >>> char_lengths(StringArray.from_pylist(["héllo", ""])).tolist()
        [5, 0]
    """
    def run(s: StringArray) -> np.ndarray:
        return np.diff(s.offsets) if _is_ascii(s) else _char_lengths_kernel(s.offsets, s.data)

    return _per_value(sa, run)


def byte_lengths(sa) -> np.ndarray:
    """Length of each value in bytes (OCTET_LENGTH).

    Example:
        >>> byte_lengths(StringArray.from_pylist(["héllo", ""])).tolist()
        [6, 0]
    """
    return _per_value(sa, lambda s: np.diff(s.offsets))


@njit
def _advance_chars(data, p, e, count):
    """Position after ``count`` characters from p (stops at e)."""
    c = 0
    while c < count and p < e:
        p += 1
        while p < e and (data[p] & 0xC0) == 0x80:
            p += 1
        c += 1
    return p


@njit
def _substring_kernel(offsets, data, start, sstep, length, lstep, has_length, ascii_only):
    n = len(offsets) - 1
    begin = np.empty(n, np.int64)
    end = np.empty(n, np.int64)
    total = 0
    for i in range(n):
        s = offsets[i]
        e = offsets[i + 1]
        st = start[i * sstep]
        endc = np.int64(_I64_MAX)  # exclusive end, in 1-based characters
        if has_length:
            ln = length[i * lstep]
            if st <= 0 or ln <= _I64_MAX - st:  # st + ln cannot overflow
                endc = st + ln
        stc = max(st, np.int64(1))
        if endc <= stc:
            b = s
            f = s
        elif ascii_only:
            b = s + min(stc - 1, e - s)
            f = b + min(endc - stc, e - b)
        else:
            b = _advance_chars(data, s, e, stc - 1)
            f = _advance_chars(data, b, e, endc - stc)
        begin[i] = b
        end[i] = f
        total += f - b
    return copy_ranges(data, begin, end, total)


def _param(x) -> tuple[np.ndarray, int]:
    """A scalar or per-row argument as (array, step): step 0 repeats element 0."""
    if np.ndim(x) == 0:
        return np.array([int(x)], dtype=np.int64), 0
    return np.ascontiguousarray(x, dtype=np.int64), 1


def _is_ascii(sa: StringArray) -> bool:
    d = sa.data[sa.offsets[0] : sa.offsets[-1]] if len(sa) else sa.data[:0]
    return not len(d) or int(d.max()) < 0x80


def substring(sa, start, length=None) -> StringArray:
    """SQL ``SUBSTRING(s FROM start FOR length)`` in characters, 1-based.

    ``start`` and ``length`` are scalars or per-row int64 arrays; a start below
    1 shortens the result (characters before position 1 count against
    ``length``), as in PostgreSQL and Redshift. A negative length raises.

    Example:
        >>> sa = StringArray.from_pylist(["héllo", "ab"])
        >>> substring(sa, 2, 3).to_pylist(), substring(sa, 0, 2).to_pylist(), substring(sa, 2).to_pylist()
        (['éll', 'b'], ['h', 'a'], ['éllo', 'b'])
    """
    if length is not None and np.any(np.asarray(length) < 0):
        raise DataError("negative substring length not allowed")
    if isinstance(sa, DictArray) and np.ndim(start) == 0 and np.ndim(length) == 0 and len(sa.dictionary):
        return take_strings(substring(sa.dictionary, start, length), sa.codes)
    sa = _as_strings(sa)
    st, sstep = _param(start)
    if length is None:
        ln, lstep, has = np.zeros(1, np.int64), 0, False
    else:
        (ln, lstep), has = _param(length), True
    off, data = _substring_kernel(sa.offsets, sa.data, st, sstep, ln, lstep, has, _is_ascii(sa))
    return StringArray(off, data)


# ---------------------------------------------------------------- UPPER, LOWER


@njit
def _ascii_case_kernel(data, lo, hi, delta):
    """Shift bytes in [lo, hi] by delta (branch-free); also report any non-ASCII byte."""
    out = np.empty(len(data), np.uint8)
    high = np.int64(0)
    for j in range(len(data)):
        v = np.int64(data[j])
        high |= v
        out[j] = v + delta * np.int64((v >= lo) & (v <= hi))
    return out, (high & 0x80) != 0


def _simple_case(s: str, upper_: bool) -> str:
    out = []
    for ch in s:
        m = ch.upper() if upper_ else ch.lower()
        out.append(m if len(m) == 1 else ch)
    return "".join(out)


def _map_case(sa, upper_: bool) -> StringArray:
    if isinstance(sa, DictArray):
        if not len(sa.dictionary):
            return decode_strings(sa)
        return take_strings(_map_case(sa.dictionary, upper_), sa.codes)
    o0, o1 = (int(sa.offsets[0]), int(sa.offsets[-1])) if len(sa) else (0, 0)
    lo, hi, delta = (97, 122, -32) if upper_ else (65, 90, 32)
    data, non_ascii = _ascii_case_kernel(sa.data[o0:o1], lo, hi, delta)
    if non_ascii:
        return StringArray.from_pylist([_simple_case(v, upper_) for v in sa.to_pylist()])
    return StringArray(sa.offsets - o0, data)


def upper(sa) -> StringArray:
    """UPPER: ASCII letters in the compiled path; non-ASCII values via Python.

    Example:
        >>> upper(StringArray.from_pylist(["abc", "été"])).to_pylist()
        ['ABC', 'ÉTÉ']
    """
    return _map_case(sa, True)


def lower(sa) -> StringArray:
    """LOWER: ASCII letters in the compiled path; non-ASCII values via Python.

    Example:
        >>> lower(StringArray.from_pylist(["ABC", "ÉTÉ"])).to_pylist()
        ['abc', 'été']
    """
    return _map_case(sa, False)


__all__ = [
    "byte_lengths",
    "char_lengths",
    "concat",
    "concat_scalar_left",
    "concat_scalar_right",
    "lower",
    "substring",
    "upper",
]
