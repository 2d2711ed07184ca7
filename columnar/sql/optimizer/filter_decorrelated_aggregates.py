"""Rule: aggregate a decorrelated subquery only over the keys the query can use.

Unnesting a correlated scalar subquery (Kim's method, see
:mod:`.unnest_subqueries`) groups the subquery's whole table by the
correlated columns and LEFT JOINs the result back: TPC-H Q17 averages
``l_quantity`` for all 200,000 parts, although only the 204 parts of
``Brand#23`` in a ``MED BOX`` can ever meet the outer query; Q20 sums a
year of lineitem for 543,000 (part, supplier) pairs and uses 8,500 of them.

This rule passes the outer keys sideways ("magic sets", DuckDB's delim join in
spirit): the aggregate's input gets a semi join with the small, filtered
input of the outer query that the correlated column comes from. Rows of
groups no outer row can match never reach the aggregate; groups that can
match keep all their rows, so every result is unchanged.

When it applies: a LEFT JOIN whose right side is an aggregate (under
column-only projections) joined only by equalities between outer columns and
its group keys, where each outer column traces back (through projections,
filters, inner joins and semi joins, never an outer join's nullable side) to
one *cheap filtered input*: a filtered scan, or a scan reduced by semi joins,
without aggregates or inner joins (it is read a second time). A bare scan
would pass every key and is left alone.
"""

from __future__ import annotations

import dataclasses

from columnar.core.types import BOOLEAN
from columnar.sql.expr import Binary, ColumnIndex
from columnar.sql.logical import Aggregate, Filter, Join, LogicalPlan, Project, Scan
from columnar.sql.rewrite import conjunction, conjuncts


def filter_decorrelated_aggregates(plan: LogicalPlan) -> LogicalPlan:
    for attr in ("input", "left", "right"):
        child = getattr(plan, attr, None)
        if isinstance(child, LogicalPlan):
            setattr(plan, attr, filter_decorrelated_aggregates(child))
    if isinstance(plan, Join) and plan.kind == "left":
        new_right = _filtered_right(plan)
        if new_right is not None:
            plan.right = new_right
    return plan


def _filtered_right(join: Join) -> LogicalPlan | None:
    """The join's right side with the semi join added, or None."""
    lw = len(join.left.schema)
    agg, to_agg = _aggregate_below(join.right)
    if agg is None:
        return None
    pairs = []  # (left column, aggregate group position)
    for c in conjuncts(join.condition):
        if not (isinstance(c, Binary) and c.op == "=" and isinstance(c.left, ColumnIndex)
                and isinstance(c.right, ColumnIndex)):
            return None
        a, b = c.left.index, c.right.index
        if a >= lw:
            a, b = b, a
        if a >= lw or b < lw:
            return None
        g = to_agg.get(b - lw)
        if g is None or g >= len(agg.groups):
            return None
        pairs.append((a, g))
    if not pairs:
        return None
    found = [_source(join.left, a) for a, _ in pairs]
    if any(f is None for f in found) or any(f[0] is not found[0][0] for f in found):
        return None  # the keys must come from one input
    source = found[0][0]
    if not _cheap_and_filtered(source):
        return None
    keys = _clone(source)
    width = len(agg.input.schema)
    cond = conjunction([
        Binary("=", agg.groups[g], ColumnIndex(width + pos, keys.schema[pos].type, keys.schema[pos].name), BOOLEAN)
        for (_, g), (_, pos) in zip(pairs, found)])
    new_agg = dataclasses.replace(agg, input=Join(agg.input, keys, "semi", cond))
    return _replace_aggregate(join.right, new_agg)


def _source(plan: LogicalPlan, pos: int) -> tuple[LogicalPlan, int] | None:
    """(the input whose column holds every value of ``plan``'s column ``pos``,
    that column's position), or None."""
    while True:
        if isinstance(plan, Project):
            e = plan.exprs[pos]
            if not isinstance(e, ColumnIndex):
                return None
            plan, pos = plan.input, e.index
        elif isinstance(plan, Join) and plan.kind in ("inner", "cross", "left"):
            lw = len(plan.left.schema)
            if pos < lw:
                plan = plan.left
            elif plan.kind == "left":
                return None  # the nullable side: NULL-extended rows
            else:
                plan, pos = plan.right, pos - lw
        elif isinstance(plan, Filter) and not _is_scan_chain(plan):
            plan = plan.input  # a filter above joins (an earlier subquery's comparison): its input holds the values
        elif isinstance(plan, (Filter, Scan)) or (isinstance(plan, Join) and plan.kind in ("semi", "anti", "anti_in")):
            return plan, pos
        else:
            return None


def _cheap_and_filtered(plan: LogicalPlan) -> bool:
    """A filtered scan or a scan under semi/anti joins (whose other sides are cheap too)."""
    if isinstance(plan, Scan):
        return False
    node, filtered = plan, False
    while True:
        if isinstance(node, Filter):
            node, filtered = node.input, True
        elif isinstance(node, Project):
            node = node.input
        elif isinstance(node, Join) and node.kind in ("semi", "anti", "anti_in"):
            if not _is_scan_chain(node.right):
                return False
            node, filtered = node.left, True
        else:
            return isinstance(node, Scan) and filtered


def _is_scan_chain(plan: LogicalPlan) -> bool:
    while isinstance(plan, (Filter, Project)):
        plan = plan.input
    return isinstance(plan, Scan)


def _aggregate_below(plan: LogicalPlan):
    """The Aggregate under column-only projections, and a map from the plan's
    output positions to the aggregate's; (None, None) if there is none."""
    mapping = {i: i for i in range(len(plan.schema))}
    while isinstance(plan, Project):
        mapping = {i: plan.exprs[j].index for i, j in mapping.items() if isinstance(plan.exprs[j], ColumnIndex)}
        plan = plan.input
    if not isinstance(plan, Aggregate) or not plan.groups:
        return None, None
    return plan, mapping


def _replace_aggregate(plan: LogicalPlan, new_agg: Aggregate) -> LogicalPlan:
    if isinstance(plan, Project):
        return dataclasses.replace(plan, input=_replace_aggregate(plan.input, new_agg))
    return new_agg


def _clone(plan: LogicalPlan) -> LogicalPlan:
    """A copy of the plan nodes (tables and expressions are shared, not copied)."""
    changes = {attr: _clone(getattr(plan, attr)) for attr in ("input", "left", "right")
               if isinstance(getattr(plan, attr, None), LogicalPlan)}
    return dataclasses.replace(plan, **changes)


__all__ = ["filter_decorrelated_aggregates"]
