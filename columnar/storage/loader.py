"""COPY sources → columns: reading Parquet, CSV and pipe-delimited text files.

Role: the storage half of ``COPY t FROM 'file or folder' FORMAT AS PARQUET |
CSV``. The executor (:mod:`columnar.api.copy`) resolves the table, calls one
reader with the table's fields, and appends the returned columns (one per
field, in table order) through the normal block writer, which sorts and
distributes them. Every value passes through
:func:`columnar.storage.arrow_convert.arrow_to_column`, so range, precision and
length checks are the same as for ``register()``.

Redshift rules kept:

* a source is a file, or a folder read recursively in sorted order, skipping
  names that start with ``.``, ``_`` or ``#`` or end with ``~`` (the rule
  Spectrum applies to ``_SUCCESS``, ``.crc`` and editor backups);
* ``FORMAT AS PARQUET`` maps columns **by position**: the file must have
  exactly as many columns as the table;
* CSV / text: ``IGNOREHEADER n`` skips lines, ``DELIMITER``, ``NULL AS``,
  ``EMPTYASNULL`` and ``BLANKSASNULL`` (text columns only), ``DATEFORMAT``;
  an empty field of a non-text column loads as NULL;
* **bad rows** (a value that does not convert, a string longer than
  VARCHAR(n)/CHAR(n), a NULL or missing value in a NOT NULL column, a line with
  too few or too many fields) are described by :class:`LoadError` records:
  file, line (1-based physical line, header lines counted; for Parquet the
  1-based row of the file), column, raw value and raw line, as
  ``STL_LOAD_ERRORS`` shows them;
* ``MAXERROR n`` (default 0): up to ``n`` bad rows are skipped and reported,
  the good rows load; one more fails the whole COPY, which then loads
  nothing ("Load into table 't' failed. Check 'stl_load_errors' system table
  for details."). A reader returns only when every row has been checked, so
  the caller never places part of a failed load.

How bad rows are found without slowing clean loads: each column is converted
whole, as before (the clean path does no extra work). Only when a conversion
raises, its positioned error (``row`` attribute) names the first bad row; the
rest of the column is then re-converted in blocks of :data:`SCAN_BLOCK` rows
from just after each bad row, so finding ``k`` bad rows costs about
``n + k * SCAN_BLOCK`` value conversions, and stops once MAXERROR is exceeded.
NOT NULL violations come from the converted validity masks (numpy). The bad
rows are then dropped from the Arrow input and the columns converted again.
File lines and raw text are recovered by one pass of Python's ``csv`` module
over a file that has errors, never for a clean file.

Simplified versus Redshift: one error per bad row, for its leftmost bad
column (a NULL in a NOT NULL column that also holds unconvertible values is
only looked for on rows without conversion errors); every bad row counts
(Redshift counts per slice and may overshoot MAXERROR); no ESCAPE / FIXEDWIDTH /
ACCEPTINVCHARS / TIMEFORMAT / manifests, files are UTF-8, and no S3: sources
are local paths. A missing or unreadable file, a file that is not valid UTF-8
(Redshift: a row error 1220), a Parquet file with the wrong number of columns,
or a column type that cannot convert at all fails the whole COPY at once (not
a row error, MAXERROR does not apply). Reading a delimited file stops 1000
lines with a wrong field count past MAXERROR (a file with the wrong delimiter
is not read to its end), so only then may an earlier bad value go unreported.
"""

from __future__ import annotations

import csv
import os
from concurrent.futures import ThreadPoolExecutor
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from columnar.core.chunk import Column
from columnar.core.errors import (
    ConversionError, IntegrityError, NumericOverflowError, OperationalError, ProgrammingError,
)
from columnar.core.types import Field, TypeId
from columnar.storage.arrow_convert import arrow_to_column, concat_columns
from columnar.storage.arrow_parse import _first_failing_row
from columnar.storage.arrow_strings import _DICT_MAX
from columnar.storage.arrow_types import _is_text

_HIDDEN_PREFIXES = (".", "_", "#")
SCAN_BLOCK = 1 << 14  # rows re-converted at a time while looking for more bad rows
MISSING_DATA = "Missing data for not-null field"
_READ_SLACK = 1000  # lines with a wrong field count read past MAXERROR before reading stops


