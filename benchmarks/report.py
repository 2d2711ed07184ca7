"""Writing a suite run to disk: results table, Markdown report, charts, plans.

Role: the output end of the suite. :func:`write` puts into one folder:

* ``results.csv`` and ``results.parquet``: one row per workload x cluster x
  layout x query with every counter, label and time (:mod:`benchmarks.suite`
  lists them); ``fact_slice_rows`` is a JSON list;
* ``tables.csv``: one row per workload x cluster x layout x table: style,
  sort key, size in blocks, rows, rows per slice, skew;
* ``totals.csv``: one row per workload x cluster x layout (:mod:`benchmarks.summary`);
* ``report.md``: the layouts, "what this shows" (:mod:`benchmarks.findings`),
  per-layout totals, where the fact rows sit, and per query the DS_* labels
  with the bytes moved, the blocks skipped and the times, then the charts;
* ``charts/*.png`` (:mod:`benchmarks.charts`) and ``plans/*.txt`` (the EXPLAIN
  of every query under every layout and cluster).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from benchmarks.charts import write_charts
from benchmarks.findings import findings
from benchmarks.summary import fmt_bytes, fmt_int, fmt_skew, reference_cluster, totals
from benchmarks.workloads import workload as get_workload

ABBREVIATION = {"DS_DIST_NONE": "NONE", "DS_DIST_ALL_NONE": "ALL_NONE", "DS_DIST_INNER": "INNER",
                "DS_DIST_OUTER": "OUTER", "DS_DIST_ALL_INNER": "ALL_INNER", "DS_DIST_BOTH": "BOTH",
                "DS_BCAST_INNER": "BCAST"}


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _table(rows: list[dict]) -> pa.Table:
    rows = [_public(r) for r in rows]
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return pa.table({c: [r.get(c) for r in rows] for c in columns})


def write(result, out_dir: str | Path) -> dict[str, Path]:
    """Write every output of ``result`` into ``out_dir`` (created); the paths by name."""
    out = Path(out_dir)
    (out / "plans").mkdir(parents=True, exist_ok=True)
    paths = {"results.csv": out / "results.csv", "results.parquet": out / "results.parquet",
             "tables.csv": out / "tables.csv", "totals.csv": out / "totals.csv", "report.md": out / "report.md"}
    queries = _table(result.queries)
    pacsv.write_csv(queries, paths["results.csv"])
    pq.write_table(queries, paths["results.parquet"])
    pacsv.write_csv(_table(result.tables), paths["tables.csv"])
    pacsv.write_csv(_table(totals(result)), paths["totals.csv"])
    for (workload, cluster, layout), text in result.explains.items():
        (out / "plans" / f"{workload}_{cluster}_{layout}.txt").write_text(text)
    charts = write_charts(result, out / "charts")
    for chart in charts:
        paths[f"charts/{chart.name}"] = chart
    paths["report.md"].write_text(markdown(result, charts, out))
    return paths


def _md(headers: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" + "r" * (len(headers) - 1)
    sep = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _labels(ds_labels: str) -> str:
    counts = Counter(ds_labels.split())
    if not counts:
        return "-"
    return " ".join(ABBREVIATION.get(k, k) + (f"x{n}" if n > 1 else "") for k, n in counts.items())


def markdown(result, charts: list[Path], out: Path) -> str:
    """The text of ``report.md``."""
    cfg = result.config
    lines = [
        f"# Distribution benchmark: {' and '.join(get_workload(w).title for w in cfg.workloads)} "
        f"at scale {cfg.scale:g}",
        "",
        f"Run {dt.datetime.now().isoformat(timespec='seconds')} on {platform.machine()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}) in {result.seconds:.0f} s: clusters "
        f"{', '.join(c.label for c in cfg.clusters)}; {cfg.runs} warm runs per query (median); column blocks "
        f"of {fmt_bytes(cfg.block_bytes)} (Redshift: 1 MB; smaller so that zone maps matter at small scale). "
        "Counters are deterministic; times are this machine's time to simulate the cluster in one process.",
        "",
        "Layouts (the first is the baseline every answer is checked against):",
        "",
    ]
    for workload, layouts in result.layouts.items():
        lines.append(_md(["layout", f"{get_workload(workload).title} tables"],
                         [[f"`{layout.name}`", layout.description] for layout in layouts], "ll"))
        lines.append("")
    notes = findings(result)
    sums = totals(result)
    for workload in result.layouts:
        rows = [q for q in result.queries if q["workload"] == workload]
        if not rows:
            continue
        shapes = list(dict.fromkeys(q["cluster"] for q in rows))
        lines += [f"## {get_workload(workload).title}", "", "### What this shows", ""]
        lines += [s if not s or s.endswith(":") else f"- {s}" for s in notes.get(workload, [])]
        lines += ["", "### Totals per layout", ""]
        for shape in shapes:
            mine = [t for t in sums if t["workload"] == workload and t["cluster"] == shape]
            fact = mine[0]["fact_table"]
            lines += [f"**{shape} cluster**", "", _md(
                ["layout", "rows redistributed", "rows broadcast", "bytes moved", "bytes between nodes",
                 "network rows into joins", "into aggregates", "rows to leader", "joins collocated",
                 "blocks scanned", "blocks skipped", f"{fact} skew", "storage blocks", "load s", "warm s", "cold s",
                 "answers"],
                [[f"`{t['layout']}`", fmt_int(t["rows_redistributed"]), fmt_int(t["rows_broadcast"]),
                  fmt_bytes(t["bytes_moved"]), fmt_bytes(t["bytes_internode"]), fmt_int(t["rows_net_join"]),
                  fmt_int(t["rows_net_aggr"]), fmt_int(t["rows_to_leader"]), f"{t['joins_collocated']}/{t['joins']}",
                  fmt_int(t["blocks_scanned"]), fmt_int(t["blocks_skipped"]),
                  fmt_skew(t["fact_skew_rows"], t["fact_slice_max_mean"]), fmt_int(t["storage_blocks"]),
                  f"{t['load_s']:.1f}", f"{t['warm_s']:.2f}", f"{t['cold_s']:.2f}",
                  f"{t['answers_ok']}/{t['queries']}"] for t in mine]), ""]
        lines += ["Bytes moved: redistributed + broadcast as `Result.metrics` counts them (every row entering a "
                  "DS_* step, broadcast bytes once per receiving node); bytes between nodes: what crossed the "
                  "network from one node to another, the rows sent to the leader included. Network rows into "
                  "joins / aggregates: rows received from the network by join and aggregate steps "
                  "(SVL_QUERY_SUMMARY). Storage: SVV_TABLE_INFO.size summed (ALL tables once per node).", ""]
        lines += ["### Where the fact rows sit", "",
                  "Rows per slice from STV_TBL_PERM; skew_rows from SVV_TABLE_INFO (fullest / emptiest slice, "
                  "`inf` where a slice is empty and the view shows NULL).", ""]
        facts = [t for t in result.tables if t["workload"] == workload and t["is_fact"]]
        lines += [_md(["cluster", "layout", "table", "diststyle", "sortkey1", "rows per slice", "skew"],
                      [[t["cluster"], f"`{t['layout']}`", t["table"], t["diststyle"], t["sortkey1"] or "-",
                        " / ".join(f"{n:,}" for n in json.loads(t["slice_rows"])),
                        fmt_skew(t["skew_rows"], t["slice_max_mean"])] for t in facts], "llllllr"), ""]
        layouts = [layout.name for layout in result.layouts[workload]]
        reference = reference_cluster(shapes)
        by = {(q["layout"], q["query"]): q for q in rows if q["cluster"] == reference}
        names = list(dict.fromkeys(q["query"] for q in rows))
        legend = ", ".join(f"{v} = {k}" for k, v in ABBREVIATION.items())
        lines += [f"### Per query on {reference}: join labels and bytes moved", "",
                  f"Each cell: the DS_* labels of the plan's joins ({legend}; xN = N joins) and the bytes "
                  "redistributed + broadcast. The plans are in `plans/`.", ""]
        lines += [_md(["query", *[f"`{n}`" for n in layouts]],
                      [[name, *[_cell(by.get((n, name))) for n in layouts]] for name in names],
                      "l" * (1 + len(layouts))),
                  ""]
        lines += [f"### Per query on {reference}: blocks skipped / total, warm ms (cold ms)", ""]
        lines += [_md(["query", *[f"`{n}`" for n in layouts]],
                      [[name, *[_blocks_cell(by.get((n, name))) for n in layouts]] for name in names]), ""]
        bad = [q for q in rows if not q["answer_ok"] or q["status"] != "ok"]
        if bad:
            lines += ["### Answers that differ or failed", ""]
            lines += [f"- {q['cluster']}/{q['layout']} {q['query']}: {q['error'] or q['answer_note']}" for q in bad]
            lines.append("")
        lines += ["### Charts", ""]
        for chart in charts:
            if chart.name.startswith(workload + "_"):
                lines += [f"![{chart.stem}]({chart.relative_to(out).as_posix()})", ""]
    lines += ["## Files", "",
              "`results.csv` / `results.parquet` (one row per query and layout), `tables.csv` (placement of "
              "every table), `totals.csv` (per layout), `plans/` (EXPLAIN texts), `charts/`.", ""]
    return "\n".join(lines)


def _cell(q: dict | None) -> str:
    if q is None:
        return ""
    if q["status"] != "ok":
        return "failed"
    return f"{_labels(q['ds_labels'])} · {fmt_bytes(q['bytes_moved'])}"


def _blocks_cell(q: dict | None) -> str:
    if q is None:
        return ""
    if q["status"] != "ok":
        return "failed"
    return (f"{fmt_int(q['blocks_skipped'])} / {fmt_int(q['blocks_scanned'] + q['blocks_skipped'])}, "
            f"{q['warm_s'] * 1e3:.0f} ({q['cold_s'] * 1e3:.0f})")
