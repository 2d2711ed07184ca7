"""Concatenating strings per group: the assembly step of LISTAGG.

Role: the executor (``exec.aggregation.listagg``) has already dropped NULLs
and empty strings, sorted the rows by (group, WITHIN GROUP keys) and removed
duplicates for DISTINCT; it passes the surviving row numbers in output order
with their group codes. This kernel writes one string per group: the values
in that order, with the delimiter between neighbours.

Two passes over offsets + bytes (never Python ``str``): the first sums each
group's length (values plus ``count - 1`` delimiters) into output offsets,
the second copies the bytes. The caller checks the lengths against
Redshift's 65535-byte LISTAGG limit between the two, so an oversized group
fails before its bytes are copied.
"""

from __future__ import annotations

import numpy as np

from columnar.core.strings import StringArray
from columnar.kernels._jit import njit


@njit
def _group_lengths_kernel(offsets, rows, groups, k, delim_len):
    lengths = np.zeros(k, np.int64)
    counts = np.zeros(k, np.int64)
    for i in range(len(rows)):
        g = groups[i]
        r = rows[i]
        if counts[g] > 0:
            lengths[g] += delim_len
        lengths[g] += offsets[r + 1] - offsets[r]
        counts[g] += 1
    return lengths, counts


@njit
def _join_kernel(offsets, data, rows, groups, out_offsets, delim):
    out = np.empty(out_offsets[-1], np.uint8)
    k = len(out_offsets) - 1
    pos = out_offsets[:k].copy()
    started = np.zeros(k, np.bool_)
    nd = len(delim)
    for i in range(len(rows)):
        g = groups[i]
        r = rows[i]
        p = pos[g]
        if started[g]:
            for j in range(nd):
                out[p + j] = delim[j]
            p += nd
        started[g] = True
        a = offsets[r]
        b = offsets[r + 1]
        for j in range(b - a):
            out[p + j] = data[a + j]
        pos[g] = p + (b - a)
    return out


def group_lengths(sa: StringArray, rows: np.ndarray, groups: np.ndarray, k: int,
                  delimiter: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Bytes of each group's joined string, and how many values it joins.

    Example:
        >>> sa = StringArray.from_pylist(["ab", "c", "de"])
        >>> [a.tolist() for a in group_lengths(sa, np.array([0, 1, 2]), np.array([0, 0, 1]), 3, b", ")]
        [[5, 2, 0], [2, 1, 0]]
    """
    return _group_lengths_kernel(sa.offsets, np.asarray(rows, np.int64), np.asarray(groups, np.int64),
                                 int(k), len(delimiter))


def join_groups(sa: StringArray, rows: np.ndarray, groups: np.ndarray, lengths: np.ndarray,
                delimiter: bytes) -> StringArray:
    """One string per group: ``sa[rows]`` joined in the given order with ``delimiter``.

    ``lengths`` comes from :func:`group_lengths`. A group without values gets ''.

    Example:
        >>> sa = StringArray.from_pylist(["ab", "c", "de"])
        >>> rows, groups = np.array([2, 0, 1]), np.array([0, 0, 1])
        >>> lengths, _ = group_lengths(sa, rows, groups, 3, b"|")
        >>> join_groups(sa, rows, groups, lengths, b"|").to_pylist()
        ['de|ab', 'c', '']
    """
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    delim = np.frombuffer(delimiter, dtype=np.uint8)
    data = _join_kernel(sa.offsets, sa.data, np.asarray(rows, np.int64), np.asarray(groups, np.int64),
                        offsets, delim)
    return StringArray(offsets, data)


__all__ = ["group_lengths", "join_groups"]
