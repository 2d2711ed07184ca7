""""What this shows": the report's sentences, computed from the numbers.

Role: reads a :class:`~benchmarks.suite.SuiteResult` and states, per
workload, what the reference (``redshift_spectrum_semantics.md`` §2.1, §3.1)
predicts and whether the counters bear it out, with the numbers:

* collocated joins (DS_DIST_NONE, DS_DIST_ALL_NONE) move no rows;
* the all-EVEN layout redistributes or broadcasts at every join;
* a join whose inner input is an ALL table is DS_DIST_ALL_NONE and broadcasts
  nothing, and what a layout still broadcasts comes from other inputs;
* a poor distribution key skews the fact table over the slices;
* a sort key on the date column lets zone maps skip blocks on date ranges;
* what DISTSTYLE AUTO chose; how movement grows with the cluster; time against
  bytes moved; and whether every answer agreed.

Nothing here is hard-coded per workload: each sentence is emitted when the
layouts it compares were run (e.g. the sort-key sentence needs a layout ``X``
and ``X_sort``). Counters are read on the cluster with the most slices (where
distribution matters most); the cluster-size sentence compares all of them.
"""

from __future__ import annotations

import json
import math
from collections import Counter

from benchmarks.summary import fmt_bytes, fmt_int, reference_cluster, totals
from benchmarks.workloads import workload as get_workload


def _counts(labels: Counter) -> str:
    return ", ".join(f"{label} x{n}" for label, n in labels.most_common())


def _names(queries: list[str], limit: int = 8) -> str:
    shown = ", ".join(queries[:limit])
    return shown + (f" and {len(queries) - limit} more" if len(queries) > limit else "")


class _View:
    """The rows of one workload on one cluster, by layout."""

    def __init__(self, result, workload: str, cluster: str):
        self.layouts = [layout.name for layout in result.layouts[workload]]
        self.queries = {name: [q for q in result.queries if q["workload"] == workload
                               and q["cluster"] == cluster and q["layout"] == name] for name in self.layouts}
        self.tables = {name: {t["table"]: t for t in result.tables if t["workload"] == workload
                              and t["cluster"] == cluster and t["layout"] == name} for name in self.layouts}
        self.totals = {t["layout"]: t for t in totals(result) if t["workload"] == workload and t["cluster"] == cluster}

    def ok(self, layout: str) -> list[dict]:
        return [q for q in self.queries[layout] if q["status"] == "ok"]

    def replicated(self, layout: str) -> set[str]:
        return {t for t, row in self.tables[layout].items() if row["diststyle"] and "ALL" in row["diststyle"]}


def collocation(v: _View, layout: str) -> str | None:
    """Collocated joins move nothing (for a layout whose joins are mostly collocated)."""
    rows = v.ok(layout)
    labels = Counter(label for q in rows for label in q["ds_labels"].split())
    joins = sum(labels.values())
    together = labels["DS_DIST_NONE"] + labels["DS_DIST_ALL_NONE"]
    if not joins or together * 2 < joins:
        return None
    full = [q for q in rows if q["joins"] and q["joins_collocated"] == q["joins"]]
    if not full:
        return None
    join_rows = sum(q["rows_net_join"] for q in full)
    text = (f"**{layout}**: {together} of its {joins} joins were collocated "
            f"({_counts(Counter({k: labels[k] for k in ('DS_DIST_NONE', 'DS_DIST_ALL_NONE') if labels[k]}))}). "
            f"In the {len(full)} queries whose every join was collocated ({_names([q['query'] for q in full])}), ")
    text += ("no join received a row over the network" if not join_rows
             else f"joins still received {fmt_int(join_rows)} rows over the network")
    moved = sum(q["rows_moved"] for q in full)
    if moved:
        aggr = sum(q["rows_net_aggr"] for q in full)
        two_step = sum(q["rows_dist_aggr"] for q in full)
        other = sum(q["rows_net_other"] for q in full)
        text += (f"; the {fmt_int(moved)} rows they did redistribute or broadcast fed aggregations "
                 f"({fmt_int(aggr)} rows received by aggregate steps, a GROUP BY or DISTINCT not on the "
                 f"distribution key; {fmt_int(two_step)} of them in two-step AGG-DIST-AGG sequences)")
        if other:
            text += f" and other steps ({fmt_int(other)} rows)"
    return text + "."


