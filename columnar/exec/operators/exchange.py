"""The exchanges: where rows cross between slices, and to the leader.

* :class:`Redistribute` hash-partitions rows on key columns: the
  ``DS_DIST_INNER`` / ``DS_DIST_OUTER`` / ``DS_DIST_BOTH`` movement of a join,
  or the DIST step between the two phases of an aggregate.
* :class:`Broadcast` sends a full copy of its input to every node:
  ``DS_BCAST_INNER``.
* :class:`Gather` sends every slice's rows to the leader (``XN Network``,
  ``Send to leader``).
* :class:`ToSingleSlice` moves all rows onto slice 0 (``DS_DIST_ALL_INNER``:
  a join with an ALL outer runs serially on one slice).

Every call goes through :class:`columnar.cluster.network.Network`, which
counts rows and bytes.
"""

from __future__ import annotations

from columnar.exec.operators.base import (
    LEADER, REPLICATED, Dist, ExecContext, Partitioned, PhysicalOp, _empty_like, one_copy,
)
from columnar.cluster.network import concat_batches


class Redistribute(PhysicalOp):
    def __init__(self, child: PhysicalOp, key_positions: list[int], label: str = "DS_DIST"):
        self.children, self.keys, self.schema, self.label = [child], list(key_positions), child.schema, label

    def describe(self) -> str:
        names = ", ".join(self.schema[k].name for k in self.keys)
        return f"XN Network Distribute ({names})"

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        batches = _as_slices(p, ctx)
        return Partitioned(ctx.network.redistribute(batches, self.keys, ctx.each), Dist("key", tuple(self.keys)))


class Broadcast(PhysicalOp):
    def __init__(self, child: PhysicalOp):
        self.children, self.schema = [child], child.schema

    def describe(self) -> str:
        return "XN Network Broadcast"

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        full = ctx.network.broadcast(_as_slices(p, ctx))
        return Partitioned([full] * ctx.topology.n_slices, REPLICATED)


class Gather(PhysicalOp):
    def __init__(self, child: PhysicalOp):
        self.children, self.schema = [child], child.schema

    def describe(self) -> str:
        return "XN Network"

    def details(self) -> list[str]:
        return ["Send to leader"]

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        if p.at_leader:
            return p
        return Partitioned([ctx.network.gather(_as_slices(p, ctx))], LEADER)


class ToSingleSlice(PhysicalOp):
    def __init__(self, child: PhysicalOp):
        self.children, self.schema = [child], child.schema

    def describe(self) -> str:
        return "XN Network Distribute (single slice)"

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        batches = _as_slices(p, ctx)
        n = ctx.topology.n_slices
        ctx.network.to_single_slice(batches)
        full = concat_batches(batches)
        return Partitioned([full] + [_empty_like(full) for _ in range(n - 1)], Dist("any"))


def _as_slices(p: Partitioned, ctx: ExecContext) -> list:
    """Per-slice batches with each row once (leader data sits on slice 0)."""
    n = ctx.topology.n_slices
    if p.at_leader:
        b = p.batches[0]
        return [b] + [_empty_like(b) for _ in range(n - 1)]
    return one_copy(p, n)


class OneCopy(PhysicalOp):
    """No network: view a replicated (ALL) or leader result as rows-once,
    per slice (the first slice holds the rows)."""

    def __init__(self, child: PhysicalOp):
        self.children, self.schema = [child], child.schema

    def describe(self) -> str:
        return "XN One Copy"

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        return Partitioned(_as_slices(p, ctx), Dist("any"))
