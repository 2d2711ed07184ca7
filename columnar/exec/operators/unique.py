"""XN Unique: remove duplicate rows, per slice (UNION without ALL).

Role: the DISTINCT step of a UNION. Two rows are duplicates when every
column is equal, NULL counting as equal to NULL and strings compared without
trailing blanks (:func:`columnar.exec.keys.group_codes`). The first row of
each group is kept, in input order.

Correct per slice only when equal rows are on one slice: the physical planner
puts a redistribution on the union's columns below this operator (or none,
when the input is already distributed on one of them, or at the leader).

Simplified versus Redshift: Redshift's ``XN Unique`` removes adjacent
duplicates from sorted input; ours hashes (no sort needed), and the
duplicates are removed in one step after the redistribution (there is no
per-slice pre-pass before the rows move).
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch
from columnar.exec.keys import group_codes
from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import take
from columnar.kernels.hashing import first_occurrence


class Unique(PhysicalOp):
    def __init__(self, child: PhysicalOp, dist: Dist):
        self.children, self.schema, self.dist = [child], child.schema, dist

    def describe(self) -> str:
        return "XN Unique"

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        return Partitioned(ctx.map(distinct_rows, p.batches), self.dist)


def distinct_rows(b: Batch) -> Batch:
    """The first row of every group of equal rows of ``b``, in input order."""
    n = len(b)
    if n <= 1:
        return b
    if not b.columns:  # rows with no columns are all equal
        return Batch([], 1)
    codes, k = group_codes(b.columns, n)
    if k == n:
        return b
    rows = np.sort(first_occurrence(codes, k))
    return Batch([take(c, rows) for c in b.columns], len(rows))
