"""XN Filter (shown as ``Filter:`` under a scan in Redshift's EXPLAIN): keep
the rows whose predicate is TRUE, per slice (NULL and FALSE both drop)."""

from __future__ import annotations

from columnar.core.chunk import Batch
from columnar.exec.evaluate import evaluate_predicate
from columnar.exec.operators.base import ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import filter_columns


class Filter(PhysicalOp):
    def __init__(self, child: PhysicalOp, predicate):
        self.children, self.predicate, self.schema = [child], predicate, child.schema

    def describe(self) -> str:
        return "XN Filter"

    def details(self) -> list[str]:
        return [f"Filter: {self.predicate}"]

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])

        def one(b: Batch) -> Batch:
            if len(b) == 0:
                return b
            mask = evaluate_predicate(self.predicate, b)
            n = int(mask.sum())
            if n == len(b):
                return b
            return Batch(filter_columns(b.columns, mask), n)

        return Partitioned(ctx.map(one, p.batches), p.dist)
