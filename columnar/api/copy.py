"""COPY: load files into a table.

Role: the statement behind ``COPY t FROM 'path' FORMAT ... [MAXERROR n]``:
read the files (:mod:`columnar.storage.loader`: conversion to the table's
types, NOT NULL and field-count checks, each bad row described by a
:class:`~columnar.storage.loader.LoadError`), fill the columns not listed with
their DEFAULT or NULL, and place the rows on slices as a bulk load
(:func:`columnar.exec.dml.place_rows` with ``copy=True``: sorted into an empty
table's sorted region, or sorted within the batch in the unsorted region).

Atomic, as in Redshift: nothing is placed until every row of every file has
been read and checked, so a failing COPY loads nothing, whether or not the
table already had rows. With ``MAXERROR n`` (default 0) up to ``n`` bad rows
are skipped and the good rows load; with more, the COPY fails with Redshift's
"Load into table 't' failed. Check 'stl_load_errors' system table for
details." followed by the first bad row's file, line, column and reason. In
both cases the bad rows go to ``STL_LOAD_ERRORS``
(:mod:`columnar.exec.system_views_load`), tagged with the COPY's query id.
Errors that are not about one row (missing or unreadable file, a Parquet file
with the wrong column count, an unknown option value) fail the COPY at once
and record nothing there.

Simplified versus Redshift: a successful COPY that skipped rows reports them in
its status message (Redshift sends an INFO notice); MAXERROR above 100000
(Redshift's limit) is treated as 100000; see the loader for what the readers
simplify.
"""

from __future__ import annotations

from columnar.api.result import Result
from columnar.core.errors import Error, NotSupportedError, ProgrammingError
from columnar.exec import dml
from columnar.exec import system_views_load
from columnar.sql import ast
from columnar.storage import loader
from columnar.storage.statistics import analyze_table

MAXERROR_LIMIT = 100_000  # Redshift's largest MAXERROR


def run_copy(session, stmt: ast.Copy, metrics) -> Result:
    table = session.catalog.get(stmt.table)
    session.catalog.refuse_external(table, "COPY into")
    fields = list(table.fields)
    if stmt.columns:
        positions = [table.definition.index_of(c) for c in stmt.columns]
    else:
        positions = list(range(len(fields)))
    target = [fields[p] for p in positions]
    opts = {k.upper(): v for k, v in stmt.options}
    fmt = stmt.format.upper()
    maxerror = _maxerror(opts.get("MAXERROR", 0))
    errors: list[loader.LoadError] = []
    common = dict(table=table.name, maxerror=maxerror, errors=errors)
    try:
        with metrics.phase("read"):
            if fmt == "PARQUET":
                cols = loader.read_parquet(stmt.source, target, **common)
            elif fmt in ("CSV", "TEXT"):
                reader = loader.read_csv if fmt == "CSV" else loader.read_text
                kwargs = dict(
                    ignoreheader=int(opts.get("IGNOREHEADER", 0)),
                    null_as=opts.get("NULL", "" if fmt == "CSV" else "\\N"),
                    empty_as_null=bool(opts.get("EMPTYASNULL", False)),
                    blanks_as_null=bool(opts.get("BLANKSASNULL", False)),
                    dateformat=opts.get("DATEFORMAT"),
                )
                if "DELIMITER" in opts:
                    kwargs["delimiter"] = opts["DELIMITER"]
                cols = reader(stmt.source, target, **kwargs, **common)
            else:
                raise NotSupportedError(f"COPY FORMAT {fmt} is not supported (use PARQUET or CSV)")
    except Error:
        _record(session, table, errors)
        raise
    _record(session, table, errors)
    n = len(cols[0]) if cols else 0
    columns = session.table_columns(table, positions, cols, n)
    dml.check_not_null(table, columns)  # an omitted NOT NULL column without a DEFAULT
    was_empty = table.stored_row_count() == 0
    with metrics.phase("load"):
        dml.place_rows(table, columns, session.topology, session.settings.auto_all_max_rows, copy=True)
    statupdate = opts.get("STATUPDATE")  # True / False when given; by default only a first load analyzes
    if n and (statupdate if statupdate is not None else was_empty):
        with metrics.phase("analyze"):
            analyze_table(table)
    message = f"COPY {n}"
    if errors:
        message += (f" ({len(errors)} record(s) could not be loaded. "
                    "Check 'stl_load_errors' system table for details.)")
    return Result([], [], metrics.freeze(), rowcount=n, message=message)


def _maxerror(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProgrammingError(f"MAXERROR must be a non-negative integer, got {value!r}")
    return min(value, MAXERROR_LIMIT)


def _record(session, table, errors: list[loader.LoadError]) -> None:
    """Write the COPY's bad rows to STL_LOAD_ERRORS."""
    if not errors:
        return
    rec = session._record
    rows = system_views_load.load_error_rows(
        errors, table_id=table.table_id, query=0 if rec is None else rec.query,
        starttime=None if rec is None else rec.start, n_slices=session.topology.n_slices)
    system_views_load.record(session, rows)
