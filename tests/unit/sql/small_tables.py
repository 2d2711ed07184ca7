"""Small hand-made tables for the optimizer tests, loaded into columnar and DuckDB alike.

Tables are described as ``"a INT, b VARCHAR(10)"`` plus a list of row tuples,
and loaded through a registered Arrow table and ``INSERT ... SELECT`` (much
faster than parsing VALUES). :func:`same_rows` compares a query's rows on both
engines as multisets.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

ARROW_TYPES = {"INT": pa.int32(), "DOUBLE PRECISION": pa.float64()}  # any other type: strings


def arrow_table(cols: str, rows: list) -> pa.Table:
    arrays = {}
    for i, spec in enumerate(cols.split(", ")):
        name, type_ = spec.split(" ", 1)
        arrays[name] = pa.array([r[i] for r in rows], ARROW_TYPES.get(type_, pa.string()))
    return pa.table(arrays)


def load_table(con, table: str, cols: str, rows: list, attributes: str = "") -> None:
    """CREATE TABLE and fill it, on a columnar or a DuckDB connection."""
    con.execute(f"CREATE TABLE {table} ({cols}) {attributes}".rstrip())
    con.register(f"src_{table}", arrow_table(cols, rows))
    con.execute(f"INSERT INTO {table} SELECT * FROM src_{table}")


def same_rows(db, duck, sql: str) -> Counter:
    """The query's rows on columnar, asserted equal (as a multiset) to DuckDB's."""
    got = Counter(tuple(r) for r in db.sql(sql).fetchall())
    expected = Counter(tuple(r) for r in duck.execute(sql).fetchall())
    assert got == expected, sql
    return got


def duckdb_with(tables: dict):
    """A DuckDB connection holding ``tables`` (name -> (columns, rows, ...))."""
    import duckdb  # dev dependency

    con = duckdb.connect()
    for table, spec in tables.items():
        load_table(con, table, spec[0], spec[1])
    return con
