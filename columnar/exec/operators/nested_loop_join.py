"""XN Nested Loop: joins without an equality key (cross joins and inequality
joins), per slice, over the cartesian product of the two inputs, filtered by
the condition. The inner side is broadcast (or replicated) by the planner."""

from __future__ import annotations

import numpy as np

from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp
from columnar.exec.operators.hash_join import finish_join


class NestedLoopJoin(PhysicalOp):
    def __init__(self, outer: PhysicalOp, inner: PhysicalOp, kind: str, condition, label: str, dist: Dist):
        self.children = [outer, inner]
        self.kind, self.condition, self.label, self.dist = kind, condition, label, dist
        self.schema = outer.schema + inner.schema

    def describe(self) -> str:
        kind = {"inner": "", "cross": "", "left": "Left ", "full": "Full "}[self.kind]
        return f"XN Nested Loop {kind}{self.label}".rstrip()

    def details(self) -> list[str]:
        return [f"Join Filter: {self.condition}"] if self.condition is not None else []

    def run(self, ctx: ExecContext) -> Partitioned:
        outer = self.children[0].run(ctx)
        inner = self.children[1].run(ctx)
        out = []
        for o, i in zip(outer.batches, inner.batches):
            p_idx = np.repeat(np.arange(len(o), dtype=np.int64), len(i))
            b_idx = np.tile(np.arange(len(i), dtype=np.int64), len(o))
            kind = "inner" if self.kind == "cross" else self.kind
            out.append(finish_join(o, i, p_idx, b_idx, kind, self.condition))
        return Partitioned(out, self.dist)
