"""Rule: choose the order of a chain of inner joins.

``FROM customer, orders, lineitem WHERE ...`` binds to joins in FROM order,
which may join two small tables first and then move their whole result to the
big one. Redshift's planner orders joins itself; ours is greedy and says why:

1. start from the largest input (the fact table stays where it is stored);
2. then repeatedly join the input that is *collocated* with what is already
   joined (an equality between the two sides' DISTKEY columns: DS_DIST_NONE,
   nothing moves), else the first input (in FROM order) joined to it by an
   equality (a hash join), else by any other condition (a nested loop), else
   (no condition at all) the smallest input: a cross join, last.

Without column statistics the planner cannot tell a join on a key from a
join on a low-cardinality column (``c_nationkey = s_nationkey``), so between
hash-join candidates it keeps the order the query was written in.

Conditions are attached to the first join where all their columns are
available, and a projection restores the original column order, so the rest
of the plan does not change. Outer joins are never reordered (that would
change their result); their inputs are ordered on their own.

Sizes are table row counts (a filter is assumed to keep a third, or, over a
scan of an analyzed table, what its statistics say:
:func:`columnar.sql.estimates.filtered_rows`), the same estimates the
physical planner uses.
"""

from __future__ import annotations

from columnar.sql.estimates import filtered_rows
from columnar.sql.expr import Binary, ColumnIndex, columns_used
from columnar.sql.logical import Filter, Join, LogicalPlan, Project, Scan
from columnar.sql.rewrite import conjunction, conjuncts, remap_columns, shift_columns

_REORDERABLE = ("inner", "cross")


def reorder_joins(plan: LogicalPlan) -> LogicalPlan:
    if isinstance(plan, Join) and plan.kind in _REORDERABLE:
        leaves, conds = [], []
        _flatten(plan, 0, leaves, conds)
        if len(leaves) > 2:
            return _rebuild(plan, leaves, conds)
        plan.left, plan.right = reorder_joins(plan.left), reorder_joins(plan.right)
        return plan
    for attr in ("input", "left", "right"):
        child = getattr(plan, attr, None)
        if isinstance(child, LogicalPlan):
            setattr(plan, attr, reorder_joins(child))
    return plan


def _flatten(node: LogicalPlan, base: int, leaves: list, conds: list) -> None:
    """Inputs of a tree of inner/cross joins, with their column offset in the
    tree's output; conditions rewritten over that output."""
    if isinstance(node, Join) and node.kind in _REORDERABLE:
        _flatten(node.left, base, leaves, conds)
        _flatten(node.right, base + len(node.left.schema), leaves, conds)
        conds.extend(shift_columns(c, base) for c in conjuncts(node.condition))
    else:
        leaves.append((reorder_joins(node), base))


def _rows(node: LogicalPlan) -> float:
    if isinstance(node, Scan):
        return float(node.table.row_count())
    if isinstance(node, Filter):
        if isinstance(node.input, Scan):  # ANALYZE statistics, when the table has them
            return filtered_rows(node.input.table, node.input.columns, node.predicate)
        return _rows(node.input) / 3
    if isinstance(node, Project):
        return _rows(node.input)
    return 1e12  # unknown (a subquery): assume large, keep it early


def _distkey_column(node: LogicalPlan) -> int | None:
    """Output position of the input's DISTKEY column, if it passes through."""
    while isinstance(node, Filter):
        node = node.input
    if not isinstance(node, Scan) or node.table.effective_style.value != "KEY":
        return None
    d = node.table.definition
    key = d.index_of(d.distkey)
    return node.columns.index(key) if key in node.columns else None


def _rebuild(original: Join, leaves: list, conds: list) -> LogicalPlan:
    n = len(leaves)
    widths = [len(leaf.schema) for leaf, _ in leaves]
    owner = {}  # original column -> leaf number
    for i, (leaf, base) in enumerate(leaves):
        for c in range(widths[i]):
            owner[base + c] = i
    dist_cols = {leaves[i][1] + k for i in range(n) if (k := _distkey_column(leaves[i][0])) is not None}

    def leaves_of(c) -> set:
        return {owner[x] for x in columns_used(c)}

    def collocated(c, chosen: set, candidate: int) -> bool:
        if not (isinstance(c, Binary) and c.op == "=" and isinstance(c.left, ColumnIndex)
                and isinstance(c.right, ColumnIndex)):
            return False
        a, b = c.left.index, c.right.index
        sides = {owner[a], owner[b]}
        return a in dist_cols and b in dist_cols and candidate in sides and bool(sides & chosen)

    sizes = [_rows(leaf) for leaf, _ in leaves]
    order = [max(range(n), key=lambda i: (sizes[i], -i))]
    chosen = set(order)
    while len(order) < n:
        rest = [i for i in range(n) if i not in chosen]
        linking = [c for c in conds if _is_equality(c)]
        connected = [i for i in rest if any(i in leaves_of(c) and leaves_of(c) - {i} <= chosen
                                            and leaves_of(c) & chosen for c in linking)]
        related = [i for i in rest if any(i in leaves_of(c) and leaves_of(c) - {i} <= chosen
                                          and leaves_of(c) & chosen for c in conds)]
        colo = [i for i in connected if any(collocated(c, chosen, i) for c in conds)]
        if colo or connected or related:
            # without column statistics a join's fan-out is unknown (joining on a
            # low-cardinality column such as a nation key can multiply rows), so
            # among the inputs joined by a condition the written order decides
            nxt = min(colo or connected or related)
        else:
            nxt = min(rest, key=lambda i: (sizes[i], i))
        order.append(nxt)
        chosen.add(nxt)
    return _left_deep(leaves, conds, order)


def _is_equality(c) -> bool:
    return isinstance(c, Binary) and c.op == "="


def _left_deep(leaves: list, conds: list, order: list) -> LogicalPlan:
    mapping: dict = {}  # original column -> position in the tree built so far
    remaining = list(conds)
    plan = None
    width = 0
    for i in order:
        leaf, base = leaves[i]
        for c in range(len(leaf.schema)):
            mapping[base + c] = width + c
        width += len(leaf.schema)
        if plan is None:
            plan = leaf
            continue
        # a condition goes to the first join where all its columns exist
        ready = [c for c in remaining if all(x in mapping for x in columns_used(c))]
        remaining = [c for c in remaining if all(c is not r for r in ready)]
        cond = conjunction([remap_columns(c, mapping) for c in ready])
        plan = Join(plan, leaf, "inner" if cond is not None else "cross", cond)
    total = sum(len(leaf.schema) for leaf, _ in leaves)
    fields = [None] * total
    for leaf, base in leaves:
        fields[base : base + len(leaf.schema)] = leaf.schema
    exprs = [ColumnIndex(mapping[c], fields[c].type, fields[c].name) for c in range(total)]
    if all(e.index == c for c, e in enumerate(exprs)):
        return plan
    return Project(plan, exprs, fields)
