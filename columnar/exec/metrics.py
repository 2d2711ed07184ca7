"""Query counters: what a student or a benchmark reads after each statement.

Role: :class:`Metrics` is the frozen, public record attached to every
``Result``. :class:`MetricsCollector` is its mutable twin that operators and
the simulated network bump while a query runs; ``freeze()`` turns it into the
record when the query ends.

Every data-movement and pruning decision is counted here, in the units
Redshift's system views use: rows and bytes redistributed (DS_DIST_*), rows and
bytes broadcast (DS_BCAST_INNER), rows sent to the leader (the ``Send to
leader`` network step), blocks scanned and skipped (zone maps, issue #5),
files / partitions / row groups scanned and pruned and the Spectrum/Athena
bill (issue #6), and the elapsed time of each phase of the pipeline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Metrics:
    """Counters of one statement. All byte counts are of in-memory column data.

    Example:
        >>> m = Metrics(rows_returned=4, rows_to_leader=16)
        >>> m.rows_moved
        0
    """

    rows_returned: int = 0
    rows_scanned: int = 0
    bytes_scanned: int = 0
    ghost_rows_scanned: int = 0  # rows marked for deletion, read and dropped by scans
    rows_vacuum_sorted: int = 0  # rows rewritten in sort order by VACUUM (ALL tables: one copy)
    ghost_rows_reclaimed: int = 0  # ghost rows VACUUM removed for good (ALL tables: one copy)
    rows_deleted: int = 0  # rows DELETE / UPDATE marked for deletion
    rows_redistributed: int = 0
    bytes_redistributed: int = 0
    rows_broadcast: int = 0
    bytes_broadcast: int = 0
    rows_to_leader: int = 0
    bytes_to_leader: int = 0
    rows_internode: int = 0
    bytes_internode: int = 0
    blocks_scanned: int = 0
    blocks_skipped: int = 0
    files_scanned: int = 0
    files_pruned: int = 0
    partitions_scanned: int = 0
    partitions_pruned: int = 0
    row_groups_scanned: int = 0
    row_groups_pruned: int = 0
    external_bytes_scanned: int = 0
    external_cost_usd: float = 0.0
    phases: tuple = ()  # ((phase name, seconds), ...) in pipeline order

    @property
    def rows_moved(self) -> int:
        """Rows that crossed between slices (redistributed + broadcast)."""
        return self.rows_redistributed + self.rows_broadcast

    @property
    def bytes_moved(self) -> int:
        return self.bytes_redistributed + self.bytes_broadcast

    @property
    def elapsed(self) -> float:
        """Total seconds over all phases."""
        return sum(s for _, s in self.phases)

    def as_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "phases"}
        d.update({f"{name}_seconds": secs for name, secs in self.phases})
        return d

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in self.as_dict().items() if v)
        return f"<table><tr><th>counter</th><th>value</th></tr>{rows}</table>"


@dataclass
class MetricsCollector:
    """Mutable counters for a running statement (thread-safe enough: each
    counter is bumped with ``+=`` under the GIL from the leader's thread)."""

    counts: dict = field(default_factory=dict)
    phases: list = field(default_factory=list)

    def add(self, name: str, value: int | float) -> None:
        self.counts[name] = self.counts.get(name, 0) + value

    def phase(self, name: str) -> "_PhaseTimer":
        """``with collector.phase("parse"): ...`` records the phase's elapsed time."""
        return _PhaseTimer(self, name)

    def freeze(self) -> Metrics:
        return Metrics(**self.counts, phases=tuple(self.phases))


class _PhaseTimer:
    def __init__(self, collector: MetricsCollector, name: str):
        self.collector, self.name = collector, name

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.collector.phases.append((self.name, time.perf_counter() - self.start))
        return False
