"""Rule: filter with a subquery's semi or anti join before the joins it sits on.

Unnesting turns ``WHERE o_orderkey IN (SELECT l_orderkey ... HAVING ...)``
into a semi join on top of the whole FROM clause: TPC-H Q18 would join 6M
lineitem rows with orders and customer, and only then keep the 399 rows whose
order qualifies. A semi or anti join only removes rows of its left input, so
it can move down to the input of an inner join that holds every left column
its condition reads, through column-only projections and filters, until it
filters a base input (``orders``: 1.5M rows become 57 before any join).

Only conditions that are plain equalities between the two sides move
(``x IN (..)``, ``EXISTS (.. WHERE t.k = o.k)``, NOT IN, NOT EXISTS).
A condition with a residual (Q21's ``l2.l_suppkey <> l1.l_suppkey``) stays
where it is: its matching rows fan out before the residual is checked, so
it is cheapest over the fewest probe rows, after the joins that reduce them.
Outer joins are not crossed (moving a filter into a LEFT JOIN's right side
would turn removed rows into NULL-extended ones).
"""

from __future__ import annotations

import dataclasses

from columnar.sql.expr import Binary, ColumnIndex, columns_used
from columnar.sql.logical import Filter, Join, LogicalPlan, Project
from columnar.sql.rewrite import conjuncts, remap_columns

_SEMI = ("semi", "anti", "anti_in")


def push_down_semi_joins(plan: LogicalPlan) -> LogicalPlan:
    for attr in ("input", "left", "right"):
        child = getattr(plan, attr, None)
        if isinstance(child, LogicalPlan):
            setattr(plan, attr, push_down_semi_joins(child))
    if isinstance(plan, Join) and plan.kind in _SEMI and _plain_equalities(plan):
        return _push(plan)
    return plan


def _plain_equalities(j: Join) -> bool:
    width = len(j.left.schema)
    parts = conjuncts(j.condition)
    if not parts:
        return False
    for c in parts:
        if not (isinstance(c, Binary) and c.op == "="):
            return False
        sides = [columns_used(c.left), columns_used(c.right)]
        if not all(s and (all(i < width for i in s) or all(i >= width for i in s)) for s in sides):
            return False
        if (min(sides[0]) < width) == (min(sides[1]) < width):
            return False
    return True


def _left_columns(j: Join) -> set:
    width = len(j.left.schema)
    return {i for i in columns_used(j.condition) if i < width}


def _with_left(j: Join, left: LogicalPlan, mapping: dict) -> Join:
    """``j`` over a new left input: left columns renumbered by ``mapping``,
    right columns shifted to follow the new left width."""
    old_w, new_w = len(j.left.schema), len(left.schema)
    full = dict(mapping)
    full.update({old_w + k: new_w + k for k in range(len(j.right.schema))})
    return dataclasses.replace(j, left=left, condition=remap_columns(j.condition, full))


def _push(j: Join) -> LogicalPlan:
    """Move semi join ``j`` as far down its left input as it can go."""
    moved = _below(j)
    return j if moved is None else moved


def _below(j: Join) -> LogicalPlan | None:
    """``j`` moved below the top of its left input, or None when it cannot go
    through an inner join on the way (it then stays above any filter: the
    filter is the cheaper one to run first)."""
    below = j.left
    used = _left_columns(j)
    if isinstance(below, Filter):
        inner = _below(_with_left(j, below.input, {i: i for i in used}))
        return None if inner is None else Filter(inner, below.predicate)
    if isinstance(below, Project) and all(isinstance(below.exprs[i], ColumnIndex) for i in used):
        inner = _below(_with_left(j, below.input, {i: below.exprs[i].index for i in used}))
        return None if inner is None else Project(inner, below.exprs, below.schema)
    if isinstance(below, Join) and below.kind in ("inner", "cross"):
        lw = len(below.left.schema)
        if all(i < lw for i in used):
            return dataclasses.replace(below, left=_push(_with_left(j, below.left, {i: i for i in used})))
        if all(i >= lw for i in used):
            return dataclasses.replace(below, right=_push(_with_left(j, below.right, {i: i - lw for i in used})))
    return None


__all__ = ["push_down_semi_joins"]
