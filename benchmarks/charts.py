"""The report's charts, drawn with matplotlib (Agg backend, PNG files).

Role: pictures of the suite's numbers, one set per workload:

* ``<workload>_bytes_moved.png``: bytes redistributed + broadcast per query,
  one bar per layout, one panel per cluster (symmetric-log axis: zero is a
  real, frequent value);
* ``<workload>_time.png``: per layout, the warm time (sum of the per-query
  medians) and the first-run time, one bar per cluster;
* ``<workload>_slice_rows.png``: rows per slice of each fact table under each
  layout, as a heatmap of rows / mean (1.0 = a perfect spread; dark = empty),
  one panel per cluster: skew is the uneven row;
* ``<workload>_bytes_vs_time.png``: every query x layout as a point, bytes
  moved against warm time;
* ``<workload>_blocks.png``: blocks scanned and skipped (zone maps) per
  layout, one panel per cluster.

matplotlib is imported when the charts are drawn, with the Agg backend, so
nothing needs a display.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.summary import totals
from benchmarks.workloads import workload as get_workload


def _title(workload: str) -> str:
    return get_workload(workload).title


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _shapes(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(r["cluster"] for r in rows))


def write_charts(result, out_dir: str | Path) -> list[Path]:
    """Draw every chart of every workload into ``out_dir``; the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for workload, layouts in result.layouts.items():
        rows = [q for q in result.queries if q["workload"] == workload and q["status"] == "ok"]
        if not rows:
            continue
        names = [layout.name for layout in layouts]
        for draw in (bytes_moved, time_per_layout, slice_rows, bytes_vs_time, blocks):
            path = out_dir / f"{workload}_{draw.__name__}.png"
            draw(result, workload, names, rows, path)
            written.append(path)
    return written


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _plt().close(fig)


def bytes_moved(result, workload: str, names: list[str], rows: list[dict], path: Path) -> None:
    plt = _plt()
    shapes = _shapes(rows)
    queries = list(dict.fromkeys(r["query"] for r in rows))
    fig, axes = plt.subplots(len(shapes), 1, figsize=(max(8, 0.55 * len(queries) * max(1, len(names)) / 3),
                                                      3.2 * len(shapes)), squeeze=False)
    width = 0.8 / len(names)
    for ax, shape in zip(axes[:, 0], shapes):
        for i, name in enumerate(names):
            by_query = {r["query"]: r["bytes_moved"] for r in rows if r["cluster"] == shape and r["layout"] == name}
            ax.bar([q + (i - (len(names) - 1) / 2) * width for q in range(len(queries))],
                   [by_query.get(q, 0) for q in queries], width, label=name)
        ax.set_yscale("symlog", linthresh=1024)
        ax.set_xticks(range(len(queries)), queries, rotation=90 if len(queries) > 15 else 0)
        ax.set_ylabel("bytes moved")
        ax.set_title(f"{_title(workload)} on {shape}: bytes redistributed + broadcast per query")
        ax.grid(axis="y", alpha=0.3)
    axes[0, 0].legend(ncol=len(names), fontsize="small")
    _save(fig, path)


def time_per_layout(result, workload: str, names: list[str], rows: list[dict], path: Path) -> None:
    plt = _plt()
    sums = [t for t in totals(result) if t["workload"] == workload]
    shapes = _shapes(sums)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    width = 0.8 / len(shapes)
    for ax, key, title in ((axes[0], "warm_s", "warm time (sum of medians)"),
                           (axes[1], "cold_s", "first run (incl. compilation)")):
        for i, shape in enumerate(shapes):
            by_layout = {t["layout"]: t[key] for t in sums if t["cluster"] == shape}
            ax.bar([x + (i - (len(shapes) - 1) / 2) * width for x in range(len(names))],
                   [by_layout.get(n, 0) for n in names], width, label=shape)
        ax.set_xticks(range(len(names)), names, rotation=20)
        ax.set_ylabel("seconds")
        ax.set_title(f"{_title(workload)}: {title}")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(title="cluster", fontsize="small")
    _save(fig, path)


