"""XN HashAggregate / XN Aggregate: GROUP BY and aggregates, per slice.

Modes (how the planner splits the work across the cluster):

* ``single``: the whole aggregate on each slice. Correct when rows of a group
  never span slices (input distributed on a group key, or all on one slice).
* ``partial``: each slice reduces its rows to per-group *states*
  (``exec.aggregation``); the planner then redistributes the states on the
  group keys, or gathers them to the leader, and a
* ``final`` aggregate merges them. This is Redshift's AGG → DIST → AGG
  sequence ("two-step aggregation") that SVL_QUERY_SUMMARY shows when GROUP BY
  is not on the distribution key.

Output: the group columns, then one column per aggregate (or per state).
"""

from __future__ import annotations

from columnar.core.chunk import Batch, Column
from columnar.core.types import BIGINT, DOUBLE, DataType, Field
from columnar.exec import aggregation as A
from columnar.exec.evaluate import evaluate
from columnar.exec.keys import group_codes, run_codes
from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import take
from columnar.kernels.hashing import first_occurrence


def state_types(agg) -> list[DataType]:
    """Types of the partial states of one aggregate."""
    if agg.func in ("count_star", "count"):
        return [BIGINT]
    if agg.func in ("min", "max"):
        return [agg.type]
    t = agg.arg.type
    sum_t = DOUBLE if t.is_float else (DataType.decimal(38, t.scale) if t.is_decimal else BIGINT)
    return [sum_t, BIGINT] if agg.func == "avg" else [sum_t]


class HashAggregate(PhysicalOp):
    def __init__(self, child: PhysicalOp, groups: list, aggs: list, mode: str, schema: list, dist: Dist,
                 sorted_input: bool = False):
        self.children, self.groups, self.aggs, self.mode = [child], groups, aggs, mode
        self.schema, self.dist = schema, dist
        # GroupAggregate: each slice's rows arrive ordered on the group keys, so
        # groups are runs of equal keys, found without hashing
        self.sorted_input = sorted_input

    @property
    def name(self) -> str:
        if not self.groups:
            return "XN Aggregate"
        return "XN GroupAggregate" if self.sorted_input else "XN HashAggregate"

    @staticmethod
    def partial_schema(groups: list, aggs: list) -> list:
        fields = [Field(str(g), g.type) for g in groups]
        for a in aggs:
            fields += [Field(f"{a.func}_state", t) for t in state_types(a)]
        return fields

    def describe(self) -> str:
        return self.name + {"single": "", "partial": " (partial)", "final": " (final)"}[self.mode]

    def run(self, ctx: ExecContext) -> Partitioned:
        p = ctx.run(self.children[0])
        out = ctx.map(self.aggregate, p.batches)
        return Partitioned(out, self.dist)

    def aggregate(self, b: Batch) -> Batch:
        ng = len(self.groups)
        if self.mode == "final":
            gcols = b.columns[:ng]
        else:
            gcols = [evaluate(g, b) for g in self.groups]
        codes, k = run_codes(gcols, len(b)) if self.sorted_input else group_codes(gcols, len(b))
        if ng and len(b) == 0:
            k = 0
        keys = [take(c, first_occurrence(codes, k)) for c in gcols] if ng else []
        out: list[Column] = []
        if self.mode == "final":
            pos = ng
            for a in self.aggs:
                n_states = len(state_types(a))
                states = b.columns[pos : pos + n_states]
                pos += n_states
                out.append(self._merge(a, states, codes, k))
        else:
            for a in self.aggs:
                arg = evaluate(a.arg, b) if a.arg is not None else None
                c = codes
                if a.distinct and arg is not None:
                    rows = A.distinct_rows(codes, k, arg)
                    arg, c = take(arg, rows), codes[rows]
                out.extend(self._compute(a, arg, c, k))
        return Batch(keys + out, k)

    def _compute(self, a, arg: Column | None, codes, k) -> list[Column]:
        f = a.func
        if f == "count_star":
            return [A.count(codes, k, None)]
        if f == "count":
            return [A.count(codes, k, arg)]
        if f in ("min", "max"):
            return [A.minmax(codes, k, arg, f == "max")]
        sum_t = state_types(a)[0]
        s = A.exact_sum(codes, k, arg, sum_t if self.mode == "partial" or f == "avg" else a.type)
        if f == "sum":
            return [s]
        c = A.count(codes, k, arg)
        if self.mode == "partial":
            return [s, c]
        return [A.avg_finish(s, c, a.type)]

    def _merge(self, a, states: list[Column], codes, k) -> Column:
        f = a.func
        if f in ("count_star", "count"):
            return A.exact_sum(codes, k, states[0], BIGINT)
        if f in ("min", "max"):
            return A.minmax(codes, k, states[0], f == "max")
        if f == "sum":
            return A.exact_sum(codes, k, states[0], a.type)
        s = A.exact_sum(codes, k, states[0], states[0].type)
        c = A.exact_sum(codes, k, states[1], BIGINT)
        return A.avg_finish(s, c, a.type)
