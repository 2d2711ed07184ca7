"""Binding window functions: ``f(...) OVER (PARTITION BY .. ORDER BY .. frame)`` and QUALIFY.

Role: the window half of the binder. :class:`WindowBinder` is a mixin of
:class:`columnar.sql.binder.Binder`. Window functions are evaluated after
WHERE, GROUP BY and HAVING and before DISTINCT, ORDER BY and LIMIT, so they
may appear only in the select list, ORDER BY and QUALIFY. While those clauses
are bound, :meth:`WindowBinder._window` binds each call against the
post-aggregation scope (arguments, PARTITION BY and ORDER BY may use group
columns and aggregates, lifted exactly as the select list is), collects a
:class:`~columnar.sql.logical.WindowCall` and returns a :class:`WindowRef`
placeholder. :meth:`WindowBinder._close_windows` then puts one
:class:`~columnar.sql.logical.Window` node above the Aggregate / HAVING
filter (or above WHERE), turns the placeholders into column references to
its extra columns, and adds QUALIFY as a Filter above it::

    ... → Aggregate → Filter (HAVING) → Window → Filter (QUALIFY) → Project → Sort → Limit

Functions and result types (Redshift's): ROW_NUMBER, RANK, DENSE_RANK, NTILE(n)
and COUNT are BIGINT; PERCENT_RANK and CUME_DIST DOUBLE PRECISION; SUM / AVG /
MIN / MAX as the aggregates (AVG of integers is a truncated BIGINT, DECIMAL keeps
its scale); LAG / LEAD (value [, offset [, default]]), FIRST_VALUE, LAST_VALUE
and NTH_VALUE(value, n) the value's type (LAG/LEAD's default is cast to it).

Frames (the raw text of the AST's ``WindowSpec.frame``, parsed by
:func:`parse_frame`): ``ROWS`` with any of UNBOUNDED PRECEDING, n PRECEDING,
CURRENT ROW, n FOLLOWING, UNBOUNDED FOLLOWING as bounds (also the short form
``ROWS <start>``, ending at CURRENT ROW); ``RANGE`` only as ``UNBOUNDED
PRECEDING AND CURRENT ROW`` (peers of the current row included) or ``UNBOUNDED
PRECEDING AND UNBOUNDED FOLLOWING``; anything else is NotSupportedError. (Redshift
documents ROWS frames only; the two RANGE frames are the SQL-standard defaults.)
The default frame is the whole partition without ORDER BY and RANGE UNBOUNDED
PRECEDING AND CURRENT ROW with it - but as in Redshift, an aggregate window
function (and FIRST_VALUE / LAST_VALUE / NTH_VALUE) with an ORDER BY must state
its frame: "Aggregate window functions with an ORDER BY clause require a frame
clause". Ranking functions and LAG / LEAD require an ORDER BY and ignore a frame.

Simplified versus Redshift: no IGNORE NULLS, no DISTINCT inside a window
aggregate, no RATIO_TO_REPORT / MEDIAN / STDDEV / LISTAGG as window functions,
and QUALIFY cannot refer to select-list aliases.
"""

from __future__ import annotations

import dataclasses

from columnar.core.errors import BinderError, NotSupportedError
from columnar.core.types import BIGINT, DOUBLE, DataType, Field, TypeId
from columnar.sql import ast
from columnar.sql import bind_expr as bx
from columnar.sql.expr import BoundExpr, ColumnIndex, Const
from columnar.sql.logical import (
    AGGREGATE_WINDOW_FUNCTIONS, OFFSET_WINDOW_FUNCTIONS, RANKING_WINDOW_FUNCTIONS, VALUE_WINDOW_FUNCTIONS,
    Filter, LogicalPlan, SortKey, Window, WindowCall, WindowFrame,
)
from columnar.sql.rewrite import transform

WINDOW_FUNCTIONS = RANKING_WINDOW_FUNCTIONS | OFFSET_WINDOW_FUNCTIONS | VALUE_WINDOW_FUNCTIONS | {
    "sum", "avg", "count", "min", "max"}
WHOLE_PARTITION = WindowFrame("rows", None, None)
RUNNING_WITH_PEERS = WindowFrame("range", None, 0)


class WindowRef(BoundExpr):
    """Placeholder for the j-th window call of the query block (binder-internal)."""

    def __init__(self, index: int, type: DataType):
        self.index, self.type = index, type

    def __eq__(self, other):
        return isinstance(other, WindowRef) and other.index == self.index

    def __hash__(self):
        return hash(("window", self.index))

    def __str__(self) -> str:
        return f"window#{self.index}"


