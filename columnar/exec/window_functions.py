"""Window functions over one slice's batch, vectorised with numpy.

Role: the algorithm behind ``XN Window`` (:mod:`columnar.exec.operators.window`).
The planner has already put every row of a partition on one slice. Here, for
each distinct ``(PARTITION BY, ORDER BY)`` of the calls (calls that share it
share the sort):

1. one stable sort on (partition keys, order keys), with ``sort.sort_indices``
   (NULL sorts as the largest value, as in ORDER BY);
2. partitions and peer groups (rows equal on all keys) as runs of the sorted
   keys (``keys.run_codes``); every row gets its partition's ``[start, end)``
   and its peer group's ``[start, end)``;
3. each function as array arithmetic on those positions: ROW_NUMBER is
   ``position - partition start + 1``, RANK the peer start, DENSE_RANK the peer
   group number within the partition; a frame is a per-row ``[a, b)`` range, so
   SUM / COUNT / AVG are differences of one prefix sum (exact: int64, or Python
   ints past the int64 range, never floats for integers and DECIMAL), MIN / MAX
   a range-minimum query on a sparse table of row indices (``log2`` levels),
   FIRST_VALUE / LAST_VALUE / NTH_VALUE and LAG / LEAD a gather of one row
   (``take`` with ``-1`` for NULL);
4. the results are scattered back to the input row order.

No Python loop runs per row; loops run per function and per sparse-table level.
Simplified: a float SUM over a sliding frame is a difference of running sums,
so it can differ from a fresh summation in the last bits.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch, Column, empty_column
from columnar.core.errors import NumericOverflowError
from columnar.core.types import BIGINT, DOUBLE
from columnar.exec.aggregation import avg_finish
from columnar.exec.evaluate import evaluate
from columnar.exec.keys import run_codes, sort_key
from columnar.exec.operators.sort import sort_indices
from columnar.kernels.columns import concat_columns, take
from columnar.sql.logical import SortKey


def window_batch(b: Batch, calls: list) -> Batch:
    """``b`` followed by one column per window call (same rows, same order)."""
    n = len(b)
    if n == 0:
        return Batch(list(b.columns) + [empty_column(c.type) for c in calls], 0)
    out: list = [None] * len(calls)
    groups: dict = {}
    for j, c in enumerate(calls):
        groups.setdefault((c.partition_by, c.order_by), []).append(j)
    for (partition, order), members in groups.items():
        layout = _Layout(b, partition, order)
        for j in members:
            out[j] = take(_compute(calls[j], layout), layout.inverse)
    return Batch(list(b.columns) + out, n)


def _runs(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the start and end (exclusive) of its run of equal codes."""
    first = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[first[1:], n]
    return first[codes], ends[codes]


class _Layout:
    """The sort of one ``(PARTITION BY, ORDER BY)`` and its run boundaries."""

    def __init__(self, b: Batch, partition: tuple, order: tuple):
        n = len(b)
        self.batch, self.n = b, n
        keys = [SortKey(p) for p in partition] + list(order)
        self.order = sort_indices(b, keys) if keys and n > 1 else np.arange(n)
        self.inverse = np.empty(n, dtype=np.int64)
        self.inverse[self.order] = np.arange(n)
        part_cols = [self.sorted(p) for p in partition]
        part_codes, _ = run_codes(part_cols, n)
        self.ps, self.pe = _runs(part_codes, n)
        peer_codes, _ = run_codes(part_cols + [self.sorted(k.expr) for k in order], n)
        self.peer_codes = peer_codes
        self.qs, self.qe = _runs(peer_codes, n)
        self.pos = np.arange(n)

    def sorted(self, expr) -> Column:
        """``expr`` evaluated on the batch, in the sorted order."""
        return take(evaluate(expr, self.batch), self.order)


def _compute(call, L: _Layout) -> Column:
    """One call's values in the sorted order of ``L``."""
    f, n = call.func, L.n
    if f == "row_number":
        return Column(BIGINT, L.pos - L.ps + 1)
    if f == "rank":
        return Column(BIGINT, L.qs - L.ps + 1)
    if f == "dense_rank":
        return Column(BIGINT, L.peer_codes - L.peer_codes[L.ps] + 1)
    size = L.pe - L.ps
    if f == "percent_rank":
        rank = (L.qs - L.ps).astype(np.float64)
        return Column(DOUBLE, np.where(size > 1, rank / np.maximum(size - 1, 1), 0.0))
    if f == "cume_dist":
        return Column(DOUBLE, (L.qe - L.ps) / size)
    if f == "ntile":
        return Column(BIGINT, _ntile(L.pos - L.ps, size, int(call.args[0].value)))
    if f in ("lag", "lead"):
        return _offset(call, L)
    a, e = _frame_bounds(call.frame, L)
    if f == "count_star":
        return Column(BIGINT, (e - a).astype(np.int64))
    value = L.sorted(call.args[0])
    if f == "first_value":
        return take(value, np.where(a < e, a, -1))
    if f == "last_value":
        return take(value, np.where(a < e, e - 1, -1))
    if f == "nth_value":
        i = a + int(call.args[1].value) - 1
        return take(value, np.where(i < e, i, -1))
    if f in ("min", "max"):
        return take(value, _range_best(value, a, e, f == "max"))
    counts = np.r_[0, np.cumsum(value.is_valid(), dtype=np.int64)]
    counts = counts[e] - counts[a]
    if f == "count":
        return Column(BIGINT, counts)
    sums = _frame_sums(value, a, e, n)
    if f == "sum":
        return _checked_sum(call.type, sums, counts)
    sum_type = call.type if call.type.is_float or call.type.is_decimal else BIGINT
    return avg_finish(Column(sum_type, sums), Column(BIGINT, counts), call.type)


