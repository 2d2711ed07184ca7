"""Scans with zone maps: building and probing the per-block min/max, and a range scan through SQL."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from benchmarks.micro.conftest import ROWS, cluster_with
from columnar.core.chunk import Column
from columnar.core.types import BIGINT
from columnar.storage.pruning import ColumnRange
from columnar.storage.zonemap import build_zone_map

BLOCK_BYTES = 1 << 16  # 8,192 BIGINT values per block: 123 blocks for 1M rows


def test_build_zone_map_kernel(benchmark, rng):
    """Min/max/nulls of every 64 KB block of a 1M-row BIGINT column."""
    benchmark.group = "zone map kernel"
    column = Column(BIGINT, rng.integers(0, 1 << 40, ROWS, dtype=np.int64))
    zone_map = benchmark(build_zone_map, column, BLOCK_BYTES)
    benchmark.extra_info["blocks"] = zone_map.n_blocks


def test_zone_map_may_match_kernel(benchmark):
    """Which of the blocks of a sorted column may hold a 1% range."""
    benchmark.group = "zone map kernel"
    zone_map = build_zone_map(Column(BIGINT, np.arange(ROWS, dtype=np.int64)), 1 << 12)  # 1,954 blocks
    wanted = ColumnRange(lo=ROWS // 2, hi=ROWS // 2 + ROWS // 100)
    keep = benchmark(zone_map.may_match, wanted)
    benchmark.extra_info["blocks_kept"] = int(keep.sum())


@pytest.fixture(scope="module")
def days(rng):
    day = rng.integers(0, 2557, ROWS)  # seven years of days, in random order
    data = pa.table({"day": day, "v": rng.integers(0, 1000, ROWS)})
    return cluster_with({"by_day": (data, "DISTSTYLE EVEN SORTKEY (day)"), "unsorted": (data, "DISTSTYLE EVEN")},
                        block_bytes=BLOCK_BYTES)


@pytest.mark.parametrize("table", ["by_day", "unsorted"])
def test_range_scan(benchmark, days, table):
    """SUM over one month of seven years: sorted on the day (zone maps skip ~98% of the
    blocks) against the same rows unsorted (every block read)."""
    benchmark.group = "scan with zone maps"
    sql = f"SELECT SUM(v) FROM {table} WHERE day BETWEEN 1000 AND 1030"
    first = days.sql(sql)
    assert (first.metrics.blocks_skipped > first.metrics.blocks_scanned) == (table == "by_day")
    result = benchmark(days.sql, sql)
    benchmark.extra_info.update(blocks_scanned=result.metrics.blocks_scanned,
                                blocks_skipped=result.metrics.blocks_skipped)
