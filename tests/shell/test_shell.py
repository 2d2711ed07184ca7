"""The ``columnar`` SQL shell (issue #7), the way a psql user drives it.

Most tests call ``columnar.shell.main(argv)`` in-process with a fake standard
input (a ``StringIO``: piped, not a terminal) and read what it printed with
``capsys``; the interactive prompt is driven through a fake ``input``. A few
tests start the real program (``python -m columnar``) to check the exit
status, stdin handling and a database folder surviving between two runs.
"""

from __future__ import annotations

import builtins
import io
import re
import subprocess
import sys

import pytest

import columnar
from columnar.shell import main
from columnar.shell.grid import Grid, aligned, expanded
from columnar.shell.runner import Quit, Shell
from columnar.shell.sources import TerminalSource
from columnar.shell.splitter import MetaCommand, Statement, StatementSplitter


@pytest.fixture
def shell(capsys, monkeypatch, tmp_path):
    """``shell(*argv, stdin="...") -> (status, stdout, stderr)``, in-process."""
    monkeypatch.setenv("COLUMNAR_HISTORY", str(tmp_path / "history"))

    def run(*argv: str, stdin: str = ""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def _subprocess(*argv: str, stdin: str = "", cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "columnar", *argv], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=cwd)


SETUP = """
CREATE TABLE t (a INT ENCODE az64, b VARCHAR(10), c DECIMAL(10,2))
  DISTSTYLE KEY DISTKEY(a) COMPOUND SORTKEY(a, b);
INSERT INTO t VALUES (1, 'x;y', 1.50), (2, NULL, NULL), (30, 'it''s', 3);
"""


# ----------------------------------------------------------------------------- splitting statements


def test_splitter_ignores_semicolons_in_quotes_and_comments():
    s = StatementSplitter()
    pieces = []
    for n, line in enumerate([
        "SELECT 'a;''b' AS \"x;y\"; SELECT 2; -- not ; a statement",
        "/* a ; comment",
        " still ; comment */ SELECT 3",
        "  , 4;",
    ], 1):
        pieces += s.feed(line, n)
    assert pieces == [Statement("SELECT 'a;''b' AS \"x;y\"", 1), Statement("SELECT 2", 1),
                      Statement("SELECT 3\n  , 4", 3)]
    assert not s.pending


def test_splitter_backslash_commands_and_the_last_statement():
    s = StatementSplitter()
    assert s.feed("SELECT 1; \\x on", 1) == [Statement("SELECT 1", 1), MetaCommand("\\x on", 1)]
    assert s.feed("SELECT '\\x'", 2) == []  # a backslash inside quotes is text
    assert s.pending and s.state == "normal"
    assert s.finish() == [Statement("SELECT '\\x'", 2)]
    assert s.feed(";;  -- nothing\n", 3) == [] and s.finish() == []


def test_splitter_state_drives_the_continuation_prompt():
    s = StatementSplitter()
    assert TerminalSource.prompt(s) == "columnar=> "
    s.feed("SELECT 1", 1)
    assert TerminalSource.prompt(s) == "columnar-> "
    s.feed(", 'abc", 2)
    assert TerminalSource.prompt(s) == "columnar'> "
    s.reset()
    s.feed("/* open", 1)
    assert TerminalSource.prompt(s) == "columnar*> "


# ----------------------------------------------------------------------------- output formats


def test_aligned_and_expanded_grids_look_like_psql():
    g = Grid(["n", "name"], [["1", "one"], ["10", ""]], right=[True, False])
    assert aligned(g).splitlines() == [" n  | name", "----+------", "  1 | one", " 10 |", "(2 rows)"]
    assert expanded(g).splitlines() == ["-[ RECORD 1 ]", "n    | 1", "name | one",
                                        "-[ RECORD 2 ]", "n    | 10", "name |"]


