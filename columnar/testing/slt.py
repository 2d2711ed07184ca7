"""A small sqllogictest runner: the ``.slt`` files under ``tests/sql`` are columnar's spec.

Role: parse sqllogictest files (the sqllogictest-rs / DataFusion dialect, with DuckDB's
``# name:`` header lines), run them against a fresh connection, and report each mismatch
with ``file:line``, the SQL, and the expected and actual output. ``tests/conftest.py``
wraps it as a pytest collector; nothing here imports pytest, so the runner also works from
a plain script or a notebook.

The file format, one record per blank-line separated block::

    # name: tests/sql/types/integers.slt
    # description: integer arithmetic raises on overflow
    # group: [types]

    statement ok
    CREATE TABLE t (a INT)

    statement error out of range
    SELECT 2147483647::int + 1

    query IT rowsort
    SELECT a, 'x' FROM t
    ----
    1 x
    2 x

Records: ``statement ok``, ``statement error <regex>``, ``query <types> [sort] [label]``,
``query error <regex>`` (a synonym of ``statement error``), ``halt``; each may be preceded
by ``skipif <flag>`` / ``onlyif <flag>`` lines. An error regex is matched with
:func:`re.search` (DOTALL, IGNORECASE) against the error message; an empty regex accepts
any error. The error may also be given below a ``----`` line (multi-line regex).

Type letters (one per result column): ``I`` integer, ``R`` float or decimal, ``T`` text,
``B`` boolean, ``D`` date or timestamp, ``?`` any. They are checked against
``Result.types`` when the connection provides them; a column of the NULL type matches
any letter.

Values render as DataFusion does: ``NULL``, ``(empty)`` for the empty string,
``true``/``false``, floats rounded to 12 significant digits (``2.0`` prints ``2``),
DECIMAL exactly with its scale (``12.50``), dates ISO, timestamps
``YYYY-MM-DD HH:MM:SS[.ffffff]``. Columns are joined by one space, one row per line.
Trailing whitespace is ignored when lines are compared (editors strip it); to test
trailing blanks, wrap the value: ``SELECT '[' || s || ']'``.

Expected lines may be matchers: ``<REGEX>:pattern`` (the line must fully match, DOTALL),
``<!REGEX>:pattern`` (must not), and ``<slt:ignore>`` anywhere in a line (matches any
text there). A single regex line checked against a multi-row result is matched against
the whole output joined by newlines (handy for EXPLAIN).

``{TMP}`` in SQL and error regexes is replaced by a scratch directory private to the run.

Simplified versus sqllogictest-rs: no ``hash-threshold``, ``loop``, ``include``,
``control`` or ``statement count`` records; results are never hashed.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import math
import re
import shutil
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

SORT_MODES = ("nosort", "rowsort", "valuesort")
TYPE_LETTERS = frozenset("IRTBD?")
SEPARATOR = "----"
IGNORE = "<slt:ignore>"
REGEX = "<REGEX>:"
NOT_REGEX = "<!REGEX>:"
_DIRECTIVES = ("statement", "query", "halt", "skipif", "onlyif")


class SltParseError(ValueError):
    """A malformed ``.slt`` file; the message starts with ``path:line``."""


# --------------------------------------------------------------------------- records


@dataclass
class Record:
    """One record of a ``.slt`` file.

    ``kind`` is ``"statement"``, ``"query"`` or ``"halt"``. ``start``/``end`` are the
    0-based line span of the record (conditions included, blank line excluded); the
    complete mode rewrites ``lines[sep + 1:end]``.
    """

    kind: str
    line: int  # 1-based line of the statement/query header
    sql: str = ""
    expect_error: bool = False
    error: str = ""  # regex; "" accepts any error
    types: str = ""
    sort: str = "nosort"
    label: str = ""
    expected: list[str] | None = None  # None: the query has no ---- block
    conditions: tuple[tuple[str, str], ...] = ()
    path: str = ""
    start: int = 0
    header: int = 0  # 0-based index of the header line
    sep: int | None = None  # 0-based index of the ---- line
    end: int = 0  # 0-based exclusive end

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def applies(self, flags: Iterable[str]) -> bool:
        """Whether the ``skipif``/``onlyif`` conditions let the record run under ``flags``."""
        flags = set(flags)
        for cond, flag in self.conditions:
            if cond == "skipif" and flag in flags:
                return False
            if cond == "onlyif" and flag not in flags:
                return False
        return True


class Script(list):
    """The records of one file (a ``list[Record]``) plus its header and source text."""

    def __init__(self, records=(), *, path: str = "", text: str = "", name: str = "",
                 description: str = "", groups: Sequence[str] = ()):
        super().__init__(records)
        self.path = path
        self.text = text
        self.name = name
        self.description = description
        self.groups = list(groups)


def parse_groups(value: str) -> list[str]:
    """``"[types, numeric]"`` → ``["types", "numeric"]``.

    Example:
        >>> parse_groups("[ types,  numeric ]")
        ['types', 'numeric']
    """
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [g.strip() for g in re.split(r"[,\s]+", value) if g.strip()]


def parse(text: str, path: str = "") -> Script:
    """Parse the text of a ``.slt`` file into records.

    Example:
        >>> recs = parse("statement ok\\nCREATE TABLE t (a INT)\\n\\nquery I\\nSELECT 1\\n----\\n1\\n")
        >>> [(r.kind, r.sql, r.expected) for r in recs]
        [('statement', 'CREATE TABLE t (a INT)', None), ('query', 'SELECT 1', ['1'])]
    """
    lines = text.splitlines()
    n = len(lines)
    script = Script(path=path, text=text)

    def fail(i: int, msg: str) -> SltParseError:
        return SltParseError(f"{path}:{i + 1}: {msg}")

    def is_blank(i: int) -> bool:
        return not lines[i].strip()

    i = 0
    while i < n:
        stripped = lines[i].strip()
        if not stripped:
            i += 1
            continue
        if stripped.startswith("#"):
            m = re.match(r"#\s*(name|description|group)\s*:(.*)$", stripped)
            if m:
                key, value = m.group(1), m.group(2).strip()
                if key == "name":
                    script.name = value
                elif key == "description":
                    script.description = value
                else:
                    script.groups.extend(parse_groups(value))
            i += 1
            continue

        start = i
        conditions = []
        while stripped.split()[0] in ("skipif", "onlyif"):
            words = stripped.split()
            if len(words) != 2:
                raise fail(i, f"expected '{words[0]} <flag>', got {stripped!r}")
            conditions.append((words[0], words[1]))
            i += 1
            if i >= n or is_blank(i):
                raise fail(i - 1, f"'{words[0]}' must be followed by a record")
            stripped = lines[i].strip()

        words = stripped.split()
        kind = words[0]
        rec = Record(kind=kind, line=i + 1, conditions=tuple(conditions), path=path,
                     start=start, header=i)
        if kind == "halt":
            rec.end = i + 1
            script.append(rec)
            i += 1
            continue
        if kind == "statement":
            if len(words) < 2 or words[1] not in ("ok", "error"):
                raise fail(i, f"expected 'statement ok' or 'statement error <regex>', got {stripped!r}")
            if words[1] == "error":
                rec.expect_error = True
                rec.error = stripped.split(None, 2)[2] if len(words) > 2 else ""
            elif len(words) > 2:
                raise fail(i, f"unexpected text after 'statement ok': {stripped!r}")
        elif kind == "query":
            if len(words) < 2:
                raise fail(i, "expected 'query <types> [nosort|rowsort|valuesort] [label]'")
            if words[1] == "error":
                rec.expect_error = True
                rec.error = stripped.split(None, 2)[2] if len(words) > 2 else ""
            else:
                rec.types = words[1]
                bad = set(rec.types) - TYPE_LETTERS
                if bad:
                    raise fail(i, f"unknown type letters {''.join(sorted(bad))!r} (use I R T B D ?)")
                if len(words) > 2:
                    if words[2] not in SORT_MODES:
                        raise fail(i, f"unknown sort mode {words[2]!r} (use {', '.join(SORT_MODES)})")
                    rec.sort = words[2]
                if len(words) > 3:
                    rec.label = " ".join(words[3:])
        else:
            raise fail(i, f"unknown record type {kind!r}")

        # The SQL runs until a blank line or the ---- separator.
        i += 1
        sql_lines = []
        while i < n and not is_blank(i) and lines[i].rstrip() != SEPARATOR:
            sql_lines.append(lines[i])
            i += 1
        if not sql_lines:
            raise fail(rec.header, f"'{stripped}' has no SQL")
        rec.sql = "\n".join(sql_lines).strip("\n")
        if i < n and lines[i].rstrip() == SEPARATOR:
            rec.sep = i
            i += 1
            block = []
            while i < n and not is_blank(i):
                block.append(lines[i])
                i += 1
            if rec.expect_error:
                if rec.error:
                    raise fail(rec.sep, "give the error regex on the header line or below ----, not both")
                rec.error = "\n".join(block)
            else:
                if rec.kind == "statement":
                    raise fail(rec.sep, "'statement ok' takes no ---- block")
                rec.expected = block
        rec.end = i
        script.append(rec)
    return script


def parse_file(path: str | Path) -> Script:
    """Read and parse one ``.slt`` file."""
    p = Path(path)
    return parse(p.read_text(encoding="utf-8"), str(p))


# --------------------------------------------------------------------------- rendering


def render_float(v: float) -> str:
    """A float rounded to 12 significant digits, without trailing zeros.

    Example:
        >>> [render_float(x) for x in (2.0, 0.1 + 0.2, -1.5, 1e20, 1e-7, float("nan"), -0.0)]
        ['2', '0.3', '-1.5', '100000000000000000000', '0.0000001', 'NaN', '0']
    """
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "0"  # also -0.0
    s = format(v, ".12g")
    if "e" in s:
        exponent = int(s.split("e")[1])
        if -20 <= exponent <= 20:
            s = format(decimal.Decimal(s), "f")
            if "." in s:
                s = s.rstrip("0").rstrip(".")
    return s


def render_value(v: Any) -> str:
    """One result value as text, DataFusion style.

    Example:
        >>> [render_value(x) for x in (None, "", True, 3, decimal.Decimal("12.50"))]
        ['NULL', '(empty)', 'true', '3', '12.50']
        >>> render_value(datetime.datetime(2024, 1, 2, 3, 4, 5))
        '2024-01-02 03:04:05'
    """
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return render_float(v)
    if isinstance(v, decimal.Decimal):
        if not v.is_finite():
            return "NaN" if v.is_nan() else ("Infinity" if v > 0 else "-Infinity")
        return format(v, "f")
    if isinstance(v, datetime.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, str):
        return v if v else "(empty)"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex()
    item = getattr(v, "item", None)  # numpy scalars
    if callable(item):
        return render_value(item())
    return str(v)


def render_rows(rows: Iterable[Sequence[Any]], sort: str = "nosort") -> list[str]:
    """The output lines of a result under a sort mode.

    Example:
        >>> render_rows([(2, "b"), (1, None)], "rowsort")
        ['1 NULL', '2 b']
        >>> render_rows([(2, "b"), (1, None)], "valuesort")
        ['1', '2', 'NULL', 'b']
    """
    rendered = [[render_value(v) for v in row] for row in rows]
    if sort == "valuesort":
        lines = sorted(v for row in rendered for v in row)
    else:
        lines = [" ".join(row) for row in rendered]
        if sort == "rowsort":
            lines.sort()
    # A value with embedded newlines (EXPLAIN text) spreads over several lines.
    return [part for line in lines for part in line.split("\n")]


def type_letter(t: Any) -> str:
    """The slt letter of a ``columnar.core.types.DataType`` (``?`` if unknown)."""
    name = _type_name(t)
    if getattr(t, "is_integer", False):
        return "I"
    if getattr(t, "is_float", False) or getattr(t, "is_decimal", False):
        return "R"
    if getattr(t, "is_string", False):
        return "T"
    if name == "BOOLEAN":
        return "B"
    if name in ("DATE", "TIMESTAMP"):
        return "D"
    return "?"


def _type_name(t: Any) -> str:
    tid = getattr(t, "id", None)
    return str(getattr(tid, "name", tid or "")).upper()


def letter_matches(letter: str, t: Any) -> bool:
    """Whether a result column type fits a type letter (untyped values fit anything)."""
    if letter == "?" or t is None or not hasattr(t, "is_integer"):
        return True
    if _type_name(t) == "NULL":
        return True
    return type_letter(t) == letter


# --------------------------------------------------------------------------- matching


def line_matches(expected: str, actual: str) -> bool:
    """One expected line (literal or matcher) against one actual line.

    Example:
        >>> line_matches("<REGEX>:\\\\d+ rows", "12 rows"), line_matches("a <slt:ignore> c", "a b c")
        (True, True)
    """
    if expected.startswith(REGEX):
        return re.fullmatch(expected[len(REGEX):], actual, re.DOTALL) is not None
    if expected.startswith(NOT_REGEX):
        return re.fullmatch(expected[len(NOT_REGEX):], actual, re.DOTALL) is None
    if IGNORE in expected:
        pattern = ".*".join(re.escape(part) for part in expected.rstrip().split(IGNORE))
        return re.fullmatch(pattern, actual.rstrip(), re.DOTALL) is not None
    return expected.rstrip() == actual.rstrip()


def _is_matcher(line: str) -> bool:
    return line.startswith(REGEX) or line.startswith(NOT_REGEX)


def results_match(expected: list[str], actual: list[str]) -> bool:
    """Expected lines against actual lines (see the module docstring for matchers)."""
    if len(expected) == 1 and _is_matcher(expected[0]) and len(actual) != 1:
        return line_matches(expected[0], "\n".join(actual))
    if len(expected) != len(actual):
        return False
    return all(line_matches(e, a) for e, a in zip(expected, actual))


def _sorted_expected(rec: Record) -> list[str]:
    lines = list(rec.expected or [])
    if rec.sort in ("rowsort", "valuesort") and not any(_is_matcher(x) or IGNORE in x for x in lines):
        lines.sort()
    return lines


def error_matches(regex: str, message: str) -> bool:
    """An error message against a ``statement error`` regex (empty: any error)."""
    if not regex.strip():
        return True
    return re.search(regex.strip(), message, re.DOTALL | re.IGNORECASE) is not None


# --------------------------------------------------------------------------- failures


@dataclass
class Failure:
    """One record that did not behave as the file says."""

    path: str
    line: int
    sql: str
    message: str  # what went wrong, in one line
    expected: str = ""
    actual: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def diff(self) -> str:
        """A unified diff of expected versus actual output."""
        return "\n".join(difflib.unified_diff(
            self.expected.splitlines(), self.actual.splitlines(),
            "expected", "actual", lineterm="", n=3))

    def __str__(self) -> str:
        parts = [f"{self.location}: {self.message}", "", _indent(self.sql), ""]
        if self.expected or self.actual:
            parts += ["expected:", _indent(self.expected or "(nothing)"),
                      "actual:", _indent(self.actual or "(nothing)")]
            d = self.diff()
            if d and "\n" in self.expected + self.actual:
                parts += ["diff:", _indent(d)]
        return "\n".join(parts).rstrip() + "\n"


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines()) if text else prefix


class Outcome(list):
    """The failures of one run (a ``list[Failure]``); in complete mode ``text`` holds the
    rewritten file (``None`` otherwise)."""

    text: str | None = None
    executed: int = 0  # records run
    skipped: int = 0  # records skipped by skipif/onlyif


# --------------------------------------------------------------------------- running


def _default_error_types() -> tuple[type[BaseException], ...]:
    try:
        from columnar.core.errors import Error
    except ImportError:  # the runner also works without columnar
        return (Exception,)
    return (Error,)


def run(records: Sequence[Record], connect: Callable[[], Any], *, complete: bool = False,
        flags: Iterable[str] = frozenset(), tmpdir: str | Path | None = None,
        error_types: tuple[type[BaseException], ...] | None = None,
        check_types: bool = True) -> Outcome:
    """Run records on one fresh connection from ``connect()`` and collect the failures.

    Queries run through ``conn.sql(sql)`` (``.fetchall()``, optional ``.types``),
    statements through ``conn.execute(sql)``. Only exceptions of ``error_types`` (default
    ``columnar.Error``) count as SQL errors; any other exception is a failure of its own
    with its traceback, because a user error must never surface as a Python crash.

    With ``complete=True`` the expected blocks of queries that ran but did not match are
    replaced by the actual output (type letters too, when they were wrong), and the new
    file text is returned in ``Outcome.text`` (``records`` must be a :class:`Script`).
    Failures that completion cannot fix (errors) are still returned.
    """
    if complete and not isinstance(records, Script):
        raise TypeError("complete mode needs a Script from parse(), which keeps the source text")
    flags = frozenset(flags)
    error_types = error_types or _default_error_types()
    outcome = Outcome()
    edits: list[tuple[Record, list[str], str | None]] = []  # (record, new block, new types)
    own_tmp = tmpdir is None
    tmp = Path(tempfile.mkdtemp(prefix="slt-")) if own_tmp else Path(tmpdir)
    tmp.mkdir(parents=True, exist_ok=True)
    conn = connect()
    try:
        for rec in records:
            if rec.kind == "halt":
                if rec.applies(flags):
                    break
                continue
            if not rec.applies(flags):
                outcome.skipped += 1
                continue
            outcome.executed += 1
            sql = rec.sql.replace("{TMP}", str(tmp))
            failure, edit = _run_record(rec, sql, conn, error_types, check_types, tmp, complete)
            if edit is not None:
                edits.append(edit)
            if failure is not None:
                outcome.append(failure)
    finally:
        close = getattr(conn, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # noqa: BLE001 - a failing close must not hide the results
                pass
        if own_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if complete:
        outcome.text = _rewrite(records, edits)
    return outcome


def complete(text: str, connect: Callable[[], Any], path: str = "", **kwargs) -> str:
    """Run a file's text and return it with every query's expected block rewritten."""
    outcome = run(parse(text, path), connect, complete=True, **kwargs)
    return outcome.text


def _execute(conn: Any, sql: str, query: bool):
    if query:
        return conn.sql(sql)
    execute = getattr(conn, "execute", None) or conn.sql
    return execute(sql)


def _fetch(result: Any) -> list:
    rows = result.fetchall()
    return [tuple(r) for r in rows]


def _run_record(rec, sql, conn, error_types, check_types, tmp, completing):
    """Run one record; return (failure or None, completion edit or None)."""
    fail = lambda message, expected="", actual="": Failure(  # noqa: E731
        rec.path, rec.line, rec.sql, message, expected, actual)
    is_query = rec.kind == "query"
    try:
        result = _execute(conn, sql, is_query)
        rows = _fetch(result) if is_query else None
    except error_types as exc:  # a SQL error
        message = str(exc)
        if not rec.expect_error:
            return fail(f"unexpected error: {type(exc).__name__}", "", message), None
        regex = rec.error.replace("{TMP}", re.escape(str(tmp)))
        if not error_matches(regex, message):
            return fail("error message does not match", regex, message), None
        return None, None
    except Exception as exc:  # noqa: BLE001 - a crash is reported, not raised
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return fail(f"internal error (not a SQL error class): {type(exc).__name__}: {exc}",
                    rec.error if rec.expect_error else "", tb), None
    if rec.expect_error:
        return fail("expected an error, but the statement succeeded", rec.error, "(no error)"), None
    if not is_query:
        return None, None

    actual = render_rows(rows, rec.sort)
    expected = _sorted_expected(rec)
    problems = []
    types = getattr(result, "types", None)
    ncols = _column_count(result, rows)
    if ncols is not None and ncols != len(rec.types):
        problems.append(f"expected {len(rec.types)} columns ({rec.types}), got {ncols}")
    elif check_types and types is not None and len(types) == len(rec.types):
        wrong = [f"column {k + 1}: {letter} but got {t!r}"
                 for k, (letter, t) in enumerate(zip(rec.types, types))
                 if not letter_matches(letter, t)]
        if wrong:
            problems.append("column types mismatch: " + "; ".join(wrong))
    matched = results_match(expected, actual)
    if not matched:
        problems.insert(0, "query result mismatch")
    if not problems:
        return None, None
    if completing:  # a query that ran can always be completed
        letters_wrong = len(problems) > (0 if matched else 1)
        new_types = _letters(types, rows, ncols) if letters_wrong else None
        block = list(rec.expected or []) if matched else render_rows(rows, rec.sort)
        return None, (rec, block, new_types)
    return fail("; ".join(problems), "\n".join(expected), "\n".join(actual)), None


def _letters(types: Any, rows: list, ncols: int | None) -> str:
    """Type letters for a result: from its types, else guessed from the first row's values."""
    if types is not None and (ncols is None or len(types) == ncols):
        return "".join(type_letter(t) for t in types)
    guess = {bool: "B", int: "I", float: "R", decimal.Decimal: "R", str: "T",
             datetime.date: "D", datetime.datetime: "D"}
    if rows:
        return "".join(guess.get(type(v), "?") for v in rows[0])
    return "?" * (ncols or 0)


def _column_count(result: Any, rows: list) -> int | None:
    columns = getattr(result, "columns", None)
    if columns is not None:
        try:
            return len(columns)
        except TypeError:
            pass
    if rows:
        return len(rows[0])
    return None


def _rewrite(script: Script, edits: list[tuple[Record, list[str], str | None]]) -> str:
    lines = script.text.splitlines()
    for rec, block, new_types in sorted(edits, key=lambda e: e[0].start, reverse=True):
        if rec.sep is None:
            new = [SEPARATOR, *block] if block else []
            lines[rec.end:rec.end] = new
        else:
            lines[rec.sep + 1:rec.end] = block
        if new_types is not None:
            words = lines[rec.header].split()
            indent = lines[rec.header][: len(lines[rec.header]) - len(lines[rec.header].lstrip())]
            words[1] = new_types
            lines[rec.header] = indent + " ".join(words)
    out = "\n".join(lines)
    return out + "\n" if script.text.endswith("\n") or not script.text else out
