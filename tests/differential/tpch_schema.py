"""TPC-H table definitions for columnar, in each distribution layout, and the COPY statements.

The column types follow the TPC-H specification as Redshift users usually write it:
keys BIGINT (the generated Parquet files hold int64 keys and COPY maps Parquet columns to
table columns by position), small counts INTEGER, money DECIMAL(15,2), dates DATE, fixed
text CHAR(n) and free text VARCHAR(n).

Layouts (``tpch_ddl(layout)``):

* ``"key"`` the textbook Redshift design: the two big tables share the order key
  (``lineitem`` DISTKEY(l_orderkey) SORTKEY(l_shipdate), ``orders`` DISTKEY(o_orderkey)
  SORTKEY(o_orderdate)), the dimensions are KEY on their primary key, and the three
  tiny tables are DISTSTYLE ALL;
* ``"even"`` every table DISTSTYLE EVEN;
* ``"all"`` every table DISTSTYLE ALL;
* ``"auto"`` no attributes at all (Redshift's default, DISTSTYLE AUTO);

and the mixed layouts of the physical-design invariance test (``test_invariance.py``):

* ``"auto_pk"`` no attributes, but every table declares its PRIMARY KEY, so a table that
  outgrows AUTO(ALL) becomes AUTO(KEY(first primary-key column)) rather than AUTO(EVEN);
* ``"key_even_dims"`` the facts (``lineitem``, ``orders``) as in ``"key"``, every
  dimension DISTSTYLE EVEN (joins to dimensions must redistribute or broadcast);
* ``"even_all_dims"`` the facts DISTSTYLE EVEN, every dimension DISTSTYLE ALL (joins to
  dimensions are local, fact-to-fact joins are not);
* ``"noncollocated"`` keys that do not line up with the joins: ``lineitem`` KEY on
  ``l_orderkey`` but ``orders`` KEY on ``o_custkey``, ``partsupp`` KEY on ``ps_suppkey``,
  ``customer`` KEY on the skewed ``c_nationkey`` (25 values), ``part`` KEY on ``p_size``,
  ``supplier`` KEY on ``s_nationkey``, ``nation`` KEY on ``n_regionkey``;
* ``"sorted"`` the ``"key"`` distribution with other sort keys: COMPOUND multi-column,
  INTERLEAVED, and sort keys on CHAR columns.

Example:
    >>> stmts = tpch_ddl("key")
    >>> len(stmts), stmts[0].split("(")[0]
    (8, 'CREATE TABLE region ')
    >>> "DISTSTYLE ALL" in stmts[0], "DISTKEY (l_orderkey)" in stmts[-1]
    (True, True)
"""

from __future__ import annotations

from pathlib import Path

from columnar.testing.tpch import KEY_LAYOUT, SCHEMA

# In load order: dimensions first. Column order is the Parquet files' column order.
# The tables, their columns (in Parquet file order) and the "key" layout are shared
# with the demo and the benchmarks: columnar.testing.tpch.
TABLES = SCHEMA

_KEY_LAYOUT = KEY_LAYOUT

_FACTS = ("orders", "lineitem")

_MIXED_LAYOUTS: dict[str, dict[str, str]] = {
    "key_even_dims": {t: (_KEY_LAYOUT[t] if t in _FACTS else "DISTSTYLE EVEN") for t in TABLES},
    "even_all_dims": {t: ("DISTSTYLE EVEN" if t in _FACTS else "DISTSTYLE ALL") for t in TABLES},
    "noncollocated": {
        "region": "DISTSTYLE EVEN",
        "nation": "DISTSTYLE KEY DISTKEY (n_regionkey)",
        "supplier": "DISTSTYLE KEY DISTKEY (s_nationkey)",
        "customer": "DISTSTYLE KEY DISTKEY (c_nationkey)",
        "part": "DISTSTYLE KEY DISTKEY (p_size)",
        "partsupp": "DISTSTYLE KEY DISTKEY (ps_suppkey)",
        "orders": "DISTSTYLE KEY DISTKEY (o_custkey) SORTKEY (o_orderdate)",
        "lineitem": "DISTSTYLE KEY DISTKEY (l_orderkey) SORTKEY (l_shipdate)",
    },
    "sorted": {
        "region": "DISTSTYLE ALL SORTKEY (r_name)",
        "nation": "DISTSTYLE ALL COMPOUND SORTKEY (n_regionkey, n_name)",
        "supplier": "DISTSTYLE ALL INTERLEAVED SORTKEY (s_nationkey, s_acctbal)",
        "customer": "DISTSTYLE KEY DISTKEY (c_custkey) COMPOUND SORTKEY (c_mktsegment, c_nationkey)",
        "part": "DISTSTYLE KEY DISTKEY (p_partkey) INTERLEAVED SORTKEY (p_brand, p_container, p_size)",
        "partsupp": "DISTSTYLE KEY DISTKEY (ps_partkey) SORTKEY (ps_suppkey)",
        "orders": "DISTSTYLE KEY DISTKEY (o_orderkey) COMPOUND SORTKEY (o_custkey, o_orderdate)",
        "lineitem": "DISTSTYLE KEY DISTKEY (l_orderkey) "
                    "COMPOUND SORTKEY (l_returnflag, l_linestatus, l_shipdate)",
    },
}

# Declared by the "auto_pk" layout (Redshift does not enforce them).
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "region": ("r_regionkey",),
    "nation": ("n_nationkey",),
    "supplier": ("s_suppkey",),
    "customer": ("c_custkey",),
    "part": ("p_partkey",),
    "partsupp": ("ps_partkey", "ps_suppkey"),
    "orders": ("o_orderkey",),
    "lineitem": ("l_orderkey", "l_linenumber"),
}

LAYOUTS = ("key", "even", "all", "auto", "auto_pk", *_MIXED_LAYOUTS)


def table_attributes(table: str, layout: str) -> str:
    """The Redshift attributes of one table under a layout ("" for none)."""
    if layout == "key":
        return _KEY_LAYOUT[table]
    if layout == "even":
        return "DISTSTYLE EVEN"
    if layout == "all":
        return "DISTSTYLE ALL"
    if layout in ("auto", "auto_pk"):
        return ""
    if layout in _MIXED_LAYOUTS:
        return _MIXED_LAYOUTS[layout][table]
    raise ValueError(f"unknown layout {layout!r}; choose one of {LAYOUTS}")


def create_table_sql(table: str, layout: str = "key") -> str:
    """The CREATE TABLE statement of one TPC-H table."""
    elements = [f"{name} {sqltype}" for name, sqltype in TABLES[table]]
    if layout == "auto_pk":
        elements.append(f"PRIMARY KEY ({', '.join(PRIMARY_KEYS[table])})")
    columns = ",\n    ".join(elements)
    attributes = table_attributes(table, layout)
    return f"CREATE TABLE {table} (\n    {columns}\n){(' ' + attributes) if attributes else ''}"


def tpch_ddl(layout: str = "key") -> list[str]:
    """The eight CREATE TABLE statements for a layout, dimensions first."""
    return [create_table_sql(table, layout) for table in TABLES]


def copy_sql(table: str, data_dir: str | Path) -> str:
    """``COPY table FROM '<data_dir>/<table>.parquet' FORMAT AS PARQUET``."""
    path = Path(data_dir) / f"{table}.parquet"
    return f"COPY {table} FROM '{path}' FORMAT AS PARQUET"


def duckdb_load_sql(table: str, data_dir: str | Path) -> str:
    """The DuckDB statement loading the same file (DuckDB keeps the Parquet types)."""
    path = Path(data_dir) / f"{table}.parquet"
    return f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{path}')"
