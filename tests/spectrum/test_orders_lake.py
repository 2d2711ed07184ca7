"""Issue #6, "Done when": TPC-H orders as a partitioned Parquet data lake, queried through Spectrum.

The scenario, run twice (``env`` is parametrized over ``local`` and ``s3``):

1. TPC-H orders at scale 0.01 is loaded into a one-slice columnar cluster and written with
   ``UNLOAD ... FORMAT PARQUET PARTITION BY (year, month)``: one Hive folder
   ``year=Y/month=M/`` per month, 80 of them (1992-01 .. 1998-08), one file in each.
2. The lake is registered twice, as ``lake.orders_msck`` (``MSCK REPAIR TABLE``) and as
   ``lake.orders_add`` (one ``ALTER TABLE ... ADD PARTITION ... LOCATION`` per folder);
   both list the same 80 partitions in ``svv_external_partitions``.
3. On each table: a one-month filter scans 1 partition of 80 (metrics and
   ``SVL_S3PARTITION``) and about 1/80 of a full scan's bytes; one column bills far fewer
   bytes than ``SELECT *``; bytes scanned are exactly the projected column chunks of the
   Parquet footers; the charge is :func:`columnar.storage.pricing.charge` of the bytes (the
   10 MB minimum here); the answers equal DuckDB's over the same files
   (``read_parquet(..., hive_partitioning=true)``), a join with a local customer table too.
4. ``s3``: the same lake uploaded to a local moto S3 server (no internet), registered with
   ``LOCATION 's3://bucket/orders/'``: same partitions (both registrations), and on the
   MSCK table the assertions of 3, plus bytes and answers equal to the local run's.
   Skipped when moto / boto3 cannot be imported. DuckDB reads the local copy of the very
   same files (its S3 support would need an extension download).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import columnar
from columnar.storage.pricing import MB_BYTES, TB_BYTES, charge
from columnar.testing import tpch

duckdb = pytest.importorskip("duckdb")

pytestmark = pytest.mark.differential

ROOT = Path(__file__).resolve().parents[2]
TPCH_DIR = Path(os.environ.get("COLUMNAR_TPCH_DIR", ROOT / ".data" / "tpch-sf0.01"))
BUCKET = "spectrum-lake"
REGION = "us-east-1"
TABLES = ("orders_msck", "orders_add")
MONTH = (1995, 6)
MINIMUM_CHARGE = 5 * 10 / 2**20  # $5 per TB, 10 MB minimum


def _load_compare_rows():
    """``compare_rows`` of the differential tests (their conftest, loaded under another name)."""
    path = ROOT / "tests" / "differential" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_differential_conftest_for_spectrum", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compare_rows


compare_rows = _load_compare_rows()

ORDER_COLUMNS = [name for name, _ in tpch.SCHEMA["orders"]]
UNLOAD_SELECT = ("SELECT " + ", ".join(ORDER_COLUMNS) + ", EXTRACT(YEAR FROM o_orderdate) AS year,"
                 " EXTRACT(MONTH FROM o_orderdate) AS month FROM orders")
EXTERNAL_COLUMNS = ", ".join(f"{name} {sql_type.replace(' NOT NULL', '')}"
                             for name, sql_type in tpch.SCHEMA["orders"])

# (id, query, ordered). ``{orders}`` is the lake table (columnar: lake.orders_*, DuckDB: a
# view over read_parquet), ``customer`` a local columnar table / DuckDB's read_parquet.
QUERIES = [
    ("total", "SELECT COUNT(*), SUM(o_totalprice), SUM(o_custkey), MIN(o_orderdate), MAX(o_orderdate) "
              "FROM {orders}", False),
    ("by_year", "SELECT year, COUNT(*), SUM(o_totalprice), MIN(o_orderdate), MAX(o_orderdate) "
                "FROM {orders} GROUP BY year", False),
    ("partition_values", "SELECT COUNT(*) FROM {orders} WHERE year <> EXTRACT(YEAR FROM o_orderdate) "
                         "OR month <> EXTRACT(MONTH FROM o_orderdate)", False),
    ("one_month", "SELECT " + ", ".join(ORDER_COLUMNS) + ", year, month FROM {orders} "
                  f"WHERE year = {MONTH[0]} AND month = {MONTH[1]}", False),
    ("join_customer", "SELECT c.c_mktsegment, COUNT(*), SUM(o.o_totalprice) FROM {orders} o "
                      "JOIN customer c ON o.o_custkey = c.c_custkey WHERE o.year = 1996 "
                      "GROUP BY c.c_mktsegment", False),
    ("priority", "SELECT o_orderpriority, COUNT(*), SUM(o_totalprice), AVG(o_totalprice) FROM {orders} "
                 "WHERE year >= 1997 GROUP BY o_orderpriority ORDER BY o_orderpriority", True),
]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def tpch_files() -> Path:
    """TPC-H scale 0.01 Parquet files (the differential tests' cache, generated if missing)."""
    if not all((TPCH_DIR / f"{t}.parquet").is_file() for t in ("orders", "customer")):
        exe = shutil.which("tpchgen-cli") or Path(sys.executable).parent / "tpchgen-cli"
        if not Path(exe).exists():
            pytest.skip("tpchgen-cli is not installed (pip install tpchgen-cli)")
        tpch.generate(0.01, TPCH_DIR)
    return TPCH_DIR


@dataclass
class Lake:
    root: Path  # the lake's folder; the table is root / "orders"
    partitions: list  # [(year, month), ...] sorted
    chunk_bytes: dict = field(default_factory=dict)  # (year, month) -> {column: compressed bytes}

    @property
    def orders(self) -> Path:
        return self.root / "orders"

    def bytes(self, columns, partitions=None) -> int:
        """Compressed size of ``columns``' chunks in the files of ``partitions`` (default all)."""
        parts = self.partitions if partitions is None else partitions
        return sum(self.chunk_bytes[p][c] for p in parts for c in columns)


@pytest.fixture(scope="module")
def lake(tpch_files, tmp_path_factory) -> Lake:
    """The orders lake written by UNLOAD ... PARTITION BY (year, month)."""
    root = tmp_path_factory.mktemp("lake")
    # one slice: one file per partition folder (80 files), which keeps the S3 variant quick
    with columnar.connect(nodes=1, slices_per_node=1) as db:
        db.execute(next(s for s in tpch.create_statements("key") if s.startswith("CREATE TABLE orders ")))
        db.execute(f"COPY orders FROM '{tpch_files / 'orders.parquet'}' FORMAT AS PARQUET")
        r = db.sql(f"UNLOAD ('{UNLOAD_SELECT}') TO '{root}/orders/' FORMAT PARQUET PARTITION BY (year, month)")
        assert r.rowcount == 15000
    out = Lake(root, [])
    for ydir in (root / "orders").iterdir():
        for mdir in ydir.iterdir():
            y, m = int(ydir.name.split("=")[1]), int(mdir.name.split("=")[1])
            sizes = dict.fromkeys(ORDER_COLUMNS, 0)
            for f in mdir.glob("*.parquet"):
                md = pq.ParquetFile(f).metadata
                for g in range(md.num_row_groups):
                    rg = md.row_group(g)
                    for c in range(rg.num_columns):
                        sizes[rg.column(c).path_in_schema] += rg.column(c).total_compressed_size
            out.chunk_bytes[(y, m)] = sizes
    out.partitions = sorted(out.chunk_bytes)
    return out


@pytest.fixture(scope="module")
def expected_partitions(tpch_files) -> list:
    rows = duckdb.sql(f"SELECT DISTINCT year(o_orderdate), month(o_orderdate) "
                      f"FROM read_parquet('{tpch_files / 'orders.parquet'}') ORDER BY 1, 2").fetchall()
    assert len(rows) == 80 and rows[0] == (1992, 1) and rows[-1] == (1998, 8)
    return rows


@pytest.fixture(scope="module")
def duck(lake, tpch_files):
    con = duckdb.connect()
    con.execute(f"CREATE VIEW orders_lake AS SELECT * FROM "
                f"read_parquet('{lake.orders}/**/*.parquet', hive_partitioning=true)")
    con.execute(f"CREATE VIEW customer AS SELECT * FROM read_parquet('{tpch_files / 'customer.parquet'}')")
    yield con
    con.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def moto_s3(lake):
    """A moto S3 server on localhost holding a copy of the lake under s3://BUCKET/orders/."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError as e:  # pragma: no cover - dev dependency
        pytest.skip(f"moto[server] and boto3 are needed for the S3 variant ({e}); pip install -e '.[dev]'")
    mp = pytest.MonkeyPatch()
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask an instance-metadata endpoint
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        client.create_bucket(Bucket=BUCKET)
        for f in sorted(lake.orders.rglob("*")):
            if f.is_file():
                client.upload_file(str(f), BUCKET, f.relative_to(lake.root).as_posix())
        yield {"endpoint_url": endpoint, "access_key": "testing", "secret_key": "testing", "region": REGION}
    finally:
        server.stop()
        mp.undo()


@dataclass
class Env:
    kind: str
    db: object
    location: str  # the table LOCATION, ending in "/"
    msck_messages: list
    cache: dict = field(default_factory=dict)

    def partition_location(self, year: int, month: int) -> str:
        return f"{self.location}year={year}/month={month}/"

    def run(self, sql: str):
        """``(rows, metrics)`` of ``sql``, run once per environment."""
        if sql not in self.cache:
            r = self.db.sql(sql)
            self.cache[sql] = (r.fetchall(), r.metrics)
        return self.cache[sql]


def _make_env(kind: str, tpch_files: Path, location: str, partitions: list, s3: dict | None) -> Env:
    db = columnar.connect(s3=s3)
    db.execute(next(s for s in tpch.create_statements("key") if s.startswith("CREATE TABLE customer ")))
    db.execute(f"COPY customer FROM '{tpch_files / 'customer.parquet'}' FORMAT AS PARQUET")
    db.execute("CREATE EXTERNAL SCHEMA lake FROM DATA CATALOG DATABASE 'lake' "
               "IAM_ROLE 'arn:aws:iam::123456789012:role/spectrum'")
    for table in TABLES:
        db.execute(f"CREATE EXTERNAL TABLE lake.{table} ({EXTERNAL_COLUMNS}) PARTITIONED BY (year INT, month INT) "
                   f"STORED AS PARQUET LOCATION '{location}'")
    messages = [row[0] for row in db.sql("MSCK REPAIR TABLE lake.orders_msck").fetchall()]
    env = Env(kind, db, location, messages)
    for y, m in partitions:
        db.execute(f"ALTER TABLE lake.orders_add ADD PARTITION (year={y}, month={m}) "
                   f"LOCATION '{env.partition_location(y, m)}'")
    return env


@pytest.fixture(scope="module")
def local_env(tpch_files, lake):
    env = _make_env("local", tpch_files, f"{lake.orders}/", lake.partitions, None)
    yield env
    env.db.close()


@pytest.fixture(scope="module")
def s3_env(moto_s3, tpch_files, lake):
    env = _make_env("s3", tpch_files, f"s3://{BUCKET}/orders/", lake.partitions, moto_s3)
    yield env
    env.db.close()


@pytest.fixture(params=["local", "s3"])
def env(request) -> Env:
    """Each environment: the lake in a local folder, then in a local S3 server."""
    return request.getfixturevalue(f"{request.param}_env")


# The query tests run on both registrations locally; on S3 on the MSCK one (the S3
# registration through ALTER TABLE ADD PARTITION is checked by the partition listing).
TARGETS = [("local", "orders_msck"), ("local", "orders_add"), ("s3", "orders_msck")]


@pytest.fixture(params=TARGETS, ids=[f"{e}-{t}" for e, t in TARGETS])
def target(request) -> tuple:
    """``(env, table)``: an environment and one of its lake tables."""
    kind, table = request.param
    return request.getfixturevalue(f"{kind}_env"), f"lake.{table}"


# --------------------------------------------------------------------------- tests


def test_lake_layout(lake, expected_partitions):
    assert lake.partitions == expected_partitions  # one folder per month: 80
    assert all(len(list((lake.orders / f"year={y}" / f"month={m}").glob("*.parquet"))) == 1
               for y, m in lake.partitions)  # one slice wrote them: one file per folder
    # UNLOAD drops the partition columns from the files (no INCLUDE)
    f = next(lake.orders.rglob("*.parquet"))
    assert pq.read_schema(f).names == ORDER_COLUMNS


def test_both_registrations_list_the_same_partitions(env, expected_partitions):
    total = len(expected_partitions)
    assert len(env.msck_messages) == total
    assert env.msck_messages[0] == "Repair: Added partition to metastore orders_msck:year=1992/month=1"
    rows = env.db.sql("SELECT tablename, values, location FROM svv_external_partitions "
                      "WHERE schemaname = 'lake'").fetchall()
    listed = {t: [] for t in TABLES}
    for name, values, loc in rows:
        listed[name.rstrip(" ")].append((tuple(int(v) for v in json.loads(values)), loc.rstrip(" ")))
    listed = {t: sorted(parts) for t, parts in listed.items()}
    expected = [((y, m), env.partition_location(y, m)) for y, m in expected_partitions]
    assert listed["orders_msck"] == expected
    assert listed["orders_add"] == listed["orders_msck"]
    # a second repair finds nothing new
    assert env.db.sql("MSCK REPAIR TABLE lake.orders_msck").fetchall() == []


def test_one_month_filter_scans_one_partition(target, expected_partitions):
    env, table = target
    total = len(expected_partitions)
    r = env.db.sql(f"SELECT * FROM {table} WHERE year = {MONTH[0]} AND month = {MONTH[1]}")
    m = r.metrics
    assert r.rowcount > 0
    assert (m.partitions_scanned, m.partitions_pruned) == (1, total - 1)
    parts = env.db.sql("SELECT query, total_partitions, qualified_partitions FROM svl_s3partition").fetchall()
    last = max(parts)  # the query just run
    assert last[1:] == (total, 1)
    # the full scan qualifies every partition
    _, full = env.run(f"SELECT * FROM {table}")
    assert (full.partitions_scanned, full.partitions_pruned) == (total, 0)


def test_bytes_scanned(target, lake, local_env):
    env, table = target
    total = len(lake.partitions)
    _, full = env.run(f"SELECT * FROM {table}")
    _, month = env.run(f"SELECT * FROM {table} WHERE year = {MONTH[0]} AND month = {MONTH[1]}")
    _, one_col = env.run(f"SELECT o_orderkey FROM {table}")
    # exactly the projected column chunks of the files read (the accounting rule, §6.4)
    assert full.external_bytes_scanned == lake.bytes(ORDER_COLUMNS)
    assert month.external_bytes_scanned == lake.bytes(ORDER_COLUMNS, [MONTH])
    assert one_col.external_bytes_scanned == lake.bytes(["o_orderkey"])
    # partition pruning: about 1/total of the full scan
    assert 0 < month.external_bytes_scanned < 3 * full.external_bytes_scanned / total
    # column projection: far fewer bytes than SELECT *
    assert 0 < one_col.external_bytes_scanned < full.external_bytes_scanned / 3
    if env.kind != "local":  # same files, same bill wherever they are stored
        for sql in (f"SELECT * FROM {table}", f"SELECT o_orderkey FROM {table}",
                    f"SELECT * FROM {table} WHERE year = {MONTH[0]} AND month = {MONTH[1]}"):
            assert env.run(sql)[1].external_bytes_scanned == local_env.run(sql)[1].external_bytes_scanned


def test_charge_follows_the_pricing_rule(target):
    env, table = target
    for sql in (f"SELECT * FROM {table}", f"SELECT o_orderkey FROM {table}",
                f"SELECT * FROM {table} WHERE year = {MONTH[0]} AND month = {MONTH[1]}",
                f"SELECT COUNT(*) FROM {table}"):
        _, m = env.run(sql)
        assert m.external_bytes_scanned < 10 * MB_BYTES
        assert m.external_cost_usd == charge(m.external_bytes_scanned)
        assert m.external_cost_usd == MINIMUM_CHARGE == 5 * 10 * MB_BYTES / TB_BYTES
    # a query on local tables only is free
    assert env.db.sql("SELECT COUNT(*) FROM customer").metrics.external_cost_usd == 0


@pytest.mark.parametrize("name, sql, ordered", QUERIES, ids=[q[0] for q in QUERIES])
def test_answers_match_duckdb(target, duck, local_env, name, sql, ordered):
    env, table = target
    actual, metrics = env.run(sql.format(orders=table))
    expected = duck.sql(sql.format(orders="orders_lake")).fetchall()
    compare_rows(actual, expected, ordered=ordered, context=f"[{env.kind}] {sql.format(orders=table)}")
    if name == "one_month":
        assert metrics.partitions_scanned == 1
    if env.kind != "local":
        compare_rows(actual, local_env.run(sql.format(orders=table))[0], ordered=ordered,
                     context=f"s3 vs local: {sql}")
