"""COPY errors: bad rows fail the whole COPY (nothing loaded), MAXERROR skips them,
and every bad row is recorded in STL_LOAD_ERRORS.

Redshift behaviour modelled (AWS: COPY MAXERROR, r_STL_LOAD_ERRORS, r_Load_Error_Reference):
a value that does not convert, a string longer than VARCHAR(n)/CHAR(n), a NULL or missing
value in a NOT NULL column, or a line with the wrong number of fields is a bad row. With the
default MAXERROR 0 the first one fails the COPY with "Load into table 't' failed. Check
'stl_load_errors' system table for details." and the table is unchanged.
"""

from __future__ import annotations

import os

import pytest

import columnar

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

FAILED = "Load into table 't' failed. Check 'stl_load_errors' system table for details."


@pytest.fixture
def db():
    conn = columnar.connect(nodes=2, slices_per_node=2)
    yield conn
    conn.close()


def write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def count(db, table: str = "t") -> int:
    return db.sql(f"SELECT COUNT(*) FROM {table}").fetchall()[0][0]


def load_errors(db, columns: str = "line_number, trim(colname), err_code"):
    return db.sql(f"SELECT {columns} FROM stl_load_errors ORDER BY query, filename, line_number").fetchall()


# --------------------------------------------------------------------------- one bad row fails the COPY


def test_bad_value_fails_naming_file_line_column_and_value(db, tmp_path):
    db.execute("CREATE TABLE t (id INT, qty INT)")
    p = write(tmp_path / "t.csv", "id,qty\n1,10\n2,x7\n3,30\n")
    with pytest.raises(columnar.DataError) as info:
        db.execute(f"COPY t FROM '{p}' CSV IGNOREHEADER 1")
    msg = str(info.value)
    assert msg.startswith(FAILED)
    assert f"File '{p}', line 3, column qty: Invalid digit, Value 'x7'" in msg
    assert (info.value.file, info.value.line, info.value.column) == (p, 3, "qty")
    assert count(db) == 0
    assert load_errors(db, "line_number, trim(colname), trim(raw_field_value), err_code, trim(err_reason)") == [
        (3, "qty", "x7", 1207, "Invalid digit, Value 'x', Pos 0, Type: Integer")]


def test_string_too_long_for_varchar_and_char(db, tmp_path):
    db.execute("CREATE TABLE t (s VARCHAR(3), c CHAR(2))")
    p = write(tmp_path / "t.csv", "abc,ab\nabcd,ab\n")
    with pytest.raises(columnar.DataError, match=r"line 2, column s: value too long .*'abcd'"):
        db.execute(f"COPY t FROM '{p}' CSV")
    p = write(tmp_path / "u.csv", "abc,ab\nabc,abc\n")
    with pytest.raises(columnar.DataError, match=r"u\.csv', line 2, column c: value too long"):
        db.execute(f"COPY t FROM '{p}' CSV")
    assert count(db) == 0
    assert load_errors(db, "line_number, trim(colname), trim(type), trim(col_length), err_code, trim(err_reason)") == [
        (2, "s", "varchar", "3", 1204, "String length exceeds DDL length"),
        (2, "c", "bpchar", "2", 1204, "String length exceeds DDL length"),
    ]


def test_null_or_missing_value_in_not_null_column(db, tmp_path):
    db.execute("CREATE TABLE t (id INT NOT NULL, name VARCHAR(10) NOT NULL)")
    p = write(tmp_path / "t.csv", "1,ann\n,bob\n")  # empty field of an INT: NULL
    with pytest.raises(columnar.IntegrityError, match="line 2, column id: Missing data for not-null field"):
        db.execute(f"COPY t FROM '{p}' CSV")
    p = write(tmp_path / "t.tbl", "1|ann\n2|\\N\n")  # text format: \N is NULL
    with pytest.raises(columnar.IntegrityError, match="line 2, column name: Missing data"):
        db.execute(f"COPY t FROM '{p}'")
    assert count(db) == 0
    assert load_errors(db) == [(2, "id", 1213), (2, "name", 1213)]


