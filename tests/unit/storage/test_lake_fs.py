"""LOCATION resolution, Spectrum's listing rules and Hive partition folders (local file system)."""

from __future__ import annotations

import os

import pytest

from columnar.core.errors import OperationalError, ProgrammingError
from columnar.storage.lake_fs import FileInfo, Location, join, list_files, list_partition_dirs, resolve


def _touch(root, rel: str, data: bytes = b"x") -> str:
    path = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


# ----------------------------------------------------------------------------- resolve


def test_resolve_absolute_folder_gets_trailing_slash(tmp_path):
    loc = resolve(str(tmp_path))
    assert isinstance(loc, Location)
    assert loc.uri == str(tmp_path) + "/"
    assert loc.path == str(tmp_path)
    assert loc.is_dir
    assert loc.fs.type_name == "local"


def test_resolve_existing_file_has_no_trailing_slash(tmp_path):
    path = _touch(tmp_path, "a.csv")
    loc = resolve(path)
    assert loc.uri == path and not loc.is_dir


def test_resolve_missing_location_is_a_folder(tmp_path):
    loc = resolve(str(tmp_path / "not_yet"))
    assert loc.uri == str(tmp_path / "not_yet") + "/"


def test_resolve_relative_to_base_dir_and_cwd(tmp_path, monkeypatch):
    assert resolve("data/sales/", base_dir=str(tmp_path)).uri == f"{tmp_path}/data/sales/"
    monkeypatch.chdir(tmp_path)
    assert resolve("./sales").uri == f"{tmp_path}/sales/"


def test_resolve_file_uri_normalizes_to_the_absolute_path(tmp_path):
    path = _touch(tmp_path, "my dir/a.csv")
    assert resolve(f"file://{tmp_path}/my%20dir/").uri == f"{tmp_path}/my dir/"
    assert resolve(f"file://localhost{path}").uri == path
    assert resolve(f"FILE://{tmp_path}").uri == f"{tmp_path}/"


def test_resolve_s3_without_network():
    loc = resolve("s3://bucket/lake/sales/", s3={"endpoint_url": "http://127.0.0.1:9", "access_key": "a",
                                                 "secret_key": "b", "region": "eu-west-1"})
    assert loc.uri == "s3://bucket/lake/sales/"
    assert loc.path == "bucket/lake/sales"
    assert loc.fs.type_name == "s3"
    assert loc.fs.region == "eu-west-1"
    root = resolve("s3://bucket", s3={"endpoint_url": "http://127.0.0.1:9", "region": "eu-west-1"})
    assert root.uri == "s3://bucket/" and root.path == "bucket"


def test_resolve_s3_options_from_environment(monkeypatch):
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    loc = resolve("s3://b/p/")
    assert loc.fs.region == "ap-south-1"


@pytest.mark.parametrize("location, message", [
    ("", "must not be empty"),
    ("   ", "must not be empty"),
    ("hdfs://namenode/data/", "unsupported location scheme 'hdfs'"),
    ("gs://bucket/x/", "unsupported location scheme 'gs'"),
    ("s3://bucket/a/../b/", "'..' is not allowed in a LOCATION"),
    ("/data/../etc/", "'..' is not allowed in a LOCATION"),
    ("../up", "'..' is not allowed in a LOCATION"),
    ("file:///data/../x", "'..' is not allowed in a LOCATION"),
    ("s3:///key", "names no S3 bucket"),
    ("file://otherhost/x", "must name a local path"),
])
def test_resolve_errors(location, message):
    with pytest.raises(ProgrammingError, match=message) as info:
        resolve(location)
    if location.strip():
        assert location in str(info.value)


def test_resolve_rejects_unknown_s3_option():
    with pytest.raises(ProgrammingError, match="unknown S3 option"):
        resolve("s3://b/p/", s3={"endpoint": "http://x"})


def test_dotted_names_that_are_not_dot_dot_are_fine(tmp_path):
    assert resolve(str(tmp_path / "a..b" / ".x")).uri.endswith("/a..b/.x/")


# ----------------------------------------------------------------------------- list_files


def test_listing_skips_hidden_names_and_recurses_in_path_order(tmp_path):
    for rel in ["b/2.csv", "a.csv", "a-b/x.csv", "a/x.csv", "a/y/z.csv",
                "_SUCCESS", ".part.crc", "#notes", "backup.csv~", "x/_temporary/0.csv",
                ".hidden/x.csv", "ok/.meta/x.csv", "ok/data~/x.csv", "ok/#tmp/x.csv", "ok/in_name.csv"]:
        _touch(tmp_path, rel, b"abc")
    files = list_files(resolve(str(tmp_path)))
    rel = [os.path.relpath(f.path, tmp_path) for f in files]
    assert rel == ["a/x.csv", "a/y/z.csv", "a-b/x.csv", "a.csv", "b/2.csv", "ok/in_name.csv"]
    assert all(isinstance(f, FileInfo) and f.size == 3 and f.uri == f.path for f in files)


