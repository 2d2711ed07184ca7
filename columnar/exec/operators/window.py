"""XN Window: window functions, computed per slice after the rows of each
partition were brought together.

The physical planner puts every row of a partition on one slice before this
operator runs: it redistributes on a PARTITION BY column shared by all the
calls (plain column references only), or gathers to the leader (a computed
partition key, or no PARTITION BY). Each slice then sorts once per distinct
(PARTITION BY, ORDER BY) and evaluates the functions with numpy
(:mod:`columnar.exec.window_functions`); the output is the input's columns, in
the input's order, followed by one column per call.
"""

from __future__ import annotations

from columnar.exec.operators.base import ExecContext, Partitioned, PhysicalOp
from columnar.exec.window_functions import window_batch


class Window(PhysicalOp):
    def __init__(self, child: PhysicalOp, calls: list, schema: list):
        self.children, self.calls, self.schema = [child], list(calls), schema

    def describe(self) -> str:
        return "XN Window"

    def details(self) -> list[str]:
        out = []
        seen = set()
        for c in self.calls:
            spec = (c.partition_by, c.order_by)
            if spec in seen:
                continue
            seen.add(spec)
            if c.partition_by:
                out.append("Partition: " + ", ".join(map(str, c.partition_by)))
            if c.order_by:
                out.append("Order: " + ", ".join(map(str, c.order_by)))
        return out

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        return Partitioned(ctx.map(lambda b: window_batch(b, self.calls), p.batches), p.dist)
