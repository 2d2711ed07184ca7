"""XN Limit: keep ``offset .. offset + limit`` rows (per slice as a pre-limit,
then exactly once at the leader)."""

from __future__ import annotations

from columnar.core.chunk import Batch
from columnar.exec.operators.base import ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import slice_column


class Limit(PhysicalOp):
    def __init__(self, child: PhysicalOp, limit: int | None, offset: int = 0):
        self.children, self.limit, self.offset, self.schema = [child], limit, offset, child.schema

    def describe(self) -> str:
        return "XN Limit"

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        stop = None if self.limit is None else self.offset + self.limit
        return Partitioned([cut(b, self.offset, stop) for b in p.batches], p.dist)


def cut(b: Batch, start: int, stop: int | None) -> Batch:
    n = len(b)
    stop = n if stop is None else min(stop, n)
    start = min(start, stop)
    if start == 0 and stop == n:
        return b
    return Batch([slice_column(c, start, stop) for c in b.columns], stop - start)
