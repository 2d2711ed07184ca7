"""TPC-H's 22 queries (standard text, validation parameters) for tests and benchmarks.

The query files ``queries/q01.sql`` ... ``q22.sql`` are derived from TPC-H and
are not comparable to published TPC-H results. Q15's view is written as a CTE.
"""

from __future__ import annotations

from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent / "queries"


def queries() -> dict[str, str]:
    """``{"q01": sql, ..., "q22": sql}`` in order."""
    return {p.stem: p.read_text() for p in sorted(QUERY_DIR.glob("q*.sql"))}
