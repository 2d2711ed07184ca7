"""VACUUM, the statement half: check the statement, pick the tables, count.

``VACUUM [FULL | SORT ONLY | DELETE ONLY | REINDEX | RECLUSTER] [t] [TO n PERCENT] [BOOST]``
([DG:r_VACUUM_command]; reference ``redshift_spectrum_semantics.md`` §3.4,
checklist items 26-27). The per-table algorithm is
:func:`columnar.storage.vacuum.vacuum_table`.

Statement rules, checked before any table is touched:

* not inside a transaction block (``BEGIN ... END``): "VACUUM cannot run
  inside a transaction block";
* ``TO n PERCENT``: ``n`` an integer 0..100, a table name required, not with
  REINDEX or RECLUSTER;
* REINDEX and RECLUSTER need a table name (the docs write them
  ``REINDEX tablename`` / ``RECLUSTER tablename``);
* the table must be a user table: an unknown name is a CatalogError naming
  it; a view or a system view is an error (VACUUM "is not meaningful for
  other objects, such as views and system tables"; we raise rather than
  ignore them).

Without a table name every user table is vacuumed, in creation order. The
docs' privilege rules do not apply (columnar has a single user, owner of
every table). A table that fails is restored to its state before the
statement (``Table.snapshot``), as are the tables vacuumed before it.

Counters: ``rows_vacuum_sorted`` (rows rewritten in sort order) and
``ghost_rows_reclaimed``, summed over the tables, an ALL table's copies once.
``BOOST`` is accepted and has no effect.
"""

from __future__ import annotations

from columnar.api.result import Result
from columnar.core.errors import CatalogError, ProgrammingError
from columnar.sql import ast
from columnar.storage.vacuum import DEFAULT_THRESHOLD, vacuum_table

_NEED_TABLE = ("REINDEX", "RECLUSTER")


def run_vacuum(session, stmt: ast.Vacuum, metrics) -> Result:
    """Run ``stmt`` in ``session``; returns a row-less ``VACUUM`` result."""
    if getattr(session, "in_transaction", False):
        raise ProgrammingError("VACUUM cannot run inside a transaction block")
    mode = stmt.mode.upper()
    threshold = stmt.threshold
    if threshold is not None:
        if mode in _NEED_TABLE:
            raise ProgrammingError(f"VACUUM {mode} does not support TO threshold PERCENT")
        if stmt.table is None:
            raise ProgrammingError("VACUUM with TO threshold PERCENT requires a table name")
        if not 0 <= threshold <= 100:
            raise ProgrammingError(f"VACUUM threshold must be an integer between 0 and 100, not {threshold}")
    if mode in _NEED_TABLE and stmt.table is None:
        raise ProgrammingError(f"VACUUM {mode} requires a table name")
    tables = [_user_table(session, stmt.table)] if stmt.table is not None else session.catalog.tables()
    states = []
    sorted_rows = reclaimed = 0
    with metrics.phase("vacuum"):
        try:
            for table in tables:
                states.append((table, table.snapshot()))
                report = vacuum_table(table, mode, DEFAULT_THRESHOLD if threshold is None else threshold)
                sorted_rows += report.rows_sorted
                reclaimed += report.ghost_rows_reclaimed
        except BaseException:
            for table, state in reversed(states):
                table.restore(state)
            raise
    metrics.add("rows_vacuum_sorted", sorted_rows)
    metrics.add("ghost_rows_reclaimed", reclaimed)
    return Result([], [], metrics.freeze(), message="VACUUM")


def _user_table(session, name: str):
    catalog = session.catalog
    key = catalog.normalize(name)
    if catalog.view(key) is not None:
        raise ProgrammingError(f'cannot VACUUM "{key}": it is a view, not a table')
    if not catalog.exists(key):
        raise CatalogError(f'relation "{key}" does not exist')
    catalog.refuse_external(catalog.get(key), "VACUUM")
    if key not in catalog.names():
        raise ProgrammingError(f'cannot VACUUM "{key}": it is a system table')
    return catalog.get(key)


__all__ = ["run_vacuum"]
