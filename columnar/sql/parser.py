"""The SQL parser: Redshift SQL text → :mod:`columnar.sql.ast` nodes.

Role: turn a script of ``;``-separated statements into typed, position-tagged
syntax trees, and turn every syntax mistake into a
:class:`~columnar.core.errors.ParserError` that names the line and column and
draws a caret under the offending token.

Place in the pipeline: SQL text → **parser** → AST → binder → logical plan →
optimizer → physical plan → execution.

How it works, in three parts:

1. **Lexer** (:class:`_SqlLexer`). A hand-written tokenizer: one master regular
   expression for words, numbers, strings, quoted names, operators and
   comments. Words are looked up in the keyword table built from the grammar.
   *Reserved* keywords (:data:`RESERVED`, close to Redshift's list) are always
   keywords. Any other keyword is *contextual*: the lexer asks the LALR table
   whether that keyword can be shifted in the current parser state and emits a
   plain ``NAME`` otherwise. That is how ``year``, ``value``, ``count``,
   ``first``, ``key``, ``type`` ... stay usable as column names while still
   being keywords in ``INTERVAL '1' YEAR`` or ``NULLS FIRST``.
2. **Grammar** (``grammar/redshift.lark``), parsed by lark's LALR(1) parser with
   ``propagate_positions`` so every node knows its first token's position.
   The grammar has no conflicts (it builds with ``strict=True``).
3. **Transformer** (:class:`_ToAst`), parse tree → frozen AST dataclasses.
   Small normalisations happen here: unquoted names are lower-cased, ``!=``
   becomes ``<>``, ``MINUS`` becomes ``EXCEPT``, ``NOT EXISTS`` becomes
   ``Exists(negated=True)``, ``CONVERT(t, x)`` and ``x::t`` become
   :class:`~columnar.sql.ast.Cast`, ``DATE_PART``/``DATEPART`` become
   :class:`~columnar.sql.ast.Extract`, the datepart of ``DATEADD`` /
   ``DATEDIFF`` becomes a string literal, ``SUBSTRING(x FROM a FOR b)`` and
   ``POSITION(a IN b)`` become plain calls, ``TRIM([BOTH|LEADING|TRAILING]
   [chars] FROM x)`` becomes ``btrim|ltrim|rtrim(x[, chars])``, and ``?``
   parameters are numbered from 0 per statement.

Simplified versus Redshift:

* Only the statements columnar executes are recognised (see the grammar);
  ``SELECT .. INTO``, ``ALTER``, ``GRANT``, ``UNLOAD``, stored procedures ... are
  syntax errors.
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

import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import Optional

from lark import Lark, Token, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError
from lark.lexer import Lexer, PatternStr
from lark.parsers.lalr_analysis import Shift
from lark.visitors import Transformer_NonRecursive

from columnar.core.errors import ParserError
from columnar.sql import ast

__all__ = ["parse", "parse_one", "parse_expression", "RESERVED"]

_GRAMMAR_PATH = Path(__file__).with_name("grammar") / "redshift.lark"

#: Words that are always keywords, never names (unless double-quoted). Mostly
#: Redshift's reserved words; ``TIMESTAMP`` is left out on purpose so it can be
#: a column name, as ``DATE`` can.
RESERVED = frozenset(
    """
    all and as asc between both case cast create cross current_date current_timestamp
    default desc distinct else end except false for foreign from full group having
    identity ilike in inner intersect interval into is join leading left like limit
    minus natural not null nulls offset on or order outer primary references right
    select similar sysdate table then to top trailing true union unique using when
    where with
    """.split()
)

# ---------------------------------------------------------------------------
# Lexer
# ---------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>--[^\n]*)
    | (?P<block>/\*)
    | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d][\w$]*)
    | (?P<quoted>")
    | (?P<string>')
    | (?P<op>::|<>|!=|<=|>=|\|\||[(),.;*+\-/%=<>?])
    """,
    re.VERBOSE,
)
_STRING_RE = re.compile(r"'(?:[^']|'')*'")
_QUOTED_RE = re.compile(r'"(?:[^"]|"")*"')


def _can_shift(states: dict, stack: list, terminal: str, end_state=None) -> bool:
    """Would the LALR parser shift ``terminal`` from this stack (after any reductions)?

    LALR tables merge look-ahead sets, so a terminal that appears in the
    current row may still fail after a few reductions; simulating them on a
    copy of the state stack gives the exact answer. End of input (``$END``) is
    accepted when the reductions reach ``end_state``.
    """
    stack = list(stack)
    while True:
        if stack[-1] == end_state:
            return True
        entry = states[stack[-1]].get(terminal)
        if entry is None:
            return False
        action, arg = entry
        if action is Shift:
            return True
        size = len(arg.expansion)
        if size:
            del stack[-size:]
        stack.append(states[stack[-1]][arg.origin.name][1])


