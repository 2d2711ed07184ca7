"""Rule: split each join condition into equi-join keys and a residual.

``ON a.x = b.x AND a.y = b.y + 1 AND a.z < b.z`` gives the key pairs
``(a.x, b.x)``, ``(a.y, b.y + 1)`` and the residual ``a.z < b.z``. Hash joins
(and the distribution planner, which asks "is each side distributed on its
key?") need the keys; the residual is checked on the joined rows.
"""

from __future__ import annotations

from columnar.sql.expr import Binary, columns_used
from columnar.sql.logical import Join, LogicalPlan
from columnar.sql.rewrite import conjunction, conjuncts, shift_columns


def extract_join_keys(plan: LogicalPlan) -> LogicalPlan:
    for attr in ("input", "left", "right"):
        if hasattr(plan, attr) and isinstance(getattr(plan, attr), LogicalPlan):
            setattr(plan, attr, extract_join_keys(getattr(plan, attr)))
    if isinstance(plan, Join) and plan.condition is not None and plan.kind != "cross":
        lw = len(plan.left.schema)
        keys, residual = [], []
        for c in conjuncts(plan.condition):
            if isinstance(c, Binary) and c.op == "=":
                lu, ru = columns_used(c.left), columns_used(c.right)
                if lu and ru and max(lu) < lw and min(ru) >= lw:
                    keys.append((c.left, shift_columns(c.right, -lw)))
                    continue
                if lu and ru and min(lu) >= lw and max(ru) < lw:
                    keys.append((c.right, shift_columns(c.left, -lw)))
                    continue
            residual.append(c)
        plan.equi_keys = keys
        plan.residual = conjunction(residual)
    return plan
