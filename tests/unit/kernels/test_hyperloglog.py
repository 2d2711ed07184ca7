"""HyperLogLog sketches (APPROXIMATE COUNT(DISTINCT)): accuracy, and merging = building on the union."""

import numpy as np
import pytest

from columnar.kernels import hyperloglog as H
from columnar.kernels.hashing import hash_int64


def _estimate(values, groups=None, k=1):
    groups = np.zeros(len(values), np.int64) if groups is None else groups
    g, _, rank = H.build(groups, hash_int64(np.asarray(values, np.int64)))
    return H.estimate(g, rank, k)


def test_standard_error_is_documented():
    assert H.M == 4096
    assert H.STANDARD_ERROR == pytest.approx(1.04 / 64)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 50])
def test_tiny_inputs_are_exact(n):
    # linear counting over 4096 registers: a handful of values almost never collide
    assert _estimate(np.arange(n)).tolist() == [n]


@pytest.mark.parametrize("n", [100, 300, 1000])
def test_small_inputs_are_nearly_exact(n):
    assert abs(_estimate(np.arange(n))[0] - n) <= max(2, 0.01 * n)


def test_duplicates_do_not_count():
    assert _estimate(np.tile(np.arange(20), 500)).tolist() == [20]


@pytest.mark.parametrize("offset", [0, 10**9, -(2**40)])
def test_100k_distinct_within_a_few_percent(offset):
    est = _estimate(np.arange(100_000) + offset)[0]
    assert abs(est - 100_000) < 0.05 * 100_000  # ~3 standard errors


def test_groups_are_independent():
    values = np.concatenate([np.arange(10), np.arange(5000)])
    groups = np.concatenate([np.zeros(10, np.int64), np.full(5000, 2, np.int64)])
    est = _estimate(values, groups, k=3)
    assert est[0] == 10 and est[1] == 0
    assert abs(est[2] - 5000) < 0.05 * 5000


@pytest.mark.parametrize("n", [30, 2000, 50_000])  # sparse, both, dense sketches
def test_merging_sketches_equals_sketching_the_union(n):
    rng = np.random.default_rng(n)
    values = rng.integers(0, 10 * n, size=n)
    groups = rng.integers(0, 3, size=n)
    hashes = hash_int64(values)
    whole = H.build(groups, hashes)
    parts = np.array_split(np.arange(n), 4)  # four "slices"
    sketches = [H.encode(*H.build(groups[p], hashes[p]), 3) for p in parts]
    decoded = [H.decode(s, np.arange(3)) for s in sketches]
    merged = H.reduce_triplets(*(np.concatenate([d[i] for d in decoded]) for i in range(3)))
    for a, b in zip(whole, merged):
        assert a.tolist() == b.tolist()
    assert H.estimate(merged[0], merged[2], 3).tolist() == H.estimate(whole[0], whole[2], 3).tolist()


def test_sketch_sizes_sparse_then_dense():
    small = H.encode(*H.build(np.zeros(10, np.int64), hash_int64(np.arange(10))), 1)
    assert small.lengths().tolist() == [30]  # 3 bytes per non-empty register
    big = H.encode(*H.build(np.zeros(100_000, np.int64), hash_int64(np.arange(100_000))), 1)
    assert big.lengths().tolist() == [H.M]  # one byte per register
