"""Grouped reductions over dense group codes: COUNT, SUM, MIN, MAX.

Role: the inner loops of HashAggregate. Upstream, :mod:`.hashing` turned the
GROUP BY keys into dense codes ``0..k-1``; here each aggregate is one pass over
the rows, accumulating into plain arrays indexed by code (no hash table left).
A query without GROUP BY is the case ``k == 1`` (all codes 0): every kernel
detects it and accumulates into scalars, skipping the per-row indexing.

Arguments shared by every function: ``codes`` (int64, values in ``0..k-1``),
``k``, and ``valid`` -- a bool array (False rows are ignored, i.e. SQL NULLs) or
None when every row counts. Groups without any counted row get 0 (sums) or
``has_value = False`` (min/max); the executor turns those into NULLs.

Exact integer sums. SUM over BIGINT or DECIMAL (int64 scaled integers) must
never wrap. Each value is split into its high 32 bits (signed) and low 32 bits
(unsigned), summed in two int64 accumulators -- neither can overflow below
2**31 rows per group -- and the halves are recombined at the end. If a total
does not fit int64 the result becomes an ``object`` array of exact Python ints
(which Redshift would show as a wider DECIMAL), never a float or a wrapped
value.

Float ordering follows PostgreSQL/Redshift: NaN is larger than every number,
so MAX returns NaN if any value is NaN and MIN returns NaN only if all are.
"""

from __future__ import annotations

import numpy as np

from columnar.kernels._jit import njit

_NO_VALID = np.ones(0, dtype=np.bool_)
_I64_MIN = np.iinfo(np.int64).min
_I64_MAX = np.iinfo(np.int64).max
_LOW32 = 0xFFFFFFFF


def _prep(codes, values, valid, dtype):
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    if values is not None:
        values = np.ascontiguousarray(values, dtype=dtype)
    if valid is None:
        return codes, values, _NO_VALID, False
    return codes, values, np.ascontiguousarray(valid, dtype=np.bool_), True


# ---------------------------------------------------------------- COUNT


@njit
def _count_kernel(codes, k, valid):
    out = np.zeros(k, np.int64)
    if k == 1:
        c = 0
        for i in range(len(valid)):
            c += np.int64(valid[i])
        out[0] = c
        return out
    for i in range(len(codes)):
        out[codes[i]] += np.int64(valid[i])
    return out


def group_count(codes: np.ndarray, k: int, valid: np.ndarray | None) -> np.ndarray:
    """Number of valid rows per group.

    Example:
        >>> group_count(np.array([0, 1, 0]), 2, np.array([True, True, False])).tolist()
        [1, 1]
    """
    k = int(k)
    if valid is None:
        if k == 1:
            return np.array([len(codes)], dtype=np.int64)
        return np.bincount(np.asarray(codes, dtype=np.int64), minlength=k).astype(np.int64, copy=False)
    codes, _, valid, _ = _prep(codes, None, valid, None)
    return _count_kernel(codes, k, valid)


# ---------------------------------------------------------------- SUM


@njit
def _sum_int64_kernel(codes, k, values, valid, has_valid):
    """Sums split in 32-bit halves; returns (high, low) per group after carrying."""
    hi = np.zeros(k, np.int64)
    lo = np.zeros(k, np.int64)
    n = len(values)
    if k == 1:
        h = np.int64(0)
        lw = np.int64(0)
        if has_valid:
            for i in range(n):
                m = np.int64(valid[i])
                v = values[i]
                h += (v >> 32) * m
                lw += (v & _LOW32) * m
        else:
            for i in range(n):
                v = values[i]
                h += v >> 32
                lw += v & _LOW32
        hi[0] = h
        lo[0] = lw
    elif has_valid:
        for i in range(n):
            m = np.int64(valid[i])
            v = values[i]
            c = codes[i]
            hi[c] += (v >> 32) * m
            lo[c] += (v & _LOW32) * m
    else:
        for i in range(n):
            v = values[i]
            c = codes[i]
            hi[c] += v >> 32
            lo[c] += v & _LOW32
    # Carry: total = hi * 2**32 + lo with 0 <= low word < 2**32.
    out = np.empty(k, np.int64)
    fits = True
    for g in range(k):
        h = hi[g] + (lo[g] >> 32)
        lw = lo[g] & _LOW32
        hi[g] = h
        lo[g] = lw
        fits &= (h >= -2147483648) & (h <= 2147483647)
        out[g] = (h << 32) | lw
    return out, fits, hi, lo


