"""The logical optimizer: an ordered tuple of small, named, pure rules.

Each rule is a function ``rule(plan) -> plan`` in its own module, named after
what it does (the sqlglot / DataFusion shape). :func:`optimize` applies them
in order, checks after each that the plan's output types did not change, and
can record the plan after every rule for EXPLAIN VERBOSE.

Place in the pipeline: binder → **optimizer** → physical planner.
"""

from __future__ import annotations

from columnar.core.errors import InternalError
from columnar.sql.logical import LogicalPlan, render
from columnar.sql.optimizer.extract_join_keys import extract_join_keys
from columnar.sql.optimizer.factor_or_conditions import factor_or_conditions
from columnar.sql.optimizer.filter_decorrelated_aggregates import filter_decorrelated_aggregates
from columnar.sql.optimizer.prune_columns import prune_columns
from columnar.sql.optimizer.push_down_filters import push_down_filters
from columnar.sql.optimizer.push_down_semi_joins import push_down_semi_joins
from columnar.sql.optimizer.reorder_joins import reorder_joins
from columnar.sql.optimizer.unnest_subqueries import unnest_subqueries

RULES = (unnest_subqueries, factor_or_conditions, push_down_filters, reorder_joins, filter_decorrelated_aggregates,
         push_down_semi_joins, extract_join_keys, prune_columns)


def optimize(plan: LogicalPlan, rules=RULES, trace: list | None = None) -> LogicalPlan:
    """Apply ``rules`` in order; ``trace`` (a list) receives ``("bound", plan
    text)`` first, then ``(rule name, plan text)`` after each rule (rules may
    rewrite nodes in place, so the bound plan is rendered before any runs)."""
    before = plan.types
    if trace is not None:
        trace.append(("bound", render(plan)))
    for rule in rules:
        plan = rule(plan)
        if plan.types != before:
            raise InternalError(f"optimizer rule {rule.__name__} changed the output types")
        if trace is not None:
            trace.append((rule.__name__, render(plan)))
    return plan


__all__ = ["RULES", "optimize"]
