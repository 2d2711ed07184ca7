"""TPC-H's 22 queries on columnar and on DuckDB, in the same run, one thread each.

    python -m benchmarks.tpch --scale 1 [--runs 3] [--layout key] [--nodes 1 --slices-per-node 1]

Prints per-query warm medians, the ratio columnar / DuckDB and the geometric
mean of the ratios over the queries columnar runs; a query columnar cannot run
yet is listed as "n/a" with the reason. Both engines hold the data in memory
(DuckDB: CREATE TABLE AS from the Parquet files; columnar: COPY).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

import duckdb

import columnar
from benchmarks.tpch import queries
from columnar.testing import tpch


def median_time(fn, runs: int) -> float:
    fn()  # warm: compile kernels, fill caches
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.tpch")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--layout", default="key", choices=tpch.LAYOUTS)
    ap.add_argument("--nodes", type=int, default=1)
    ap.add_argument("--slices-per-node", type=int, default=1)
    args = ap.parse_args()
    data = Path(__file__).resolve().parents[2] / ".data" / f"tpch-sf{args.scale:g}"
    tpch.generate(args.scale, data)

    duck = duckdb.connect()
    duck.execute("SET threads = 1")
    for t in tpch.TABLES:
        duck.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet('{data / (t + '.parquet')}')")
    db = columnar.connect(nodes=args.nodes, slices_per_node=args.slices_per_node, threads=1)
    t0 = time.perf_counter()
    tpch.load(db, data, args.layout)
    print(f"columnar: TPC-H SF{args.scale:g} loaded in {time.perf_counter() - t0:.1f} s "
          f"({args.layout} layout, {args.nodes}x{args.slices_per_node} cluster, 1 thread)\n")
    print(f"{'query':<6}{'duckdb':>12}{'columnar':>12}{'ratio':>8}")
    ratios = []
    for name, sql in queries().items():
        d = median_time(lambda: duck.sql(sql).to_arrow_table(), args.runs)
        try:
            c = median_time(lambda: db.sql(sql).arrow(), args.runs)
        except columnar.NotSupportedError as e:
            print(f"{name:<6}{d * 1e3:>10.1f}ms{'n/a':>12}{'':>8}  {str(e).splitlines()[0]}")
            continue
        ratios.append(c / d)
        print(f"{name:<6}{d * 1e3:>10.1f}ms{c * 1e3:>10.1f}ms{c / d:>8.2f}")
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"\ngeometric mean ratio over {len(ratios)} queries: {geo:.2f}")


if __name__ == "__main__":
    main()
