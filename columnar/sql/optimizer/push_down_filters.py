"""Rule: move filter conjuncts as close to the scans as they can go.

``FROM a, b WHERE a.x = b.x AND a.y > 5`` binds to a Filter over a cross
join; this rule turns the two-sided conjunct into the join's condition (the
cross join becomes an inner join) and pushes ``a.y > 5`` down onto ``a``.
For outer joins only the safe moves are made: a WHERE conjunct on the
preserved side of a LEFT/RIGHT join, and an ON conjunct on the other side.

A conjunct also passes a projection (a derived table, a CTE, a view) when
every column it reads is a plain column of the projection's input, so
``SELECT * FROM (SELECT * FROM t) x WHERE x.a > 5`` still reaches the scan of
``t`` (zone maps, Spectrum partition pruning). Computed columns stay above:
moving ``RANDOM() < 0.5`` would evaluate it twice.
"""

from __future__ import annotations

from columnar.sql.expr import ColumnIndex, columns_used
from columnar.sql.logical import SEMI_KINDS, Aggregate, EnforceSingleRow, Filter, Join, Limit, LogicalPlan, Project, SetOp, Sort, Window
from columnar.sql.rewrite import conjunction, conjuncts, remap_columns, shift_columns


def push_down_filters(plan: LogicalPlan) -> LogicalPlan:
    if isinstance(plan, Filter):
        child = push_down_filters(plan.input)
        if isinstance(child, Filter):
            return push_down_filters(Filter(child.input, conjunction(conjuncts(child.predicate) + conjuncts(plan.predicate))))
        if isinstance(child, Join):
            return _into_join(child, conjuncts(plan.predicate))
        if isinstance(child, SetOp):
            return _into_set_op(child, plan.predicate)
        if isinstance(child, Project):
            return _through_project(child, conjuncts(plan.predicate))
        return Filter(child, plan.predicate)
    if isinstance(plan, Join):
        join = Join(push_down_filters(plan.left), push_down_filters(plan.right), plan.kind, plan.condition)
        if join.kind in ("inner", "left", "right", *SEMI_KINDS) and join.condition is not None:
            return _into_join(Join(join.left, join.right, join.kind, None), [], on=conjuncts(join.condition))
        return join
    if isinstance(plan, (Project, Aggregate, Sort, Limit, EnforceSingleRow, Window)):  # a filter never passes a Window
        plan.input = push_down_filters(plan.input)
    if isinstance(plan, SetOp):
        plan.left, plan.right = push_down_filters(plan.left), push_down_filters(plan.right)
    return plan


def _through_project(project: Project, where: list) -> LogicalPlan:
    plain = {i: e.index for i, e in enumerate(project.exprs) if isinstance(e, ColumnIndex)}
    below = [remap_columns(c, plain) for c in where if columns_used(c) and columns_used(c) <= set(plain)]
    above = [c for c in where if not (columns_used(c) and columns_used(c) <= set(plain))]
    if below:
        project.input = push_down_filters(Filter(project.input, conjunction(below)))
    return Filter(project, conjunction(above)) if above else project


def _into_set_op(setop: SetOp, predicate) -> LogicalPlan:
    """A filter over a set operation filters its inputs instead: both of a
    UNION [ALL] (a row is in the result iff it is in an input), the left one of
    an INTERSECT / EXCEPT (every result row is a left row; filtering the right
    input too could drop a right row equal to a kept left row that the
    predicate tells apart, e.g. by trailing blanks). Positions are the same in
    the inputs and the output, so the predicate moves unchanged."""
    setop.left = push_down_filters(Filter(setop.left, predicate))
    if setop.op == "union":
        setop.right = push_down_filters(Filter(setop.right, predicate))
    else:
        setop.right = push_down_filters(setop.right)
    return setop


def _into_join(join: Join, where: list, on: list | None = None) -> LogicalPlan:
    lw = len(join.left.schema)
    left, right, cond, above = [], [], [], []
    kind = join.kind
    for c in where:
        used = columns_used(c)
        if used and max(used) < lw and kind in ("inner", "cross", "left", *SEMI_KINDS):
            left.append(c)
        elif used and min(used) >= lw and kind in ("inner", "cross", "right"):
            right.append(shift_columns(c, -lw))
        elif kind in ("inner", "cross"):
            cond.append(c)
        else:
            above.append(c)
    for c in on or []:
        used = columns_used(c)
        if used and max(used) < lw and kind in ("inner", "right", "semi"):
            left.append(c)
        elif used and min(used) >= lw and kind in ("inner", "left", *SEMI_KINDS):
            right.append(shift_columns(c, -lw))
        else:
            cond.append(c)
    new_left = push_down_filters(Filter(join.left, conjunction(left))) if left else join.left
    new_right = push_down_filters(Filter(join.right, conjunction(right))) if right else join.right
    all_cond = conjuncts(join.condition) + cond
    if kind == "cross" and all_cond:
        kind = "inner"
    out: LogicalPlan = Join(new_left, new_right, kind, conjunction(all_cond))
    if above:
        out = Filter(out, conjunction(above))
    return out
