"""Redshift analyzes a table by itself when CREATE TABLE AS fills it and when COPY
loads an empty table (``STATUPDATE`` ON / OFF overrides); statistics survive a
database folder's reopening."""

from __future__ import annotations

from decimal import Decimal

import columnar


def _stats_off(db, name):
    return db.sql('SELECT stats_off FROM svv_table_info WHERE "table" = ?', [name]).fetchone()[0]


def _csv(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("".join(f"{r}\n" for r in rows))
    return str(path)


def test_ctas_analyzes(tmp_path):
    db = columnar.connect()
    db.sql("CREATE TABLE t (a INT)")
    db.sql("INSERT INTO t VALUES (1), (2), (3)")
    assert _stats_off(db, "t") == Decimal("100.00")  # INSERT does not analyze
    db.sql("CREATE TABLE c AS SELECT a FROM t")
    assert _stats_off(db, "c") == Decimal("0.00")


def test_copy_into_an_empty_table_analyzes(tmp_path):
    db = columnar.connect()
    db.sql("CREATE TABLE t (a INT)")
    db.sql(f"COPY t FROM '{_csv(tmp_path, 'a.csv', range(100))}' FORMAT CSV")
    assert _stats_off(db, "t") == Decimal("0.00")
    db.sql(f"COPY t FROM '{_csv(tmp_path, 'b.csv', range(50))}' FORMAT CSV")  # not empty: no ANALYZE
    assert _stats_off(db, "t") == Decimal("50.00")
    db.sql(f"COPY t FROM '{_csv(tmp_path, 'c.csv', range(5))}' FORMAT CSV STATUPDATE ON")
    assert _stats_off(db, "t") == Decimal("0.00")
    db.sql("CREATE TABLE u (a INT)")
    db.sql(f"COPY u FROM '{_csv(tmp_path, 'd.csv', range(5))}' FORMAT CSV STATUPDATE OFF")
    assert _stats_off(db, "u") == Decimal("100.00")


def test_statistics_survive_reopening(tmp_path):
    with columnar.connect(tmp_path / "db") as db:
        db.sql("CREATE TABLE t (a INT)")
        db.sql("INSERT INTO t SELECT 1 FROM (SELECT 1 AS x UNION ALL SELECT 2) s")
        db.sql("ANALYZE t")
        plan = db.explain("SELECT * FROM t WHERE a = 1")
    with columnar.connect(tmp_path / "db") as db:
        assert _stats_off(db, "t") == Decimal("0.00")
        assert db.explain("SELECT * FROM t WHERE a = 1") == plan