class _SqlLexer(Lexer):
    """Tokenizer with context-sensitive keywords (see the module docstring)."""

    __future_interface__ = 2  # lex() receives the parser state

    def __init__(self, lexer_conf):
        self.keywords: dict = {}
        self.punctuation: dict = {}
        for term in lexer_conf.terminals:
            if isinstance(term.pattern, PatternStr):
                value = term.pattern.value
                if value[0].isalpha() or value[0] == "_":
                    self.keywords[value.lower()] = term.name
                else:
                    self.punctuation[value] = term.name
        missing = RESERVED - self.keywords.keys()
        assert not missing, f"reserved words missing from the grammar: {sorted(missing)}"

    def lex(self, lexer_state, parser_state):
        text = lexer_state.text
        text = getattr(text, "text", text)  # lark >= 1.2 wraps the text in a TextSlice
        keywords, punctuation = self.keywords, self.punctuation
        match = _TOKEN_RE.match
        pos, line, line_start, end = 0, 1, 0, len(text)
        while pos < end:
            m = match(text, pos)
            if m is None:
                raise _LexError(f'unexpected character "{text[pos]}"', line, pos - line_start + 1)
            kind = m.lastgroup
            column = pos - line_start + 1
            stop = m.end()
            if kind == "ws" or kind == "comment":
                newlines = text.count("\n", pos, stop)
                if newlines:
                    line += newlines
                    line_start = text.rfind("\n", pos, stop) + 1
                pos = stop
                continue
            if kind == "block":
                close = text.find("*/", pos + 2)
                if close < 0:
                    raise _LexError("unterminated /* comment", line, column)
                stop = close + 2
                newlines = text.count("\n", pos, stop)
                if newlines:
                    line += newlines
                    line_start = text.rfind("\n", pos, stop) + 1
                pos = stop
                continue
            if kind == "word":
                value = m.group()
                lowered = value.lower()
                keyword = keywords.get(lowered)
                if keyword is None:
                    type_ = "NAME"
                elif lowered in RESERVED:
                    type_ = keyword
                else:
                    type_ = self._contextual(keyword, parser_state)
            elif kind == "number":
                value = m.group()
                if "e" in value or "E" in value:
                    type_ = "FLOAT_LIT"
                elif "." in value:
                    type_ = "DECIMAL_LIT"
                else:
                    type_ = "INTEGER_LIT"
            elif kind == "op":
                value = m.group()
                type_ = punctuation.get(value)
                if type_ is None:
                    raise _LexError(f'unexpected "{value}"', line, column)
            else:  # string or quoted identifier: may span lines
                m = (_STRING_RE if kind == "string" else _QUOTED_RE).match(text, pos)
                if m is None:
                    what = "string literal" if kind == "string" else "quoted identifier"
                    raise _LexError(f"unterminated {what}", line, column)
                value = m.group()
                stop = m.end()
                type_ = "STRING_LIT" if kind == "string" else "QUOTED_NAME"
                if type_ == "QUOTED_NAME" and len(value) == 2:
                    raise _LexError("zero-length quoted identifier", line, column)
            start_line = line
            newlines = text.count("\n", pos, stop) if kind in ("string", "quoted") else 0
            if newlines:
                line += newlines
                line_start = text.rfind("\n", pos, stop) + 1
            yield Token(type_, value, pos, start_line, column, line, stop - line_start + 1, stop)
            pos = stop

    @staticmethod
    def _contextual(keyword: str, parser_state) -> str:
        """Keyword or NAME for an unreserved keyword, depending on the parser state."""
        states = parser_state.parse_conf.states
        row = states[parser_state.position]
        if keyword not in row:
            return "NAME"
        if "NAME" not in row:
            return keyword
        return keyword if _can_shift(states, parser_state.state_stack, keyword) else "NAME"


class _LexError(Exception):
    """Raised inside the lexer, turned into a ParserError by :func:`_parse_tree`."""

    def __init__(self, message, line, column):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


# ---------------------------------------------------------------------------
# The lark parser, built once at first use
# ---------------------------------------------------------------------------

_parser: Optional[Lark] = None
_parser_lock = threading.Lock()


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
# Parse tree → AST
# ---------------------------------------------------------------------------


def _pos(meta) -> Optional[tuple]:
    return None if meta.empty else (meta.line, meta.column)


def _tpos(token: Token) -> tuple:
    return (token.line, token.column)


