"""The physical planner: a logical plan becomes operators that know where rows live.

Role: the one place that joins SQL (``columnar.sql``) and the cluster model
(``columnar.cluster``). For every join and aggregate it compares where the
inputs are distributed (:class:`~columnar.exec.operators.base.Dist`) with
where the work needs them, and inserts the exchanges that move rows:

=====================  ====================================================
join attribute         when (Redshift's rules, DG "Evaluating the query plan")
=====================  ====================================================
DS_DIST_NONE           both sides distributed on the joined columns
DS_DIST_ALL_NONE       the inner side is DISTSTYLE ALL (replicated)
DS_DIST_ALL_INNER      the outer side is ALL: inner moved to one slice
DS_DIST_INNER          outer on its join column; inner redistributed
DS_DIST_OUTER          inner on its join column; outer redistributed
DS_BCAST_INNER         neither, and broadcasting the inner is cheaper
DS_DIST_BOTH           neither, and redistributing both is cheaper
=====================  ====================================================

Broadcast versus redistribute (undocumented in Redshift; our rule): broadcast
moves ``inner_rows x nodes`` rows, redistributing both moves
``outer_rows + inner_rows``; the cheaper wins. Row counts are estimates from
table sizes (a filter is assumed to keep a third, unless it filters a scan of
an analyzed table: then its statistics say, :mod:`columnar.sql.estimates`). RIGHT joins are planned as
LEFT joins with the sides swapped; FULL joins never broadcast.

Aggregates run in one phase when the input is distributed on a group key,
otherwise as partial → DIST (or → leader) → final. ORDER BY sorts on each
slice, sends to the leader and merges there (XN Sort → XN Network → XN Merge).

Window functions: each partition must be on one slice, so XN Window runs
after a redistribution on a PARTITION BY column (none if the input is already
distributed on it), or at the leader when no plain column partitions them all.

Set operations: UNION ALL appends its inputs slice by slice and moves nothing
(a replicated or leader input is taken once). UNION, INTERSECT and EXCEPT
need equal rows on one slice: the inputs are redistributed on all their
columns (a key-distributed input whose key is one of the columns stays where
it is, and the other input follows its key), then each slice removes
duplicates (XN Unique) or compares its two inputs (XN Hash Intersect /
XN SetOp Except). Inputs that are all at the leader are combined there.
"""

from __future__ import annotations

import dataclasses

from columnar.cluster.topology import Topology
from columnar.exec.operators.base import ANY, LEADER, REPLICATED, Dist, PhysicalOp
from columnar.exec.operators.append import Append
from columnar.exec.operators.exchange import Broadcast, Gather, OneCopy, Redistribute, ToSingleSlice
from columnar.exec.operators.filter import Filter as FilterOp
from columnar.exec.operators.hash_aggregate import HashAggregate
from columnar.exec.operators.hash_setop import HashSetOp
from columnar.exec.operators.hash_join import SEMI_KINDS, HashJoin
from columnar.exec.operators.limit import Limit as LimitOp
from columnar.exec.operators.merge_join import MergeJoin
from columnar.exec.operators.nested_loop_join import NestedLoopJoin
from columnar.exec.operators.project import Project as ProjectOp
from columnar.exec.operators.seq_scan import DEFAULT_BLOCK_BYTES, SeqScan
from columnar.exec.operators.s3_scan import S3Scan
from columnar.exec.scan_ranges import scan_ranges
from columnar.exec.operators.single_row import EnforceSingleRow
from columnar.exec.operators.sort import Sort as SortOp
from columnar.exec.operators.top_n import TopN
from columnar.exec.operators.unique import Unique
from columnar.exec.operators.values import Values
from columnar.exec.operators.window import Window as WindowOp
from columnar.sql import logical as L
from columnar.core.errors import NotSupportedError
from columnar.core.types import BOOLEAN
from columnar.sql.estimates import filtered_rows
from columnar.sql.expr import Binary, ColumnIndex
from columnar.sql.rewrite import conjunction, remap_columns, shift_columns
from columnar.storage.catalog import DistStyle


