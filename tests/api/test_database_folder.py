"""``columnar.connect("path/")``: a database folder that survives the process.

What a user sees: tables, rows, views, defaults, ghost rows and the sorted
region come back after reopening; a second writer is refused with a clear
error; read-only connections see each commit; transactions commit or roll
back as a whole. Crash safety has its own tests (tests/durability).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import columnar
from columnar import OperationalError, ProgrammingError


def _table_info(db, name):
    return db.sql(
        "SELECT tbl_rows, estimated_visible_rows, unsorted FROM svv_table_info WHERE \"table\" = ?", [name]
    ).fetchall()


def test_everything_comes_back_after_reopening(tmp_path):
    path = tmp_path / "db"
    with columnar.connect(path, nodes=3, slices_per_node=2) as db:
        db.sql("CREATE TABLE t (k INT NOT NULL, v VARCHAR(8) DEFAULT 'dflt', d DATE, x DECIMAL(30,2)) "
               "DISTSTYLE KEY DISTKEY (k) COMPOUND SORTKEY (k)")
        db.sql("INSERT INTO t (k, d, x) VALUES (3, '2024-02-29', 12345678901234567890.25), (1, NULL, -1.5)")
        db.sql("INSERT INTO t VALUES (2, 'two', '2020-01-01', NULL), (4, NULL, NULL, 0)")
        db.sql("DELETE FROM t WHERE k = 4")
        db.sql("CREATE TABLE small (a BIGINT, b BOOLEAN, c DOUBLE PRECISION, ts TIMESTAMP)")  # AUTO(ALL)
        db.sql("INSERT INTO small VALUES (1, true, 0.5, '2024-01-01 10:00:00'), (NULL, NULL, NULL, NULL)")
        db.sql("CREATE VIEW big_k AS SELECT k, v FROM t WHERE k > 1")
        before = {q: db.sql(q).fetchall() for q in (
            "SELECT * FROM t ORDER BY k", "SELECT * FROM small ORDER BY a", "SELECT * FROM big_k ORDER BY k")}
        info = _table_info(db, "t")
    with columnar.connect(path) as db:
        assert db.topology.nodes == 3 and db.topology.slices_per_node == 2
        for q, rows in before.items():
            assert db.sql(q).fetchall() == rows
        assert _table_info(db, "t") == info  # ghost rows and the unsorted region are stored too
        assert info[0][0] == 4 and info[0][1] == 3
        db.sql("INSERT INTO t (k) VALUES (9)")  # the DEFAULT survived
        assert db.sql("SELECT v FROM t WHERE k = 9").fetchall() == [("dflt",)]
        assert db.sql("SELECT diststyle FROM svv_table_info WHERE \"table\" = 'small'").fetchall() == \
            [("AUTO(ALL)",)]
        assert db.check_integrity() == []


def test_table_ids_and_names_stay_unique_after_reopening(tmp_path):
    with columnar.connect(tmp_path / "db") as db:
        db.sql("CREATE TABLE a (x INT)")
        db.sql("CREATE TABLE b (x INT)")
        db.sql("DROP TABLE a")
    with columnar.connect(tmp_path / "db") as db:
        db.sql("CREATE TABLE c (x INT)")
        ids = db.sql("SELECT DISTINCT id FROM stv_tbl_perm ORDER BY id").fetchall()
        assert len(ids) == 2 and ids[0] != ids[1]
        assert db.tables() == ["b", "c"]


def test_a_second_writer_is_refused(tmp_path):
    path = tmp_path / "db"
    db = columnar.connect(path)
    db.sql("CREATE TABLE t (x INT)")
    with pytest.raises(OperationalError, match="open for writing by process"):
        columnar.connect(path)
    other = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import columnar
        try:
            columnar.connect({str(path)!r})
        except columnar.OperationalError as e:
            print("refused:", e)
    """)], capture_output=True, text=True, timeout=120)
    assert "refused:" in other.stdout and "read_only=True" in other.stdout
    db.close()
    columnar.connect(path).close()  # the lock goes with the connection


def test_readers_see_each_commit(tmp_path):
    path = tmp_path / "db"
    writer = columnar.connect(path)
    writer.sql("CREATE TABLE t (x INT)")
    writer.sql("INSERT INTO t VALUES (1)")
    reader = columnar.connect(path, read_only=True)
    assert reader.sql("SELECT COUNT(*) FROM t").fetchall() == [(1,)]
    writer.sql("INSERT INTO t VALUES (2), (3)")
    assert reader.sql("SELECT COUNT(*) FROM t").fetchall() == [(3,)]
    writer.sql("BEGIN")
    writer.sql("INSERT INTO t VALUES (4)")
    assert reader.sql("SELECT COUNT(*) FROM t").fetchall() == [(3,)]  # not committed yet
    writer.sql("COMMIT")
    assert reader.sql("SELECT COUNT(*) FROM t").fetchall() == [(4,)]
    with pytest.raises(OperationalError, match="read-only"):
        reader.sql("INSERT INTO t VALUES (5)")
    writer.close()
    reader.close()


