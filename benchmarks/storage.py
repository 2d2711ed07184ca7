"""Database folders: COPY of TPC-H into memory and into a folder, versus DuckDB's load; reopen time.

    python -m benchmarks.storage --scale 1

Measures, in one run on the same Parquet files (tpchgen-cli):

* DuckDB: ``CREATE TABLE t AS SELECT * FROM read_parquet(...)`` for the eight
  tables, in memory, with 1 thread and with the default threads;
* columnar: ``COPY t FROM '...parquet' FORMAT PARQUET`` for the eight tables
  (key layout, 2x2 cluster) into an in-memory database, then into a database
  folder (the same COPY plus writing the part files and the manifest);
* reopening the folder in a fresh process: importing the engine, then
  ``connect(folder)`` and the catalog load (only the manifest is read), then the first TPC-H Q1 and Q6 on the
  reopened database (their data is mapped from the part files as they scan it)
  and the warm runs after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

import columnar
from benchmarks.tpch import QUERY_DIR
from columnar.testing import tpch

REOPEN = r"""
import json, sys, time
t0 = time.perf_counter()
import columnar
import columnar.api.session  # the engine (numba, kernels): loaded by the first statement anyway
t1 = time.perf_counter()
db = columnar.connect(sys.argv[1])
names = db.tables()
t2 = time.perf_counter()
out = {"import_engine_s": t1 - t0, "open_s": t2 - t1, "tables": len(names)}
for q in sys.argv[2:]:
    sql = open(q).read()
    s = time.perf_counter(); db.sql(sql).fetchall(); out[q + ":first_s"] = time.perf_counter() - s
    s = time.perf_counter(); db.sql(sql).fetchall(); out[q + ":warm_s"] = time.perf_counter() - s
print(json.dumps(out))
"""


def duckdb_load(data: Path, threads: int | None) -> float:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    t0 = time.perf_counter()
    for t in tpch.TABLES:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet('{data / (t + '.parquet')}')")
    return time.perf_counter() - t0


def columnar_load(data: Path, folder: Path | None) -> float:
    db = columnar.connect(folder, nodes=2, slices_per_node=2)
    t0 = time.perf_counter()
    tpch.load(db, data)
    elapsed = time.perf_counter() - t0
    db.close()
    return elapsed


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--folder", help="where to build the database folder (default: a temporary one)")
    args = ap.parse_args()
    data = Path(__file__).resolve().parent.parent / ".data" / f"tpch-sf{args.scale:g}"
    tpch.generate(args.scale, data)
    folder = Path(args.folder or tempfile.mkdtemp(prefix="columnar-db-")) / f"tpch-sf{args.scale:g}"
    shutil.rmtree(folder, ignore_errors=True)

    columnar_load(data, None)  # warm the kernels (numba cache) so both loads below compare fairly
    results = {
        "duckdb_ctas_1_thread_s": duckdb_load(data, 1),
        "duckdb_ctas_default_threads_s": duckdb_load(data, None),
        "columnar_copy_memory_s": columnar_load(data, None),
        "columnar_copy_folder_s": columnar_load(data, folder),
    }
    results["folder_mb"] = folder_bytes(folder) / 1e6
    qfiles = [str(QUERY_DIR / f"q{n:02d}.sql") for n in (1, 6)]
    out = subprocess.run([sys.executable, "-c", REOPEN, str(folder), *qfiles], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    reopen = json.loads(out.stdout)
    results.update({k.replace(str(QUERY_DIR) + "/", ""): v for k, v in reopen.items()})
    width = max(len(k) for k in results)
    print(f"TPC-H scale {args.scale:g}, 2x2 cluster, folder {folder}")
    for k, v in results.items():
        print(f"  {k:<{width}}  {v:10.3f}" if isinstance(v, float) else f"  {k:<{width}}  {v:>10}")
    if not args.folder:
        shutil.rmtree(folder.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
