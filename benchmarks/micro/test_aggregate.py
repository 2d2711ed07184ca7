"""Aggregation: the group-key factorizer and SUM kernel, and HashAggregate through SQL."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from benchmarks.micro.conftest import ROWS, cluster_with
from columnar.kernels.aggregate import group_count, group_sum_int64
from columnar.kernels.hashing import factorize_int64

GROUPS = {"100 groups": 100, "100k groups": 100_000}


@pytest.mark.parametrize("groups", list(GROUPS))
def test_factorize_kernel(benchmark, rng, groups):
    """Group keys to dense codes (direct addressing for a dense key range)."""
    benchmark.group = "aggregate kernel"
    keys = rng.integers(0, GROUPS[groups], ROWS, dtype=np.int64) * 7919  # spread, still dense enough
    factorize_int64(keys)
    _, k = benchmark(factorize_int64, keys)
    benchmark.extra_info["groups"] = k


@pytest.mark.parametrize("groups", list(GROUPS))
def test_group_sum_kernel(benchmark, rng, groups):
    """SUM(int64) and COUNT(*) per group over 1M rows, from precomputed codes."""
    benchmark.group = "aggregate kernel"
    k = GROUPS[groups]
    codes = rng.integers(0, k, ROWS, dtype=np.int64)
    values = rng.integers(-1000, 1000, ROWS, dtype=np.int64)

    def run():
        return group_sum_int64(codes, k, values, None), group_count(codes, k, None)

    run()
    benchmark(run)


@pytest.fixture(scope="module")
def facts(rng):
    data = pa.table({"k": rng.integers(0, 1_000_000, ROWS), "g100": rng.integers(0, 100, ROWS),
                     "g100k": rng.integers(0, 100_000, ROWS), "v": rng.integers(0, 1000, ROWS)})
    return cluster_with({"fact": (data, "DISTSTYLE KEY DISTKEY (k)")})


@pytest.mark.parametrize("column", ["g100", "g100k"])
def test_hash_aggregate_operator(benchmark, facts, column):
    """GROUP BY a non-distribution key on 2x2: partial aggregates, redistribution, final aggregates."""
    benchmark.group = "aggregate operator"
    sql = f"SELECT {column}, SUM(v), COUNT(*) FROM fact GROUP BY {column}"
    facts.sql(sql)
    result = benchmark(facts.sql, sql)
    benchmark.extra_info["rows_redistributed"] = result.metrics.rows_redistributed