def test_piped_script_prints_tags_and_tables(shell):
    status, out, err = shell(stdin=SETUP + """
/* a comment; with a semicolon */ SELECT a, b, c
  FROM t   -- another ; comment
  WHERE b <> ';' OR b IS NULL
  ORDER BY a; SELECT 'one;' AS "semi;colon"
""")
    assert (status, err) == (0, "")
    assert out == (
        "CREATE TABLE\n"
        "INSERT 0 3\n"
        " a  |  b   |  c\n"
        "----+------+------\n"
        "  1 | x;y  | 1.50\n"
        "  2 |      |\n"  # NULL is an empty cell
        " 30 | it's | 3.00\n"
        "(3 rows)\n"
        "\n"
        " semi;colon\n"
        "------------\n"
        " one;\n"
        "(1 row)\n"
        "\n"
    )


def test_expanded_display_and_timing(shell):
    status, out, err = shell("-c", SETUP, "-c", "\\x", "-c", "SELECT a, b FROM t WHERE a < 3 ORDER BY a",
                             "-c", "\\x off\n\\timing\nSELECT 1 AS one")
    assert (status, err) == (0, "")
    assert "Expanded display is on.\n-[ RECORD 1 ]\na | 1\nb | x;y\n-[ RECORD 2 ]\na | 2\nb |\n" in out
    assert "Expanded display is off.\nTiming is on.\n one\n-----\n   1\n(1 row)\n\n" in out
    assert re.search(r"^Time: \d+\.\d{3} ms$", out, re.M)


# ----------------------------------------------------------------------------- -c, -f, \i


def test_commands_and_files_run_in_order(shell, tmp_path):
    script = tmp_path / "load.sql"
    script.write_text("INSERT INTO t VALUES (5, 'five', 5);\nSELECT COUNT(*) AS n FROM t")  # no final ;
    status, out, err = shell("-c", SETUP, "-f", str(script), "-c", "SELECT MAX(a) AS mx FROM t")
    assert (status, err) == (0, "")
    assert out.index("INSERT 0 3") < out.index("INSERT 0 1") < out.index(" n\n---\n 4\n") < out.index(" mx\n")


def test_missing_file_is_a_message_and_status_1(shell):
    status, out, err = shell("-f", "/no/such/file.sql")
    assert status == 1
    assert "columnar: error: /no/such/file.sql: No such file or directory" in err


def test_include_runs_a_file_and_reports_its_errors_with_file_and_line(shell, tmp_path):
    (tmp_path / "inner.sql").write_text("SELECT 7 AS seven;\n\nSELEC 8;\n")
    (tmp_path / "outer.sql").write_text("\\ir inner.sql\nSELECT 9 AS nine;\n")
    status, out, err = shell(stdin=f"\\i {tmp_path / 'outer.sql'}\n\\i {tmp_path / 'missing.sql'}\n")
    assert status == 1
    assert " seven\n-------\n     7\n" in out and " nine\n" in out
    assert f"columnar:{tmp_path / 'inner.sql'}:3: ERROR:  syntax error" in err
    assert "missing.sql: No such file or directory" in err


# ----------------------------------------------------------------------------- \dt, \d, \metrics


def test_list_tables_shows_diststyle_and_rows(shell):
    status, out, err = shell(stdin="\\dt\n" + SETUP + "CREATE TABLE e (z INT) DISTSTYLE EVEN;\n\\dt\n\\dt t*")
    assert status == 0
    assert err == "Did not find any relations.\n"  # the first \dt: not an error
    assert ("            List of relations\n"
            " Schema | Name | Type  | Diststyle | Rows\n"
            "--------+------+-------+-----------+------\n"
            " public | e    | table | EVEN      |    0\n"
            " public | t    | table | KEY(a)    |    3\n"
            "(2 rows)\n") in out
    assert out.rstrip().endswith(" public | t    | table | KEY(a)    |    3\n(1 row)")


def test_list_tables_includes_external_tables(shell, tmp_path):
    (tmp_path / "lake").mkdir()
    (tmp_path / "lake" / "part.csv").write_text("1,a\n2,b\n")
    status, out, err = shell(stdin=f"""
CREATE EXTERNAL SCHEMA lake FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default;
CREATE EXTERNAL TABLE lake.x (a INT, b VARCHAR(5)) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
  STORED AS TEXTFILE LOCATION '{tmp_path / "lake"}/';
\\dt
\\d lake.x
""")
    assert (status, err) == (0, "")
    assert " lake   | x    | external table |           |\n" in out
    assert 'External table "lake.x"' in out and " b      | varchar(5) |\n" in out


