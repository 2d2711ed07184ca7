"""Segments and steps: a query's physical plan and run statistics as Redshift reports them.

Role: the shared model behind SVL_QUERY_REPORT, SVL_QUERY_SUMMARY and STL_SCAN
(:mod:`columnar.exec.system_views_querylog`). Redshift compiles a query into
*streams* of *segments* (pipelines a slice runs without waiting for other
slices) made of *steps* (the labelled operations of [DG:query-plan-summary-map]).
:func:`query_steps` rebuilds that shape from a :class:`QueryRecord`'s physical
plan and its per-operator :class:`~columnar.exec.operators.base.StepStats`
(reference §4.2 "STL_SCAN", §4.3 "SVL_QUERY_SUMMARY / SVL_QUERY_REPORT").

Our segmentation rule, read bottom-up from the plan's leaves:

1. A scan starts a segment (step 0): ``scan   tbl=<id> name=<table>`` for a
   stored table, as STL_SCAN says ("step ... always 0 because a scan is the
   first step in a segment").
2. An exchange is the last step of the segment that sends: ``dist``
   (Redistribute; ToSingleSlice too), ``bcast`` (Broadcast), ``return``
   (Gather to the leader). The receiving segment starts with a network scan
   ``scan   tbl=<n> name=Internal Worktable`` (STL_SCAN type 1, "data from the
   network"), as the doc samples show after ``dist`` and ``return``; a leader
   ``merge`` reads the network directly and replaces that scan.
3. The build side of a hash join ends its segment with ``hash``; ``hjoin``
   runs in the probe side's segment (STL_HASHJOIN records the hjoin's
   ``hash_segment``). Build segments are numbered first, as they run first.
   A nested loop's inner input likewise ends its segment (it is materialised).
4. A Filter is not a step: its predicate runs inside the step below it (a
   scan reports ``rows`` after the filter and ``rows_pre_filter`` before it).
   OneCopy (no data movement) is not a step either.
5. Other operators append a step to the current segment: ``aggr``
   (HashAggregate, every mode, so partial/DIST/final reads AGGR, DIST, SCAN,
   AGGR as in the doc samples), ``sort`` (Sort, TopN), ``merge`` (the leader's
   Sort labelled XN Merge), ``limit``, ``project``, ``nloop``, ``unique``
   (UNION's duplicate removal), ``window`` (XN Window).
7. Set operations: an Append (UNION ALL) continues its first input's segment;
   every other input ends its own segment with a ``save`` step (its rows
   written to a worktable the first segment reads). INTERSECT / EXCEPT run as
   a hash join: the second input ends its segment with ``hash``, the
   comparison is an ``hjoin`` step in the first input's segment.
6. A SELECT ends with a ``return`` step on the leader (rows to the client).

Segments are numbered in the order they complete (producers before
consumers), steps from 0 within a segment. Compute steps have one row per
slice (0 rows where the slice holds nothing), leader steps one row on slice
10000 (the doc sample's leader slice). A replicated result (an ALL table, a
broadcast copy) is held once per node and reported on each node's first
slice. An exchange step reports what each slice *sent* (its input), the
network scan after it what each slice *received*.

Simplified versus Redshift: no streams (``stm`` is 0); aggregates and sorts
do not end segments (Redshift sometimes materialises them into a worktable
read by the next segment); no ``parse``, ``insert`` or
``delete`` steps (``save`` only for the inputs of a UNION ALL); non-scan
labels carry no worktable id (``aggr``, not ``aggr   tbl=263``). Time is measured per operator, not per
slice: every slice of a step shows the operator's own time; steps are laid
end to end in the order the operators finished, ending at the statement's
end; synthetic steps (network scans, ``hash``, the final ``return``) take 0 s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from columnar.exec.operators.append import Append
from columnar.exec.operators.exchange import Broadcast, Gather, OneCopy, Redistribute, ToSingleSlice
from columnar.exec.operators.filter import Filter
from columnar.exec.operators.hash_aggregate import HashAggregate
from columnar.exec.operators.hash_join import HashJoin
from columnar.exec.operators.hash_setop import HashSetOp
from columnar.exec.operators.limit import Limit
from columnar.exec.operators.nested_loop_join import NestedLoopJoin
from columnar.exec.operators.project import Project
from columnar.exec.operators.seq_scan import SeqScan
from columnar.exec.operators.sort import Sort
from columnar.exec.operators.top_n import TopN
from columnar.exec.operators.unique import Unique
from columnar.exec.operators.values import Values
from columnar.exec.operators.window import Window

LEADER_SLICE = 10000
WORKTABLE = "Internal Worktable"
FIRST_WORKTABLE_ID = 100  # transient tables have 3-digit ids in Redshift's labels
SCAN_NETWORK, SCAN_PERMANENT, SCAN_TRANSIENT = 1, 2, 3  # STL_SCAN.type ids

_EXCHANGES = {Redistribute: "dist", ToSingleSlice: "dist", Broadcast: "bcast", Gather: "return"}
_LABELS = {HashAggregate: "aggr", TopN: "sort", Limit: "limit", Project: "project", NestedLoopJoin: "nloop",
           Unique: "unique", Window: "window"}


@dataclass
class Step:
    """One step of one query: per-slice rows and bytes, its time window."""

    segment: int
    step: int
    label: str
    slices: dict  # slice id -> (rows, bytes)
    start: dt.datetime
    end: dt.datetime
    rows_pre_filter: dict = field(default_factory=dict)  # slice id -> rows read (table scans)
    rows_pre_user_filter: dict = field(default_factory=dict)  # slice id -> rows read less ghost rows
    scan_type: int | None = None  # STL_SCAN.type when the step is a scan
    tbl: int = 0
    table_name: str = ""
    is_rrscan: bool = False  # a range-restricted table scan (zone maps)

    @property
    def elapsed_us(self) -> int:
        return round((self.end - self.start).total_seconds() * 1e6)


def logs_steps(rec) -> bool:
    """Whether a statement has steps: a finished query that scanned a user table.
    Leader-only statements (no table: ``SELECT 1``, ``INSERT ... VALUES``) and
    queries on system views have none."""
    if rec.plan is None or rec.end is None:
        return False
    scans = [op for op in _walk(rec.plan) if isinstance(op, SeqScan)]
    return bool(scans) and not any(getattr(op.table, "is_system_view", False) for op in scans)


def query_steps(rec, topology) -> list[Step]:
    """The steps of ``rec`` in (segment, step) order; [] when it has none."""
    if not logs_steps(rec):
        return []
    return _Segmenter(rec, topology).run()


@dataclass
class _Draft:
    label: str
    slices: dict
    t0: float  # offsets (s) from the start of execution
    t1: float
    rows_pre_filter: dict = field(default_factory=dict)
    rows_pre_user_filter: dict = field(default_factory=dict)
    scan_type: int | None = None
    tbl: int = 0
    table_name: str = ""
    is_rrscan: bool = False


class _Segment:
    def __init__(self, pending=None):
        self.steps: list[_Draft] = []
        self.pending = pending  # the exchange whose network scan opens this segment


class _Segmenter:
    def __init__(self, rec, topology):
        self.rec, self.topo = rec, topology
        self.stats: dict = {}
        self.window: dict = {}  # id(op) -> (start, end) offsets: operators laid end to end
        clock = 0.0
        for s in rec.steps:
            if id(s.op) not in self.stats:
                self.stats[id(s.op)] = s
                self.window[id(s.op)] = (clock, clock + s.seconds)
            clock += s.seconds
        self.origin = max(rec.start, rec.end - dt.timedelta(seconds=clock))
        self.closed: list[list[_Draft]] = []
        self.worktables = 0

    def run(self) -> list[Step]:
        root = self.rec.plan
        seg = self.walk(root)
        if self.rec.kind == "SELECT" and id(root) in self.stats:
            end = self.window[id(root)][1]
            self.add(seg, _Draft("return", self.placement(self.stats[id(root)]), end, end))
        self.close(seg)
        out = []
        for n, drafts in enumerate(self.closed):
            for i, d in enumerate(drafts):
                out.append(Step(n, i, d.label, d.slices, self.at(d.t0), self.at(d.t1), d.rows_pre_filter,
                                d.rows_pre_user_filter, d.scan_type, d.tbl, d.table_name, d.is_rrscan))
        return out

    def at(self, offset: float) -> dt.datetime:
        return self.origin + dt.timedelta(seconds=offset)

    # -- the walk ---------------------------------------------------------------------
    def walk(self, op) -> _Segment:
        """Steps of ``op``'s subtree; returns the open segment its output flows on in."""
        kind = type(op)
        if isinstance(op, SeqScan):
            seg = _Segment()
            self.add(seg, self.table_scan(op))
            return seg
        if isinstance(op, Values):
            seg = _Segment()
            self.add(seg, self.draft(op, "scan   tbl=0 name=Values", scan_type=SCAN_TRANSIENT, table_name="Values"))
            return seg
        if kind in _EXCHANGES:
            seg = self.walk(op.children[0])
            self.add(seg, self.send(op, _EXCHANGES[kind]))
            self.close(seg)
            return _Segment(pending=op)
        if isinstance(op, OneCopy):
            return self.walk(op.children[0])
        if isinstance(op, Append):
            first = self.walk(op.children[0])
            for child in op.children[1:]:
                seg = self.walk(child)
                self.add(seg, self.draft(child, "save"))
                self.close(seg)
            return first
        if isinstance(op, (HashJoin, NestedLoopJoin, HashSetOp)):
            inner = self.walk(op.children[1])
            if isinstance(op, (HashJoin, HashSetOp)):
                self.add(inner, self.hash_step(op))
            self.close(inner)
            seg = self.walk(op.children[0])
            self.add(seg, self.draft(op, "nloop" if isinstance(op, NestedLoopJoin) else "hjoin"))
            return seg
        seg = self.walk(op.children[0])
        if isinstance(op, Filter):
            self.fold(seg, op)
        elif isinstance(op, Sort) and "Merge" in op.label:
            if seg.pending is not None and not seg.steps:
                seg.pending = None  # the merge reads the network streams itself
            self.add(seg, self.draft(op, "merge"))
        else:
            self.add(seg, self.draft(op, "sort" if isinstance(op, Sort) else _LABELS.get(kind, "project")))
        return seg

    def add(self, seg: _Segment, draft: _Draft | None) -> None:
        if seg.pending is not None:
            exchange, seg.pending = seg.pending, None
            received = self.draft(exchange, "", synthetic=True)
            if received is not None:
                tbl = FIRST_WORKTABLE_ID + self.worktables
                self.worktables += 1
                received.label = f"scan   tbl={tbl} name={WORKTABLE}"
                received.scan_type, received.tbl, received.table_name = SCAN_NETWORK, tbl, WORKTABLE
                seg.steps.append(received)
        if draft is not None:
            seg.steps.append(draft)

    def close(self, seg: _Segment) -> None:
        self.add(seg, None)
        if seg.steps:
            self.closed.append(seg.steps)

    def fold(self, seg: _Segment, op) -> None:
        """A filter's output becomes the rows of the step it runs in."""
        self.add(seg, None)
        s = self.stats.get(id(op))
        if s is None or not seg.steps:
            return
        last = seg.steps[-1]
        last.slices = self.placement(s)
        last.t1 = max(last.t1, self.window[id(op)][1])

    # -- drafts ---------------------------------------------------------------------
    def draft(self, op, label: str, synthetic: bool = False, **kw) -> _Draft | None:
        s = self.stats.get(id(op))
        if s is None:
            return None
        t0, t1 = self.window[id(op)]
        return _Draft(label, self.placement(s), t1 if synthetic else t0, t1, **kw)

    def table_scan(self, op) -> _Draft | None:
        t = op.table
        d = self.draft(op, f"scan   tbl={t.table_id} name={t.name}", scan_type=SCAN_PERMANENT,
                       tbl=t.table_id, table_name=t.name)
        if d is not None:
            d.rows_pre_filter = dict(getattr(op, "rows_pre_filter", {}))
            d.rows_pre_user_filter = dict(getattr(op, "rows_pre_user_filter", {}))
            d.is_rrscan = bool(getattr(op, "is_rrscan", False))
        return d

    def send(self, op, label: str) -> _Draft | None:
        """An exchange step: what each slice sent (the child's output, one copy of
        a replicated input, as the exchange itself reads it)."""
        child, own = self.stats.get(id(op.children[0])), self.stats.get(id(op))
        if child is None or own is None:
            return None
        slices = self.placement(child)
        if not child.at_leader and len(child.rows) != self.topo.n_slices:
            slices = {sl: (child.rows[0], child.bytes[0]) if sl == 0 else (0, 0) for sl in slices}
        t0, t1 = self.window[id(op)]
        return _Draft(label, slices, t0, t1)

    def hash_step(self, op) -> _Draft | None:
        """The build of the hash table: the inner input's rows, slice by slice."""
        inner, own = self.stats.get(id(op.children[1])), self.stats.get(id(op))
        if inner is None or own is None:
            return None
        t0 = self.window[id(op)][0]
        return _Draft("hash", self.placement(inner), t0, t0)

    def placement(self, s) -> dict:
        """Per-slice (rows, bytes) of an operator's output."""
        if s.at_leader:
            return {LEADER_SLICE: (s.rows[0], s.bytes[0])}
        n = self.topo.n_slices
        if len(s.rows) == n:
            return {sl: (s.rows[sl], s.bytes[sl]) for sl in range(n)}
        # replicated: one copy per node (or one shared copy), on each node's first slice
        out = {sl: (0, 0) for sl in range(n)}
        for k, first in enumerate(self.topo.first_slices):
            i = min(k, len(s.rows) - 1)
            out[first] = (s.rows[i], s.bytes[i])
        return out


def _walk(op):
    yield op
    for c in op.children:
        yield from _walk(c)
