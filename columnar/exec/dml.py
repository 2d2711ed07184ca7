"""Writing rows into a table: placement on slices per DISTSTYLE.

Role: the write path of INSERT, CREATE TABLE AS, COPY, DELETE and UPDATE. Rows arrive at the
leader as one batch already cast to the table's column types; this module
checks NOT NULL, decides each row's slice (``cluster.distribution``) and
appends the per-slice chunks to the table.

DELETE only marks rows (``mark_deleted``): Redshift's ghost rows, still
stored and scanned until VACUUM. UPDATE marks the old rows and appends the new
ones to the unsorted region, as Redshift does.

``redistribute`` is the write path of ``ALTER TABLE .. ALTER DISTSTYLE /
DISTKEY``: it reads one copy of the rows, empties the table and places the rows
again under the new style, and reports what it moved.

AUTO, as simulated here (Redshift: "initially assigns the ALL distribution
style to a small table. When the table grows larger, Amazon Redshift might
change the distribution style to KEY, choosing the primary key (or a column of
the composite primary key) as the distribution key. If ... none of the columns
are suitable ... changes the distribution style to EVEN"):

* An AUTO table starts as AUTO(ALL).
* The first load that takes it past ``auto_all_max_rows`` rows first rewrites
  the rows it has as AUTO(KEY(c)), where ``c`` is the first column of the
  declared PRIMARY KEY whose type is allowed as a DISTKEY, or, without such a
  column, as AUTO(EVEN) (a bulk load: sorted, ghost rows dropped, as ALTER
  DISTSTYLE does); then the new rows land as in any load. The table keeps ``diststyle = AUTO``; its
  ``TableDef.distkey`` names the chosen column.
* It never goes back to ALL (Redshift: "never changes the distribution style
  from EVEN to ALL"), except that TRUNCATE starts it over as AUTO(ALL).
* ``ALTER DISTSTYLE AUTO`` on a non-AUTO table gives AUTO(ALL) while the table
  has at most ``auto_all_max_rows`` rows; a larger KEY table becomes
  AUTO(KEY(its distkey)), a larger EVEN or ALL table AUTO(EVEN) (the
  conversions Redshift's ALTER TABLE page lists).

Simplified versus Redshift: Redshift changes an AUTO table's style in the
background, from workload statistics and at a size it does not document
[UNCONFIRMED]; here the change happens inside the load that crosses the
threshold, which is a connection setting (``SET auto_all_max_rows = n``), and
the key is always taken from the primary key (the only "suitable column" we
can know without a workload). That background move is not counted in the
load's metrics; an ALTER TABLE's move is.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from columnar.cluster.distribution import even_slices, key_slices, split_by_slice
from columnar.cluster.topology import Topology
from columnar.core.chunk import Column
from columnar.core.errors import IntegrityError, ProgrammingError
from columnar.kernels.columns import concat_columns, take
from columnar.storage.catalog import ROWID_SHIFT, DistStyle, TableDef
from columnar.storage.table import Table


def check_not_null(table: Table, columns: list[Column]) -> None:
    for f, c in zip(table.fields, columns):
        if f.name in table.definition.not_null and c.validity is not None and not c.validity.all():
            raise IntegrityError(f'null value in column "{f.name}" violates not-null constraint')


def place_rows(table: Table, columns: list[Column], topology: Topology, auto_all_max_rows: int,
               copy: bool = False) -> None:
    """Append rows to ``table``'s slices according to its distribution style
    (``copy``: a bulk load, COPY or CREATE TABLE AS; see ``Table.append``)."""
    n = len(columns[0]) if columns else 0
    if n == 0:
        return
    table.changed_rows += n  # once, not once per copy of an ALL table
    if table.is_auto and table.effective_style is DistStyle.ALL and table.row_count() + n > auto_all_max_rows:
        _leave_auto_all(table, topology, auto_all_max_rows)
    style = table.effective_style
    initial, extends = table.load_kind(columns, copy)
    # A bulk load into a COMPOUND-sorted table is stored sorted on every slice (the
    # sorted region, or sorted within the batch): sort once, then split in that order.
    presorted = (copy or initial) and table.is_compound
    within = table.sort_order(columns) if presorted else None
    if style is DistStyle.ALL:
        if within is not None:
            columns = [take(c, within) for c in columns]
        for s in topology.first_slices:
            table.append(s, columns, copy, presorted, initial, extends)
        return
    if style is DistStyle.KEY:
        key = columns[table.definition.index_of(table.definition.distkey)]
        slices = key_slices([key], topology.n_slices)
    else:
        slices = even_slices(n, table.next_row_id, topology.n_slices)
        table.next_row_id += n
    for s, part in enumerate(split_by_slice(columns, np.asarray(slices), topology.n_slices, within)):
        if part is not None:
            table.append(s, part, copy, presorted, initial, extends)


def _leave_auto_all(table: Table, topology: Topology, auto_all_max_rows: int) -> None:
    """An AUTO(ALL) table outgrows ALL: its rows are rewritten as AUTO(KEY(c)) or
    AUTO(EVEN), as ALTER DISTSTYLE would rewrite them (one copy's visible rows
    placed as a bulk load: sorted, ghost rows not carried over); the load that
    crossed the threshold then lands as it would on any table."""
    existing = table.live_columns(topology.first_slices[0])
    changed = table.changed_rows
    table.clear()
    distkey = auto_distkey(table.definition)
    table.definition = auto_definition(table.definition, distkey)
    table.effective_style = DistStyle.EVEN if distkey is None else DistStyle.KEY
    if existing is not None:
        place_rows(table, existing, topology, auto_all_max_rows, copy=True)
    table.changed_rows = changed  # the same rows, moved


def unique_rowids(rowids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct row ids (a join in DELETE USING / UPDATE FROM may match a row
    more than once) and, for each, the position of its first occurrence."""
    ids, first = np.unique(rowids, return_index=True)
    return ids, first


