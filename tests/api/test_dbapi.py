"""The public Python API (DESIGN.md): PEP 249, parameters, Result conversions, register, COPY.

These are the parts of the contract an ``.slt`` file cannot express: qmark parameters,
Python value types, exception classes, Arrow/pandas interchange, and COPY from files
written by the test itself.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

import columnar

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture
def db():
    conn = columnar.connect(nodes=2, slices_per_node=2)
    yield conn
    conn.close()


# --------------------------------------------------------------------------- module globals


def test_module_globals():
    assert columnar.apilevel == "2.0"
    assert columnar.threadsafety in (0, 1, 2, 3)
    assert columnar.paramstyle == "qmark"
    assert callable(columnar.connect)


def test_exception_hierarchy():
    e = columnar
    assert issubclass(e.Warning, Exception)
    assert issubclass(e.Error, Exception)
    assert not issubclass(e.Warning, e.Error)
    for cls in (e.InterfaceError, e.DatabaseError):
        assert issubclass(cls, e.Error)
    for cls in (e.DataError, e.OperationalError, e.IntegrityError, e.InternalError,
                e.ProgrammingError, e.NotSupportedError):
        assert issubclass(cls, e.DatabaseError)
    for cls in (e.ParserError, e.CatalogError, e.BinderError):
        assert issubclass(cls, e.ProgrammingError)
    for cls in (e.NumericOverflowError, e.DivisionByZeroError, e.ConversionError):
        assert issubclass(cls, e.DataError)


@pytest.mark.parametrize("sql, cls", [
    ("SELEC 1", columnar.ParserError),
    ("SELECT * FROM no_such_table", columnar.ProgrammingError),
    ("SELECT no_such_column", columnar.ProgrammingError),
    ("SELECT 1 / 0", columnar.DivisionByZeroError),
    ("SELECT 2147483647::int + 1", columnar.NumericOverflowError),
    ("SELECT 'abc'::int", columnar.DataError),
])
def test_errors_have_the_documented_classes(db, sql, cls):
    with pytest.raises(cls):
        db.sql(sql).fetchall()


def test_not_null_violation_is_an_integrity_error(db):
    db.execute("CREATE TABLE nn (a INT NOT NULL)")
    with pytest.raises(columnar.IntegrityError):
        db.execute("INSERT INTO nn VALUES (NULL)")


def test_syntax_error_names_line_and_column_with_a_caret(db):
    with pytest.raises(columnar.ParserError) as info:
        db.sql("SELECT a\nFROM t\nWHERE a = = 1")
    message = str(info.value)
    assert "syntax error at line 3, column 11" in message
    lines = message.splitlines()
    caret = next(line for line in lines if line.strip() == "^")
    source = lines[lines.index(caret) - 1]
    assert source[caret.index("^")] == "="
    assert info.value.line == 3 and info.value.column == 11


# --------------------------------------------------------------------------- cursors


def test_cursor_execute_and_fetch(db):
    cur = db.cursor()
    assert cur.execute("CREATE TABLE t (a INT, b VARCHAR(5))") is cur
    assert cur.description is None
    cur.execute("INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z'), (4, NULL)")
    assert cur.rowcount == 4
    cur.execute("SELECT a, b FROM t ORDER BY a")
    assert [d[0] for d in cur.description] == ["a", "b"]
    assert all(len(d) == 7 for d in cur.description)
    assert cur.rowcount in (-1, 4)
    assert cur.fetchone() == (1, "x")
    assert cur.fetchmany(2) == [(2, "y"), (3, "z")]
    assert cur.fetchall() == [(4, None)]
    assert cur.fetchone() is None
    assert cur.fetchall() == []


def test_cursor_iterates_and_fetchmany_uses_arraysize(db):
    db.execute("CREATE TABLE n (v INT)")
    db.execute("INSERT INTO n VALUES (1), (2), (3)")
    cur = db.execute("SELECT v FROM n ORDER BY v")
    cur.arraysize = 2
    assert cur.fetchmany() == [(1,), (2,)]
    assert list(db.execute("SELECT v FROM n ORDER BY v")) == [(1,), (2,), (3,)]


def test_fetch_before_execute_is_a_programming_error(db):
    with pytest.raises(columnar.ProgrammingError):
        db.cursor().fetchall()


def test_executemany(db):
    db.execute("CREATE TABLE m (a INT, b VARCHAR(10))")
    cur = db.executemany("INSERT INTO m VALUES (?, ?)", [(1, "one"), (2, "two"), (3, None)])
    assert cur.rowcount == 3
    assert db.sql("SELECT a, b FROM m ORDER BY a").fetchall() == [(1, "one"), (2, "two"), (3, None)]


def test_connection_execute_returns_a_cursor(db):
    cur = db.execute("SELECT 1 AS one")
    assert cur.fetchall() == [(1,)]
    assert cur.description[0][0] == "one"


def test_commit_is_accepted(db):
    db.execute("CREATE TABLE c (a INT)")
    db.commit()
    assert db.sql("SELECT COUNT(*) FROM c").fetchall() == [(0,)]


# --------------------------------------------------------------------------- parameters


def test_qmark_parameters_round_trip_python_values(db):
    db.execute("CREATE TABLE p (i INT, s VARCHAR(40), d DATE, ts TIMESTAMP, n DECIMAL(10,2), "
               "f DOUBLE PRECISION, b BOOLEAN)")
    row = (7, "it's a 'quoted' ?", datetime.date(2024, 2, 29),
           datetime.datetime(2024, 2, 29, 13, 45, 1), Decimal("12.50"), 0.25, True)
    db.execute("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?)", row)
    db.execute("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?)", [None] * 7)
    got = db.sql("SELECT * FROM p WHERE i IS NOT NULL").fetchall()
    assert got == [row]
    assert [type(v) for v in got[0]] == [int, str, datetime.date, datetime.datetime, Decimal, float, bool]
    assert db.sql("SELECT COUNT(*) FROM p WHERE i IS NULL AND s IS NULL AND d IS NULL").fetchall() == [(1,)]


def test_parameters_in_where_and_select(db):
    db.execute("CREATE TABLE w (a INT, s VARCHAR(10))")
    db.execute("INSERT INTO w VALUES (1, 'x'), (2, 'y'), (3, 'x')")
    assert db.sql("SELECT COUNT(*) FROM w WHERE s = ? AND a > ?", ("x", 1)).fetchall() == [(1,)]
    assert db.sql("SELECT ? + 1, ?", [41, "hi"]).fetchall() == [(42, "hi")]
    assert db.sql("SELECT a FROM w WHERE a = ?", (2,)).fetchall() == [(2,)]


def test_question_mark_inside_a_string_literal_is_not_a_parameter(db):
    assert db.sql("SELECT '?', ?", (5,)).fetchall() == [("?", 5)]


def test_parameters_are_values_never_sql(db):
    db.execute("CREATE TABLE inj (s VARCHAR(60))")
    evil = "x'); DROP TABLE inj; --"
    db.execute("INSERT INTO inj VALUES (?)", (evil,))
    assert db.sql("SELECT s FROM inj").fetchall() == [(evil,)]


@pytest.mark.parametrize("params", [(), (1, 2, 3)])
def test_wrong_parameter_count_is_a_programming_error(db, params):
    with pytest.raises(columnar.ProgrammingError):
        db.sql("SELECT ? + ?", params).fetchall()


# --------------------------------------------------------------------------- lifecycle


def test_closed_connection_raises_interface_error():
    conn = columnar.connect()
    cur = conn.cursor()
    conn.close()
    with pytest.raises(columnar.InterfaceError):
        conn.sql("SELECT 1")
    with pytest.raises(columnar.InterfaceError):
        conn.execute("SELECT 1")
    with pytest.raises(columnar.InterfaceError):
        conn.cursor()
    with pytest.raises(columnar.InterfaceError):
        cur.execute("SELECT 1")


def test_closed_cursor_raises_interface_error(db):
    cur = db.cursor()
    cur.close()
    with pytest.raises(columnar.InterfaceError):
        cur.execute("SELECT 1")


def test_context_manager_closes():
    with columnar.connect() as conn:
        assert conn.sql("SELECT 1").fetchall() == [(1,)]
    with pytest.raises(columnar.InterfaceError):
        conn.sql("SELECT 1")


def test_cluster_shape_is_configurable():
    with columnar.connect(nodes=3, slices_per_node=2) as conn:
        conn.execute("CREATE TABLE t (a INT) DISTSTYLE EVEN")
        conn.execute("INSERT INTO t VALUES (1), (2), (3), (4), (5), (6), (7)")
        assert conn.sql("SELECT COUNT(*), SUM(a) FROM t").fetchall() == [(7, 28)]


def test_default_connection():
    assert columnar.sql("SELECT 42").fetchall() == [(42,)]
    columnar.sql("CREATE TABLE api_default_conn_t (a INT)")
    try:
        columnar.sql("INSERT INTO api_default_conn_t VALUES (1), (2)")
        assert columnar.sql("SELECT SUM(a) FROM api_default_conn_t").fetchall() == [(3,)]
    finally:
        columnar.sql("DROP TABLE api_default_conn_t")


# --------------------------------------------------------------------------- results


def test_result_columns_types_and_metrics(db):
    db.execute("CREATE TABLE r (a INT, b DECIMAL(10,2), s VARCHAR(5), d DATE)")
    db.execute("INSERT INTO r VALUES (1, 1.50, 'x', '2024-01-01')")
    result = db.sql("SELECT a, b, s, d, a * 2 AS twice FROM r")
    assert result.columns == ["a", "b", "s", "d", "twice"]
    t = result.types
    assert t[0].is_integer and t[1].is_decimal and t[2].is_string and t[4].is_integer
    assert (t[1].precision, t[1].scale) == (10, 2)
    m = result.metrics
    assert dataclasses.is_dataclass(m)
    for name in ("rows_redistributed", "rows_broadcast", "rows_to_leader"):
        assert isinstance(getattr(m, name), int) and getattr(m, name) >= 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.rows_to_leader = 99


def test_result_arrow_df_and_arrow_c_stream(db):
    db.execute("CREATE TABLE x (a INT, b DECIMAL(10,2), s VARCHAR(5), d DATE, f DOUBLE PRECISION)")
    db.execute("INSERT INTO x VALUES (1, 1.50, 'x', '2024-01-01', 0.5), (2, NULL, NULL, NULL, NULL)")
    sql = "SELECT a, b, s, d, f FROM x ORDER BY a"
    table = db.sql(sql).arrow()
    assert isinstance(table, pa.Table)
    assert table.column_names == ["a", "b", "s", "d", "f"]
    assert pa.types.is_integer(table.schema.field("a").type)
    assert pa.types.is_decimal(table.schema.field("b").type)
    assert table.schema.field("b").type.scale == 2
    assert pa.types.is_date(table.schema.field("d").type)
    assert table.to_pylist() == [
        {"a": 1, "b": Decimal("1.50"), "s": "x", "d": datetime.date(2024, 1, 1), "f": 0.5},
        {"a": 2, "b": None, "s": None, "d": None, "f": None},
    ]
    pd = pytest.importorskip("pandas")
    df = db.sql(sql).df()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["a", "b", "s", "d", "f"] and len(df) == 2
    via_stream = pa.table(db.sql(sql))  # __arrow_c_stream__
    assert via_stream.to_pylist() == table.to_pylist()


def test_design_done_when_example(db):
    db.execute("CREATE TABLE t (a INT, b DECIMAL(10,2)) DISTSTYLE KEY DISTKEY(a)")
    db.execute("INSERT INTO t VALUES (1, 1.25), (2, 2.50), (1, 0.75), (3, NULL)")
    table = db.sql("SELECT a, SUM(b) AS total FROM t GROUP BY a ORDER BY a").arrow()
    assert isinstance(table, pa.Table)
    assert table.to_pylist() == [
        {"a": 1, "total": Decimal("2.00")},
        {"a": 2, "total": Decimal("2.50")},
        {"a": 3, "total": None},
    ]
    assert table.schema.field("total").type.scale == 2


# --------------------------------------------------------------------------- register


def test_register_arrow_table(db):
    data = pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "name": pa.array(["a", None, "c"]),
        "price": pa.array([Decimal("1.10"), Decimal("2.20"), None], pa.decimal128(10, 2)),
        "day": pa.array([datetime.date(2024, 1, 1), None, datetime.date(2024, 1, 3)], pa.date32()),
        "ok": pa.array([True, False, None]),
        "x": pa.array([0.5, None, 1.5], pa.float64()),
    })
    db.register("items", data)
    assert db.sql("SELECT * FROM items ORDER BY id").fetchall() == [
        (1, "a", Decimal("1.10"), datetime.date(2024, 1, 1), True, 0.5),
        (2, None, Decimal("2.20"), None, False, None),
        (3, "c", None, datetime.date(2024, 1, 3), None, 1.5),
    ]
    assert db.sql("SELECT SUM(price), COUNT(name) FROM items").fetchall() == [(Decimal("3.30"), 2)]


def test_register_pandas_and_join_with_sql_table(db):
    pd = pytest.importorskip("pandas")
    db.register("people", pd.DataFrame({"pid": [1, 2, 3], "city": ["Oslo", "Lima", "Oslo"]}))
    db.execute("CREATE TABLE visits (pid INT, n INT)")
    db.execute("INSERT INTO visits VALUES (1, 10), (3, 5), (3, 1), (4, 7)")
    got = db.sql("SELECT p.city, SUM(v.n) FROM people p JOIN visits v ON p.pid = v.pid "
                 "GROUP BY p.city").fetchall()
    assert got == [("Oslo", 16)]


def test_register_anything_with_arrow_c_stream(db):
    class Wrapper:  # not a pyarrow object: only the PyCapsule interface
        def __init__(self, table):
            self._t = table

        def __arrow_c_stream__(self, requested_schema=None):
            return self._t.__arrow_c_stream__(requested_schema)

    db.register("wrapped", Wrapper(pa.table({"v": [1, 2, 3]})))
    assert db.sql("SELECT SUM(v) FROM wrapped").fetchall() == [(6,)]


# --------------------------------------------------------------------------- COPY


def _people_table():
    return pa.table({
        "id": pa.array([1, 2, 3], pa.int32()),
        "name": pa.array(["ann", "bob", None]),
        "amount": pa.array([Decimal("1.50"), Decimal("20.00"), Decimal("-3.25")], pa.decimal128(10, 2)),
        "day": pa.array([datetime.date(2024, 1, 1), datetime.date(2024, 2, 29), None], pa.date32()),
    })


PEOPLE_DDL = "CREATE TABLE people (id INT, name VARCHAR(10), amount DECIMAL(10,2), day DATE)"
PEOPLE_ROWS = [(1, "ann", Decimal("1.50"), datetime.date(2024, 1, 1)),
               (2, "bob", Decimal("20.00"), datetime.date(2024, 2, 29)),
               (3, None, Decimal("-3.25"), None)]


def test_copy_parquet_file(db, tmp_path):
    path = tmp_path / "people.parquet"
    pq.write_table(_people_table(), path)
    db.execute(PEOPLE_DDL + " DISTSTYLE KEY DISTKEY (id)")
    db.execute(f"COPY people FROM '{path}' FORMAT AS PARQUET")
    assert db.sql("SELECT * FROM people ORDER BY id").fetchall() == PEOPLE_ROWS


def test_copy_parquet_folder(db, tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    table = _people_table()
    pq.write_table(table.slice(0, 2), folder / "part-0.parquet")
    pq.write_table(table.slice(2), folder / "part-1.parquet")
    db.execute(PEOPLE_DDL)
    db.execute(f"COPY people FROM '{folder}/' FORMAT AS PARQUET")
    assert db.sql("SELECT * FROM people ORDER BY id").fetchall() == PEOPLE_ROWS


def test_copy_appends(db, tmp_path):
    path = tmp_path / "people.parquet"
    pq.write_table(_people_table(), path)
    db.execute(PEOPLE_DDL)
    db.execute(f"COPY people FROM '{path}' FORMAT AS PARQUET")
    db.execute(f"COPY people FROM '{path}' FORMAT AS PARQUET")
    assert db.sql("SELECT COUNT(*), COUNT(DISTINCT id) FROM people").fetchall() == [(6, 3)]


def test_copy_csv_with_header(db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("id,name,amount,day\n1,ann,1.50,2024-01-01\n2,bob,20.00,2024-02-29\n")
    db.execute(PEOPLE_DDL)
    db.execute(f"COPY people FROM '{path}' FORMAT AS CSV IGNOREHEADER 1")
    assert db.sql("SELECT * FROM people ORDER BY id").fetchall() == PEOPLE_ROWS[:2]


def test_copy_csv_with_delimiter(db, tmp_path):
    path = tmp_path / "people.psv"
    path.write_text("# a header line\n1|ann|1.50|2024-01-01\n2|bob|20.00|2024-02-29\n")
    db.execute(PEOPLE_DDL)
    db.execute(f"COPY people FROM '{path}' CSV DELIMITER '|' IGNOREHEADER 1")
    assert db.sql("SELECT * FROM people ORDER BY id").fetchall() == PEOPLE_ROWS[:2]


def test_copy_csv_quoted_fields(db, tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('1,"a, b",1.00,2024-01-01\n2,"say ""hi""",2.00,2024-01-02\n')
    db.execute(PEOPLE_DDL)
    db.execute(f"COPY people FROM '{path}' FORMAT AS CSV")
    assert db.sql("SELECT name FROM people ORDER BY id").fetchall() == [("a, b",), ('say "hi"',)]


def test_copy_missing_file_is_an_error(db, tmp_path):
    db.execute(PEOPLE_DDL)
    missing = tmp_path / "nope.parquet"
    with pytest.raises(columnar.Error) as info:
        db.execute(f"COPY people FROM '{missing}' FORMAT AS PARQUET")
    assert "nope.parquet" in str(info.value)
    assert db.sql("SELECT COUNT(*) FROM people").fetchall() == [(0,)]


def test_copy_parquet_column_count_mismatch_is_an_error(db, tmp_path):
    path = tmp_path / "three.parquet"
    pq.write_table(pa.table({"a": [1], "b": [2], "c": [3]}), path)
    db.execute("CREATE TABLE two (a BIGINT, b BIGINT)")
    with pytest.raises(columnar.Error):
        db.execute(f"COPY two FROM '{path}' FORMAT AS PARQUET")
    assert db.sql("SELECT COUNT(*) FROM two").fetchall() == [(0,)]


def test_copy_into_unknown_table_is_an_error(db, tmp_path):
    path = tmp_path / "people.parquet"
    pq.write_table(_people_table(), path)
    with pytest.raises(columnar.ProgrammingError):
        db.execute(f"COPY nobody FROM '{path}' FORMAT AS PARQUET")
