"""Hash join: the build/probe kernel, and the HashJoin operator on a collocated join."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from benchmarks.micro.conftest import DIM_ROWS, ROWS, cluster_with, label_of
from columnar.kernels.join import hash_join_int64


@pytest.mark.parametrize("build", ["unique", "duplicates", "sparse"])
def test_hash_join_kernel(benchmark, rng, build):
    """1M probe keys against 100k build keys: distinct dense keys (a primary key),
    4 rows per key, or distinct keys spread over 2^40 (hash table, not direct addressing)."""
    benchmark.group = "hash join kernel"
    if build == "unique":
        keys = rng.permutation(DIM_ROWS).astype(np.int64)
        probe = rng.integers(0, DIM_ROWS, ROWS, dtype=np.int64)
    elif build == "duplicates":
        keys = rng.integers(0, DIM_ROWS // 4, DIM_ROWS, dtype=np.int64)
        probe = rng.integers(0, DIM_ROWS // 4, ROWS // 4, dtype=np.int64)
    else:
        keys = np.unique(rng.integers(0, 1 << 40, DIM_ROWS, dtype=np.int64))
        probe = rng.choice(keys, ROWS)
    hash_join_int64(keys, probe)  # compile outside the timing
    build_rows, probe_rows = benchmark(hash_join_int64, keys, probe)
    benchmark.extra_info["pairs"] = len(build_rows)


@pytest.fixture(scope="module")
def collocated(rng):
    fact = pa.table({"k": rng.integers(0, DIM_ROWS, ROWS), "v": rng.integers(0, 1000, ROWS)})
    dim = pa.table({"k": np.arange(DIM_ROWS), "w": rng.integers(0, 10, DIM_ROWS)})
    return cluster_with({"fact": (fact, "DISTSTYLE KEY DISTKEY (k)"), "dim": (dim, "DISTSTYLE KEY DISTKEY (k)")})


def test_hash_join_operator(benchmark, collocated):
    """A DS_DIST_NONE join of 1M fact rows with 100k dimension rows on a 2x2 cluster."""
    benchmark.group = "hash join operator"
    sql = "SELECT COUNT(*), SUM(fact.v + dim.w) FROM fact JOIN dim ON fact.k = dim.k"
    assert label_of(collocated, sql) == ["DS_DIST_NONE"]
    collocated.sql(sql)
    result = benchmark(collocated.sql, sql)
    assert result.metrics.rows_redistributed == result.metrics.rows_broadcast == 0
