"""Differential tests: query shapes and TPC-H queries on columnar versus DuckDB.

Each query runs as Redshift SQL on columnar and, transpiled by sqlglot (or hand-written
where Redshift's semantics differ: integer division, integer AVG), on DuckDB over the same
TPC-H data. Results must agree: same column count; rows compared as multisets unless the
outer query has ORDER BY; DECIMALs exactly when both sides have the same scale, otherwise
within 1e-9 relative or one unit in the last decimal place (see ``conftest.values_match``).
"""

from __future__ import annotations

import pytest
import sqlglot

from tpch_queries import QUERIES, SHAPES, Shape

pytestmark = pytest.mark.differential

CASES = SHAPES + [Shape(f"tpch_{name}", sql) for name, sql in QUERIES.items()]


def duckdb_sql(shape: Shape) -> str:
    return shape.duck or sqlglot.transpile(shape.sql, read="redshift", write="duckdb")[0]


def is_ordered(sql: str) -> bool:
    """Whether the outermost query has an ORDER BY (then row order is compared too)."""
    return sqlglot.parse_one(sql, read="redshift").args.get("order") is not None


def test_shape_names_are_unique():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("shape", CASES, ids=[c.name for c in CASES])
def test_matches_duckdb(shape, tpch_db, duck_tpch, compare):
    result = tpch_db.sql(shape.sql)
    actual = result.fetchall()
    oracle_sql = duckdb_sql(shape)
    cur = duck_tpch.execute(oracle_sql)
    expected = cur.fetchall()
    compare(actual, expected, ordered=is_ordered(shape.sql),
            ncols=len(result.columns), expected_ncols=len(cur.description),
            context=f"columnar: {shape.sql}\nduckdb:   {oracle_sql}")


def test_tpch_loaded_completely(tpch_db, duck_tpch):
    for table in ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"):
        ours = tpch_db.sql(f"SELECT COUNT(*) FROM {table}").fetchall()[0][0]
        theirs = duck_tpch.execute(f"SELECT COUNT(*) FROM {table}").fetchall()[0][0]
        assert ours == theirs, table
