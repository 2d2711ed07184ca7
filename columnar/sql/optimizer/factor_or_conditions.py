"""Rule: take the conjuncts every branch of an OR shares out of the OR, and
derive the single-column filters the OR implies.

``(p_partkey = l_partkey AND p_brand = 'X') OR (p_partkey = l_partkey AND
p_brand = 'Y')`` (TPC-H Q19) becomes ``p_partkey = l_partkey AND (p_brand =
'X' OR p_brand = 'Y')``: the same rows (``(A AND B) OR (A AND C)`` equals
``A AND (B OR C)`` in three-valued logic too), but now the join has an
equality key, so it runs as a hash join instead of a nested loop over the
cartesian product.
"""

from __future__ import annotations

from columnar.core.types import BOOLEAN
from columnar.sql.expr import Binary, BoundExpr, columns_used
from columnar.sql.logical import Filter, Join, LogicalPlan
from columnar.sql.rewrite import conjunction, conjuncts, transform


def factor_or_conditions(plan: LogicalPlan) -> LogicalPlan:
    for attr in ("input", "left", "right"):
        child = getattr(plan, attr, None)
        if isinstance(child, LogicalPlan):
            setattr(plan, attr, factor_or_conditions(child))
    if isinstance(plan, Filter):
        plan.predicate = factor(plan.predicate)
    elif isinstance(plan, Join) and plan.condition is not None:
        plan.condition = factor(plan.condition)
    return plan


def _disjuncts(e: BoundExpr) -> list[BoundExpr]:
    if isinstance(e, Binary) and e.op == "or":
        return _disjuncts(e.left) + _disjuncts(e.right)
    return [e]


def _per_column(branches: list[list]) -> list:
    """Implied single-column filters: a column every branch restricts gets
    ``(its conditions in branch 1) OR (its conditions in branch 2) ...``.
    ``(n1 = 'FRANCE' AND n2 = 'GERMANY') OR (n1 = 'GERMANY' AND n2 = 'FRANCE')``
    implies ``n1 = 'FRANCE' OR n1 = 'GERMANY'``, a filter the next rule pushes
    onto ``n1``'s table (TPC-H Q7, Q19). The OR itself is kept."""
    out = []
    columns = set.intersection(*(
        {next(iter(columns_used(c))) for c in b if len(columns_used(c)) == 1} for b in branches
    )) if branches else set()
    for col in sorted(columns):
        parts = [conjunction([c for c in b if columns_used(c) == {col}]) for b in branches]
        derived = parts[0]
        for p in parts[1:]:
            derived = Binary("or", derived, p, BOOLEAN)
        out.append(derived)
    return out


def factor(expr: BoundExpr) -> BoundExpr:
    """Factor shared conjuncts out of every OR inside ``expr``.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> from columnar.sql.expr import ColumnIndex, Const
        >>> a = Binary("=", ColumnIndex(0, INTEGER, "x"), ColumnIndex(1, INTEGER, "y"), BOOLEAN)
        >>> b = Binary("=", ColumnIndex(0, INTEGER, "x"), Const(1, INTEGER), BOOLEAN)
        >>> c = Binary("=", ColumnIndex(0, INTEGER, "x"), Const(2, INTEGER), BOOLEAN)
        >>> e = Binary("or", Binary("and", a, b, BOOLEAN), Binary("and", a, c, BOOLEAN), BOOLEAN)
        >>> str(factor(e))
        '((x = y) AND ((x = 1) OR (x = 2)))'
    """

    def fn(e):
        if not (isinstance(e, Binary) and e.op == "or"):
            return e
        branches = [conjuncts(d) for d in _disjuncts(e)]
        common = [c for c in branches[0] if all(c in b for b in branches[1:])]
        rests = [[c for c in b if c not in common] for b in branches]
        if common and any(not r for r in rests):  # one branch is just the common part: A OR (A AND B) = A
            return conjunction(common)
        ors = None
        for r in rests:
            part = conjunction(r)
            ors = part if ors is None else Binary("or", ors, part, BOOLEAN)
        derived = [d for d in _per_column(rests) if d != ors]
        if not common and not derived:
            return e
        return conjunction(common + [ors] + derived)

    return transform(expr, fn)