def moving(v: _View, layout: str, compare_to: str | None) -> str | None:
    """A layout none of whose joins is collocated (all EVEN): every join moves rows."""
    rows = v.ok(layout)
    labels = Counter(label for q in rows for label in q["ds_labels"].split())
    joins = sum(labels.values())
    if not joins or labels["DS_DIST_NONE"] + labels["DS_DIST_ALL_NONE"]:
        return None
    t = v.totals[layout]
    text = (f"**{layout}**: none of its {joins} joins was collocated ({_counts(labels)}), and its joins received "
            f"{fmt_int(t['rows_net_join'])} rows over the network; it redistributed {fmt_int(t['rows_redistributed'])} "
            f"rows and broadcast {fmt_int(t['rows_broadcast'])} ({fmt_bytes(t['bytes_moved'])} moved)")
    if compare_to and compare_to in v.totals:
        c = v.totals[compare_to]
        ratio = f", {t['bytes_moved'] / c['bytes_moved']:.1f}x as many bytes" if c["bytes_moved"] else ""
        text += (f", against {fmt_int(c['rows_redistributed'])} and {fmt_int(c['rows_broadcast'])} "
                 f"({fmt_bytes(c['bytes_moved'])}) under {compare_to}{ratio}")
    return text + "."


def all_dimensions(v: _View, layout: str, baseline: str | None) -> str | None:
    """Joins with an ALL inner input are DS_DIST_ALL_NONE and broadcast nothing."""
    replicated = v.replicated(layout)
    if not replicated:
        return None
    labels, others = Counter(), {}
    for q in v.ok(layout):
        for j in q["_joins"]:
            if j.inner_tables and not j.inner_derived and set(j.inner_tables) <= replicated:
                labels[j.label] += 1
            elif j.label == "DS_BCAST_INNER":
                what = "computed inputs" if j.inner_derived else ",".join(j.inner_tables)
                others.setdefault(what, []).append(q["query"])
    n = sum(labels.values())
    if not n:
        return None
    verdict = ("all read DS_DIST_ALL_NONE and broadcast nothing" if set(labels) == {"DS_DIST_ALL_NONE"}
               else f"read {_counts(labels)}")
    text = (f"**{layout}**: its ALL tables ({', '.join(sorted(replicated))}) were the inner input of {n} joins, "
            f"which {verdict}")
    if baseline and baseline in v.totals and baseline != layout:
        text += f" ({baseline} broadcast {fmt_int(v.totals[baseline]['rows_broadcast'])} rows)"
    t = v.totals[layout]
    if t["rows_broadcast"]:
        where = "; ".join(f"{what} in {_names(sorted(set(qs)), 5)}" for what, qs in others.items())
        text += f". The {fmt_int(t['rows_broadcast'])} rows it still broadcast were not ALL tables: {where}"
    else:
        text += ". It broadcast no rows at all"
    return text + "."


def skew(v: _View, layout: str, facts: list[str]) -> list[str]:
    """A fact table whose fullest slice holds clearly more than the mean."""
    out = []
    for table in facts:
        row = v.tables[layout].get(table)
        if not row or row["slice_max_mean"] is None or row["slice_max_mean"] < 1.25:
            continue
        slices = json.loads(row["slice_rows"])
        best = min((v.tables[o][table] for o in v.layouts if v.tables[o].get(table)
                    and v.tables[o][table]["slice_max_mean"] is not None),
                   key=lambda r: r["slice_max_mean"])
        empty = sum(1 for s in slices if s == 0)
        skew_text = (f"skew_rows {row['skew_rows']:.2f}" if row["skew_rows"] is not None
                     else f"skew_rows NULL: {empty} of {len(slices)} slices hold none")
        out.append(
            f"**{layout}**: {table} {row['diststyle']} is skewed: its slices hold "
            f"{' / '.join(f'{s:,}' for s in slices)} rows ({skew_text}; the fullest slice holds "
            f"{row['slice_max_mean']:.2f}x the mean), against {best['slice_max_mean']:.2f}x under "
            f"{best['layout']} ({best['diststyle']}). On a real cluster every scan of {table} waits for its "
            "fullest slice; this simulation runs the slices on the machine's cores from one queue, so its "
            "times hide that wait.")
    return out


def sort_keys(v: _View, layout: str, sorted_layout: str) -> str | None:
    """A SORTKEY on the date column lets zone maps skip blocks."""
    if sorted_layout not in v.totals or layout not in v.totals:
        return None
    a, b = v.totals[layout], v.totals[sorted_layout]
    total = b["blocks_scanned"] + b["blocks_skipped"]
    if not total:
        return None
    share = b["blocks_skipped"] / total
    top = sorted((q for q in v.ok(sorted_layout) if q["blocks_skipped"]),
                 key=lambda q: -q["blocks_skipped"] / max(1, q["blocks_skipped"] + q["blocks_scanned"]))[:4]
    text = (f"**{sorted_layout}**: zone maps skipped {fmt_int(b['blocks_skipped'])} of {fmt_int(total)} blocks "
            f"({share:.0%}), against {fmt_int(a['blocks_skipped'])} under {layout} with the same distribution")
    if top:
        text += "; most in " + ", ".join(
            f"{q['query']} ({q['blocks_skipped'] / (q['blocks_skipped'] + q['blocks_scanned']):.0%} of its blocks)"
            for q in top)
    if share < 0.1:
        text += (". Few blocks were skipped: a sort key only skips blocks for a predicate on the sorted column "
                 "itself, and a date range reached through a join to a date dimension restricts none")
    return text + "."


