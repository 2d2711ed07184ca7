"""The simulated interconnect: redistribute, broadcast and gather, with byte accounting.

Role: every row that changes slice goes through one of these three calls, and
each call counts what it moved. The executor's exchange operators (labelled
DS_DIST_* / DS_BCAST_INNER in EXPLAIN) and the final ``Send to leader`` step
are thin wrappers around them.

Accounting rules (ours; Redshift reports the same quantities per step in
SVL_QUERY_SUMMARY as rows and bytes of DIST / BCAST / RETURN steps):

* redistribute: every row entering the step is counted once
  (``rows_redistributed``), with its column bytes.
* broadcast: the inner table's rows are counted once (``rows_broadcast``);
  bytes are counted once per receiving node (a copy travels to each node).
* gather: rows and bytes sent from the slices to the leader.

Traffic between slices of the same node stays inside the node (memory);
``rows_internode`` / ``bytes_internode`` count what crosses the network
between nodes (and from compute nodes to a separate leader).

Simplified versus Redshift: data is not serialised; "bytes" are the in-memory
column bytes of the rows moved.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from columnar.cluster.distribution import key_slices
from columnar.cluster.topology import Topology
from columnar.core.chunk import Batch
from columnar.kernels.columns import concat_columns, take
from columnar.kernels.counting_sort import counting_order


def concat_batches(batches: list[Batch]) -> Batch:
    batches = [b for b in batches]
    if len(batches) == 1:
        return batches[0]
    n = sum(len(b) for b in batches)
    if not batches[0].columns:
        return Batch([], n)
    cols = [concat_columns([b.columns[i] for b in batches]) for i in range(len(batches[0].columns))]
    return Batch(cols, n)


class Network:
    """Moves per-slice batches between slices and to the leader, counting."""

    def __init__(self, topology: Topology):
        self.topology = topology
        self.counters: Counter = Counter()

    def redistribute(self, batches: list[Batch], key_positions: list[int], each=None) -> list[Batch]:
        """Hash-partition rows on the columns at ``key_positions`` (DS_DIST_*).

        ``each(fn, items)`` maps ``fn`` over items, possibly on several threads
        (the executor's pool): every source slice splits its rows, and every
        destination slice concatenates what it receives, independently."""
        n = self.topology.n_slices
        topo = self.topology
        each = each or (lambda fn, items, rows=None: [fn(x) for x in items])
        rows = sum(len(b) for b in batches)

        def split(b: Batch) -> list[Batch | None]:
            if len(b) == 0:
                return [None] * n
            dest = key_slices([b.columns[i] for i in key_positions], n)
            order = counting_order(dest)  # stable: rows keep their order within a destination
            bounds = np.concatenate(([0], np.cumsum(np.bincount(dest, minlength=n))))
            return [Batch([take(c, order[bounds[s]:bounds[s + 1]]) for c in b.columns], int(bounds[s + 1] - bounds[s]))
                    if bounds[s + 1] > bounds[s] else None for s in range(n)]

        pieces: list[list[Batch]] = [[] for _ in range(n)]
        for src, (b, parts) in enumerate(zip(batches, each(split, batches, rows))):
            self.counters["rows_redistributed"] += len(b)
            self.counters["bytes_redistributed"] += b.nbytes
            for s, piece in enumerate(parts):
                if piece is None:
                    continue
                pieces[s].append(piece)
                if topo.node_of(s) != topo.node_of(src):
                    self._internode(len(piece), piece.nbytes)
        empty = Batch([take(c, np.zeros(0, np.int64)) for c in batches[0].columns], 0)
        return each(lambda p: concat_batches(p) if p else empty, pieces, rows)

    def broadcast(self, batches: list[Batch]) -> Batch:
        """Send every slice's rows to every node (DS_BCAST_INNER); returns the
        full copy each slice then sees."""
        full = concat_batches(batches)
        self.counters["rows_broadcast"] += len(full)
        self.counters["bytes_broadcast"] += full.nbytes * self.topology.nodes
        # every row travels to each node but its own
        self._internode(len(full) * (self.topology.nodes - 1), full.nbytes * (self.topology.nodes - 1))
        return full

    def gather(self, batches: list[Batch]) -> Batch:
        """Send every slice's rows to the leader (the ``Send to leader`` step)."""
        full = concat_batches(batches)
        self.counters["rows_to_leader"] += len(full)
        self.counters["bytes_to_leader"] += full.nbytes
        if self.topology.nodes > 1:  # a single-node cluster shares its node with the leader
            self._internode(len(full), full.nbytes)
        return full

    def to_single_slice(self, batches: list[Batch]) -> None:
        """Count moving every slice's rows to slice 0 (DS_DIST_ALL_INNER)."""
        for src, b in enumerate(batches[1:], start=1):
            self.counters["rows_redistributed"] += len(b)
            self.counters["bytes_redistributed"] += b.nbytes
            if self.topology.node_of(src) != 0:
                self._internode(len(b), b.nbytes)

    def _internode(self, rows: int, nbytes: int) -> None:
        if rows:
            self.counters["rows_internode"] += rows
            self.counters["bytes_internode"] += nbytes
