"""TPC-H data for tests, the demo and the benchmarks.

Role: generates TPC-H Parquet files with ``tpchgen-cli`` (a PyPI package
shipping a Rust generator; byte-identical output across runs), creates the
eight tables with Redshift table attributes for a chosen *layout*, and loads
them with ``COPY ... FORMAT AS PARQUET``.

Layouts (the distribution styles the benchmark compares):

* ``key``: the classic Redshift design: lineitem/orders on the order key,
  customer, part and partsupp on their keys, the small dimensions ALL;
  lineitem sorted on l_shipdate;
* ``even``: every table EVEN;
* ``all``: every table ALL;
* ``auto``: no attributes (AUTO).

The 22 queries live in ``benchmarks/tpch/queries`` (derived from TPC-H; not
comparable to published TPC-H results).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

TABLES = ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem")

# Columns in the order tpchgen-cli writes them (COPY from Parquet maps by position).
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "region": [
        ("r_regionkey", "BIGINT NOT NULL"),
        ("r_name", "CHAR(25) NOT NULL"),
        ("r_comment", "VARCHAR(152)"),
    ],
    "nation": [
        ("n_nationkey", "BIGINT NOT NULL"),
        ("n_name", "CHAR(25) NOT NULL"),
        ("n_regionkey", "BIGINT NOT NULL"),
        ("n_comment", "VARCHAR(152)"),
    ],
    "supplier": [
        ("s_suppkey", "BIGINT NOT NULL"),
        ("s_name", "CHAR(25) NOT NULL"),
        ("s_address", "VARCHAR(40) NOT NULL"),
        ("s_nationkey", "BIGINT NOT NULL"),
        ("s_phone", "CHAR(15) NOT NULL"),
        ("s_acctbal", "DECIMAL(15,2) NOT NULL"),
        ("s_comment", "VARCHAR(101) NOT NULL"),
    ],
    "customer": [
        ("c_custkey", "BIGINT NOT NULL"),
        ("c_name", "VARCHAR(25) NOT NULL"),
        ("c_address", "VARCHAR(40) NOT NULL"),
        ("c_nationkey", "BIGINT NOT NULL"),
        ("c_phone", "CHAR(15) NOT NULL"),
        ("c_acctbal", "DECIMAL(15,2) NOT NULL"),
        ("c_mktsegment", "CHAR(10) NOT NULL"),
        ("c_comment", "VARCHAR(117) NOT NULL"),
    ],
    "part": [
        ("p_partkey", "BIGINT NOT NULL"),
        ("p_name", "VARCHAR(55) NOT NULL"),
        ("p_mfgr", "CHAR(25) NOT NULL"),
        ("p_brand", "CHAR(10) NOT NULL"),
        ("p_type", "VARCHAR(25) NOT NULL"),
        ("p_size", "INTEGER NOT NULL"),
        ("p_container", "CHAR(10) NOT NULL"),
        ("p_retailprice", "DECIMAL(15,2) NOT NULL"),
        ("p_comment", "VARCHAR(23) NOT NULL"),
    ],
    "partsupp": [
        ("ps_partkey", "BIGINT NOT NULL"),
        ("ps_suppkey", "BIGINT NOT NULL"),
        ("ps_availqty", "INTEGER NOT NULL"),
        ("ps_supplycost", "DECIMAL(15,2) NOT NULL"),
        ("ps_comment", "VARCHAR(199) NOT NULL"),
    ],
    "orders": [
        ("o_orderkey", "BIGINT NOT NULL"),
        ("o_custkey", "BIGINT NOT NULL"),
        ("o_orderstatus", "CHAR(1) NOT NULL"),
        ("o_totalprice", "DECIMAL(15,2) NOT NULL"),
        ("o_orderdate", "DATE NOT NULL"),
        ("o_orderpriority", "CHAR(15) NOT NULL"),
        ("o_clerk", "CHAR(15) NOT NULL"),
        ("o_shippriority", "INTEGER NOT NULL"),
        ("o_comment", "VARCHAR(79) NOT NULL"),
    ],
    "lineitem": [
        ("l_orderkey", "BIGINT NOT NULL"),
        ("l_partkey", "BIGINT NOT NULL"),
        ("l_suppkey", "BIGINT NOT NULL"),
        ("l_linenumber", "INTEGER NOT NULL"),
        ("l_quantity", "DECIMAL(15,2) NOT NULL"),
        ("l_extendedprice", "DECIMAL(15,2) NOT NULL"),
        ("l_discount", "DECIMAL(15,2) NOT NULL"),
        ("l_tax", "DECIMAL(15,2) NOT NULL"),
        ("l_returnflag", "CHAR(1) NOT NULL"),
        ("l_linestatus", "CHAR(1) NOT NULL"),
        ("l_shipdate", "DATE NOT NULL"),
        ("l_commitdate", "DATE NOT NULL"),
        ("l_receiptdate", "DATE NOT NULL"),
        ("l_shipinstruct", "CHAR(25) NOT NULL"),
        ("l_shipmode", "CHAR(10) NOT NULL"),
        ("l_comment", "VARCHAR(44) NOT NULL"),
    ],
}

KEY_LAYOUT = {
    "region": "DISTSTYLE ALL",
    "nation": "DISTSTYLE ALL",
    "supplier": "DISTSTYLE ALL",
    "customer": "DISTSTYLE KEY DISTKEY (c_custkey)",
    "part": "DISTSTYLE KEY DISTKEY (p_partkey)",
    "partsupp": "DISTSTYLE KEY DISTKEY (ps_partkey)",
    "orders": "DISTSTYLE KEY DISTKEY (o_orderkey) SORTKEY (o_orderdate)",
    "lineitem": "DISTSTYLE KEY DISTKEY (l_orderkey) SORTKEY (l_shipdate)",
}

LAYOUTS = ("key", "even", "all", "auto")


def create_statements(layout: str = "key") -> list[str]:
    """CREATE TABLE statements for the eight tables under ``layout``."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    out = []
    for t in TABLES:
        attrs = {"key": KEY_LAYOUT[t], "even": "DISTSTYLE EVEN", "all": "DISTSTYLE ALL", "auto": ""}[layout]
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in SCHEMA[t])
        out.append(f"CREATE TABLE {t} ({columns}) {attrs}".strip())
    return out


def generate(scale: float, directory: str | Path) -> Path:
    """Generate TPC-H Parquet files (one per table) into ``directory`` unless present."""
    directory = Path(directory)
    if all((directory / f"{t}.parquet").exists() for t in TABLES):
        return directory
    exe = shutil.which("tpchgen-cli") or str(Path(sys.executable).parent / "tpchgen-cli")
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, "parquet", "-s", str(scale), f"--output-dir={directory}"], check=True,
                   stdout=subprocess.DEVNULL)
    return directory


def load(db, directory: str | Path, layout: str = "key") -> None:
    """Create the tables on ``db`` and COPY the Parquet files into them."""
    directory = Path(directory)
    for stmt in create_statements(layout):
        db.execute(stmt)
    for t in TABLES:
        db.execute(f"COPY {t} FROM '{directory / (t + '.parquet')}' FORMAT AS PARQUET")