class WindowBinder:
    """Window binding, mixed into :class:`~columnar.sql.binder.Binder` (uses the
    host's ``expr`` and ``error``). ``_window_ctx`` is ``(calls, lift)`` while
    the clauses that may hold window calls are bound, else None."""

    _window_ctx = None

    def _check_no_windows(self, s: ast.Select) -> None:
        """Window calls are not allowed in WHERE, GROUP BY and HAVING."""
        clauses = [(s.where, "WHERE"), (s.having, "HAVING")] + [(g, "GROUP BY") for g in s.group_by]
        for node, what in clauses:
            if node is not None and has_window(node):
                raise self.error(BinderError, f"window functions are not allowed in {what}", getattr(node, "pos", None))

    def _open_windows(self, lift) -> None:
        self._window_ctx = ([], lift)

    def _window(self, node: ast.FunctionCall, name: str, scope, aggs, err) -> BoundExpr:
        if self._window_ctx is None:
            raise err(BinderError, "window functions are not allowed here")
        calls, lift = self._window_ctx
        if name not in WINDOW_FUNCTIONS:
            raise err(NotSupportedError, f"{name} is not supported as a window function")
        if node.distinct:
            raise err(NotSupportedError, "DISTINCT is not supported in window functions")
        if node.within_group or node.approximate:
            raise err(BinderError, f"WITHIN GROUP / APPROXIMATE are not allowed in window function {name}")
        self._window_ctx = None  # window calls do not nest

        def bind(e):
            bound = self.expr(e, scope, aggs)
            return lift(bound, e) if lift is not None else bound

        try:
            args = [bind(a) for a in node.args]
            spec = node.over
            partition = tuple(bind(p) for p in spec.partition_by)
            order = tuple(SortKey(bind(o.expr), o.desc, o.desc if o.nulls_first is None else o.nulls_first)
                          for o in spec.order_by)
        finally:
            self._window_ctx = (calls, lift)
        for k in order:
            if k.expr.type.id is TypeId.INTERVAL:
                raise err(BinderError, "could not identify an ordering operator for type interval")
        call = self._window_call(node, name, args, partition, order, err)
        if call in calls:
            j = calls.index(call)
        else:
            calls.append(call)
            j = len(calls) - 1
        return WindowRef(j, call.type)

    def _window_call(self, node, name, args, partition, order, err) -> WindowCall:
        spec = node.over
        if name in RANKING_WINDOW_FUNCTIONS or name in OFFSET_WINDOW_FUNCTIONS:
            if not order:
                raise err(BinderError, f"window function {name} requires an ORDER BY clause")
            if name == "ntile":
                if len(args) != 1:
                    raise err(BinderError, "function ntile takes exactly one argument")
                args = [_positive_constant(args[0], "the argument of ntile", err)]
                return WindowCall(name, tuple(args), partition, order, None, BIGINT)
            if name in OFFSET_WINDOW_FUNCTIONS:
                return self._offset_call(name, args, partition, order, err)
            if args:
                raise err(BinderError, f"function {name} takes no arguments")
            t = DOUBLE if name in ("percent_rank", "cume_dist") else BIGINT
            return WindowCall(name, (), partition, order, None, t)
        if order and spec.frame is None:
            raise err(BinderError, "Aggregate window functions with an ORDER BY clause require a frame clause")
        frame = parse_frame(spec.frame, err) if spec.frame is not None else (
            RUNNING_WITH_PEERS if order else WHOLE_PARTITION)
        if name in VALUE_WINDOW_FUNCTIONS:
            want = 2 if name == "nth_value" else 1
            if len(args) != want:
                raise err(BinderError, f"function {name} takes {'two arguments' if want == 2 else 'exactly one argument'}")
            if name == "nth_value":
                args[1] = _positive_constant(args[1], "the second argument of nth_value", err)
            t = _value_type(args[0])
            return WindowCall(name, (bx.cast_to(args[0], t),) + tuple(args[1:]), partition, order, frame, t)
        if node.star:
            return WindowCall("count_star", (), partition, order, frame, BIGINT)
        if len(args) != 1:
            raise err(BinderError, f"function {name} takes exactly one argument")
        agg = self._simple_aggregate(node, name, bx.AGGREGATES[name], args[0], err)
        assert agg.func in AGGREGATE_WINDOW_FUNCTIONS
        return WindowCall(agg.func, (agg.arg,), partition, order, frame, agg.type)

    @staticmethod
    def _offset_call(name, args, partition, order, err) -> WindowCall:
        if not 1 <= len(args) <= 3:
            raise err(BinderError, f"function {name} takes one to three arguments")
        t = _value_type(args[0])
        value = bx.cast_to(args[0], t)
        offset = Const(1, BIGINT)
        if len(args) > 1:
            offset = args[1]
            if not (isinstance(offset, Const) and offset.type.is_integer and offset.value is not None
                    and offset.value >= 0):
                raise err(BinderError, f"the offset of {name} must be a non-negative integer constant")
        default = Const(None, t)
        if len(args) > 2:
            default = args[2]
            if not isinstance(default, Const):
                raise err(NotSupportedError, f"the default of {name} must be a constant")
            default = bx.cast_to(default, t)
        return WindowCall(name, (value, offset, default), partition, order, None, t)

    def _close_windows(self, plan: LogicalPlan, qualify, exprs: list, order_exprs: list):
        """Put the Window node (and QUALIFY's Filter) above ``plan``; returns the new
        plan and the select / ORDER BY expressions with placeholders resolved."""
        calls = self._window_ctx[0] if self._window_ctx is not None else []
        self._window_ctx = None
        if not calls:
            if qualify is not None:
                plan = Filter(plan, qualify)
            return plan, exprs, order_exprs
        width = len(plan.schema)
        schema = list(plan.schema) + [Field(c.func if c.func != "count_star" else "count", c.type) for c in calls]
        plan = Window(plan, list(calls), schema)

        def resolve(e):
            if not isinstance(e, BoundExpr):
                return e  # an ORDER BY position
            return transform(e, lambda x: ColumnIndex(width + x.index, x.type, schema[width + x.index].name)
                             if isinstance(x, WindowRef) else x)

        if qualify is not None:
            plan = Filter(plan, resolve(qualify))
        return plan, [resolve(e) for e in exprs], [resolve(e) for e in order_exprs]


