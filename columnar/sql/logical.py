"""The logical plan: what to compute, with no word about where rows live.

Role: the binder builds these nodes; optimizer rules rewrite them; the
physical planner (``columnar.exec.physical_planner``) turns them into
operators with distribution (exchanges, DS_* labels). Keeping distribution
out of this IR is deliberate: it is the one thing the physical plan teaches.

Every node has an output ``schema`` (a list of :class:`Field`). Bound
expressions inside a node refer to columns of the node's *input* by position;
for a :class:`Join` the input is the left schema followed by the right one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from columnar.core.types import DataType, Field
from columnar.sql.expr import BoundExpr


class LogicalPlan:
    schema: list

    def children(self) -> list["LogicalPlan"]:
        return []

    def describe(self) -> str:
        return type(self).__name__

    @property
    def types(self) -> list[DataType]:
        return [f.type for f in self.schema]


@dataclass(eq=False)
class Scan(LogicalPlan):
    """Read ``columns`` (positions in the table) of a stored table."""

    table: object  # columnar.storage.table.Table
    columns: list
    schema: list
    alias: str = ""

    def describe(self) -> str:
        names = ", ".join(f.name for f in self.schema)
        return f"Scan {self.table.name}" + (f" AS {self.alias}" if self.alias and self.alias != self.table.name else "") + f" [{names}]"


@dataclass(eq=False)
class OneRow(LogicalPlan):
    """A single row with no columns: the input of SELECT without FROM."""

    schema: list = field(default_factory=list)

    def describe(self) -> str:
        return "OneRow"


@dataclass(eq=False)
class ValuesList(LogicalPlan):
    """Literal rows (``VALUES (..), (..)``); each row is a list of constant expressions."""

    rows: list
    schema: list

    def describe(self) -> str:
        return f"Values ({len(self.rows)} rows)"


@dataclass(eq=False)
class Filter(LogicalPlan):
    input: LogicalPlan
    predicate: BoundExpr

    @property
    def schema(self):
        return self.input.schema

    def children(self):
        return [self.input]

    def describe(self) -> str:
        return f"Filter {self.predicate}"


@dataclass(eq=False)
class Project(LogicalPlan):
    input: LogicalPlan
    exprs: list
    schema: list

    def children(self):
        return [self.input]

    def describe(self) -> str:
        return "Project " + ", ".join(f"{e} AS {f.name}" for e, f in zip(self.exprs, self.schema))


SEMI_KINDS = ("semi", "anti", "anti_in")  # joins that output only their left input


@dataclass(eq=False)
class Join(LogicalPlan):
    """``kind`` is inner/left/right/full/cross, or one of the joins that
    subqueries become: ``semi`` (EXISTS / IN: left rows with a match),
    ``anti`` (NOT EXISTS: left rows without one) and ``anti_in`` (NOT IN:
    like anti, but a NULL in the right side's key means no row qualifies, and
    a NULL left key qualifies only against an empty right side). Semi and anti
    joins output the left columns only. ``condition`` is over the
    concatenated input schema. The optimizer fills ``equi_keys`` (pairs of
    expressions over the left and the right input) and leaves the rest of the
    condition in ``residual``."""

    left: LogicalPlan
    right: LogicalPlan
    kind: str
    condition: Optional[BoundExpr] = None
    equi_keys: list = field(default_factory=list)
    residual: Optional[BoundExpr] = None

    @property
    def schema(self):
        if self.kind in SEMI_KINDS:
            return self.left.schema
        return self.left.schema + self.right.schema

    def children(self):
        return [self.left, self.right]

    def describe(self) -> str:
        cond = f" ON {self.condition}" if self.condition is not None else ""
        return f"Join {self.kind.upper()}{cond}"


# Aggregates that need every row of a group in one place (one phase, after
# redistributing on a group key or gathering at the leader), as DISTINCT does.
ORDERED_AGGREGATES = frozenset({"listagg", "median", "percentile_cont", "percentile_disc"})
# "compute-node only" functions: Redshift refuses them unless the query reads a table.
COMPUTE_NODE_ONLY = ORDERED_AGGREGATES


@dataclass(frozen=True)
class OrderedArg(BoundExpr):
    """The argument of ``LISTAGG(value) WITHIN GROUP (ORDER BY keys)``.

    The value and its sort keys form one expression so that every rule which
    rewrites an aggregate's ``arg`` (column pruning renumbers it) also sees
    the columns the ordering reads. Only HashAggregate looks inside; it is
    never evaluated as a whole. ``desc`` and ``nulls_first`` hold one bool per key.
    """

    value: BoundExpr
    keys: tuple
    desc: tuple
    nulls_first: tuple
    type: DataType

    def children(self):
        return (self.value,) + tuple(self.keys)

    def order(self) -> tuple:
        return tuple(zip(self.keys, self.desc, self.nulls_first))

    def __str__(self) -> str:
        return f"{self.value} ORDER BY " + ", ".join(_order_text(*o) for o in self.order())


def _order_text(expr, desc: bool, nulls_first: bool) -> str:
    return f"{expr}{' DESC' if desc else ''}{' NULLS FIRST' if nulls_first else ' NULLS LAST'}"


@dataclass(frozen=True)
class AggCall:
    """One aggregate. ``func`` is one of

    * ``count_star``, ``count``, ``sum``, ``avg``, ``min``, ``max``;
    * ``stddev_samp``, ``stddev_pop``, ``var_samp``, ``var_pop`` (DOUBLE PRECISION);
    * ``bool_and``, ``bool_or``;
    * ``approx_count_distinct`` (``APPROXIMATE COUNT(DISTINCT x)``, a HyperLogLog sketch);
    * the ordered aggregates ``median``, ``percentile_cont``, ``percentile_disc``
      (``arg`` is the ORDER BY expression; ``params`` = ``(fraction, descending)``,
      the fraction a :class:`fractions.Fraction`, 1/2 for MEDIAN) and ``listagg``
      (``arg`` the value, or an :class:`OrderedArg` with WITHIN GROUP;
      ``params`` = ``(delimiter,)``).

    ``params`` holds constant parameters only, never expressions over columns.
    """

    func: str
    arg: Optional[BoundExpr]
    distinct: bool
    type: DataType
    params: tuple = ()

    @property
    def needs_all_rows(self) -> bool:
        """Must every row of a group reach one slice (no partial states)?"""
        return self.distinct or self.func in ORDERED_AGGREGATES

    @property
    def within_group(self) -> Optional[tuple]:
        """The sort this aggregate needs, as ``((expr, desc, nulls_first), ...)``,
        or None. Redshift requires all sort-based aggregates of a query to share it
        (MEDIAN sorts on its argument)."""
        if self.func in ("median", "percentile_cont", "percentile_disc"):
            desc = self.params[1]
            return ((self.arg, desc, desc),)
        if self.func == "listagg" and isinstance(self.arg, OrderedArg):
            return self.arg.order()
        return None

    def __str__(self) -> str:
        f = self.func
        if f == "count_star":
            return "count(*)"
        if f == "approx_count_distinct":
            return f"APPROXIMATE count(DISTINCT {self.arg})"
        if f in ("percentile_cont", "percentile_disc"):
            return f"{f}({float(self.params[0])!r}) WITHIN GROUP (ORDER BY {_order_text(*self.within_group[0])})"
        distinct = "DISTINCT " if self.distinct else ""
        if f == "listagg":
            value = self.arg.value if isinstance(self.arg, OrderedArg) else self.arg
            delim = f", {self.params[0]!r}" if self.params and self.params[0] else ""
            order = self.within_group
            tail = f" WITHIN GROUP (ORDER BY {', '.join(_order_text(*o) for o in order)})" if order else ""
            return f"listagg({distinct}{value}{delim}){tail}"
        return f"{f}({distinct}{self.arg})"


def reads_table(plan: "LogicalPlan") -> bool:
    """Does the plan scan a table (a user table or a system view)?"""
    return isinstance(plan, Scan) or any(reads_table(c) for c in plan.children())


@dataclass(eq=False)
class Aggregate(LogicalPlan):
    """GROUP BY ``groups`` computing ``aggs``; output = groups then aggs."""

    input: LogicalPlan
    groups: list
    aggs: list
    schema: list

    def children(self):
        return [self.input]

    def describe(self) -> str:
        g = ", ".join(map(str, self.groups))
        a = ", ".join(map(str, self.aggs))
        return f"Aggregate groups=[{g}] aggs=[{a}]"


@dataclass(eq=False)
class EnforceSingleRow(LogicalPlan):
    """The value of a scalar subquery: exactly one row. No input row gives one
    row of NULLs; more than one is an error (at run time)."""

    input: LogicalPlan

    @property
    def schema(self):
        return self.input.schema

    def children(self):
        return [self.input]

    def describe(self) -> str:
        return "EnforceSingleRow"


@dataclass(frozen=True)
class SortKey:
    expr: BoundExpr
    desc: bool = False
    nulls_first: bool = False

    def __str__(self) -> str:
        return f"{self.expr}{' DESC' if self.desc else ''}{' NULLS FIRST' if self.nulls_first else ' NULLS LAST'}"


@dataclass(eq=False)
class Sort(LogicalPlan):
    input: LogicalPlan
    keys: list

    @property
    def schema(self):
        return self.input.schema

    def children(self):
        return [self.input]

    def describe(self) -> str:
        return "Sort " + ", ".join(map(str, self.keys))


@dataclass(eq=False)
class Limit(LogicalPlan):
    input: LogicalPlan
    limit: Optional[int]
    offset: int = 0

    @property
    def schema(self):
        return self.input.schema

    def children(self):
        return [self.input]

    def describe(self) -> str:
        return f"Limit {self.limit}" + (f" OFFSET {self.offset}" if self.offset else "")


@dataclass(eq=False)
class SetOp(LogicalPlan):
    """``left UNION | INTERSECT | EXCEPT [ALL] right``.

    ``op`` is ``union``, ``intersect`` or ``except``. Both inputs have exactly
    the output's column types (the binder adds the casts), so a column at
    position ``i`` means the same on both sides and in the output; the names
    are the left input's. Rows are compared as wholes, NULL equal to NULL.
    Without ``all`` the result has no duplicates; with it, a row that occurs
    ``l`` times on the left and ``r`` times on the right occurs ``l + r``
    (UNION ALL), ``min(l, r)`` (INTERSECT ALL) or ``max(l - r, 0)`` (EXCEPT
    ALL) times.
    """

    op: str
    all: bool
    left: LogicalPlan
    right: LogicalPlan
    schema: list

    def children(self):
        return [self.left, self.right]

    def describe(self) -> str:
        return f"SetOp {self.op.upper()}{' ALL' if self.all else ''}"


def output_fields(names: list[str], types: list[DataType]) -> list[Field]:
    return [Field(n, t) for n, t in zip(names, types)]


def render(plan: LogicalPlan, indent: int = 0) -> str:
    """Indented text of a logical plan (EXPLAIN VERBOSE's LOGICAL section)."""
    lines = ["  " * indent + plan.describe()]
    for c in plan.children():
        lines.append(render(c, indent + 1))
    return "\n".join(lines)


# Window functions (columnar.sql.bind_windows binds them; columnar.exec.operators.window runs them).
RANKING_WINDOW_FUNCTIONS = frozenset({"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile"})
OFFSET_WINDOW_FUNCTIONS = frozenset({"lag", "lead"})
VALUE_WINDOW_FUNCTIONS = frozenset({"first_value", "last_value", "nth_value"})
AGGREGATE_WINDOW_FUNCTIONS = frozenset({"sum", "avg", "count", "count_star", "min", "max"})


@dataclass(frozen=True)
class WindowFrame:
    """A normalised frame: ``mode`` is ``rows`` or ``range``; ``start`` and
    ``end`` are row offsets from the current row (``-2`` = 2 PRECEDING,
    ``0`` = CURRENT ROW, ``1`` = 1 FOLLOWING), ``None`` = UNBOUNDED. A
    ``range`` frame ending at CURRENT ROW (0) includes the current row's peers."""

    mode: str
    start: Optional[int]
    end: Optional[int]

    def __str__(self) -> str:
        def bound(v, unbounded):
            if v is None:
                return f"UNBOUNDED {unbounded}"
            return "CURRENT ROW" if v == 0 else f"{abs(v)} {'PRECEDING' if v < 0 else 'FOLLOWING'}"

        return f"{self.mode.upper()} BETWEEN {bound(self.start, 'PRECEDING')} AND {bound(self.end, 'FOLLOWING')}"


@dataclass(frozen=True)
class WindowCall:
    """One window function call: ``func`` (lower case; ``count_star`` for
    COUNT(*)), its ``args`` (bound expressions over the Window's input;
    constants for NTILE's n, LAG/LEAD's offset and default, NTH_VALUE's n),
    ``partition_by`` (expressions), ``order_by`` (:class:`SortKey` s), the
    normalised ``frame`` (None for ranking and offset functions) and the
    result ``type``."""

    func: str
    args: tuple
    partition_by: tuple
    order_by: tuple
    frame: Optional[WindowFrame]
    type: DataType

    def expressions(self) -> list:
        return list(self.args) + list(self.partition_by) + [k.expr for k in self.order_by]

    def map_exprs(self, fn) -> "WindowCall":
        """The same call with ``fn`` applied to every expression it holds."""
        return WindowCall(self.func, tuple(fn(a) for a in self.args), tuple(fn(p) for p in self.partition_by),
                          tuple(SortKey(fn(k.expr), k.desc, k.nulls_first) for k in self.order_by),
                          self.frame, self.type)

    def __str__(self) -> str:
        args = "*" if self.func == "count_star" else ", ".join(map(str, self.args))
        name = "count" if self.func == "count_star" else self.func
        over = []
        if self.partition_by:
            over.append("PARTITION BY " + ", ".join(map(str, self.partition_by)))
        if self.order_by:
            over.append("ORDER BY " + ", ".join(map(str, self.order_by)))
        if self.frame is not None:
            over.append(str(self.frame))
        return f"{name}({args}) OVER ({' '.join(over)})"


@dataclass(eq=False)
class Window(LogicalPlan):
    """Window functions over ``input``: the output is the input's columns
    followed by one column per call in ``calls`` (input rows are neither
    added nor removed)."""

    input: LogicalPlan
    calls: list
    schema: list

    def children(self):
        return [self.input]

    def describe(self) -> str:
        return "Window " + ", ".join(map(str, self.calls))
