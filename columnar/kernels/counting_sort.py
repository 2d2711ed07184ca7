"""Stable counting sort: the row order of integer keys with a small value range.

Role: a bulk load stores each slice sorted on the table's sort key
(:mod:`columnar.storage.sortkey`). Sort keys are mostly dates and small
integers: TPC-H lineitem's ``l_shipdate`` holds 2,526 distinct days over 6M
rows, and a counting sort orders it in two linear passes, where
``np.lexsort`` (a merge sort) took about 0.5 s.

Algorithm: count the rows of each ``key - lo``, turn the counts into start
positions (prefix sum), then place each row at its key's next position, in
row order, which keeps equal keys in load order (stable).
"""

from __future__ import annotations

import numpy as np

from columnar.kernels._jit import njit

#: Key ranges up to this size are sorted by counting (8 MB of counts).
MAX_RANGE = 1 << 20


@njit
def _counting_order(keys, lo, size):
    starts = np.zeros(size + 1, np.int64)
    for i in range(len(keys)):
        starts[keys[i] - lo + 1] += 1
    for k in range(size):
        starts[k + 1] += starts[k]
    order = np.empty(len(keys), np.int64)
    for i in range(len(keys)):
        k = keys[i] - lo
        order[starts[k]] = i
        starts[k] += 1
    return order


def counting_order(keys: np.ndarray) -> np.ndarray | None:
    """The stable ascending row order of integer ``keys``, or None when their
    range exceeds :data:`MAX_RANGE` (the caller sorts another way).

    Example:
        >>> counting_order(np.array([3, 1, 3, 2, 1])).tolist()
        [1, 4, 3, 0, 2]
    """
    keys = np.ascontiguousarray(keys)
    if keys.dtype.kind not in "iu" or len(keys) == 0:
        return None
    lo, hi = int(keys.min()), int(keys.max())
    if hi - lo >= MAX_RANGE:
        return None
    return _counting_order(keys.astype(np.int64, copy=False), np.int64(lo), hi - lo + 1)


__all__ = ["MAX_RANGE", "counting_order"]
