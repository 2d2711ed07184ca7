"""XN Append: UNION ALL, the rows of every input one after the other, per slice.

Role: the one set operation that never moves a row. Each slice concatenates
what each input left on that slice; the physical planner has already turned a
replicated (DISTSTYLE ALL) or leader input into rows-once data
(:class:`~columnar.exec.operators.exchange.OneCopy`), so every row of every
input is in the result exactly once. A chain ``a UNION ALL b UNION ALL c`` is
one Append with three inputs.

Distribution of the result: the inputs' key when they all share it (rows
stay where they are, so they are still placed by that key), ``leader`` or
``replicated`` when every input is, otherwise ``any``.

In Redshift's EXPLAIN each input shows as an ``XN Subquery Scan "*SELECT* n"``
under the ``XN Append`` (PostgreSQL's shape); :mod:`columnar.exec.explain`
adds those lines.
"""

from __future__ import annotations

from columnar.cluster.network import concat_batches
from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp


class Append(PhysicalOp):
    def __init__(self, children: list[PhysicalOp], schema: list, dist: Dist):
        self.children, self.schema, self.dist = list(children), schema, dist

    def describe(self) -> str:
        return "XN Append"

    def run(self, ctx: ExecContext) -> Partitioned:
        parts = [ctx.run(c) for c in self.children]
        width = len(parts[0].batches)
        if any(len(p.batches) != width for p in parts):  # the planner aligns inputs; guard anyway
            raise AssertionError("XN Append inputs are not aligned on slices")
        # A replicated input shares one batch between slices: concatenate each
        # distinct combination once, so the result is shared the same way.
        done: dict = {}
        out = []
        for s in range(width):
            pieces = [p.batches[s] for p in parts]
            key = tuple(id(b) for b in pieces)
            if key not in done:
                done[key] = concat_batches(pieces)
            out.append(done[key])
        return Partitioned(out, self.dist)
