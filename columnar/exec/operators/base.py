"""What every physical operator shares: partitioned data, distribution, context.

Role: a physical operator is an immutable, printable description of work
(``describe()`` is its EXPLAIN line) whose ``run(ctx)`` returns a
:class:`Partitioned` result: one :class:`~columnar.core.chunk.Batch` per
slice, or a single batch at the leader. Operators run operator-at-a-time: each
consumes its children's complete per-slice output (simple, and fast with
vectorised kernels; a streaming pipeline is a later refinement).

A result's :class:`Dist` says where its rows live, which the physical planner
uses to decide what a join or aggregate must move:

* ``key``: hash-partitioned on the columns ``keys`` (DISTSTYLE KEY, or after
  a redistribution);
* ``any``: spread over slices, each row once (EVEN, or a key that was lost);
* ``replicated``: every slice sees a full copy (DISTSTYLE ALL: one copy per
  node, shared by the node's slices);
* ``leader``: one batch on the leader node.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from columnar.cluster.network import Network
from columnar.cluster.topology import Topology
from columnar.core.chunk import Batch
from columnar.kernels.columns import slice_column


@dataclass(frozen=True)
class Dist:
    kind: str  # key | any | replicated | leader
    keys: tuple = ()

    def __str__(self) -> str:
        return f"KEY{self.keys}" if self.kind == "key" else self.kind.upper()


ANY = Dist("any")
REPLICATED = Dist("replicated")
LEADER = Dist("leader")


@dataclass
class Partitioned:
    batches: list
    dist: Dist

    @property
    def at_leader(self) -> bool:
        return self.dist.kind == "leader"

    def total_rows(self) -> int:
        if self.dist.kind == "replicated":
            return len(self.batches[0]) if self.batches else 0
        return sum(len(b) for b in self.batches)


@dataclass
class StepStats:
    """What one operator did in one query: the raw material of EXPLAIN ANALYZE
    and of SVL_QUERY_REPORT / SVL_QUERY_SUMMARY.

    ``rows``/``bytes`` are the operator's output per slice (one entry for a
    leader result); ``seconds`` is its own time, children excluded;
    ``moved`` the network counters its own exchange bumped."""

    op: "PhysicalOp"
    rows: list
    bytes: list
    seconds: float
    at_leader: bool
    moved: dict


#: Work on fewer rows than this (all slices together) runs on the calling thread.
PARALLEL_MIN_ROWS = 50_000


def _rows(batches: list) -> int:
    return sum(len(b) for b in batches)


class ExecContext:
    """Per-query execution state: topology, network, counters, thread pool,
    and the per-operator statistics of the run (``steps``, in completion order)."""

    def __init__(self, topology: Topology, metrics, threads: int = 1):
        self.topology = topology
        self.network = Network(topology)
        self.metrics = metrics
        self._pool = ThreadPoolExecutor(threads) if threads > 1 else None
        self.steps: list[StepStats] = []
        self._stack: list[list] = []  # per running operator: [children seconds, children moved]

    def run(self, op: "PhysicalOp") -> Partitioned:
        """Run ``op`` (operators call this for their children) and record its step."""
        self._stack.append([0.0, Counter()])
        before = Counter(self.network.counters)
        t0 = time.perf_counter()
        out = op.run(self)
        elapsed = time.perf_counter() - t0
        child_seconds, child_moved = self._stack.pop()
        moved = Counter(self.network.counters)
        moved.subtract(before)
        own = Counter(moved)
        own.subtract(child_moved)
        if self._stack:
            self._stack[-1][0] += elapsed
            self._stack[-1][1].update(moved)
        unique = {id(b): b for b in out.batches} if out.dist.kind == "replicated" else None
        batches = list(unique.values()) if unique is not None else out.batches
        self.steps.append(StepStats(op, [len(b) for b in batches], [b.nbytes for b in batches],
                                    elapsed - child_seconds, out.at_leader, {k: v for k, v in own.items() if v}))
        return out

    def _parallel(self, tasks: int, rows: int | None) -> bool:
        """Whether to hand tasks to the pool: not for a few thousand rows, where
        passing work between threads costs more than it saves (TPC-H Q2's small
        joins ran 1.5x slower on two threads than on one)."""
        return self._pool is not None and tasks > 1 and (rows is None or rows >= PARALLEL_MIN_ROWS)

    def map_pairs(self, fn, left: list, right: list) -> list:
        """``fn(left[s], right[s])`` for every slice ``s`` (joins), in parallel when threads allow."""
        if self._parallel(len(left), _rows(left) + _rows(right)):
            return list(self._pool.map(fn, left, right))
        return [fn(a, b) for a, b in zip(left, right)]

    def each(self, fn, items: list, rows: int | None = None) -> list:
        """``[fn(x) for x in items]``, in parallel when threads allow (a scan's
        slices); ``rows``, when known, is the work's size in rows."""
        if self._parallel(len(items), rows):
            return list(self._pool.map(fn, items))
        return [fn(x) for x in items]

    def map(self, fn, batches: list) -> list:
        """Apply ``fn`` to each slice's batch (a shared batch, as in a
        replicated input, is processed once)."""
        seen: dict = {}
        todo = []
        for b in batches:
            if id(b) not in seen:
                seen[id(b)] = None
                todo.append(b)
        if self._parallel(len(todo), _rows(todo)):
            results = list(self._pool.map(fn, todo))
        else:
            results = [fn(b) for b in todo]
        for b, r in zip(todo, results):
            seen[id(b)] = r
        return [seen[id(b)] for b in batches]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)


class PhysicalOp:
    """Base class: ``children``, ``schema`` (list of Field), ``run``, ``describe``."""

    children: list = []
    schema: list = []

    def run(self, ctx: ExecContext) -> Partitioned:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__

    def details(self) -> list[str]:
        """Extra EXPLAIN lines under the node (conditions, keys)."""
        return []

    @property
    def types(self):
        return [f.type for f in self.schema]


def one_copy(p: Partitioned, n_slices: int) -> list[Batch]:
    """A replicated result viewed as rows-once: the first slice's copy only."""
    if p.dist.kind != "replicated":
        return p.batches
    first = p.batches[0]
    out = [first]
    for _ in range(n_slices - 1):
        out.append(_empty_like(first))
    return out


def _empty_like(b: Batch) -> Batch:
    return Batch([slice_column(c, 0, 0) for c in b.columns], 0)
