"""XN Seq Scan: read a stored table's columns on every slice.

Each slice reads its own chunk of the table. A DISTSTYLE ALL table is read
from the first slice of each node and shared by that node's slices (the
result is ``replicated``), which is what lets a join with an ALL table run
without moving rows (DS_DIST_ALL_NONE).

Simplified versus Redshift: no blocks or zone maps yet (issue #5): a scan
reads whole slice chunks; ``rows_scanned``/``bytes_scanned`` count them.
"""

from __future__ import annotations

from columnar.core.chunk import Batch, empty_batch
from columnar.exec.operators.base import REPLICATED, Dist, ExecContext, Partitioned, PhysicalOp


class SeqScan(PhysicalOp):
    def __init__(self, table, columns: list[int], schema: list, dist: Dist, alias: str = ""):
        self.table, self.columns, self.schema, self.dist, self.alias = table, columns, schema, dist, alias
        self.children = []

    def describe(self) -> str:
        alias = f" {self.alias}" if self.alias and self.alias != self.table.name else ""
        return f"XN Seq Scan on {self.table.name}{alias}"

    def _read(self, slice_id: int) -> Batch:
        cols = self.table.slice_columns(slice_id)
        if cols is None:
            return empty_batch(self.types)
        n = len(cols[0])
        return Batch([cols[i] for i in self.columns], n)

    def run(self, ctx: ExecContext) -> Partitioned:
        topo = ctx.topology
        if self.dist == REPLICATED:
            copies = {node: self._read(topo.first_slices[node]) for node in range(topo.nodes)}
            batches = [copies[topo.node_of(s)] for s in range(topo.n_slices)]
            scanned = [copies[0]]
        else:
            batches = [self._read(s) for s in range(topo.n_slices)]
            scanned = batches
        ctx.metrics.add("rows_scanned", sum(len(b) for b in scanned))
        ctx.metrics.add("bytes_scanned", sum(b.nbytes for b in scanned))
        return Partitioned(batches, self.dist)
