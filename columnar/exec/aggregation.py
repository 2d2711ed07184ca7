"""Aggregate functions over dense group codes, in one or two phases.

Role: the arithmetic behind :class:`~columnar.exec.operators.hash_aggregate.HashAggregate`.
Given the group code of every row (``exec.keys.group_codes``) each aggregate
is a few kernel calls (``kernels.aggregate``) or one sort:

=====================  ==========================  ===================================
aggregate              partial state (per slice)   final (after DIST or at leader)
=====================  ==========================  ===================================
COUNT(*)               count                       sum of counts
COUNT(x)               count of non-NULL           sum of counts
SUM(x)                 exact sum (NULL if none)    sum of sums
AVG(x)                 sum, count                  sum of sums / sum of counts
MIN / MAX              min / max                   min of mins / max of maxes
BOOL_AND / BOOL_OR     and / or                    and of ands / or of ors
STDDEV_* / VAR_*       count, mean, M2             Chan et al.'s merge, then M2 / n(-1)
APPROXIMATE COUNT      HyperLogLog sketch          register-wise max, then estimate
(DISTINCT x)
MEDIAN, PERCENTILE_*,  none: one phase, every row of a group on one slice
LISTAGG
=====================  ==========================  ===================================

Sums of integers and decimals are exact (int64, or Python ints when they
outgrow int64). Redshift's AVG of an integer column is an integer (truncated
toward zero); AVG of DECIMAL(p,s) keeps scale s, rounded half away from zero.
DISTINCT aggregates first keep one row per distinct (group, value) pair.

Variance is computed in two passes per slice (the group means, then the sum
of squared deviations ``M2``, with the "corrected two-pass" term that cancels
the rounding error of the mean), never as ``sum(x²) - sum(x)²/n``, which
loses every digit when the mean is large against the spread. Partial states
(count, mean, M2) merge with the parallel formula of Chan, Golub and LeVeque
(1979): ``M2 = Σ M2_i + Σ n_i (mean_i - mean)²``. Samples of one value have
no sample variance (NULL), as in PostgreSQL and Redshift. Values become
float64 first (a BIGINT past 2**53 rounds), as the DOUBLE result implies.

APPROXIMATE COUNT(DISTINCT x) hashes each value so that equal SQL values hash
alike on every slice (``value_hashes``) and keeps a HyperLogLog sketch per
group (``kernels.hyperloglog``: 4096 registers, standard error 1.6 %).

The ordered aggregates sort each slice's rows by (group, key) with one
``numpy.lexsort`` and then index into the sorted run of every group:
PERCENTILE_CONT interpolates between the rows at ``floor`` and ``ceil`` of
``RN = 1 + p (n - 1)`` (Redshift's definition), exactly in scaled integers
for integers, decimals and dates; PERCENTILE_DISC takes the first row whose
cumulative share reaches p; LISTAGG hands the sorted rows to a string kernel
(``kernels.string_agg``).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from columnar.core.chunk import Batch, Column
from columnar.core.errors import DataError, NumericOverflowError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import BIGINT, BOOLEAN, DOUBLE, DataType, physical_dtype
from columnar.exec.keys import factorize, sort_key
from columnar.exec.operators.sort import sort_indices
from columnar.kernels import aggregate as K
from columnar.kernels import hyperloglog as HLL
from columnar.kernels.columns import take
from columnar.kernels.hashing import combine_codes, first_occurrence, hash_int64, hash_strings
from columnar.kernels.string_agg import group_lengths, join_groups
from columnar.kernels.strings import rtrim_spaces
from columnar.sql.expr import ColumnIndex
from columnar.sql.logical import SortKey

LISTAGG_LIMIT = 65535  # bytes: VARCHAR(MAX)
SKETCH_TYPE = DataType.varchar(65535)  # a HyperLogLog sketch travels as a binary string


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


# ---------------------------------------------------------------- BOOL_AND / BOOL_OR


def bool_reduce(codes, k, col: Column, is_and: bool) -> Column:
    """BOOL_AND (every non-NULL value true) or BOOL_OR (any true); NULL without values."""
    fn = K.group_min_int64 if is_and else K.group_max_int64
    vals, has = fn(codes, k, col.data.astype(np.int64), col.validity)
    return Column(BOOLEAN, vals.astype(np.bool_), None if has.all() else has)


# ---------------------------------------------------------------- VARIANCE / STDDEV


def _as_float(col: Column) -> np.ndarray:
    x = col.data.astype(np.float64)
    if col.type.is_decimal and col.type.scale:
        x = x / 10.0**col.type.scale
    return x


def moments(codes, k, col: Column) -> list[Column]:
    """Per group: count, mean and M2 (sum of squared deviations from the mean).

    The corrected two-pass algorithm: deviations from a first mean ``m0``, then
    ``M2 = Σ(x - m0)² - (Σ(x - m0))² / n`` and ``mean = m0 + Σ(x - m0) / n``
    (the second terms remove the rounding error of ``m0``; equal values give 0).
    """
    x = _as_float(col)
    n = K.group_count(codes, k, col.validity)
    safe = np.maximum(n, 1)
    m0 = K.group_sum_float64(codes, k, x, col.validity) / safe
    dev = x - m0[codes] if len(x) else x
    dsum = K.group_sum_float64(codes, k, dev, col.validity)
    m2 = K.group_sum_float64(codes, k, dev * dev, col.validity) - dsum * dsum / safe
    return [Column(BIGINT, n), Column(DOUBLE, m0 + dsum / safe), Column(DOUBLE, np.maximum(m2, 0.0))]


def merge_moments(codes, k, n: Column, mean: Column, m2: Column) -> list[Column]:
    """Combine partial (count, mean, M2) states of the same groups (Chan et al.:
    ``M2 = Σ M2_i + Σ n_i (mean_i - mean)²``, with the same correction as :func:`moments`)."""
    ni = n.data.astype(np.float64)
    total = K.group_sum_int64(codes, k, n.data, None)
    safe = np.maximum(total, 1)
    mu0 = K.group_sum_float64(codes, k, ni * mean.data, None) / safe
    spread = mean.data - mu0[codes] if len(codes) else mean.data
    ssum = K.group_sum_float64(codes, k, ni * spread, None)
    between = K.group_sum_float64(codes, k, ni * spread * spread, None) - ssum * ssum / safe
    out = K.group_sum_float64(codes, k, m2.data, None) + np.maximum(between, 0.0)
    return [Column(BIGINT, total), Column(DOUBLE, mu0 + ssum / safe), Column(DOUBLE, out)]


def finish_moments(func: str, n: Column, mean: Column, m2: Column) -> Column:
    """VAR_SAMP = M2 / (n - 1) (NULL below two values), VAR_POP = M2 / n, STDDEV_* = sqrt."""
    del mean
    count = n.data
    sample = func.endswith("_samp")
    has = count >= (2 if sample else 1)
    var = np.maximum(m2.data, 0.0) / np.where(has, count - (1 if sample else 0), 1)
    out = np.sqrt(var) if func.startswith("stddev") else var
    return Column(DOUBLE, np.where(has, out, 0.0), None if has.all() else has)


# ---------------------------------------------------------------- APPROXIMATE COUNT(DISTINCT)


def value_hashes(col: Column) -> np.ndarray:
    """A 64-bit hash per row that is equal for equal SQL values on every slice
    (strings without trailing blanks, -0.0 = 0.0, one NaN, a wide DECIMAL that
    fits int64 hashes as the int64)."""
    data = col.data
    if isinstance(data, DictArray):
        if not len(data.dictionary):  # only NULLs (their code is -1)
            return np.zeros(len(data), np.uint64)
        return hash_strings(rtrim_spaces(data.dictionary))[data.codes]
    if isinstance(data, StringArray):
        return hash_strings(rtrim_spaces(data))
    if data.dtype.kind == "f":
        x = np.where(np.isnan(data), np.nan, data + 0.0)
        return hash_int64(x.view(np.int64))
    if data.dtype == object:
        values = np.where(col.is_valid(), data, 0)
        fits = ((values >= -(2**63)) & (values < 2**63)).astype(np.bool_)
        out = np.empty(len(values), np.uint64)
        out[fits] = hash_int64(values[fits].astype(np.int64))
        wide = values[~fits]
        low = (wide & (2**64 - 1)).astype(np.uint64).view(np.int64)
        out[~fits] = hash_int64(low) ^ hash_int64((wide >> 64).astype(np.int64) + 1)
        return out
    return hash_int64(data.astype(np.int64, copy=False))


def _triplets(codes, col: Column):
    rows = np.flatnonzero(col.is_valid()) if col.validity is not None else slice(None)
    return HLL.build(codes[rows], value_hashes(col)[rows])


def approx_distinct(codes, k, col: Column) -> Column:
    """APPROXIMATE COUNT(DISTINCT x) in one phase."""
    g, _, rank = _triplets(codes, col)
    return Column(BIGINT, HLL.estimate(g, rank, k))


def sketch(codes, k, col: Column) -> Column:
    """The partial state of APPROXIMATE COUNT(DISTINCT x): one sketch per group."""
    g, idx, rank = _triplets(codes, col)
    return Column(SKETCH_TYPE, HLL.encode(g, idx, rank, k))


def merge_sketches(codes, k, sketches: Column) -> Column:
    """Final phase: union the sketches of each group (register-wise max), then estimate."""
    g, idx, rank = HLL.decode(sketches.data, codes)
    g, _, rank = HLL.reduce_triplets(g, idx, rank)
    return Column(BIGINT, HLL.estimate(g, rank, k))


# ---------------------------------------------------------------- MEDIAN / PERCENTILE_CONT / PERCENTILE_DISC


def _group_runs(sorted_codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(sorted_codes, minlength=k).astype(np.int64) if len(sorted_codes) else np.zeros(k, np.int64)
    starts = np.zeros(k, np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return starts, counts


def _times_fraction(n: np.ndarray, f: Fraction) -> tuple[np.ndarray, np.ndarray]:
    """``floor(n * f)`` and the remainder ``n * f.numerator mod f.denominator``, exactly
    (Python ints only when ``n * numerator`` could overflow int64)."""
    if f.numerator * (int(n.max(initial=0)) + 1) < 2**62:
        q, r = np.divmod(n * f.numerator, f.denominator)
        return q, r
    t = n.astype(object) * f.numerator
    q = t // f.denominator
    return q.astype(np.int64), t - q * f.denominator


def percentile(codes, k, col: Column, fraction: Fraction, descending: bool, discrete: bool,
               out_type: DataType) -> Column:
    """PERCENTILE_CONT / PERCENTILE_DISC (MEDIAN = PERCENTILE_CONT(0.5)) per group, NULLs ignored.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> col = Column(INTEGER, np.array([4, 1, 3, 2, 9]))
        >>> out = percentile(np.array([0, 0, 0, 0, 1]), 2, col, Fraction(1, 2), False, False,
        ...                  DataType.decimal(38, 1))
        >>> out.data.tolist()  # 2.5 and 9.0 at scale 1
        [25, 90]
    """
    rows = np.flatnonzero(col.is_valid())
    rows = rows[np.lexsort((sort_key(col)[rows], codes[rows]))]
    starts, counts = _group_runs(codes[rows], k)
    has = counts > 0
    n = np.maximum(counts, 1)
    if discrete:
        # the first row whose cumulative distribution reaches p: number ceil(p n), at least 1
        q, r = _times_fraction(n, fraction)
        j = np.maximum(q + (r > 0), 1)
        pos = starts + (n - j if descending else j - 1)
        return take(col, np.where(has, rows[np.where(has, pos, 0)] if len(rows) else -1, -1))
    validity = None if has.all() else has
    if not len(rows):
        return Column(out_type, np.zeros(k, dtype=physical_dtype(out_type)), validity)
    f = 1 - fraction if descending else fraction
    lo, rem = _times_fraction(n - 1, f)  # RN - 1 = f (n - 1) = lo + rem / denominator
    hi = lo + (rem > 0)
    v_lo = take(col, rows[np.where(has, starts + lo, 0)]).data
    v_hi = take(col, rows[np.where(has, starts + hi, 0)]).data
    if out_type.is_float:
        a, b = v_lo.astype(np.float64), v_hi.astype(np.float64)
        w = (rem / f.denominator).astype(np.float64)
        return Column(out_type, np.where(hi > lo, a + (b - a) * w, a), validity)
    scale_up = 10 ** (out_type.scale - col.type.scale) if out_type.is_decimal else 1
    vals = _interpolate_exact(v_lo, v_hi, rem, f.denominator, scale_up, round_half=not out_type.is_temporal)
    if out_type.is_decimal and vals.dtype == object and any(abs(v) >= 10**out_type.precision for v in vals):
        raise NumericOverflowError("Numeric data overflow")
    if not out_type.is_decimal:
        vals = vals.astype(col.data.dtype)
    return Column(out_type, vals, validity)


def _interpolate_exact(v_lo, v_hi, rem, den: int, scale_up: int, round_half: bool) -> np.ndarray:
    """``(v_lo + rem / den * (v_hi - v_lo)) * scale_up`` in exact integers, rounded half
    away from zero for numbers and floored for dates and timestamps (the day or
    microsecond the interpolated instant falls in); int64 unless it could overflow."""
    bound = max(abs(int(x)) for x in (v_lo.min(), v_lo.max(), v_hi.min(), v_hi.max()))
    if v_lo.dtype == object or rem.dtype == object or (3 * bound + 1) * scale_up * den >= 2**62:
        v_lo, v_hi, rem = v_lo.astype(object), v_hi.astype(object), rem.astype(object)
    else:
        v_lo, v_hi = v_lo.astype(np.int64), v_hi.astype(np.int64)
    num = (v_lo * den + rem * (v_hi - v_lo)) * scale_up
    if round_half:
        mag = abs(num)
        q = mag // den
        out = np.where(num < 0, -1, 1) * (q + (2 * (mag - q * den) >= den))
    else:
        out = num // den
    if out.dtype == object and all(-(2**63) <= v < 2**63 for v in out):
        out = out.astype(np.int64)
    return out


# ---------------------------------------------------------------- LISTAGG


def listagg(codes, k, value: Column, order: list, delimiter: str, distinct: bool) -> Column:
    """LISTAGG per group: non-empty, non-NULL values in WITHIN GROUP order
    (``order``: ``(column, desc, nulls_first)`` triples), joined by ``delimiter``."""
    data = value.data
    if isinstance(data, DictArray):  # join the dictionary's strings, picked by code
        sa, ref = data.dictionary, np.maximum(data.codes.astype(np.int64), 0)  # -1: NULL, empty dictionary
        lengths = sa.lengths()[ref] if len(sa) else np.zeros(len(ref), np.int64)
    else:
        sa, ref = data, None
        lengths = sa.lengths()
    rows = np.flatnonzero(value.is_valid() & (lengths > 0))
    sub_codes = codes[rows]
    if order:
        batch = Batch([Column(BIGINT, sub_codes)] + [take(c, rows) for c, _, _ in order], len(rows))
        keys = [SortKey(ColumnIndex(0, BIGINT))] + [SortKey(ColumnIndex(i + 1, c.type), d, nf)
                                                    for i, (c, d, nf) in enumerate(order)]
        perm = sort_indices(batch, keys)
    else:
        perm = np.argsort(sub_codes, kind="stable")
    if distinct and len(perm):
        vcodes, vk = factorize(take(value, rows[perm]))  # equal ignoring trailing blanks
        pair, pk = combine_codes([sub_codes[perm], vcodes], [k, vk])
        perm = perm[np.sort(first_occurrence(pair, pk))]
    rows, groups = rows[perm], sub_codes[perm]
    strings = rows if ref is None else ref[rows]
    delim = delimiter.encode("utf-8")
    sizes, counts = group_lengths(sa, strings, groups, k, delim)
    if len(sizes) and sizes.max() > LISTAGG_LIMIT:
        raise DataError(f"Result size exceeds LISTAGG limit (a group needs {int(sizes.max())} bytes, "
                        f"the limit is {LISTAGG_LIMIT})")
    out = join_groups(sa, strings, groups, sizes, delim)
    has = counts > 0
    return Column(DataType.varchar(LISTAGG_LIMIT), out, None if has.all() else has)
