"""Aggregate functions over dense group codes, in one or two phases.

Role: the arithmetic behind :class:`~columnar.exec.operators.hash_aggregate.HashAggregate`.
Given the group code of every row (``exec.keys.group_codes``) each aggregate
is one kernel call (``kernels.aggregate``):

============  ==========================  ================================
aggregate     partial state (per slice)   final (after DIST or at leader)
============  ==========================  ================================
COUNT(*)      count                       sum of counts
COUNT(x)      count of non-NULL           sum of counts
SUM(x)        exact sum (NULL if none)    sum of sums
AVG(x)        sum, count                  sum of sums / sum of counts
MIN / MAX     min / max                   min of mins / max of maxes
============  ==========================  ================================

Sums of integers and decimals are exact (int64, or Python ints when they
outgrow int64). Redshift's AVG of an integer column is an integer (truncated
toward zero); AVG of DECIMAL(p,s) keeps scale s, rounded half away from zero.
DISTINCT aggregates first keep one row per distinct (group, value) pair.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.errors import NumericOverflowError
from columnar.core.types import BIGINT, DataType
from columnar.exec.keys import factorize, sort_key
from columnar.kernels import aggregate as K
from columnar.kernels.columns import take
from columnar.kernels.hashing import combine_codes, first_occurrence


def _valid(col: Column | None):
    return None if col is None else col.validity


def count(codes, k, col: Column | None) -> Column:
    return Column(BIGINT, K.group_count(codes, k, _valid(col)))


def exact_sum(codes, k, col: Column, out_type: DataType) -> Column:
    """SUM with NULL for groups without a non-NULL value."""
    # every group has at least one row; only NULLs can leave a group without values
    # every group has a row, so without NULLs (and with rows: the scalar aggregate
    # of an empty input is NULL) no group can lack a value
    needs_counts = col.validity is not None or len(codes) == 0
    counts = K.group_count(codes, k, col.validity) if needs_counts else None
    data = col.data
    if data.dtype.kind == "f":
        sums = K.group_sum_float64(codes, k, data, col.validity)
    elif data.dtype == object:
        sums = K.group_sum_int64(codes, k, data, col.validity)
    else:
        sums = K.group_sum_int64(codes, k, data.astype(np.int64, copy=False), col.validity)
    validity = None if counts is None or counts.min(initial=1) > 0 else counts > 0
    if out_type.is_integer and sums.dtype == object:
        raise NumericOverflowError("bigint out of range")
    if out_type.is_decimal and sums.dtype == object and any(abs(v) >= 10**out_type.precision for v in sums):
        raise NumericOverflowError("Numeric data overflow")
    return Column(out_type, sums, validity)


def minmax(codes, k, col: Column, is_max: bool) -> Column:
    data = col.data
    if isinstance(data, np.ndarray) and data.dtype.kind in "iub":
        fn = K.group_max_int64 if is_max else K.group_min_int64
        vals, has = fn(codes, k, data.astype(np.int64, copy=False), col.validity)
        out = vals if data.dtype == np.int64 else vals.astype(data.dtype)
        return Column(col.type, out, None if has.all() else has)
    if isinstance(data, np.ndarray) and data.dtype.kind == "f":
        fn = K.group_max_float64 if is_max else K.group_min_float64
        vals, has = fn(codes, k, data, col.validity)
        return Column(col.type, vals, None if has.all() else has)
    # strings and object decimals: aggregate ranks, map back to a representative row
    ranks = sort_key(col)
    fn = K.group_max_int64 if is_max else K.group_min_int64
    best, has = fn(codes, k, ranks.astype(np.int64), col.validity)
    # a (non-NULL) row holding each rank value, to take the string from
    candidates = np.flatnonzero(col.is_valid())
    order = candidates[np.argsort(ranks[candidates], kind="stable")]
    uniq, start = np.unique(ranks[order], return_index=True)
    rows = order[start]
    pos = np.searchsorted(uniq, best)
    pos = np.clip(pos, 0, max(len(uniq) - 1, 0))
    idx = np.where(has, rows[pos] if len(rows) else -1, -1).astype(np.int64)
    return take(col, idx)


def distinct_rows(codes: np.ndarray, k: int, col: Column) -> np.ndarray:
    """Row indices keeping one row per distinct (group, value) pair."""
    vcodes, vk = factorize(col)
    pair, pk = combine_codes([codes, vcodes], [k, vk])
    return first_occurrence(pair, pk)


def avg_finish(sums: Column, counts: Column, out_type: DataType) -> Column:
    """AVG = SUM / COUNT in the Redshift result type."""
    c = counts.data
    has = c > 0
    safe = np.where(has, c, 1)
    s = sums.data
    if out_type.is_float:
        vals = s.astype(np.float64) / safe
    elif s.dtype == object:
        vals = np.array([_div_half_away(int(a), int(b)) if out_type.is_decimal else _div_trunc(int(a), int(b))
                         for a, b in zip(s, safe)], dtype=object)
        if all(-(2**63) <= v < 2**63 for v in vals):
            vals = vals.astype(np.int64)
    elif out_type.is_decimal:
        q, r = np.divmod(np.abs(s), safe)
        vals = np.sign(s) * (q + (2 * r >= safe))
    else:
        vals = np.sign(s) * (np.abs(s) // safe)
    validity = None if has.all() else has
    return Column(out_type, vals, validity)


def _div_half_away(a: int, b: int) -> int:
    q, r = divmod(abs(a), b)
    q += 2 * r >= b
    return q if a >= 0 else -q


def _div_trunc(a: int, b: int) -> int:
    q = abs(a) // b
    return q if a >= 0 else -q
