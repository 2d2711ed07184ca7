"""Exchanges: hashing rows to slices and the simulated network, and DS_DIST_INNER /
DS_DIST_BOTH / DS_BCAST_INNER joins through SQL."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from benchmarks.micro.conftest import DIM_ROWS, ROWS, cluster_with, label_of
from columnar.cluster.distribution import key_slices
from columnar.cluster.network import Network
from columnar.cluster.topology import Topology
from columnar.core.chunk import Batch, Column
from columnar.core.types import BIGINT


def _batches(rng, slices: int) -> list[Batch]:
    per = ROWS // slices
    return [Batch([Column(BIGINT, rng.integers(0, 1 << 40, per, dtype=np.int64)),
                   Column(BIGINT, rng.integers(0, 1000, per, dtype=np.int64))], per) for _ in range(slices)]


def test_key_slices_kernel(benchmark, rng):
    """The slice of each of 1M BIGINT keys on 8 slices (splitmix64 hash, modulo)."""
    benchmark.group = "exchange kernel"
    column = Column(BIGINT, rng.integers(0, 1 << 40, ROWS, dtype=np.int64))
    key_slices([column], 8)
    benchmark(key_slices, [column], 8)


@pytest.mark.parametrize("shape", ["2x2", "4x2"])
def test_redistribute_kernel(benchmark, rng, shape):
    """Network.redistribute: 1M rows of two BIGINT columns hash-partitioned over the slices."""
    benchmark.group = "exchange kernel"
    nodes, per_node = (int(x) for x in shape.split("x"))
    topology = Topology(nodes, per_node)
    batches = _batches(rng, topology.n_slices)
    Network(topology).redistribute(batches, [0])
    benchmark(lambda: Network(topology).redistribute(batches, [0]))


def test_broadcast_kernel(benchmark, rng):
    """Network.broadcast: 100k rows copied to every node of a 4x2 cluster."""
    benchmark.group = "exchange kernel"
    topology = Topology(4, 2)
    small = [Batch([Column(c.type, c.data[: DIM_ROWS // 8]) for c in b.columns], DIM_ROWS // 8)
             for b in _batches(rng, 8)]
    benchmark(lambda: Network(topology).broadcast(small))


@pytest.fixture(scope="module")
def joinable(rng):
    big = pa.table({"a": rng.integers(0, ROWS, ROWS), "v": rng.integers(0, 1000, ROWS)})
    other = pa.table({"b": rng.integers(0, ROWS, ROWS), "w": rng.integers(0, 1000, ROWS)})
    half = pa.table({"b": rng.integers(0, ROWS, ROWS // 2), "w": rng.integers(0, 1000, ROWS // 2)})
    small = pa.table({"b": np.arange(2000), "w": rng.integers(0, 1000, 2000)})
    return cluster_with({"big": (big, "DISTSTYLE EVEN"), "big_key": (big, "DISTSTYLE KEY DISTKEY (a)"),
                         "other": (other, "DISTSTYLE EVEN"), "half": (half, "DISTSTYLE EVEN"),
                         "small": (small, "DISTSTYLE EVEN")})


CASES = {  # label: (outer, inner)
    "DS_DIST_INNER": ("big_key", "half"),  # outer KEY on the join column: the 500k-row inner moves
    "DS_DIST_BOTH": ("big", "other"),  # 1M x 1M rows, both EVEN: both sides move
    "DS_BCAST_INNER": ("big", "small"),  # a 2,000-row inner: copied to every node
}


@pytest.mark.parametrize("label", list(CASES))
def test_join_exchange_operator(benchmark, joinable, label):
    """A join on 2x2 whose exchange is the one its DS_* label names (checked first)."""
    benchmark.group = "exchange operator"
    outer, inner = CASES[label]
    sql = f"SELECT COUNT(*), SUM(v + w) FROM {outer} JOIN {inner} ON {outer}.a = {inner}.b"
    assert label_of(joinable, sql) == [label]
    joinable.sql(sql)
    result = benchmark(joinable.sql, sql)
    benchmark.extra_info.update(rows_redistributed=result.metrics.rows_redistributed,
                                rows_broadcast=result.metrics.rows_broadcast)
