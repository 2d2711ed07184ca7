"""The query log: one record per statement, the source of the STL/SVL views.

Role: the session opens a :class:`QueryRecord` for every statement it runs
(queries, DDL, DML, failed statements too) and, for queries, keeps the
physical plan and the per-operator :class:`StepStats` of the run. The system
views (``exec.system_views``: STL_QUERY, STL_EXPLAIN, SVL_QUERY_REPORT,
SVL_QUERY_SUMMARY) are computed from these records when queried.

Simplified versus Redshift: the log lives as long as the connection and is
capped (``max_records``, oldest dropped first) instead of being rotated after
a few days; query ids count from 1 per connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class QueryRecord:
    query: int
    text: str
    start: dt.datetime
    end: dt.datetime | None = None
    aborted: bool = False
    kind: str = ""  # SELECT, INSERT, CREATE TABLE ...
    plan: object = None  # the physical plan (queries only)
    steps: list = field(default_factory=list)  # StepStats, in completion order
    metrics: object = None


class QueryLog:
    """Records of the statements of one connection, newest last."""

    def __init__(self, max_records: int = 10_000):
        self.records: list[QueryRecord] = []
        self.max_records = max_records
        self._next = 1

    def open(self, text: str, kind: str) -> QueryRecord:
        rec = QueryRecord(self._next, text, dt.datetime.now(), kind=kind)
        self._next += 1
        self.records.append(rec)
        if len(self.records) > self.max_records:
            del self.records[: len(self.records) - self.max_records]
        return rec

    @staticmethod
    def close(rec: QueryRecord, aborted: bool = False) -> None:
        rec.end = dt.datetime.now()
        rec.aborted = aborted