def test_wrong_number_of_fields(db, tmp_path):
    db.execute("CREATE TABLE t (a INT, b INT)")
    p = write(tmp_path / "t.csv", "1,2\n3\n")
    with pytest.raises(columnar.DataError, match=r"line 2: Delimiter not found \(expected 2 fields, got 1\): '3'"):
        db.execute(f"COPY t FROM '{p}' CSV")
    p = write(tmp_path / "u.csv", "1,2\n3,4,5\n")
    with pytest.raises(columnar.DataError, match="line 2: Extra column"):
        db.execute(f"COPY t FROM '{p}' CSV")
    assert count(db) == 0
    assert load_errors(db, "line_number, trim(colname), trim(raw_line), err_code, trim(err_reason)") == [
        (2, "", "3", 1214, "Delimiter not found"),
        (2, "", "3,4,5", 1202, "Extra column(s) found"),
    ]


def test_the_first_bad_row_in_the_file_is_reported(db, tmp_path):
    # a bad value on line 2 comes before a short line on line 3 and a NOT NULL violation on line 4
    db.execute("CREATE TABLE t (a INT NOT NULL, b INT)")
    p = write(tmp_path / "t.csv", "1,1\n2,y\n3\n,4\n")
    with pytest.raises(columnar.DataError, match="line 2, column b"):
        db.execute(f"COPY t FROM '{p}' CSV")
    assert load_errors(db) == [(2, "b", 1207)]


def test_failed_copy_leaves_a_table_with_rows_unchanged(db, tmp_path):
    db.execute("CREATE TABLE t (id INT, name VARCHAR(5)) DISTSTYLE KEY DISTKEY (id) SORTKEY (id)")
    db.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    folder = tmp_path / "parts"
    folder.mkdir()
    write(folder / "part-1.csv", "10,ok\n11,ok\n")
    write(folder / "part-2.csv", "12,ok\n13,toolong\n14,ok\n")
    with pytest.raises(columnar.DataError, match=r"part-2\.csv', line 2, column name"):
        db.execute(f"COPY t FROM '{folder}' CSV")
    assert db.sql("SELECT id, name FROM t ORDER BY id").fetchall() == [(1, "a"), (2, "b")]
    rows = db.sql("SELECT SUM(rows) FROM stv_tbl_perm WHERE name = 't'").fetchall()
    assert rows == [(2,)]


def test_parquet_bad_rows_name_the_row(db, tmp_path):
    db.execute("CREATE TABLE t (q SMALLINT NOT NULL, s VARCHAR(5))")
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"q": pa.array([1, 2, 70000, None, 5], pa.int32()),
                             "s": ["a", "b", "c", "d", "much too long"]}), path)
    with pytest.raises(columnar.DataError, match=r"t\.parquet', row 3, column q: Overflow"):
        db.execute(f"COPY t FROM '{path}' FORMAT AS PARQUET")
    assert count(db) == 0
    result = db.sql(f"COPY t FROM '{path}' FORMAT AS PARQUET MAXERROR 3")
    assert result.rowcount == 2 and "3 record(s) could not be loaded" in result.message
    assert db.sql("SELECT q, s FROM t ORDER BY q").fetchall() == [(1, "a"), (2, "b")]
    cols = "line_number, trim(colname), trim(raw_line), trim(raw_field_value), err_code"
    assert load_errors(db, cols) == [
        (3, "q", "70000|c", "70000", 1222),  # the failed COPY
        (3, "q", "70000|c", "70000", 1222),  # the MAXERROR 3 COPY
        (4, "q", "|d", "", 1213),
        (5, "s", "5|much too long", "much too long", 1204),
    ]


# --------------------------------------------------------------------------- MAXERROR


def test_maxerror_skips_bad_rows_and_records_them(db, tmp_path):
    db.execute("CREATE TABLE t (id INT NOT NULL, qty INT, name VARCHAR(4))")
    p = write(tmp_path / "t.csv",
              "id,qty,name\n1,10,ann\n2,x,bob\n3,30,cathy\n4,40\n,50,eve\n6,60,fay\n")
    result = db.sql(f"COPY t FROM '{p}' CSV IGNOREHEADER 1 MAXERROR 4")
    assert result.rowcount == 2
    assert result.message.startswith("COPY 2 (4 record(s) could not be loaded.")
    assert db.sql("SELECT id, qty, name FROM t ORDER BY id").fetchall() == [(1, 10, "ann"), (6, 60, "fay")]
    assert db.sql("SELECT line_number, colname, err_code FROM stl_load_errors ORDER BY line_number").fetchall() == [
        (3, "qty", 1207), (4, "name", 1204), (5, "", 1214), (6, "id", 1213)]