def _value_type(e: BoundExpr) -> DataType:
    return DataType.varchar(256) if e.type.is_null else e.type


def _positive_constant(e: BoundExpr, what: str, err) -> Const:
    if not (isinstance(e, Const) and e.type.is_integer and e.value is not None and e.value > 0):
        raise err(BinderError, f"{what} must be a positive integer constant")
    return e


def parse_frame(text: str, err) -> WindowFrame:
    """A frame's text (as the parser normalised it) to a :class:`WindowFrame`.

    Example:
        >>> str(parse_frame("ROWS BETWEEN 2 PRECEDING AND CURRENT ROW", None))
        'ROWS BETWEEN 2 PRECEDING AND CURRENT ROW'
        >>> parse_frame("ROWS UNBOUNDED PRECEDING", None)
        WindowFrame(mode='rows', start=None, end=0)
    """
    words = text.upper().split()
    mode = words[0].lower()
    if len(words) > 1 and words[1] == "BETWEEN":
        rest = " ".join(words[2:])
        lo_text, _, hi_text = rest.partition(" AND ")
    else:
        lo_text, hi_text = " ".join(words[1:]), "CURRENT ROW"

    def bound(t: str, is_start: bool):
        if t == "CURRENT ROW":
            return 0
        n, _, side = t.partition(" ")
        if n == "UNBOUNDED":
            if (side == "PRECEDING") != is_start:
                raise _frame_error(err, BinderError, f"frame {'start' if is_start else 'end'} cannot be UNBOUNDED {side}")
            return None
        return -int(n) if side == "PRECEDING" else int(n)

    frame = WindowFrame(mode, bound(lo_text, True), bound(hi_text, False))
    if mode == "range" and (frame.start is not None or frame.end not in (0, None)):
        raise _frame_error(err, NotSupportedError,
                           "only RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW | UNBOUNDED FOLLOWING is supported")
    return frame


def _frame_error(err, cls, message):
    return cls(message) if err is None else err(cls, message)


def has_window(node) -> bool:
    """Does an AST expression call a window function (outside subqueries)?"""
    if isinstance(node, ast.FunctionCall) and node.over is not None:
        return True
    if isinstance(node, (ast.ScalarSubquery, ast.Exists, ast.InSubquery, ast.Select)):
        return False
    if isinstance(node, tuple):
        return any(has_window(x) for x in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return any(has_window(getattr(node, f.name)) for f in dataclasses.fields(node))
    return False


__all__ = ["WindowBinder", "WindowRef", "has_window", "parse_frame"]
