"""A stored table: its column data, slice by slice, with its sorted region and ghost rows.

Role: the unit the executor scans. Each slice of the cluster holds its own
rows of the table; which rows land on which slice is decided by
:mod:`columnar.cluster.distribution` and written here through ``append``.

An ``ALL`` table holds a full copy on the *first slice of every node* and
nothing on the other slices, as Redshift does (so its storage is multiplied by
the number of nodes, not slices). An ``AUTO`` table starts as ``AUTO(ALL)``
and, once it outgrows ``auto_all_max_rows``, becomes ``AUTO(KEY(c))`` (``c``
from its primary key, kept in ``definition.distkey`` while
``definition.diststyle`` stays AUTO) or ``AUTO(EVEN)``
(:mod:`columnar.exec.dml`).

A slice's rows are a list of :class:`Part` (one per load, or one per file of
a database folder, read lazily) followed in order by their concatenation. On
top of them the slice keeps:

* ``sorted_rows``: the rows at the head of the slice that form the *sorted
  region*. A load into an empty slice of a table with a COMPOUND sort key is
  stored sorted (Redshift: "When you run an initial load into a new or
  truncated table, all of the data is loaded directly into the sorted
  region"); so is a COPY/CTAS into an empty INTERLEAVED table (z-order, see
  :mod:`columnar.storage.sortkey`), but not an INSERT, which needs VACUUM
  REINDEX. "Empty" is the whole table: once any slice holds a row, loads go
  to the *unsorted region* of every slice, a COPY batch sorted within itself,
  an INSERT as given. A COPY goes straight onto the sorted region when
  Redshift's rule allows it (:meth:`Table.load_kind`).
* the *deletion mask*: DELETE and UPDATE only mark rows (``mark_deleted``).
  These ghost rows stay stored, in zone maps and in ``tbl_rows``, and are
  read and dropped by every scan until VACUUM (:mod:`columnar.storage.vacuum`)
  rewrites the slice. TRUNCATE (``clear``) reclaims at once.

Every change replaces lists and masks instead of mutating them, so
``snapshot``/``restore`` (statement atomicity, ROLLBACK) are cheap shallow
copies and column data is shared between versions.

Blocks and zone maps (:mod:`columnar.storage.zonemap`) are computed lazily
per slice and column by ``zone_map`` and cached until the slice changes.

Simplified versus Redshift: a slice's column is one in-memory chunk once
read (parts are concatenated on first scan), cut into blocks only for zone
maps; compression encodings are checked and shape SVV_TABLE_INFO's size
(:mod:`columnar.storage.encodings`), not the engine's own layout.
"""

from __future__ import annotations

import datetime
from typing import Callable

import numpy as np

from columnar.core.chunk import Column
from columnar.kernels.columns import concat_columns, take
from columnar.storage.catalog import ROWID, ROWID_SHIFT, DistStyle, TableDef  # noqa: F401 (re-exported)
from columnar.storage.sortkey import interleaved_order, sort_order
from columnar.storage.zonemap import ZoneMap, block_starts, build_zone_map

# Redshift does not document when AUTO(ALL) becomes AUTO(KEY)/AUTO(EVEN): our choice,
# a connection setting (``auto_all_max_rows``).
DEFAULT_AUTO_ALL_MAX_ROWS = 1_000



class Part:
    """Rows of one slice from one load (or one file): their columns, or a loader
    that reads them on first use. ``files`` names the database-folder files the
    rows are stored in (empty until the part is written)."""

    __slots__ = ("rows", "_columns", "_loader", "files")

    def __init__(self, rows: int, columns: list[Column] | None = None,
                 loader: Callable[[], list[Column]] | None = None, files: tuple = ()):
        self.rows, self._columns, self._loader, self.files = rows, columns, loader, files

    @property
    def columns(self) -> list[Column]:
        if self._columns is None:
            self._columns = self._loader()
            self._loader = None
        return self._columns