def test_describe_table_shows_types_encoding_distkey_sortkey(shell):
    status, out, err = shell(stdin=SETUP + "\\d t\n\\d public.T\n")
    assert (status, err) == (0, "")
    table = (
        "                            Table \"public.t\"\n"
        " Column |         Type          | Encoding | Distkey | Sortkey | Notnull\n"
        "--------+-----------------------+----------+---------+---------+---------\n"
        " a      | integer               | az64     | t       |       1 | f\n"
        " b      | character varying(10) | none     | f       |       2 | f\n"
        " c      | numeric(10,2)         | az64     | f       |       0 | f\n"  # Redshift's default ENCODE

        "Diststyle: KEY(a)\n"
        "Sortkey: COMPOUND(a, b)\n"
    )
    assert out.count(table) == 2


def test_describe_unknown_relation_is_an_error(shell):
    status, out, err = shell("-c", "\\d nosuch")
    assert status == 1 and out == ""
    assert err == 'ERROR:  Did not find any relation named "nosuch".\n'


def test_metrics_shows_the_last_statements_non_zero_counters(shell):
    status, out, err = shell(stdin="""\\metrics
CREATE TABLE l (a INT, b INT) DISTSTYLE KEY DISTKEY(a);
CREATE TABLE r (a INT, b INT) DISTSTYLE KEY DISTKEY(b);
INSERT INTO l VALUES (1, 2), (2, 3), (3, 4);
INSERT INTO r VALUES (1, 2), (2, 3), (3, 4);
SELECT COUNT(*) FROM l JOIN r ON l.a = r.a;
\\metrics
""")
    assert status == 0
    assert err == "No metrics: no statement has run yet.\n"
    report = out[out.index("Counter"):]
    assert re.search(r"^ rows_returned +\| +1$", report, re.M)
    assert re.search(r"^ rows_redistributed +\| +3$", report, re.M)  # r moves to l's DISTKEY
    assert re.search(r"^ rows_moved +\| +3$", report, re.M)
    assert re.search(r"^ execute time +\| +\d+\.\d{3} ms$", report, re.M)
    assert "rows_broadcast" not in report and "blocks_skipped" not in report  # zeros are left out


# ----------------------------------------------------------------------------- errors and exit status


def test_errors_go_to_stderr_with_a_caret_and_the_script_goes_on(shell):
    status, out, err = shell("-c", "SELECT 1 AS a;\nSELECT FROM;\nSELECT 2 AS b")
    assert status == 1
    assert " a\n---\n 1\n" in out and " b\n---\n 2\n" in out
    lines = err.splitlines()
    assert lines[0].startswith("ERROR:  syntax error at line 1, column 8: ")
    assert lines[1:] == ["  SELECT FROM", "         ^"]


def test_piped_errors_name_the_line(shell):
    status, out, err = shell(stdin="SELECT 1;\n\nSELECT *\nFROM nosuch;\n\\nosuchcommand\nSELECT 2;\n")
    assert status == 1
    assert err.startswith('columnar:<stdin>:3: ERROR:  relation "nosuch" does not exist')
    assert "columnar:<stdin>:5: ERROR:  invalid command \\nosuchcommand\nTry \\? for help.\n" in err
    assert out.count("(1 row)") == 2


def test_on_error_stop_stops_with_status_3(shell):
    status, out, err = shell("-v", "ON_ERROR_STOP=1", stdin="SELECT 1 AS a;\nSELECT 1/0;\nSELECT 2 AS b;\n")
    assert status == 3
    assert " a\n" in out and " b\n" not in out
    assert err.count("ERROR:") == 1
    status, out, err = shell(stdin="\\set ON_ERROR_STOP on\n\\bad\nSELECT 2 AS b;\n")
    assert status == 3 and out == ""
    assert shell("-v", "ON_ERROR_STOP=maybe")[0] == 1