def test_maxerror_exceeded_fails_loads_nothing_and_records(db, tmp_path):
    db.execute("CREATE TABLE t (id INT, qty INT)")
    db.execute("INSERT INTO t VALUES (0, 0)")
    p = write(tmp_path / "t.csv", "1,10\n2,x\n3,y\n4,z\n5,50\n")
    with pytest.raises(columnar.DataError) as info:
        db.execute(f"COPY t FROM '{p}' CSV MAXERROR 1")
    msg = str(info.value)
    assert msg.startswith(FAILED) and "line 2, column qty" in msg and "more than MAXERROR 1" in msg
    assert count(db) == 1
    # MAXERROR + 1 rows recorded, under the failed statement's query id
    assert load_errors(db) == [(2, "qty", 1207), (3, "qty", 1207)]
    joined = db.sql("SELECT DISTINCT q.aborted, q.querytxt LIKE 'COPY%' FROM stl_load_errors e "
                    "JOIN stl_query q ON q.query = e.query").fetchall()
    assert joined == [(1, True)]


def test_maxerror_counts_bad_rows_across_files(db, tmp_path):
    db.execute("CREATE TABLE t (a INT)")
    folder = tmp_path / "parts"
    folder.mkdir()
    write(folder / "a.csv", "1\nbad\n3\n")
    write(folder / "b.csv", "4\n5\nworse\n")
    with pytest.raises(columnar.DataError, match=r"a\.csv', line 2, column a"):
        db.execute(f"COPY t FROM '{folder}' CSV MAXERROR 1")
    assert count(db) == 0
    db.execute(f"COPY t FROM '{folder}' CSV MAXERROR 2")
    assert db.sql("SELECT a FROM t ORDER BY a").fetchall() == [(1,), (3,), (4,), (5,)]
    files = db.sql("SELECT DISTINCT slice, trim(filename) FROM stl_load_errors ORDER BY 2").fetchall()
    assert files == [(0, str(folder / "a.csv")), (1, str(folder / "b.csv"))]  # file i on slice i mod 4


def test_maxerror_on_a_clean_file_changes_nothing(db, tmp_path):
    db.execute("CREATE TABLE t (a INT)")
    p = write(tmp_path / "t.csv", "1\n2\n")
    result = db.sql(f"COPY t FROM '{p}' CSV MAXERROR 10")
    assert (result.rowcount, result.message) == (2, "COPY 2")
    assert db.sql("SELECT COUNT(*) FROM stl_load_errors").fetchall() == [(0,)]


def test_many_bad_rows_in_a_large_file(db, tmp_path):
    n = 50_000
    bad = {7, 20_000, 20_001, 49_999}
    lines = [f"{i},{'?' if i in bad else i}" for i in range(n)]
    p = write(tmp_path / "big.csv", "\n".join(lines) + "\n")
    db.execute("CREATE TABLE t (i INT, v INT)")
    db.execute(f"COPY t FROM '{p}' CSV MAXERROR 4")
    assert db.sql("SELECT COUNT(*), SUM(i) FROM t").fetchall() == [(n - 4, sum(range(n)) - sum(bad))]
    assert [r[0] for r in load_errors(db)] == sorted(i + 1 for i in bad)


def test_text_format_with_trailing_delimiters(db, tmp_path):
    db.execute("CREATE TABLE t (k INT, name CHAR(5) NOT NULL)")
    p = write(tmp_path / "t.tbl", "0|ann|\n1|bob|extra\n2|\\N|\n3|cy|\n")
    with pytest.raises(columnar.DataError, match="line 2: Extra column"):
        db.execute(f"COPY t FROM '{p}'")
    db.execute(f"COPY t FROM '{p}' MAXERROR 2")
    assert db.sql("SELECT k, name FROM t ORDER BY k").fetchall() == [(0, "ann"), (3, "cy")]
    assert load_errors(db) == [(2, "", 1202), (2, "", 1202), (3, "name", 1213)]


