"""The cost and cardinality model behind EXPLAIN's ``(cost=a..b rows=r width=w)``.

Role: for every operator of a *physical* plan, :func:`estimate` returns
``(startup_cost, total_cost, rows, width)``: the relative cost to the first row
and to the last, cumulative up the tree as in PostgreSQL and Redshift; the
estimated output rows; the average output row width in bytes. It reads the
plan only (table row counts and stored column bytes; nothing is executed), so
for a given cluster shape and data the numbers are always the same.

Place in the pipeline: physical planner → **cost** → ``exec.explain`` (the
EXPLAIN text, STL_EXPLAIN rows). The planner does not consult these costs: it
picks DS_BCAST_INNER versus DS_DIST_BOTH with its own row-count rule, so, as
Redshift says of its own costs, they do not "provide a meaningful comparison
between execution plans".

Constants. Redshift's cost model is undocumented. Those marked [OBS] are read
off the sample plans of the AWS Developer Guide; the rest are ours
[UNCONFIRMED in AWS docs]:

======================  ===========  ==============================================
constant                value        meaning
======================  ===========  ==============================================
SCAN_ROW_COST           0.01         [OBS] ``XN Seq Scan`` total = 0.01 × *table*
                                     rows (startup 0), also under a ``Filter:``
CPU_OPERATOR_COST       0.0025       [OBS, PostgreSQL's cpu_operator_cost] per row
                                     hashed (both join sides), per row and per
                                     group key / aggregate fed to an aggregate, per
                                     comparison of a sort (× 2 N log2 N) and per
                                     row a sort or aggregate emits
CPU_TUPLE_COST          0.01         [OBS, PostgreSQL's cpu_tuple_cost] per row a
                                     join probes and per row it emits
TOP_SORT_COST           1e12         [OBS] added to startup and total by the sort
                                     of an ORDER BY; the ``XN Network`` and
                                     ``XN Merge`` above it show the sort's cost
NETWORK_ROW_COST        160,000      ours: per row *copy* sent between slices by a
                                     join: DS_DIST_INNER / OUTER / BOTH move each
                                     row of the moved side once, DS_BCAST_INNER
                                     sends ``nodes`` copies of the inner,
                                     DS_DIST_ALL_INNER moves the inner to one slice.
                                     Chosen so that an 8,798-row broadcast on 2
                                     nodes costs 2,815,360,000: Example B's
                                     ``XN Hash Join DS_BCAST_INNER`` line
                                     (109.98..2815365714.80) comes out exactly
======================  ===========  ==============================================

A join's network cost goes into its *total* only: Example B's join starts at
``XN Hash`` total + 0.0025 × inner rows. Rows sent to the leader cost nothing
(Example B: ``XN Network`` shows its sort's cost) and neither do the partial
states an AGG → DIST → AGG aggregate moves (Example B's ``XN HashAggregate``
adds only 0.005 × input rows + 0.0025 × groups to the join below it).

Cardinality (ours, simple and documented; Redshift uses ANALYZE statistics,
and so do we for a filter over a scan once the table has been analyzed):

* scan: the table's row count; filter: the input × the predicate's
  selectivity. Over a scan of an analyzed table, the conjuncts ``col op
  constant``, ``col IN (...)`` and ``col IS NULL`` take their fraction from the
  table's statistics (histogram and most common values,
  :func:`columnar.sql.estimates.filter_fraction`, the estimate the planners
  share) and the other conjuncts the fixed rules; otherwise the fixed rules
  (:func:`selectivity`: ``=`` 1/10, ``<>`` 9/10, ranges 1/3,
  LIKE 1/10, IN 1/10 per item, IS NULL 1/100, AND multiplies, OR adds
  inclusion-exclusion, anything else 1/3);
* equi-join: ``max(outer, inner)`` (× the residual's selectivity); nested
  loop: ``outer × inner × selectivity(condition)``; LEFT joins keep at least
  the outer rows;
* grouped aggregate: input / 10 groups (at least 1); scalar aggregate: 1;
* limit: ``min(n, input − offset)``; top-N sort: ``min(input, n × slices)``;
* set operations: UNION ALL the sum of its inputs (and their costs, nothing
  more); UNION (``XN Unique``) its input rows, at CPU_OPERATOR_COST per row
  and column; INTERSECT ``min(left, right)`` and EXCEPT the left rows, costed
  as a hash join (build the right side, probe with the left);
* estimates below one row are shown as 1, as PostgreSQL does.

Width: the sum of the average column widths. Fixed-width types their byte
size (SMALLINT 2, INTEGER/REAL/DATE 4, BIGINT/DOUBLE/TIMESTAMP 8, DECIMAL 8
up to 18 digits else 16, BOOLEAN 1, CHAR(n) n); a VARCHAR read from a table
its average stored bytes (from the data, so it is deterministic); a computed
string its declared length, at most ``COMPUTED_STRING_WIDTH`` (256).

Simplified versus Redshift: statistics are used only for filters directly
over a scan; group counts, join fan-outs and other selectivities are fixed
fractions; merge joins, window
functions are not costed specially (an unknown operator costs its inputs plus
CPU_TUPLE_COST per row); set operations estimate no duplicates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from columnar.core.types import TypeId
from columnar.exec.operators.append import Append
from columnar.exec.operators.base import PhysicalOp
from columnar.exec.operators.exchange import Broadcast, Gather, OneCopy, Redistribute, ToSingleSlice
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
from columnar.exec.operators.unique import Unique
from columnar.exec.operators.values import Values
from columnar.exec.operators.window import Window
from columnar.sql import expr as E
from columnar.sql.estimates import filter_fraction

SCAN_ROW_COST = 0.01
CPU_OPERATOR_COST = 0.0025
CPU_TUPLE_COST = 0.01
TOP_SORT_COST = 1_000_000_000_000.0
NETWORK_ROW_COST = 160_000.0
COMPUTED_STRING_WIDTH = 256

EQ_SELECTIVITY = 0.1
RANGE_SELECTIVITY = 1 / 3
LIKE_SELECTIVITY = 0.1
NULL_SELECTIVITY = 0.01
DEFAULT_SELECTIVITY = 1 / 3
GROUP_FRACTION = 0.1  # groups = input rows / 10

EXCHANGES = (Redistribute, Broadcast, Gather, ToSingleSlice, OneCopy)

_FIXED_WIDTH = {
    TypeId.NULL: 1, TypeId.BOOLEAN: 1, TypeId.SMALLINT: 2, TypeId.INTEGER: 4, TypeId.BIGINT: 8,
    TypeId.REAL: 4, TypeId.DOUBLE: 8, TypeId.DATE: 4, TypeId.TIMESTAMP: 8, TypeId.INTERVAL: 16,
}


@dataclass(frozen=True)
class Estimate:
    """One operator's estimate. ``rows`` is unrounded; ``shown_rows`` is what EXPLAIN prints."""

    startup: float
    total: float
    rows: float
    width: int

    @property
    def shown_rows(self) -> int:
        return max(1, int(round(self.rows)))

    def text(self) -> str:
        """``(cost=0.00..2.02 rows=202 width=22)``: the tail of an EXPLAIN node line."""
        return f"(cost={self.startup:.2f}..{self.total:.2f} rows={self.shown_rows} width={self.width})"


