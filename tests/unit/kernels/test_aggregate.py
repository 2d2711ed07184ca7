"""columnar.kernels.aggregate against Python reductions."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from columnar.kernels import aggregate as A

from ._strategies import I64_MAX, I64_MIN, SETTINGS, int64s


@st.composite
def grouped(draw, elements):
    k = draw(st.sampled_from([1, 1, 2, 3, 5]))
    n = draw(st.integers(0, 40))
    codes = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)), dtype=np.int64)
    values = draw(st.lists(elements, min_size=n, max_size=n))
    valid = None
    if draw(st.booleans()):
        valid = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=np.bool_)
    return codes, k, values, valid


def groups_of(codes, k, values, valid):
    out = [[] for _ in range(k)]
    for i, c in enumerate(codes.tolist()):
        if valid is None or valid[i]:
            out[c].append(values[i])
    return out


@SETTINGS
@given(grouped(st.integers(0, 1)))
def test_group_count(g):
    codes, k, values, valid = g
    ref = [len(x) for x in groups_of(codes, k, values, valid)]
    out = A.group_count(codes, k, valid)
    assert out.dtype == np.int64 and out.tolist() == ref


@SETTINGS
@given(grouped(int64s))
def test_group_sum_int64_is_exact(g):
    codes, k, values, valid = g
    ref = [sum(x) for x in groups_of(codes, k, values, valid)]
    out = A.group_sum_int64(codes, k, np.array(values, dtype=np.int64), valid)
    assert [int(x) for x in out] == ref
    fits = all(I64_MIN <= s <= I64_MAX for s in ref)
    assert (out.dtype == np.int64) == fits


@SETTINGS
@given(grouped(st.integers(-(2**80), 2**80)))
def test_group_sum_object_ints(g):
    codes, k, values, valid = g
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    ref = [sum(x) for x in groups_of(codes, k, values, valid)]
    out = A.group_sum_int64(codes, k, arr, valid)
    assert [int(x) for x in out] == ref


def test_group_sum_int64_overflow_boundaries():
    codes = np.zeros(2, np.int64)
    out = A.group_sum_int64(codes, 1, np.array([I64_MAX, 1]), None)
    assert out.dtype == object and out.tolist() == [2**63]
    out = A.group_sum_int64(codes, 1, np.array([I64_MAX, 0]), None)
    assert out.dtype == np.int64 and out.tolist() == [I64_MAX]
    out = A.group_sum_int64(codes, 1, np.array([I64_MIN, 0]), None)
    assert out.dtype == np.int64 and out.tolist() == [I64_MIN]
    out = A.group_sum_int64(codes, 1, np.array([I64_MIN, -1]), None)
    assert out.tolist() == [I64_MIN - 1]
    many = np.full(1000, I64_MAX, np.int64)
    assert A.group_sum_int64(np.zeros(1000, np.int64), 1, many, None).tolist() == [1000 * I64_MAX]


@SETTINGS
@given(grouped(st.floats(-1e9, 1e9)))
def test_group_sum_float64(g):
    codes, k, values, valid = g
    ref = [math.fsum(x) for x in groups_of(codes, k, values, valid)]
    out = A.group_sum_float64(codes, k, np.array(values, dtype=np.float64), valid)
    assert np.allclose(out, ref, rtol=1e-9, atol=1e-3)


@SETTINGS
@given(grouped(int64s))
def test_group_min_max_int64(g):
    codes, k, values, valid = g
    arr = np.array(values, dtype=np.int64)
    groups = groups_of(codes, k, values, valid)
    for fn, ref_fn in ((A.group_min_int64, min), (A.group_max_int64, max)):
        r, has = fn(codes, k, arr, valid)
        assert has.tolist() == [bool(x) for x in groups]
        assert [int(v) for v, h in zip(r, has) if h] == [ref_fn(x) for x in groups if x]


@SETTINGS
@given(grouped(st.integers(-(2**31), 2**31 - 1)))
def test_group_min_max_int32(g):
    codes, k, values, valid = g
    arr = np.array(values, dtype=np.int32)
    groups = groups_of(codes, k, values, valid)
    for fn, ref_fn in ((A.group_min_int32, min), (A.group_max_int32, max)):
        r, has = fn(codes, k, arr, valid)
        assert r.dtype == np.int32
        assert [int(v) for v, h in zip(r, has) if h] == [ref_fn(x) for x in groups if x]


def _pg_key(x):
    """PostgreSQL float order: NaN above everything."""
    return (1, 0.0) if math.isnan(x) else (0, x)


@SETTINGS
@given(grouped(st.one_of(st.floats(), st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0]))))
def test_group_min_max_float64_nan_is_largest(g):
    codes, k, values, valid = g
    arr = np.array(values, dtype=np.float64)
    groups = groups_of(codes, k, values, valid)
    for fn, ref_fn in ((A.group_min_float64, min), (A.group_max_float64, max)):
        r, has = fn(codes, k, arr, valid)
        assert has.tolist() == [bool(x) for x in groups]
        got = [float(v) for v, h in zip(r, has) if h]
        want = [ref_fn(x, key=_pg_key) for x in groups if x]
        assert [_pg_key(a) for a in got] == [_pg_key(b) for b in want]


def test_empty_input():
    codes = np.zeros(0, np.int64)
    assert A.group_count(codes, 3, None).tolist() == [0, 0, 0]
    assert A.group_sum_int64(codes, 2, np.zeros(0, np.int64), None).tolist() == [0, 0]
    r, has = A.group_max_float64(codes, 1, np.zeros(0), None)
    assert has.tolist() == [False]