def slice_rows(result, workload: str, names: list[str], rows: list[dict], path: Path) -> None:
    plt = _plt()
    tables = [t for t in result.tables if t["workload"] == workload and t["is_fact"]]
    shapes = _shapes(tables)
    per_shape = {s: [t for t in tables if t["cluster"] == s] for s in shapes}
    width = 4.5 + sum(max(2.0, 0.75 * len(json.loads(per_shape[s][0]["slice_rows"]))) for s in shapes)
    height = 1.2 + 0.4 * max(len(v) for v in per_shape.values())
    fig, axes = plt.subplots(1, len(shapes), figsize=(width, height), squeeze=False)
    image = None
    for k, (ax, shape) in enumerate(zip(axes[0], shapes)):
        mine = sorted(per_shape[shape],
                      key=lambda t: (names.index(t["layout"]) if t["layout"] in names else 99, t["table"]))
        grid = []
        for t in mine:
            counts = json.loads(t["slice_rows"])
            mean = sum(counts) / len(counts) if counts else 1
            grid.append([c / mean if mean else 0 for c in counts])
        image = ax.imshow(grid, cmap="magma", vmin=0, vmax=max(2.0, max(max(g) for g in grid)), aspect="auto")
        ax.set_yticks(range(len(mine)), [f"{t['layout']}: {t['table']}" for t in mine] if k == 0 else [],
                      fontsize="small")
        n_slices = len(grid[0]) if grid else 0
        ax.set_xticks(range(n_slices), [str(s) for s in range(n_slices)])
        ax.set_xlabel("slice")
        ax.set_title(f"{_title(workload)} on {shape}: rows per slice / mean")
        if n_slices <= 16:
            for y, t in enumerate(mine):
                for x, c in enumerate(json.loads(t["slice_rows"])):
                    ax.text(x, y, f"{c / 1000:.0f}k" if c >= 10000 else f"{c:,}", ha="center", va="center",
                            fontsize=7, color="white" if grid[y][x] < 1.2 else "black")
    if image is not None:
        fig.colorbar(image, ax=list(axes[0]), shrink=0.8, label="rows / mean rows per slice")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def bytes_vs_time(result, workload: str, names: list[str], rows: list[dict], path: Path) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    markers = "osD^v<>"
    for j, shape in enumerate(_shapes(rows)):
        for i, name in enumerate(names):
            mine = [r for r in rows if r["cluster"] == shape and r["layout"] == name]
            ax.scatter([r["bytes_moved"] for r in mine], [r["warm_s"] * 1e3 for r in mine], s=22, alpha=0.75,
                       color=f"C{i}", marker=markers[j % len(markers)], label=f"{name} ({shape})")
    ax.set_xscale("symlog", linthresh=1024)
    ax.set_xlabel("bytes moved (redistributed + broadcast)")
    ax.set_ylabel("warm time (ms)")
    ax.set_title(f"{_title(workload)}: bytes moved against time, per query and layout")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="x-small", ncol=2)
    _save(fig, path)


def blocks(result, workload: str, names: list[str], rows: list[dict], path: Path) -> None:
    plt = _plt()
    sums = [t for t in totals(result) if t["workload"] == workload]
    shapes = _shapes(sums)
    fig, axes = plt.subplots(1, len(shapes), figsize=(4.2 * len(shapes) + 1, 3.8), squeeze=False)
    for ax, shape in zip(axes[0], shapes):
        by_layout = {t["layout"]: t for t in sums if t["cluster"] == shape}
        scanned = [by_layout[n]["blocks_scanned"] if n in by_layout else 0 for n in names]
        skipped = [by_layout[n]["blocks_skipped"] if n in by_layout else 0 for n in names]
        ax.bar(names, scanned, label="scanned")
        ax.bar(names, skipped, bottom=scanned, label="skipped (zone maps)")
        ax.set_title(f"{_title(workload)} on {shape}: blocks")
        ax.set_ylim(0, 1.3 * max([a + b for a, b in zip(scanned, skipped)] + [1]))
        ax.tick_params(axis="x", rotation=30)
        ax.grid(axis="y", alpha=0.3)
    axes[0, 0].set_ylabel("blocks (all queries)")
    axes[0, 0].legend(fontsize="small", loc="upper left", ncol=2)
    _save(fig, path)
