"""XN Result: rows computed on the leader without reading a table
(``SELECT 1``, ``VALUES (1, 'a'), (2, 'b')``)."""

from __future__ import annotations

from columnar.core.chunk import Batch
from columnar.exec.evaluate import evaluate
from columnar.exec.operators.base import LEADER, ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import concat_columns


class Values(PhysicalOp):
    def __init__(self, rows: list, schema: list):
        self.rows, self.schema, self.children = rows, schema, []

    def describe(self) -> str:
        return "XN Result" if not self.schema else f"XN Values ({len(self.rows)} rows)"

    def run(self, ctx: ExecContext) -> Partitioned:
        one = Batch([], 1)
        if not self.schema:
            return Partitioned([Batch([], len(self.rows))], LEADER)
        cols = []
        for i in range(len(self.schema)):
            cols.append(concat_columns([evaluate(r[i], one) for r in self.rows]))
        return Partitioned([Batch(cols, len(self.rows))], LEADER)
