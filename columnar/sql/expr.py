"""Bound expressions: names resolved, every node typed.

Role: the binder turns :mod:`columnar.sql.ast` expressions into these nodes;
the logical plan carries them; ``columnar.exec.evaluate`` runs them over a
:class:`~columnar.core.chunk.Batch`, vectorised.

Contract with the evaluator (the binder guarantees it):

* :class:`ColumnIndex` refers to a column of the *input batch* by position.
* :class:`Const` values are *physical*: ``int`` for integers, the scaled
  ``int`` for DECIMAL (``12.50`` as DECIMAL(4,2) is ``1250``), ``float``,
  ``bool``, ``str`` for strings, ``int`` days for DATE, ``int`` microseconds
  for TIMESTAMP, an :class:`Interval` for INTERVAL, ``None`` for NULL.
* Comparison operands (``= <> < <= > >=``, IN, BETWEEN, CASE results,
  COALESCE arguments) already have one common type: the binder inserts
  :class:`Cast` nodes.
* Arithmetic: integer and float operands already have the result type.
  DECIMAL operands are DECIMALs but keep their own scales; the evaluator
  aligns scales for ``+ - %``, multiplies scaled ints for ``*`` and rescales
  for ``/`` to the node's result type (see ``core.types.arithmetic_result``).
* AND / OR / CASE / COALESCE are evaluated lazily per row (a branch is only
  evaluated on the rows that reach it), so ``CASE WHEN x <> 0 THEN 1 / x END``
  never raises division by zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from columnar.core.types import BOOLEAN, DataType


@dataclass(frozen=True)
class Interval:
    """An INTERVAL value: months, days and microseconds kept apart, because a
    month has no fixed length (PostgreSQL / Redshift model)."""

    months: int = 0
    days: int = 0
    micros: int = 0

    def __neg__(self) -> "Interval":
        return Interval(-self.months, -self.days, -self.micros)


class BoundExpr:
    """Base class: every bound expression has a ``type``."""

    type: DataType

    def children(self) -> tuple:
        return ()


@dataclass(frozen=True)
class ColumnIndex(BoundExpr):
    index: int
    type: DataType
    name: str = ""

    def __str__(self) -> str:
        return self.name or f"#{self.index}"


@dataclass(frozen=True)
class Const(BoundExpr):
    value: object
    type: DataType

    def __str__(self) -> str:
        return "NULL" if self.value is None else repr(self.value)


@dataclass(frozen=True)
class Unary(BoundExpr):
    """``op`` is ``neg`` or ``not``."""

    op: str
    operand: BoundExpr
    type: DataType

    def children(self):
        return (self.operand,)

    def __str__(self) -> str:
        return f"({'-' if self.op == 'neg' else 'NOT '}{self.operand})"


ARITHMETIC_OPS = ("+", "-", "*", "/", "%")
COMPARISON_OPS = ("=", "<>", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Binary(BoundExpr):
    """Arithmetic (``+ - * / %``), comparison (``= <> < <= > >=``),
    logic (``and``, ``or``) or string concatenation (``||``)."""

    op: str
    left: BoundExpr
    right: BoundExpr
    type: DataType

    def children(self):
        return (self.left, self.right)

    def __str__(self) -> str:
        return f"({self.left} {self.op.upper()} {self.right})"


@dataclass(frozen=True)
class IsNull(BoundExpr):
    operand: BoundExpr
    negated: bool = False
    type: DataType = BOOLEAN

    def children(self):
        return (self.operand,)

    def __str__(self) -> str:
        return f"({self.operand} IS {'NOT ' if self.negated else ''}NULL)"


@dataclass(frozen=True)
class Case(BoundExpr):
    """Searched CASE (the binder rewrites the simple form): ``whens`` is a
    tuple of ``(condition, result)``; ``else_`` is a :class:`Const` NULL when
    absent. All results have ``type``."""

    whens: tuple
    else_: BoundExpr
    type: DataType

    def children(self):
        return tuple(x for w in self.whens for x in w) + (self.else_,)

    def __str__(self) -> str:
        body = " ".join(f"WHEN {c} THEN {r}" for c, r in self.whens)
        return f"CASE {body} ELSE {self.else_} END"


@dataclass(frozen=True)
class Cast(BoundExpr):
    operand: BoundExpr
    type: DataType
    explicit: bool = False  # written in the query (CAST / ::), not added by the binder to match types

    def children(self):
        return (self.operand,)

    def __str__(self) -> str:
        return f"({self.operand})::{self.type.sql().lower()}"


@dataclass(frozen=True)
class InList(BoundExpr):
    """``operand [NOT] IN (items)``; items share the operand's type."""

    operand: BoundExpr
    items: tuple
    negated: bool = False
    type: DataType = BOOLEAN

    def children(self):
        return (self.operand,) + tuple(self.items)

    def __str__(self) -> str:
        return f"({self.operand} {'NOT ' if self.negated else ''}IN ({', '.join(map(str, self.items))}))"


