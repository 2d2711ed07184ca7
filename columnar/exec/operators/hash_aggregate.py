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

Aggregates that need all rows of a group together (DISTINCT, MEDIAN,
PERCENTILE_CONT/DISC, LISTAGG) have no partial state: the planner runs them
``single`` after moving rows on a group key. APPROXIMATE COUNT(DISTINCT)
does have one (a HyperLogLog sketch), so it runs in two phases.

Output: the group columns, then one column per aggregate (or per state).
"""

from __future__ import annotations

from columnar.core.chunk import Batch, Column
from columnar.core.errors import InternalError
from columnar.core.types import BIGINT, BOOLEAN, DOUBLE, DataType, Field
from columnar.exec import aggregation as A
from columnar.exec.evaluate import evaluate
from columnar.exec.keys import group_codes, run_codes
from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp
from columnar.kernels.columns import take
from columnar.kernels.hashing import first_occurrence
from columnar.sql.logical import OrderedArg

MOMENTS = ("stddev_samp", "stddev_pop", "var_samp", "var_pop")
PERCENTILES = ("median", "percentile_cont", "percentile_disc")


def state_types(agg) -> list[DataType]:
    """Types of the partial states of one aggregate."""
    f = agg.func
    if f in ("count_star", "count"):
        return [BIGINT]
    if f in ("min", "max"):
        return [agg.type]
    if f in ("bool_and", "bool_or"):
        return [BOOLEAN]
    if f in MOMENTS:
        return [BIGINT, DOUBLE, DOUBLE]  # count, mean, M2
    if f == "approx_count_distinct":
        return [A.SKETCH_TYPE]
    if f not in ("sum", "avg"):
        raise InternalError(f"{f} has no partial state: it runs in one phase")
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
                out.extend(self._compute(a, b, codes, k))
        return Batch(keys + out, k)

    def _compute(self, a, b: Batch, codes, k) -> list[Column]:
        f = a.func
        if f == "count_star":
            return [A.count(codes, k, None)]
        if f == "listagg":
            arg = a.arg
            order = []
            if isinstance(arg, OrderedArg):
                order = [(evaluate(e, b), d, nf) for e, d, nf in arg.order()]
                arg = arg.value
            return [A.listagg(codes, k, evaluate(arg, b), order, a.params[0], a.distinct)]
        arg = evaluate(a.arg, b)
        if f in PERCENTILES:
            fraction, descending = a.params
            return [A.percentile(codes, k, arg, fraction, descending, f == "percentile_disc", a.type)]
        if a.distinct:
            rows = A.distinct_rows(codes, k, arg)
            arg, codes = take(arg, rows), codes[rows]
        partial = self.mode == "partial"
        if f == "count":
            return [A.count(codes, k, arg)]
        if f in ("min", "max"):
            return [A.minmax(codes, k, arg, f == "max")]
        if f in ("bool_and", "bool_or"):
            return [A.bool_reduce(codes, k, arg, f == "bool_and")]
        if f in MOMENTS:
            states = A.moments(codes, k, arg)
            return states if partial else [A.finish_moments(f, *states)]
        if f == "approx_count_distinct":
            return [A.sketch(codes, k, arg) if partial else A.approx_distinct(codes, k, arg)]
        sum_t = state_types(a)[0]
        s = A.exact_sum(codes, k, arg, sum_t if partial or f == "avg" else a.type)
        if f == "sum":
            return [s]
        c = A.count(codes, k, arg)
        if partial:
            return [s, c]
        return [A.avg_finish(s, c, a.type)]

    def _merge(self, a, states: list[Column], codes, k) -> Column:
        f = a.func
        if f in ("count_star", "count"):
            return A.exact_sum(codes, k, states[0], BIGINT)
        if f in ("min", "max"):
            return A.minmax(codes, k, states[0], f == "max")
        if f in ("bool_and", "bool_or"):
            return A.bool_reduce(codes, k, states[0], f == "bool_and")
        if f in MOMENTS:
            return A.finish_moments(f, *A.merge_moments(codes, k, *states))
        if f == "approx_count_distinct":
            return A.merge_sketches(codes, k, states[0])
        if f == "sum":
            return A.exact_sum(codes, k, states[0], a.type)
        s = A.exact_sum(codes, k, states[0], states[0].type)
        c = A.exact_sum(codes, k, states[1], BIGINT)
        return A.avg_finish(s, c, a.type)
