"""XN Filter (shown as ``Filter:`` under a scan in Redshift's EXPLAIN): keep
the rows whose predicate is TRUE, per slice (NULL and FALSE both drop).

``keep`` (positions of the input, set by the physical planner when only some
columns are used above) limits the output to those columns: a column that
only the predicate reads (Q13's ``o_comment`` after its NOT LIKE) is never
copied for the surviving rows."""

from __future__ import annotations

from columnar.core.chunk import Batch
from columnar.exec.evaluate import evaluate_predicate
from columnar.exec.operators.base import ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import filter_columns


class Filter(PhysicalOp):
    def __init__(self, child: PhysicalOp, predicate, keep: list[int] | None = None):
        self.children, self.predicate, self.keep = [child], predicate, keep
        self.schema = child.schema if keep is None else [child.schema[i] for i in keep]

    def describe(self) -> str:
        return "XN Filter"

    def details(self) -> list[str]:
        return [f"Filter: {self.predicate}"]

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])

        def one(b: Batch) -> Batch:
            cols = b.columns if self.keep is None else [b.columns[i] for i in self.keep]
            if len(b) == 0:
                return b if self.keep is None else Batch(cols, 0)
            mask = evaluate_predicate(self.predicate, b)
            n = int(mask.sum())
            if n == len(b):
                return b if self.keep is None else Batch(cols, n)
            return Batch(filter_columns(cols, mask), n)

        return Partitioned(ctx.map(one, p.batches), p.dist)
