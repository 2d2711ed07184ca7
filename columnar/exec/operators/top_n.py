"""Top-N: the per-slice step of ``ORDER BY ... LIMIT n``.

Each slice keeps only its best ``n`` rows before they cross the network, so
the leader merges ``n x slices`` rows instead of the whole table (Redshift's
plan shows this as ``XN Limit`` over ``XN Merge`` over ``XN Network`` over
``XN Sort``). For a single numeric key without NULLs the ``n`` rows are found
by selection (``numpy.argpartition``, linear time) and only they are sorted;
otherwise the slice is sorted in full and cut.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch
from columnar.exec.evaluate import evaluate
from columnar.exec.keys import sort_key
from columnar.exec.operators.base import ExecContext, Partitioned, PhysicalOp
from columnar.exec.operators.sort import sort_batch
from columnar.kernels.columns import take


class TopN(PhysicalOp):
    def __init__(self, child: PhysicalOp, keys: list, n: int):
        self.children, self.keys, self.n, self.schema = [child], keys, n, child.schema

    def describe(self) -> str:
        return "XN Sort"

    def details(self) -> list[str]:
        return ["Sort Key: " + ", ".join(map(str, self.keys)), f"Top-N: {self.n} rows per slice"]

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        return Partitioned(ctx.map(lambda b: top_n(b, self.keys, self.n), p.batches), p.dist)


def top_n(b: Batch, keys: list, n: int) -> Batch:
    """The first ``n`` rows of ``b`` in ``keys`` order."""
    if len(b) <= n or len(keys) != 1 or n == 0:
        return sort_batch(b, keys, n)
    col = evaluate(keys[0].expr, b)
    if col.validity is not None:
        return sort_batch(b, keys, n)
    v = sort_key(col)
    if keys[0].desc:
        v = -v if v.dtype.kind == "f" else ~v
    part = np.argpartition(v, n - 1)[:n]
    idx = part[np.argsort(v[part], kind="stable")]
    return Batch([take(c, idx) for c in b.columns], len(idx))
