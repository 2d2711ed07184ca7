"""Rule: turn subqueries in expressions into joins (decorrelation).

The binder leaves a :class:`~columnar.sql.expr.Subquery` where the SQL has
one; columns of the enclosing query used inside it are
:class:`~columnar.sql.expr.OuterRef`. Running the subquery once per outer row
is out of the question, so this rule (the first of the optimizer) rewrites:

=============================================  ===========================================
SQL (a WHERE / HAVING conjunct)                plan
=============================================  ===========================================
``EXISTS (SELECT .. WHERE t.k = outer.k)``     semi join on ``t.k = outer.k``
``NOT EXISTS (..)``                            anti join
``x IN (SELECT y ..)``                         semi join on ``x = y``
``x NOT IN (SELECT y ..)``                     null-aware anti join (``anti_in``)
``(SELECT agg(..) FROM t)`` (uncorrelated)     cross join with its single row
``(SELECT agg(..) FROM t WHERE t.k = o.k)``    left join with the aggregate grouped by
                                               ``t.k``, on ``t.k = o.k`` (Kim's method)
=============================================  ===========================================

Correlated predicates are pulled up out of the subquery (through its filters,
projections and, for equalities, its aggregate, which gains the correlated
columns as group keys) and become the join condition; predicates that are not
equalities stay in it as a residual (TPC-H Q21's ``l2.l_suppkey <>
l1.l_suppkey``). A scalar subquery with no rows is NULL; one with more than
one row raises, as in Redshift. ``COUNT`` in a correlated scalar subquery
counts 0 for outer rows without a match.

Not supported (a clear NotSupportedError): subqueries under OR or in join
conditions, correlated NOT IN, correlation below a LIMIT/ORDER BY, a
correlated scalar subquery without an aggregate, references two levels out.
"""

from __future__ import annotations

import dataclasses

from columnar.core.errors import NotSupportedError
from columnar.core.types import BIGINT, BOOLEAN, Field
from columnar.sql.expr import Binary, ColumnIndex, Const, Func, OuterRef, Subquery, Unary, columns_used, walk
from columnar.sql.logical import (
    Aggregate, EnforceSingleRow, Filter, Join, Limit, LogicalPlan, Project, Sort, Window,
)
from columnar.sql.rewrite import conjunction, conjuncts, remap_columns, transform


def unnest_subqueries(plan: LogicalPlan) -> LogicalPlan:
    for attr in ("input", "left", "right"):
        child = getattr(plan, attr, None)
        if isinstance(child, LogicalPlan):
            setattr(plan, attr, unnest_subqueries(child))
    if isinstance(plan, Filter) and _has_subquery(plan.predicate):
        return _unnest_filter(plan)
    if isinstance(plan, Project) and any(_has_subquery(e) for e in plan.exprs):
        return _unnest_project(plan)
    for e in _expressions(plan):
        if _has_subquery(e):
            raise NotSupportedError("subqueries are only supported in WHERE, HAVING and the select list")
    return plan


# -- where subqueries are ------------------------------------------------------------------


def _has_subquery(e) -> bool:
    return e is not None and any(isinstance(x, Subquery) for x in walk(e))


def _has_outer(e) -> bool:
    return any(isinstance(x, OuterRef) for x in walk(e))


def _expressions(plan: LogicalPlan) -> list:
    if isinstance(plan, Join):
        return [plan.condition]
    if isinstance(plan, Aggregate):
        return list(plan.groups) + [a.arg for a in plan.aggs]
    if isinstance(plan, Sort):
        return [k.expr for k in plan.keys]
    if isinstance(plan, Window):
        return [e for c in plan.calls for e in c.expressions()]
    return []


# -- WHERE / HAVING ----------------------------------------------------------------------------


