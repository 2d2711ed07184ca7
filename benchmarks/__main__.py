"""``python -m benchmarks``: the distribution benchmark suite (issue #7).

    python -m benchmarks [--workload tpch|ssb|both] [--scale 0.1] [--clusters 1x1,2x2,4x2]
                         [--layouts even,auto,key_all,key_all_sort,key_poor] [--queries q01,q06]
                         [--runs 3] [--block-bytes 65536] [--threads N] [--out DIR] [--no-progress]

Generates the data (TPC-H with tpchgen-cli, SSB derived from it; cached in
``.data/``), runs every workload x cluster x layout x query through
:mod:`benchmarks.suite`, prints the per-layout summary and "what this shows",
and writes the results table, ``report.md`` and the charts into ``--out``
(default ``benchmarks/results/<timestamp>``; ``benchmarks/results/`` is
git-ignored). Progress bars go to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from benchmarks import report
from benchmarks.findings import findings
from benchmarks.layouts import LAYOUT_NAMES
from benchmarks.suite import Cluster, SuiteConfig, run
from benchmarks.summary import summary_table
from benchmarks.workloads import DATA_ROOT
from benchmarks.workloads import workload as get_workload

RESULTS = Path(__file__).resolve().parent / "results"


def _list(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=("tpch", "ssb", "both"), default="both")
    ap.add_argument("--scale", type=float, default=0.1, help="TPC-H scale factor (SSB is derived from it)")
    ap.add_argument("--clusters", type=_list, default=("1x1", "2x2", "4x2"),
                    help="comma-separated NODESxSLICES shapes (default 1x1,2x2,4x2)")
    ap.add_argument("--layouts", type=_list, default=None,
                    help="comma-separated layouts, the first is the answer baseline "
                         f"(default {','.join(LAYOUT_NAMES)})")
    ap.add_argument("--queries", type=_list, default=None, help="comma-separated query names (default: all)")
    ap.add_argument("--runs", type=int, default=3, help="warm runs per query; the median is reported")
    ap.add_argument("--block-bytes", type=int, default=1 << 16,
                    help="column block size (Redshift: 1048576); smaller lets zone maps skip at small scales")
    ap.add_argument("--threads", type=int, default=None, help="threads per cluster (default: cores, <= slices)")
    ap.add_argument("--data-dir", type=Path, default=DATA_ROOT, help="where generated Parquet files are cached")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default benchmarks/results/<timestamp>)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bars")
    return ap


def config_from(args: argparse.Namespace) -> SuiteConfig:
    if args.runs < 0:
        raise SystemExit("--runs must be at least 0")
    if args.scale <= 0:
        raise SystemExit("--scale must be positive")
    try:
        clusters = tuple(Cluster.parse(c) for c in args.clusters)
    except ValueError as e:
        raise SystemExit(str(e)) from None
    return SuiteConfig(
        workloads=("tpch", "ssb") if args.workload == "both" else (args.workload,), scale=args.scale,
        clusters=clusters, layouts=args.layouts, queries=args.queries, runs=args.runs,
        block_bytes=args.block_bytes, threads=args.threads, data_root=args.data_dir,
        progress=not args.no_progress)


def print_summary(result, paths: dict) -> None:
    """The console end of a run: the per-layout tables, the findings, where the files are."""
    print(summary_table(result))
    for workload, lines in findings(result).items():
        print(f"\nWhat this shows ({get_workload(workload).title}):")
        for line in lines:
            if line:
                print("  " + line if line.endswith(":") else "  - " + re.sub(r"\*\*|`", "", line))
    out = paths["report.md"].parent
    charts = sorted(p.name for k, p in paths.items() if k.startswith("charts/"))
    print(f"\nReport: {paths['report.md']}\nResults: {out / 'results.csv'}, {out / 'results.parquet'}"
          f"\nCharts in {out / 'charts'}: {', '.join(charts)}\nSuite time: {result.seconds:.1f} s")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    config = config_from(args)
    out = args.out or RESULTS / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        result = run(config)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    paths = report.write(result, out)
    print_summary(result, paths)
    return 0 if all(q["answer_ok"] for q in result.queries) else 1


if __name__ == "__main__":
    sys.exit(main())