class PhysicalPlanner:
    def __init__(self, topology: Topology, block_bytes: int = DEFAULT_BLOCK_BYTES,
                 external_options: dict | None = None):
        self.topology = topology
        self.block_bytes = block_bytes
        self.external_options = external_options or {}  # where relative LOCATIONs start, S3 endpoint

    def plan(self, node: L.LogicalPlan) -> PhysicalOp:
        """The physical plan of a query, ending with its rows at the leader."""
        op = self._plan(node)
        if op.dist != LEADER:
            op = self._with(Gather(op), LEADER)
        return op

    # -- helpers --------------------------------------------------------------
    @staticmethod
    def _with(op: PhysicalOp, dist: Dist) -> PhysicalOp:
        op.dist = dist
        return op

    def _slices(self, op: PhysicalOp) -> PhysicalOp:
        """Leader or replicated output as per-slice rows-once data."""
        if op.dist in (LEADER, REPLICATED):
            return self._with(OneCopy(op), ANY)
        return op

    def estimate(self, node: L.LogicalPlan) -> float:
        if isinstance(node, L.Scan):
            return float(node.table.row_count())
        if isinstance(node, L.Filter):
            if isinstance(node.input, L.Scan):  # ANALYZE statistics, when the table has them
                return filtered_rows(node.input.table, node.input.columns, node.predicate)
            return self.estimate(node.input) / 3
        if isinstance(node, L.Join):
            return max(self.estimate(node.left), self.estimate(node.right))
        if isinstance(node, L.Aggregate):
            return max(1.0, self.estimate(node.input) / 10) if node.groups else 1.0
        if isinstance(node, (L.OneRow,)):
            return 1.0
        if isinstance(node, L.ValuesList):
            return float(len(node.rows))
        if isinstance(node, L.SetOp):
            left, right = self.estimate(node.left), self.estimate(node.right)
            return left + right if node.op == "union" else (min(left, right) if node.op == "intersect" else left)
        return self.estimate(node.children()[0]) if node.children() else 1.0

    # -- nodes -----------------------------------------------------------------
    def _plan(self, node: L.LogicalPlan) -> PhysicalOp:
        if isinstance(node, L.Scan):
            return self._scan(node)
        if isinstance(node, L.OneRow):
            return self._with(Values([[]], []), LEADER)
        if isinstance(node, L.ValuesList):
            return self._with(Values(node.rows, node.schema), LEADER)
        if isinstance(node, L.Filter):
            if isinstance(node.input, L.Scan):  # zone maps: the predicate's ranges restrict the scan
                ranges = scan_ranges(node.predicate, node.input.columns)
                child = self._scan(node.input, ranges, node.predicate)
            else:
                child = self._plan(node.input)
            return self._with(FilterOp(child, node.predicate), child.dist)
        if isinstance(node, L.Project):
            child = self._plan(node.input)
            exprs = node.exprs
            if isinstance(child, FilterOp) and child.keep is None and all(isinstance(e, ColumnIndex) for e in exprs):
                # the filter copies only the columns the projection passes on
                keep = sorted({e.index for e in exprs})
                if len(keep) < len(child.schema):
                    at = {c: i for i, c in enumerate(keep)}
                    kept = [ColumnIndex(c, child.schema[c].type, child.schema[c].name) for c in keep]
                    child = self._with(FilterOp(child.children[0], child.predicate, keep),
                                       _project_dist(child.dist, kept))
                    exprs = [dataclasses.replace(e, index=at[e.index]) for e in exprs]
            return ProjectOp(child, exprs, node.schema, _project_dist(child.dist, exprs))
        if isinstance(node, L.Join):
            return self._join(node)
        if isinstance(node, L.EnforceSingleRow):
            child = self._plan(node.input)
            if child.dist != LEADER:
                child = self._with(Gather(child), LEADER)
            return EnforceSingleRow(child)
        if isinstance(node, L.Aggregate):
            return self._aggregate(node)
        if isinstance(node, L.SetOp):
            return self._union(node) if node.op == "union" else self._intersect_except(node)
        if isinstance(node, L.Window):
            return self._window(node)
        if isinstance(node, L.Sort):
            return self._sort(node, None)
        if isinstance(node, L.Limit):
            if isinstance(node.input, L.Sort) and node.limit is not None:
                return self._with(LimitOp(self._sort(node.input, node.limit + node.offset), node.limit, node.offset), LEADER)
            child = self._plan(node.input)
            if child.dist != LEADER and node.limit is not None:
                child = self._with(LimitOp(child, node.limit + node.offset, 0), child.dist)
            if child.dist != LEADER:
                child = self._with(Gather(child), LEADER)
            return self._with(LimitOp(child, node.limit, node.offset), LEADER)
        raise NotImplementedError(type(node).__name__)

    def _scan(self, node: L.Scan, ranges: dict | None = None, predicate=None) -> PhysicalOp:
        table = node.table
        if getattr(table, "is_external", False):  # Spectrum: partitions, files and row groups pruned
            return S3Scan(table, node.columns, node.schema, node.alias, predicate, ranges, self.external_options)
        style = table.effective_style
        if style is DistStyle.ALL:
            dist = REPLICATED
        elif style is DistStyle.KEY:
            key_col = table.definition.index_of(table.definition.distkey)
            dist = Dist("key", (node.columns.index(key_col),)) if key_col in node.columns else ANY
        else:
            dist = ANY
        return SeqScan(table, node.columns, node.schema, dist, node.alias, ranges, self.block_bytes)

    def _sort(self, node: L.Sort, limit: int | None) -> PhysicalOp:
        child = self._plan(node.input)
        if child.dist != LEADER:
            child = self._slices(child)
            step = TopN(child, node.keys, limit) if limit is not None else SortOp(child, node.keys, None, "XN Sort")
            child = self._with(step, child.dist)
            child = self._with(Gather(child), LEADER)
        return self._with(SortOp(child, node.keys, limit, "XN Merge"), LEADER)

    def _window(self, node: L.Window) -> PhysicalOp:
        """XN Window needs each partition on one slice: stay if distributed on a
        PARTITION BY column every call shares, else redistribute on one (the first
        call's first, preferably), else (computed keys, no PARTITION BY) gather."""
        child = self._plan(node.input)
        if child.dist != LEADER:
            child = self._slices(child)
            shared = set.intersection(*({p.index for p in c.partition_by if isinstance(p, ColumnIndex)}
                                        for c in node.calls))
            first = node.calls[0].partition_by[:1]
            if child.dist.kind == "key" and len(child.dist.keys) == 1 and child.dist.keys[0] in shared:
                pass
            elif shared:
                col = first[0].index if first and isinstance(first[0], ColumnIndex) and first[0].index in shared \
                    else min(shared)
                child = self._with(Redistribute(child, [col]), Dist("key", (col,)))
            else:
                child = self._with(Gather(child), LEADER)
        return self._with(WindowOp(child, node.calls, node.schema), child.dist)

    def _aggregate(self, node: L.Aggregate) -> PhysicalOp:
        """One phase when the rows of each group already share a slice, or when an
        aggregate needs all of a group's rows (DISTINCT, MEDIAN, PERCENTILE_*, LISTAGG:
        rows are redistributed on a group column, or gathered); else partial → final."""
        groups, aggs, schema = node.groups, node.aggs, node.schema
        if any(a.func in L.COMPUTE_NODE_ONLY for a in aggs) and not L.reads_table(node.input):
            names = ", ".join(sorted({a.func.upper() for a in aggs if a.func in L.COMPUTE_NODE_ONLY}))
            raise NotSupportedError(
                "One or more of the used functions must be applied on at least one user created table. "
                f"Examples of user table only functions are LISTAGG, MEDIAN, PERCENTILE_CONT, etc (used: {names})")
        child = self._plan(node.input)
        ng = len(groups)
        if child.dist == LEADER:
            return HashAggregate(child, groups, aggs, "single", schema, LEADER)
        child = self._slices(child)
        if child.dist.kind == "key" and ng:
            for i, g in enumerate(groups):
                if isinstance(g, ColumnIndex) and (g.index,) == child.dist.keys:
                    return HashAggregate(child, groups, aggs, "single", schema, Dist("key", (i,)),
                                         sorted_input=_groups_on_sort_key(child, groups))
        if any(a.needs_all_rows for a in aggs):
            on = next((i for i, g in enumerate(groups) if isinstance(g, ColumnIndex)), None)
            if on is not None:
                col = groups[on].index
                moved = self._with(Redistribute(child, [col]), Dist("key", (col,)))
                return HashAggregate(moved, groups, aggs, "single", schema, Dist("key", (on,)))
            gathered = self._with(Gather(child), LEADER)
            return HashAggregate(gathered, groups, aggs, "single", schema, LEADER)
        partial = HashAggregate(child, groups, aggs, "partial", HashAggregate.partial_schema(groups, aggs), child.dist)
        final_groups = [ColumnIndex(i, g.type, str(g)) for i, g in enumerate(groups)]
        if ng:
            moved = self._with(Redistribute(partial, list(range(ng))), Dist("key", tuple(range(ng))))
            return HashAggregate(moved, final_groups, aggs, "final", schema, Dist("key", tuple(range(ng))))
        gathered = self._with(Gather(partial), LEADER)
        return HashAggregate(gathered, final_groups, aggs, "final", schema, LEADER)

    def _union(self, node: L.SetOp) -> PhysicalOp:
        """UNION ALL: an Append, no movement. UNION: the Append, redistributed
        on all columns unless already distributed on one, then XN Unique."""
        inputs = [self._plan(c) for c in _union_inputs(node, node.all)]
        if all(op.dist == LEADER for op in inputs):
            appended = Append(inputs, node.schema, LEADER)
        elif all(op.dist == REPLICATED for op in inputs):
            appended = Append(inputs, node.schema, REPLICATED)
        else:
            inputs = [self._slices(op) for op in inputs]
            first = inputs[0].dist
            shared = first.kind == "key" and all(op.dist == first for op in inputs)
            appended = Append(inputs, node.schema, first if shared else ANY)
        if node.all:
            return appended
        if appended.dist.kind not in ("key", "leader", "replicated"):
            keys = list(range(len(node.schema)))
            appended = self._with(Redistribute(appended, keys), Dist("key", tuple(keys)))
        return Unique(appended, appended.dist)

    def _intersect_except(self, node: L.SetOp) -> PhysicalOp:
        left, right = self._plan(node.left), self._plan(node.right)
        if left.dist == LEADER and right.dist == LEADER:
            return HashSetOp(left, right, node.op, node.all, node.schema, LEADER)
        left, right = self._slices(left), self._slices(right)
        ld, rd = left.dist, right.dist
        if ld.kind == "key" and ld == rd:
            pass  # equal rows are already on one slice
        elif ld.kind == "key":
            right = self._with(Redistribute(right, list(ld.keys)), ld)
        elif rd.kind == "key":
            left = self._with(Redistribute(left, list(rd.keys)), rd)
        else:
            keys = list(range(len(node.schema)))
            dist = Dist("key", tuple(keys))
            left = self._with(Redistribute(left, keys), dist)
            right = self._with(Redistribute(right, keys), dist)
        return HashSetOp(left, right, node.op, node.all, node.schema, left.dist)

    def _join(self, node: L.Join) -> PhysicalOp:
        kind = node.kind
        left_node, right_node = node.left, node.right
        keys = list(node.equi_keys)
        residual = node.residual if kind != "cross" else None
        condition = node.condition
        swapped = kind == "right"
        lw, rw = len(left_node.schema), len(right_node.schema)
        if swapped:
            left_node, right_node, kind = right_node, left_node, "left"
            keys = [(b, a) for a, b in keys]
            mapping = {i: i + rw for i in range(lw)}
            mapping.update({lw + j: j for j in range(rw)})
            residual = remap_columns(residual, mapping) if residual is not None else None
            condition = remap_columns(condition, mapping) if condition is not None else None
        left, right = self._plan(left_node), self._plan(right_node)
        if keys:
            op = self._equi_join(left, right, left_node, right_node, kind, keys, residual)
        else:
            op = self._nested_loop(left, right, kind, condition)
        if swapped:
            nlw = len(node.right.schema)  # the swapped join outputs the original right side first
            exprs = [ColumnIndex(nlw + i, f.type, f.name) for i, f in enumerate(node.left.schema)]
            exprs += [ColumnIndex(i, f.type, f.name) for i, f in enumerate(node.right.schema)]
            op = ProjectOp(op, exprs, list(node.schema), _project_dist(op.dist, exprs))
        return op

    def _equi_join(self, left, right, left_node, right_node, kind, keys, residual) -> PhysicalOp:
        lk = [a for a, _ in keys]
        rk = [b for _, b in keys]
        ld, rd = left.dist, right.dist
        if ld == LEADER:
            left, ld = self._slices(left), ANY
        if rd == LEADER:
            right, rd = self._slices(right), ANY

        def pos(e):
            return e.index if isinstance(e, ColumnIndex) else None

        if kind == "anti_in" and rd != REPLICATED and ld != REPLICATED:
            # NOT IN must see every inner key (a NULL anywhere empties the result)
            right = self._with(Broadcast(self._slices(right)), REPLICATED)
            return HashJoin(left, right, kind, lk, rk, residual, "DS_BCAST_INNER", ld)
        if rd == REPLICATED and kind in ("inner", "left", *SEMI_KINDS):
            label, out = "DS_DIST_ALL_NONE", ld
        elif ld == REPLICATED:
            left = self._slices(left)
            right = self._with(ToSingleSlice(self._slices(right)), ANY)
            label, out = "DS_DIST_ALL_INNER", ANY
        else:
            right = self._slices(right)
            colocated = [i for i in range(len(keys)) if ld.kind == "key" and rd.kind == "key"
                         and ld.keys == (pos(lk[i]),) and rd.keys == (pos(rk[i]),)]
            outer_ok = [i for i in range(len(keys)) if ld.kind == "key" and ld.keys == (pos(lk[i]),) and pos(rk[i]) is not None]
            inner_ok = [i for i in range(len(keys)) if rd.kind == "key" and rd.keys == (pos(rk[i]),) and pos(lk[i]) is not None]
            both_ok = [i for i in range(len(keys)) if pos(lk[i]) is not None and pos(rk[i]) is not None]
            broadcast_cheaper = self.estimate(right_node) * self.topology.nodes < self.estimate(left_node) + self.estimate(right_node)
            if colocated:
                label, out = "DS_DIST_NONE", ld
            elif outer_ok:
                i = outer_ok[0]
                right = self._with(Redistribute(right, [pos(rk[i])]), Dist("key", (pos(rk[i]),)))
                label, out = "DS_DIST_INNER", ld
            elif inner_ok and not (kind != "full" and broadcast_cheaper):
                i = inner_ok[0]
                left = self._with(Redistribute(left, [pos(lk[i])]), Dist("key", (pos(lk[i]),)))
                label, out = "DS_DIST_OUTER", left.dist
            elif kind != "full" and (broadcast_cheaper or not both_ok):
                right = self._with(Broadcast(right), REPLICATED)
                label, out = "DS_BCAST_INNER", ld
            elif both_ok:
                i = both_ok[0]
                left = self._with(Redistribute(left, [pos(lk[i])]), Dist("key", (pos(lk[i]),)))
                right = self._with(Redistribute(right, [pos(rk[i])]), Dist("key", (pos(rk[i]),)))
                label, out = "DS_DIST_BOTH", left.dist
            else:  # FULL join on computed keys: do it on one slice
                left = self._with(ToSingleSlice(left), ANY)
                right = self._with(ToSingleSlice(right), ANY)
                label, out = "DS_DIST_BOTH", ANY
        if kind == "full" and out.kind == "key":
            out = ANY  # unmatched inner rows carry NULL outer keys
        if label == "DS_DIST_NONE" and kind in ("inner", "left"):
            merge = self._merge_join(left, right, kind, lk, rk, residual, colocated, out)
            if merge is not None:
                return merge
        return HashJoin(left, right, kind, lk, rk, residual, label, out)

    def _merge_join(self, left, right, kind, lk, rk, residual, candidates, out) -> PhysicalOp | None:
        """A MergeJoin when, for one key pair, both columns are their table's
        DISTKEY and leading COMPOUND SORTKEY and both tables are < 20 % unsorted."""
        for i in candidates:
            l_src, r_src = _source_column(left, lk[i].index), _source_column(right, rk[i].index)
            if l_src is None or r_src is None or not (_merge_key(*l_src) and _merge_key(*r_src)):
                continue
            if not _fixed_width(lk[i].type) or lk[i].type != rk[i].type:
                continue
            others = [Binary("=", a, shift_columns(b, len(left.schema)), BOOLEAN)
                      for j, (a, b) in enumerate(zip(lk, rk)) if j != i]
            cond = conjunction(others + ([residual] if residual is not None else []))
            return MergeJoin(left, right, kind, lk[i], rk[i], cond, out)
        return None

    def _nested_loop(self, left, right, kind, condition) -> PhysicalOp:
        if left.dist == LEADER:
            left = self._slices(left)
        if kind == "full":
            left = self._with(ToSingleSlice(self._slices(left)), ANY)
            right = self._with(ToSingleSlice(self._slices(right)), ANY)
            return NestedLoopJoin(left, right, kind, condition, "DS_DIST_BOTH", ANY)
        if right.dist == REPLICATED:
            label = "DS_DIST_ALL_NONE"
        else:
            right = self._with(Broadcast(self._slices(right)), REPLICATED)
            label = "DS_BCAST_INNER"
        out = left.dist
        return NestedLoopJoin(left, right, kind, condition, label, out)


