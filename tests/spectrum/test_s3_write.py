"""Writing a lake to S3 (a local moto server): UNLOAD and Athena CTAS to s3://, read back
by external tables."""

from __future__ import annotations

import socket

import pytest

import columnar

try:
    import boto3
    from moto.server import ThreadedMotoServer
except ImportError as e:  # pragma: no cover - dev dependency
    pytest.skip(f"moto[server] and boto3 are needed for the S3 tests ({e}); pip install -e '.[dev]'",
                allow_module_level=True)

BUCKET = "written"


@pytest.fixture(scope="module")
def db():
    mp = pytest.MonkeyPatch()
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
    conn = columnar.connect(s3={"endpoint_url": endpoint, "access_key": "testing", "secret_key": "testing",
                                "region": "us-east-1"})
    conn.sql("CREATE TABLE o (k INT, y INT, s VARCHAR(5))")
    conn.sql("INSERT INTO o VALUES (1, 2020, 'a'), (2, 2020, NULL), (3, 2021, 'c'), (4, 2022, 'd')")
    conn.sql("CREATE EXTERNAL SCHEMA lake FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default")
    yield conn
    conn.close()
    server.stop()
    mp.undo()


def test_unload_to_s3_partitioned_then_msck(db):
    r = db.sql(f"UNLOAD ('SELECT k, s, y FROM o') TO 's3://{BUCKET}/unloaded/' FORMAT PARQUET PARTITION BY (y)")
    assert r.rowcount == 4
    db.sql(f"CREATE EXTERNAL TABLE lake.u (k INT, s VARCHAR(5)) PARTITIONED BY (y INT) STORED AS PARQUET "
           f"LOCATION 's3://{BUCKET}/unloaded/'")
    assert len(db.sql("MSCK REPAIR TABLE lake.u").fetchall()) == 3
    assert db.sql("SELECT k, s, y FROM lake.u ORDER BY k").fetchall() == db.sql("SELECT k, s, y FROM o ORDER BY k").fetchall()
    with pytest.raises(columnar.ProgrammingError, match="not empty"):
        db.sql(f"UNLOAD ('SELECT k FROM o') TO 's3://{BUCKET}/unloaded/' FORMAT PARQUET")
    r = db.sql("""SELECT DISTINCT "$path" LIKE 's3://%' FROM lake.u""")
    assert r.fetchall() == [(True,)]


def test_athena_ctas_to_s3(db):
    db.sql(f"CREATE TABLE lake.c WITH (external_location = 's3://{BUCKET}/ctas/', partitioned_by = ARRAY['y']) "
           "AS SELECT k, s, y FROM o")
    r = db.sql("SELECT k, s FROM lake.c WHERE y = 2020 ORDER BY k")
    assert r.fetchall() == [(1, "a"), (2, None)]
    assert r.metrics.partitions_scanned == 1 and r.metrics.partitions_pruned == 2
    with pytest.raises(columnar.ProgrammingError, match="HIVE_PATH_ALREADY_EXISTS"):
        db.sql(f"CREATE TABLE lake.c2 WITH (external_location = 's3://{BUCKET}/ctas/') AS SELECT k FROM o")


def test_an_s3_prefix_without_objects_is_empty(db):
    db.sql(f"CREATE EXTERNAL TABLE lake.nothing (k INT) STORED AS PARQUET LOCATION 's3://{BUCKET}/never/'")
    r = db.sql("SELECT COUNT(*) FROM lake.nothing")
    assert r.fetchall() == [(0,)] and r.metrics.files_scanned == 0
