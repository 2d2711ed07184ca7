"""The Star Schema Benchmark's tables, with SSB's column names and types.

Role: the schema half of the SSB workload (``benchmarks.workloads.SSB``). The
column lists are those of SSB (O'Neil, O'Neil and Chen, "Star Schema Benchmark",
rev. 3, 2009) as Amazon's "Tuning table design" tutorial creates them on
Redshift: one fact table ``lineorder`` and the dimensions ``dwdate`` (SSB's
``date``, renamed because DATE is a type name), ``customer``, ``supplier`` and
``part``. Keys and money are INTEGER (money in cents), dates in ``lineorder``
are ``yyyymmdd`` INTEGER keys into ``dwdate``.

Columns are listed in the order :mod:`benchmarks.ssb.derive` writes them, as
``COPY ... FORMAT AS PARQUET`` maps Parquet columns by position.

The primary keys are declared (Redshift accepts them and does not enforce
them); the only thing they change here is what DISTSTYLE AUTO picks once a
table outgrows ALL (``columnar.exec.dml``: the first primary-key column).
Distribution and sort keys are not part of the schema: they are the layouts
of :mod:`benchmarks.layouts`.
"""

from __future__ import annotations

TABLES = ("dwdate", "supplier", "customer", "part", "lineorder")

SCHEMA: dict[str, list[tuple[str, str]]] = {
    "dwdate": [
        ("d_datekey", "INTEGER NOT NULL"),
        ("d_date", "VARCHAR(19) NOT NULL"),
        ("d_dayofweek", "VARCHAR(10) NOT NULL"),
        ("d_month", "VARCHAR(10) NOT NULL"),
        ("d_year", "INTEGER NOT NULL"),
        ("d_yearmonthnum", "INTEGER NOT NULL"),
        ("d_yearmonth", "VARCHAR(8) NOT NULL"),
        ("d_daynuminweek", "INTEGER NOT NULL"),
        ("d_daynuminmonth", "INTEGER NOT NULL"),
        ("d_daynuminyear", "INTEGER NOT NULL"),
        ("d_monthnuminyear", "INTEGER NOT NULL"),
        ("d_weeknuminyear", "INTEGER NOT NULL"),
        ("d_sellingseason", "VARCHAR(13) NOT NULL"),
        ("d_lastdayinweekfl", "VARCHAR(1) NOT NULL"),
        ("d_lastdayinmonthfl", "VARCHAR(1) NOT NULL"),
        ("d_holidayfl", "VARCHAR(1) NOT NULL"),
        ("d_weekdayfl", "VARCHAR(1) NOT NULL"),
    ],
    "supplier": [
        ("s_suppkey", "INTEGER NOT NULL"),
        ("s_name", "VARCHAR(25) NOT NULL"),
        ("s_address", "VARCHAR(25) NOT NULL"),
        ("s_city", "VARCHAR(10) NOT NULL"),
        ("s_nation", "VARCHAR(15) NOT NULL"),
        ("s_region", "VARCHAR(12) NOT NULL"),
        ("s_phone", "VARCHAR(15) NOT NULL"),
    ],
    "customer": [
        ("c_custkey", "INTEGER NOT NULL"),
        ("c_name", "VARCHAR(25) NOT NULL"),
        ("c_address", "VARCHAR(25) NOT NULL"),
        ("c_city", "VARCHAR(10) NOT NULL"),
        ("c_nation", "VARCHAR(15) NOT NULL"),
        ("c_region", "VARCHAR(12) NOT NULL"),
        ("c_phone", "VARCHAR(15) NOT NULL"),
        ("c_mktsegment", "VARCHAR(10) NOT NULL"),
    ],
    "part": [
        ("p_partkey", "INTEGER NOT NULL"),
        ("p_name", "VARCHAR(22) NOT NULL"),
        ("p_mfgr", "VARCHAR(6) NOT NULL"),
        ("p_category", "VARCHAR(7) NOT NULL"),
        ("p_brand1", "VARCHAR(9) NOT NULL"),
        ("p_color", "VARCHAR(11) NOT NULL"),
        ("p_type", "VARCHAR(25) NOT NULL"),
        ("p_size", "INTEGER NOT NULL"),
        ("p_container", "VARCHAR(10) NOT NULL"),
    ],
    "lineorder": [
        ("lo_orderkey", "INTEGER NOT NULL"),
        ("lo_linenumber", "INTEGER NOT NULL"),
        ("lo_custkey", "INTEGER NOT NULL"),
        ("lo_partkey", "INTEGER NOT NULL"),
        ("lo_suppkey", "INTEGER NOT NULL"),
        ("lo_orderdate", "INTEGER NOT NULL"),
        ("lo_orderpriority", "VARCHAR(15) NOT NULL"),
        ("lo_shippriority", "VARCHAR(1) NOT NULL"),
        ("lo_quantity", "INTEGER NOT NULL"),
        ("lo_extendedprice", "INTEGER NOT NULL"),
        ("lo_ordertotalprice", "INTEGER NOT NULL"),
        ("lo_discount", "INTEGER NOT NULL"),
        ("lo_revenue", "INTEGER NOT NULL"),
        ("lo_supplycost", "INTEGER NOT NULL"),
        ("lo_tax", "INTEGER NOT NULL"),
        ("lo_commitdate", "INTEGER NOT NULL"),
        ("lo_shipmode", "VARCHAR(10) NOT NULL"),
    ],
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "dwdate": ("d_datekey",),
    "supplier": ("s_suppkey",),
    "customer": ("c_custkey",),
    "part": ("p_partkey",),
    "lineorder": ("lo_orderkey", "lo_linenumber"),
}

FACTS = ("lineorder",)