def type_width(t) -> float:
    """Average bytes of a value of type ``t`` when nothing else is known.

    Example:
        >>> from columnar.core.types import DataType, INTEGER
        >>> type_width(INTEGER), type_width(DataType.decimal(38, 2)), type_width(DataType.varchar(20))
        (4, 16, 20)
    """
    if t.id in _FIXED_WIDTH:
        return _FIXED_WIDTH[t.id]
    if t.id is TypeId.DECIMAL:
        return 8 if t.precision <= 18 else 16
    if t.id is TypeId.CHAR:
        return t.length
    if t.id is TypeId.VARCHAR:
        return min(t.length, COMPUTED_STRING_WIDTH)
    return 8


def selectivity(pred) -> float:
    """The fraction of rows a predicate keeps (our fixed rules, see the module docstring).

    Example:
        >>> from columnar.core.types import BOOLEAN, INTEGER
        >>> a = E.ColumnIndex(0, INTEGER, "a")
        >>> one = E.Const(1, INTEGER)
        >>> selectivity(E.Binary("=", a, one, BOOLEAN))
        0.1
        >>> round(selectivity(E.Binary("and", E.Binary(">", a, one, BOOLEAN), E.Binary("=", a, one, BOOLEAN), BOOLEAN)), 4)
        0.0333
    """
    if pred is None:
        return 1.0
    if isinstance(pred, E.Const):
        return 1.0 if pred.value is True else 0.0
    if isinstance(pred, E.Binary):
        op = pred.op.lower()
        if op == "and":
            return selectivity(pred.left) * selectivity(pred.right)
        if op == "or":
            a, b = selectivity(pred.left), selectivity(pred.right)
            return a + b - a * b
        if op == "=":
            return EQ_SELECTIVITY
        if op == "<>":
            return 1 - EQ_SELECTIVITY
        if op in ("<", "<=", ">", ">="):
            return RANGE_SELECTIVITY
        return DEFAULT_SELECTIVITY
    if isinstance(pred, E.Unary) and pred.op == "not":
        return 1 - selectivity(pred.operand)
    if isinstance(pred, E.Like):
        return 1 - LIKE_SELECTIVITY if pred.negated else LIKE_SELECTIVITY
    if isinstance(pred, E.InList):
        s = min(1.0, EQ_SELECTIVITY * len(pred.items))
        return 1 - s if pred.negated else s
    if isinstance(pred, E.IsNull):
        return 1 - NULL_SELECTIVITY if pred.negated else NULL_SELECTIVITY
    return DEFAULT_SELECTIVITY