def test_parquet_row_groups_and_dictionary_strings(db, tmp_path):
    n = 150_000
    names = ["ab", "cd", "efg"] * (n // 3)
    names[1_000], names[120_000] = "toolong", "waytoolong"
    qty = list(range(n))
    qty[99_999] = 1 << 40
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"q": pa.array(qty, pa.int64()), "s": names}), path, row_group_size=30_000)
    db.execute("CREATE TABLE t (q INT, s VARCHAR(3))")
    with pytest.raises(columnar.DataError, match=r"row 1001, column s: value too long"):
        db.execute(f"COPY t FROM '{path}' FORMAT AS PARQUET MAXERROR 2")
    assert count(db) == 0
    db.execute(f"COPY t FROM '{path}' FORMAT AS PARQUET MAXERROR 3")
    assert count(db) == n - 3
    assert load_errors(db)[-3:] == [(1001, "s", 1204), (100_000, "q", 1222), (120_001, "s", 1204)]


# --------------------------------------------------------------------------- STL_LOAD_ERRORS columns


def test_stl_load_errors_row(db, tmp_path):
    db.execute("CREATE TABLE t (id INT, price DECIMAL(8,2), ok BOOLEAN, day DATE, x DOUBLE PRECISION)")
    p = write(tmp_path / "t.csv",
              'id,price,ok,day,x\n"multi\nline",1,t,2024-01-01,1\n\n'
              "2,1.2.3,t,2024-01-01,1\n3,1,maybe,2024-01-01,1\n4,1,t,2024-02-30,1\n5,1,t,2024-01-01,1e\n"
              "3000000000,1,t,2024-01-01,1\n")
    db.execute(f"COPY t FROM '{p}' CSV IGNOREHEADER 1 MAXERROR 10")
    got = db.sql("SELECT line_number, trim(colname), trim(type), trim(col_length), position, err_code "
                 "FROM stl_load_errors ORDER BY line_number").fetchall()
    assert got == [
        (2, "id", "int4", "0", 0, 1207),  # a quoted value spanning lines 2-3
        (5, "price", "numeric", "8,2", 3, 1207),  # the second '.' of 1.2.3
        (6, "ok", "bool", "0", 0, 1210),
        (7, "day", "date", "0", 0, 1205),
        (8, "x", "float8", "0", 1, 1208),
        (9, "id", "int4", "0", 0, 1222),
    ]
    info = db.sql("SELECT e.userid, e.tbl = p.id, e.starttime IS NOT NULL, e.session, e.is_partial, "
                  "e.start_offset, e.copy_job_id, trim(e.raw_line) FROM stl_load_errors e "
                  "JOIN (SELECT DISTINCT id, name FROM stv_tbl_perm) p ON p.name = 't' "
                  "WHERE e.line_number = 5").fetchall()
    assert info == [(100, True, True, 1073, 0, 0, 0, "2,1.2.3,t,2024-01-01,1")]
    reason = db.sql("SELECT trim(err_reason) FROM stl_load_errors WHERE line_number = 5").fetchall()
    assert reason == [("Invalid digit, Value '.', Pos 3, Type: Decimal",)]


def test_stl_load_errors_is_empty_at_first(db):
    assert db.sql("SELECT COUNT(*) FROM stl_load_errors").fetchall() == [(0,)]
    names = [d[0] for d in db.execute("SELECT * FROM stl_load_errors").description]
    assert names == ["userid", "slice", "tbl", "starttime", "session", "query", "filename", "line_number",
                     "colname", "type", "col_length", "position", "raw_line", "raw_field_value", "err_code",
                     "err_reason", "is_partial", "start_offset", "copy_job_id"]


# --------------------------------------------------------------------------- whole-load errors


