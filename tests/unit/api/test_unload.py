"""UNLOAD ... TO 'folder/prefix': one file per slice, PARALLEL OFF, PARTITION BY, CSV, errors."""

from __future__ import annotations

import os

import pyarrow.parquet as pq
import pytest

import columnar
from columnar.core.errors import CatalogError, NotSupportedError, ParserError, ProgrammingError

ROWS = [(1, "a", "2020-01-01"), (2, "b", "2020-01-02"), (3, None, "2020-01-03"), (4, "a", None),
        (5, "b", "2020-01-05"), (6, "a", "2020-01-06"), (7, None, None), (8, "c", "2020-01-08")]


@pytest.fixture
def db():
    con = columnar.connect(nodes=2, slices_per_node=2)
    con.execute("CREATE TABLE t (id INT, g VARCHAR(10), d DATE) DISTSTYLE EVEN")
    values = ", ".join(
        "(" + ", ".join("NULL" if v is None else (str(v) if isinstance(v, int) else f"'{v}'") for v in r) + ")"
        for r in ROWS)
    con.execute(f"INSERT INTO t VALUES {values}")
    return con


def files(folder):
    return sorted(os.path.relpath(os.path.join(r, f), folder) for r, _, fs in os.walk(folder) for f in fs)


def test_parquet_one_file_per_slice_and_round_trip(db, tmp_path):
    cur = db.execute(f"UNLOAD ('select * from t') TO '{tmp_path}/out/t_' IAM_ROLE 'arn:aws:iam::1:role/r' "
                     "FORMAT AS PARQUET")
    assert cur.rowcount == 8
    assert files(tmp_path / "out") == [f"t_{s:04d}_part_00.parquet" for s in range(4)]
    table = pq.read_table(tmp_path / "out")
    assert table.column_names == ["id", "g", "d"]
    assert sorted(table.column("id").to_pylist()) == list(range(1, 9))
    db.execute("CREATE TABLE t2 (id INT, g VARCHAR(10), d DATE)")
    db.execute(f"COPY t2 FROM '{tmp_path}/out' FORMAT AS PARQUET")
    q = "SELECT id, g, d FROM {} ORDER BY id"
    assert db.execute(q.format("t2")).fetchall() == db.execute(q.format("t")).fetchall()


def test_empty_slices_write_no_file(db, tmp_path):
    db.execute("CREATE TABLE k (id INT) DISTKEY(id)")
    db.execute("INSERT INTO k VALUES (1), (1), (1)")
    db.execute(f"UNLOAD ('select id from k') TO '{tmp_path}/k/' PARQUET")
    out = files(tmp_path / "k")
    assert len(out) == 1 and out[0].endswith("_part_00.parquet")
    assert pq.read_table(tmp_path / "k").num_rows == 3


def test_parallel_off_writes_one_file(db, tmp_path):
    db.execute(f"UNLOAD ('select * from t order by id') TO '{tmp_path}/one/t_' FORMAT PARQUET PARALLEL OFF")
    assert files(tmp_path / "one") == ["t_000.parquet"]
    assert pq.read_table(tmp_path / "one/t_000.parquet").column("id").to_pylist() == list(range(1, 9))


def test_partition_by_with_null_partition(db, tmp_path):
    db.execute(f"UNLOAD ('select id, g from t') TO '{tmp_path}/p/' FORMAT PARQUET PARTITION BY (g)")
    dirs = sorted({os.path.dirname(f) for f in files(tmp_path / "p")})
    assert dirs == ["g=__HIVE_DEFAULT_PARTITION__", "g=a", "g=b", "g=c"]
    for name, ids in [("g=a", [1, 4, 6]), ("g=__HIVE_DEFAULT_PARTITION__", [3, 7])]:
        t = pq.read_table(tmp_path / "p" / name)
        assert t.column_names == ["id"]  # partition column dropped from the files
        assert sorted(t.column("id").to_pylist()) == ids


def test_partition_by_include_keeps_the_column(db, tmp_path):
    db.execute(f"UNLOAD ('select id, g from t') TO '{tmp_path}/p/' FORMAT PARQUET PARTITION BY (g) INCLUDE "
               "PARALLEL OFF")
    t = pq.read_table(tmp_path / "p" / "g=b" / "000.parquet")
    assert t.column_names == ["id", "g"] and t.column("g").to_pylist() == ["b", "b"]


def test_partition_by_unknown_column(db, tmp_path):
    with pytest.raises(ProgrammingError, match="PARTITION BY column"):
        db.execute(f"UNLOAD ('select id from t') TO '{tmp_path}/p/' PARQUET PARTITION BY (g)")


def test_non_empty_destination_needs_allowoverwrite(db, tmp_path):
    sql = f"UNLOAD ('select * from t') TO '{tmp_path}/o/t_' PARQUET"
    db.execute(sql)
    with pytest.raises(ProgrammingError, match="unload destination on S3 is not empty"):
        db.execute(sql)
    assert db.execute(sql + " ALLOWOVERWRITE").rowcount == 8
    assert pq.read_table(tmp_path / "o").num_rows == 8


def test_csv_with_header_and_delimiter(db, tmp_path):
    db.execute(f"UNLOAD ('select id, g from t where id <= 3 order by id') TO '{tmp_path}/c/x_' "
               "FORMAT AS CSV HEADER DELIMITER AS ';' PARALLEL OFF")
    assert (tmp_path / "c" / "x_000").read_text() == "id;g\n1;a\n2;b\n3;\n"


def test_csv_round_trip_through_copy(db, tmp_path):
    db.execute(f"UNLOAD ('select * from t') TO '{tmp_path}/c/' CSV")
    db.execute("CREATE TABLE t3 (id INT, g VARCHAR(10), d DATE)")
    db.execute(f"COPY t3 FROM '{tmp_path}/c' FORMAT AS CSV")
    assert db.execute("SELECT count(*), sum(id) FROM t3").fetchall() == [(8, 36)]


def test_default_format_is_pipe_delimited_text(db, tmp_path):
    db.execute(f"UNLOAD ('select id, g from t where id = 1') TO '{tmp_path}/x/' PARALLEL OFF")
    assert (tmp_path / "x" / "000").read_text() == "1|a\n"


def test_query_errors_carry_the_query_text(db, tmp_path):
    with pytest.raises(CatalogError, match="in the UNLOAD query: select nope from t"):
        db.execute(f"UNLOAD ('select nope from t') TO '{tmp_path}/e/' PARQUET")
    with pytest.raises(ParserError, match="UNLOAD query"):
        db.execute(f"UNLOAD ('select from from t') TO '{tmp_path}/e/' PARQUET")
    with pytest.raises(ProgrammingError, match="needs a SELECT"):
        db.execute(f"UNLOAD ('delete from t') TO '{tmp_path}/e/' PARQUET")
    assert not (tmp_path / "e").exists()


def test_bad_format_and_options(db, tmp_path):
    with pytest.raises(NotSupportedError, match="FORMAT JSON"):
        db.execute(f"UNLOAD ('select 1') TO '{tmp_path}/e/' FORMAT JSON")
    with pytest.raises(ProgrammingError, match="HEADER is not supported with FORMAT PARQUET"):
        db.execute(f"UNLOAD ('select 1') TO '{tmp_path}/e/' PARQUET HEADER")


def test_quoted_quotes_in_the_query(db, tmp_path):
    cur = db.execute(f"UNLOAD ('select id from t where g = ''a''') TO '{tmp_path}/q/' PARQUET")
    assert cur.rowcount == 3
