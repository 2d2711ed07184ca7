"""TPC-H's 22 queries on columnar, against DuckDB in the same run.

    python -m benchmarks.tpch --scale 1 --compare duckdb [--runs 3] [--threads 2]
        [--layout key] [--nodes 2 --slices-per-node 2] [--queries q01,q06]
        [--startup] [--memory] [--no-record]

Prints the load times (columnar COPY against DuckDB CREATE TABLE AS), per-query
warm medians for both engines, their ratio and the geometric means. DuckDB gets
the same number of threads as columnar. ``--startup`` adds the fresh-process
figures (first query with a warm numba cache; the compile time of everything
TPC-H needs with a cold cache), ``--memory`` the peak resident memory against
the data's Arrow size. Every run appends a JSON record to ``benchmarks/history/``
(kept in the repository) unless ``--no-record``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from benchmarks.tpch import compare, history, probes
from columnar.testing import tpch

ROOT = Path(__file__).resolve().parents[2]


def database_folder(data: Path, args) -> Path:
    """A database folder holding TPC-H (for the fresh-process probe), made once."""
    folder = data.parent / f"{data.name}-db-{args.layout}-{args.nodes}x{args.slices_per_node}"
    done = folder / ".loaded"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        db, _ = compare.load_columnar(data, args.layout, args.nodes, args.slices_per_node, args.threads,
                                      database=str(folder))
        db.close()
        done.touch()
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.tpch", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--compare", choices=["duckdb", "none"], default="duckdb")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--layout", default="key", choices=tpch.LAYOUTS)
    ap.add_argument("--nodes", type=int, default=2)
    ap.add_argument("--slices-per-node", type=int, default=2)
    ap.add_argument("--queries", help="comma-separated subset, e.g. q01,q06")
    ap.add_argument("--startup", action="store_true", help="also measure fresh-process start and compile time")
    ap.add_argument("--memory", action="store_true", help="also measure peak memory in a fresh process")
    ap.add_argument("--no-record", action="store_true", help="do not write a JSON record to benchmarks/history/")
    args = ap.parse_args()

    data = tpch.generate(args.scale, ROOT / ".data" / f"tpch-sf{args.scale:g}")
    print(f"TPC-H SF{args.scale:g}, {args.layout} layout, {args.nodes}x{args.slices_per_node} cluster, "
          f"{args.threads} thread(s) for both engines, median of {args.runs} warm runs\n")
    only = args.queries.split(",") if args.queries else None
    result = compare.run(data, layout=args.layout, nodes=args.nodes, slices_per_node=args.slices_per_node,
                         threads=args.threads, runs=args.runs, compare=args.compare == "duckdb", only=only,
                         progress=_printer())
    ratio = result.geomean("ratio")
    duck, col = result.geomean("duckdb_s"), result.geomean("columnar_s")
    if col:
        print(f"\ngeometric mean: columnar {col * 1e3:.1f} ms"
              + (f", DuckDB {duck * 1e3:.1f} ms, ratio {ratio:.2f}" if ratio else ""))
    worst = max((q for q in result.queries if q.ratio), key=lambda q: q.ratio, default=None)
    if worst:
        print(f"worst ratio: {worst.name} {worst.ratio:.2f}")

    extra = {}
    if args.startup:
        folder = database_folder(data, args)
        extra["first_query"] = probes.first_query(folder, "q01")
        fq = extra["first_query"]
        print(f"\nfresh process, warm numba cache: import {fq['import_s']:.2f} s, first q01 {fq['first_s']:.2f} s "
              f"(warm {fq['warm_s']:.3f} s; start-up cost {fq['first_s'] - fq['warm_s']:.2f} s)")
        small = tpch.generate(0.01, ROOT / ".data" / "tpch-sf0.01")
        extra["compile"] = probes.compile_time(small, args.layout)
        cc = extra["compile"]
        print(f"cold numba cache: load SF0.01 + 22 queries {cc['cold_cache_s']:.1f} s, "
              f"warm cache {cc['warm_cache_s']:.1f} s: compiling takes {cc['compile_s']:.1f} s")
    if args.memory:
        extra["memory"] = probes.peak_memory(data, args.layout, args.nodes, args.slices_per_node, args.threads)
        m = extra["memory"]
        print(f"\npeak memory (load + 22 queries): {m['peak_rss_bytes'] / 2**30:.2f} GiB, data as Arrow "
              f"{m['arrow_bytes'] / 2**30:.2f} GiB: {m['ratio']:.2f}x")
    if not args.no_record:
        path = history.record(ROOT / "benchmarks" / "history", args, result, extra)
        print(f"\nrecorded {path.relative_to(ROOT)}")


def _printer():
    printed_header = False

    def show(line: str) -> None:
        nonlocal printed_header
        print(line, flush=True)
        if not printed_header and line.startswith("loaded"):
            print("\n" + compare.HEADER, flush=True)
            printed_header = True
    return show


if __name__ == "__main__":
    main()