MERGE_JOIN_MAX_UNSORTED = 0.20  # "less than 20 percent of the joining tables are unsorted"


def _source_column(op: PhysicalOp, pos: int):
    """The (table, table column) a plan column comes from unchanged, through
    filters, projections and limits (which keep row order), or None."""
    while True:
        if isinstance(op, SeqScan):
            return op.table, op.columns[pos]
        if isinstance(op, ProjectOp):
            e = op.exprs[pos]
            if not isinstance(e, ColumnIndex):
                return None
            op, pos = op.children[0], e.index
        elif isinstance(op, (FilterOp, LimitOp)):
            if isinstance(op, FilterOp) and op.keep is not None:
                pos = op.keep[pos]
            op = op.children[0]
        else:
            return None


def _merge_key(table, column: int) -> bool:
    d = table.definition
    name = d.fields[column].name
    unsorted = table.unsorted_fraction()
    return (table.effective_style is DistStyle.KEY and d.distkey == name and d.sortkey[:1] == (name,)
            and table.is_compound and unsorted is not None and unsorted < MERGE_JOIN_MAX_UNSORTED)


def _groups_on_sort_key(child: PhysicalOp, groups: list) -> bool:
    """One-phase GroupAggregate: "its GROUP BY list contains only sort key
    columns, one of which is also the distribution key" (the sort key columns
    being a prefix, in any order), on a fully sorted table."""
    sources = [_source_column(child, g.index) if isinstance(g, ColumnIndex) else None for g in groups]
    if any(s is None for s in sources) or len({id(t) for t, _ in sources}) != 1:
        return False
    table = sources[0][0]
    d = table.definition
    names = {d.fields[c].name for _, c in sources}
    return (table.is_compound and table.unsorted_fraction() == 0.0
            and names == set(d.sortkey[: len(names)]) and d.distkey in names)


def _union_inputs(node: L.SetOp, all_: bool) -> list:
    """The inputs of a chain of unions, flattened into one Append: under UNION
    ALL only further UNION ALLs (a UNION below must remove its duplicates
    first); under UNION any union (duplicates are removed at the top anyway)."""
    out = []
    for child in (node.left, node.right):
        if isinstance(child, L.SetOp) and child.op == "union" and (child.all or not all_):
            out += _union_inputs(child, all_)
        else:
            out.append(child)
    return out


def _fixed_width(t) -> bool:
    return t.is_integer or t.is_decimal or t.is_temporal


def _project_dist(dist: Dist, exprs: list) -> Dist:
    if dist.kind != "key":
        return dist
    new = []
    for k in dist.keys:
        hits = [i for i, e in enumerate(exprs) if isinstance(e, ColumnIndex) and e.index == k]
        if not hits:
            return ANY
        new.append(hits[0])
    return Dist("key", tuple(new))


__all__ = ["PhysicalPlanner"]
