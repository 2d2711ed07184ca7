"""Start-up, compile and memory probes, each in a fresh Python process.

Role: the figures of ``python -m benchmarks.tpch`` that a warm in-process loop
cannot show. Each probe is this module run as a child process, which prints one
JSON object on its last line:

* ``first-query FOLDER QUERY``: a fresh process with a warm numba cache imports
  columnar, reopens a database folder holding TPC-H and answers one query; the
  time from before ``import columnar`` to the Arrow result, then the query's
  warm median in the same process;
* ``compile SCALE_DATA LAYOUT``: loads TPC-H into memory and runs all 22
  queries once, timed; run once with an empty ``NUMBA_CACHE_DIR`` (everything
  compiles) and once more with that cache filled, the difference is the time
  numba spends compiling what TPC-H needs;
* ``duckdb DATA THREADS RUNS``: DuckDB's side of the comparison, as a small
  server: it loads with CREATE TABLE AS, prints the load time, then answers
  each query name read from stdin with that query's warm median. DuckDB runs
  in its own process because its 1.6 GB of resident tables in ours measurably
  slowed columnar's queries (up to 2x at SF1: more costly page faults on this
  VM); it is asked query by query so that both engines measure each query
  under the same load from neighbours on a shared machine;
* ``memory SCALE_DATA LAYOUT NODES SLICES THREADS``: loads TPC-H and runs all 22
  queries, then reports the peak resident set size against the data's size as
  Arrow tables in memory.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBE = [sys.executable, "-m", "benchmarks.tpch.probes"]
ROOT = Path(__file__).resolve().parents[2]


def _child(args: list[str], env: dict | None = None) -> dict:
    out = subprocess.run(PROBE + args, cwd=ROOT, env={**os.environ, **(env or {})},
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"probe {args[0]} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def first_query(folder: Path, query: str) -> dict:
    return _child(["first-query", str(folder), query])


def compile_time(data: Path, layout: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        cold = _child(["compile", str(data), layout], {"NUMBA_CACHE_DIR": cache})
        warm = _child(["compile", str(data), layout], {"NUMBA_CACHE_DIR": cache})
    return {"cold_cache_s": cold["total_s"], "warm_cache_s": warm["total_s"],
            "compile_s": cold["total_s"] - warm["total_s"]}


class DuckDBServer:
    """The ``duckdb`` probe, kept running: ``load_s``, then ``time(query)``."""

    def __init__(self, data: Path, threads: int, runs: int):
        self._proc = subprocess.Popen(PROBE + ["duckdb", str(data), str(threads), str(runs)], cwd=ROOT,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.load_s = self._answer()

    def _answer(self) -> float:
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("the DuckDB probe stopped (see its error above)")
        return float(line)

    def time(self, query: str) -> float:
        self._proc.stdin.write(query + "\n")
        self._proc.stdin.flush()
        return self._answer()

    def close(self) -> None:
        self._proc.stdin.close()
        self._proc.wait()


def peak_memory(data: Path, layout: str, nodes: int, slices: int, threads: int) -> dict:
    return _child(["memory", str(data), layout, str(nodes), str(slices), str(threads)])


# --- the child side ---------------------------------------------------------------------------

def _run_first_query(folder: str, query: str) -> dict:
    t0 = time.perf_counter()
    import columnar
    from benchmarks.tpch import queries

    t_import = time.perf_counter() - t0
    db = columnar.connect(folder, read_only=True)
    sql = queries()[query]
    db.sql(sql).arrow()
    first = time.perf_counter() - t0
    warm = []
    for _ in range(3):
        t1 = time.perf_counter()
        db.sql(sql).arrow()
        warm.append(time.perf_counter() - t1)
    return {"import_s": t_import, "first_s": first, "warm_s": statistics.median(warm)}


def _run_all(data: str, layout: str, nodes=2, slices=2, threads=2) -> tuple[float, object]:
    import columnar
    from benchmarks.tpch import queries
    from columnar.testing import tpch

    t0 = time.perf_counter()
    db = columnar.connect(nodes=nodes, slices_per_node=slices, threads=threads)
    tpch.load(db, data, layout)
    for sql in queries().values():
        db.sql(sql).arrow()
    return time.perf_counter() - t0, db


def _serve_duckdb(data: str, threads: str, runs: str) -> None:
    from benchmarks.tpch import compare, queries

    duck, load_s = compare.load_duckdb(Path(data), int(threads))
    print(load_s, flush=True)
    texts = queries()
    for line in sys.stdin:
        sql = texts[line.strip()]
        print(compare.median_time(lambda: duck.sql(sql).to_arrow_table(), int(runs)), flush=True)


def _arrow_bytes(data: str) -> int:
    import pyarrow.parquet as pq
    from columnar.testing import tpch

    return sum(pq.read_table(Path(data) / f"{t}.parquet").nbytes for t in tpch.TABLES)


def main(argv: list[str]) -> None:
    mode, *args = argv
    if mode == "first-query":
        out = _run_first_query(*args)
    elif mode == "compile":
        total, _ = _run_all(args[0], args[1])
        out = {"total_s": total}
    elif mode == "duckdb":
        _serve_duckdb(*args)
        return
    elif mode == "memory":
        data, layout, nodes, slices, threads = args
        _run_all(data, layout, int(nodes), int(slices), int(threads))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        arrow = _arrow_bytes(data)  # after the peak is recorded: reading it may raise RSS further
        out = {"peak_rss_bytes": peak, "arrow_bytes": arrow, "ratio": peak / arrow}
    else:
        raise SystemExit(f"unknown probe {mode!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
