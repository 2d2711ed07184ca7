"""Run TPC-H's 22 queries on columnar and on DuckDB in the same run, same threads.

Role: the measuring loop behind ``python -m benchmarks.tpch``. DuckDB runs in a
child process (:mod:`.probes` says why), columnar in this one, query by query. Both
engines hold the data in memory: DuckDB through ``CREATE TABLE AS SELECT * FROM read_parquet``,
columnar through ``COPY ... FORMAT AS PARQUET`` into a simulated cluster (2x2 by
default). Each query is run once untimed (compiles kernels, fills caches), then
``runs`` times; the median is kept. A timed run covers parse, plan, execute and
the complete result as an Arrow table, for both engines.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import columnar
from benchmarks.tpch import queries
from columnar.testing import tpch


@dataclass
class QueryTime:
    name: str
    columnar_s: float | None
    duckdb_s: float | None = None
    error: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.columnar_s is None or not self.duckdb_s:
            return None
        return self.columnar_s / self.duckdb_s


@dataclass
class Comparison:
    load_columnar_s: float
    load_duckdb_s: float | None
    queries: list[QueryTime] = field(default_factory=list)

    def geomean(self, attr: str) -> float | None:
        vals = [getattr(q, attr) for q in self.queries]
        vals = [v for v in vals if v]
        if not vals or len(vals) < len(self.queries):
            return None
        return math.exp(sum(math.log(v) for v in vals) / len(vals))


def median_time(fn, runs: int) -> float:
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def load_duckdb(data: Path, threads: int):
    import duckdb  # dev dependency: only the comparison needs it

    duck = duckdb.connect()
    duck.execute(f"SET threads = {threads}")
    t0 = time.perf_counter()
    for t in tpch.TABLES:
        duck.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet('{data / (t + '.parquet')}')")
    return duck, time.perf_counter() - t0


def load_columnar(data: Path, layout: str, nodes: int, slices_per_node: int, threads: int,
                  database: str | None = None):
    db = columnar.connect(database, nodes=nodes, slices_per_node=slices_per_node, threads=threads)
    t0 = time.perf_counter()
    tpch.load(db, data, layout)
    return db, time.perf_counter() - t0


def run(data: Path, *, layout: str, nodes: int, slices_per_node: int, threads: int, runs: int,
        compare: bool, only: list[str] | None = None, progress=print) -> Comparison:
    """DuckDB in a child process (see :mod:`.probes`), columnar here; each
    query is timed on DuckDB, then on columnar, before the next one."""
    from benchmarks.tpch import probes

    duck = probes.DuckDBServer(data, threads, runs) if compare else None
    db, col_load = load_columnar(data, layout, nodes, slices_per_node, threads)
    result = Comparison(col_load, duck.load_s if duck else None)
    progress(f"loaded: columnar COPY {col_load:.2f} s"
             + (f", DuckDB CREATE TABLE AS {duck.load_s:.2f} s" if duck else ""))
    for name, sql in queries().items():
        if only and name not in only:
            continue
        q = QueryTime(name, None, duck.time(name) if duck else None)
        try:
            q.columnar_s = median_time(lambda: db.sql(sql).arrow(), runs)
        except columnar.Error as e:
            q.error = str(e).splitlines()[0]
        result.queries.append(q)
        progress(format_row(q))
    if duck:
        duck.close()
    return result


def format_row(q: QueryTime) -> str:
    def ms(v):
        return f"{v * 1e3:>10.1f}ms" if v is not None else f"{'-':>12}"
    ratio = f"{q.ratio:>8.2f}" if q.ratio is not None else f"{'':>8}"
    tail = f"  {q.error}" if q.error else ""
    return f"{q.name:<6}{ms(q.duckdb_s)}{ms(q.columnar_s)}{ratio}{tail}"


HEADER = f"{'query':<6}{'duckdb':>12}{'columnar':>12}{'ratio':>8}"