def test_listing_a_single_file_returns_it(tmp_path):
    path = _touch(tmp_path, "_odd_name.csv", b"12345")
    assert list_files(resolve(path)) == [FileInfo(path, path, 5)]


def test_listing_a_missing_location_fails(tmp_path):
    with pytest.raises(OperationalError, match="does not exist") as info:
        list_files(resolve(str(tmp_path / "nope")))
    assert str(tmp_path / "nope") in str(info.value)


def test_listing_an_empty_folder_is_empty(tmp_path):
    os.makedirs(tmp_path / "empty" / "sub")
    _touch(tmp_path, "empty/_SUCCESS")
    assert list_files(resolve(str(tmp_path / "empty"))) == []


# ----------------------------------------------------------------------------- partitions


def test_partition_dirs_nested_in_key_order(tmp_path):
    for rel in ["year=2024/month=1/a.parquet", "year=2024/month=2/a.parquet", "year=2023/month=12/a.parquet",
                "year=2025/b.parquet",  # incomplete: no month level
                "month=1/year=2024/a.parquet",  # wrong key order
                "Year=2022/month=1/a.parquet",  # key spelled differently: not added (as Athena)
                "_tmp/year=1/month=1/a.parquet", "year=2024/_month=3/a.parquet", "year=2024/.month=4/a",
                "year=2021/month=5"]:  # a file, not a folder
        _touch(tmp_path, rel)
    found = list_partition_dirs(resolve(str(tmp_path)), ["year", "month"])
    assert [v for v, _ in found] == [
        {"year": "2023", "month": "12"}, {"year": "2024", "month": "1"}, {"year": "2024", "month": "2"}]
    assert [loc.uri for _, loc in found] == [
        f"{tmp_path}/year=2023/month=12/", f"{tmp_path}/year=2024/month=1/", f"{tmp_path}/year=2024/month=2/"]
    assert len(list_files(found[1][1])) == 1


def test_partition_values_are_unescaped_and_default_partition_is_null(tmp_path):
    for rel in ["ts=2024-01-01 10%3A00%3A00/x", "ts=a%2Fb/x", "ts=__HIVE_DEFAULT_PARTITION__/x", "ts=/x"]:
        _touch(tmp_path, rel)
    found = list_partition_dirs(resolve(str(tmp_path)), ["ts"])
    values = sorted((v["ts"] is None, v["ts"] or "") for v, _ in found)
    assert values == [(False, ""), (False, "2024-01-01 10:00:00"), (False, "a/b"), (True, "")]
    by_value = {v["ts"]: loc.uri for v, loc in found}
    assert by_value["2024-01-01 10:00:00"] == f"{tmp_path}/ts=2024-01-01 10%3A00%3A00/"


def test_partition_dirs_of_missing_location_and_without_keys(tmp_path):
    assert list_partition_dirs(resolve(str(tmp_path / "none")), ["k"]) == []
    loc = resolve(str(tmp_path))
    assert list_partition_dirs(loc, []) == [({}, loc)]


# ----------------------------------------------------------------------------- join


def test_join_builds_partition_locations(tmp_path):
    loc = resolve(str(tmp_path))
    part = join(loc, "year=2024/month=1/")
    assert part.uri == f"{tmp_path}/year=2024/month=1/" and part.path == f"{tmp_path}/year=2024/month=1"
    assert part.fs is loc.fs
    assert join(loc, "") is loc
    _touch(tmp_path, "f.csv")
    assert join(loc, "f.csv").uri == f"{tmp_path}/f.csv"
    s3 = resolve("s3://bucket/t/", s3={"endpoint_url": "http://127.0.0.1:9", "region": "us-east-1"})
    assert join(s3, "k=v/").uri == "s3://bucket/t/k=v/"


def test_join_errors(tmp_path):
    loc = resolve(str(tmp_path))
    with pytest.raises(ProgrammingError, match=r"'\.\.' is not allowed"):
        join(loc, "../x/")
    with pytest.raises(ProgrammingError, match="must be relative"):
        join(loc, "/etc/")
    with pytest.raises(ProgrammingError, match="must be relative"):
        join(loc, "s3://b/x/")
    f = resolve(_touch(tmp_path, "f.csv"))
    with pytest.raises(ProgrammingError, match="is a file"):
        join(f, "k=v/")