class _Slice:
    """One slice's state. Treated as immutable: changes build a new one."""

    __slots__ = ("parts", "deleted", "sorted_rows", "deleted_file")

    def __init__(self, parts=(), deleted=None, sorted_rows=0, deleted_file=None):
        self.parts: tuple[Part, ...] = tuple(parts)
        self.deleted: np.ndarray | None = deleted  # bool per stored row: True = ghost row
        self.sorted_rows = sorted_rows
        self.deleted_file = deleted_file  # database-folder file holding ``deleted``

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.parts)

    @property
    def ghost_rows(self) -> int:
        return 0 if self.deleted is None else int(np.count_nonzero(self.deleted))


class Table:
    """Per-slice column storage of one table."""

    def __init__(self, definition: TableDef, n_slices: int):
        self.definition = definition
        self.n_slices = n_slices
        if definition.diststyle is DistStyle.AUTO:
            self.effective_style = DistStyle.ALL
        else:
            self.effective_style = definition.diststyle
        self._slices = [_Slice() for _ in range(n_slices)]
        self._cache: list[list[Column] | None] = [None] * n_slices
        self._zonemaps: list[dict] = [{} for _ in range(n_slices)]  # (column, block_bytes) -> ZoneMap
        self.next_row_id = 0  # EVEN placement continues round-robin from here
        self.table_id = 0  # given by the catalog
        self.created = datetime.datetime.now()
        self.stats = None  # set by ANALYZE (columnar.storage.statistics)
        self.changed_rows = 0  # rows inserted or marked deleted since the last ANALYZE (kept by exec.dml)
        self.interleaved_index = False  # an interleaved table's rows are z-ordered (COPY/CTAS/REINDEX)
        self.last_reindex: datetime.datetime | None = None  # the last VACUUM REINDEX

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

    @property
    def is_interleaved(self) -> bool:
        return bool(self.definition.sortkey) and self.definition.sortkey_style == "INTERLEAVED"

    @property
    def is_compound(self) -> bool:
        return bool(self.definition.sortkey) and self.definition.sortkey_style != "INTERLEAVED"

    def diststyle_label(self) -> str:
        """As SVV_TABLE_INFO.diststyle shows it: ``KEY(a)``, ``AUTO(ALL)`` ..."""
        style = self.effective_style
        inner = f"KEY({self.definition.distkey})" if style is DistStyle.KEY else style.value
        return f"AUTO({inner})" if self.is_auto else inner

    # -- snapshots ---------------------------------------------------------
    def snapshot(self) -> tuple:
        """The table's state, to ``restore`` if a statement or transaction fails."""
        return (self.definition, self.effective_style, list(self._slices), self.next_row_id,
                self.stats, self.changed_rows, self.interleaved_index, self.last_reindex)

    def restore(self, state: tuple) -> None:
        (self.definition, self.effective_style, slices, self.next_row_id,
         self.stats, self.changed_rows, self.interleaved_index, self.last_reindex) = state
        for s, old in enumerate(slices):
            if self._slices[s] is not old:
                self._set(s, old)

    # -- reading -------------------------------------------------------------
    def slice_columns(self, slice_id: int) -> list[Column] | None:
        """All rows stored on the slice (ghost rows included), or None when it holds none."""
        cached = self._cache[slice_id]
        if cached is not None:
            return cached
        parts = self._slices[slice_id].parts
        if not parts:
            return None
        if len(parts) == 1:
            cols = parts[0].columns
        else:
            loaded = [p.columns for p in parts]
            cols = [concat_columns([p[i] for p in loaded]) for i in range(len(loaded[0]))]
        self._cache[slice_id] = cols
        return cols

    def deleted_mask(self, slice_id: int) -> np.ndarray | None:
        """True for each stored row marked for deletion; None when there is none."""
        return self._slices[slice_id].deleted

    def slice_state(self, slice_id: int) -> _Slice:
        return self._slices[slice_id]

    def live_columns(self, slice_id: int) -> list[Column] | None:
        """The slice's visible rows (ghost rows dropped), or None when it holds none."""
        cols = self.slice_columns(slice_id)
        mask = self._slices[slice_id].deleted
        if cols is None or mask is None:
            return cols
        keep = np.flatnonzero(~mask)
        return [take(c, keep) for c in cols] if len(keep) else None

    def rows_per_slice(self) -> list[int]:
        """Rows stored per slice, ghost rows included (SVV_TABLE_INFO.tbl_rows counts these)."""
        return [s.rows for s in self._slices]

    def visible_rows_per_slice(self) -> list[int]:
        return [s.rows - s.ghost_rows for s in self._slices]

    def _logical(self, counts: list[int]) -> int:
        if self.effective_style is DistStyle.ALL:
            return max(counts) if counts else 0
        return sum(counts)

    def row_count(self) -> int:
        """Visible rows; an ALL table's copies are counted once."""
        return self._logical(self.visible_rows_per_slice())

    def stored_row_count(self) -> int:
        """Stored rows including ghost rows (``tbl_rows``); ALL copies counted once."""
        return self._logical(self.rows_per_slice())

    def ghost_row_count(self) -> int:
        return self.stored_row_count() - self.row_count()

    def unsorted_fraction(self) -> float | None:
        """Share of stored rows in the unsorted region (None without a sort key)."""
        if not self.definition.sortkey:
            return None
        total = sum(self.rows_per_slice())
        return 0.0 if total == 0 else 1.0 - sum(s.sorted_rows for s in self._slices) / total

    @property
    def sorted_rows(self) -> list[int]:
        return [s.sorted_rows for s in self._slices]

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

    def block_starts(self, slice_id: int, column: int, block_bytes: int) -> np.ndarray:
        """First row of each block of one column on one slice (what a scan counts
        blocks by), cached like the zone maps: no min/max is computed for it."""
        cache = self._zonemaps[slice_id]
        key = ("starts", column, block_bytes)
        starts = cache.get(key)
        if starts is None:
            zm = cache.get((column, block_bytes))
            if zm is not None:
                starts = zm.starts
            else:
                cols = self.slice_columns(slice_id)
                starts = block_starts(cols[column], block_bytes) if cols is not None else np.zeros(0, np.int64)
            cache[key] = starts
        return starts

    # -- writing ---------------------------------------------------------------
    def _set(self, slice_id: int, state: _Slice) -> None:
        self._slices[slice_id] = state
        self._cache[slice_id] = None
        self._zonemaps[slice_id] = {}

    def _sort_keys(self, columns: list[Column]) -> list[Column]:
        return [columns[self.definition.index_of(c)] for c in self.definition.sortkey]

    def sort_order(self, columns: list[Column]) -> np.ndarray:
        """The row order sorting ``columns`` on the table's sort key (compound, or
        z-order if interleaved)."""
        keys = self._sort_keys(columns)
        return interleaved_order(keys) if self.is_interleaved else sort_order(keys)

    def sort_rows(self, columns: list[Column]) -> list[Column]:
        """``columns`` in the table's sort order."""
        order = self.sort_order(columns)
        return [take(c, order) for c in columns]

    def load_kind(self, columns: list[Column], copy: bool) -> tuple[bool, bool]:
        """How a load of ``columns`` lands, decided once for the whole table:
        ``(initial, extends)``. ``initial``: the table stores no row at all (new or
        truncated), so the load forms the sorted region. ``extends``: a COPY that
        Redshift appends straight onto the sorted region: a single-column COMPOUND
        sort key declared NOT NULL, the table 100 % sorted, and every new key
        sorting at or after every stored one (ghost rows included)."""
        if self.stored_row_count() == 0:
            return True, False
        d = self.definition
        if not copy or len(d.sortkey) != 1 or self.is_interleaved or d.sortkey[0] not in d.not_null:
            return False, False
        if any(s.sorted_rows != s.rows for s in self._slices):
            return False, False
        col = d.index_of(d.sortkey[0])
        lasts = [take(cols[col], np.array([len(cols[0]) - 1]))
                 for cols in (self.slice_columns(s) for s in range(self.n_slices)) if cols is not None]
        new = columns[col]
        first = take(new, sort_order([new])[:1])
        # a stable sort leaves the new minimum last when it sorts at or after every stored maximum
        order = sort_order([concat_columns(lasts + [first])])
        return False, int(order[-1]) == len(lasts)

    def append(self, slice_id: int, columns: list[Column], copy: bool = False, presorted: bool = False,
               initial: bool | None = None, extends: bool = False) -> None:
        """Add rows to a slice.

        ``copy`` is True for COPY and CREATE TABLE AS (bulk loads), False for INSERT.
        ``initial`` and ``extends`` come from :meth:`load_kind` (``initial`` None: the
        slice being empty decides, for callers that fill one slice at a time).
        An initial load forms the sorted region (INTERLEAVED: only a bulk load
        builds the z-ordered index; an INSERT needs VACUUM REINDEX). Otherwise rows
        go to the unsorted region, a bulk load sorted within itself, unless
        ``extends``. ``presorted``: the rows already come in the table's sort order.
        """
        if not columns or not len(columns[0]):
            return
        old = self._slices[slice_id]
        n = len(columns[0])
        sorted_rows = old.sorted_rows
        d = self.definition
        if initial is None:
            initial = not old.parts
        if initial and d.sortkey and (copy or not self.is_interleaved):
            columns = columns if presorted else self.sort_rows(columns)
            sorted_rows = old.rows + n
            if self.is_interleaved:
                self.interleaved_index = True
        elif d.sortkey and copy:
            columns = columns if presorted else self.sort_rows(columns)
            if extends:
                sorted_rows = old.rows + n
        deleted = old.deleted
        if deleted is not None:
            deleted = np.concatenate([deleted, np.zeros(n, np.bool_)])
        self._set(slice_id, _Slice(old.parts + (Part(n, columns),), deleted, sorted_rows))

    def mark_deleted(self, slice_id: int, rows: np.ndarray) -> int:
        """Mark stored rows (positions on the slice) for deletion; returns how many
        were not already marked."""
        old = self._slices[slice_id]
        mask = np.zeros(old.rows, np.bool_) if old.deleted is None else old.deleted.copy()
        before = int(np.count_nonzero(mask))
        mask[rows] = True
        added = int(np.count_nonzero(mask)) - before
        if added:
            self._set(slice_id, _Slice(old.parts, mask, old.sorted_rows))
        return added

    def replace_slice(self, slice_id: int, columns: list[Column] | None, sorted_rows: int) -> None:
        """Rewrite a slice (VACUUM): ``columns`` become its only part, no ghost rows."""
        n = 0 if columns is None else len(columns[0])
        parts = (Part(n, columns),) if n else ()
        self._set(slice_id, _Slice(parts, None, sorted_rows if n else 0))

    def load_slice(self, slice_id: int, parts: list[Part], sorted_rows: int,
                   deleted: np.ndarray | None, deleted_file: str | None) -> None:
        """Install a slice read from a database folder."""
        self._set(slice_id, _Slice(parts, deleted, sorted_rows, deleted_file))

    def clear(self) -> None:
        """TRUNCATE: every row goes at once, ghost rows included."""
        self.next_row_id = 0
        for s in range(self.n_slices):
            self._set(s, _Slice())
        self.interleaved_index = False

    def replace_slice_keeping_ghosts(self, slice_id: int, columns: list[Column] | None,
                                     deleted_mask: np.ndarray | None, sorted_rows: int) -> None:
        """Rewrite a slice (VACUUM SORT ONLY, RECLUSTER, a partial DELETE ONLY): ``columns``
        become its only part and ``deleted_mask`` (one bool per row of ``columns``, True =
        ghost row) stays its deletion mask."""
        n = 0 if columns is None else len(columns[0])
        if not n:
            self.replace_slice(slice_id, None, 0)
            return
        mask = None
        if deleted_mask is not None and deleted_mask.any():
            mask = np.asarray(deleted_mask, np.bool_)
        self._set(slice_id, _Slice((Part(n, columns),), mask, sorted_rows))