def _name(token: Token) -> str:
    """An identifier token's value: lower-cased unless it was double-quoted."""
    if token.type == "QUOTED_NAME":
        return token.value[1:-1].replace('""', '"')
    return token.value.lower()


def _string(token: Token) -> str:
    return token.value[1:-1].replace("''", "'")


_UNITS = {
    "YEAR": "YEAR", "YEARS": "YEAR", "YR": "YEAR", "YRS": "YEAR",
    "MONTH": "MONTH", "MONTHS": "MONTH", "MON": "MONTH", "MONS": "MONTH",
    "WEEK": "WEEK", "WEEKS": "WEEK",
    "DAY": "DAY", "DAYS": "DAY",
    "HOUR": "HOUR", "HOURS": "HOUR", "HR": "HOUR", "HRS": "HOUR",
    "MINUTE": "MINUTE", "MINUTES": "MINUTE", "MIN": "MINUTE", "MINS": "MINUTE",
    "SECOND": "SECOND", "SECONDS": "SECOND", "SEC": "SECOND", "SECS": "SECOND",
}

#: Functions whose first argument is a datepart word (``DATEADD(day, 1, d)``).
_DATEPART_FIRST = frozenset({"dateadd", "datediff"})
_DATE_PART = frozenset({"date_part", "datepart"})


class _Clause:
    """A tagged clause value passed up from a sub-rule to its parent."""

    __slots__ = ("tag", "value", "pos")

    def __init__(self, tag, value, pos=None):
        self.tag, self.value, self.pos = tag, value, pos


def _clauses(children) -> dict:
    return {c.tag: c for c in children if isinstance(c, _Clause)}


def _first(self, meta, children):
    return children[0]


def _true(self, meta, children):
    return True


def _upper(self, meta, children):
    return children[0].upper()


def _as_tuple(self, meta, children):
    return tuple(children)


def _clause(tag: str, many: bool = False):
    """A rule method wrapping its child (or all its children) in a tagged :class:`_Clause`."""

    def method(self, meta, children):
        return _Clause(tag, tuple(children) if many else children[0], _pos(meta))

    return method


_CHILD = object()


def _constraint(key: str, value=_CHILD):
    """A rule method for a column constraint: ``(key, value, pos)``.

    ``value`` is a constant, ``_CHILD`` for the rule's only child, or ``tuple``
    for all its children.
    """

    def method(self, meta, children):
        if value is _CHILD:
            v = children[0]
        elif value is tuple:
            v = tuple(children)
        else:
            v = value
        return (key, v, _pos(meta))

    return method


