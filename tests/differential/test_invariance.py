"""Physical-design invariance: the same query returns the same rows on every cluster shape,
under every distribution layout, sort key, block size and thread count.

Where rows live (DISTSTYLE KEY / EVEN / ALL / AUTO and mixes of them, collocated or not,
1 to 8 slices), how they are sorted and blocked, and how many threads run the slices decide
how much data moves, never what a query returns (reference ``reliability_security.md`` §2,
"physical-design invariance"). Every query shape and every TPC-H query of
``tpch_queries.py``, plus a full read of each TPC-H table, runs on each configuration of
``CONFIGS`` and is compared with the baseline (layout "key" on 2 nodes x 2 slices).

Comparison: the same column names and types, and the same rows, value for value: DECIMALs
exactly and with the same scale, no int/DECIMAL/float drift, floats to 12 significant
digits (summation order may differ). Rows are compared as multisets, or in order when the
outer query has an ORDER BY (every ORDER BY in ``tpch_queries.py`` is on a total key).

Cost: each configuration loads TPC-H (scale 0.01) once; the tests are ordered
configuration by configuration, the baseline stays loaded and only one other
configuration is held in memory at a time. On a multi-threaded configuration every query
runs ``THREADED_RUNS`` times, each run compared with the baseline.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pytest

import tpch_schema
from test_tpch_shapes import is_ordered
from tpch_queries import QUERIES, SHAPES

pytestmark = pytest.mark.differential


@dataclass(frozen=True)
class Config:
    """One physical design: a layout of ``tpch_schema`` on a cluster shape."""

    layout: str
    nodes: int
    slices: int
    threads: int = 1
    block_bytes: int | None = None

    @property
    def id(self) -> str:
        return (f"{self.layout}-{self.nodes}x{self.slices}"
                + (f"-threads{self.threads}" if self.threads != 1 else "")
                + (f"-block{self.block_bytes}" if self.block_bytes else ""))

    def connect_kwargs(self) -> dict:
        kwargs: dict = {}
        if self.threads != 1:
            kwargs["threads"] = self.threads
        if self.block_bytes:
            kwargs["block_bytes"] = self.block_bytes
        return kwargs


BASELINE = Config("key", 2, 2)

CONFIGS = [
    # the textbook layout on every cluster shape, with threads and with small blocks
    Config("key", 1, 1),
    Config("key", 3, 2),
    Config("key", 4, 2),
    Config("key", 2, 2, threads=2),
    Config("key", 2, 2, block_bytes=4096),
    # uniform styles
    Config("even", 1, 1),
    Config("even", 2, 2),
    Config("even", 4, 2),
    Config("all", 2, 2),
    Config("all", 3, 2),
    Config("auto", 2, 2),
    Config("auto", 3, 2),
    Config("auto_pk", 3, 2),
    # mixes: KEY facts + EVEN dimensions, EVEN facts + ALL dimensions, keys that do not
    # match the joins (lineitem KEY l_orderkey, orders KEY o_custkey, partsupp KEY
    # ps_suppkey, skewed keys), other sort keys with small blocks
    Config("key_even_dims", 2, 2),
    Config("key_even_dims", 4, 2),
    Config("even_all_dims", 2, 2),
    Config("even_all_dims", 3, 2),
    Config("noncollocated", 2, 2),
    Config("noncollocated", 4, 2, threads=2),
    Config("sorted", 4, 2, block_bytes=4096),
]
assert BASELINE not in CONFIGS and len(set(CONFIGS)) == len(CONFIGS)

# Every query of tpch_queries.py, and a full read of every table (the load itself must not
# lose, duplicate or alter a row under any layout).
QUERIES_UNDER_TEST: dict[str, str] = {s.name: s.sql for s in SHAPES}
QUERIES_UNDER_TEST.update({f"tpch_{k}": sql for k, sql in QUERIES.items()})
QUERIES_UNDER_TEST.update({f"contents_{t}": f"SELECT * FROM {t}" for t in tpch_schema.TABLES})
assert len(QUERIES_UNDER_TEST) == len(SHAPES) + len(QUERIES) + len(tpch_schema.TABLES)

# Runs of each query on a multi-threaded configuration (scheduling must not matter).
THREADED_RUNS = 3

# configuration-major order: each configuration is loaded once
CASES = [pytest.param(config, name, id=f"{config.id}-{name}")
         for config in CONFIGS for name in QUERIES_UNDER_TEST]


class _Clusters:
    """Loaded connections: the baseline stays, other configurations replace each other."""

    def __init__(self, loader):
        self.loader = loader
        self.loaded: dict[Config, object] = {}
        self.baseline_results: dict[str, tuple] = {}

    def get(self, config: Config):
        if config not in self.loaded:
            for other in [c for c in self.loaded if c != BASELINE]:
                self.loaded.pop(other).close()
            self.loaded[config] = self.loader(config.layout, config.nodes, config.slices,
                                              **config.connect_kwargs())
        return self.loaded[config]

    def baseline(self, name: str) -> tuple:
        if name not in self.baseline_results:
            self.baseline_results[name] = run(self.get(BASELINE), QUERIES_UNDER_TEST[name])
        return self.baseline_results[name]

    def close(self):
        for db in self.loaded.values():
            db.close()


@pytest.fixture(scope="module")
def clusters(tpch_loader):
    c = _Clusters(tpch_loader)
    yield c
    c.close()


_FLOAT_TYPES = ("DOUBLE PRECISION", "REAL", "FLOAT", "FLOAT4", "FLOAT8")


def _canonical_float(v):
    return float(f"{v:.12g}") if isinstance(v, float) and math.isfinite(v) else v


def run(db, sql: str) -> tuple:
    """(column names, column types, rows in result order) of one query.

    The column types are compared, so the Python values need no canonical form (a DECIMAL
    column yields Decimals of its scale, an INTEGER column ints) except floats, which are
    rounded to 12 significant digits: the order of a float summation may differ.
    """
    result = db.sql(sql)
    types = [str(t) for t in result.types]
    rows = result.fetchall()
    floats = [i for i, t in enumerate(types) if t.upper() in _FLOAT_TYPES]
    if floats:
        rows = [tuple(_canonical_float(v) if i in floats else v for i, v in enumerate(r))
                for r in rows]
    return list(result.columns), types, [tuple(r) for r in rows]


def _first_differences(actual: list, expected: list, limit: int = 5) -> str:
    a, e = Counter(actual), Counter(expected)
    extra = list((a - e).elements())[:limit]
    missing = list((e - a).elements())[:limit]
    return f"  only in this configuration: {extra}\n  only in the baseline:       {missing}"


def assert_same(actual: tuple, expected: tuple, *, ordered: bool, context: str) -> None:
    """Same names, same types, same rows (as multisets, or in order if ``ordered``)."""
    names, types, rows = actual
    e_names, e_types, e_rows = expected
    assert names == e_names, f"{context}: column names {names} != baseline {e_names}"
    assert types == e_types, f"{context}: column types {types} != baseline {e_types}"
    assert len(rows) == len(e_rows), (
        f"{context}: {len(rows)} rows, baseline {len(e_rows)}\n{_first_differences(rows, e_rows)}")
    if ordered and rows == e_rows:
        return
    if Counter(rows) != Counter(e_rows):
        raise AssertionError(f"{context}: rows differ from the baseline\n"
                             f"{_first_differences(rows, e_rows)}")
    if ordered:
        i = next(i for i, (a, b) in enumerate(zip(rows, e_rows)) if a != b)
        raise AssertionError(f"{context}: same rows, different order from row {i}: "
                             f"{rows[i]!r} vs baseline {e_rows[i]!r}")


@pytest.mark.parametrize("config, name", CASES)
def test_same_rows_as_baseline(config, name, clusters):
    sql = QUERIES_UNDER_TEST[name]
    ordered = is_ordered(sql)
    expected = clusters.baseline(name)
    db = clusters.get(config)
    runs = THREADED_RUNS if config.threads > 1 else 1
    for i in range(runs):
        context = f"{config.id} vs {BASELINE.id}" + (f" (run {i + 1})" if runs > 1 else "") \
            + f"\n  {sql}"
        assert_same(run(db, sql), expected, ordered=ordered, context=context)


def test_configurations_cover_issue_3():
    """Issue #3: every query under at least 8 physical layouts besides the baseline, with
    DISTSTYLE mixes, 1x1 / 2x2 / 4x2 clusters and more than one thread."""
    assert len(CONFIGS) >= 8 and len({c.layout for c in CONFIGS}) >= 6
    assert {(1, 1), (2, 2), (3, 2), (4, 2)} <= {(c.nodes, c.slices) for c in CONFIGS}
    assert any(c.threads > 1 for c in CONFIGS)
    assert set(tpch_schema.LAYOUTS) <= {c.layout for c in CONFIGS} | {BASELINE.layout}
    assert {name for _, name in (p.values for p in CASES)} == set(QUERIES_UNDER_TEST)
