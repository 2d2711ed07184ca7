"""The executor: runs a physical plan on the simulated cluster.

Role: sets up the per-query :class:`ExecContext` (topology, network, thread
pool), runs the plan's root (each operator runs its per-slice fragments, the
exchanges move rows), and copies the network's counters into the query's
metrics. The root of a query plan always delivers its rows to the leader.
"""

from __future__ import annotations

from columnar.cluster.topology import Topology
from columnar.core.chunk import Batch
from columnar.exec.metrics import MetricsCollector
from columnar.exec.operators.base import ExecContext, PhysicalOp


def execute(plan: PhysicalOp, topology: Topology, metrics: MetricsCollector, threads: int = 1,
            steps: list | None = None) -> Batch:
    """Run ``plan``; returns the leader's batch. ``steps`` (a list) receives the
    per-operator :class:`StepStats` of the run, in completion order."""
    ctx = ExecContext(topology, metrics, threads)
    try:
        out = ctx.run(plan)
    finally:
        ctx.close()
        for name, value in ctx.network.counters.items():
            metrics.add(name, value)
        if steps is not None:
            steps.extend(ctx.steps)
    return out.batches[0]