def _unnest_filter(f: Filter) -> LogicalPlan:
    width = len(f.input.schema)
    state = {"plan": f.input}
    keep = []
    for c in conjuncts(f.predicate):
        if not _has_subquery(c):
            keep.append(c)
            continue
        found = _as_semi_predicate(c)
        if found is not None:
            state["plan"] = _semi_join(state["plan"], *found)
            continue
        keep.append(_replace_scalars(c, state))
    out = state["plan"]
    if keep:
        out = Filter(out, conjunction(keep))
    if len(out.schema) != width:  # drop the columns the scalar joins added
        out = Project(out, [ColumnIndex(i, fld.type, fld.name) for i, fld in enumerate(f.input.schema)],
                      list(f.input.schema))
    return out


def _unnest_project(p: Project) -> LogicalPlan:
    state = {"plan": p.input}
    exprs = [_replace_scalars(e, state) if _has_subquery(e) else e for e in p.exprs]
    return Project(state["plan"], exprs, p.schema)


def _as_semi_predicate(c):
    """``(subquery, negated)`` when ``c`` is [NOT] EXISTS / [NOT] IN, else None."""
    negate = False
    while isinstance(c, Unary) and c.op == "not":
        c, negate = c.operand, not negate
    if isinstance(c, Subquery) and c.kind in ("exists", "in"):
        return c, c.negated != negate
    return None


def _semi_join(plan: LogicalPlan, s: Subquery, negated: bool) -> LogicalPlan:
    width = len(plan.schema)
    sub = unnest_subqueries(s.plan)
    if s.kind == "exists":
        body = sub.input if isinstance(sub, Project) else sub  # EXISTS ignores the select list
        body, corr, _ = _pull_correlation(body)
        cond = [_rebind(c, width) for c in corr]
        if not cond:
            body = Limit(body, 1)  # uncorrelated: one row says it all
        return Join(plan, body, "anti" if negated else "semi", conjunction(cond))
    body, corr, _ = _pull_correlation(sub)
    if negated and corr:
        raise NotSupportedError("correlated NOT IN subqueries are not supported; use NOT EXISTS")
    value = ColumnIndex(width, body.schema[0].type, body.schema[0].name)
    cond = [Binary("=", s.operand, value, BOOLEAN)] + [_rebind(c, width) for c in corr]
    return Join(plan, body, "anti_in" if negated else "semi", conjunction(cond))


# -- scalar subqueries -----------------------------------------------------------------------------


def _replace_scalars(expr, state: dict):
    """Join every scalar subquery of ``expr`` to ``state["plan"]``; the
    subquery becomes a reference to the joined value column."""

    def fn(e):
        if not isinstance(e, Subquery):
            return e
        if e.kind != "scalar":
            raise NotSupportedError("EXISTS / IN subqueries are only supported as conditions of WHERE or HAVING")
        plan = state["plan"]
        width = len(plan.schema)
        sub = unnest_subqueries(e.plan)
        body, corr, grouped = _pull_correlation(sub)
        value = ColumnIndex(width, body.schema[0].type, body.schema[0].name)
        if not corr:
            state["plan"] = Join(plan, EnforceSingleRow(body), "cross")
            return value
        if not grouped:
            raise NotSupportedError("a correlated scalar subquery must compute an aggregate")
        state["plan"] = Join(plan, body, "left", conjunction([_rebind(c, width) for c in corr]))
        if _is_count(sub):  # no matching rows: COUNT is 0, not NULL
            return Func("coalesce", (value, Const(0, BIGINT)), value.type)
        return value

    return transform(expr, fn)


def _is_count(sub: LogicalPlan) -> bool:
    if not (isinstance(sub, Project) and isinstance(sub.input, Aggregate)):
        return False
    e, agg = sub.exprs[0], sub.input
    return (isinstance(e, ColumnIndex) and e.index >= len(agg.groups)
            and agg.aggs[e.index - len(agg.groups)].func in ("count", "count_star", "approx_count_distinct"))


# -- pulling correlation up ---------------------------------------------------------------------------


