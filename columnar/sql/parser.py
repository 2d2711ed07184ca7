"""The SQL parser: Redshift SQL text → :mod:`columnar.sql.ast` nodes.

Role: turn a script of ``;``-separated statements into typed, position-tagged
syntax trees, and turn every syntax mistake into a
:class:`~columnar.core.errors.ParserError` that names the line and column and
draws a caret under the offending token.

Place in the pipeline: SQL text → **parser** → AST → binder → logical plan →
optimizer → physical plan → execution.

This module holds the public entry points (:func:`parse`, :func:`parse_one`,
:func:`parse_expression`), builds the lark parser once, and translates every
lark error into a ``ParserError`` with a readable "expected ..." message.

How it works, in three parts:

1. **Lexer** (:class:`columnar.sql.lexer._SqlLexer`). A hand-written
   tokenizer: one master regular expression for words, numbers, strings,
   quoted names, operators and comments. Words are looked up in the keyword
   table built from the grammar. *Reserved* keywords (:data:`RESERVED`, close
   to Redshift's list) are always keywords. Any other keyword is
   *contextual*: the lexer asks the LALR table whether that keyword can be
   shifted in the current parser state and emits a plain ``NAME`` otherwise.
   That is how ``year``, ``value``, ``count``, ``first``, ``key``, ``type`` ...
   stay usable as column names while still being keywords in
   ``INTERVAL '1' YEAR`` or ``NULLS FIRST``.
2. **Grammar** (``grammar/redshift.lark``), parsed by lark's LALR(1) parser with
   ``propagate_positions`` so every node knows its first token's position.
   The grammar has no conflicts (it builds with ``strict=True``).
3. **Transformer** (:class:`columnar.sql.ast_builder._ToAst`, with its rule
   sets in ``ast_builder_expr`` and ``ast_builder_stmt``), parse tree → frozen
   AST dataclasses. Small normalisations happen there: unquoted names are
   lower-cased, ``!=`` becomes ``<>``, ``MINUS`` becomes ``EXCEPT``,
   ``NOT EXISTS`` becomes ``Exists(negated=True)``, ``CONVERT(t, x)`` and
   ``x::t`` become :class:`~columnar.sql.ast.Cast`, ``DATE_PART``/``DATEPART``
   become :class:`~columnar.sql.ast.Extract`, the datepart of ``DATEADD`` /
   ``DATEDIFF`` becomes a string literal, ``SUBSTRING(x FROM a FOR b)`` and
   ``POSITION(a IN b)`` become plain calls, ``TRIM([BOTH|LEADING|TRAILING]
   [chars] FROM x)`` becomes ``btrim|ltrim|rtrim(x[, chars])``, and ``?``
   parameters are numbered from 0 per statement.

Simplified versus Redshift:

* Only the statements columnar executes are recognised (see the grammar);
  ``SELECT .. INTO``, ``ALTER`` other than ``ALTER TABLE .. ALTER DISTSTYLE /
  DISTKEY / SORTKEY``, ``GRANT``, ``UNLOAD``, stored procedures ... are syntax errors.
* A subquery used *inside an expression* may not start with ``(``:
  ``x IN ((SELECT 1) UNION (SELECT 2))`` is rejected (write
  ``x IN (SELECT 1 UNION SELECT 2)``). ``((SELECT 1))`` works.
* ``ANY``/``ALL``/``SOME`` comparisons, ``IS [NOT] DISTINCT FROM``, ``ISNULL``
  and ``NOTNULL`` postfix forms, named windows, ``GROUP BY ROLLUP/CUBE`` and
  ``E'..'`` escape strings are not supported.
* Window frames are kept as normalised text (``WindowSpec.frame``); their
  offsets must be integer literals.
* When an unreserved keyword could be read as a keyword or as a name at the
  same place, the keyword wins: ``SELECT a FROM t qualify ...`` is a QUALIFY
  clause, never an alias named ``qualify``, and ``INSERT INTO t (values)``
  needs ``"values"`` quoted. ``TIMESTAMP`` is not reserved (it is in Redshift).
* ``ORDER BY``/``LIMIT`` directly after a bare ``VALUES`` list is rejected.

Example:
    >>> stmt = parse_one("SELECT year, count(*) AS value FROM t GROUP BY 1")
    >>> stmt.items[0].expr, stmt.items[1].alias, stmt.pos
    (ColumnRef(parts=('year',)), 'value', (1, 1))
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Optional

from lark import Lark, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import PatternStr

from columnar.core.errors import ParserError
from columnar.sql.ast_builder import _ToAst
from columnar.sql.lexer import RESERVED, _can_shift, _LexError, _SqlLexer

__all__ = ["parse", "parse_one", "parse_expression", "RESERVED"]

_GRAMMAR_PATH = Path(__file__).with_name("grammar") / "redshift.lark"

# ---------------------------------------------------------------------------
# The lark parser, built once at first use
# ---------------------------------------------------------------------------

_parser: Optional[Lark] = None
_parser_lock = threading.Lock()


def _parser_cache_file() -> str | bool:
    """Where lark keeps the analysed grammar: building the LALR tables takes
    about 0.7 s, loading them 0.05 s. The file holds a hash of the grammar and
    the options, and lark rebuilds it when they change. It lives in the
    user's cache folder (not the shared temp folder: it is a pickle);
    ``COLUMNAR_PARSER_CACHE=0`` or an unwritable folder turns it off."""
    if os.environ.get("COLUMNAR_PARSER_CACHE", "1") == "0":
        return False
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "columnar"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return str(base / f"sql-parser-py{sys.version_info[0]}{sys.version_info[1]}.lark")


def _get_parser() -> Lark:
    global _parser
    if _parser is None:
        with _parser_lock:
            if _parser is None:
                _parser = Lark(
                    _GRAMMAR_PATH.read_text(encoding="utf-8"),
                    parser="lalr",
                    lexer=_SqlLexer,
                    start=["script", "expression"],
                    propagate_positions=True,
                    maybe_placeholders=True,
                    cache=_parser_cache_file(),
                )
    return _parser


def _parse_tree(sql: str, start: str) -> Tree:
    if not isinstance(sql, str):
        raise ParserError(f"SQL text must be a str, not {type(sql).__name__}")
    parser = _get_parser()
    try:
        return parser.parse(sql, start=start)
    except _LexError as e:
        raise ParserError(e.message, sql, e.line, e.column) from None
    except UnexpectedToken as e:
        raise _token_error(e, sql) from None
    except UnexpectedCharacters as e:  # not raised by our lexer, kept for safety
        raise ParserError(f'unexpected character "{e.char}"', sql, e.line, e.column) from None
    except UnexpectedInput as e:
        raise ParserError("syntax error", sql, getattr(e, "line", 0) or 0, getattr(e, "column", 0) or 0) from None
    except ParserError:
        raise
    except Exception as e:  # a bug in columnar; still never a raw exception
        raise ParserError(f"internal parser error: {e!r}", sql) from e


# ---------------------------------------------------------------------------
# Error messages
# ---------------------------------------------------------------------------

_TERMINAL_LABELS = {
    "NAME": "identifier",
    "STRING_LIT": "string",
    "INTEGER_LIT": "integer",
    "DECIMAL_LIT": "number",
    "FLOAT_LIT": "number",
    "$END": "end of input",
}


def _display(terminal: str, parser: Lark) -> Optional[str]:
    if terminal in _TERMINAL_LABELS:
        return _TERMINAL_LABELS[terminal]
    if terminal == "QUOTED_NAME":
        return None  # covered by "identifier"
    try:
        pattern = parser.get_terminal(terminal).pattern
    except KeyError:
        return None
    if isinstance(pattern, PatternStr):
        value = pattern.value
        return value if value[0].isalpha() else f'"{value}"'
    return None


def _expected_text(e: UnexpectedToken, parser: Lark) -> str:
    expected = set(e.expected or ())
    state = getattr(e, "state", None)
    if state is not None:  # keep only what can really be shifted (LALR look-aheads are merged)
        conf = state.parse_conf
        try:
            precise = {t for t in expected
                       if _can_shift(conf.states, state.state_stack, t, conf.end_state if t == "$END" else None)}
        except Exception:  # never let the message builder hide the real error
            precise = set()
        expected = precise or expected
    if {"INTEGER_LIT", "STRING_LIT", "NAME"} <= expected:
        return "an expression"
    if {"DOUBLE", "CHARACTER", "NAME"} <= expected:
        return "a type name"
    labels = {d for d in (_display(t, parser) for t in expected) if d}
    if "end of input" in labels:
        labels.discard('";"')  # "end of input" says it; a ";" may always end a statement
    # identifiers first, then keywords, punctuation and end of input
    order = {"identifier": 0, "end of input": 3}
    labels = sorted(labels, key=lambda s: (order.get(s, 2 if s.startswith('"') else 1), s))
    if not labels:
        return ""
    if len(labels) > 8:
        labels = labels[:8] + ["..."]
    if len(labels) == 1:
        return labels[0]
    return "one of " + ", ".join(labels)


def _token_error(e: UnexpectedToken, sql: str) -> ParserError:
    token = e.token
    parser = _get_parser()
    if token.type == "$END":
        found = "end of input"
        line = getattr(token, "end_line", None) or token.line or 1
        column = getattr(token, "end_column", None) or token.column or 1
    else:
        if token.type in ("QUOTED_NAME", "STRING_LIT"):
            found = token.value  # already quoted
        elif token.type != "NAME" and token.value[:1].isalpha():
            found = f'"{token.value.upper()}"'  # a keyword
        else:
            found = f'"{token.value}"'
        line, column = token.line, token.column
    message = f"unexpected {found}"
    expected = _expected_text(e, parser)
    if expected:
        message += f", expected {expected}"
    if token.type != "$END" and token.value.lower() in RESERVED and "NAME" in (e.expected or ()) \
            and expected != "an expression":
        message += f' ({token.value.upper()} is a reserved word; write "{token.value.lower()}" to use it as a name)'
    return ParserError(message, sql, line, column)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def _transform(tree, sql: str):
    try:
        return _ToAst(sql).transform(tree)
    except VisitError as e:
        if isinstance(e.orig_exc, ParserError):
            raise e.orig_exc from None
        raise ParserError(f"internal parser error: {e.orig_exc!r}", sql) from e.orig_exc
    except RecursionError:
        raise ParserError("statement is nested too deeply", sql) from None
    except Exception as e:  # a bug in columnar; still never a raw exception
        raise ParserError(f"internal parser error: {e!r}", sql) from e


def parse(sql: str) -> list:
    """Parse a script of ``;``-separated statements; empty statements are skipped.

    Args:
        sql: the SQL text.

    Returns:
        A list of statement nodes (:data:`columnar.sql.ast.Statement`).

    Raises:
        ParserError: on any syntax error, with line, column and a caret.

    Example:
        >>> [type(s).__name__ for s in parse("CREATE TABLE t (a INT); ; SELECT a FROM t;")]
        ['CreateTable', 'Select']
        >>> parse("SELECT 1")[0].items[0].expr
        Literal(value=1, kind='int')
    """
    tree = _parse_tree(sql, "script")
    return [_transform(child, sql) for child in tree.children if child is not None]


def parse_one(sql: str):
    """Parse exactly one statement (a trailing ``;`` is fine).

    Raises:
        ParserError: on a syntax error, or when the text holds no statement or more than one.

    Example:
        >>> parse_one("select a from t where a > 1").where
        BinaryOp(op='>', left=ColumnRef(parts=('a',)), right=Literal(value=1, kind='int'))
    """
    statements = parse(sql)
    if len(statements) != 1:
        if not statements:
            raise ParserError("expected a statement, found none", sql)
        second = statements[1].pos or (0, 0)
        raise ParserError(f"expected one statement, found {len(statements)}", sql, *second)
    return statements[0]


def parse_expression(sql: str):
    """Parse a single expression (``?`` parameters are numbered from 0).

    Example:
        >>> e = parse_expression("1 + 2 * 3")
        >>> e.op, e.right
        ('+', BinaryOp(op='*', left=Literal(value=2, kind='int'), right=Literal(value=3, kind='int')))
        >>> parse_expression("? < ?")
        BinaryOp(op='<', left=Parameter(index=0), right=Parameter(index=1))
    """
    tree = _parse_tree(sql, "expression")
    return _transform(tree, sql)
