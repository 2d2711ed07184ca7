"""A stored table: its column data, slice by slice.

Role: the unit the executor scans. Each slice of the cluster holds its own
column chunks of the table; which rows land on which slice is decided by
:mod:`columnar.cluster.distribution` and written here through ``append``.

An ``ALL`` table holds a full copy on the *first slice of every node* and
nothing on the other slices, as Redshift does (so its storage is multiplied by
the number of nodes, not slices). An ``AUTO`` table starts as ``AUTO(ALL)``
and, once it outgrows ``auto_all_max_rows``, becomes ``AUTO(KEY(c))`` (``c``
from its primary key, kept in ``definition.distkey`` while
``definition.diststyle`` stays AUTO) or ``AUTO(EVEN)``
(:mod:`columnar.exec.dml`).

A table with a COMPOUND sort key stores the first load into each empty slice
sorted (the slice's sorted region, ``sorted_rows``); later loads are appended
unsorted (:mod:`columnar.storage.sortkey`).

Blocks and zone maps (:mod:`columnar.storage.zonemap`) are computed lazily
per slice and column by ``zone_map`` and cached until the slice changes.

Simplified versus Redshift: a slice's column is one in-memory chunk here
(appends are concatenated lazily), cut into blocks only for zone maps; VACUUM
comes with issue #5.
"""

from __future__ import annotations

import datetime

from columnar.core.chunk import Column
from columnar.kernels.columns import concat_columns, take
from columnar.storage.catalog import DistStyle, TableDef
from columnar.storage.sortkey import sort_order
from columnar.storage.zonemap import ZoneMap, build_zone_map

# Redshift does not document when AUTO(ALL) becomes AUTO(KEY)/AUTO(EVEN): our choice,
# a connection setting (``auto_all_max_rows``).
DEFAULT_AUTO_ALL_MAX_ROWS = 1_000


class Table:
    """Per-slice column storage of one table."""

    def __init__(self, definition: TableDef, n_slices: int):
        self.definition = definition
        self.n_slices = n_slices
        if definition.diststyle is DistStyle.AUTO:
            self.effective_style = DistStyle.ALL
        else:
            self.effective_style = definition.diststyle
        self._parts: list[list[list[Column]]] = [[] for _ in range(n_slices)]
        self._cache: list[list[Column] | None] = [None] * n_slices
        self._zonemaps: list[dict] = [{} for _ in range(n_slices)]  # (column, block_bytes) -> ZoneMap
        self.next_row_id = 0  # EVEN placement continues round-robin from here
        self.sorted_rows = [0] * n_slices  # rows in each slice's sorted region
        self.table_id = 0  # given by the catalog
        self.created = datetime.datetime.now()

    # -- metadata --------------------------------------------------------
    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def fields(self):
        return self.definition.fields

    @property
    def is_auto(self) -> bool:
        return self.definition.diststyle is DistStyle.AUTO

    def diststyle_label(self) -> str:
        """As SVV_TABLE_INFO.diststyle shows it: ``KEY(a)``, ``AUTO(ALL)`` ..."""
        style = self.effective_style
        inner = f"KEY({self.definition.distkey})" if style is DistStyle.KEY else style.value
        return f"AUTO({inner})" if self.is_auto else inner

    # -- data --------------------------------------------------------------
    @property
    def sorts_on_load(self) -> bool:
        """A COMPOUND sort key orders the rows of a load into an empty slice."""
        d = self.definition
        return bool(d.sortkey) and d.sortkey_style != "INTERLEAVED"

    def append(self, slice_id: int, columns: list[Column]) -> None:
        """Add rows to a slice: sorted into the sorted region if the slice is
        empty and the table has a compound sort key, else to the unsorted region."""
        if not columns or not len(columns[0]):
            return
        if not self._parts[slice_id] and self.sorts_on_load:
            keys = [columns[self.definition.index_of(c)] for c in self.definition.sortkey]
            order = sort_order(keys)
            columns = [take(c, order) for c in columns]
            self.sorted_rows[slice_id] = len(order)
        self._parts[slice_id].append(columns)
        self._cache[slice_id] = None
        self._zonemaps[slice_id] = {}

    def unsorted_fraction(self) -> float | None:
        """Share of rows in the unsorted region (None without a sort key)."""
        if not self.definition.sortkey:
            return None
        total = sum(self.rows_per_slice())
        return 0.0 if total == 0 else 1.0 - sum(self.sorted_rows) / total

    def slice_columns(self, slice_id: int) -> list[Column] | None:
        """The slice's columns, or None when the slice holds no rows."""
        cached = self._cache[slice_id]
        if cached is not None:
            return cached
        parts = self._parts[slice_id]
        if not parts:
            return None
        if len(parts) == 1:
            cols = parts[0]
        else:
            cols = [concat_columns([p[i] for p in parts]) for i in range(len(parts[0]))]
            self._parts[slice_id] = [cols]
        self._cache[slice_id] = cols
        return cols

    def rows_per_slice(self) -> list[int]:
        return [sum(len(p[0]) for p in parts) for parts in self._parts]

    def row_count(self) -> int:
        """Logical rows: an ALL table's copies are counted once."""
        counts = self.rows_per_slice()
        if self.effective_style is DistStyle.ALL:
            return max(counts) if counts else 0
        return sum(counts)

    def clear(self) -> None:
        self.next_row_id = 0
        self.sorted_rows = [0] * self.n_slices
        self._parts = [[] for _ in range(self.n_slices)]
        self._cache = [None] * self.n_slices
        self._zonemaps = [{} for _ in range(self.n_slices)]

    def zone_map(self, slice_id: int, column: int, block_bytes: int) -> ZoneMap | None:
        """The zone map of one column on one slice (None when the slice is empty),
        computed on first use and cached until the slice changes."""
        cache = self._zonemaps[slice_id]
        key = (column, block_bytes)
        zm = cache.get(key)
        if zm is None:
            cols = self.slice_columns(slice_id)
            if cols is None:
                return None
            zm = cache[key] = build_zone_map(cols[column], block_bytes)
        return zm
