"""XN Nested Loop: joins without an equality key (cross joins and inequality
joins), per slice, over the cartesian product of the two inputs, filtered by
the condition. The inner side is broadcast (or replicated) by the planner."""

from __future__ import annotations

import numpy as np

from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp
from columnar.exec.operators.hash_join import JOIN_WORDS, SEMI_KINDS, finish_join


class NestedLoopJoin(PhysicalOp):
    def __init__(self, outer: PhysicalOp, inner: PhysicalOp, kind: str, condition, label: str, dist: Dist):
        self.children = [outer, inner]
        self.kind, self.condition, self.label, self.dist = kind, condition, label, dist
        self.schema = outer.schema if kind in SEMI_KINDS else outer.schema + inner.schema

    def describe(self) -> str:
        return f"XN Nested Loop {JOIN_WORDS[self.kind]}{self.label}".rstrip()

    def details(self) -> list[str]:
        return [f"Join Filter: {self.condition}"] if self.condition is not None else []

    def run(self, ctx: ExecContext) -> Partitioned:
        outer = ctx.run(self.children[0])
        inner = ctx.run(self.children[1])
        kind = "inner" if self.kind == "cross" else self.kind

        def one(o, i):
            p_idx = np.repeat(np.arange(len(o), dtype=np.int64), len(i))
            b_idx = np.tile(np.arange(len(i), dtype=np.int64), len(o))
            return finish_join(o, i, p_idx, b_idx, kind, self.condition)

        return Partitioned(ctx.map_pairs(one, outer.batches, inner.batches), self.dist)
