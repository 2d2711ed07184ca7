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

Rows marked for deletion (ghost rows, :mod:`columnar.storage.table`) are read
with their blocks and dropped here: ``rows_pre_filter`` (per slice, for
STL_SCAN) counts them, the scan's output does not, and the metric
``ghost_rows_scanned`` sums the difference. The column position ``ROWID``
produces each row's id (``slice << 40 | row``), which DELETE and UPDATE read.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch, Column, empty_batch
from columnar.core.types import BIGINT
from columnar.exec.operators.base import REPLICATED, Dist, ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import filter_columns
from columnar.storage.table import ROWID, ROWID_SHIFT
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

    def _stored_rows(self) -> int | None:
        rows = getattr(self.table, "rows_per_slice", None)
        return sum(rows()) if rows is not None else None

    def _starts(self, slice_id: int, cols: list, column: int) -> np.ndarray:
        if hasattr(self.table, "block_starts"):
            return self.table.block_starts(slice_id, column, self.block_bytes)
        return block_starts(cols[column], self.block_bytes)

    def _read(self, slice_id: int) -> tuple[Batch, int, int, int]:
        """The slice's rows to read, with (blocks scanned, blocks skipped, rows read
        before dropping ghost rows)."""
        cols = self.table.slice_columns(slice_id)
        if cols is None:
            return empty_batch(self.types), 0, 0, 0
        n = len(cols[0])
        deleted = self.table.deleted_mask(slice_id) if hasattr(self.table, "deleted_mask") else None
        stored = [c for c in self.columns if c != ROWID]
        if not self.ranges or not hasattr(self.table, "zone_map"):
            keep = None
            scanned = sum(len(self._starts(slice_id, cols, c)) for c in stored)
            skipped, pre_filter = 0, n
        else:
            keep = np.ones(n, dtype=np.bool_)
            for col, rng in self.ranges.items():
                zm = self.table.zone_map(slice_id, col, self.block_bytes)
                keep &= zm.row_mask(zm.may_match(rng))
            scanned = skipped = 0
            for c in stored:  # blocks holding a read row, per column (min/max not needed here)
                starts = self._starts(slice_id, cols, c)
                read = np.logical_or.reduceat(keep, starts) if len(starts) else np.zeros(0, np.bool_)
                k = int(np.count_nonzero(read))
                scanned, skipped = scanned + k, skipped + len(starts) - k
            pre_filter = int(np.count_nonzero(keep))
        if deleted is not None:  # ghost rows are read, then dropped
            keep = ~deleted if keep is None else keep & ~deleted
        if keep is not None and keep.all():
            keep = None
        # blocks read form one run on a sorted column: filter_columns passes views
        kept = iter(filter_columns([cols[c] for c in stored], keep) if keep is not None else [cols[c] for c in stored])
        out = []
        for c in self.columns:
            if c == ROWID:
                pos = np.arange(n, dtype=np.int64) if keep is None else np.flatnonzero(keep)
                out.append(Column(BIGINT, (np.int64(slice_id) << np.int64(ROWID_SHIFT)) | pos))
            else:
                out.append(next(kept))
        rows = n if keep is None else int(np.count_nonzero(keep))
        return Batch(out, rows), scanned, skipped, pre_filter

    def run(self, ctx: ExecContext) -> Partitioned:
        topo = ctx.topology
        if self.dist == REPLICATED:
            firsts = [topo.first_slices[node] for node in range(topo.nodes)]
            copies = dict(enumerate(ctx.each(self._read, firsts, self._stored_rows())))
            batches = [copies[topo.node_of(s)][0] for s in range(topo.n_slices)]
            reads = [copies[0]]
            scanned = [copies[0][0]]
            read_on = {topo.first_slices[node]: copies[node] for node in range(topo.nodes)}
        else:
            reads = ctx.each(self._read, list(range(topo.n_slices)), self._stored_rows())
            batches = [r[0] for r in reads]
            scanned = batches
            read_on = dict(enumerate(reads))
        # per slice that read the table, for STL_SCAN: rows before and after dropping ghost rows
        self.rows_pre_filter = {s: r[3] for s, r in read_on.items()}
        self.rows_pre_user_filter = {s: len(r[0]) for s, r in read_on.items()}
        self.blocks = (sum(r[1] for r in reads), sum(r[2] for r in reads))  # (scanned, skipped): EXPLAIN ANALYZE
        ctx.metrics.add("blocks_scanned", self.blocks[0])
        ctx.metrics.add("blocks_skipped", self.blocks[1])
        ctx.metrics.add("rows_scanned", sum(len(b) for b in scanned))
        ctx.metrics.add("ghost_rows_scanned", sum(r[3] for r in reads) - sum(len(b) for b in scanned))
        ctx.metrics.add("bytes_scanned", sum(b.nbytes for b in scanned))
        return Partitioned(batches, self.dist)