def test_reader_in_another_process(tmp_path):
    path = tmp_path / "db"
    with columnar.connect(path) as db:
        db.sql("CREATE TABLE t (x INT)")
        db.sql("INSERT INTO t VALUES (7)")
        out = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
            import columnar, json
            db = columnar.connect({str(path)!r}, read_only=True)
            print(json.dumps(db.sql("SELECT x FROM t").fetchall()))
        """)], capture_output=True, text=True, timeout=120)
        assert json.loads(out.stdout) == [[7]]


def test_bad_folders_give_clear_errors(tmp_path):
    with pytest.raises(OperationalError, match="no database"):
        columnar.connect(tmp_path / "missing", read_only=True)
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(OperationalError, match="not a database folder"):
        columnar.connect(f)
    with pytest.raises(ProgrammingError, match="needs a database folder"):
        columnar.connect(read_only=True)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "manifest.json").write_text("{not json")
    with pytest.raises(OperationalError, match="cannot read"):
        columnar.connect(tmp_path / "junk")


def test_the_folder_keeps_its_cluster_shape(tmp_path):
    columnar.connect(tmp_path / "db", nodes=4).close()
    with pytest.raises(ProgrammingError, match="4 node"):
        columnar.connect(tmp_path / "db", nodes=2)
    with columnar.connect(tmp_path / "db", nodes=4) as db:
        assert db.topology.n_slices == 8


def test_transactions_commit_or_roll_back_as_a_whole(tmp_path):
    path = tmp_path / "db"
    with columnar.connect(path) as db:
        db.sql("CREATE TABLE t (x INT NOT NULL)")
        db.sql("BEGIN")
        db.sql("INSERT INTO t VALUES (1)")
        db.sql("CREATE TABLE u (y INT)")
        db.rollback()
        assert db.tables() == ["t"]
        assert db.sql("SELECT COUNT(*) FROM t").fetchall() == [(0,)]
        db.sql("BEGIN; INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)")
        db.commit()
        with pytest.raises(columnar.IntegrityError):
            db.sql("BEGIN; INSERT INTO t VALUES (3); INSERT INTO t VALUES (NULL)")
        with pytest.raises(columnar.InternalError, match="current transaction is aborted"):
            db.sql("SELECT 1")
        assert db.sql("COMMIT").message == "ROLLBACK"
        assert db.sql("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]
        db.sql("BEGIN; INSERT INTO t VALUES (4)")  # left open: closing rolls it back
    with columnar.connect(path) as db:
        assert db.sql("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]


def test_a_failing_statement_leaves_nothing_behind(tmp_path):
    with columnar.connect(tmp_path / "db") as db:
        db.sql("CREATE TABLE t (x INT NOT NULL, s VARCHAR(3))")
        db.sql("INSERT INTO t VALUES (1, 'a')")
        for bad in ("INSERT INTO t VALUES (2, 'b'), (NULL, 'c')", "UPDATE t SET x = NULL",
                    "INSERT INTO t VALUES (3, 'toolong')"):
            with pytest.raises(columnar.Error):
                db.sql(bad)
        assert _table_info(db, "t")[0][:2] == (1, 1)
    with columnar.connect(tmp_path / "db") as db:
        assert db.sql("SELECT * FROM t").fetchall() == [(1, "a")]


def test_truncate_and_vacuum_rewrite_files(tmp_path):
    path = tmp_path / "db"
    with columnar.connect(path) as db:
        db.sql("CREATE TABLE t (k INT) SORTKEY (k)")
        db.sql("INSERT INTO t VALUES (5), (1), (3)")
        db.sql("INSERT INTO t VALUES (2)")
        db.sql("DELETE FROM t WHERE k = 3")
        db.sql("VACUUM t TO 100 PERCENT")
        files = set((path / "data").iterdir())
        db.sql("TRUNCATE t")
        assert not (set((path / "data").iterdir()) & files)  # the truncated data is gone at once
        db.sql("INSERT INTO t VALUES (8)")
    with columnar.connect(path) as db:
        assert db.sql("SELECT k FROM t").fetchall() == [(8,)]
        assert _table_info(db, "t")[0][:2] == (1, 1)


def test_registered_data_is_saved(tmp_path):
    pa = pytest.importorskip("pyarrow")
    with columnar.connect(tmp_path / "db") as db:
        db.register("frame", pa.table({"a": [1, 2, 3], "s": ["x", None, "z"]}))
    with columnar.connect(tmp_path / "db") as db:
        assert db.sql("SELECT a, s FROM frame ORDER BY a").fetchall() == [(1, "x"), (2, None), (3, "z")]
    with columnar.connect(tmp_path / "db", read_only=True) as db:
        with pytest.raises(OperationalError, match="read-only"):
            db.register("other", pa.table({"a": [1]}))