def test_unexpected_exceptions_are_reported_without_a_traceback(shell, monkeypatch):
    def boom(self, query, params=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(columnar.Connection, "sql", boom)
    status, out, err = shell("-c", "SELECT 1", "-c", "\\echo still here")
    assert status == 1
    assert err == "ERROR:  internal error: RuntimeError: boom\n"
    assert out == "still here\n" and "Traceback" not in err


def test_usage(shell):
    status, out, err = shell("--help")
    assert status == 0 and "columnar [OPTION]... [DBFOLDER]" in out and "ON_ERROR_STOP" in out
    status, out, err = shell("--no-such-option")
    assert status == 1 and "Try \"columnar --help\"" in err
    status, out, err = shell("--read-only")
    assert status == 1 and "--read-only needs a database folder" in err


# ----------------------------------------------------------------------------- interactive


def _fake_input(monkeypatch, lines):
    """``input()`` answering from ``lines``; an exception in the list is raised (Ctrl-C, Ctrl-D)."""
    prompts = []
    feed = iter(lines)

    def fake(prompt=""):
        prompts.append(prompt)
        item = next(feed, EOFError())
        if isinstance(item, BaseException):
            raise item
        return item

    monkeypatch.setattr(builtins, "input", fake)
    return prompts


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_interactive_session(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNAR_HISTORY", str(tmp_path / "history"))
    monkeypatch.setattr(sys, "stdin", _Terminal())
    prompts = _fake_input(monkeypatch, [
        "SELECT 1", "  AS one;",
        "SELECT 'forgotten", KeyboardInterrupt(),  # Ctrl-C drops the statement being typed
        "\\set ON_ERROR_STOP on", "SELEC 2;",  # errors never end an interactive session
        "SELECT 3 AS three;", "\\nope", "SELECT 4 AS four",  # left without ';' at Ctrl-D: dropped
    ])
    status = main([])
    out, err = capsys.readouterr()
    assert status == 0
    assert prompts == ["columnar=> ", "columnar-> ", "columnar=> ", "columnar'> ", "columnar=> ",
                       "columnar=> ", "columnar=> ", "columnar=> ", "columnar=> ", "columnar-> "]
    assert out.startswith("columnar ") and 'Type "\\?" for help' in out
    assert " one\n-----\n   1\n" in out and " three\n" in out and "forgotten" not in out and "four" not in out
    assert "ERROR:  syntax error" in err and "invalid command \\nope" in err


def test_ctrl_c_during_a_statement_cancels_it(capsys):
    db = columnar.connect()

    class Interrupted:
        topology, path = db.topology, None

        def sql(self, text):
            if "slow" in text:
                raise KeyboardInterrupt
            return db.sql(text)

    out, err = io.StringIO(), io.StringIO()
    lines = iter(["SELECT 'slow';", "SELECT 1 AS after;", "\\q"])
    terminal = TerminalSource(out, input_fn=lambda prompt: next(lines), use_readline=False)
    shell = Shell(Interrupted(), out, err)
    with pytest.raises(Quit):
        shell.run_source(terminal)
    assert err.getvalue() == "Cancel request sent\nERROR:  canceling statement due to user request\n"
    assert " after\n" in out.getvalue()
    db.close()


# ----------------------------------------------------------------------------- the real program


def test_program_runs_commands_and_sets_the_exit_status():
    done = _subprocess("-c", "SELECT 6 * 7 AS answer")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == " answer\n--------\n     42\n(1 row)\n\n"
    done = _subprocess("-v", "ON_ERROR_STOP=1", stdin="SELECT 1 AS a;\nSELECT * FROM nosuch;\nSELECT 2 AS b;\n")
    assert done.returncode == 3 and " b\n" not in done.stdout
    assert 'ERROR:  relation "nosuch" does not exist' in done.stderr and "Traceback" not in done.stderr


def test_database_folder_persists_and_opens_read_only(tmp_path):
    folder = str(tmp_path / "warehouse")
    first = _subprocess(folder, "--nodes", "3", stdin=SETUP)
    assert (first.returncode, first.stderr) == (0, "")
    second = _subprocess(folder, "--read-only", "-c", "SELECT COUNT(*) AS n FROM t",
                         "-c", "INSERT INTO t VALUES (4, 'four', 4)", "-c", "\\conninfo")
    assert second.returncode == 1
    assert " n\n---\n 3\n" in second.stdout
    assert "ERROR:  cannot run INSERT on a read-only connection" in second.stderr
    assert "(read-only) on a simulated cluster of 3 nodes x 2 slices per node" in second.stdout
