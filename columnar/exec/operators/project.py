"""XN Subquery Scan / projection: compute the select-list expressions per slice."""

from __future__ import annotations

from columnar.core.chunk import Batch
from columnar.exec.evaluate import evaluate
from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp


class Project(PhysicalOp):
    def __init__(self, child: PhysicalOp, exprs: list, schema: list, dist: Dist):
        self.children, self.exprs, self.schema, self.dist = [child], exprs, schema, dist

    def describe(self) -> str:
        return "XN Project"

    def details(self) -> list[str]:
        return ["Output: " + ", ".join(str(e) for e in self.exprs)]

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])

        def one(b: Batch) -> Batch:
            return Batch([evaluate(e, b) for e in self.exprs], len(b))

        return Partitioned(ctx.map(one, p.batches), self.dist)
