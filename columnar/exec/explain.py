"""EXPLAIN, EXPLAIN VERBOSE and EXPLAIN ANALYZE text, and STL_EXPLAIN rows.

Role: turn a physical plan (``exec.physical_planner``) into the text Redshift
prints. Place in the pipeline: the session plans a query, then calls
:func:`explain_text` (EXPLAIN), :func:`verbose_text` (EXPLAIN VERBOSE: every
stage of the pipeline) or, after running the plan, :func:`analyze_text`
(EXPLAIN ANALYZE); the system views call :func:`plan_nodes` for STL_EXPLAIN.
Costs and row estimates come from :mod:`columnar.exec.cost`.

The Redshift view of a plan. Our physical plan has an operator for every step,
including each exchange; Redshift's EXPLAIN shows fewer nodes and says in the
DS_* label what a join moved. So the renderer first folds the physical tree
into *display nodes* (:class:`PlanNode`):

* a ``Filter`` becomes a ``Filter:`` line of the node under it (``XN Seq Scan
  on t`` with ``Filter: (a > 5)``); a projection is not shown at all;
* the exchanges under a join (Redistribute, Broadcast, ToSingleSlice) are
  hidden, the inner side is wrapped in ``XN Hash`` (cost = its input's
  total), the outer side is printed first;
* an aggregate's partial → DIST (or → leader) → final chain is one
  ``XN HashAggregate`` (grouped) or ``XN Aggregate`` (scalar), with no DS
  label, as in every AWS example;
* ORDER BY is ``XN Merge`` (Merge Key) ← ``XN Network`` (Send to leader) ←
  ``XN Sort`` (Sort Key); LIMIT is ``XN Limit`` on top; the implicit final
  send to the leader of a query without ORDER BY is not shown;
* ``SELECT`` without ``FROM`` (and ``VALUES``) is ``XN Result``;
* set operations: UNION ALL is ``XN Append`` over one ``XN Subquery Scan
  "*SELECT* n"`` per input; UNION is ``XN Unique`` over that; INTERSECT is
  ``XN Hash Intersect Distinct`` (the second input under ``XN Hash``), EXCEPT
  ``XN SetOp Except``, each over the two subquery scans (PostgreSQL's names,
  which Redshift's list of plan operators uses).

Each display node remembers the physical operators it stands for, so EXPLAIN
ANALYZE can print the measured rows of the operator whose output the node
shows and add up the rows and bytes of the exchanges it hides.

Text format (Redshift = PostgreSQL): ``XN <Operator>[ DS_*]  (cost=a..b
rows=r width=w)``, two spaces before ``(cost``; a child line starts with
``->  ``, 6 columns deeper per level; detail lines sit 2 columns past their
node's text. Constants print as Redshift does (``'1995-03-15'::date``).

Simplified versus Redshift: no ``XN Merge Join`` or ``XN GroupAggregate``
(the executor has neither), ``XN Subquery Scan`` only for the inputs of a
set operation (a derived table or view is not shown as one); VERBOSE prints our own
stages (bound plan, each optimizer rule, physical plan) instead of Redshift's
internal node dump; ANALYZE is ours (Redshift has no EXPLAIN ANALYZE; its
SVL_QUERY_REPORT holds the same numbers).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from columnar.core.temporal import format_date, format_timestamp
from columnar.core.types import TypeId
from columnar.exec.cost import EXCHANGES, CostModel, Estimate, strip_exchanges
from columnar.exec.operators.append import Append
from columnar.exec.operators.base import REPLICATED, PhysicalOp
from columnar.exec.operators.exchange import Gather
from columnar.exec.operators.filter import Filter
from columnar.exec.operators.hash_aggregate import HashAggregate
from columnar.exec.operators.hash_join import HashJoin
from columnar.exec.operators.hash_setop import HashSetOp
from columnar.exec.operators.limit import Limit
from columnar.exec.operators.nested_loop_join import NestedLoopJoin
from columnar.exec.operators.project import Project
from columnar.exec.operators.s3_scan import S3Scan
from columnar.exec.operators.seq_scan import SeqScan
from columnar.exec.operators.sort import Sort
from columnar.exec.operators.top_n import TopN
from columnar.exec.operators.values import Values
from columnar.exec.operators.window import Window
from columnar.sql import expr as E
from columnar.sql.logical import render as render_logical


# --------------------------------------------------------------------------- display nodes


@dataclass(eq=False)
class PlanNode:
    """One line of Redshift's EXPLAIN (plus its detail lines).

    ``top`` is the physical operator whose output this node shows (its
    estimate is printed, its measured rows are the node's rows); ``ops`` are
    all the operators whose work the node stands for (their times add up);
    ``exchanges`` the hidden exchanges whose moved rows the node reports.
    """

    label: str
    top: PhysicalOp | None
    details: list[str] = field(default_factory=list)
    children: list["PlanNode"] = field(default_factory=list)
    ops: list[PhysicalOp] = field(default_factory=list)
    exchanges: list[PhysicalOp] = field(default_factory=list)
    estimate: Estimate | None = None

    def walk(self, depth: int = 0, parent: "PlanNode | None" = None):
        """``(node, depth, parent)`` in pre-order."""
        yield self, depth, parent
        for c in self.children:
            yield from c.walk(depth + 1, self)


class _RedshiftView:
    """Folds a physical plan into display nodes (see the module docstring)."""

    def __init__(self, model: CostModel):
        self.model = model

    def root(self, plan: PhysicalOp) -> PlanNode:
        op, passed = strip_exchanges(plan)  # the implicit final send to the leader
        node = self.build(op)
        node.exchanges += passed
        node.ops += passed
        self._fill(node)
        return node

    def _fill(self, node: PlanNode) -> None:
        for n, _, _ in node.walk():
            if n.estimate is None:
                n.estimate = self.model.estimate(n.top)

    def _input(self, op: PhysicalOp, consumer: PlanNode) -> PlanNode:
        """The display node of a consumer's input; exchanges in between are hidden in the consumer."""
        below, passed = strip_exchanges(op)
        consumer.exchanges += passed
        consumer.ops += passed
        return self.build(below)

    def _new(self, label: str, op: PhysicalOp, details=()) -> PlanNode:
        return PlanNode(label, op, list(details), ops=[op])

    def _s3_scan(self, scan: S3Scan, filter_op: Filter | None) -> PlanNode:
        """Spectrum, as Redshift prints it: ``XN S3 Query Scan`` over ``S3 Seq Scan
        schema.table location:"..." format:...`` (with the Filter); a partitioned table
        under ``XN Partition Loop``, after the ``XN Seq Scan PG Query Scan`` that picks
        the partitions (with the filter's partition conjuncts)."""
        top = filter_op or scan
        t = scan.table
        fmt = "TEXT" if t.stored_as == "TEXTFILE" else t.stored_as  # Redshift prints format:TEXT
        inner = PlanNode(f'S3 Seq Scan {t.name} location:"{t.location}" format:{fmt}', top,
                         [f"Filter: {sql_text(filter_op.predicate)}"] if filter_op is not None else [], ops=[])
        query = PlanNode(scan.describe(), top, [], [inner], ops=[scan] + ([filter_op] if filter_op else []))
        if not t.is_partitioned:
            return query
        from columnar.exec.spectrum import partition_columns_used
        from columnar.sql.expr import columns_used
        from columnar.sql.rewrite import conjunction, conjuncts

        positions = set(partition_columns_used(t, scan.columns))
        parts = [c for c in conjuncts(filter_op.predicate if filter_op else None)
                 if columns_used(c) and columns_used(c) <= positions]
        pick = conjunction(parts)
        pg = PlanNode(f"XN Seq Scan PG Query Scan {scan.shown_name}", None,
                      [f"Filter: {sql_text(pick)}"] if pick is not None else [], ops=[])
        pg.estimate = Estimate(0.0, 0.01, 1.0, 0)
        return PlanNode("XN Partition Loop", top, [], [pg, query], ops=[])

    def build(self, op: PhysicalOp) -> PlanNode:
        if isinstance(op, Project):
            node = self.build(op.children[0])
            node.top = op
            node.ops.append(op)
            return node
        if isinstance(op, Filter) and isinstance(op.children[0], S3Scan):
            return self._s3_scan(op.children[0], op)
        if isinstance(op, S3Scan):
            return self._s3_scan(op, None)
        if isinstance(op, Filter):
            node = self.build(op.children[0])
            node.details.append(f"Filter: {sql_text(op.predicate)}")
            node.top = op
            node.ops.append(op)
            return node
        if isinstance(op, EXCHANGES):  # an exchange no consumer claimed: report it below
            node = self.build(op.children[0])
            node.exchanges.append(op)
            node.ops.append(op)
            return node
        if isinstance(op, SeqScan):
            return self._new(op.describe(), op)
        if isinstance(op, Values):
            return self._new("XN Result", op)
        if isinstance(op, HashJoin):
            return self._hash_join(op)
        if isinstance(op, NestedLoopJoin):
            node = self._new(op.describe(), op, [f"Join Filter: {sql_text(op.condition)}"] if op.condition is not None else [])
            node.children = [self._input(op.children[0], node), self._input(op.children[1], node)]
            return node
        if isinstance(op, HashAggregate):
            return self._aggregate(op)
        if isinstance(op, Sort) and "Merge" in op.label and isinstance(op.children[0], Gather):
            return self._merge(op)
        if isinstance(op, (Sort, TopN)):
            node = self._new("XN Sort", op, [f"Sort Key: {sort_keys_text(op.keys)}"])
            node.children = [self._input(op.children[0], node)]
            return node
        if isinstance(op, Window):
            node = self._new("XN Window", op, window_details(op.calls))
            node.children = [self._input(op.children[0], node)]
            return node
        if isinstance(op, Limit):
            return self._limit(op)
        if isinstance(op, (Append, HashSetOp)):
            return self._set_operation(op)
        node = self._new(op.describe(), op, op.details())
        node.children = [self._input(c, node) for c in op.children]
        return node

    def _hash_join(self, op: HashJoin) -> PlanNode:
        details = [f"Hash Cond: {hash_cond_text(op.outer_keys, op.inner_keys)}"]
        if op.residual is not None:
            details.append(f"Join Filter: {sql_text(op.residual)}")
        node = self._new(op.describe(), op, details)
        outer = self._input(op.children[0], node)
        inner_op, passed = strip_exchanges(op.children[1])
        node.exchanges += passed
        node.ops += passed
        inner = self.build(inner_op)
        self._fill(inner)
        e = inner.estimate
        # XN Hash shows what the build side received: after the exchange, if any.
        hash_node = PlanNode("XN Hash", passed[0] if passed else inner.top, children=[inner],
                             estimate=Estimate(e.total, e.total, e.rows, e.width))
        node.children = [outer, hash_node]
        return node

    def _aggregate(self, op: HashAggregate) -> PlanNode:
        node = self._new(op.name, op)
        below, passed = strip_exchanges(op.children[0])
        node.exchanges += passed
        node.ops += passed
        if op.mode == "final" and isinstance(below, HashAggregate) and below.mode == "partial":
            node.ops.append(below)
            below = below.children[0]
        node.children = [self._input(below, node)]
        return node

    def _merge(self, op: Sort) -> PlanNode:
        gather = op.children[0]
        merge = self._new("XN Merge", op, [f"Merge Key: {sort_keys_text(op.keys)}"])
        network = PlanNode("XN Network", gather, ["Send to leader"], ops=[gather], exchanges=[gather])
        merge.children = [network]
        network.children = [self._input(gather.children[0], network)]
        return merge

    def _set_operation(self, op) -> PlanNode:
        """XN Append / XN Hash Intersect Distinct / XN SetOp Except over one
        ``XN Subquery Scan "*SELECT* n"`` per input (the inner of an intersect
        under ``XN Hash``, as for a hash join)."""
        node = self._new(op.describe(), op)
        for i, child in enumerate(op.children, start=1):
            below = self._input(child, node)
            self._fill(below)
            scan = PlanNode(f'XN Subquery Scan "*SELECT* {i}"', below.top, children=[below], estimate=below.estimate)
            if isinstance(op, HashSetOp) and op.op == "intersect" and i == 2:
                e = below.estimate
                scan = PlanNode("XN Hash", below.top, children=[scan], estimate=Estimate(e.total, e.total, e.rows, e.width))
            node.children.append(scan)
        return node

    def _limit(self, op: Limit) -> PlanNode:
        node = self._new("XN Limit", op)
        below, passed = strip_exchanges(op.children[0])
        node.exchanges += passed
        node.ops += passed
        if passed and isinstance(below, Limit):  # the per-slice pre-limit before the gather
            node.ops.append(below)
            below = below.children[0]
        node.children = [self._input(below, node)]
        return node


def redshift_view(plan: PhysicalOp, topology=None) -> PlanNode:
    """The display-node tree of ``plan`` (each node's estimate filled in)."""
    return _RedshiftView(CostModel.for_plan(plan, topology)).root(plan)


# --------------------------------------------------------------------------- EXPLAIN


def _prefix(depth: int) -> str:
    return "" if depth == 0 else " " * (6 * depth - 4) + "->  "


def _detail_pad(depth: int) -> str:
    return " " * (6 * depth + 2)


def explain_text(plan: PhysicalOp, topology=None) -> str:
    """Redshift's EXPLAIN text of a physical plan.

    ``topology`` (the cluster) prices broadcasts by node count; without it the
    cost model guesses (see :meth:`CostModel.for_plan`).
    """
    lines = []
    for node, depth, _ in redshift_view(plan, topology).walk():
        lines.append(f"{_prefix(depth)}{node.label}  {node.estimate.text()}")
        lines += [_detail_pad(depth) + d for d in node.details]
    return "\n".join(lines)


def plan_nodes(plan: PhysicalOp, topology=None) -> list[tuple[int, int, str, str]]:
    """STL_EXPLAIN rows ``(nodeid, parentid, plannode, info)`` of ``plan``.

    Node ids count from 1 in pre-order; the root's parent is 0; ``plannode``
    is the node line without the space before ``(cost`` (as in the AWS
    sample, ``XN Merge(cost=...``); ``info`` the detail lines joined by "; ".
    """
    ids: dict[int, int] = {}
    rows = []
    for node, _, parent in redshift_view(plan, topology).walk():
        ids[id(node)] = len(ids) + 1
        parent_id = ids[id(parent)] if parent is not None else 0
        rows.append((ids[id(node)], parent_id, f"{node.label}{node.estimate.text()}", "; ".join(node.details)))
    return rows


# --------------------------------------------------------------------------- EXPLAIN VERBOSE


def physical_text(plan: PhysicalOp, topology=None) -> str:
    """Our whole physical tree, every exchange and aggregate phase, each node
    with its distribution and estimate (EXPLAIN VERBOSE's PHYSICAL PLAN)."""
    model = CostModel.for_plan(plan, topology)
    lines: list[str] = []

    def walk(op: PhysicalOp, depth: int) -> None:
        lines.append(f"{_prefix(depth)}{op.describe()}  [{dist_text(op)}]  {model.estimate(op).text()}")
        lines.extend(_detail_pad(depth) + d for d in op.details())
        for c in op.children:
            walk(c, depth + 1)

    walk(plan, 0)
    return "\n".join(lines)


def dist_text(op: PhysicalOp) -> str:
    """Where an operator's output lives: ``KEY(a)``, ``ANY``, ``REPLICATED``, ``LEADER``."""
    dist = getattr(op, "dist", None)
    if dist is None:
        return "?"
    if dist.kind == "key":
        # A partial aggregate's rows stay where its input rows were: the planner
        # gives it its input's distribution, whose key positions are the input's.
        schema = op.children[0].schema if isinstance(op, HashAggregate) and op.mode == "partial" else op.schema
        names = [schema[k].name if k < len(schema) else f"#{k}" for k in dist.keys]
        return f"KEY({', '.join(names)})"
    return dist.kind.upper()


def verbose_text(logical_before, trace: list, logical_after, physical: PhysicalOp, topology=None,
                 steps: list | None = None) -> str:
    """EXPLAIN VERBOSE: each stage of the pipeline.

    Sections: ``BOUND PLAN:`` (the binder's logical plan), ``after <rule>:``
    for every optimizer rule that changed the plan (``trace`` holds
    ``(rule, plan text)`` after each rule) and one ``unchanged:`` line naming
    the others, ``PHYSICAL PLAN:`` (:func:`physical_text`), and ``QUERY
    PLAN:``, the Redshift-format plan (with measurements when ``steps``, the
    StepStats of a run, are given: EXPLAIN VERBOSE ANALYZE).
    """
    if trace and trace[0][0] == "bound":  # the optimizer's picture of the plan before any rule
        before, trace = trace[0][1], trace[1:]
    else:
        before = render_logical(logical_before)
    lines = ["BOUND PLAN:", before]
    unchanged = []
    previous = before
    for name, text in trace:
        if text == previous:
            unchanged.append(name)
        else:
            lines += [f"after {name}:", text]
        previous = text
    after = render_logical(logical_after)
    if after != previous:
        lines += ["after optimize:", after]
    if unchanged:
        lines.append("unchanged: " + ", ".join(unchanged))
    lines += ["PHYSICAL PLAN:", physical_text(physical, topology), "QUERY PLAN:"]
    lines.append(explain_text(physical, topology) if steps is None else analyze_text(physical, steps, topology))
    return "\n".join(lines)


# --------------------------------------------------------------------------- EXPLAIN ANALYZE

_MOVES = (("redistributed", "rows_redistributed", "bytes_redistributed"),
          ("broadcast", "rows_broadcast", "bytes_broadcast"),
          ("to leader", "rows_to_leader", "bytes_to_leader"))


def analyze_text(plan: PhysicalOp, steps: list, topology=None) -> str:
    """EXPLAIN ANALYZE: the Redshift-format plan with what the run measured.

    After each node line: ``rows out: <total> (per slice: a, b, ...)  time:
    <ms> ms`` (``at leader`` for leader results, ``a copy on every node`` for
    replicated ones), then one line per kind of data movement the node's
    hidden exchanges did (``redistributed: N rows (B bytes)``, ``broadcast:``,
    ``to leader:``); a table scan adds the blocks it read and skipped (zone
    maps) and the ghost rows it read. The last line sums the run. Times vary
    from run to run, so they are always the last field of their line.
    """
    by_op = {id(s.op): s for s in steps}
    root = redshift_view(plan, topology)
    lines = []
    for node, depth, _ in root.walk():
        pad = _detail_pad(depth)
        lines.append(f"{_prefix(depth)}{node.label}  {node.estimate.text()}")
        step = by_op.get(id(node.top))
        seconds = sum(by_op[id(o)].seconds for o in node.ops if id(o) in by_op)
        if node.top is not None:  # (the partition pick of a Spectrum scan has no operator of its own)
            lines.append(pad + (_rows_text(step) if step is not None else "rows out: (not executed)")
                         + f"  time: {seconds * 1000:.3f} ms")
        moved: Counter = Counter()
        for x in node.exchanges:
            if id(x) in by_op:
                moved.update(by_op[id(x)].moved)
        for label, rows_key, bytes_key in _MOVES:
            if moved.get(rows_key):
                lines.append(pad + f"{label}: {moved[rows_key]} rows ({moved[bytes_key]} bytes)")
        lines += [pad + text for text in _scan_text(node.ops, by_op)]
        lines += [pad + d for d in node.details]
    total: Counter = Counter()
    for s in steps:
        total.update(s.moved)
    root_step = by_op.get(id(plan))
    returned = sum(root_step.rows) if root_step is not None else 0
    parts = [f"Total: {returned} rows returned"]
    parts += [f"{label} {total[r]} rows ({total[b]} bytes)" for label, r, b in _MOVES]
    seconds = sum(s.seconds for s in steps)
    lines.append("; ".join(parts) + f"  time: {seconds * 1000:.3f} ms")
    return "\n".join(lines)


def _scan_text(ops, by_op) -> list[str]:
    """What a table scan read: blocks (zone maps) and ghost rows (deleted, not vacuumed);
    for an S3 scan, partitions, files, row groups and the bytes billed."""
    out = []
    for op in ops:
        if isinstance(op, SeqScan) and id(op) in by_op and hasattr(op, "blocks"):
            scanned, skipped = op.blocks
            out.append(f"blocks: {scanned} scanned, {skipped} skipped")
            ghosts = sum(op.rows_pre_filter.values()) - sum(op.rows_pre_user_filter.values())
            if ghosts:
                out.append(f"ghost rows read: {ghosts}")
        if isinstance(op, S3Scan) and id(op) in by_op and op.report:
            r = op.report
            if r["partitioned"]:
                out.append(f"partitions: {r['qualified_partitions']} of {r['total_partitions']} scanned")
            out.append(f"s3: {r['files']} files, {r['row_groups_scanned']} row groups scanned, "
                       f"{r['row_groups_pruned']} pruned; {r['bytes']} bytes scanned")
    return out


def _rows_text(step) -> str:
    if step.at_leader:
        return f"rows out: {sum(step.rows)} (at leader)"
    if getattr(step.op, "dist", None) == REPLICATED:
        return f"rows out: {step.rows[0] if step.rows else 0} (a copy on every node)"
    return f"rows out: {sum(step.rows)} (per slice: {', '.join(map(str, step.rows))})"


# --------------------------------------------------------------------------- expressions


def sql_text(e, qualifier: str = "") -> str:
    """An expression as EXPLAIN prints it: like ``str(e)``, but constants in
    SQL form (``'1995-03-15'::date``, ``0.05``, ``'BUILDING'``) and, with a
    ``qualifier``, columns prefixed as in a join condition (``"outer".a``).

    Example:
        >>> from columnar.core.types import BOOLEAN, DATE
        >>> d = E.ColumnIndex(0, DATE, "o_orderdate")
        >>> sql_text(E.Binary("<", d, E.Const(9204, DATE), BOOLEAN))
        "(o_orderdate < '1995-03-15'::date)"
        >>> sql_text(E.Cast(d, DATE), "inner")
        '("inner".o_orderdate)::date'
    """
    def sub(x):
        return sql_text(x, qualifier)

    if isinstance(e, E.Const):
        return const_text(e)
    if isinstance(e, E.ColumnIndex):
        return f'"{qualifier}".{e}' if qualifier else str(e)
    if isinstance(e, E.Unary):
        return f"({'-' if e.op == 'neg' else 'NOT '}{sub(e.operand)})"
    if isinstance(e, E.Binary):
        return f"({sub(e.left)} {e.op.upper()} {sub(e.right)})"
    if isinstance(e, E.IsNull):
        return f"({sub(e.operand)} IS {'NOT ' if e.negated else ''}NULL)"
    if isinstance(e, E.Case):
        body = " ".join(f"WHEN {sub(c)} THEN {sub(r)}" for c, r in e.whens)
        return f"CASE {body} ELSE {sub(e.else_)} END"
    if isinstance(e, E.Cast):
        return f"({sub(e.operand)})::{e.type.sql().lower()}"
    if isinstance(e, E.InList):
        return f"({sub(e.operand)} {'NOT ' if e.negated else ''}IN ({', '.join(map(sub, e.items))}))"
    if isinstance(e, E.Like):
        op = ("NOT " if e.negated else "") + ("ILIKE" if e.case_insensitive else "LIKE")
        return f"({sub(e.operand)} {op} {sub(e.pattern)})"
    if isinstance(e, E.Func):
        return f"{e.name}({', '.join(map(sub, e.args))})"
    return str(e)


def const_text(c: E.Const) -> str:
    """A physical constant in SQL form."""
    v, t = c.value, c.type
    if v is None:
        return "NULL"
    if isinstance(v, E.Interval):
        parts = [f"{n} {u}" for n, u in ((v.months, "mons"), (v.days, "days")) if n]
        if v.micros or not parts:
            parts.append(str(dt.timedelta(microseconds=v.micros)))
        return f"'{' '.join(parts)}'::interval"
    if t.id is TypeId.DATE and isinstance(v, int):
        return f"'{format_date(v)}'::date"
    if t.id is TypeId.TIMESTAMP and isinstance(v, int):
        return f"'{format_timestamp(v)}'::timestamp"
    if t.is_decimal and isinstance(v, int):
        return str(Decimal(v).scaleb(-t.scale))
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return repr(v)


def sort_keys_text(keys) -> str:
    """``revenue DESC, o_orderdate``: NULLS FIRST/LAST only where not Redshift's
    default (NULLs sort high: LAST for ASC, FIRST for DESC)."""
    out = []
    for k in keys:
        text = sql_text(k.expr) + (" DESC" if k.desc else "")
        if k.nulls_first != k.desc:
            text += " NULLS FIRST" if k.nulls_first else " NULLS LAST"
        out.append(text)
    return ", ".join(out)


def window_details(calls) -> list[str]:
    """``Partition: ...`` and ``Order: ...`` lines of an XN Window, once per distinct text."""
    out = []
    for c in calls:
        lines = []
        if c.partition_by:
            lines.append("Partition: " + ", ".join(sql_text(p) for p in c.partition_by))
        if c.order_by:
            lines.append("Order: " + sort_keys_text(c.order_by))
        out += [line for line in lines if line not in out]
    return out


def hash_cond_text(outer_keys, inner_keys) -> str:
    """``("outer".a = "inner".b)``; several keys are ANDed inside one more pair of parentheses."""
    conds = [f"({sql_text(a, 'outer')} = {sql_text(b, 'inner')})" for a, b in zip(outer_keys, inner_keys)]
    return conds[0] if len(conds) == 1 else "(" + " AND ".join(conds) + ")"


__all__ = ["PlanNode", "analyze_text", "explain_text", "physical_text", "plan_nodes", "redshift_view",
           "sql_text", "verbose_text"]