def _pull_correlation(plan: LogicalPlan):
    """``(plan', correlated conjuncts over plan' output, grouped)``: the plan
    without its correlated predicates, which now reference plan' columns (and
    OuterRefs); ``grouped`` tells an aggregate was keyed on the correlation."""
    plan, corr, _mapping, grouped = _pull(plan)
    if any(_plan_has_outer(n) for n in _nodes(plan)):
        raise NotSupportedError("this correlated subquery is not supported (correlation in a join condition "
                                "or below LIMIT / ORDER BY)")
    return plan, corr, grouped


def _pull(plan: LogicalPlan):
    """Returns (plan', corr, mapping old output position -> new, grouped)."""
    if isinstance(plan, Filter):
        inner, corr, mapping, grouped = _pull(plan.input)
        pred = remap_columns(plan.predicate, mapping) if mapping else plan.predicate
        own = [c for c in conjuncts(pred) if _has_outer(c)]
        rest = [c for c in conjuncts(pred) if not _has_outer(c)]
        out = Filter(inner, conjunction(rest)) if rest else inner
        return out, corr + own, mapping, grouped
    if isinstance(plan, Project):
        inner, corr, mapping, grouped = _pull(plan.input)
        if not corr:
            return plan, [], None, grouped
        exprs = [remap_columns(e, mapping) if mapping else e for e in plan.exprs]
        used = sorted(set().union(*(columns_used(c) for c in corr)))
        extra = [ColumnIndex(u, inner.schema[u].type, inner.schema[u].name) for u in used]
        position = {u: len(exprs) + k for k, u in enumerate(used)}
        fields = list(plan.schema) + [Field(f"?corr{k}", x.type) for k, x in enumerate(extra)]
        return Project(inner, exprs + extra, fields), [remap_columns(c, position) for c in corr], None, grouped
    if isinstance(plan, Aggregate):
        inner, corr, mapping, _ = _pull(plan.input)
        if not corr:
            return plan, [], None, False
        groups = [remap_columns(g, mapping) if mapping else g for g in plan.groups]
        aggs = list(plan.aggs)
        if mapping:
            aggs = [a if a.arg is None else dataclasses.replace(a, arg=remap_columns(a.arg, mapping)) for a in aggs]
        ng = len(groups)
        new_corr = []
        for c in corr:
            inner_side, outer_side = _split_equality(c)
            if inner_side not in groups:
                groups.append(inner_side)
            new_corr.append(Binary("=", ColumnIndex(groups.index(inner_side), inner_side.type, str(inner_side)),
                                   outer_side, BOOLEAN))
        k = len(groups) - ng
        schema = [Field(str(g), g.type) for g in groups] + list(plan.schema[ng:])
        moved = {i: i for i in range(ng)}
        moved.update({ng + j: ng + k + j for j in range(len(aggs))})
        return Aggregate(inner, groups, aggs, schema), new_corr, moved, True
    return plan, [], None, False


def _split_equality(c):
    """``inner_expr = outer_expr`` as (inner side, outer side)."""
    if isinstance(c, Binary) and c.op == "=":
        for a, b in ((c.left, c.right), (c.right, c.left)):
            if not _has_outer(a) and columns_used(a) and not columns_used(b) and _has_outer(b):
                return a, b
    raise NotSupportedError(f"a correlated aggregate subquery needs equality conditions, got {c}")


def _rebind(c, width: int):
    """A pulled-up predicate as a join condition: subquery columns after the
    outer ones, OuterRefs as outer columns."""

    def fn(e):
        if isinstance(e, ColumnIndex):
            return ColumnIndex(width + e.index, e.type, e.name)
        if isinstance(e, OuterRef):
            return ColumnIndex(e.index, e.type, e.name)
        return e

    return transform(c, fn)


def _nodes(plan: LogicalPlan):
    yield plan
    for c in plan.children():
        yield from _nodes(c)


def _plan_has_outer(node: LogicalPlan) -> bool:
    exprs = _expressions(node)
    if isinstance(node, Filter):
        exprs = [node.predicate]
    elif isinstance(node, Project):
        exprs = list(node.exprs)
    return any(e is not None and _has_outer(e) for e in exprs)
