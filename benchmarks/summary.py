"""Per-layout totals of a suite run, and the plain-text table ``make demo`` prints.

Role: the one aggregation every output shares (report, findings, charts, the
demo's console table). :func:`totals` sums each scenario's per-query counters
and times into one row per workload x cluster x layout, with the fact table's
placement and the storage the layout costs (SVV_TABLE_INFO.size summed over
the tables: ALL tables count once per node).
"""

from __future__ import annotations

from collections import defaultdict

from benchmarks.workloads import workload as get_workload

SUMMED = ("rows_redistributed", "bytes_redistributed", "rows_broadcast", "bytes_broadcast", "rows_moved",
          "bytes_moved", "rows_dist_aggr", "rows_net_join", "rows_net_aggr", "rows_net_other", "rows_to_leader",
          "bytes_to_leader", "rows_internode", "bytes_internode", "blocks_scanned", "blocks_skipped",
          "rows_scanned", "joins", "joins_collocated", "warm_s", "cold_s", "compile_s")


def reference_cluster(shapes: list[str]) -> str:
    """The cluster whose counters the report details: the one with the most slices
    (where distribution matters most), the first of those on a tie.

    Example:
        >>> reference_cluster(["1x1", "2x2", "4x1", "4x2"])
        '4x2'
    """
    slices = [int(n) * int(s) for n, s in (c.split("x") for c in shapes)]
    return shapes[slices.index(max(slices))]


def fmt_bytes(n: float | None) -> str:
    """Bytes for people.

    Example:
        >>> fmt_bytes(0), fmt_bytes(1536), fmt_bytes(3 * 2**20)
        ('0 B', '1.5 KB', '3.0 MB')
    """
    if n is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def fmt_int(n) -> str:
    return "-" if n is None else f"{int(n):,}"


def fmt_skew(skew_rows, max_mean) -> str:
    """``skew_rows`` (fullest / emptiest slice) and fullest / mean, as ``12.9 (1.86x mean)``;
    ``inf`` when a slice is empty (SVV_TABLE_INFO shows NULL), ``-`` for ALL tables."""
    if max_mean is None:
        return "-"
    head = "inf" if skew_rows is None else f"{skew_rows:.2f}"
    return f"{head} ({max_mean:.2f}x mean)"


def totals(result) -> list[dict]:
    """One row per workload x cluster x layout, in run order (see the module docstring)."""
    storage: dict[tuple, int] = defaultdict(int)
    for t in result.tables:
        storage[(t["workload"], t["cluster"], t["layout"])] += t["size_blocks"]
    out: dict[tuple, dict] = {}
    for q in result.queries:
        key = (q["workload"], q["cluster"], q["layout"])
        row = out.get(key)
        if row is None:
            row = out[key] = {
                "workload": q["workload"], "scale": q["scale"], "cluster": q["cluster"], "layout": q["layout"],
                "queries": 0, "failed": 0, "answers_ok": 0, **{k: 0 for k in SUMMED},
                "fact_table": q["fact_table"], "fact_diststyle": q["fact_diststyle"],
                "fact_slice_rows": q["fact_slice_rows"], "fact_skew_rows": q["fact_skew_rows"],
                "fact_slice_max_mean": q["fact_slice_max_mean"], "storage_blocks": storage[key],
                "load_s": q["load_s"],
            }
        row["queries"] += 1
        row["answers_ok"] += bool(q["answer_ok"])
        if q["status"] != "ok":
            row["failed"] += 1
            continue
        for k in SUMMED:
            row[k] += q[k]
    return list(out.values())


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    """A fixed-width table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def summary_table(result, workload: str | None = None, cluster: str | None = None) -> str:
    """The per-layout comparison as printed by ``make demo``: one block per workload and cluster."""
    blocks = []
    rows = [t for t in totals(result)
            if (workload is None or t["workload"] == workload) and (cluster is None or t["cluster"] == cluster)]
    groups: dict[tuple, list[dict]] = {}
    for t in rows:
        groups.setdefault((t["workload"], t["cluster"]), []).append(t)
    for (wl, cl), group in groups.items():
        first = group[0]
        title = (f"{get_workload(wl).title} SF{first['scale']:g} on a {cl} cluster: {first['queries']} queries, "
                 f"warm = median of {result.config.runs} runs")
        headers = ["layout", f"{first['fact_table']} style", "rows redistributed", "rows broadcast", "bytes moved",
                   "between nodes", "joins collocated", "blocks skipped", f"{first['fact_table']} skew",
                   "warm s", "cold s", "answers"]
        body = [[
            t["layout"], str(t["fact_diststyle"]), fmt_int(t["rows_redistributed"]), fmt_int(t["rows_broadcast"]),
            fmt_bytes(t["bytes_moved"]), fmt_bytes(t["bytes_internode"]), f"{t['joins_collocated']}/{t['joins']}",
            f"{fmt_int(t['blocks_skipped'])}/{fmt_int(t['blocks_skipped'] + t['blocks_scanned'])}",
            fmt_skew(t["fact_skew_rows"], t["fact_slice_max_mean"]),
            f"{t['warm_s']:.2f}", f"{t['cold_s']:.2f}", f"{t['answers_ok']}/{t['queries']}",
        ] for t in group]
        blocks.append(title + "\n" + text_table(headers, body))
    return "\n\n".join(blocks)