@dataclass(frozen=True)
class Like(BoundExpr):
    """``operand [NOT] LIKE|ILIKE pattern``; ``pattern`` is usually a Const
    string; ``escape`` a single character or None."""

    operand: BoundExpr
    pattern: BoundExpr
    negated: bool = False
    case_insensitive: bool = False
    escape: Optional[str] = "\\"
    type: DataType = BOOLEAN

    def children(self):
        return (self.operand, self.pattern)

    def __str__(self) -> str:
        op = ("NOT " if self.negated else "") + ("ILIKE" if self.case_insensitive else "LIKE")
        return f"({self.operand} {op} {self.pattern})"


@dataclass(frozen=True)
class Func(BoundExpr):
    """A scalar function by canonical lower-case name. The evaluator's
    function table (``columnar.exec.functions``) lists the supported names:
    ``coalesce``, ``nullif``, ``abs``, ``round``, ``upper``, ``lower``,
    ``length``, ``substring``, ``btrim``/``ltrim``/``rtrim``, ``position``,
    ``extract_<field>`` (year, month, day, quarter, week, dow, doy, hour,
    minute, second, epoch), ``date_add_interval`` (date/timestamp + Interval
    → TIMESTAMP), ``date_add_days`` (DATE + integer → DATE),
    ``date_diff_days`` (DATE - DATE → INTEGER) ..."""

    name: str
    args: tuple
    type: DataType

    def children(self):
        return tuple(self.args)

    def __str__(self) -> str:
        return f"{self.name}({', '.join(map(str, self.args))})"


def walk(expr: BoundExpr):
    """Yield ``expr`` and all its descendants, depth first."""
    yield expr
    for c in expr.children():
        yield from walk(c)


def columns_used(expr: BoundExpr) -> set[int]:
    """Input column positions an expression reads.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> e = Binary("+", ColumnIndex(0, INTEGER), ColumnIndex(2, INTEGER), INTEGER)
        >>> sorted(columns_used(e))
        [0, 2]
    """
    return {e.index for e in walk(expr) if isinstance(e, ColumnIndex)}


@dataclass(frozen=True)
class OuterRef(BoundExpr):
    """A column of the enclosing query, referenced from inside a subquery
    (correlation). ``index`` is the column's position in the outer input.
    The ``unnest_subqueries`` rule turns every OuterRef into a join condition."""

    index: int
    type: DataType
    name: str = ""

    def __str__(self) -> str:
        return f"outer.{self.name or self.index}"


@dataclass(frozen=True, eq=False)
class Subquery(BoundExpr):
    """A subquery used as an expression: ``kind`` is ``scalar`` (its one
    value), ``exists`` or ``in`` (``operand IN (subquery)``). ``plan`` is the
    subquery's logical plan (it may contain :class:`OuterRef`). Never executed
    as such: the optimizer rewrites it into a join (``unnest_subqueries``)."""

    kind: str
    plan: object
    operand: Optional[BoundExpr] = None
    negated: bool = False
    type: DataType = BOOLEAN

    def children(self):
        return (self.operand,) if self.operand is not None else ()

    def __str__(self) -> str:
        what = {"scalar": "(subquery)", "exists": "EXISTS (subquery)", "in": f"{self.operand} IN (subquery)"}[self.kind]
        return f"NOT {what}" if self.negated else what
