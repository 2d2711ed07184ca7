"""What the simulated cluster costs, and what parallel slices buy.

    python -m benchmarks.cluster_overhead --scale 1

Loads TPC-H (key layout) into a 1x1 cluster run on one thread, a 2x2 cluster on
one thread (the overhead of simulating four slices: more, smaller kernel calls
plus the exchanges) and a 2x2 cluster on two threads (slice fragments in
parallel on the machine's two cores), then times the same queries on each
(median of ``--runs`` warm runs, in the same process).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import columnar
from benchmarks.tpch import queries
from columnar.testing import tpch

QUERIES = {name: sql for name, sql in queries().items() if name in ("q01", "q03", "q05", "q06")}

CONFIGS = (("1x1, 1 thread", 1, 1, 1), ("2x2, 1 thread", 2, 2, 1), ("2x2, 2 threads", 2, 2, 2))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    data = Path(__file__).resolve().parent.parent / ".data" / f"tpch-sf{args.scale:g}"
    tpch.generate(args.scale, data)
    timings: dict = {}
    for label, nodes, slices, threads in CONFIGS:
        db = columnar.connect(nodes=nodes, slices_per_node=slices, threads=threads)
        t0 = time.perf_counter()
        tpch.load(db, data, "key")
        print(f"{label}: loaded TPC-H SF{args.scale:g} in {time.perf_counter() - t0:.1f} s")
        for name, sql in QUERIES.items():
            db.sql(sql)  # warm
            runs = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                db.sql(sql)
                runs.append(time.perf_counter() - t0)
            timings[(label, name)] = statistics.median(runs)
        db.close()
    base = CONFIGS[0][0]
    print(f"\n{'query':<6}" + "".join(f"{c[0]:>18}" for c in CONFIGS) + f"{'2x2/1x1 (2 thr)':>18}")
    for name in QUERIES:
        row = "".join(f"{timings[(c[0], name)] * 1e3:>16.1f}ms" for c in CONFIGS)
        ratio = timings[(CONFIGS[2][0], name)] / timings[(base, name)]
        print(f"{name:<6}{row}{ratio:>18.2f}")


if __name__ == "__main__":
    main()
