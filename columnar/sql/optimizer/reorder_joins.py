"""Rule: choose the order of a chain of inner joins.

``FROM customer, orders, lineitem WHERE ...`` binds to joins in FROM order,
which may join two small tables first and then move their whole result to the
big one. Redshift's planner orders joins itself; ours is greedy, left-deep,
and says why. It starts from the largest input (the fact table stays where it
is stored), then adds one input at a time:

* **With statistics** (every input a scan of an ANALYZEd table, possibly
  filtered), it adds the input that keeps the estimated cost smallest over
  the next *two* joins, so a dimension that only shrinks rows
  through its own filtered dimension (Q7's supplier, reduced by
  ``n_name = 'FRANCE'`` on nation) is joined early, with that dimension right
  after it. A join costs the rows it produces plus the rows it probes, a
  probe into a small, cache-resident hash table counting a tenth of a probe
  into a big one (:func:`_probe_cost`). A join on ``a = b`` is estimated as ``|left| * |right| /
  max(ndv(a), ndv(b))``, each distinct count capped by its side's rows; with
  several equalities reaching one joined input the most selective counts
  (keys of one table are rarely independent), those reaching different
  inputs multiply. Ties go to a *collocated* input (an equality between
  the two sides' DISTKEY columns: DS_DIST_NONE, nothing moves), then to FROM
  order.
* **Without statistics** the planner cannot tell a join on a key from a join
  on a low-cardinality column (``c_nationkey = s_nationkey``), so it adds the
  collocated input, else the first input (in FROM order) joined by an
  equality, else by any other condition (a nested loop), else (no condition
  at all) the smallest input: a cross join, last.

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
            return _rebuild(leaves, conds)
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


def _base_scan(node: LogicalPlan) -> Scan | None:
    while isinstance(node, Filter):
        node = node.input
    return node if isinstance(node, Scan) else None


def _distinct(node: LogicalPlan, position: int, rows: float) -> float | None:
    """ANALYZE's distinct count of output column ``position`` of an input that
    is a (filtered) scan, or a join of such inputs, capped by ``rows``."""
    if isinstance(node, Join) and node.kind in _REORDERABLE:
        width = len(node.left.schema)
        if position < width:
            return _distinct(node.left, position, rows)
        return _distinct(node.right, position - width, rows)
    scan = _base_scan(node)
    stats = getattr(scan.table, "stats", None) if scan is not None else None
    cs = stats.column(scan.columns[position]) if stats is not None else None
    return None if cs is None else max(1.0, min(cs.distinct, rows))


def _distkey_column(node: LogicalPlan) -> int | None:
    """Output position of the input's DISTKEY column, if it passes through."""
    while isinstance(node, Filter):
        node = node.input
    if not isinstance(node, Scan) or node.table.effective_style.value != "KEY":
        return None
    d = node.table.definition
    key = d.index_of(d.distkey)
    return node.columns.index(key) if key in node.columns else None


class _Inputs:
    """The inputs of a join chain: each a plan and the original column (of the
    chain's output) behind each of its output positions."""

    def __init__(self, items: list):
        self.items = items  # [(plan, [original column, ...])]
        self.owner = {col: i for i, (_, cols) in enumerate(items) for col in cols}
        self.dist_cols = set()
        for plan, cols in items:
            k = _distkey_column(plan)
            if k is not None:
                self.dist_cols.add(cols[k])

    def __len__(self) -> int:
        return len(self.items)

    def of(self, cond) -> set:
        """The inputs a condition reads."""
        return {self.owner[x] for x in columns_used(cond)}

    def collocated(self, c, chosen: set, candidate: int) -> bool:
        if not (isinstance(c, Binary) and c.op == "=" and isinstance(c.left, ColumnIndex)
                and isinstance(c.right, ColumnIndex)):
            return False
        a, b = c.left.index, c.right.index
        sides = {self.owner[a], self.owner[b]}
        return a in self.dist_cols and b in self.dist_cols and candidate in sides and bool(sides & chosen)


def _rebuild(leaves: list, conds: list) -> LogicalPlan:
    inputs = _Inputs([(leaf, list(range(base, base + len(leaf.schema)))) for leaf, base in leaves])
    fields = {col: leaf.schema[c] for leaf, base in leaves for c, col in enumerate(range(base, base + len(leaf.schema)))}
    if all(_analyzed(leaf) for leaf, _ in leaves):
        inputs, conds, order = _order_by_estimates(inputs, conds)
    else:
        order = _order_by_rules(inputs, conds)
    return _left_deep(inputs, conds, order, fields)