def test_missing_and_unreadable_sources(db, tmp_path):
    db.execute("CREATE TABLE t (a INT)")
    with pytest.raises(columnar.OperationalError, match="nope.csv' does not exist"):
        db.execute(f"COPY t FROM '{tmp_path / 'nope.csv'}' CSV")
    (tmp_path / "empty").mkdir()
    with pytest.raises(columnar.OperationalError, match="has no files"):
        db.execute(f"COPY t FROM '{tmp_path / 'empty'}' CSV")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(columnar.DataError, match="cannot read file .*bad.parquet"):
        db.execute(f"COPY t FROM '{bad}' FORMAT AS PARQUET")
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("1\n\xe9t\xe9\n".encode("latin-1"))
    db.execute("CREATE TABLE s (a VARCHAR(10))")
    with pytest.raises(columnar.DataError, match="latin1.csv"):
        db.execute(f"COPY s FROM '{latin}' CSV")
    locked = tmp_path / "locked.csv"
    locked.write_text("1\n")
    locked.chmod(0)
    try:
        if not os.access(locked, os.R_OK):  # root reads anything
            with pytest.raises(columnar.Error, match="locked.csv"):
                db.execute(f"COPY t FROM '{locked}' CSV")
    finally:
        locked.chmod(0o644)
    assert count(db) == 0 and count(db, "s") == 0
    assert db.sql("SELECT COUNT(*) FROM stl_load_errors").fetchall() == [(0,)]


def test_omitted_not_null_column_fails_the_statement(db, tmp_path):
    db.execute("CREATE TABLE t (a INT, b INT NOT NULL)")
    p = write(tmp_path / "t.csv", "1\n2\n")
    with pytest.raises(columnar.IntegrityError, match='"b"'):
        db.execute(f"COPY t (a) FROM '{p}' CSV")
    assert count(db) == 0


def test_every_error_is_a_pep249_error(db, tmp_path):
    db.execute("CREATE TABLE t (a SMALLINT NOT NULL, b DATE, c CHAR(1))")
    cases = ["99999,2024-01-01,a", "1,yesterday,a", "1,2024-01-01,ab", ",2024-01-01,a", "1,2", "1,2,3,4",
             "1e3,2024-01-01,a", "\x00,,"]
    for i, line in enumerate(cases):
        p = write(tmp_path / f"c{i}.csv", line + "\n")
        with pytest.raises(columnar.DatabaseError) as info:
            db.execute(f"COPY t FROM '{p}' CSV")
        assert str(info.value).startswith(FAILED), line
    assert count(db) == 0
    assert len(load_errors(db)) == len(cases)


# --------------------------------------------------------------------------- big files: columns converted on threads


@pytest.mark.parametrize("parallel_rows", [100_000, 10**12])  # on threads / one after another
def test_big_parquet_bad_rows_same_on_threads(tmp_path, monkeypatch, parallel_rows):
    """A file over PARALLEL_CONVERT_ROWS converts its columns on several threads; the
    bad rows found, their order in STL_LOAD_ERRORS and the first error reported
    are those of the one-column-at-a-time conversion."""
    from columnar.storage import loader

    monkeypatch.setattr(loader, "PARALLEL_CONVERT_ROWS", parallel_rows)
    n = 150_000
    ids = pa.array(range(n), pa.int64())
    small = [70_000 if i in (1_000, 90_000) else i % 1000 for i in range(n)]  # two SMALLINT overflows
    names = ["x" * (12 if i in (5, 90_000) else 3) for i in range(n)]  # two values too long
    p = str(tmp_path / "big.parquet")
    pq.write_table(pa.table({"id": ids, "s": pa.array(small, pa.int64()), "name": names}), p, row_group_size=40_000)
    db = columnar.connect(nodes=2, slices_per_node=2)
    db.execute("CREATE TABLE t (id BIGINT, s SMALLINT, name VARCHAR(8))")
    with pytest.raises(columnar.DataError) as info:
        db.execute(f"COPY t FROM '{p}' FORMAT AS PARQUET")
    assert "column name" in str(info.value)  # row 6 (name) comes before row 1001 (s)
    assert count(db) == 0
    db.execute(f"COPY t FROM '{p}' FORMAT AS PARQUET MAXERROR 10")
    assert count(db) == n - 3
    assert load_errors(db, "line_number, trim(colname)")[-3:] == [(6, "name"), (1001, "s"), (90001, "s")]
    db.close()