@v_args(meta=True)
class _ToAst(Transformer_NonRecursive):
    """Builds AST nodes bottom-up; one method per grammar rule or alias.

    Non-recursive, so a generated ``a = 1 OR a = 2 OR ...`` with thousands of
    terms does not hit Python's recursion limit. Children are still visited
    left to right, which numbers ``?`` parameters in order of appearance.
    """

    def __init__(self, sql: str):
        super().__init__(visit_tokens=False)
        self.sql = sql
        self.parameters = 0

    # Small rules: pass-throughs, presence markers, keyword values, lists, clauses.
    alias = set_quantifier = sort_direction = like_op = partition_by = _first
    expression = drop_behavior = _first
    recursive = not_kw = temporary = if_not_exists = if_exists = transaction_word = _true
    precision = varying = _true
    trim_side = sortkey_style = diststyle_value = _upper
    copy_format = copy_string_key = copy_int_key = copy_bool_key = copy_flag = _upper
    select_list = ident_list = expr_list = type_params = _as_tuple
    from_clause = _clause("from", many=True)
    order_by = _clause("order_by", many=True)
    where_clause = _clause("where")
    group_by = _clause("group_by")
    having_clause = _clause("having")
    qualify_clause = _clause("qualify")
    limit_clause = _clause("limit")
    offset_clause = _clause("offset")

    def _error(self, message, pos):
        line, column = pos or (0, 0)
        return ParserError(message, self.sql, line, column)

    # -- queries --------------------------------------------------------

    def query(self, meta, children):
        with_ = order = limits = None
        body = None
        for child in children:
            if isinstance(child, _Clause):
                if child.tag == "with":
                    with_ = child
                elif child.tag == "order_by":
                    order = child
                elif child.tag == "limit_offset":
                    limits = child
            elif child is not None:
                body = child
        body = self._attach(body, order, limits)
        if with_ is not None:
            recursive, ctes = with_.value
            return ast.With(ctes, body, recursive, pos=with_.pos)
        return body

    def _attach(self, query, order, limits):
        """Put a query-level ORDER BY / LIMIT / OFFSET on the query it applies to."""
        if order is None and limits is None:
            return query
        order_by = order.value if order else ()
        limit, offset, has_limit, limit_pos = limits.value if limits else (None, None, False, None)
        has_offset = offset is not None
        pos = order.pos if order else limits.pos
        if isinstance(query, ast.With):
            return replace(query, body=self._attach(query.body, order, limits))
        if isinstance(query, ast.Values):
            raise self._error("ORDER BY / LIMIT / OFFSET directly after VALUES is not supported; "
                              "use SELECT * FROM (VALUES ...) AS v ... instead", pos)
        if (order_by and (query.order_by or query.limit is not None or query.offset is not None)) or \
                (has_limit and query.limit is not None) or (has_offset and query.offset is not None):
            raise self._error("multiple ORDER BY / LIMIT / OFFSET clauses are not allowed", pos)
        if isinstance(query, ast.Select) and query.top is not None and has_limit:
            raise self._error("TOP and LIMIT cannot be used together", limit_pos)
        changes = {}
        if order_by:
            changes["order_by"] = order_by
        if has_limit:
            changes["limit"] = limit
        if has_offset:
            changes["offset"] = offset
        return replace(query, **changes)

    def with_clause(self, meta, children):
        recursive = children[0] is not None
        return _Clause("with", (recursive, tuple(children[1:])), _pos(meta))

    def cte(self, meta, children):
        name, columns, query = children
        return ast.CommonTableExpr(name, query, tuple(columns or ()), pos=_pos(meta))

    def set_operation(self, meta, children):
        left, op_tokens, right = children
        op = op_tokens[0].upper()
        if op == "MINUS":
            op = "EXCEPT"
        all_ = len(op_tokens) > 1 and op_tokens[1] is not None and op_tokens[1].upper() == "ALL"
        return ast.SetOperation(op, left, right, all_, pos=_pos(meta))

    def set_op(self, meta, children):
        return [t.value if t is not None else None for t in children]

    intersect_op = set_op

    def values_row(self, meta, children):
        return tuple(children)

    def default_value(self, meta, children):
        return ast.Default(pos=_pos(meta))

    def values_clause(self, meta, children):
        return ast.Values(tuple(children), pos=_pos(meta))

    def select_core(self, meta, children):
        modifiers, items = children[0], children[1]
        distinct, top = modifiers if modifiers is not None else (False, None)
        c = _clauses(children[2:])
        get = lambda tag, default=None: c[tag].value if tag in c else default  # noqa: E731
        return ast.Select(
            items=items,
            from_=get("from", ()),
            where=get("where"),
            group_by=get("group_by", ()),
            having=get("having"),
            qualify=get("qualify"),
            distinct=distinct,
            top=top,
            pos=_pos(meta),
        )

    def select_modifiers(self, meta, children):
        distinct, top = False, None
        for child in children:
            if isinstance(child, Token):
                distinct = child.upper() == "DISTINCT"
            elif child is not None:
                top = child
        return distinct, top

    def top_clause(self, meta, children):
        token = children[0]
        return ast.Literal(int(token), "int", pos=_tpos(token))

    def select_item(self, meta, children):
        expr, alias = children
        return ast.SelectItem(expr, alias, pos=_pos(meta))

    def star(self, meta, children):
        return ast.SelectItem(ast.Star(pos=_pos(meta)), pos=_pos(meta))

    def qualified_star(self, meta, children):
        parts = children[0]
        return ast.SelectItem(ast.Star(".".join(parts), pos=_pos(meta)), pos=_pos(meta))

    def order_item(self, meta, children):
        expr, direction, nulls = children
        desc = direction is not None and direction.upper() == "DESC"
        nulls_first = None if nulls is None else nulls
        return ast.OrderItem(expr, desc, nulls_first, pos=_pos(meta))

    def nulls_order(self, meta, children):
        return children[1].upper() == "FIRST"

    def limit_offset(self, meta, children):
        limit = offset = limit_pos = None
        has_limit = False
        for child in children:
            if child is None:
                continue
            if child.tag == "limit":
                has_limit, limit, limit_pos = True, child.value, child.pos
            else:
                offset = child.value
        return _Clause("limit_offset", (limit, offset, has_limit, limit_pos), _pos(meta))

    def limit_all(self, meta, children):
        return _Clause("limit", None, _pos(meta))

    # -- FROM items -----------------------------------------------------

    def table(self, meta, children):
        name, alias = children
        return ast.TableName(name, alias, pos=_pos(meta))

    def subquery_ref(self, meta, children):
        query, alias, columns = children
        return ast.SubqueryRef(query, alias, tuple(columns or ()), pos=_pos(meta))

    def join(self, meta, children):
        left, kind, right, (condition, using) = children
        return ast.Join(left, right, kind or "inner", condition, using, pos=_pos(meta))

    def cross_join(self, meta, children):
        left, right = children
        return ast.Join(left, right, "cross", pos=_pos(meta))

    def natural_join(self, meta, children):
        left, kind, right = children
        return ast.Join(left, right, kind or "inner", natural=True, pos=_pos(meta))

    def join_kind(self, meta, children):
        return children[0].lower()

    def join_on(self, meta, children):
        return children[0], ()

    def join_using(self, meta, children):
        return None, children[0]

    def table_name(self, meta, children):
        if len(children) > 3:
            raise self._error("table names have at most three parts (database.schema.table)", _pos(meta))
        return ".".join(children)

    # -- expressions ----------------------------------------------------

    def or_op(self, meta, children):
        return ast.BinaryOp("OR", children[0], children[1], pos=_pos(meta))

    def and_op(self, meta, children):
        return ast.BinaryOp("AND", children[0], children[1], pos=_pos(meta))

    def not_op(self, meta, children):
        operand = children[0]
        if isinstance(operand, ast.Exists) and not operand.negated:
            return ast.Exists(operand.query, True, pos=_pos(meta))
        return ast.UnaryOp("NOT", operand, pos=_pos(meta))

    def comparison(self, meta, children):
        left, op, right = children
        return ast.BinaryOp(op, left, right, pos=_pos(meta))

    def comp_op(self, meta, children):
        op = children[0].value
        return "<>" if op == "!=" else op

    def is_null(self, meta, children):
        operand, negated = children
        return ast.IsNull(operand, bool(negated), pos=_pos(meta))

    def is_bool(self, meta, children):
        operand, negated, value = children
        return ast.IsBool(operand, value.value, bool(negated), pos=_pos(meta))

    def between(self, meta, children):
        operand, negated, low, high = children
        return ast.Between(operand, low, high, bool(negated), pos=_pos(meta))

    def in_list(self, meta, children):
        operand, negated, items = children
        return ast.InList(operand, items, bool(negated), pos=_pos(meta))

    def in_subquery(self, meta, children):
        operand, negated, query = children
        return ast.InSubquery(operand, query, bool(negated), pos=_pos(meta))

    def like(self, meta, children):
        operand, negated, op, pattern, escape = children
        return ast.Like(operand, pattern, bool(negated), op.upper() == "ILIKE", escape, pos=_pos(meta))

    def similar_to(self, meta, children):
        operand, negated, pattern = children
        return ast.SimilarTo(operand, pattern, bool(negated), pos=_pos(meta))

    def concat_op(self, meta, children):
        return ast.BinaryOp("||", children[0], children[1], pos=_pos(meta))

    def binary_op(self, meta, children):
        left, op, right = children
        return ast.BinaryOp(op, left, right, pos=_pos(meta))

    def add_op(self, meta, children):
        return children[0].value

    mul_op = add_op

    def negative(self, meta, children):
        return ast.UnaryOp("-", children[0], pos=_pos(meta))

    def positive(self, meta, children):
        return ast.UnaryOp("+", children[0], pos=_pos(meta))

    def cast_op(self, meta, children):
        return ast.Cast(children[0], children[1], pos=_pos(meta))

    def scalar_subquery(self, meta, children):
        return ast.ScalarSubquery(children[0], pos=_pos(meta))

    def exists(self, meta, children):
        return ast.Exists(children[0], pos=_pos(meta))

    def column_ref(self, meta, children):
        parts = children[0]
        if len(parts) > 3:
            raise self._error("column references have at most three parts (schema.table.column)", _pos(meta))
        return ast.ColumnRef(tuple(parts), pos=_pos(meta))

    def dotted(self, meta, children):
        if len(children) == 1:
            return [children[0]]
        parts, last = children
        parts.append(last)
        return parts

    def col_ident(self, meta, children):
        return _name(children[0])

    def ident(self, meta, children):
        return _name(children[0])

    def parameter(self, meta, children):
        index = self.parameters
        self.parameters += 1
        return ast.Parameter(index, pos=_pos(meta))

    # -- literals -------------------------------------------------------

    def integer(self, meta, children):
        return ast.Literal(int(children[0]), "int", pos=_pos(meta))

    def decimal(self, meta, children):
        return ast.Literal(children[0].value, "decimal", pos=_pos(meta))

    def float(self, meta, children):
        return ast.Literal(float(children[0]), "float", pos=_pos(meta))

    def string(self, meta, children):
        return ast.Literal(_string(children[0]), "string", pos=_pos(meta))

    def null(self, meta, children):
        return ast.Literal(None, "null", pos=_pos(meta))

    def bool_literal(self, meta, children):
        return ast.Literal(children[0].upper() == "TRUE", "bool", pos=_pos(meta))

    def date_literal(self, meta, children):
        return ast.TypedLiteral(ast.TypeName("DATE", pos=_pos(meta)), _string(children[0]), pos=_pos(meta))

    def timestamp_literal(self, meta, children):
        return ast.TypedLiteral(ast.TypeName("TIMESTAMP", pos=_pos(meta)), _string(children[0]), pos=_pos(meta))

    def interval_literal(self, meta, children):
        value, unit = children
        return ast.IntervalLiteral(_string(value), unit, pos=_pos(meta))

    def interval_qualifier(self, meta, children):
        units = [c for c in children if isinstance(c, str)]  # precisions are ints
        return " TO ".join(units)

    def interval_unit(self, meta, children):
        return _UNITS[children[0].upper()]

    def unit_precision(self, meta, children):
        return int(children[0])

    # -- CASE and functions ---------------------------------------------

    def case_expr(self, meta, children):
        operand = children[0]
        else_ = children[-1]
        whens = tuple(children[1:-1])
        return ast.Case(operand, whens, else_, pos=_pos(meta))

    def when_clause(self, meta, children):
        return (children[0], children[1])

    def cast_function(self, meta, children):
        return ast.Cast(children[0], children[1], pos=_pos(meta))

    def convert_function(self, meta, children):
        type_, operand = children
        return ast.Cast(operand, type_, pos=_pos(meta))

    def extract_function(self, meta, children):
        field, operand = children
        return ast.Extract(field, operand, pos=_pos(meta))

    def extract_field(self, meta, children):
        token = children[0]
        if token.type == "STRING_LIT":
            return _string(token).lower()
        return _name(token).lower()

    def substring_function(self, meta, children):
        args = tuple(c for c in children if c is not None)
        return ast.FunctionCall("substring", args, pos=_pos(meta))

    def position_function(self, meta, children):
        return ast.FunctionCall("position", (children[0], children[1]), pos=_pos(meta))

    _TRIM_NAMES = {None: "btrim", "BOTH": "btrim", "LEADING": "ltrim", "TRAILING": "rtrim"}

    def trim_function(self, meta, children):
        side, first, second = children
        name = self._TRIM_NAMES[side]
        args = (first,) if second is None else (second, first)  # (string, characters)
        return ast.FunctionCall(name, args, pos=_pos(meta))

    def trim_side_only(self, meta, children):
        side, operand = children
        return ast.FunctionCall(self._TRIM_NAMES[side], (operand,), pos=_pos(meta))

    def niladic_function(self, meta, children):
        return ast.FunctionCall(children[0].lower(), pos=_pos(meta))

    def function_call(self, meta, children):
        name, args, within_group, over = children
        pos = _pos(meta)
        distinct = star = False
        arguments = ()
        if args is not None:
            star, distinct, arguments = args
        if name in _DATEPART_FIRST and arguments:
            arguments = (self._datepart_literal(arguments[0]),) + arguments[1:]
        elif name in _DATE_PART and len(arguments) == 2 and not distinct and within_group is None \
                and over is None:
            field = self._datepart_literal(arguments[0])
            if field.kind == "string":
                return ast.Extract(field.value, arguments[1], pos=pos)
        return ast.FunctionCall(
            name, arguments, distinct=distinct, star=star,
            within_group=within_group or (), over=over, pos=pos,
        )

    @staticmethod
    def _datepart_literal(arg):
        """``day`` (a bare name) or ``'Day'`` → the string literal ``'day'``."""
        if isinstance(arg, ast.ColumnRef) and len(arg.parts) == 1:
            return ast.Literal(arg.parts[0].lower(), "string", pos=arg.pos)
        if isinstance(arg, ast.Literal) and arg.kind == "string":
            return ast.Literal(arg.value.lower(), "string", pos=arg.pos)
        return arg

    def function_name(self, meta, children):
        return _name(children[0]).lower() if children[0].type == "QUOTED_NAME" else children[0].lower()

    def star_arg(self, meta, children):
        return True, False, ()

    def args(self, meta, children):
        quantifier, exprs = children
        distinct = quantifier is not None and quantifier.upper() == "DISTINCT"
        return False, distinct, exprs

    def within_group(self, meta, children):
        return children[0].value

    def approximate(self, meta, children):
        call = children[0]
        if isinstance(call, ast.Extract):  # APPROXIMATE DATE_PART(..) makes no sense
            raise self._error("APPROXIMATE applies to COUNT(DISTINCT ...) and PERCENTILE_DISC only", _pos(meta))
        return replace(call, approximate=True, pos=_pos(meta))

    def over_clause(self, meta, children):
        partition, order, frame = children
        return ast.WindowSpec(partition or (), order.value if order else (), frame, pos=_pos(meta))

    def window_frame(self, meta, children):
        return " ".join(c if isinstance(c, str) and not isinstance(c, Token) else c.upper() for c in children)

    def frame_bound(self, meta, children):
        return " ".join(t.upper() for t in children)

    # -- types ----------------------------------------------------------

    def simple_type(self, meta, children):
        token, params = children
        return ast.TypeName(token.upper(), params or (), pos=_pos(meta))

    def double_type(self, meta, children):
        name = "DOUBLE PRECISION" if children[0] is not None else "DOUBLE"
        return ast.TypeName(name, pos=_pos(meta))

    def character_type(self, meta, children):
        varying, params = children
        name = "CHARACTER VARYING" if varying is not None else "CHARACTER"
        return ast.TypeName(name, params or (), pos=_pos(meta))

    def timestamp_type(self, meta, children):
        params, zone = children
        name = "TIMESTAMP" if zone is None else f"TIMESTAMP {zone}"
        return ast.TypeName(name, params or (), pos=_pos(meta))

    def type_param(self, meta, children):
        token = children[0]
        return int(token) if token.type == "INTEGER_LIT" else "MAX"

    def time_zone(self, meta, children):
        return " ".join(t.upper() for t in children)

    # -- DDL --------------------------------------------------------------

    def create_table(self, meta, children):
        temporary, if_not_exists, name = children[:3]
        columns, primary_key, attrs = [], (), []
        for child in children[3:]:
            if isinstance(child, ast.ColumnDef):
                columns.append(child)
            elif isinstance(child, _Clause) and child.tag == "primary_key":
                if primary_key:
                    raise self._error("multiple primary keys are not allowed", child.pos)
                primary_key = child.value
            elif isinstance(child, _Clause) and child.tag == "attribute":
                attrs.append(child)
        if primary_key and any(c.primary_key for c in columns):
            where = next(c.pos for c in children if isinstance(c, _Clause) and c.tag == "primary_key")
            raise self._error("multiple primary keys are not allowed", where)
        return ast.CreateTable(
            name, tuple(columns), self._attributes(attrs, _pos(meta)),
            if_not_exists is not None, temporary is not None, primary_key, pos=_pos(meta),
        )

    def create_table_as(self, meta, children):
        temporary, if_not_exists, name, column_names = children[:4]
        attrs = [c for c in children[4:-1]]
        query = children[-1]
        return ast.CreateTableAs(
            name, query, self._attributes(attrs, _pos(meta)), tuple(column_names or ()),
            if_not_exists is not None, temporary is not None, pos=_pos(meta),
        )

    def _attributes(self, attrs, pos) -> ast.TableAttributes:
        if not attrs:
            return ast.TableAttributes()
        values: dict = {}
        for attr in attrs:
            key, fields = attr.value
            if key in values:
                raise self._error(f"{key} is specified more than once", attr.pos)
            values[key] = fields
        merged = {}
        for fields in values.values():
            merged.update(fields)
        return ast.TableAttributes(**merged, pos=attrs[0].pos)

    def column_def(self, meta, children):
        name, type_ = children[0], children[1]
        fields: dict = {}
        for key, value, pos in children[2:]:
            if key in fields and key != "not_null":
                raise self._error(f"conflicting or repeated {key.upper().replace('_', ' ')} for column "
                                  f'"{name}"', pos)
            if key == "not_null" and key in fields and fields[key] != value:
                raise self._error(f'conflicting NULL/NOT NULL declarations for column "{name}"', pos)
            if key != "references":
                fields[key] = value
        return ast.ColumnDef(name, type_, **fields, pos=_pos(meta))

    # Column constraints become (field of ColumnDef, value, pos); REFERENCES is accepted and ignored.
    not_null = _constraint("not_null", True)
    nullable = _constraint("not_null", False)
    default = _constraint("default")
    encode = _constraint("encode")
    column_distkey = _constraint("distkey", True)
    column_sortkey = _constraint("sortkey", True)
    column_primary_key = _constraint("primary_key", True)
    column_unique = _constraint("unique", True)
    identity = _constraint("identity", tuple)
    references = _constraint("references", None)

    def signed_int(self, meta, children):
        minus, number = children
        return -int(number) if minus is not None else int(number)

    def table_constraint(self, meta, children):
        return children[1]

    def primary_key_constraint(self, meta, children):
        return _Clause("primary_key", children[0], _pos(meta))

    def other_constraint(self, meta, children):
        return _Clause("ignored", None, _pos(meta))

    def backup(self, meta, children):
        return _Clause("attribute", ("BACKUP", {"backup": children[0]}), _pos(meta))

    def yes_no(self, meta, children):
        return children[0].upper() == "YES"

    def diststyle(self, meta, children):
        return _Clause("attribute", ("DISTSTYLE", {"diststyle": children[0]}), _pos(meta))

    def distkey(self, meta, children):
        return _Clause("attribute", ("DISTKEY", {"distkey": children[0]}), _pos(meta))

    def sortkey(self, meta, children):
        style, columns = children
        return _Clause("attribute", ("SORTKEY", {"sortkey": columns, "sortkey_style": style}), _pos(meta))

    def sortkey_auto(self, meta, children):
        return _Clause("attribute", ("SORTKEY", {"sortkey_style": "AUTO"}), _pos(meta))

    def encode_auto(self, meta, children):
        return _Clause("attribute", ("ENCODE", {"encode_auto": True}), _pos(meta))

    def drop_table(self, meta, children):
        if_exists, names, behavior = children[0], children[1:-1], children[-1]
        cascade = behavior is not None and behavior.upper() == "CASCADE"
        return ast.DropTable(tuple(names), if_exists is not None, cascade, pos=_pos(meta))

    def truncate(self, meta, children):
        return ast.Truncate(children[0], pos=_pos(meta))

    # -- DML --------------------------------------------------------------

    def insert(self, meta, children):
        table, columns, source = children
        return ast.Insert(table, tuple(columns or ()), source, pos=_pos(meta))

    def insert_default_values(self, meta, children):
        return ast.Insert(children[0], (), None, pos=_pos(meta))

    def delete(self, meta, children):
        table, alias, where = children
        return ast.Delete(table, where.value if where else None, alias, pos=_pos(meta))

    def update(self, meta, children):
        table, alias = children[0], children[1]
        where = children[-1]
        assignments = tuple(children[2:-1])
        return ast.Update(table, assignments, where.value if where else None, alias, pos=_pos(meta))

    def assignment(self, meta, children):
        return (children[0], children[1])

    def copy(self, meta, children):
        table, columns, source = children[0], children[1], children[2]
        fmt, options = None, []
        for kind, name, value, pos in children[3:]:
            if kind == "format":
                if fmt is not None:
                    raise self._error("more than one data format in COPY", pos)
                fmt = name
                if value is not None:
                    options.append((name, value))
            else:
                options.append((name, value))
        return ast.Copy(table, tuple(columns or ()), _string(source), fmt or "TEXT", tuple(options),
                        pos=_pos(meta))

    def copy_iam_role(self, meta, children):
        return ("option", "IAM_ROLE", _string(children[0]), _pos(meta))

    def copy_iam_role_default(self, meta, children):
        return ("option", "IAM_ROLE", "default", _pos(meta))

    def copy_format_option(self, meta, children):
        fmt, arg = children
        return ("format", fmt, None if arg is None else _string(arg), _pos(meta))

    def copy_string_option(self, meta, children):
        key, value = children
        return ("option", key, _string(value), _pos(meta))

    def copy_int_option(self, meta, children):
        key, value = children
        return ("option", key, int(value), _pos(meta))

    def copy_bool_option(self, meta, children):
        key, value = children
        return ("option", key, True if value is None else value, _pos(meta))

    def on_off(self, meta, children):
        return children[0].upper() in ("ON", "TRUE")

    def copy_flag_option(self, meta, children):
        return ("option", children[0], True, _pos(meta))

    # -- others -----------------------------------------------------------

    def explain(self, meta, children):
        option, statement = children
        words = option or ()
        return ast.Explain(statement, "VERBOSE" in words, "ANALYZE" in words, pos=_pos(meta))

    def explain_option(self, meta, children):
        return [t.upper() for t in children if t is not None]

    def set_variable(self, meta, children):
        name, values = children[0], [self._set_value(v) for v in children[1:]]
        value = values[0] if len(values) == 1 else tuple(values)
        return ast.SetVariable(name, value, pos=_pos(meta))

    @staticmethod
    def _set_value(value):
        if isinstance(value, ast.ColumnRef) and len(value.parts) == 1:
            return value.parts[0]
        return value

    def set_word(self, meta, children):
        return children[0].lower()

    def begin(self, meta, children):
        return ast.Transaction("begin", pos=_pos(meta))

    def commit(self, meta, children):
        return ast.Transaction("commit", pos=_pos(meta))

    def rollback(self, meta, children):
        return ast.Transaction("rollback", pos=_pos(meta))


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