def _order_by_rules(inputs: _Inputs, conds: list) -> list:
    n = len(inputs)
    sizes = [_rows(plan) for plan, _ in inputs.items]
    order = [max(range(n), key=lambda i: (sizes[i], -i))]
    chosen = set(order)
    while len(order) < n:
        rest = [i for i in range(n) if i not in chosen]
        linking = [c for c in conds if _is_equality(c)]
        connected = [i for i in rest if any(i in inputs.of(c) and inputs.of(c) - {i} <= chosen
                                            and inputs.of(c) & chosen for c in linking)]
        related = [i for i in rest if any(i in inputs.of(c) and inputs.of(c) - {i} <= chosen
                                          and inputs.of(c) & chosen for c in conds)]
        colo = [i for i in connected if any(inputs.collocated(c, chosen, i) for c in conds)]
        if colo or connected or related:
            # without column statistics a join's fan-out is unknown (joining on a
            # low-cardinality column such as a nation key can multiply rows), so
            # among the inputs joined by a condition the written order decides
            nxt = min(colo or connected or related)
        else:
            nxt = min(rest, key=lambda i: (sizes[i], i))
        order.append(nxt)
        chosen.add(nxt)
    return order


def _analyzed(leaf: LogicalPlan) -> bool:
    scan = _base_scan(leaf)
    return scan is not None and getattr(scan.table, "stats", None) is not None


class _Estimator:
    """Row estimates of joins between inputs (see the module docstring)."""

    def __init__(self, inputs: _Inputs, conds: list, sizes: list):
        self.inputs, self.conds, self.sizes = inputs, conds, sizes
        self.equalities = [c for c in conds if _is_equality(c) and isinstance(c.left, ColumnIndex)
                           and isinstance(c.right, ColumnIndex)]

    def distinct(self, col: int, rows: float) -> float:
        i = self.inputs.owner[col]
        plan, cols = self.inputs.items[i]
        d = _distinct(plan, cols.index(col), self.sizes[i])
        return min(rows, d if d is not None else rows)

    def joined_rows(self, chosen: set, rows: float, cand: int) -> float | None:
        """Estimated rows after joining input ``cand`` to the inputs ``chosen``
        (``rows`` so far); None when no condition links them. Conditions
        reaching the same joined input are taken as correlated (the most
        selective counts: a composite key such as partsupp's), those reaching
        different inputs as independent (Q5's ``l_suppkey = s_suppkey AND
        c_nationkey = s_nationkey``)."""
        per_input: dict = {}
        for c in self.conds:
            used = self.inputs.of(c)
            if cand not in used or not (used - {cand}) or not (used - {cand}) <= chosen:
                continue
            fraction = 1 / 3  # a condition that is not a column equality
            if any(c is e for e in self.equalities):
                a, b = c.left.index, c.right.index
                if self.inputs.owner[a] == cand:
                    a, b = b, a
                fraction = 1.0 / max(self.distinct(a, rows), self.distinct(b, self.sizes[cand]), 1.0)
            other = min(used - {cand})
            per_input[other] = min(per_input.get(other, 1.0), fraction)
        if not per_input:
            return None
        est = rows * self.sizes[cand]
        for fraction in per_input.values():
            est *= fraction
        return max(est, 1.0)


def _order_by_estimates(inputs: _Inputs, conds: list) -> tuple:
    """Join first each filtered dimension into the one input it hangs from,
    then a greedy order with a two-join look-ahead on estimated row counts.
    Returns the (possibly merged) inputs, the conditions left and the order."""
    sizes = [_rows(plan) for plan, _ in inputs.items]
    inputs, conds, sizes = _join_satellites(inputs, conds, sizes)
    est = _Estimator(inputs, conds, sizes)
    n = len(inputs)
    order = [max(range(n), key=lambda i: (sizes[i], -i))]
    chosen = set(order)
    rows = sizes[order[0]]
    while len(order) < n:
        rest = [i for i in range(n) if i not in chosen]
        scored = []
        for i in rest:
            first = est.joined_rows(chosen, rows, i)
            if first is None:
                continue
            cost = first + rows * _probe_cost(sizes[i])
            after = [(a + first * _probe_cost(sizes[j])) for j in rest if j != i
                     if (a := est.joined_rows(chosen | {i}, first, j)) is not None]
            colo = any(inputs.collocated(c, chosen, i) for c in conds)
            scored.append((cost + (min(after) if after else 0.0), not colo, i, first))
        if scored:
            _, _, nxt, rows = min(scored)
        else:  # nothing links the rest: a cross join with the smallest input
            nxt = min(rest, key=lambda i: (sizes[i], i))
            rows *= sizes[nxt]
        order.append(nxt)
        chosen.add(nxt)
    return inputs, conds, order


