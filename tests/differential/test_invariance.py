"""Physical-design invariance: the same query returns the same rows on every cluster shape,
under every distribution layout and block size.

Where rows live (DISTSTYLE KEY / EVEN / ALL / AUTO, 1 to 6 slices, small blocks that split
columns into many zone-mapped blocks) decides how much data moves, never what a query
returns. Each configuration loads TPC-H once; its results are compared with the baseline
(layout "key" on 2 nodes x 2 slices) as multisets, or in order when the query has an outer
ORDER BY on a total key. Only one non-baseline configuration is held in memory at a time.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from test_tpch_shapes import is_ordered
from tpch_queries import QUERIES, SHAPES

pytestmark = pytest.mark.differential

BASELINE = ("key", 2, 2, None)

# (layout, nodes, slices_per_node, block_bytes)
CONFIGS = [
    ("key", 1, 1, None),
    ("key", 3, 2, None),
    ("even", 1, 1, None),
    ("even", 2, 2, None),
    ("even", 3, 2, None),
    ("all", 1, 1, None),
    ("all", 2, 2, None),
    ("all", 3, 2, None),
    ("auto", 1, 1, None),
    ("auto", 2, 2, None),
    ("auto", 3, 2, None),
    ("key", 2, 2, 4096),
]

_SHAPE_NAMES = [
    "scan_filter", "decimal_arithmetic", "case_when", "in_list_between", "date_range",
    "inner_join", "left_join_count", "right_join", "full_join", "cross_join_small",
    "multi_key_join", "join_non_equi_condition", "group_by_names", "having", "count_distinct",
    "decimal_aggregates", "avg_integer", "order_by_desc_default_nulls", "top", "distinct",
]
_BY_NAME = {s.name: s.sql for s in SHAPES}
QUERIES_UNDER_TEST = {name: _BY_NAME[name] for name in _SHAPE_NAMES}
QUERIES_UNDER_TEST.update({f"tpch_{k}": QUERIES[k] for k in ("q01", "q03", "q05", "q12")})

CASES = [(config, name) for config in CONFIGS for name in QUERIES_UNDER_TEST]


def config_id(config) -> str:
    layout, nodes, slices, block = config
    return f"{layout}-{nodes}x{slices}" + (f"-block{block}" if block else "")


class _Clusters:
    """Loaded connections: the baseline stays, other configurations replace each other."""

    def __init__(self, loader):
        self.loader = loader
        self.loaded: dict[tuple, object] = {}
        self.baseline_rows: dict[str, list] = {}

    def get(self, config):
        if config not in self.loaded:
            for other in [c for c in self.loaded if c != BASELINE]:
                self.loaded.pop(other).close()
            layout, nodes, slices, block = config
            kwargs = {"block_bytes": block} if block else {}
            self.loaded[config] = self.loader(layout, nodes, slices, **kwargs)
        return self.loaded[config]

    def baseline(self, name: str) -> list:
        if name not in self.baseline_rows:
            self.baseline_rows[name] = self.get(BASELINE).sql(QUERIES_UNDER_TEST[name]).fetchall()
        return self.baseline_rows[name]

    def close(self):
        for db in self.loaded.values():
            db.close()


@pytest.fixture(scope="module")
def clusters(tpch_loader):
    c = _Clusters(tpch_loader)
    yield c
    c.close()


def _canonical(v):
    """Exact values, except floats (summation order may differ) to 12 significant digits."""
    if isinstance(v, float) and math.isfinite(v):
        return float(f"{v:.12g}")
    if isinstance(v, Decimal):
        return v  # exact: DECIMAL arithmetic never depends on the order of rows
    return v


def _rows(rows, ordered):
    rows = [tuple(_canonical(v) for v in r) for r in rows]
    return rows if ordered else sorted(rows, key=repr)


@pytest.mark.parametrize("config, name", CASES,
                         ids=[f"{config_id(c)}-{n}" for c, n in CASES])
def test_same_rows_as_baseline(config, name, clusters):
    sql = QUERIES_UNDER_TEST[name]
    ordered = is_ordered(sql)
    expected = _rows(clusters.baseline(name), ordered)
    actual = _rows(clusters.get(config).sql(sql).fetchall(), ordered)
    assert len(actual) == len(expected), f"{config_id(config)}: row count differs for {sql}"
    assert actual == expected, f"{config_id(config)}: rows differ from {config_id(BASELINE)} for {sql}"


_KEYS = {"nation": "n_nationkey", "customer": "c_custkey", "orders": "o_orderkey",
         "lineitem": "l_orderkey"}


@pytest.mark.parametrize("layout", ["key", "even", "all", "auto"])
def test_layouts_hold_every_row(layout, clusters):
    db = clusters.get((layout, 2, 2, None))
    base = clusters.get(BASELINE)
    for table, key in _KEYS.items():
        sql = f"SELECT COUNT(*), COUNT(DISTINCT {key}), SUM({key}) FROM {table}"
        assert db.sql(sql).fetchall() == base.sql(sql).fetchall(), (layout, table)
