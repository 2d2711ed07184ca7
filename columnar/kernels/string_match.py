"""String predicates: LIKE / ILIKE and comparisons, over offsets + UTF-8 bytes.

Role: the string predicates of the expression evaluator run here, on the
Arrow-like :class:`~columnar.core.strings.StringArray` (int64 offsets + one
uint8 buffer), never on Python ``str`` objects per row. A
:class:`~columnar.core.strings.DictArray` is accepted too: predicates run once
per dictionary entry and gather through the codes (the point of dictionary
encoding). This module also holds the small helpers the other string modules
share (:func:`_as_strings`, :func:`_per_value`, :func:`_encode`) and the
byte-wise three-way comparison :func:`_cmp` that :mod:`.string_order` sorts
with; byte equality is :func:`columnar.kernels.hashing._bytes_equal`.

Character semantics: values are UTF-8. ``_`` in LIKE counts *characters* (a
lead byte plus its continuation bytes ``10xxxxxx``); comparisons are
byte-wise, which for UTF-8 equals code-point order (Redshift compares VARCHAR
bytes too, under its default collation).

Algorithms:

* LIKE: the pattern is compiled in Python into segments separated by ``%``;
  each segment is a list of tokens (a literal byte, or ``_`` = one character).
  Per string, the first segment must match at the start, the last segment at
  the end (walked backwards), and the middle segments are found leftmost,
  greedily, in between -- which is exact for ``%`` patterns and never
  backtracks, so ``'%a%b%'`` stays linear in practice. An all-literal middle
  segment is scanned for its rarest byte first (by English letter
  frequency: the ``x`` of ``express``), so the hot loop is one compare per
  byte. The whole matcher is one compiled loop nest; measured, splitting it
  into helper functions made it 3-20x slower.
* Comparisons: the operator becomes a bit mask over the outcome of a
  byte-wise three-way compare (bit 0 ``<``, 1 ``=``, 2 ``>``); ``=`` and
  ``<>`` use the cheaper equality test (length first, then bytes).

Simplified versus Redshift: ILIKE folds ASCII letters only.
"""

from __future__ import annotations

import numpy as np

from columnar.core.errors import DataError
from columnar.core.strings import DictArray, StringArray
from columnar.kernels._jit import njit
from columnar.kernels.columns import decode_strings
from columnar.kernels.hashing import _bytes_equal


# Comparison operators as a bit mask over the outcome: bit 0 "<", 1 "=", 2 ">".
_OPS = {"=": 2, "==": 2, "<>": 5, "!=": 5, "<": 1, "<=": 3, ">": 4, ">=": 6}


def _as_strings(x) -> StringArray:
    return decode_strings(x) if isinstance(x, DictArray) else x


def _per_value(x, fn):
    """Apply ``fn`` (StringArray -> per-row array) to strings or a dictionary's values."""
    if isinstance(x, DictArray):
        if len(x.dictionary) == 0:
            return fn(decode_strings(x))
        return fn(x.dictionary)[x.codes]
    return fn(x)


