"""The Star Schema Benchmark (SSB) workload: schema, data, and its 13 queries.

SSB (O'Neil, O'Neil and Chen, 2009) is TPC-H reshaped as a star: one fact
table, ``lineorder`` (lineitem and orders folded together), around four
dimensions, ``dwdate``, ``customer``, ``supplier`` and ``part``. It is the
schema of Amazon's Redshift table-design tutorial, so it is where DISTSTYLE
ALL dimensions and a collocated fact/dimension key are easiest to see.

* :mod:`benchmarks.ssb.schema`: tables, SSB column names and types, primary keys;
* :mod:`benchmarks.ssb.derive`: the Parquet files, derived from the TPC-H ones
  with DuckDB (what is simplified versus SSB's generator is listed there);
* ``queries/q1.1.sql`` ... ``q4.3.sql``: the 13 queries of flights 1 to 4, with
  SSB's standard constants (Q2.3 uses brand ``MFGR#2239``, Q3.3/Q3.4 the cities
  ``UNITED KI1`` / ``UNITED KI5``). Results derived from SSB are not comparable to
  published SSB results.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.ssb.schema import FACTS, PRIMARY_KEYS, SCHEMA, TABLES

QUERY_DIR = Path(__file__).resolve().parent / "queries"

__all__ = ["FACTS", "PRIMARY_KEYS", "QUERY_DIR", "SCHEMA", "TABLES", "queries"]


def queries() -> dict[str, str]:
    """``{"q1.1": sql, ..., "q4.3": sql}`` in flight order."""
    return {p.stem: p.read_text() for p in sorted(QUERY_DIR.glob("q*.sql"))}
