"""XN Sort (and the leader's XN Merge): order rows by the ORDER BY keys.

Each key becomes an int64 or float64 array in SQL order (strings by rank of
their distinct values, decimals as scaled ints); DESC reverses it (bitwise NOT
for integers, so INT64_MIN is safe) and a NULL flag column puts NULLs first
or last. ``numpy.lexsort`` then sorts stably on all keys at once. Redshift's
default: NULL sorts as the largest value (NULLS LAST for ASC, FIRST for DESC).

With ``limit`` set this is a top-N sort: each slice keeps only its first
``limit`` rows before the leader merges them.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch
from columnar.exec.evaluate import evaluate
from columnar.exec.keys import sort_key
from columnar.exec.operators.base import ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import take


class Sort(PhysicalOp):
    def __init__(self, child: PhysicalOp, keys: list, limit: int | None = None, label: str = "XN Sort"):
        self.children, self.keys, self.limit, self.schema, self.label = [child], keys, limit, child.schema, label

    def describe(self) -> str:
        return self.label

    def details(self) -> list[str]:
        return [("Merge Key: " if "Merge" in self.label else "Sort Key: ") + ", ".join(map(str, self.keys))]

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        return Partitioned(ctx.map(lambda b: sort_batch(b, self.keys, self.limit), p.batches), p.dist)


def sort_indices(b: Batch, keys: list) -> np.ndarray:
    arrays = []
    for k in reversed(keys):  # lexsort: the last array is the primary key
        col = evaluate(k.expr, b)
        v = sort_key(col)
        if k.desc:
            v = -v if v.dtype.kind == "f" else ~v
        if col.validity is not None:
            v = np.where(col.validity, v, 0)
            flag = col.validity if k.nulls_first else ~col.validity
            arrays.append(v)
            arrays.append(flag)
        else:
            arrays.append(v)
    return np.lexsort(arrays)


def sort_batch(b: Batch, keys: list, limit: int | None = None) -> Batch:
    if len(b) <= 1:
        return b
    idx = sort_indices(b, keys)
    if limit is not None:
        idx = idx[:limit]
    return Batch([take(c, idx) for c in b.columns], len(idx))
