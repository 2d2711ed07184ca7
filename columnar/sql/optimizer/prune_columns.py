"""Rule: read and carry only the columns the query needs.

Walks the plan top-down with the set of column positions each node's parent
needs, narrows every Scan to those columns and renumbers the expressions
above. Columns that only a filter reads are dropped right after it. A join, a gather or a redistribution then moves only live columns:
scanning ``lineitem`` for Q6 touches 4 of its 16 columns.

Set operations: UNION ALL passes the needed positions to both inputs, which
are kept column-aligned (a Project restores the order if an input cannot
narrow itself). UNION, INTERSECT and EXCEPT compare whole rows, so their
inputs keep every column.
"""

from __future__ import annotations

import dataclasses

from columnar.sql.expr import ColumnIndex, columns_used
from columnar.sql.logical import (
    Aggregate, EnforceSingleRow, Filter, Join, Limit, LogicalPlan, Project, Scan, SetOp, Sort, SortKey,
    Window,
)
from columnar.sql.rewrite import remap_columns


def prune_columns(plan: LogicalPlan) -> LogicalPlan:
    new, _ = _prune(plan, set(range(len(plan.schema))))
    return new


def _used(exprs) -> set:
    out = set()
    for e in exprs:
        if e is not None:
            out |= columns_used(e)
    return out


def _prune(plan: LogicalPlan, required: set) -> tuple[LogicalPlan, dict]:
    if isinstance(plan, Scan):
        keep = sorted(required)
        new = Scan(plan.table, [plan.columns[i] for i in keep], [plan.schema[i] for i in keep], plan.alias)
        return new, {old: new_i for new_i, old in enumerate(keep)}
    if isinstance(plan, Filter):
        child, m = _prune(plan.input, required | columns_used(plan.predicate))
        new = Filter(child, remap_columns(plan.predicate, m))
        if len(m) == len(required):
            return new, m
        # columns only the predicate reads stop here: a join or exchange above
        # does not carry them (Q13's o_comment after its NOT LIKE)
        keep = sorted(required)
        exprs = [ColumnIndex(m[k], new.schema[m[k]].type, new.schema[m[k]].name) for k in keep]
        return Project(new, exprs, [new.schema[m[k]] for k in keep]), {k: i for i, k in enumerate(keep)}
    if isinstance(plan, Project):
        keep = sorted(required)
        child, m = _prune(plan.input, _used(plan.exprs[k] for k in keep))
        exprs = [remap_columns(plan.exprs[k], m) for k in keep]
        return Project(child, exprs, [plan.schema[k] for k in keep]), {k: i for i, k in enumerate(keep)}
    if isinstance(plan, Join):
        lw = len(plan.left.schema)
        need = required | _used([plan.condition, plan.residual])
        left_need = {i for i in need if i < lw} | _used(k for k, _ in plan.equi_keys)
        right_need = {i - lw for i in need if i >= lw} | _used(k for _, k in plan.equi_keys)
        left, ml = _prune(plan.left, left_need)
        right, mr = _prune(plan.right, right_need)
        nlw = len(left.schema)
        m = {i: ml[i] for i in left_need}
        m.update({i + lw: nlw + mr[i] for i in right_need})
        remap = lambda e: None if e is None else remap_columns(e, m)  # noqa: E731
        new = Join(left, right, plan.kind, remap(plan.condition),
                   [(remap_columns(a, ml), remap_columns(b, mr)) for a, b in plan.equi_keys], remap(plan.residual))
        return new, m
    if isinstance(plan, Aggregate):
        need = _used(plan.groups) | _used(a.arg for a in plan.aggs)
        child, m = _prune(plan.input, need)
        groups = [remap_columns(g, m) for g in plan.groups]
        aggs = [dataclasses.replace(a, arg=None if a.arg is None else remap_columns(a.arg, m)) for a in plan.aggs]
        return Aggregate(child, groups, aggs, plan.schema), {i: i for i in range(len(plan.schema))}
    if isinstance(plan, Sort):
        child, m = _prune(plan.input, required | _used(k.expr for k in plan.keys))
        keys = [SortKey(remap_columns(k.expr, m), k.desc, k.nulls_first) for k in plan.keys]
        return Sort(child, keys), m
    if isinstance(plan, Window):
        width = len(plan.input.schema)
        need = {i for i in required if i < width} | _used(e for c in plan.calls for e in c.expressions())
        child, m = _prune(plan.input, need)
        calls = [c.map_exprs(lambda e: remap_columns(e, m)) for c in plan.calls]
        nw = len(child.schema)
        out = dict(m)
        out.update({width + j: nw + j for j in range(len(calls))})
        return Window(child, calls, list(child.schema) + plan.schema[width:]), out
    if isinstance(plan, Limit):
        child, m = _prune(plan.input, required)
        return Limit(child, plan.limit, plan.offset), m
    if isinstance(plan, EnforceSingleRow):
        child, m = _prune(plan.input, required)
        return EnforceSingleRow(child), m
    if isinstance(plan, SetOp):
        keep = sorted(required) if plan.op == "union" and plan.all else list(range(len(plan.schema)))
        new = SetOp(plan.op, plan.all, _aligned(plan.left, keep), _aligned(plan.right, keep),
                    [plan.schema[k] for k in keep])
        return new, {k: i for i, k in enumerate(keep)}
    # OneRow, ValuesList: nothing to prune.
    return plan, {i: i for i in range(len(plan.schema))}


def _aligned(plan: LogicalPlan, keep: list) -> LogicalPlan:
    """``plan`` pruned to the positions ``keep``, output in exactly that order."""
    new, m = _prune(plan, set(keep))
    if [m[k] for k in keep] == list(range(len(new.schema))):
        return new
    fields = [new.schema[m[k]] for k in keep]
    return Project(new, [ColumnIndex(m[k], f.type, f.name) for k, f in zip(keep, fields)], fields)


__all__ = ["prune_columns"]