#: Inputs up to this many rows make hash tables that stay in the CPU caches.
SMALL_BUILD_ROWS = 100_000


def _probe_cost(build_rows: float) -> float:
    """Cost of probing one row into a hash table of ``build_rows`` rows, in
    units of one produced row: a table that fits the caches answers about ten
    times faster than one each probe misses (Q5 probes 6M lineitem rows into
    2,000 Asian suppliers before, not after, into 230k orders)."""
    return 0.1 if build_rows <= SMALL_BUILD_ROWS else 1.0


def _join_satellites(inputs: _Inputs, conds: list, sizes: list) -> tuple:
    """Merge an input that is joined by keys to exactly one other input (not
    the largest) into it when the estimate says it at least halves that input:
    Q21's ``supplier`` joined with ``nation WHERE n_name = 'SAUDI ARABIA'``
    first (400 rows), so the 3.8M lineitem rows probe 400 suppliers instead of
    carrying every supplier's columns until nation is joined. Repeats, so
    chains (region -> nation -> supplier in Q5) fold up."""
    while True:
        largest = max(range(len(inputs)), key=lambda i: (sizes[i], -i))
        est = _Estimator(inputs, conds, sizes)
        merge = None
        for j in range(len(inputs)):
            # neighbours through join keys; another condition (Q7's OR over both
            # nations) is applied wherever its inputs meet, as always
            edges = [c for c in conds if _is_equality(c) and j in inputs.of(c) and len(inputs.of(c)) > 1]
            others = set().union(*(inputs.of(c) for c in edges)) - {j} if edges else set()
            if j == largest or len(others) != 1:
                continue
            (i,) = others
            linked = [c for c in conds if j in inputs.of(c) and inputs.of(c) <= {i, j}]
            if i == largest or sizes[j] > sizes[i]:
                continue
            rows = est.joined_rows({i}, sizes[i], j)
            if rows is not None and rows <= sizes[i] / 2:
                merge = (i, j, rows, linked)
                break
        if merge is None:
            return inputs, conds, sizes
        i, j, rows, linked = merge
        (pi, ci), (pj, cj) = inputs.items[i], inputs.items[j]
        cols = ci + cj
        where = {col: pos for pos, col in enumerate(cols)}
        plan = Join(pi, pj, "inner", conjunction([remap_columns(c, where) for c in linked]))
        keep = [k for k in range(len(inputs)) if k not in (i, j)]
        inputs = _Inputs([inputs.items[k] for k in keep] + [(plan, cols)])
        sizes = [sizes[k] for k in keep] + [rows]
        conds = [c for c in conds if all(c is not x for x in linked)]


def _is_equality(c) -> bool:
    return isinstance(c, Binary) and c.op == "="


def _left_deep(inputs: _Inputs, conds: list, order: list, fields: dict) -> LogicalPlan:
    mapping: dict = {}  # original column -> position in the tree built so far
    remaining = list(conds)
    plan = None
    width = 0
    for i in order:
        leaf, cols = inputs.items[i]
        for pos, col in enumerate(cols):
            mapping[col] = width + pos
        width += len(cols)
        if plan is None:
            plan = leaf
            continue
        # a condition goes to the first join where all its columns exist
        ready = [c for c in remaining if all(x in mapping for x in columns_used(c))]
        remaining = [c for c in remaining if all(c is not r for r in ready)]
        cond = conjunction([remap_columns(c, mapping) for c in ready])
        plan = Join(plan, leaf, "inner" if cond is not None else "cross", cond)
    total = len(fields)
    exprs = [ColumnIndex(mapping[c], fields[c].type, fields[c].name) for c in range(total)]
    if all(e.index == c for c, e in enumerate(exprs)):
        return plan
    return Project(plan, exprs, [fields[c] for c in range(total)])
