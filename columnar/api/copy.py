"""COPY: load files into a table.

Role: the statement behind ``COPY t FROM 'path' FORMAT ...``: read the files
(:mod:`columnar.storage.loader`), cast to the table's types, check NOT NULL,
and place the rows on slices as a bulk load (:func:`columnar.exec.dml.place_rows`
with ``copy=True``: sorted into an empty table's sorted region, or sorted
within the batch in the unsorted region).

Nothing is placed until every row has been read and checked, so a failing COPY
loads nothing.
"""

from __future__ import annotations

from columnar.api.result import Result
from columnar.core.errors import NotSupportedError
from columnar.exec import dml
from columnar.sql import ast
from columnar.storage import loader


def run_copy(session, stmt: ast.Copy, metrics) -> Result:
    table = session.catalog.get(stmt.table)
    fields = list(table.fields)
    if stmt.columns:
        positions = [table.definition.index_of(c) for c in stmt.columns]
    else:
        positions = list(range(len(fields)))
    target = [fields[p] for p in positions]
    opts = {k.upper(): v for k, v in stmt.options}
    fmt = stmt.format.upper()
    with metrics.phase("read"):
        if fmt == "PARQUET":
            cols = loader.read_parquet(stmt.source, target)
        elif fmt in ("CSV", "TEXT"):
            reader = loader.read_csv if fmt == "CSV" else loader.read_text
            kwargs = dict(
                ignoreheader=int(opts.get("IGNOREHEADER", 0)),
                null_as=opts.get("NULL", "" if fmt == "CSV" else "\\N"),
                empty_as_null=bool(opts.get("EMPTYASNULL", False)),
                blanks_as_null=bool(opts.get("BLANKSASNULL", False)),
            )
            if "DELIMITER" in opts:
                kwargs["delimiter"] = opts["DELIMITER"]
            cols = reader(stmt.source, target, **kwargs)
        else:
            raise NotSupportedError(f"COPY FORMAT {fmt} is not supported (use PARQUET or CSV)")
    n = len(cols[0]) if cols else 0
    columns = session.table_columns(table, positions, cols, n)
    dml.check_not_null(table, columns)
    with metrics.phase("load"):
        dml.place_rows(table, columns, session.topology, session.settings.auto_all_max_rows, copy=True)
    return Result([], [], metrics.freeze(), rowcount=n, message=f"COPY {n}")

