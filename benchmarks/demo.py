"""The main job, for now: load generated TPC-H data into a simulated Redshift
cluster under each distribution layout and show what each query moved.

Run with ``make demo`` (``python -m benchmarks.demo``). Environment: COLUMNAR_DEMO_SF (default 0.1).
The distribution-style benchmark of issue #7 replaces this script.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import columnar
from benchmarks.tpch import queries
from columnar.testing import tpch

QUERIES = {name: sql for name, sql in queries().items() if name in ("q01", "q03", "q05", "q06")}

SF = float(os.environ.get("COLUMNAR_DEMO_SF", "0.1"))
DATA = Path(__file__).resolve().parent.parent / ".data" / f"tpch-sf{SF:g}"


def main() -> None:
    print(f"Generating TPC-H scale {SF:g} into {DATA} (tpchgen-cli) ...")
    tpch.generate(SF, DATA)
    summary = []
    for layout in ("key", "even", "all"):
        db = columnar.connect(nodes=2, slices_per_node=2)
        t0 = time.perf_counter()
        tpch.load(db, DATA, layout)
        print(f"\n=== layout {layout!r}: loaded 8 tables in {time.perf_counter() - t0:.1f} s on a 2x2 cluster ===")
        print(db.sql('SELECT "table", diststyle, sortkey1, size, tbl_rows, skew_rows '
                     "FROM svv_table_info ORDER BY tbl_rows DESC"))
        for name, sql in QUERIES.items():
            t0 = time.perf_counter()
            r = db.sql(sql)
            secs = time.perf_counter() - t0
            m = r.metrics
            if layout == "key":
                print(f"\n-- {name}")
                print(r)
                print(db.explain(sql))
            summary.append((layout, name, len(r), m.rows_redistributed, m.rows_broadcast, m.rows_to_leader, secs))
    print("\n=== data movement per query and layout (rows) ===")
    print(f"{'layout':<7}{'query':<6}{'rows':>6}{'redistributed':>15}{'broadcast':>11}{'to leader':>11}{'seconds':>9}")
    for layout, name, n, red, bc, lead, secs in summary:
        print(f"{layout:<7}{name:<6}{n:>6}{red:>15}{bc:>11}{lead:>11}{secs:>9.3f}")


if __name__ == "__main__":
    main()
