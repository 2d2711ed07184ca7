"""The SQL lexer: Redshift SQL text → lark tokens, with context-sensitive keywords.

Role: the hand-written tokenizer plugged into lark's LALR parser
(``lexer=_SqlLexer``). One master regular expression recognises words,
numbers, strings, quoted names, operators and comments. Words are looked up in
the keyword table built from the grammar's string terminals. *Reserved*
keywords (:data:`RESERVED`, close to Redshift's list) are always keywords. Any
other keyword is *contextual*: the lexer asks the LALR table whether that
keyword can be shifted in the current parser state (:func:`_can_shift`) and
emits a plain ``NAME`` otherwise. That is how ``year``, ``value``, ``count``,
``first``, ``key``, ``type`` ... stay usable as column names while still being
keywords in ``INTERVAL '1' YEAR`` or ``NULLS FIRST``.

Lexical errors raise :class:`_LexError`, which :mod:`columnar.sql.parser`
turns into a :class:`~columnar.core.errors.ParserError` with line and column.

Place in the pipeline: SQL text → **lexer → parser** → AST → binder → logical
plan → optimizer → physical plan → execution.
"""

from __future__ import annotations

import re

from lark import Token
from lark.lexer import Lexer, PatternStr
from lark.parsers.lalr_analysis import Shift

__all__ = ["RESERVED"]

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


_TOKEN_RE = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>--[^\n]*)
    | (?P<block>/\*)
    | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d][\w$]*)
    | (?P<quoted>")
    | (?P<string>')
    | (?P<op>::|<>|!=|<=|>=|\|\||[(),.;*+\-/%=<>?\[\]])
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
    """Raised inside the lexer, turned into a ParserError by :func:`columnar.sql.parser._parse_tree`."""

    def __init__(self, message, line, column):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column
