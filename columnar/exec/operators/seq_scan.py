"""XN Seq Scan: read a stored table's columns on every slice.

Each slice reads its own chunk of the table. A DISTSTYLE ALL table is read
from the first slice of each node and shared by that node's slices (the
result is ``replicated``), which is what lets a join with an ALL table run
without moving rows (DS_DIST_ALL_NONE).

A scan given ``ranges`` (table column -> :class:`ColumnRange`, from the
filter above it: :mod:`columnar.exec.scan_ranges`) is *range-restricted*
(``is_rrscan``, shown by STL_SCAN): on each slice it reads only the rows of
blocks whose zone maps may match every range (:mod:`columnar.storage.zonemap`).
A row is read when, for each restricted column, the block holding it may
match. The filter above still applies the predicate, so results never change.
``blocks_scanned``/``blocks_skipped`` count, per scanned column, the blocks
holding a read row and the others (Redshift counts blocks per column);
``rows_scanned``/``bytes_scanned`` count the rows read.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch, empty_batch
from columnar.exec.operators.base import REPLICATED, Dist, ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import take
from columnar.storage.zonemap import block_starts

DEFAULT_BLOCK_BYTES = 1 << 20


class SeqScan(PhysicalOp):
    def __init__(self, table, columns: list[int], schema: list, dist: Dist, alias: str = "",
                 ranges: dict | None = None, block_bytes: int = DEFAULT_BLOCK_BYTES):
        self.table, self.columns, self.schema, self.dist, self.alias = table, columns, schema, dist, alias
        self.ranges = dict(ranges or {})  # table column -> ColumnRange
        self.block_bytes = block_bytes
        self.children = []

    @property
    def is_rrscan(self) -> bool:
        """A range-restricted scan: zone maps may skip blocks."""
        return bool(self.ranges)

    def describe(self) -> str:
        alias = f" {self.alias}" if self.alias and self.alias != self.table.name else ""
        return f"XN Seq Scan on {self.table.name}{alias}"

    def _read(self, slice_id: int) -> tuple[Batch, int, int]:
        """The slice's rows to read, with (blocks scanned, blocks skipped)."""
        cols = self.table.slice_columns(slice_id)
        if cols is None:
            return empty_batch(self.types), 0, 0
        n = len(cols[0])
        if not self.ranges or not hasattr(self.table, "zone_map"):
            blocks = sum(len(block_starts(cols[c], self.block_bytes)) for c in self.columns)
            return Batch([cols[i] for i in self.columns], n), blocks, 0
        keep = np.ones(n, dtype=np.bool_)
        for col, rng in self.ranges.items():
            zm = self.table.zone_map(slice_id, col, self.block_bytes)
            keep &= zm.row_mask(zm.may_match(rng))
        scanned = skipped = 0
        for c in self.columns:
            zm = self.table.zone_map(slice_id, c, self.block_bytes)
            read = np.logical_or.reduceat(keep, zm.starts) if zm.n_blocks else np.zeros(0, np.bool_)
            k = int(np.count_nonzero(read))
            scanned, skipped = scanned + k, skipped + zm.n_blocks - k
        if keep.all():
            return Batch([cols[i] for i in self.columns], n), scanned, skipped
        idx = np.flatnonzero(keep)
        return Batch([take(cols[i], idx) for i in self.columns], len(idx)), scanned, skipped

    def run(self, ctx: ExecContext) -> Partitioned:
        topo = ctx.topology
        if self.dist == REPLICATED:
            copies = {node: self._read(topo.first_slices[node]) for node in range(topo.nodes)}
            batches = [copies[topo.node_of(s)][0] for s in range(topo.n_slices)]
            reads = [copies[0]]
            scanned = [copies[0][0]]
        else:
            reads = [self._read(s) for s in range(topo.n_slices)]
            batches = [r[0] for r in reads]
            scanned = batches
        ctx.metrics.add("blocks_scanned", sum(r[1] for r in reads))
        ctx.metrics.add("blocks_skipped", sum(r[2] for r in reads))
        ctx.metrics.add("rows_scanned", sum(len(b) for b in scanned))
        ctx.metrics.add("bytes_scanned", sum(b.nbytes for b in scanned))
        return Partitioned(batches, self.dist)