def _ntile(r: np.ndarray, size: np.ndarray, tiles: int) -> np.ndarray:
    """NTILE: ``tiles`` buckets whose sizes differ by at most one, larger first."""
    q, rem = np.divmod(size, tiles)
    big = rem * (q + 1)  # rows in the larger buckets
    in_big = r < big
    small = rem + (r - big) // np.maximum(q, 1)
    return np.where(in_big, r // (q + 1), small).astype(np.int64) + 1


def _offset(call, L: _Layout) -> Column:
    """LAG / LEAD: the value ``offset`` rows before / after, within the partition."""
    value_expr, offset, default = call.args
    k = int(offset.value)
    src = L.pos - k if call.func == "lag" else L.pos + k
    inside = (src >= L.ps) & (src < L.pe)
    value = L.sorted(value_expr)
    if default.value is None:
        return take(value, np.where(inside, src, -1))
    d = evaluate(default, Batch([], 1))
    d = Column(value.type, d.data, d.validity)
    return take(concat_columns([value, d]), np.where(inside, src, L.n))


def _frame_bounds(frame, L: _Layout) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the frame as a range ``[a, b)`` of sorted positions (``a >= b``: empty)."""
    if frame.mode == "range":  # UNBOUNDED PRECEDING AND CURRENT ROW (peers) | UNBOUNDED FOLLOWING
        return L.ps, (L.qe if frame.end == 0 else L.pe)
    a = L.ps if frame.start is None else np.clip(L.pos + frame.start, L.ps, L.pe)
    e = L.pe if frame.end is None else np.clip(L.pos + frame.end + 1, L.ps, L.pe)
    return a, np.maximum(a, e)


def _frame_sums(value: Column, a: np.ndarray, e: np.ndarray, n: int) -> np.ndarray:
    """Sum of the non-NULL values in each frame, from one prefix sum: float64
    for floats, else exact (int64, or Python ints when int64 could overflow)."""
    data, valid = value.data, value.is_valid()
    if data.dtype.kind == "f":
        x = np.where(valid, data, 0.0)
    elif data.dtype == object:
        x = np.where(valid, data, 0).astype(object)
    else:
        x = np.where(valid, data.astype(np.int64, copy=False), 0)
        if len(x) and float(np.abs(x.astype(np.float64)).max()) * n >= 2.0**62:
            x = x.astype(object)  # the running sum could leave int64: Python ints
    prefix = np.concatenate((np.zeros(1, dtype=x.dtype), np.cumsum(x)))
    return prefix[e] - prefix[a]


def _checked_sum(t, sums: np.ndarray, counts: np.ndarray) -> Column:
    if sums.dtype == object:
        limit = 2**63 if t.is_integer else 10**t.precision
        if t.is_integer and any(not -limit <= v < limit for v in sums):
            raise NumericOverflowError("bigint out of range")
        if t.is_decimal and any(abs(v) >= limit for v in sums):
            raise NumericOverflowError("Numeric data overflow")
        if all(-(2**63) <= v < 2**63 for v in sums):
            sums = sums.astype(np.int64)
    has = counts > 0
    return Column(t, sums, None if has.all() else has)


def _range_best(value: Column, a: np.ndarray, e: np.ndarray, is_max: bool) -> np.ndarray:
    """Per row, the index of the MIN (MAX) non-NULL value in ``[a, e)`` (-1: empty),
    by a sparse table: level ``j`` holds the best index of ``[i, i + 2**j)``."""
    n = len(value)
    key = sort_key(value)
    null = ~value.is_valid()

    def better(i, k):
        ki, kk = key[i], key[k]
        wins = (ki >= kk) if is_max else (ki <= kk)
        return np.where((~null[i] & null[k]) | ((null[i] == null[k]) & wins), i, k)

    length = e - a
    longest = int(length.max(initial=0))
    levels = [np.arange(n)]
    width = 1
    while width * 2 <= longest:
        prev = levels[-1]
        levels.append(better(prev, prev[np.minimum(np.arange(n) + width, n - 1)]))
        width *= 2
    table = np.stack(levels)
    some = length > 0
    safe_len = np.where(some, length, 1)
    j = np.floor(np.log2(safe_len)).astype(np.int64)
    j = np.minimum(j, len(levels) - 1)
    lo = np.where(some, a, 0)
    hi = np.where(some, e - (1 << j), 0)
    best = better(table[j, lo], table[j, hi])
    return np.where(some, best, -1)


__all__ = ["window_batch"]
