"""Athena's CREATE TABLE ... WITH (...) AS: writing a lake that external tables read back."""

from __future__ import annotations

import os

import pytest

import columnar


@pytest.fixture
def db():
    with columnar.connect() as conn:
        conn.sql("CREATE TABLE o (k INT, d DATE, price DECIMAL(12,2), s VARCHAR(10))")
        conn.sql("INSERT INTO o VALUES (1, '2020-01-05', 1.50, 'a'), (2, '2020-02-07', 2.25, 'b'), "
                 "(3, '2021-01-01', 3.00, NULL), (4, '2021-02-02', 4.00, 'd')")
        conn.sql("CREATE EXTERNAL SCHEMA lake FROM DATA CATALOG DATABASE 'lakedb' IAM_ROLE default")
        yield conn


def test_partitioned_parquet_is_written_and_registered(db, tmp_path):
    r = db.sql(f"CREATE TABLE lake.o2 WITH (format = 'PARQUET', external_location = '{tmp_path}/o2/', "
               "partitioned_by = ARRAY['year']) AS SELECT k, d, price, s, EXTRACT(YEAR FROM d) AS year FROM o")
    assert r.message == "CREATE TABLE AS" and r.rowcount == 4
    assert sorted(os.listdir(tmp_path / "o2")) == ["year=2020", "year=2021"]
    assert db.sql("SELECT k, price, s, year FROM lake.o2 ORDER BY k").fetchall() == \
        db.sql("SELECT k, price, s, EXTRACT(YEAR FROM d) FROM o ORDER BY k").fetchall()
    assert db.sql("SELECT values FROM svv_external_partitions WHERE tablename = 'o2' ORDER BY 1").fetchall() == \
        [('["2020"]',), ('["2021"]',)]
    r = db.sql("SELECT COUNT(*) FROM lake.o2 WHERE year = 2021")
    assert r.fetchall() == [(2,)] and r.metrics.partitions_scanned == 1 and r.metrics.partitions_pruned == 1


def test_textfile_keeps_nulls(db, tmp_path):
    db.sql(f"CREATE TABLE lake.t WITH (format = 'TEXTFILE', external_location = '{tmp_path}/t/') AS SELECT k, s FROM o")
    assert db.sql("SELECT k, s FROM lake.t ORDER BY k").fetchall() == [(1, "a"), (2, "b"), (3, None), (4, "d")]


@pytest.mark.parametrize("props, query, message", [
    ("partitioned_by = ARRAY['k']", "SELECT k, s FROM o", "HIVE_COLUMN_ORDER_MISMATCH"),
    ("colour = 'red'", "SELECT k FROM o", "does not support table property 'colour'"),
    ("format = 'ORC'", "SELECT k FROM o", "not supported"),
])
def test_errors(db, tmp_path, props, query, message):
    with pytest.raises(columnar.Error, match=message):
        db.sql(f"CREATE TABLE lake.bad WITH (external_location = '{tmp_path}/bad/', {props}) AS {query}")
    assert not (tmp_path / "bad").exists()


def test_the_location_must_be_empty_and_given(db, tmp_path):
    db.sql(f"CREATE TABLE lake.a WITH (external_location = '{tmp_path}/x/') AS SELECT k FROM o")
    with pytest.raises(columnar.ProgrammingError, match="HIVE_PATH_ALREADY_EXISTS"):
        db.sql(f"CREATE TABLE lake.b WITH (external_location = '{tmp_path}/x/') AS SELECT k FROM o")
    with pytest.raises(columnar.ProgrammingError, match="external_location"):
        db.sql("CREATE TABLE lake.c WITH (format = 'PARQUET') AS SELECT k FROM o")


def test_more_than_100_partitions_write_nothing(db, tmp_path):
    db.sql("CREATE TABLE n AS SELECT a.k * 1000 + b.k * 100 + c.k * 10 + d.k AS v FROM o a, o b, o c, o d")  # 256
    with pytest.raises(columnar.ProgrammingError, match="HIVE_TOO_MANY_OPEN_PARTITIONS"):
        db.sql(f"CREATE TABLE lake.big WITH (external_location = '{tmp_path}/big/', partitioned_by = ARRAY['p']) "
               "AS SELECT v, v AS p FROM n")
    assert not (tmp_path / "big").exists() and not db.session.catalog.exists("lake.big")
