"""SVV_INTERLEAVED_COLUMNS: is an INTERLEAVED table due for VACUUM REINDEX?

Role: the view a student queries to decide whether an INTERLEAVED sort key
table needs ``VACUUM REINDEX`` (reference ``redshift_spectrum_semantics.md``
§3.2 "Compound vs interleaved", checklist item 28; [DG:r_SVV_INTERLEAVED_COLUMNS],
[DG:r_vacuum-decide-whether-to-reindex]). Computed from the catalog each time a
query names it, like the other views of :mod:`columnar.exec.system_views`.

One row per interleaved sort key column of every user table with an
INTERLEAVED sort key, empty tables included (COMPOUND and unsorted tables have
none):

================  ===============  ==============================================
column            type             value
================  ===============  ==============================================
tbl               integer          the table id (joins ``stv_tbl_perm.id`` and
                                   ``svv_table_info.table_id``)
col               integer          0-based index of the column in the table
                                   (not its position in the sort key)
interleaved_skew  numeric(19,2)    how far the stored rows are from the
                                   interleaved index, see below; 1.00 = no skew
last_reindex      timestamp        the time of the last VACUUM REINDEX of the
                                   table, NULL if never reindexed
================  ===============  ==============================================

``interleaved_skew``, our model [UNCONFIRMED, ours]. AWS documents the column
only as "Ratio that indicates the amount of skew present in the interleaved sort
key columns for a table. A value of 1.00 indicates no skew, and larger values
indicate more skew", with a reindex advised above 1.4; it gives no formula. We
measure how much of the table is *outside* the z-ordered region the interleaved
index covers:

* the z-ordered rows are the rows of the slices' sorted regions
  (``Table.sorted_rows``) when the table has an interleaved index
  (``Table.interleaved_index``: built by a COPY or CREATE TABLE AS into the
  empty table, or by VACUUM REINDEX), and none otherwise (a table first loaded
  with INSERT has no index until VACUUM REINDEX, even after a VACUUM FULL that
  z-ordered its rows: the docs say INSERT-loaded tables need a REINDEX);
* ``interleaved_skew = stored rows / z-ordered rows``, stored rows counting
  ghost rows (they are still in the blocks a scan reads) and summed over
  slices like ``SVV_TABLE_INFO.unsorted``; so 1.00 right after the bulk load or
  the REINDEX, 1.50 once a third of the rows landed in the unsorted region
  (INSERT, a later COPY), 2.00 at half;
* capped at :data:`MAX_SKEW` (100.00), the value shown when no row is z-ordered
  (no interleaved index, or every row unsorted);
* NULL for an empty table (nothing to measure).

Every interleaved column of a table shows the same value: our z-order gives
each column equal weight (:mod:`columnar.storage.sortkey`), so we do not model
Redshift's per-column value (which tracks how each column's value
distribution drifted since the last REINDEX).

``last_reindex`` is ``table.last_reindex``, set by VACUUM REINDEX (NULL for a
table never reindexed).

Simplified versus Redshift: visible to everyone (Redshift: superusers only);
one database and schema, so no database/schema columns (AWS has none either).
"""

from __future__ import annotations

from decimal import Decimal

from columnar.exec.system_views_relation import INT, TS, make_relation, numeric

MAX_SKEW = Decimal("100.00")

SVV_INTERLEAVED_COLUMNS = [
    ("tbl", INT), ("col", INT), ("interleaved_skew", numeric(19, 2)), ("last_reindex", TS),
]


def svv_interleaved_columns(session):
    """One row per interleaved sort key column of each INTERLEAVED user table."""
    rows = []
    for table in sorted(session.catalog.tables(), key=lambda t: t.table_id):
        if not table.is_interleaved:
            continue
        skew = interleaved_skew(table)
        last = table.last_reindex
        d = table.definition
        for name in d.sortkey:
            rows.append((table.table_id, d.index_of(name), skew, last))
    return make_relation("svv_interleaved_columns", SVV_INTERLEAVED_COLUMNS, rows,
                         session.topology.n_slices)


def interleaved_skew(table) -> Decimal | None:
    """Stored rows over z-ordered rows, capped at :data:`MAX_SKEW`; None when empty.

    Example:
        >>> import numpy as np
        >>> from columnar.core.chunk import Column
        >>> from columnar.core.types import INTEGER, Field
        >>> from columnar.storage.catalog import TableDef
        >>> from columnar.storage.table import Table
        >>> d = TableDef("t", [Field("a", INTEGER), Field("b", INTEGER)], sortkey=("a", "b"),
        ...              sortkey_style="INTERLEAVED")
        >>> t = Table(d, 1)
        >>> interleaved_skew(t) is None
        True
        >>> two = [Column(INTEGER, np.array([2, 1])), Column(INTEGER, np.array([1, 2]))]
        >>> t.append(0, two, copy=True)  # a bulk load into the empty table: z-ordered
        >>> interleaved_skew(t)
        Decimal('1')
        >>> t.append(0, [Column(INTEGER, np.array([3])), Column(INTEGER, np.array([3]))])
        >>> interleaved_skew(t)  # one row of three unsorted
        Decimal('1.5')
    """
    stored = sum(table.rows_per_slice())
    if stored == 0:
        return None
    indexed = sum(table.sorted_rows) if table.interleaved_index else 0
    if indexed == 0:
        return MAX_SKEW
    return min(Decimal(stored) / Decimal(indexed), MAX_SKEW)
