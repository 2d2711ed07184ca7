"""TRIM / LTRIM / RTRIM, and the trailing-blank strip of CHAR(n) semantics.

Role: removes characters of a set from one or both ends of every value of a
:class:`~columnar.core.strings.StringArray` (a
:class:`~columnar.core.strings.DictArray` is decoded first). ``rtrim_spaces``
is the blank-padding rule (trailing blanks are insignificant) used by
comparisons, keys, casts and distribution: it returns the (decoded) input
itself, without copying, when no value ends in a blank.

Algorithms: two passes -- find each value's kept byte range, then copy the
ranges into one output buffer. A character set of ASCII characters only is a
256-entry membership table scanned byte by byte (an ASCII byte never occurs
inside a multi-byte UTF-8 character, so this is exact); any other set is
matched character by character, each UTF-8 character of the value compared
with the set's encoded characters.
"""

from __future__ import annotations

import numpy as np

from columnar.core.strings import StringArray
from columnar.kernels._jit import njit
from columnar.kernels.string_match import _as_strings, copy_ranges


# ---------------------------------------------------------------- TRIM


@njit
def _is_member(data, p, e, set_data, set_off):
    """Byte length of the trim-set character found at data[p:e] exactly, else 0."""
    for k in range(len(set_off) - 1):
        c0 = set_off[k]
        ln = set_off[k + 1] - c0
        if ln == e - p:
            same = True
            for t in range(ln):
                if data[p + t] != set_data[c0 + t]:
                    same = False
                    break
            if same:
                return ln
    return 0


@njit
def _char_end(data, p, e):
    q = p + 1
    while q < e and (data[q] & 0xC0) == 0x80:
        q += 1
    return q


@njit
def _trim_ascii_kernel(offsets, data, table, leading, trailing):
    """TRIM for an all-ASCII character set given as a 256-entry membership table.

    An ASCII byte never occurs inside a multi-byte UTF-8 character, so a
    byte-wise scan is exact.
    """
    n = len(offsets) - 1
    begin = np.empty(n, np.int64)
    end = np.empty(n, np.int64)
    total = 0
    for i in range(n):
        s = offsets[i]
        e = offsets[i + 1]
        if leading:
            while s < e and table[data[s]]:
                s += 1
        if trailing:
            while e > s and table[data[e - 1]]:
                e -= 1
        begin[i] = s
        end[i] = e
        total += e - s
    return copy_ranges(data, begin, end, total)


@njit
def _trim_kernel(offsets, data, set_data, set_off, leading, trailing):
    n = len(offsets) - 1
    begin = np.empty(n, np.int64)
    end = np.empty(n, np.int64)
    total = 0
    for i in range(n):
        s = offsets[i]
        e = offsets[i + 1]
        if leading:
            while s < e:
                q = _char_end(data, s, e)
                if _is_member(data, s, q, set_data, set_off) == 0:
                    break
                s = q
        if trailing:
            while e > s:
                q = e - 1
                while q > s and (data[q] & 0xC0) == 0x80:
                    q -= 1
                if _is_member(data, q, e, set_data, set_off) == 0:
                    break
                e = q
        begin[i] = s
        end[i] = e
        total += e - s
    return copy_ranges(data, begin, end, total)


def trim(sa, chars: str = " ", side: str = "both") -> StringArray:
    """TRIM / LTRIM / RTRIM: remove characters of ``chars`` from one or both ends.

    Example:
        >>> sa = StringArray.from_pylist(["  ab  ", "xxaxyx"])
        >>> trim(sa).to_pylist(), trim(sa, "xy", "trailing").to_pylist()
        (['ab', 'xxaxyx'], ['  ab  ', 'xxa'])
    """
    side = side.lower()
    if side not in ("both", "leading", "trailing"):
        raise ValueError(f"unknown trim side {side!r}")
    sa = _as_strings(sa)
    leading, trailing = side != "trailing", side != "leading"
    if all(ord(c) < 128 for c in chars):
        table = np.zeros(256, dtype=np.bool_)
        table[[ord(c) for c in chars]] = True
        return StringArray(*_trim_ascii_kernel(sa.offsets, sa.data, table, leading, trailing))
    distinct = sorted(set(chars))
    encoded = [c.encode("utf-8") for c in distinct]
    set_off = np.zeros(len(encoded) + 1, dtype=np.int64)
    set_off[1:] = np.cumsum([len(c) for c in encoded])
    set_data = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
    off, data = _trim_kernel(sa.offsets, sa.data, set_data, set_off, leading, trailing)
    return StringArray(off, data)


@njit
def _rtrim_spaces_kernel(offsets, data):
    n = len(offsets) - 1
    ends = np.empty(n, np.int64)
    changed = False
    for i in range(n):
        s = offsets[i]
        e = offsets[i + 1]
        while e > s and data[e - 1] == 32:
            e -= 1
        ends[i] = e
        changed |= e != offsets[i + 1]
    if not changed:
        return False, offsets, data
    off = np.empty(n + 1, np.int64)
    off[0] = 0
    total = 0
    for i in range(n):
        total += ends[i] - offsets[i]
        off[i + 1] = total
    out = np.empty(total, np.uint8)
    for i in range(n):
        out[off[i] : off[i + 1]] = data[offsets[i] : ends[i]]
    return True, off, out


def rtrim_spaces(sa) -> StringArray:
    """Remove trailing blanks (CHAR(n) semantics); returns the input if none.

    Example:
        >>> rtrim_spaces(StringArray.from_pylist(["ab  ", " c", ""])).to_pylist()
        ['ab', ' c', '']
    """
    sa = _as_strings(sa)
    changed, off, data = _rtrim_spaces_kernel(sa.offsets, sa.data)
    return StringArray(off, data) if changed else sa


__all__ = ["rtrim_spaces", "trim"]