def list_source_files(path: str, suffixes: tuple[str, ...] | None = None) -> list[str]:
    """The files a COPY source names: the file itself, or a folder's visible files.

    Args:
        path: a file or a folder (scanned recursively, sorted).
        suffixes: keep only names ending with one of these (case-insensitive), or all.

    Raises:
        OperationalError: the path does not exist, or the folder holds no files.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise OperationalError(f"COPY source '{path}' does not exist")
    if os.path.isfile(path):
        return [path]
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in files:
            if _hidden(name) or (suffixes and not name.lower().endswith(tuple(s.lower() for s in suffixes))):
                continue
            found.append(os.path.join(root, name))
    if not found:
        wanted = f" ending with {', '.join(suffixes)}" if suffixes else ""
        raise OperationalError(f"COPY source '{path}' has no files{wanted} to load")
    return sorted(found, key=lambda p: os.path.relpath(p, path).split(os.sep))


def _hidden(name: str) -> bool:
    return name.startswith(_HIDDEN_PREFIXES) or name.endswith("~")


# ----------------------------------------------------------------------------- bad rows


@dataclass
class LoadError:
    """One bad row of a COPY, as ``STL_LOAD_ERRORS`` records it.

    ``line`` is the 1-based physical line where the record starts (header lines
    and blank lines counted) or, for Parquet (``unit`` ``"row"``), the 1-based
    row of the file. ``column``/``field`` are None for a whole-line error (wrong
    number of fields). ``error`` is the engine's exception for the row: its
    class (ConversionError, NumericOverflowError, IntegrityError) and
    ``detail`` text say what went wrong.
    """

    file: str
    file_index: int
    line: int
    column: str | None
    field: Field | None
    raw_value: str
    raw_line: str
    error: Exception
    unit: str = "line"

    @property
    def detail(self) -> str:
        return getattr(self.error, "detail", None) or str(self.error)


def load_failed(table: str | None, errors: list[LoadError], maxerror: int = 0) -> Exception:
    """The exception failing a COPY, built from its first bad row.

    Example:
        >>> e = LoadError("t.csv", 0, 3, "n", None, "x", "2,x", ConversionError("Invalid digit"))
        >>> err = load_failed("t", [e])
        >>> type(err).__name__, err.file, err.line, err.column
        ('ConversionError', 't.csv', 3, 'n')
        >>> print(str(err).replace(". ", ".\\n"))
        Load into table 't' failed.
        Check 'stl_load_errors' system table for details.
        File 't.csv', line 3, column n: Invalid digit
    """
    first = errors[0]
    where = (f"Load into table '{table}' failed. Check 'stl_load_errors' system table for details."
             if table else "Load failed.")
    column = f", column {first.column}" if first.column else ""
    shown = f": '{_show(first.raw_line)}'" if first.column is None and first.raw_line else ""
    limit = f" (more than MAXERROR {maxerror} bad rows)" if maxerror else ""
    err = type(first.error)(f"{where} File '{first.file}', {first.unit} {first.line}{column}: "
                            f"{first.detail}{shown}{limit}")
    err.file, err.line, err.column, err.errors = first.file, first.line, first.column, list(errors)
    return err


def _show(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _not_null_error() -> IntegrityError:
    err = IntegrityError(MISSING_DATA)
    err.detail = MISSING_DATA
    return err


def _field_count_error(expected: int, actual: int, extra: bool, trailing: bool = False) -> ConversionError:
    reason = "Extra column(s) found" if extra else "Delimiter not found"
    each = " and a delimiter at the end of the line" if trailing else ""
    err = ConversionError(f"{reason} (expected {expected} fields{each}, got {actual})")
    err.detail, err.extra = str(err), extra
    return err


class _WholeColumn(Exception):
    """A conversion error without a row (a type that cannot convert at all)."""

    def __init__(self, error: Exception, column: str):
        super().__init__(str(error))
        self.error, self.column = error, column


def _column_failed(failure: _WholeColumn, table: str | None, file: str) -> Exception:
    """The whole COPY fails: a column of ``file`` cannot be converted at all."""
    where = f"Load into table '{table}' failed." if table else "Load failed."
    exc = failure.error
    detail = getattr(exc, "detail", None) or str(exc).removeprefix(f"column {failure.column}: ")
    err = type(exc)(f"{where} File '{file}', column {failure.column}: {detail}")
    err.file, err.line, err.column = file, None, failure.column
    return err


_Bad = dict  # row -> (column index or None, exception)
_ROW_ERRORS = (ConversionError, NumericOverflowError)


def _check_rows(arrays: list, fields: list[Field], convert: Callable[[int, Any], Column], limit: int,
                bad: _Bad) -> list[Column] | None:
    """Convert the columns of one file, moving bad rows into ``bad``.

    Returns the converted columns without the bad rows, or None once ``bad``
    holds ``limit`` rows or more (the load fails; the rows found so far are the
    first ``limit`` bad rows of the file). ``bad`` may arrive with rows already
    known to be bad (wrong field counts); they are dropped first.
    """
    n = len(arrays[0]) if arrays else 0
    keep = _kept_rows(n, bad)
    while len(bad) < limit:
        current = arrays if keep is None else [a.take(keep) for a in arrays]
        found: _Bad = {}
        cols: list[Column] = []
        for i, ((col, e), arr, field) in enumerate(zip(_convert_all(current, convert), current, fields)):
            if e is not None:
                if getattr(e, "row", None) is None:
                    raise _WholeColumn(e, fields[i].name) from None
                for row, exc in _scan_column(arr, i, e, convert, limit):
                    _note(found, row, i, exc)
                cols.append(None)
                continue
            if not field.nullable and col.validity is not None and not col.validity.all():
                for row in np.flatnonzero(~col.validity)[:limit].tolist():
                    _note(found, row, i, _not_null_error())
            cols.append(col)
        if not found:
            return cols
        for row, entry in found.items():
            bad[row if keep is None else int(keep[row])] = entry
        keep = _kept_rows(n, bad)
    return None


#: Files with at least this many rows convert their columns on several threads.
PARALLEL_CONVERT_ROWS = 100_000


def _convert_all(arrays: list, convert: Callable[[int, Any], Column]) -> list:
    """``(column, None)`` or ``(None, row error)`` per array, in column order;
    on several threads for big files (Arrow's casts and numpy's copies release
    the GIL). Any other exception propagates, the leftmost column's first."""

    def attempt(i: int):
        try:
            return convert(i, arrays[i]), None
        except _ROW_ERRORS as e:
            return None, e

    n = len(arrays[0]) if arrays else 0
    if n >= PARALLEL_CONVERT_ROWS and len(arrays) > 1 and (os.cpu_count() or 1) > 1:
        with ThreadPoolExecutor(min(os.cpu_count() or 1, len(arrays))) as pool:
            return list(pool.map(attempt, range(len(arrays))))
    return [attempt(i) for i in range(len(arrays))]