def auto_choice(v: _View, layout: str) -> str | None:
    styles = {t: row["diststyle"] for t, row in v.tables[layout].items()}
    if not any(s and s.startswith("AUTO") for s in styles.values()):
        return None
    return (f"**{layout}** chose: " + ", ".join(f"{t} {s}" for t, s in styles.items())
            + " (AUTO starts as ALL and takes the first primary-key column as DISTKEY past "
              "`auto_all_max_rows` rows).")


def clusters(result, workload: str) -> str | None:
    """How the bytes crossing between nodes grow with the cluster."""
    rows = [t for t in totals(result) if t["workload"] == workload]
    shapes = list(dict.fromkeys(t["cluster"] for t in rows))
    if len(shapes) < 2:
        return None
    internode = {c: sum(t["bytes_internode"] for t in rows if t["cluster"] == c) for c in shapes}
    moved = {c: sum(t["bytes_moved"] for t in rows if t["cluster"] == c) for c in shapes}
    text = ("Bytes that crossed between nodes, all layouts and queries together: "
            + ", ".join(f"{c} {fmt_bytes(internode[c])}" for c in shapes))
    single = [c for c in shapes if c.startswith("1x")]
    if single and internode[single[0]] == 0:
        text += (f" (on {single[0]} the DS_* steps still run and count the {fmt_bytes(moved[single[0]])} of rows "
                 "they pass through, but nothing leaves the one node)")
    return text + ". A broadcast sends a copy to every node, so its traffic grows with the node count."


def timing(v: _View) -> str | None:
    rows = [q for layout in v.layouts for q in v.ok(layout)]
    if len(rows) < 3:
        return None
    order = sorted(v.totals.values(), key=lambda t: t["warm_s"])
    text = ("Warm time (sum of per-query medians): "
            + ", ".join(f"{t['layout']} {t['warm_s']:.2f} s" for t in order))
    xs, ys = [q["bytes_moved"] for q in rows], [q["warm_s"] for q in rows]
    r = _pearson(xs, ys)
    if r is not None:
        text += (f". Over the queries, warm time and bytes moved correlate with r = {r:.2f} "
                 "(at small scales much of a query's time is fixed per-query work)")
    cold = sum(t["compile_s"] for t in v.totals.values())
    return text + f". First runs took {cold:.1f} s longer than warm ones in all (kernel compilation, first use)."


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    if not sx or not sy:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sx * sy)


def answers(result, workload: str) -> str:
    rows = [q for q in result.queries if q["workload"] == workload]
    bad = [q for q in rows if not q["answer_ok"]]
    base = next((q for q in rows if q["answer_note"] == "baseline"), None)
    where = f"{base['cluster']}/{base['layout']}" if base else "the first layout"
    if not bad:
        return f"All {len(rows)} answers agree with the {where} answers (exact; floats to 1e-9)."
    listed = "; ".join(f"{q['cluster']}/{q['layout']} {q['query']}: {q['answer_note'] or q['error']}"
                       for q in bad[:6])
    return f"**{len(bad)} of {len(rows)} answers do not agree** with the {where} answers: {listed}."


def findings(result) -> dict[str, list[str]]:
    """Markdown sentences per workload (see the module docstring)."""
    out: dict[str, list[str]] = {}
    for workload, layouts in result.layouts.items():
        rows = [q for q in result.queries if q["workload"] == workload]
        if not rows:
            continue
        shapes = list(dict.fromkeys(q["cluster"] for q in rows))
        reference = reference_cluster(shapes)
        v = _View(result, workload, reference)
        names = v.layouts
        baseline = names[0]
        least = min(v.totals.values(), key=lambda t: t["bytes_moved"])["layout"]
        facts = list(get_workload(workload).facts)
        lines = [f"Counters read on the {reference} cluster:", ""]
        seen: dict[tuple, str] = {}
        for name in names:
            movement = tuple((q["query"], q["rows_redistributed"], q["rows_broadcast"], q["ds_labels"])
                             for q in v.queries[name])
            if movement in seen:
                lines.append(f"**{name}** moved exactly what {seen[movement]} moved, query by query, "
                             "with the same join labels (the same distribution).")
                sentences = (auto_choice(v, name),)
            else:
                seen[movement] = name
                sentences = (moving(v, name, least if least != name else None), collocation(v, name),
                             all_dimensions(v, name, baseline), auto_choice(v, name))
            lines.extend(s for s in sentences if s)
            lines.extend(skew(v, name, facts))
            if name + "_sort" in names:
                sentence = sort_keys(v, name, name + "_sort")
                if sentence:
                    lines.append(sentence)
        for sentence in (clusters(result, workload), timing(v), answers(result, workload)):
            if sentence:
                lines.append(sentence)
        out[workload] = lines
    return out
