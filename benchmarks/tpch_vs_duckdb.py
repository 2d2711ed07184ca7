"""TPC-H Q1 and Q6 on columnar versus DuckDB (single thread), in the same run.

    python -m benchmarks.tpch_vs_duckdb --scale 1

Both engines hold the data in memory (DuckDB: native tables from the same
Parquet files, ``SET threads = 1``; columnar: COPY into a cluster, run on one
thread). Per query: the first run (cold: includes numba compilation or cache
loading), then the median of ``--runs`` warm runs. Prints the warm ratio
columnar / DuckDB. Derived from TPC-H; not comparable to published results.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if "--fresh-cache" in sys.argv:  # compile every kernel from scratch: the first-ever query's cost
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="columnar-numba-")

import duckdb  # noqa: E402

import columnar  # noqa: E402
from benchmarks.tpch import queries  # noqa: E402
from columnar.testing import tpch  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    fn()
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - t0)
    return cold, statistics.median(warm)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--nodes", type=int, default=1)
    ap.add_argument("--slices-per-node", type=int, default=1)
    ap.add_argument("--fresh-cache", action="store_true", help="start with an empty numba cache")
    args = ap.parse_args()
    data = Path(__file__).resolve().parent.parent / ".data" / f"tpch-sf{args.scale:g}"
    tpch.generate(args.scale, data)

    con = duckdb.connect()
    con.execute("SET threads = 1")
    for t in ("lineitem",):
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet('{data / (t + '.parquet')}')")
    db = columnar.connect(nodes=args.nodes, slices_per_node=args.slices_per_node)
    t0 = time.perf_counter()
    db.execute(tpch.create_statements("key")[-1])
    db.execute(f"COPY lineitem FROM '{data / 'lineitem.parquet'}' FORMAT AS PARQUET")
    print(f"columnar: loaded lineitem (SF{args.scale:g}) in {time.perf_counter() - t0:.1f} s "
          f"on a {args.nodes}x{args.slices_per_node} cluster")

    print(f"{'query':<6}{'duckdb warm':>12}{'columnar warm':>15}{'ratio':>8}{'columnar cold':>15}{'cold - warm':>15}")
    for name in ("q01", "q06"):
        sql = queries()[name]
        d_cold, d_warm = timed(lambda: con.sql(sql).to_arrow_table(), args.runs)
        c_cold, c_warm = timed(lambda: db.sql(sql).arrow(), args.runs)
        print(f"{name:<6}{d_warm * 1e3:>10.1f}ms{c_warm * 1e3:>13.1f}ms{c_warm / d_warm:>8.2f}"
              f"{c_cold * 1e3:>13.1f}ms{(c_cold - c_warm) * 1e3:>13.1f}ms")


if __name__ == "__main__":
    main()