def _encode(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-8"), dtype=np.uint8).copy()


def _opmask(op: str) -> int:
    try:
        return _OPS[op]
    except KeyError:
        raise ValueError(f"unknown comparison operator {op!r}") from None


# ---------------------------------------------------------------- LIKE


@njit
def _like_kernel(offsets, data, tokens, bounds, literal, anchor, exact, lut, fold):
    """LIKE over every string; one function body, loops written out.

    ``lut`` maps each data byte before comparing: the identity, or ASCII
    lower case for ILIKE (then ``fold`` is set). ``anchor[m]`` is the index
    of the rarest byte of an all-literal middle segment m: the scan tests
    that byte first.
    """
    n = len(offsets) - 1
    nseg = len(bounds) - 1
    out = np.empty(n, np.bool_)
    for i in range(n):
        s = offsets[i]
        e = offsets[i + 1]
        ok = True
        # First segment, anchored at the start.
        p = s
        for t in range(bounds[0], bounds[1]):
            tok = tokens[t]
            if p >= e:
                ok = False
                break
            if tok < 0:  # '_': one UTF-8 character
                p += 1
                while p < e and (data[p] & 0xC0) == 0x80:
                    p += 1
            elif lut[data[p]] != tok:
                ok = False
                break
            else:
                p += 1
        if exact or not ok:
            out[i] = ok and p == e
            continue
        # Last segment, anchored at the end, walked backwards (not below p).
        q = e
        for t in range(bounds[nseg] - 1, bounds[nseg - 1] - 1, -1):
            tok = tokens[t]
            if q <= p:
                ok = False
                break
            if tok < 0:
                q -= 1
                while q > p and (data[q] & 0xC0) == 0x80:
                    q -= 1
            elif lut[data[q - 1]] != tok:
                ok = False
                break
            else:
                q -= 1
        # Middle segments, each at its leftmost match in [p, q).
        m = 1
        while ok and m < nseg - 1:
            t0 = bounds[m]
            t1 = bounds[m + 1]
            found = -1
            if literal[m]:
                length = t1 - t0
                a = anchor[m]
                ca = tokens[t0 + a]
                last = q - length
                if not fold:  # the hot scan (LIKE '%word%'): skip the byte map
                    while p <= last and data[p + a] != ca:
                        p += 1
                while p <= last:
                    if lut[data[p + a]] == ca:
                        j = 0
                        while j < length and lut[data[p + j]] == tokens[t0 + j]:
                            j += 1
                        if j == length:
                            found = p + length
                            break
                    p += 1
            else:
                while p < q:  # candidate starts: character boundaries
                    r = p
                    for t in range(t0, t1):
                        tok = tokens[t]
                        if r >= q:
                            r = -1
                            break
                        if tok < 0:
                            r += 1
                            while r < q and (data[r] & 0xC0) == 0x80:
                                r += 1
                        elif lut[data[r]] != tok:
                            r = -1
                            break
                        else:
                            r += 1
                    if r >= 0:
                        found = r
                        break
                    p += 1
                    while p < q and (data[p] & 0xC0) == 0x80:
                        p += 1
            if found < 0:
                ok = False
            p = found
            m += 1
        out[i] = ok
    return out


# Byte frequency in English-like text, most common first: LIKE scans a
# literal segment by its rarest byte.
_COMMON_BYTES = b" etaoinshrdlcumwfgypbvkjxqz"
_IDENTITY_LUT = np.arange(256, dtype=np.uint8)
_FOLD_LUT = np.arange(256, dtype=np.uint8)
_FOLD_LUT[ord("A") : ord("Z") + 1] += 32


def _anchor(segment: list[int]) -> int:
    def commonness(b: int) -> int:
        i = _COMMON_BYTES.find(bytes([b])) if 0 <= b < 128 else -1
        return len(_COMMON_BYTES) - i if i >= 0 else 0

    return min(range(len(segment)), key=lambda j: commonness(segment[j])) if segment else 0


def _compile_like(pattern: str, ci: bool, escape: str | None) -> tuple:
    """Pattern → (tokens, segment bounds, all-literal flags, anchors, exact).

    A token is a byte value, or -1 for '_'.
    """
    if escape is not None and len(escape) > 1:
        raise DataError("invalid escape string: it must be empty or one character")
    segments: list[list[int]] = []
    cur: list[int] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            if i + 1 == len(pattern):
                raise DataError("LIKE pattern must not end with escape character")
            cur.extend(pattern[i + 1].encode("utf-8"))
            i += 2
            continue
        if ch == "%":
            segments.append(cur)
            cur = []
        elif ch == "_":
            cur.append(-1)
        else:
            cur.extend(ch.encode("utf-8"))
        i += 1
    segments.append(cur)
    if ci:
        segments = [[t + 32 if 65 <= t <= 90 else t for t in seg] for seg in segments]
    exact = len(segments) == 1
    if not exact:  # empty middle segments ('%%') match anything: drop them
        segments = [segments[0]] + [s for s in segments[1:-1] if s] + [segments[-1]]
    bounds = np.zeros(len(segments) + 1, dtype=np.int64)
    bounds[1:] = np.cumsum([len(s) for s in segments])
    tokens = np.array([t for s in segments for t in s], dtype=np.int64)
    literal = np.array([-1 not in s for s in segments], dtype=np.bool_)
    anchor = np.array([_anchor(s) for s in segments], dtype=np.int64)
    return tokens, bounds, literal, anchor, exact


def like_match(sa, pattern: str, case_insensitive: bool = False, escape: str | None = "\\") -> np.ndarray:
    """SQL ``LIKE`` (``ILIKE`` with ``case_insensitive``): ``%`` any sequence, ``_`` one character.

    ILIKE folds ASCII letters only, as Redshift does. No trailing-space trimming.

    Example:
        >>> sa = StringArray.from_pylist(["special express requests", "héllo", "Hello", ""])
        >>> like_match(sa, "%express%requests%").tolist()
        [True, False, False, False]
        >>> like_match(sa, "h_llo").tolist(), like_match(sa, "h%", case_insensitive=True).tolist()
        ([False, True, False, False], [False, True, True, False])
    """
    tokens, bounds, literal, anchor, exact = _compile_like(pattern, bool(case_insensitive), escape)
    lut = _FOLD_LUT if case_insensitive else _IDENTITY_LUT
    if not exact and len(tokens) == 0:  # only '%': everything matches
        return np.ones(len(sa), dtype=np.bool_)

    def run(s: StringArray) -> np.ndarray:
        return _like_kernel(s.offsets, s.data, tokens, bounds, literal, anchor, exact, lut, bool(case_insensitive))

    return _per_value(sa, run)


# ---------------------------------------------------------------- comparisons


@njit
def copy_ranges(data, begin, end, total):
    """Offsets + bytes of the strings ``data[begin[i]:end[i]]`` (``total`` bytes
    in all): the output step of substring and trim kernels."""
    n = len(begin)
    off = np.empty(n + 1, np.int64)
    off[0] = 0
    out = np.empty(total, np.uint8)
    p = 0
    for i in range(n):
        length = end[i] - begin[i]
        out[p : p + length] = data[begin[i] : end[i]]
        p += length
        off[i + 1] = p
    return off, out


@njit
def _cmp(da, a0, a1, db, b0, b1):
    la = a1 - a0
    lb = b1 - b0
    m = min(la, lb)
    for j in range(m):
        x = da[a0 + j]
        y = db[b0 + j]
        if x != y:
            return -1 if x < y else 1
    if la == lb:
        return 0
    return -1 if la < lb else 1


@njit
def _compare_scalar_kernel(offsets, data, value, opmask):
    n = len(offsets) - 1
    out = np.empty(n, np.bool_)
    lv = len(value)
    if opmask == 2 or opmask == 5:
        want = opmask == 2
        for i in range(n):
            out[i] = _bytes_equal(data, offsets[i], offsets[i + 1], value, 0, lv) == want
    else:
        for i in range(n):
            c = _cmp(data, offsets[i], offsets[i + 1], value, 0, lv)
            out[i] = ((opmask >> (c + 1)) & 1) == 1
    return out


@njit
def _compare_arrays_kernel(ao, ad, bo, bd, opmask):
    n = len(ao) - 1
    out = np.empty(n, np.bool_)
    if opmask == 2 or opmask == 5:
        want = opmask == 2
        for i in range(n):
            out[i] = _bytes_equal(ad, ao[i], ao[i + 1], bd, bo[i], bo[i + 1]) == want
    else:
        for i in range(n):
            c = _cmp(ad, ao[i], ao[i + 1], bd, bo[i], bo[i + 1])
            out[i] = ((opmask >> (c + 1)) & 1) == 1
    return out


def compare_scalar(sa, value: str, op: str) -> np.ndarray:
    """Compare every string with one value (byte-wise lexicographic order).

    Example:
        >>> sa = StringArray.from_pylist(["apple", "b", "", "banana"])
        >>> compare_scalar(sa, "b", "<").tolist(), compare_scalar(sa, "b", "=").tolist()
        ([True, False, True, False], [False, True, False, False])
    """
    opmask = _opmask(op)
    v = _encode(value)
    return _per_value(sa, lambda s: _compare_scalar_kernel(s.offsets, s.data, v, opmask))


def compare_arrays(a, b, op: str) -> np.ndarray:
    """Compare two string columns row by row.

    Example:
        >>> compare_arrays(StringArray.from_pylist(["a", "b"]), StringArray.from_pylist(["a", "a"]), ">=").tolist()
        [True, True]
    """
    opmask = _opmask(op)
    a, b = _as_strings(a), _as_strings(b)
    if len(a) != len(b):
        raise ValueError(f"operand lengths differ: {len(a)} and {len(b)}")
    return _compare_arrays_kernel(a.offsets, a.data, b.offsets, b.data, opmask)


__all__ = ["compare_arrays", "compare_scalar", "like_match"]
