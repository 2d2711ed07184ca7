"""XN Subquery Scan of a scalar subquery: exactly one row, on the leader.

The value of ``(SELECT ...)`` used as an expression: no row gives one row of
NULLs, more than one row is an error (Redshift: "more than one row returned
by a subquery used as an expression"). The row is then broadcast to the outer
query's slices by the join that uses it.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch
from columnar.core.errors import DataError
from columnar.exec.operators.base import LEADER, ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import take


class EnforceSingleRow(PhysicalOp):
    def __init__(self, child: PhysicalOp):
        self.children, self.schema, self.dist = [child], child.schema, LEADER

    def describe(self) -> str:
        return "XN Subquery Scan"

    def run(self, ctx: ExecContext) -> Partitioned:
        b = ctx.run(self.children[0]).batches[0]
        if len(b) > 1:
            raise DataError("more than one row returned by a subquery used as an expression")
        if len(b) == 0:  # one row of NULLs
            b = Batch([take(c, np.full(1, -1, dtype=np.int64)) for c in b.columns], 1)
        return Partitioned([b], LEADER)