def _kept_rows(n: int, bad: _Bad) -> np.ndarray | None:
    if not bad:
        return None
    return np.setdiff1d(np.arange(n, dtype=np.int64), np.fromiter(bad, np.int64, len(bad)), assume_unique=True)


def _note(found: _Bad, row: int, column: int, exc: Exception) -> None:
    """Keep one error per row: the leftmost column's."""
    if row not in found or found[row][0] > column:
        found[row] = (column, exc)


def _scan_column(arr: Any, i: int, first: Exception, convert: Callable[[int, Any], Column],
                 limit: int) -> list[tuple[int, Exception]]:
    """The bad rows of a column whose conversion raised ``first`` (at most ``limit``)."""
    found = [(first.row, first)]
    start, n = first.row + 1, len(arr)
    while start < n and len(found) < limit:
        end = min(n, (start // SCAN_BLOCK + 1) * SCAN_BLOCK)
        try:
            convert(i, arr.slice(start, end - start))
            start = end
        except _ROW_ERRORS as e:
            if getattr(e, "row", None) is None:
                raise _WholeColumn(e, getattr(e, "column", "?")) from None
            found.append((start + e.row, e))
            start += e.row + 1
    return found


# ----------------------------------------------------------------------------- Parquet


def _low_cardinality_text(file: str, fields: list[Field]) -> list[str]:
    """Text columns (for string targets) to read as Arrow dictionaries: those
    whose first row group holds few distinct values. Decoding them as
    dictionaries skips materialising every string (TPC-H SF1 lineitem's four
    flag and mode columns: about 0.5 s of reading and re-encoding)."""
    try:
        pf = pq.ParquetFile(file)
        schema = pf.schema_arrow
    except (pa.ArrowException, OSError):
        return []  # read_table reports the problem
    if pf.metadata.num_row_groups == 0 or len(schema) != len(fields):
        return []
    names = [schema.field(i).name for i, f in enumerate(fields)
             if f.type.is_string and _is_text(schema.field(i).type)]
    if not names:
        return []
    try:
        first = pq.ParquetFile(file, read_dictionary=names).read_row_group(0, columns=names)
    except (pa.ArrowException, OSError):
        return []
    rows = first.num_rows
    out = []
    for name in names:
        chunks = first.column(name).chunks
        distinct = max((len(c.dictionary) for c in chunks if pa.types.is_dictionary(c.type)), default=rows)
        if distinct <= _DICT_MAX and distinct < rows / 2:
            out.append(name)
    return out


def read_parquet(path: str, fields: list[Field], *, table: str | None = None, maxerror: int = 0,
                 errors: list[LoadError] | None = None) -> list[Column]:
    """COPY ... FORMAT AS PARQUET: read every file, map columns by position.

    Args:
        path: a Parquet file or a folder of them.
        fields: the target table's columns, in table order.
        table: the table's name, for messages.
        maxerror: bad rows to skip before the load fails (COPY ``MAXERROR``).
        errors: a list that receives a :class:`LoadError` per bad row (the
            skipped ones, or those that failed the load).

    Raises:
        ProgrammingError: a file's column count differs from the table's.
        ConversionError, NumericOverflowError, IntegrityError: more than
            ``maxerror`` bad rows; or a corrupt file.
    """
    errors = [] if errors is None else errors
    first = len(errors)
    per_field: list[list[Column]] = [[] for _ in fields]
    label = table or "the target table"

    def convert(i: int, arr: Any) -> Column:
        f = fields[i]
        return arrow_to_column(arr, f.type, name=f.name, dictionary_encode=f.type.is_string)

    for index, file in enumerate(list_source_files(path)):
        try:
            data = pq.read_table(file, read_dictionary=_low_cardinality_text(file, fields))
        except (pa.ArrowException, OSError) as e:
            raise ConversionError(f"COPY from Parquet: cannot read file '{file}': {e}") from None
        if data.num_columns != len(fields):
            raise ProgrammingError(
                f"COPY from Parquet: the file '{file}' has {data.num_columns} columns "
                f"({', '.join(data.column_names)}), table {label} has {len(fields)} "
                f"({', '.join(f.name for f in fields)}); Parquet columns are matched by position"
            )
        remaining = maxerror - (len(errors) - first)
        bad: _Bad = {}
        try:
            cols = _check_rows(data.columns, fields, convert, remaining + 1, bad)
        except _WholeColumn as failure:
            raise _column_failed(failure, table, file) from None
        if bad:  # cols is None: more than MAXERROR; report the first bad rows, one more than allowed
            rows = sorted(bad) if cols is not None else sorted(bad)[: remaining + 1]
            errors.extend(_parquet_error(data, fields, file, index, row, *bad[row]) for row in rows)
            if cols is None:
                raise load_failed(table, errors[first:], maxerror)
        for i, col in enumerate(cols):
            per_field[i].append(col)
    return [concat_columns(cols) for cols in per_field]


def _parquet_error(data: pa.Table, fields: list[Field], file: str, index: int, row: int,
                   column: int, exc: Exception) -> LoadError:
    values = [data.column(i)[row].as_py() for i in range(data.num_columns)]
    shown = ["" if v is None else str(v) for v in values]
    return LoadError(file, index, row + 1, fields[column].name, fields[column], shown[column],
                     "|".join(shown), exc, unit="row")


# ----------------------------------------------------------------------------- CSV and text


def read_csv(
    path: str,
    fields: list[Field],
    *,
    delimiter: str = ",",
    ignoreheader: int = 0,
    null_as: str = "",
    quote: str | None = '"',
    empty_as_null: bool = False,
    blanks_as_null: bool = False,
    dateformat: str | None = None,
    table: str | None = None,
    maxerror: int = 0,
    errors: list[LoadError] | None = None,
) -> list[Column]:
    """COPY ... CSV: read delimited files into columns of the fields' types.

    Every field is read as text, then converted column by column, so a bad
    value is reported with its file, line and column.

    Args:
        path: a file or a folder of files (concatenated in sorted order).
        fields: the target table's columns, in table and file order.
        delimiter: the field separator (one character).
        ignoreheader: lines to skip at the top of every file.
        null_as: the unquoted text that means NULL.
        quote: the quote character, or None for no quoting (text format).
        empty_as_null: load empty CHAR/VARCHAR fields as NULL.
        blanks_as_null: load CHAR/VARCHAR fields of only white space as NULL.
        dateformat: a Redshift date format such as ``'MM/DD/YYYY'`` (``'auto'`` or None: ISO).
        table: the table's name, for messages.
        maxerror: bad rows to skip before the load fails (COPY ``MAXERROR``).
        errors: a list that receives a :class:`LoadError` per bad row.

    Example:
        >>> import tempfile, os
        >>> from columnar.core.types import INTEGER, VARCHAR
        >>> d = tempfile.mkdtemp(); p = os.path.join(d, "t.csv")
        >>> _ = open(p, "w").write("n,s\\n1,a\\n,b\\nx,c\\n")
        >>> bad = []
        >>> cols = read_csv(p, [Field("n", INTEGER), Field("s", VARCHAR)], ignoreheader=1, maxerror=1, errors=bad)
        >>> cols[0].data.tolist(), cols[0].validity.tolist()
        ([1, 0], [True, False])
        >>> [(e.line, e.column, e.raw_value, e.raw_line) for e in bad]
        [(4, 'n', 'x', 'x,c')]
    """
    if len(delimiter) != 1:
        raise ProgrammingError(f"DELIMITER must be a single character, got {delimiter!r}")
    errors = [] if errors is None else errors
    first = len(errors)
    per_field: list[list[Column]] = [[] for _ in fields]

    def convert(i: int, arr: Any) -> Column:
        f = fields[i]
        arr = _prepare_text(arr, f, empty_as_null, blanks_as_null, dateformat)
        return arrow_to_column(arr, f.type, name=f.name, dictionary_encode=f.type.is_string)

    for index, file in enumerate(list_source_files(path)):
        remaining = maxerror - (len(errors) - first)
        # Read on past the limit a little, so that a field-count error does not
        # hide earlier bad values; a file of nothing but bad lines still stops early.
        text = _read_text_table(file, len(fields), delimiter, ignoreheader, null_as, quote,
                                remaining + 1 + _READ_SLACK)
        bad: _Bad = dict(text.bad_rows)
        cols = None
        if text.data is not None:
            try:
                cols = _check_rows(text.data.columns, fields, convert, remaining + 1, bad)
            except _WholeColumn as failure:
                raise _column_failed(failure, table, file) from None
        if bad or text.skipped:
            records = {text.record_of(row): entry for row, entry in bad.items()}
            records.update(text.skipped)
            failed = cols is None or len(records) > remaining
            if failed:  # report the first bad rows in file order, one more than allowed
                records = {r: records[r] for r in sorted(records)[: remaining + 1]}
            errors.extend(_text_errors(file, index, fields, records, delimiter, quote))
            if failed:
                raise load_failed(table, errors[first:], maxerror)
        for i, col in enumerate(cols):
            per_field[i].append(col)
    return [concat_columns(cols) for cols in per_field]


def read_text(
    path: str,
    fields: list[Field],
    *,
    delimiter: str = "|",
    ignoreheader: int = 0,
    null_as: str = "\\N",
    empty_as_null: bool = False,
    blanks_as_null: bool = False,
    dateformat: str | None = None,
    table: str | None = None,
    maxerror: int = 0,
    errors: list[LoadError] | None = None,
) -> list[Column]:
    """Redshift's default COPY format: pipe-delimited, unquoted, ``\\N`` for NULL.

    A trailing delimiter at the end of every line (as in TPC-H ``.tbl`` files)
    is accepted.
    """
    return read_csv(path, fields, delimiter=delimiter, ignoreheader=ignoreheader, null_as=null_as, quote=None,
                    empty_as_null=empty_as_null, blanks_as_null=blanks_as_null, dateformat=dateformat,
                    table=table, maxerror=maxerror, errors=errors)


@dataclass
class _TextTable:
    """A delimited file read as text columns, and its records with a wrong field count.

    ``data`` is None when reading stopped early (too many bad records).
    ``skipped`` maps a 0-based record (header records counted) that Arrow left
    out to its error; ``bad_rows`` maps rows of ``data`` that are bad as read
    (an unexpected last field) to theirs.
    """

    data: pa.Table | None
    first_record: int
    skipped: dict
    bad_rows: dict
    records: np.ndarray | None = None  # record of each row of data, when records were skipped

    def record_of(self, row: int) -> int:
        return self.first_record + row if self.records is None else int(self.records[row])


def _read_text_table(file: str, n: int, delimiter: str, ignoreheader: int, null_as: str,
                     quote: str | None, limit: int) -> _TextTable:
    """Read a delimited file with every field as text. Records with a wrong
    field count are skipped and reported (at most ``limit`` of them, then
    reading stops). One trailing empty field per line is tolerated."""
    bad: list[Any] = []

    def read(width: int, threads: bool) -> pa.Table | None:
        bad.clear()

        def on_invalid(row: Any) -> str:
            bad.append((row.actual_columns, row.number))
            return "error" if len(bad) >= limit else "skip"

        names = [f"f{i}" for i in range(width)]
        try:
            return pcsv.read_csv(
                file,
                read_options=pcsv.ReadOptions(column_names=names, skip_rows=ignoreheader, use_threads=threads),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter, quote_char=quote if quote else False, double_quote=True,
                    newlines_in_values=quote is not None, invalid_row_handler=on_invalid),
                convert_options=pcsv.ConvertOptions(
                    column_types={c: pa.large_string() for c in names}, null_values=[null_as],
                    strings_can_be_null=True, quoted_strings_can_be_null=False),
            )
        except (pa.ArrowException, OSError) as e:
            if len(bad) >= limit:  # stopped by on_invalid: the load fails anyway
                return None
            raise ConversionError(f"COPY: cannot read file '{file}': {e}") from None

    width = n + 1 if _has_trailing_delimiter(file, n, delimiter, quote, ignoreheader) else n
    data = read(width, True)
    if bad and any(number is None for _, number in bad):  # the threaded reader does not number rows
        data = read(width, False)
    skipped = {number - 1: (None, _field_count_error(n, actual, actual > width, width > n)) for actual, number in bad}
    out = _TextTable(data, ignoreheader, skipped, {})
    if data is None:
        return out
    if skipped:
        total = data.num_rows + len(skipped)
        out.records = np.setdiff1d(np.arange(ignoreheader, ignoreheader + total, dtype=np.int64),
                                   np.fromiter(skipped, np.int64, len(skipped)), assume_unique=True)
    if width > n:  # every line ends with a delimiter (TPC-H .tbl): drop the empty field
        last = data.column(n)
        extra = pc.and_(pc.is_valid(last), pc.not_equal(last, "")).to_numpy(zero_copy_only=False)
        for row in np.flatnonzero(extra)[:limit].tolist():
            out.bad_rows[row] = (None, _field_count_error(n, n + 1, True))
        out.data = data.drop_columns([f"f{n}"])
    return out


def _text_errors(file: str, index: int, fields: list[Field], records: dict, delimiter: str,
                 quote: str | None) -> list[LoadError]:
    """LoadErrors for bad records (0-based, header records counted), in file order.

    One pass of Python's ``csv`` module finds where each record starts and its
    raw text; used only for files that have bad rows."""
    where = _locate_records(file, set(records), delimiter, quote)
    out = []
    for record in sorted(records):
        column, exc = records[record]
        line, raw_line, raw_fields = where.get(record, (record + 1, "", []))
        field = None if column is None else fields[column]
        raw_value = "" if column is None or column >= len(raw_fields) else raw_fields[column]
        out.append(LoadError(file, index, line, None if field is None else field.name, field, raw_value,
                             raw_line, exc))
    return out


def _locate_records(file: str, wanted: set[int], delimiter: str, quote: str | None) -> dict:
    """``{record: (first physical line (1-based), raw text, parsed fields)}``.

    Records are counted as Arrow's reader counts them: blank lines are not
    records, a quoted field may span lines."""
    found: dict = {}
    if not wanted:
        return found
    last = max(wanted)
    consumed: list[str] = []

    def lines(f: Any) -> Any:
        for text in f:
            consumed.append(text)
            yield text

    try:
        with open(file, newline="", encoding="utf-8", errors="replace") as f:
            record, line = 0, 1
            for row in _reader(lines(f), delimiter, quote):
                if row:
                    if record in wanted:
                        found[record] = (line, "".join(consumed).rstrip("\r\n"), row)
                    if record >= last:
                        break
                    record += 1
                line += len(consumed)
                consumed.clear()
    except (OSError, csv.Error):
        pass
    return found


def _has_trailing_delimiter(file: str, n: int, delimiter: str, quote: str | None, ignoreheader: int) -> bool:
    """Whether the first data record has ``n + 1`` fields, the last one empty."""
    try:
        with open(file, newline="", encoding="utf-8", errors="replace") as f:
            records = (row for row in _reader(f, delimiter, quote) if row)
            for _ in range(ignoreheader):
                next(records, None)
            first = next(records, None)
    except (OSError, csv.Error):
        return False
    return first is not None and len(first) == n + 1 and first[-1] == ""


def _reader(f: Any, delimiter: str, quote: str | None) -> Any:
    if quote:
        return csv.reader(f, delimiter=delimiter, quotechar=quote, doublequote=True)
    return csv.reader(f, delimiter=delimiter, quoting=csv.QUOTE_NONE)


# -- per-column preparation ------------------------------------------------------------

_DATE_TOKENS = [("YYYY", "%Y"), ("YY", "%y"), ("MONTH", "%B"), ("MON", "%b"), ("MM", "%m"), ("DD", "%d"),
                ("HH24", "%H"), ("HH12", "%I"), ("HH", "%H"), ("MI", "%M"), ("SS", "%S"),
                ("AM", "%p"), ("PM", "%p")]
_TOKEN_RE = re.compile("|".join(t for t, _ in _DATE_TOKENS), re.IGNORECASE)


def redshift_format_to_strptime(fmt: str) -> str:
    """Translate a Redshift DATEFORMAT/TIMEFORMAT string to strptime's.

    Example:
        >>> redshift_format_to_strptime("MM/DD/YYYY")
        '%m/%d/%Y'
        >>> redshift_format_to_strptime("DD-MON-YY HH24:MI:SS")
        '%d-%b-%y %H:%M:%S'
    """
    mapping = dict(_DATE_TOKENS)
    return _TOKEN_RE.sub(lambda m: mapping[m.group(0).upper()], fmt)


def _prepare_text(arr: pa.Array, field: Field, empty_as_null: bool, blanks_as_null: bool,
                  dateformat: str | None) -> pa.Array:
    """Apply EMPTYASNULL / BLANKSASNULL / DATEFORMAT before the generic conversion."""
    t = field.type
    null = pa.scalar(None, arr.type)
    if t.is_string:
        if blanks_as_null:
            arr = pc.if_else(pc.equal(pc.utf8_trim_whitespace(arr), ""), null, arr)
        elif empty_as_null:
            arr = pc.if_else(pc.equal(arr, ""), null, arr)
        return arr
    if t.id is TypeId.DATE and dateformat and dateformat.lower() != "auto":
        text = pc.utf8_trim_whitespace(pc.if_else(pc.equal(arr, ""), null, arr))
        pattern = redshift_format_to_strptime(dateformat)
        try:
            return pc.cast(pc.strptime(text, format=pattern, unit="s"), pa.date32())
        except pa.ArrowInvalid:
            row = _first_failing_row(text, lambda part: pc.strptime(part, format=pattern, unit="s"))
            value = text[row].as_py()
            err = ConversionError(f"Invalid date format, Value '{value}', Format '{dateformat}'")
            err.row, err.detail = row, f"Invalid date format, Value '{value}', Format '{dateformat}'"
            raise err from None
    return arr
