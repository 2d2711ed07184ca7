"""Reading one data file of an external table (Spectrum / Athena) into columns.

Role: the leaf of an external scan. The scan lists a table's (or a
partition's) files with :mod:`columnar.storage.lake_fs`, then calls
:func:`read_file` once per file with the table's *data* columns (partition
columns are not in the files; the caller adds them) and the positions it
needs. Every value is cast to the declared type by
:func:`columnar.storage.arrow_convert.arrow_to_column`, and what the read
cost is added to a :class:`ScanCounters`: files, row groups scanned and
pruned, rows, and the **bytes scanned** that Spectrum and Athena bill.
:func:`text_format_from` maps the DDL (``STORED AS``, ``ROW FORMAT``, SerDe
and table properties) to the format object :func:`read_file` takes.

Parquet maps columns by name (or by position), prunes row groups with their
statistics and bills the projected column chunks it reads; text, CSV and
JSON files are read whole and map columns by position (text, CSV) or by key
(JSON). A value that does not convert fails the query unless
``use.null.for.invalid.data`` is set.

Modules
-------
This module holds :func:`read_file`, the entry point that dispatches on the
format, and re-exports the public names of the others, where the details
are documented:

* :mod:`columnar.storage.external_format`: :class:`TextFormat`,
  :class:`ParquetFormat` and :func:`text_format_from` (DDL → format).
* :mod:`columnar.storage.external_parquet`: Parquet reading, column mapping,
  schema drift, bytes scanned and row-group pruning (:func:`may_match`).
* :mod:`columnar.storage.external_text`: text (LazySimpleSerDe), CSV
  (OpenCSVSerde) and JSON lines.
* :mod:`columnar.storage.external_convert`: :class:`ScanCounters` and the cast
  of a column to its declared type with the bad-value rules the readers share.
"""

from __future__ import annotations

import pyarrow.fs as pafs

from columnar.core.chunk import Column
from columnar.core.errors import ProgrammingError
from columnar.core.types import Field
from columnar.storage.external_convert import ScanCounters
from columnar.storage.external_format import SURPLUS_POLICIES  # noqa: F401  (re-exported, as before the split)
from columnar.storage.external_format import ExternalFormat, ParquetFormat, TextFormat, text_format_from
from columnar.storage.external_parquet import _read_parquet, may_match
from columnar.storage.external_text import _read_delimited, _read_json
from columnar.storage.lake_fs import FileInfo

__all__ = ["ScanCounters", "TextFormat", "ParquetFormat", "ExternalFormat", "text_format_from", "read_file",
           "may_match"]


# ----------------------------------------------------------------------------- entry point


def read_file(file: FileInfo, fs: pafs.FileSystem, fmt: ExternalFormat, fields: list[Field], needed: list[int],
              ranges: dict, counters: ScanCounters) -> tuple[list[Column], int]:
    """Read one external data file: the ``needed`` columns, cast to their declared types.

    Args:
        file: the file (from :func:`columnar.storage.lake_fs.list_files`).
        fs: the file system it lives on (``Location.fs``).
        fmt: its format (:func:`text_format_from`).
        fields: the table's data columns, in table order (no partition columns).
        needed: positions in ``fields`` to return, in this order (may be empty).
        ranges: ``{position: ColumnRange | AnyOf}`` the WHERE clause allows; Parquet
            row groups that cannot match are skipped (the rows that remain are not
            filtered: the caller's filter still runs).
        counters: receives files, row groups, rows and bytes scanned.

    Returns:
        ``(columns, n_rows)``: one Column per entry of ``needed``, and the number of
        rows read (the length of the columns, also when ``needed`` is empty, as for
        ``COUNT(*)``).

    Raises:
        ConversionError: an unreadable file, schema drift, a value that does not convert.
        NumericOverflowError: a value out of its declared type's range.
    """
    for p in needed:
        if not 0 <= p < len(fields):
            raise ProgrammingError(f"column position {p} is outside the table's {len(fields)} columns")
    if isinstance(fmt, ParquetFormat):
        return _read_parquet(file, fs, fmt, fields, needed, ranges, counters)
    if fmt.kind == "json":
        return _read_json(file, fs, fmt, fields, needed, counters)
    if fmt.kind in ("text", "csv"):
        return _read_delimited(file, fs, fmt, fields, needed, counters)
    raise ProgrammingError(f"unknown text format kind '{fmt.kind}'")
