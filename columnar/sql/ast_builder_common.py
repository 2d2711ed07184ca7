"""Shared pieces of the parse tree → AST transformer (:mod:`columnar.sql.ast_builder`).

Role: the small helpers every rule set uses: source positions (:func:`_pos`,
:func:`_tpos`), identifier and string-literal decoding (:func:`_name`,
:func:`_string`), the tagged :class:`_Clause` a sub-rule hands to its parent,
factories for one-line rule methods (:func:`_first`, :func:`_clause`,
:func:`_constraint` ...), and :class:`_RuleSet`, the base of the rule-set
classes, which holds the per-statement state (the SQL text for error carets and
the ``?`` parameter counter).

Place in the pipeline: SQL text → parser → **AST** → binder → logical plan.
"""

from __future__ import annotations

from typing import Optional

from lark import Token
from lark.visitors import Transformer_NonRecursive

from columnar.core.errors import ParserError


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



class _RuleSet(Transformer_NonRecursive):
    """Base of the rule-set classes combined into :class:`columnar.sql.ast_builder._ToAst`.

    Each rule set is decorated with ``@v_args(meta=True)`` itself (lark only
    wraps the methods a class defines), so every rule method is called as
    ``method(self, meta, children)``.
    """

    def __init__(self, sql: str):
        super().__init__(visit_tokens=False)
        self.sql = sql
        self.parameters = 0

    def _error(self, message, pos):
        line, column = pos or (0, 0)
        return ParserError(message, self.sql, line, column)