def mark_deleted(table: Table, rowids: np.ndarray, topology: Topology) -> int:
    """Mark the rows ``rowids`` (``slice << ROWID_SHIFT | row``, distinct) as deleted.

    They stay stored, as ghost rows, until VACUUM. An ALL table's copies are
    identical, so a row read from one node's copy is marked on every node.
    Returns the number of rows deleted.
    """
    if len(rowids) == 0:
        return 0
    slices = rowids >> np.int64(ROWID_SHIFT)
    rows = rowids & np.int64((1 << ROWID_SHIFT) - 1)
    if table.effective_style is DistStyle.ALL:
        positions = np.unique(rows)
        total = 0
        for s in topology.first_slices:
            total = table.mark_deleted(s, positions)
    else:
        total = 0
        for s in np.unique(slices).tolist():
            total += table.mark_deleted(s, rows[slices == s])
    table.changed_rows += total
    return total


def auto_distkey(definition: TableDef) -> str | None:
    """The column an AUTO table distributes on once it outgrows ALL: the first
    primary-key column allowed as a DISTKEY, or None (then AUTO(EVEN)).

    Example:
        >>> from columnar.core.types import INTEGER, Field
        >>> auto_distkey(TableDef("t", [Field("a", INTEGER), Field("b", INTEGER)], primary_key=("b", "a")))
        'b'
        >>> auto_distkey(TableDef("t", [Field("a", INTEGER)])) is None
        True
    """
    for column in definition.primary_key:
        try:
            dataclasses.replace(definition, diststyle=DistStyle.KEY, distkey=column)
        except ProgrammingError:  # a type Redshift does not accept as a DISTKEY
            continue
        return column
    return None


def auto_definition(definition: TableDef, distkey: str | None) -> TableDef:
    """A copy of an AUTO table's definition whose automatic DISTKEY is ``distkey``.

    The copy is validated as a KEY table on ``distkey`` (column and type), then
    marked AUTO again: ``TableDef.validate`` would read any DISTKEY as DISTSTYLE KEY.
    """
    if distkey is None:
        return dataclasses.replace(definition, diststyle=DistStyle.AUTO, distkey=None)
    checked = dataclasses.replace(definition, diststyle=DistStyle.KEY, distkey=distkey)
    checked.diststyle = DistStyle.AUTO
    return checked


def redistribute(table: Table, new_definition: TableDef, topology: Topology,
                 auto_all_max_rows: int) -> tuple[int, int]:
    """Re-place every row of ``table`` under ``new_definition`` (ALTER DISTSTYLE/DISTKEY).

    Reads one copy of the rows (an ALL table's copy on the first slice of node 0;
    every slice otherwise), empties the table, installs the new definition and
    effective style, and places the rows again (:func:`place_rows`).

    Returns ``(rows, bytes)`` moved, for ``rows_redistributed`` /
    ``bytes_redistributed``: every row is counted once; its bytes once, or once per
    node when the new style is ALL (a copy travels to every node, as a broadcast
    is counted). When the placement does not change (EVEN to EVEN, KEY(a) to
    KEY(a) or to AUTO(KEY(a)), AUTO to AUTO, a SORTKEY-only change) only the
    definition is swapped and nothing moves: ``(0, 0)``.
    """
    old_style, old_key = table.effective_style, table.definition.distkey
    if new_definition.diststyle is DistStyle.AUTO:
        if table.is_auto:  # AUTO to AUTO: the automatic choice made so far stays
            new_style, key = old_style, (old_key if old_style is DistStyle.KEY else None)
        elif table.row_count() <= auto_all_max_rows:
            new_style, key = DistStyle.ALL, None
        elif old_style is DistStyle.KEY:
            new_style, key = DistStyle.KEY, old_key
        else:
            new_style, key = DistStyle.EVEN, None
        new_definition = auto_definition(new_definition, key)
    else:
        new_style, key = new_definition.diststyle, new_definition.distkey
    if new_style is old_style and (new_style is not DistStyle.KEY or key == old_key):
        table.definition = new_definition  # e.g. KEY(k) to AUTO(KEY(k)): same slices, new label
        return 0, 0

    if old_style is DistStyle.ALL:
        first = table.live_columns(topology.first_slices[0])
        parts = [first] if first is not None else []
    else:
        parts = [c for c in (table.live_columns(s) for s in range(topology.n_slices)) if c is not None]
    if parts:
        columns = [concat_columns([p[i] for p in parts]) for i in range(len(parts[0]))]
    else:
        columns = []
    n = len(columns[0]) if columns else 0

    table.clear()
    table.definition = new_definition
    table.effective_style = new_style
    if n == 0:
        return 0, 0
    changed = table.changed_rows
    place_rows(table, columns, topology, auto_all_max_rows, copy=True)
    table.changed_rows = changed  # the same rows, moved: not a change for ANALYZE
    nbytes = sum(c.nbytes for c in columns)
    copies = topology.nodes if new_style is DistStyle.ALL else 1
    return n, nbytes * copies
