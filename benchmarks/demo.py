"""The main job (``make demo``): TPC-H scale 0.1 under every layout on a 2x2 cluster.

    python -m benchmarks.demo [--scale 0.1] [--runs 3] [--out benchmarks/results/demo]

Runs the distribution benchmark (:mod:`benchmarks.suite`) on TPC-H at scale
0.1, on a simulated 2-node x 2-slice cluster, under the five layouts of
:mod:`benchmarks.layouts` (all EVEN, all AUTO, facts KEY with ALL dimensions,
the same with date sort keys, facts on a poor key), 22 queries each, and prints
the per-layout summary table and what it shows; the full report
(``report.md``), the results table (CSV and Parquet) and the charts go to
``benchmarks/results/demo/`` (git-ignored). The TPC-H files are generated once
with tpchgen-cli into ``.data/``. It takes well under a minute on two cores
once the kernels are compiled (numba caches them); larger scales, other
clusters and SSB by option here or with ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from benchmarks import report
from benchmarks.__main__ import print_summary
from benchmarks.suite import Cluster, SuiteConfig, run
from benchmarks.workloads import DATA_ROOT
from benchmarks.workloads import workload as get_workload

OUT = Path(__file__).resolve().parent / "results" / "demo"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.demo", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=float(os.environ.get("COLUMNAR_DEMO_SF", "0.1")))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workload", choices=("tpch", "ssb"), default="tpch")
    ap.add_argument("--cluster", default="2x2")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--data-dir", type=Path, default=DATA_ROOT, help="where generated Parquet files are cached")
    args = ap.parse_args(argv)
    config = SuiteConfig(workloads=(args.workload,), scale=args.scale, clusters=(Cluster.parse(args.cluster),),
                         runs=args.runs, data_root=args.data_dir)
    print(f"{get_workload(args.workload).title} scale {args.scale:g} on a {args.cluster} cluster under every layout "
          f"(data cached in {args.data_dir}, report in {args.out})", flush=True)
    result = run(config)
    paths = report.write(result, args.out)
    print()
    print_summary(result, paths)
    return 0 if all(q["answer_ok"] for q in result.queries) else 1


if __name__ == "__main__":
    sys.exit(main())
