"""The data-lake layer against S3: a local moto server stands in for Amazon S3 (no internet)."""

from __future__ import annotations

import gzip
import io
import socket

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from columnar.core.errors import OperationalError
from columnar.core.types import BIGINT, INTEGER, VARCHAR, Field
from columnar.storage.arrow_export import column_to_arrow
from columnar.storage.external_read import ScanCounters, read_file, text_format_from
from columnar.storage.lake_fs import join, list_files, list_partition_dirs, resolve
from columnar.storage.pruning import ColumnRange

try:
    import boto3
    from moto.server import ThreadedMotoServer
except ImportError as e:  # pragma: no cover - dev dependency
    pytest.skip(f"moto[server] and boto3 are needed for the S3 tests ({e}); pip install -e '.[dev]'",
                allow_module_level=True)

BUCKET = "lake"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3():
    """A moto S3 server on localhost with a bucket of Parquet, CSV and hidden files."""
    mp = pytest.MonkeyPatch()
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask an instance-metadata endpoint
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=BUCKET)
    objects = {}
    for month in (1, 2):
        buf = io.BytesIO()
        ids = list(range(month * 1000, month * 1000 + 300))
        pq.write_table(pa.table({"id": ids, "name": [f"n{i}" for i in ids]}), buf, row_group_size=100)
        objects[f"sales/year=2024/month={month}/part-0.parquet"] = buf.getvalue()
    objects["sales/year=2024/month=1/_committed_123"] = b"{}"
    objects["sales/_SUCCESS"] = b""
    objects["sales/.spark-staging/x.parquet"] = b"junk"
    objects["sales/year=2024/month=3%3A00/part-0.parquet"] = objects["sales/year=2024/month=1/part-0.parquet"]
    objects["csv/a.csv.gz"] = gzip.compress(b"id,name\n1,one\n2,two\n")
    objects["csv/b.csv~"] = b"backup"
    for key, body in objects.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
    options = {"endpoint_url": endpoint, "access_key": "testing", "secret_key": "testing", "region": REGION}
    yield options, objects
    server.stop()
    mp.undo()


def test_resolve_s3_folders_and_files(s3):
    options, _ = s3
    assert resolve(f"s3://{BUCKET}/sales", s3=options).uri == f"s3://{BUCKET}/sales/"  # a prefix: a folder
    key = "sales/year=2024/month=1/part-0.parquet"
    loc = resolve(f"s3://{BUCKET}/{key}", s3=options)
    assert loc.uri == f"s3://{BUCKET}/{key}" and not loc.is_dir and loc.path == f"{BUCKET}/{key}"


def test_list_files_over_s3(s3):
    options, objects = s3
    files = list_files(resolve(f"s3://{BUCKET}/sales/", s3=options))
    keys = ["sales/year=2024/month=1/part-0.parquet", "sales/year=2024/month=2/part-0.parquet",
            "sales/year=2024/month=3%3A00/part-0.parquet"]
    assert [f.uri for f in files] == [f"s3://{BUCKET}/{k}" for k in keys]
    assert [f.size for f in files] == [len(objects[k]) for k in keys]
    single = list_files(resolve(f"s3://{BUCKET}/{keys[1]}", s3=options))
    assert [f.uri for f in single] == [f"s3://{BUCKET}/{keys[1]}"]
    with pytest.raises(OperationalError, match="does not exist"):
        list_files(resolve(f"s3://{BUCKET}/nothing/here/", s3=options))


def test_partition_dirs_over_s3(s3):
    options, _ = s3
    table = resolve(f"s3://{BUCKET}/sales/", s3=options)
    found = list_partition_dirs(table, ["year", "month"])
    assert [v for v, _ in found] == [{"year": "2024", "month": "1"}, {"year": "2024", "month": "2"},
                                     {"year": "2024", "month": "3:00"}]
    assert found[0][1].uri == f"s3://{BUCKET}/sales/year=2024/month=1/"
    assert found[0][1] == join(table, "year=2024/month=1/")
    assert [f.uri for f in list_files(found[1][1])] == [f"s3://{BUCKET}/sales/year=2024/month=2/part-0.parquet"]


def test_read_parquet_over_s3_with_pruning_and_bytes(s3):
    options, objects = s3
    loc = resolve(f"s3://{BUCKET}/sales/year=2024/month=2/", s3=options)
    (file,) = list_files(loc)
    fields = [Field("id", BIGINT), Field("name", VARCHAR)]
    counters = ScanCounters()
    cols, n = read_file(file, loc.fs, text_format_from("PARQUET"), fields, [1, 0],
                        {0: ColumnRange().restrict(">=", 2250)}, counters)
    assert n == 100 and column_to_arrow(cols[1]).to_pylist()[0] == 2200
    assert column_to_arrow(cols[0]).to_pylist()[-1] == "n2299"
    md = pq.ParquetFile(pa.BufferReader(objects["sales/year=2024/month=2/part-0.parquet"])).metadata
    assert counters.bytes_scanned == sum(md.row_group(2).column(c).total_compressed_size for c in (0, 1))
    assert (counters.row_groups_scanned, counters.row_groups_pruned, counters.files_scanned) == (1, 2, 1)


def test_read_gzip_csv_over_s3(s3):
    options, objects = s3
    loc = resolve(f"s3://{BUCKET}/csv/", s3=options)
    (file,) = list_files(loc)  # the backup file ending in ~ is skipped
    fmt = text_format_from(None, {"serde": "org.apache.hadoop.hive.serde2.OpenCSVSerde"},
                           {"skip.header.line.count": "1"})
    counters = ScanCounters()
    cols, n = read_file(file, loc.fs, fmt, [Field("id", INTEGER), Field("name", VARCHAR)], [0, 1], {}, counters)
    assert [column_to_arrow(c).to_pylist() for c in cols] == [[1, 2], ["one", "two"]]
    assert counters.bytes_scanned == len(objects["csv/a.csv.gz"])


def test_s3_options_from_environment(s3, monkeypatch):
    options, _ = s3
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", options["endpoint_url"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    files = list_files(resolve(f"s3://{BUCKET}/csv"))
    assert [f.uri for f in files] == [f"s3://{BUCKET}/csv/a.csv.gz"]
