"""XN Merge Join: a collocated equi-join over inputs stored in join-key order.

Redshift picks a merge join "when joining tables where the join columns are
both distribution keys and sort keys, and when less than 20 percent of the
joining tables are unsorted" (DG, "Evaluating the query plan"); never for FULL
joins. Both inputs are then on the same slices (DS_DIST_NONE) and each slice's
rows are already ordered on the key, so no hash table is built: the inner keys
are searched in order (``numpy.searchsorted`` gives each outer row its run of
equal inner keys).

Rows of a table's unsorted region (loads after the first, until VACUUM) break
the order; a slice whose keys are not in order is sorted first, which is why
the planner only chooses this operator while that region is small.

Keys: one equi-join key of a fixed-width type (integers, decimals, dates,
timestamps); further key pairs and the residual condition are checked on the
matched rows.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch
from columnar.exec.evaluate import evaluate
from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp
from columnar.exec.operators.hash_join import finish_join


class MergeJoin(PhysicalOp):
    def __init__(self, outer: PhysicalOp, inner: PhysicalOp, kind: str, outer_key, inner_key, residual,
                 dist: Dist):
        self.children = [outer, inner]
        self.kind, self.outer_key, self.inner_key, self.residual, self.dist = kind, outer_key, inner_key, residual, dist
        self.label = "DS_DIST_NONE"
        self.schema = outer.schema + inner.schema

    def describe(self) -> str:
        return f"XN Merge {'Left ' if self.kind == 'left' else ''}Join DS_DIST_NONE"

    def details(self) -> list[str]:
        out = [f'Merge Cond: ("outer".{self.outer_key} = "inner".{self.inner_key})']
        if self.residual is not None:
            out.append(f"Join Filter: {self.residual}")
        return out

    def run(self, ctx: ExecContext) -> Partitioned:
        outer = ctx.run(self.children[0])
        inner = ctx.run(self.children[1])
        out = ctx.map_pairs(self._join, outer.batches, inner.batches)
        return Partitioned(out, self.dist)

    def _join(self, outer: Batch, inner: Batch) -> Batch:
        if not len(outer) or not len(inner):
            empty = np.zeros(0, dtype=np.int64)
            return finish_join(outer, inner, empty, empty, self.kind, self.residual)
        ok, o_rows = _ordered_keys(evaluate(self.outer_key, outer))
        ik, i_rows = _ordered_keys(evaluate(self.inner_key, inner))
        lo = np.searchsorted(ik, ok, side="left")
        hi = np.searchsorted(ik, ok, side="right")
        counts = hi - lo
        p_idx = np.repeat(o_rows, counts)
        # inner positions: lo, lo+1, .. hi-1 for each outer row
        starts = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        b_idx = i_rows[starts + np.arange(len(p_idx))] if len(p_idx) else np.zeros(0, dtype=np.int64)
        return finish_join(outer, inner, p_idx, b_idx, self.kind, self.residual)


def _ordered_keys(col) -> tuple[np.ndarray, np.ndarray]:
    """Non-NULL key values in ascending order, with their row numbers."""
    rows = np.arange(len(col), dtype=np.int64)
    values = col.data
    if col.validity is not None:
        rows = rows[col.validity]
        values = values[col.validity]
    if len(values) > 1 and np.any(values[1:] < values[:-1]):  # an unsorted region
        order = np.argsort(values, kind="stable")
        rows, values = rows[order], values[order]
    return values, rows
