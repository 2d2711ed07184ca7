"""SSB Parquet files derived from the TPC-H ones, with DuckDB.

Role: the data half of the SSB workload. SSB's own generator (``ssb-dbgen``) is
a C program outside our dependencies; SSB was itself defined as a
denormalisation of TPC-H, so we derive its five tables from the TPC-H Parquet
files ``tpchgen-cli`` wrote (:func:`columnar.testing.tpch.generate`), with one
DuckDB ``COPY (SELECT ...) TO ... (FORMAT PARQUET)`` per table. DuckDB is a dev
dependency (the test oracle); it only prepares files here, the benchmark runs on
columnar. The derivation is deterministic: the same TPC-H files give the same
SSB files.

How each table is made (SSB rev. 3 column meanings):

* ``lineorder``: one row per TPC-H ``lineitem`` row, joined with its ``orders``
  row and its ``partsupp`` row. Money becomes INTEGER cents (SSB's unit):
  ``lo_extendedprice = l_extendedprice * 100``, ``lo_ordertotalprice =
  o_totalprice * 100``, ``lo_supplycost = ps_supplycost * 100``; percentages
  become integers (``lo_discount`` 0-10, ``lo_tax`` 0-8);
  ``lo_revenue = lo_extendedprice * (100 - lo_discount) / 100`` (integer
  division, as SSB defines it); dates become ``yyyymmdd`` keys.
* ``customer`` / ``supplier``: the TPC-H rows with the nation and region names
  folded in; ``c_city`` / ``s_city`` is SSB's city: the first 9 characters of
  the nation name, blank-padded, and a digit, here ``key % 10`` (SSB draws it
  at random), so Q3.3's ``'UNITED KI1'`` exists; addresses cut to 25 characters.
* ``part``: ``p_mfgr`` ``MFGR#m`` and ``p_category`` ``MFGR#mc`` from TPC-H's
  ``Manufacturer#m`` / ``Brand#mc``; ``p_brand1`` is the category followed by
  ``(p_partkey - 1) % 40 + 1`` (SSB: 40 brands per category, drawn at random);
  ``p_color`` the first word of TPC-H's ``p_name``, ``p_name`` its first two.
* ``dwdate``: one row per day from 1992-01-01 to 1998-12-31 (2,557 days, SSB's
  range). ``d_weeknuminyear`` counts 7-day weeks from January 1st;
  ``d_daynuminweek`` is 1 on Sunday; the selling seasons are Winter (Jan-Feb),
  Spring (Mar-May), Summer (Jun-Aug), Fall (Sep-Nov) and Christmas (Dec);
  holidays are January 1st, July 4th and December 25th (ours: SSB's list is a
  generator detail).

Simplified versus SSB: the dimensions keep TPC-H's sizes (customer 150,000 x SF,
supplier 10,000 x SF, part 200,000 x SF rows) instead of SSB's (30,000 x SF,
2,000 x SF, 200,000 x (1 + log2 SF)); the fact table has SSB's size
(~6,000,000 x SF rows).
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.ssb.schema import SCHEMA, TABLES

_CITY = "rpad(substr({nation}, 1, 9), 9, ' ') || CAST({key} % 10 AS VARCHAR)"

_SELECT = {
    "lineorder": """
        SELECT CAST(l.l_orderkey AS INTEGER), CAST(l.l_linenumber AS INTEGER),
               CAST(o.o_custkey AS INTEGER), CAST(l.l_partkey AS INTEGER), CAST(l.l_suppkey AS INTEGER),
               CAST(strftime(o.o_orderdate, '%Y%m%d') AS INTEGER),
               CAST(o.o_orderpriority AS VARCHAR), CAST(o.o_shippriority AS VARCHAR),
               CAST(l.l_quantity AS INTEGER),
               CAST(l.l_extendedprice * 100 AS INTEGER),
               CAST(o.o_totalprice * 100 AS INTEGER),
               CAST(l.l_discount * 100 AS INTEGER),
               CAST((CAST(l.l_extendedprice * 100 AS BIGINT) * (100 - CAST(l.l_discount * 100 AS BIGINT))) // 100
                    AS INTEGER),
               CAST(ps.ps_supplycost * 100 AS INTEGER),
               CAST(l.l_tax * 100 AS INTEGER),
               CAST(strftime(l.l_commitdate, '%Y%m%d') AS INTEGER),
               CAST(l.l_shipmode AS VARCHAR)
        FROM read_parquet('{tpch}/lineitem.parquet') l
        JOIN read_parquet('{tpch}/orders.parquet') o ON o.o_orderkey = l.l_orderkey
        JOIN read_parquet('{tpch}/partsupp.parquet') ps
          ON ps.ps_partkey = l.l_partkey AND ps.ps_suppkey = l.l_suppkey
        ORDER BY l.l_orderkey, l.l_linenumber""",
    "customer": f"""
        SELECT CAST(c.c_custkey AS INTEGER), CAST(c.c_name AS VARCHAR), substr(c.c_address, 1, 25),
               {_CITY.format(nation="n.n_name", key="c.c_custkey")},
               CAST(n.n_name AS VARCHAR), CAST(r.r_name AS VARCHAR),
               CAST(c.c_phone AS VARCHAR), CAST(c.c_mktsegment AS VARCHAR)
        FROM read_parquet('{{tpch}}/customer.parquet') c
        JOIN read_parquet('{{tpch}}/nation.parquet') n ON n.n_nationkey = c.c_nationkey
        JOIN read_parquet('{{tpch}}/region.parquet') r ON r.r_regionkey = n.n_regionkey
        ORDER BY c.c_custkey""",
    "supplier": f"""
        SELECT CAST(s.s_suppkey AS INTEGER), CAST(s.s_name AS VARCHAR), substr(s.s_address, 1, 25),
               {_CITY.format(nation="n.n_name", key="s.s_suppkey")},
               CAST(n.n_name AS VARCHAR), CAST(r.r_name AS VARCHAR), CAST(s.s_phone AS VARCHAR)
        FROM read_parquet('{{tpch}}/supplier.parquet') s
        JOIN read_parquet('{{tpch}}/nation.parquet') n ON n.n_nationkey = s.s_nationkey
        JOIN read_parquet('{{tpch}}/region.parquet') r ON r.r_regionkey = n.n_regionkey
        ORDER BY s.s_suppkey""",
    "part": """
        SELECT CAST(p_partkey AS INTEGER),
               substr(split_part(p_name, ' ', 1) || ' ' || split_part(p_name, ' ', 2), 1, 22),
               'MFGR#' || substr(p_mfgr, 14),
               'MFGR#' || substr(p_brand, 7),
               'MFGR#' || substr(p_brand, 7) || CAST((p_partkey - 1) % 40 + 1 AS VARCHAR),
               split_part(p_name, ' ', 1),
               CAST(p_type AS VARCHAR), CAST(p_size AS INTEGER), CAST(p_container AS VARCHAR)
        FROM read_parquet('{tpch}/part.parquet')
        ORDER BY p_partkey""",
    "dwdate": """
        SELECT CAST(strftime(d, '%Y%m%d') AS INTEGER),
               strftime(d, '%B ') || CAST(day(d) AS VARCHAR) || strftime(d, ', %Y'),
               strftime(d, '%A'), strftime(d, '%B'),
               CAST(year(d) AS INTEGER), CAST(year(d) * 100 + month(d) AS INTEGER),
               strftime(d, '%b%Y'),
               CAST(dayofweek(d) + 1 AS INTEGER), CAST(day(d) AS INTEGER), CAST(dayofyear(d) AS INTEGER),
               CAST(month(d) AS INTEGER), CAST((dayofyear(d) - 1) // 7 + 1 AS INTEGER),
               CASE WHEN month(d) = 12 THEN 'Christmas' WHEN month(d) <= 2 THEN 'Winter'
                    WHEN month(d) <= 5 THEN 'Spring' WHEN month(d) <= 8 THEN 'Summer' ELSE 'Fall' END,
               CASE WHEN dayofweek(d) = 6 THEN '1' ELSE '0' END,
               CASE WHEN month(d + INTERVAL 1 DAY) <> month(d) THEN '1' ELSE '0' END,
               CASE WHEN strftime(d, '%m-%d') IN ('01-01', '07-04', '12-25') THEN '1' ELSE '0' END,
               CASE WHEN dayofweek(d) BETWEEN 1 AND 5 THEN '1' ELSE '0' END
        FROM (SELECT CAST(range AS DATE) AS d
              FROM range(DATE '1992-01-01', DATE '1999-01-01', INTERVAL 1 DAY))
        ORDER BY d""",
}


def derive(tpch_dir: str | Path, directory: str | Path) -> Path:
    """Write ``<table>.parquet`` for the five SSB tables into ``directory``
    from the TPC-H files in ``tpch_dir``, unless they are all there already."""
    import duckdb

    tpch_dir, directory = Path(tpch_dir).resolve(), Path(directory)
    if all((directory / f"{t}.parquet").exists() for t in TABLES):
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        for table in TABLES:
            names = ", ".join(name for name, _ in SCHEMA[table])
            select = _SELECT[table].format(tpch=tpch_dir.as_posix())
            tmp = directory / f"{table}.parquet.tmp"
            # name the columns as SSB does; write to a temporary name so an interrupted run leaves no half file
            con.execute(f"COPY (SELECT * FROM ({select}) AS t({names})) TO '{tmp.as_posix()}' (FORMAT PARQUET)")
            tmp.replace(directory / f"{table}.parquet")
    finally:
        con.close()
    return directory
