"""String kernels that rebuild each value: LPAD / RPAD and INITCAP.

Role: compiled helpers for :mod:`columnar.exec.string_functions`, over the
Arrow-like :class:`~columnar.core.strings.StringArray` (int64 offsets + one
uint8 buffer of UTF-8). Like the other string kernels they make two passes:
output sizes first (prefix-summed into the new offsets), then one copy into a
buffer allocated once.

* :func:`pad` -- ``LPAD(s, n, fill)`` / ``RPAD``: the result has exactly
  ``n`` characters. A longer value is cut to its first ``n`` characters (on
  the right, for LPAD too, as Redshift and PostgreSQL do); a shorter one is
  completed with ``fill`` repeated and cut to the missing count of
  *characters* (UTF-8 aware). ``n <= 0`` gives ``''``; an empty ``fill``
  cannot pad, so the value is only cut.
* :func:`initcap_ascii` -- INITCAP on ASCII bytes: a letter following a
  letter or digit is lower-cased, any other letter upper-cased. Bytes >= 0x80
  count as word characters and are left alone; the kernel reports the rows
  holding such bytes so that the caller can redo them with Python's Unicode
  case mapping (on distinct values only).
"""

from __future__ import annotations

import numpy as np

from columnar.core.strings import StringArray
from columnar.kernels._jit import njit


@njit
def _char_starts(data, p, e, out):
    """Write the byte position of each character of data[p:e] into out; return the count."""
    c = 0
    for j in range(p, e):
        if (data[j] & 0xC0) != 0x80:
            out[c] = j
            c += 1
    return c


@njit
def _pad_kernel(offsets, data, lengths, lstep, fill, fill_starts, left):
    n = len(offsets) - 1
    fc = len(fill_starts) - 1  # characters in fill (fill_starts has a sentinel at the end)
    keep = np.empty(n, np.int64)  # bytes of the value kept
    padb = np.empty(n, np.int64)  # bytes of padding
    total = 0
    for i in range(n):
        s, e = offsets[i], offsets[i + 1]
        want = lengths[i * lstep]
        if want <= 0:
            keep[i] = 0
            padb[i] = 0
            continue
        # walk at most `want` characters of the value
        p = s
        chars = 0
        while p < e and chars < want:
            p += 1
            while p < e and (data[p] & 0xC0) == 0x80:
                p += 1
            chars += 1
        keep[i] = p - s
        missing = want - chars
        if missing > 0 and fc > 0:
            full, rest = missing // fc, missing % fc
            padb[i] = full * len(fill) + fill_starts[rest]
        else:
            padb[i] = 0
        total += keep[i] + padb[i]
    off = np.empty(n + 1, np.int64)
    off[0] = 0
    out = np.empty(total, np.uint8)
    q = 0
    for i in range(n):
        s = offsets[i]
        if not left:
            out[q : q + keep[i]] = data[s : s + keep[i]]
            q += keep[i]
        b = padb[i]
        w = 0
        while w < b:
            step = min(len(fill), b - w)
            out[q + w : q + w + step] = fill[:step]
            w += step
        q += b
        if left:
            out[q : q + keep[i]] = data[s : s + keep[i]]
            q += keep[i]
        off[i + 1] = q
    return off, out


def pad(sa: StringArray, length, fill: str, left: bool) -> StringArray:
    """LPAD (``left``) or RPAD every value to ``length`` characters (a scalar
    or a per-row int64 array).

    Example:
        >>> sa = StringArray.from_pylist(["abc", "héllo", ""])
        >>> pad(sa, 5, "xy", True).to_pylist(), pad(sa, 4, "é", False).to_pylist()
        (['xyabc', 'héllo', 'xyxyx'], ['abcé', 'héll', 'éééé'])
    """
    fill_bytes = np.frombuffer(fill.encode("utf-8"), dtype=np.uint8).copy()
    starts = np.zeros(len(fill_bytes) + 1, dtype=np.int64)
    count = _char_starts(fill_bytes, 0, len(fill_bytes), starts)
    starts = np.append(starts[:count], len(fill_bytes)).astype(np.int64)
    if np.ndim(length) == 0:
        lengths, lstep = np.array([int(length)], dtype=np.int64), 0
    else:
        lengths, lstep = np.ascontiguousarray(length, dtype=np.int64), 1
    off, data = _pad_kernel(sa.offsets, sa.data, lengths, lstep, fill_bytes, starts, left)
    return StringArray(off, data)


@njit
def _initcap_kernel(offsets, data):
    n = len(offsets) - 1
    out = np.empty_like(data)
    non_ascii = np.zeros(n, np.bool_)
    for i in range(n):
        in_word = False
        for j in range(offsets[i], offsets[i + 1]):
            b = data[j]
            if b >= 0x80:
                non_ascii[i] = True
                out[j] = b
                in_word = True
            elif 65 <= b <= 90:  # A-Z
                out[j] = b + 32 if in_word else b
                in_word = True
            elif 97 <= b <= 122:  # a-z
                out[j] = b if in_word else b - 32
                in_word = True
            else:
                out[j] = b
                in_word = 48 <= b <= 57  # a digit continues a word
    return out, non_ascii


def initcap_ascii(sa: StringArray) -> tuple[StringArray, np.ndarray]:
    """INITCAP on ASCII letters; returns (result, rows holding non-ASCII bytes).

    Example:
        >>> out, redo = initcap_ascii(StringArray.from_pylist(["hELLO wORLD", "a1b c_d", "élan"]))
        >>> out.to_pylist(), redo.tolist()
        (['Hello World', 'A1b C_D', 'élan'], [False, False, True])
    """
    o0 = int(sa.offsets[0]) if len(sa) else 0
    o1 = int(sa.offsets[-1]) if len(sa) else 0
    offsets = sa.offsets - o0
    data, non_ascii = _initcap_kernel(offsets, sa.data[o0:o1])
    return StringArray(offsets, data), non_ascii


__all__ = ["initcap_ascii", "pad"]