def group_sum_int64(codes: np.ndarray, k: int, values: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    """Exact integer sums per group: int64 if every sum fits, else Python ints.

    Example:
        >>> group_sum_int64(np.array([0, 0, 1]), 2, np.array([2**62, 2**62, -5]), None).tolist()
        [9223372036854775808, -5]
        >>> group_sum_int64(np.array([0, 0]), 1, np.array([1, 2]), None).dtype
        dtype('int64')
    """
    k = int(k)
    values = np.asarray(values)
    if values.dtype == object:
        return _sum_object(codes, k, values, valid)
    codes, values, valid, has_valid = _prep(codes, values, valid, np.int64)
    out, fits, hi, lo = _sum_int64_kernel(codes, k, values, valid, has_valid)
    if fits:
        return out
    exact = np.empty(k, dtype=object)
    exact[:] = [(h << 32) + lw for h, lw in zip(hi.tolist(), lo.tolist())]
    return exact


def _sum_object(codes, k, values, valid) -> np.ndarray:
    """Fallback for values already held as Python ints (wide DECIMALs)."""
    codes = np.asarray(codes, dtype=np.int64)
    if valid is not None:
        valid = np.asarray(valid, dtype=np.bool_)
        codes, values = codes[valid], values[valid]
    out = np.zeros(k, dtype=object)
    out[:] = [0] * k
    np.add.at(out, codes, values)
    sums = [int(x) for x in out]
    if all(_I64_MIN <= s <= _I64_MAX for s in sums):
        return np.array(sums, dtype=np.int64)
    out[:] = sums
    return out


@njit
def _sum_float64_kernel(codes, k, values, valid, has_valid):
    out = np.zeros(k, np.float64)
    if has_valid:
        for i in range(len(values)):
            out[codes[i]] += values[i] if valid[i] else 0.0
    else:
        for i in range(len(values)):
            out[codes[i]] += values[i]
    return out


def group_sum_float64(codes: np.ndarray, k: int, values: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    """Float sums per group (k == 1 uses numpy's pairwise summation).

    Example:
        >>> group_sum_float64(np.array([0, 1, 0]), 2, np.array([1.5, 2.0, 3.0]), None).tolist()
        [4.5, 2.0]
    """
    k = int(k)
    codes, values, valid, has_valid = _prep(codes, values, valid, np.float64)
    if k == 1:
        total = np.sum(values, where=valid) if has_valid else np.sum(values)
        return np.array([total], dtype=np.float64)
    return _sum_float64_kernel(codes, k, values, valid, has_valid)


# ---------------------------------------------------------------- MIN / MAX


@njit
def _minmax_int64_kernel(codes, k, values, valid, has_valid, is_max):
    init = _I64_MIN if is_max else _I64_MAX
    out = np.full(k, init, np.int64)
    has = np.zeros(k, np.bool_)
    n = len(values)
    if k == 1:
        r = out[0]
        any_ = False
        if has_valid:
            for i in range(n):
                v = values[i] if valid[i] else init
                r = max(r, v) if is_max else min(r, v)
                any_ |= valid[i]
        else:
            if is_max:
                for i in range(n):
                    r = max(r, values[i])
            else:
                for i in range(n):
                    r = min(r, values[i])
            any_ = n > 0
        out[0] = r
        has[0] = any_
        return out, has
    if is_max:
        for i in range(n):
            ok = (not has_valid) or valid[i]
            c = codes[i]
            v = values[i] if ok else init
            out[c] = max(out[c], v)
            has[c] |= ok
    else:
        for i in range(n):
            ok = (not has_valid) or valid[i]
            c = codes[i]
            v = values[i] if ok else init
            out[c] = min(out[c], v)
            has[c] |= ok
    return out, has


def group_min_int64(codes, k, values, valid) -> tuple[np.ndarray, np.ndarray]:
    """Minimum per group and whether the group had any valid value.

    Example:
        >>> r, has = group_min_int64(np.array([0, 0, 1]), 3, np.array([5, -2, 7]), None)
        >>> r[:2].tolist(), has.tolist()
        ([-2, 7], [True, True, False])
    """
    codes, values, valid, has_valid = _prep(codes, values, valid, np.int64)
    return _minmax_int64_kernel(codes, int(k), values, valid, has_valid, False)


def group_max_int64(codes, k, values, valid) -> tuple[np.ndarray, np.ndarray]:
    """Maximum per group and whether the group had any valid value.

    Example:
        >>> r, has = group_max_int64(np.array([0, 0]), 1, np.array([5, -2]), np.array([False, True]))
        >>> r.tolist(), has.tolist()
        ([-2], [True])
    """
    codes, values, valid, has_valid = _prep(codes, values, valid, np.int64)
    return _minmax_int64_kernel(codes, int(k), values, valid, has_valid, True)


def group_min_int32(codes, k, values, valid) -> tuple[np.ndarray, np.ndarray]:
    """:func:`group_min_int64` for int32 values (DATE); the result is int32."""
    r, has = group_min_int64(codes, k, np.asarray(values, dtype=np.int64), valid)
    return np.where(has, r, 0).astype(np.int32), has


def group_max_int32(codes, k, values, valid) -> tuple[np.ndarray, np.ndarray]:
    """:func:`group_max_int64` for int32 values (DATE); the result is int32."""
    r, has = group_max_int64(codes, k, np.asarray(values, dtype=np.int64), valid)
    return np.where(has, r, 0).astype(np.int32), has


@njit
def _minmax_float64_kernel(codes, k, values, valid, has_valid, is_max):
    # MIN starts at NaN (replaced by any value: "NaN is the largest"), MAX at
    # -inf (replaced by anything larger, and by NaN).
    out = np.full(k, -np.inf if is_max else np.nan, np.float64)
    has = np.zeros(k, np.bool_)
    n = len(values)
    if k == 1:
        r = out[0]
        any_ = False
        for i in range(n):
            ok = (not has_valid) or valid[i]
            v = values[i]
            if is_max:
                take = ok & ((v > r) | (v != v))
            else:
                take = ok & ((v < r) | (r != r))
            r = v if take else r
            any_ |= ok
        out[0] = r
        has[0] = any_
        return out, has
    for i in range(n):
        ok = (not has_valid) or valid[i]
        c = codes[i]
        v = values[i]
        r = out[c]
        if is_max:
            take = ok & ((v > r) | (v != v))
        else:
            take = ok & ((v < r) | (r != r))
        out[c] = v if take else r
        has[c] |= ok
    return out, has


def group_min_float64(codes, k, values, valid) -> tuple[np.ndarray, np.ndarray]:
    """Minimum per group; NaN only when every valid value is NaN.

    Example:
        >>> r, has = group_min_float64(np.array([0, 0, 1]), 2, np.array([np.nan, 1.0, np.nan]), None)
        >>> r.tolist(), has.tolist()
        ([1.0, nan], [True, True])
    """
    codes, values, valid, has_valid = _prep(codes, values, valid, np.float64)
    return _minmax_float64_kernel(codes, int(k), values, valid, has_valid, False)


def group_max_float64(codes, k, values, valid) -> tuple[np.ndarray, np.ndarray]:
    """Maximum per group; NaN as soon as one valid value is NaN.

    Example:
        >>> r, has = group_max_float64(np.array([0, 0]), 1, np.array([np.nan, 1.0]), None)
        >>> r.tolist(), has.tolist()
        ([nan], [True])
    """
    codes, values, valid, has_valid = _prep(codes, values, valid, np.float64)
    return _minmax_float64_kernel(codes, int(k), values, valid, has_valid, True)


__all__ = [
    "group_count",
    "group_max_float64",
    "group_max_int32",
    "group_max_int64",
    "group_min_float64",
    "group_min_int32",
    "group_min_int64",
    "group_sum_float64",
    "group_sum_int64",
]
