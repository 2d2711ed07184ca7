"""Unit tests of the sqllogictest runner, against a fake connection (no engine needed)."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal
from types import SimpleNamespace

import pytest

from columnar.core import errors
from columnar.core.types import BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, NULL, TIMESTAMP, DataType
from columnar.testing import slt


# --------------------------------------------------------------------------- a fake engine


class FakeResult:
    def __init__(self, rows, types=None, columns=None):
        self.rows = rows
        self.types = types
        self.columns = columns if columns is not None else (
            [f"c{i}" for i in range(len(rows[0]))] if rows else None)

    def fetchall(self):
        return list(self.rows)


class FakeConn:
    """Answers SQL from a dict: value = rows, a FakeResult, or an exception to raise."""

    def __init__(self, answers=None):
        self.answers = answers or {}
        self.executed = []
        self.closed = False

    def _answer(self, sql):
        self.executed.append(sql)
        a = self.answers.get(sql, [])
        if isinstance(a, BaseException):
            raise a
        return a if isinstance(a, FakeResult) else FakeResult(a)

    def sql(self, sql):
        return self._answer(sql)

    def execute(self, sql):
        return self._answer(sql)

    def close(self):
        self.closed = True


def run_text(text, answers=None, **kwargs):
    conn = FakeConn(answers)
    script = slt.parse(textwrap.dedent(text), "t.slt")
    return slt.run(script, lambda: conn, **kwargs), conn


# --------------------------------------------------------------------------- parsing


def test_parse_every_record_kind():
    text = textwrap.dedent("""\
        # name: tests/sql/x.slt
        # description: a demo
        # group: [types, numeric]

        # a comment
        statement ok
        CREATE TABLE t (a INT)

        statement error relation "x" does not exist
        SELECT * FROM x

        query IT rowsort my-label
        SELECT a,
               b
        FROM t
        ----
        1 x
        2 (empty)

        query error division by zero
        SELECT 1 / 0

        query R
        SELECT NULL
        ----
        NULL

        skipif columnar
        onlyif duckdb
        statement ok
        SELECT 1

        statement error
        SELECT 1 +
        ----
        syntax error at line 1,
        column \\d+

        halt

        statement ok
        SELECT 'never parsed into anything special'
        """)
    s = slt.parse(text, "x.slt")
    assert isinstance(s, list)
    assert s.name == "tests/sql/x.slt"
    assert s.description == "a demo"
    assert s.groups == ["types", "numeric"]
    kinds = [(r.kind, r.expect_error) for r in s]
    assert kinds == [("statement", False), ("statement", True), ("query", False),
                     ("query", True), ("query", False), ("statement", False),
                     ("statement", True), ("halt", False), ("statement", False)]
    create, err, q, qerr, qnull, cond, multi, halt, _ = s
    assert create.sql == "CREATE TABLE t (a INT)" and create.line == 6
    assert err.error == 'relation "x" does not exist'
    assert q.types == "IT" and q.sort == "rowsort" and q.label == "my-label"
    assert q.sql == "SELECT a,\n       b\nFROM t"
    assert q.expected == ["1 x", "2 (empty)"]
    assert q.location == "x.slt:12"
    assert qerr.error == "division by zero" and qerr.kind == "query"
    assert qnull.sort == "nosort" and qnull.expected == ["NULL"]
    assert cond.conditions == (("skipif", "columnar"), ("onlyif", "duckdb"))
    assert cond.start == cond.header - 2
    assert multi.error == "syntax error at line 1,\ncolumn \\d+"
    assert halt.kind == "halt"


def test_parse_query_without_results_and_windows_newlines():
    s = slt.parse("query I\r\nSELECT 1 WHERE false\r\n\r\nstatement ok\r\nSELECT 1\r\n")
    assert s[0].expected is None and s[0].sep is None
    assert s[1].sql == "SELECT 1"


def test_parse_group_header_variants():
    assert slt.parse_groups("[a,b]") == ["a", "b"]
    assert slt.parse_groups("a b") == ["a", "b"]
    s = slt.parse("# group: [join]\n# group: [slow]\n")
    assert s.groups == ["join", "slow"] and len(s) == 0


@pytest.mark.parametrize("bad, where", [
    ("query X\nSELECT 1\n", ":1:"),
    ("query I sometimes\nSELECT 1\n", ":1:"),
    ("statement maybe\nSELECT 1\n", ":1:"),
    ("loop i 0 10\nSELECT 1\n", ":1:"),
    ("statement ok\n\n", ":1:"),
    ("\n\nskipif\nstatement ok\nSELECT 1\n", ":3:"),
    ("statement ok\nSELECT 1\n----\n1\n", ":3:"),
    ("statement error boom\nSELECT 1\n----\nboom\n", ":3:"),
])
def test_parse_errors_name_the_line(bad, where):
    with pytest.raises(slt.SltParseError, match=where):
        slt.parse(bad, "bad.slt")


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("value, text", [
    (None, "NULL"),
    ("", "(empty)"),
    ("a b", "a b"),
    (True, "true"),
    (False, "false"),
    (0, "0"),
    (-42, "-42"),
    (2.0, "2"),
    (-0.0, "0"),
    (0.1 + 0.2, "0.3"),
    (1 / 3, "0.333333333333"),
    (2 / 3, "0.666666666667"),
    (123456.789, "123456.789"),
    (1.5e-7, "0.00000015"),
    (1e25, "1e+25"),
    (float("nan"), "NaN"),
    (float("-inf"), "-Infinity"),
    (Decimal("12.50"), "12.50"),
    (Decimal("-0.0100"), "-0.0100"),
    (Decimal("1E+3"), "1000"),
    (Decimal("3"), "3"),
    (datetime.date(2024, 2, 29), "2024-02-29"),
    (datetime.datetime(2024, 2, 29, 13, 5, 0), "2024-02-29 13:05:00"),
    (datetime.datetime(2024, 2, 29, 13, 5, 0, 120000), "2024-02-29 13:05:00.120000"),
])
def test_render_value(value, text):
    assert slt.render_value(value) == text


def test_render_numpy_scalars():
    np = pytest.importorskip("numpy")
    assert slt.render_value(np.int64(7)) == "7"
    assert slt.render_value(np.float64(2.5)) == "2.5"
    assert slt.render_value(np.bool_(True)) == "true"


def test_render_rows_sort_modes():
    rows = [(3, "c"), (1, "z"), (2, None), (1, "a")]
    assert slt.render_rows(rows) == ["3 c", "1 z", "2 NULL", "1 a"]
    assert slt.render_rows(rows, "rowsort") == ["1 a", "1 z", "2 NULL", "3 c"]
    assert slt.render_rows(rows, "valuesort") == ["1", "1", "2", "3", "NULL", "a", "c", "z"]
    assert slt.render_rows([("line1\nline2",)]) == ["line1", "line2"]


def test_type_letters():
    assert [slt.type_letter(t) for t in (INTEGER, BIGINT, DataType.decimal(10, 2), DOUBLE,
                                         DataType.varchar(3), BOOLEAN, DATE, TIMESTAMP)] == \
        list("IIRRTBDD")
    assert slt.letter_matches("I", NULL)  # a bare NULL column fits any letter
    assert slt.letter_matches("?", INTEGER)
    assert not slt.letter_matches("R", INTEGER)
    assert slt.letter_matches("R", object())  # not a DataType: unchecked


# --------------------------------------------------------------------------- matching


def test_matchers():
    assert slt.line_matches("<REGEX>:\\d+ rows", "12 rows")
    assert not slt.line_matches("<REGEX>:\\d+", "12 rows")  # full match
    assert slt.line_matches("<!REGEX>:.*DS_BCAST.*", "XN Hash Join DS_DIST_NONE")
    assert not slt.line_matches("<!REGEX>:.*DS_DIST.*", "XN Hash Join DS_DIST_NONE")
    assert slt.line_matches("<slt:ignore>", "anything at all")
    assert slt.line_matches("a <slt:ignore> c", "a 1.5 c")
    assert not slt.line_matches("a <slt:ignore> c", "a 1.5 d")
    assert slt.line_matches("x  ", "x")  # trailing whitespace is not significant
    assert slt.results_match(["<REGEX>:.*Hash Join.*"], ["XN Hash Join", "  -> XN Seq Scan"])
    assert not slt.results_match(["1"], ["1", "2"])


def test_error_regex_is_searched_case_insensitively():
    assert slt.error_matches("", "anything")
    assert slt.error_matches("division by zero", "DivisionByZeroError: Division by zero")
    assert slt.error_matches("line 2.*\\^", "syntax error at line 2, column 3:\n  x\n  ^")
    assert not slt.error_matches("overflow", "division by zero")


# --------------------------------------------------------------------------- running


def test_run_passes_and_runs_statements_through_execute():
    out, conn = run_text("""\
        statement ok
        CREATE TABLE t (a INT)

        query IT rowsort
        SELECT a, b FROM t
        ----
        1 x
        2 (empty)
        """, {"SELECT a, b FROM t": [(2, ""), (1, "x")]})
    assert out == [] and out.executed == 2
    assert conn.executed == ["CREATE TABLE t (a INT)", "SELECT a, b FROM t"]
    assert conn.closed


def test_rowsort_sorts_expected_too():
    out, _ = run_text("""\
        query I rowsort
        SELECT a FROM t
        ----
        3
        1
        2
        """, {"SELECT a FROM t": [(2,), (3,), (1,)]})
    assert out == []


def test_nosort_order_matters():
    out, _ = run_text("""\
        query I
        SELECT a FROM t ORDER BY a
        ----
        1
        2
        """, {"SELECT a FROM t ORDER BY a": [(2,), (1,)]})
    assert len(out) == 1
    f = out[0]
    assert f.location == "t.slt:1" and "mismatch" in f.message
    assert f.expected == "1\n2" and f.actual == "2\n1"
    assert "SELECT a FROM t ORDER BY a" in str(f) and "-1" in f.diff()


def test_valuesort():
    out, _ = run_text("""\
        query II valuesort
        SELECT a, b FROM t
        ----
        1
        2
        3
        4
        """, {"SELECT a, b FROM t": [(4, 1), (3, 2)]})
    assert out == []


def test_regex_and_ignore_lines():
    out, _ = run_text("""\
        query T
        EXPLAIN SELECT 1
        ----
        <REGEX>:.*DS_DIST_NONE.*

        query IRT
        SELECT 1, random(), 'x'
        ----
        1 <slt:ignore> x
        """, {"EXPLAIN SELECT 1": [("XN Hash Join DS_DIST_NONE",), ("  -> XN Seq Scan",)],
              "SELECT 1, random(), 'x'": [(1, 0.123, "x")]})
    assert out == []


def test_statement_error_matches_regex():
    answers = {"SELECT 1/0": errors.DivisionByZeroError("division by zero"),
               "SELECT x": errors.CatalogError('column "x" does not exist')}
    out, _ = run_text("""\
        statement error division by zero
        SELECT 1/0

        query error column "x" does not exist
        SELECT x

        statement error overflow
        SELECT 1/0
        """, answers)
    assert len(out) == 1
    assert out[0].line == 7 and "does not match" in out[0].message
    assert out[0].actual == "division by zero"


def test_expected_error_but_success():
    out, _ = run_text("statement error\nSELECT 1\n")
    assert len(out) == 1 and "succeeded" in out[0].message


def test_unexpected_error_is_reported_and_run_continues():
    out, conn = run_text("""\
        statement ok
        CREATE TABLE t (a INT)

        query I
        SELECT 1
        ----
        1
        """, {"CREATE TABLE t (a INT)": errors.ParserError("boom", "CREATE TABLE t (a INT)", 1, 3),
              "SELECT 1": [(1,)]})
    assert len(out) == 1
    assert out[0].line == 1 and "unexpected error: ParserError" in out[0].message
    assert "syntax error at line 1, column 3" in out[0].actual
    assert conn.executed[-1] == "SELECT 1"


def test_python_crash_is_never_a_sql_error():
    out, _ = run_text("statement error\nSELECT 1\n", {"SELECT 1": TypeError("oops")})
    assert len(out) == 1 and "internal error" in out[0].message
    assert "TypeError: oops" in out[0].actual


def test_custom_error_types():
    out, _ = run_text("statement error oops\nSELECT 1\n", {"SELECT 1": TypeError("oops")},
                      error_types=(TypeError,))
    assert out == []


def test_skipif_onlyif_and_halt():
    text = """\
        skipif columnar
        statement ok
        SKIPPED 1

        onlyif columnar
        statement ok
        RUN 1

        onlyif duckdb
        statement ok
        SKIPPED 2

        onlyif duckdb
        halt

        statement ok
        RUN 2

        halt

        statement ok
        NEVER
        """
    out, conn = run_text(text, flags={"columnar"})
    assert out == [] and conn.executed == ["RUN 1", "RUN 2"]
    assert out.skipped == 2 and out.executed == 2


def test_tmp_substitution():
    seen = {}

    class Conn(FakeConn):
        def execute(self, sql):
            seen["sql"] = sql
            raise errors.ConversionError(f"file {sql.split()[-1]} not found")

    conn = Conn()
    script = slt.parse("statement error {TMP}/x.csv\nCOPY t FROM {TMP}/x.csv\n")
    out = slt.run(script, lambda: conn, tmpdir="/tmp/slt-scratch")
    assert out == []
    assert seen["sql"] == "COPY t FROM /tmp/slt-scratch/x.csv"


def test_own_tmp_dir_is_created_and_removed():
    import os
    seen = {}

    class Conn(FakeConn):
        def execute(self, sql):
            seen["dir"] = sql
            assert os.path.isdir(sql)

    slt.run(slt.parse("statement ok\n{TMP}\n"), lambda: Conn())
    assert seen["dir"] and not os.path.exists(seen["dir"])


def test_column_count_and_types_checked():
    res = FakeResult([(1, 2.5)], types=[INTEGER, DOUBLE], columns=["a", "b"])
    out, _ = run_text("query II\nSELECT a, b\n----\n1 2.5\n", {"SELECT a, b": res})
    assert len(out) == 1 and "column 2: I" in out[0].message
    out, _ = run_text("query I\nSELECT a, b\n----\n1 2.5\n", {"SELECT a, b": res})
    assert len(out) == 1 and "expected 1 columns" in out[0].message
    out, _ = run_text("query IR\nSELECT a, b\n----\n1 2.5\n", {"SELECT a, b": res})
    assert out == []
    out, _ = run_text("query II\nSELECT a, b\n----\n1 2.5\n", {"SELECT a, b": res},
                      check_types=False)
    assert out == []


def test_empty_result_without_separator():
    empty = FakeResult([], types=[INTEGER], columns=["a"])
    out, _ = run_text("query I\nSELECT a FROM t\n\nquery I\nSELECT a FROM t\n----\n",
                      {"SELECT a FROM t": empty})
    assert out == []
    out, _ = run_text("query I\nSELECT 1\n", {"SELECT 1": [(1,)]})
    assert len(out) == 1 and out[0].actual == "1"


# --------------------------------------------------------------------------- complete mode


def test_complete_rewrites_expected_blocks():
    text = textwrap.dedent("""\
        # name: demo

        statement ok
        CREATE TABLE t (a INT)

        query I rowsort
        SELECT a FROM t
        ----
        99

        query IT
        SELECT 1, 'x'

        query T
        SELECT 'kept'
        ----
        <REGEX>:k.*

        query I
        SELECT bad
        ----
        1

        query R
        SELECT 2.5, 'wrong letters'
        ----
        2.5 wrong letters
        """)
    answers = {
        "SELECT a FROM t": [(3,), (1,)],
        "SELECT 1, 'x'": [(1, "x")],
        "SELECT 'kept'": [("kept",)],
        "SELECT bad": errors.BinderError('column "bad" does not exist'),
        "SELECT 2.5, 'wrong letters'": FakeResult([(2.5, "wrong letters")],
                                                   types=[DOUBLE, DataType.varchar(20)]),
    }
    conn = FakeConn(answers)
    out = slt.run(slt.parse(text, "demo.slt"), lambda: conn, complete=True)
    assert [f.line for f in out] == [19]  # an error cannot be completed
    assert out.text == textwrap.dedent("""\
        # name: demo

        statement ok
        CREATE TABLE t (a INT)

        query I rowsort
        SELECT a FROM t
        ----
        1
        3

        query IT
        SELECT 1, 'x'
        ----
        1 x

        query T
        SELECT 'kept'
        ----
        <REGEX>:k.*

        query I
        SELECT bad
        ----
        1

        query RT
        SELECT 2.5, 'wrong letters'
        ----
        2.5 wrong letters
        """)
    # the completed text passes
    again = slt.run(slt.parse(out.text), lambda: FakeConn(answers))
    assert [f.line for f in again] == [22]


def test_complete_helper_and_non_script():
    assert slt.complete("query I\nSELECT 1\n", lambda: FakeConn({"SELECT 1": [(7,)]})) == \
        "query I\nSELECT 1\n----\n7\n"
    with pytest.raises(TypeError):
        slt.run(list(slt.parse("statement ok\nSELECT 1\n")), FakeConn, complete=True)


def test_failure_str_shows_location_sql_and_diff():
    f = slt.Failure("a.slt", 7, "SELECT 1\nFROM t", "query result mismatch", "1\n2", "1\n3")
    s = str(f)
    assert s.startswith("a.slt:7: query result mismatch")
    assert "    SELECT 1\n    FROM t" in s
    assert "-2" in s and "+3" in s


def test_works_with_simple_namespace_results():
    conn = SimpleNamespace(sql=lambda q: SimpleNamespace(fetchall=lambda: [(1,)]),
                           execute=lambda q: None)
    assert slt.run(slt.parse("query I\nSELECT 1\n----\n1\n"), lambda: conn) == []