def strip_exchanges(op: PhysicalOp) -> tuple[PhysicalOp, list[PhysicalOp]]:
    """The first non-exchange operator under ``op``, and the exchanges passed on the way."""
    passed = []
    while isinstance(op, EXCHANGES):
        passed.append(op)
        op = op.children[0]
    return op, passed


class CostModel:
    """Estimates for the operators of one cluster shape (memoised per operator)."""

    def __init__(self, nodes: int = 2, slices: int = 4):
        self.nodes, self.slices = nodes, slices
        self._memo: dict[int, Estimate] = {}
        self._widths: dict[int, list[float]] = {}
        self._keep: list = []  # keep memoised operators alive so their ids stay unique

    @staticmethod
    def for_plan(plan: PhysicalOp, topology=None) -> "CostModel":
        """A model for ``plan``'s cluster: ``topology`` if given; else the one the
        plan carries (``plan.topology``); else 2 nodes of ``slices / 2`` slices,
        the slice count read from any table the plan scans."""
        topology = topology if topology is not None else getattr(plan, "topology", None)
        if topology is not None:
            return CostModel(topology.nodes, topology.n_slices)
        slices = next((o.table.n_slices for o in _walk(plan) if isinstance(o, SeqScan)), 4)
        return CostModel(max(1, slices // 2), slices)

    # -- public -----------------------------------------------------------------
    def estimate(self, op: PhysicalOp) -> Estimate:
        key = id(op)
        got = self._memo.get(key)
        if got is None:
            startup, total, rows = self._cost(op)
            got = Estimate(startup, total, max(0.0, rows), int(round(sum(self.widths(op)))))
            self._memo[key] = got
            self._keep.append(op)
        return got

    def widths(self, op: PhysicalOp) -> list[float]:
        """Average bytes of each output column of ``op``."""
        key = id(op)
        got = self._widths.get(key)
        if got is None:
            got = self._column_widths(op)
            self._widths[key] = got
            self._keep.append(op)
        return got

    def network_cost(self, exchange: PhysicalOp) -> float:
        """What moving rows through one exchange adds (see NETWORK_ROW_COST)."""
        child = exchange.children[0]
        if isinstance(exchange, (Gather, OneCopy)):
            return 0.0
        if isinstance(child, HashAggregate) and child.mode == "partial":
            return 0.0  # AGG -> DIST -> AGG: not charged [OBS Example B]
        rows = self.estimate(child).rows
        copies = self.nodes if isinstance(exchange, Broadcast) else 1
        return rows * copies * NETWORK_ROW_COST

    # -- costs ------------------------------------------------------------------
    def _cost(self, op: PhysicalOp) -> tuple[float, float, float]:
        if isinstance(op, (SeqScan, S3Scan)):
            n = float(op.table.row_count())
            return 0.0, n * SCAN_ROW_COST, n
        if isinstance(op, Values):
            n = float(len(op.rows))
            return 0.0, n * CPU_TUPLE_COST, n
        if isinstance(op, Filter):
            c = self.estimate(op.children[0])
            return c.startup, c.total, c.rows * self._filter_selectivity(op)
        if isinstance(op, EXCHANGES):
            c = self.estimate(op.children[0])
            return c.startup, c.total + self.network_cost(op), c.rows
        if isinstance(op, Project):
            c = self.estimate(op.children[0])
            return c.startup, c.total, c.rows
        if isinstance(op, HashJoin):
            return self._hash_join(op)
        if isinstance(op, NestedLoopJoin):
            return self._nested_loop(op)
        if isinstance(op, HashAggregate):
            return self._aggregate(op)
        if isinstance(op, Append):
            kids = [self.estimate(c) for c in op.children]
            return kids[0].startup, sum(k.total for k in kids), sum(k.rows for k in kids)
        if isinstance(op, Unique):
            c = self.estimate(op.children[0])
            work = c.total + c.rows * CPU_OPERATOR_COST * max(1, len(op.schema))
            return work, work, c.rows
        if isinstance(op, HashSetOp):
            o, i = self.estimate(op.children[0]), self.estimate(op.children[1])
            startup = o.startup + i.total + i.rows * CPU_OPERATOR_COST
            rows = min(o.rows, i.rows) if op.op == "intersect" else o.rows
            return startup, startup + (o.total - o.startup) + o.rows * CPU_OPERATOR_COST, rows
        if isinstance(op, TopN):
            c = self.estimate(op.children[0])
            out = min(c.rows, float(op.n * self.slices))
            startup = c.total + TOP_SORT_COST + 2 * CPU_OPERATOR_COST * c.rows * math.log2(max(2.0, 2.0 * op.n))
            return startup, startup + CPU_OPERATOR_COST * out, out
        if isinstance(op, Sort):
            c = self.estimate(op.children[0])
            if "Merge" in op.label and isinstance(op.children[0], Gather):
                return c.startup, c.total, c.rows  # the leader merges sorted streams: the sort's cost
            n = c.rows
            startup = c.total + TOP_SORT_COST + 2 * CPU_OPERATOR_COST * n * math.log2(max(2.0, n))
            return startup, startup + CPU_OPERATOR_COST * n, n
        if isinstance(op, Window):  # a sort per slice, then a pass per function
            c = self.estimate(op.children[0])
            n = c.rows
            startup = c.total + 2 * CPU_OPERATOR_COST * n * math.log2(max(2.0, n))
            return startup, startup + CPU_OPERATOR_COST * n * len(op.calls), n
        if isinstance(op, Limit):
            c = self.estimate(op.children[0])
            available = max(0.0, c.rows - op.offset)
            rows = available if op.limit is None else min(float(op.limit), available)
            frac = 1.0 if c.rows <= 0 or op.limit is None else min(1.0, (op.offset + op.limit) / c.rows)
            return c.startup, c.startup + (c.total - c.startup) * frac, rows
        # An operator this model does not know: its inputs plus a per-row charge.
        kids = [self.estimate(c) for c in op.children]
        rows = kids[0].rows if kids else 1.0
        startup = max((k.startup for k in kids), default=0.0)
        return startup, sum(k.total for k in kids) + rows * CPU_TUPLE_COST, rows

    @staticmethod
    def _filter_selectivity(op: Filter) -> float:
        """From ANALYZE statistics for a filter over a scan of an analyzed table
        (other conjuncts: the fixed rules), else the fixed rules alone."""
        child = op.children[0]
        if isinstance(child, SeqScan):
            fraction = filter_fraction(child.table, child.columns, op.predicate, fallback=selectivity)
            if fraction is not None:
                return fraction
        return selectivity(op.predicate)

    def _sides(self, op):
        outer, o_ex = strip_exchanges(op.children[0])
        inner, i_ex = strip_exchanges(op.children[1])
        net = sum(self.network_cost(x) for x in o_ex + i_ex)
        return self.estimate(outer), self.estimate(inner), net

    def _hash_join(self, op: HashJoin):
        o, i, net = self._sides(op)
        rows = max(o.rows, i.rows) * selectivity(op.residual)
        if op.kind in ("left", "full"):
            rows = max(rows, o.rows)
        if op.kind == "full":
            rows = max(rows, i.rows)
        startup = o.startup + i.total + i.rows * CPU_OPERATOR_COST  # build the hash table
        total = (startup + (o.total - o.startup) + o.rows * (CPU_OPERATOR_COST + CPU_TUPLE_COST)
                 + rows * CPU_TUPLE_COST + net)
        return startup, total, rows

    def _nested_loop(self, op: NestedLoopJoin):
        o, i, net = self._sides(op)
        rows = o.rows * i.rows * selectivity(op.condition)
        if op.kind in ("left", "full"):
            rows = max(rows, o.rows)
        startup = o.startup + i.total
        total = (startup + (o.total - o.startup) + o.rows * i.rows * CPU_OPERATOR_COST
                 + rows * CPU_TUPLE_COST + net)
        return startup, total, rows

    def _aggregate(self, op: HashAggregate):
        c = self.estimate(op.children[0])
        if op.mode == "final":
            # The states of the partial phase: groups counted from the partial's input.
            below, _ = strip_exchanges(op.children[0])
            in_rows = self.estimate(below.children[0]).rows if isinstance(below, HashAggregate) else c.rows
            groups = max(1.0, in_rows * GROUP_FRACTION) if op.groups else 1.0
            startup = c.total  # merging states is not charged [OBS Example B]
            return (startup, startup + groups * CPU_OPERATOR_COST, groups) if op.groups else (startup, startup, 1.0)
        in_rows = c.rows
        work = c.total + in_rows * CPU_OPERATOR_COST * (len(op.groups) + len(op.aggs))
        if op.mode == "partial":
            groups = min(in_rows, max(1.0, in_rows * GROUP_FRACTION) * self.slices) if op.groups else float(self.slices)
            return work, work, groups  # states are emitted (and merged) for free [OBS Example B]
        if not op.groups:
            return work, work, 1.0
        groups = max(1.0, in_rows * GROUP_FRACTION)
        return work, work + groups * CPU_OPERATOR_COST, groups

    # -- widths -----------------------------------------------------------------
    def _column_widths(self, op: PhysicalOp) -> list[float]:
        if isinstance(op, SeqScan):
            return [_stored_width(op.table, c, f.type) for c, f in zip(op.columns, op.schema)]
        if isinstance(op, (HashJoin, NestedLoopJoin)):
            return self.widths(op.children[0]) + self.widths(op.children[1])
        if isinstance(op, Project):
            return self._expr_widths(op.exprs, self.widths(op.children[0]))
        if isinstance(op, Append):
            per_input = [self.widths(c) for c in op.children]
            return [max(ws) for ws in zip(*per_input)]
        if isinstance(op, HashSetOp):
            return self.widths(op.children[0])
        if isinstance(op, HashAggregate):
            child = self.widths(op.children[0])
            ng = len(op.groups)
            if op.mode == "final":
                keys = child[:ng]
            else:
                keys = self._expr_widths(op.groups, child)
            return keys + [float(type_width(f.type)) for f in op.schema[ng:]]
        if isinstance(op, Filter) and op.keep is not None:
            child = self.widths(op.children[0])
            return [child[i] for i in op.keep]
        if len(op.children) == 1 and len(op.schema) == len(op.children[0].schema):
            return self.widths(op.children[0])
        return [float(type_width(f.type)) for f in op.schema]

    @staticmethod
    def _expr_widths(exprs, child: list[float]) -> list[float]:
        out = []
        for e in exprs:
            if isinstance(e, E.ColumnIndex) and e.index < len(child):
                out.append(child[e.index])
            else:
                out.append(float(type_width(e.type)))
        return out


def _stored_width(table, column: int, t) -> float:
    """A stored column's average bytes: VARCHAR from the data, others by type."""
    if t.id is not TypeId.VARCHAR or column < 0:  # column < 0: the hidden row id of DELETE/UPDATE
        return float(type_width(t))
    total = n = 0
    for s in range(table.n_slices):
        cols = table.slice_columns(s)
        if cols is None:
            continue
        data = cols[column].data
        if hasattr(data, "codes"):  # dictionary encoded
            lengths = data.dictionary.lengths()
            total += int(lengths[data.codes].sum()) if len(data.codes) else 0
        elif hasattr(data, "offsets"):
            total += int(data.offsets[-1] - data.offsets[0])
        else:
            return float(type_width(t))
        n += len(data)
    return total / n if n else float(type_width(t))


def _walk(op: PhysicalOp):
    yield op
    for c in op.children:
        yield from _walk(c)


def estimate(op: PhysicalOp, topology=None) -> tuple[float, float, float, int]:
    """``(startup_cost, total_cost, rows, width)`` of ``op`` (see the module docstring).

    ``topology`` is the cluster (its node count prices a broadcast); without it
    the plan's own ``topology`` attribute, or a 2-node guess, is used.
    """
    e = CostModel.for_plan(op, topology).estimate(op)
    return e.startup, e.total, e.rows, e.width


__all__ = ["CostModel", "Estimate", "estimate", "selectivity", "strip_exchanges", "type_width"]
