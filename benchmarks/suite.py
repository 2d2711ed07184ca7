"""Run a workload under every layout and cluster shape and record what each query did.

Role: the measuring loop of the benchmark suite (issue #7). For each workload x
cluster shape x layout (:mod:`benchmarks.layouts`) it opens a fresh in-memory
cluster, creates the tables, COPYs the Parquet files, reads where the rows
landed, then runs every query and collects, per query, only what the public API
shows (DESIGN.md: benchmarks use only the public API):

* the deterministic counters of ``Result.metrics``: rows and bytes
  redistributed, broadcast and sent to the leader (plus rows/bytes that
  crossed between nodes), rows and bytes scanned, blocks scanned and skipped by
  the zone maps;
* the DS_* join labels of its ``EXPLAIN`` (reference §2.1), in plan order,
  and what each join's inner input reads (:mod:`benchmarks.plans`);
* from ``SVL_QUERY_SUMMARY``, the rows redistributed by a two-step aggregation
  (a ``dist`` step right after an ``aggr`` step: the AGG-DIST-AGG sequence of
  [DG:using-SVL-Query-Summary]), which is movement a join layout cannot remove
  (a GROUP BY not on the distribution key), and the rows the slices received
  from the network by what consumed them (``rows_net_join`` / ``_aggr`` /
  ``_other``): a collocated join receives nothing;
* where the fact table's rows sit: rows per slice from ``STV_TBL_PERM``,
  ``SVV_TABLE_INFO.skew_rows`` (fullest / emptiest slice; NULL when a slice is
  empty) and our ``slice_max_mean`` (fullest slice / mean: how much longer the
  slowest slice works than a perfect spread would take; 1.0 is perfect);
* times: the first (cold) run, whose excess over the warm time is mostly numba
  compiling (or loading from its cache) the kernels the query needs, and the
  median of ``runs`` warm runs;
* whether the answer equals the first layout's (:mod:`benchmarks.answers`).

The counters are checked to be the same in every warm run (``counters_stable``);
times are not deterministic and are only compared within one run of the suite.

Simplified: the cluster is simulated in one process (slices run on a thread
pool, ``threads`` workers), so "time" is this machine's time to simulate the
query, not a Redshift cluster's; bytes are those of in-memory column data.
``block_bytes`` defaults to 64 KiB instead of Redshift's 1 MB so that at the
small scales a laptop runs, a column still spans several blocks per slice and
zone maps have something to skip.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

import columnar
from benchmarks import answers, plans
from benchmarks.layouts import Layout, layouts_for
from benchmarks.workloads import DATA_ROOT, Workload, workload

DS_LABELS = ("DS_DIST_NONE", "DS_DIST_ALL_NONE", "DS_DIST_INNER", "DS_DIST_OUTER",
             "DS_DIST_ALL_INNER", "DS_DIST_BOTH", "DS_BCAST_INNER")
COLLOCATED = frozenset({"DS_DIST_NONE", "DS_DIST_ALL_NONE"})  # joins that move no rows

COUNTERS = ("rows_returned", "rows_scanned", "bytes_scanned", "rows_redistributed", "bytes_redistributed",
            "rows_broadcast", "bytes_broadcast", "rows_to_leader", "bytes_to_leader", "rows_internode",
            "bytes_internode", "blocks_scanned", "blocks_skipped")


@dataclass(frozen=True)
class Cluster:
    """A cluster shape: ``nodes`` compute nodes of ``slices_per_node`` slices.

    Example:
        >>> c = Cluster.parse("4x2")
        >>> c.label, c.n_slices
        ('4x2', 8)
    """

    nodes: int
    slices_per_node: int

    @property
    def label(self) -> str:
        return f"{self.nodes}x{self.slices_per_node}"

    @property
    def n_slices(self) -> int:
        return self.nodes * self.slices_per_node

    @classmethod
    def parse(cls, text: str) -> "Cluster":
        try:
            nodes, slices = (int(x) for x in text.lower().strip().split("x"))
        except ValueError:
            raise ValueError(f"a cluster shape is NODESxSLICES, e.g. 2x2; got {text!r}") from None
        if nodes < 1 or slices < 1:
            raise ValueError(f"a cluster needs at least one node and one slice per node; got {text!r}")
        return cls(nodes, slices)


@dataclass
class SuiteConfig:
    """What to run. ``layouts`` / ``queries`` None means all of them; query names
    are matched per workload (``q06`` is TPC-H's, ``q1.1`` SSB's)."""

    workloads: tuple[str, ...] = ("tpch",)
    scale: float = 0.1
    clusters: tuple[Cluster, ...] = (Cluster(2, 2),)
    layouts: tuple[str, ...] | None = None
    queries: tuple[str, ...] | None = None
    runs: int = 3
    block_bytes: int = 1 << 16
    threads: int | None = None
    data_root: Path = DATA_ROOT
    progress: bool = True


@dataclass
class SuiteResult:
    """Everything one run of the suite measured (rows are plain dicts, ready for a table)."""

    config: SuiteConfig
    layouts: dict[str, list[Layout]] = field(default_factory=dict)  # per workload, in run order
    queries: list[dict] = field(default_factory=list)  # one per workload x cluster x layout x query
    tables: list[dict] = field(default_factory=list)  # one per workload x cluster x layout x table
    explains: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (workload, cluster, layout) -> text
    seconds: float = 0.0


def run(config: SuiteConfig) -> SuiteResult:
    """Run every workload x cluster x layout x query of ``config``."""
    started = time.perf_counter()
    result = SuiteResult(config)
    plan = []  # (workload, queries, layouts)
    for name in config.workloads:
        wl = workload(name)
        plan.append((wl, _queries_of(wl, config.queries), layouts_for(wl, config.layouts)))
    if config.queries:
        known = {q for _, queries, _ in plan for q in queries}
        if unknown := [q for q in config.queries if q not in known]:
            raise ValueError(f"no workload of {list(config.workloads)} has the queries {unknown}")
    total = sum(len(config.clusters) * len(layouts) for _, _, layouts in plan)
    with tqdm(total=total, desc="scenarios", unit="layout", disable=not config.progress, position=0) as outer:
        for wl, queries, layouts in plan:
            result.layouts[wl.name] = layouts
            if not queries:
                outer.update(len(config.clusters) * len(layouts))
                continue
            outer.set_postfix_str(f"preparing {wl.title} SF{config.scale:g}")
            data_dir = wl.prepare(config.scale, config.data_root)
            baseline: dict[str, tuple[str, list[tuple]]] = {}
            for cluster in config.clusters:
                for layout in layouts:
                    outer.set_postfix_str(f"{wl.name} {cluster.label} {layout.name}")
                    _scenario(result, wl, data_dir, cluster, layout, queries, baseline)
                    outer.update()
    result.seconds = time.perf_counter() - started
    return result


def _queries_of(wl: Workload, names: tuple[str, ...] | None) -> dict[str, str]:
    every = wl.queries()
    return every if not names else {n: sql for n, sql in every.items() if n in names}


def _scenario(result: SuiteResult, wl: Workload, data_dir: Path, cluster: Cluster, layout: Layout,
              queries: dict[str, str], baseline: dict) -> None:
    cfg = result.config
    scenario = {"workload": wl.name, "scale": cfg.scale, "cluster": cluster.label, "nodes": cluster.nodes,
                "slices_per_node": cluster.slices_per_node, "layout": layout.name}
    db = columnar.connect(nodes=cluster.nodes, slices_per_node=cluster.slices_per_node,
                          block_bytes=cfg.block_bytes, threads=cfg.threads)
    desc = f"{wl.name} {cluster.label} {layout.name}"
    try:
        with tqdm(total=len(wl.tables) + len(queries), desc=desc, unit="step", leave=False, position=1,
                  disable=not cfg.progress) as bar:
            t0 = time.perf_counter()
            for table in wl.tables:
                db.execute(wl.create_statement(table, layout.ddl(table)))
            for table in wl.tables:
                bar.set_postfix_str(f"COPY {table}")
                db.execute(f"COPY {table} FROM '{(data_dir / (table + '.parquet')).as_posix()}' FORMAT AS PARQUET")
                bar.update()
            load_s = time.perf_counter() - t0
            tables = table_placement(db, wl)
            for row in tables:
                result.tables.append({**scenario, **row, "load_s": load_s})
            fact = next(r for r in tables if r["table"] == wl.facts[0])
            explains = []
            for name, sql in queries.items():
                bar.set_postfix_str(name)
                row = {**scenario, "query": name, **measure(db, sql, cfg.runs)}
                explains.append(f"-- {name}\n{row.pop('explain')}\n")
                answer = row.pop("answer")
                row.update(_check(baseline, name, cluster, layout, answer))
                row.update({"fact_table": fact["table"], "fact_diststyle": fact["diststyle"],
                            "fact_slice_rows": fact["slice_rows"], "fact_skew_rows": fact["skew_rows"],
                            "fact_slice_max_mean": fact["slice_max_mean"], "load_s": load_s,
                            "block_bytes": cfg.block_bytes})
                result.queries.append(row)
                bar.update()
            result.explains[(wl.name, cluster.label, layout.name)] = "\n".join(explains)
    finally:
        db.close()


def _check(baseline: dict, name: str, cluster: Cluster, layout: Layout, answer: list[tuple] | None) -> dict:
    if answer is None:
        return {"answer_ok": False, "answer_note": "query failed"}
    here = f"{cluster.label}/{layout.name}"
    if name not in baseline:
        baseline[name] = (here, answer)
        return {"answer_ok": True, "answer_note": "baseline"}
    where, expected = baseline[name]
    diff = answers.compare(expected, answer)
    return {"answer_ok": diff is None, "answer_note": f"same as {where}" if diff is None else f"vs {where}: {diff}"}


def measure(db, sql: str, runs: int) -> dict:
    """Run ``sql`` once cold and ``runs`` times warm on ``db``; the counters, labels, times and answer.

    A query that fails is recorded with ``status`` ``error: ...`` and no counters.
    """
    out: dict = {"status": "ok", "error": ""}
    try:
        explain = db.explain(sql)
        t0 = time.perf_counter()
        first = db.sql(sql)
        cold = time.perf_counter() - t0
        query_id = db.sql("SELECT MAX(query) FROM stl_query").fetchall()[0][0]
        steps = db.sql("SELECT seg, step, label, rows FROM svl_query_summary "
                       f"WHERE query = {int(query_id)} ORDER BY seg, step").fetchall()
        warm, stable = [], True
        for _ in range(runs):
            t0 = time.perf_counter()
            again = db.sql(sql)
            warm.append(time.perf_counter() - t0)
            stable = stable and counters(again.metrics) == counters(first.metrics)
        answer = answers.normalize(first.fetchall())
    except Exception as e:  # noqa: BLE001 -- one failing query must not stop the suite
        first_line = (str(e).splitlines() or [type(e).__name__])[0]
        out.update(status="error", error=f"{type(e).__name__}: {first_line}", explain=f"(failed: {first_line})",
                   answer=None, ds_labels="", joins=0, join_inputs="", _joins=[])
        return out
    labels = plans.labels(explain)
    m = first.metrics
    out.update(counters(m))
    out["rows_moved"], out["bytes_moved"] = m.rows_moved, m.bytes_moved
    out["rows_dist_aggr"] = aggregate_redistribution(steps)
    for kind, rows in network_consumers(steps).items():
        out[f"rows_net_{kind}"] = rows
    out["ds_labels"] = " ".join(labels)
    out["joins"] = len(labels)
    joins = plans.joins(explain)
    out["join_inputs"] = "; ".join(j.describe() for j in joins)
    out["_joins"] = joins  # structured, for the findings; not written to the results table
    out["joins_collocated"] = sum(label in COLLOCATED for label in labels)
    for label in DS_LABELS:
        out[label.lower()] = labels.count(label)
    warm_s = statistics.median(warm) if warm else cold
    out.update(cold_s=cold, warm_s=warm_s, warm_min_s=min(warm) if warm else cold,
               compile_s=max(0.0, cold - warm_s), runs=len(warm), counters_stable=stable,
               explain=explain, answer=answer)
    return out


def counters(metrics) -> dict:
    """The deterministic counters of a ``Result.metrics``."""
    return {name: getattr(metrics, name) for name in COUNTERS}


def aggregate_redistribution(steps: list[tuple]) -> int:
    """Rows sent by ``dist`` steps that directly follow an ``aggr`` step in the
    same segment (two-step aggregation), from SVL_QUERY_SUMMARY rows
    ``(seg, step, label, rows)`` in (seg, step) order.

    Example:
        >>> aggregate_redistribution([(3, 0, "scan   tbl=1", 90), (3, 1, "aggr", 40), (3, 2, "dist", 40),
        ...                           (4, 0, "scan   tbl=2 name=Internal Worktable", 40), (4, 1, "dist", 7)])
        40
    """
    total, previous = 0, None
    for seg, _, label, rows in steps:
        label = label.strip()
        if label == "dist" and previous == (seg, "aggr"):
            total += int(rows)
        previous = (seg, label)
    return total


def network_consumers(steps: list[tuple]) -> dict[str, int]:
    """Rows the slices received over the network (the ``Internal Worktable`` scan
    opening a segment after a ``dist`` or ``bcast``), by the step that consumes
    them: a join (``hash`` build or ``hjoin`` / ``nloop`` probe), an aggregate
    (``aggr``) or anything else; ``project`` steps in between are skipped.
    A broadcast counts once per receiving node here.

    Example:
        >>> network_consumers([(0, 0, "scan   tbl=9 name=t", 8), (0, 1, "bcast", 8),
        ...                    (1, 0, "scan   tbl=100 name=Internal Worktable", 16), (1, 1, "hash", 16),
        ...                    (2, 0, "scan   tbl=101 name=Internal Worktable", 5), (2, 1, "project", 5),
        ...                    (2, 2, "aggr", 2)])
        {'join': 16, 'aggr': 5, 'other': 0}
    """
    out = {"join": 0, "aggr": 0, "other": 0}
    segments: dict[int, list[tuple[str, int]]] = {}
    for seg, _, label, rows in steps:
        segments.setdefault(seg, []).append((label.strip(), int(rows)))
    for seg_steps in segments.values():
        label, rows = seg_steps[0]
        if "Internal Worktable" not in label:
            continue
        consumer = next((lb for lb, _ in seg_steps[1:] if lb != "project"), "")
        kind = "join" if consumer in ("hash", "hjoin", "nloop") else "aggr" if consumer == "aggr" else "other"
        out[kind] += rows
    return out


def table_placement(db, wl: Workload) -> list[dict]:
    """Where every table's rows sit: SVV_TABLE_INFO's style, size and skew, and
    STV_TBL_PERM's rows per slice (an ALL table's copies sit on each node's first slice)."""
    info = {r[0].strip(): r for r in db.sql(
        'SELECT "table", diststyle, sortkey1, size, tbl_rows, skew_rows FROM svv_table_info').fetchall()}
    per_slice: dict[str, list[int]] = {}
    for name, _, rows in db.sql("SELECT name, slice, rows FROM stv_tbl_perm ORDER BY name, slice").fetchall():
        per_slice.setdefault(name.strip(), []).append(int(rows))
    out = []
    for table in wl.tables:
        _, diststyle, sortkey1, size, tbl_rows, skew = info.get(table, (table, None, None, 0, 0, None))
        slices = per_slice.get(table, [])
        replicated = diststyle is not None and "ALL" in diststyle
        mean = sum(slices) / len(slices) if slices else 0
        out.append({
            "table": table, "is_fact": table in wl.facts, "diststyle": diststyle, "sortkey1": sortkey1,
            "size_blocks": int(size or 0), "tbl_rows": int(tbl_rows or 0),
            "skew_rows": None if skew is None else float(skew),
            "slice_rows": json.dumps(slices),
            "slice_max_mean": None if replicated or not mean else round(max(slices) / mean, 4),
        })
    return out
