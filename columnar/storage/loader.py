"""COPY sources → columns: reading Parquet, CSV and pipe-delimited text files.

Role: the storage half of ``COPY t FROM 'file or folder' FORMAT AS PARQUET |
CSV``. The executor resolves the table, calls one reader with the table's
fields, and appends the returned columns (one per field, in table order)
through the normal block writer, which sorts and distributes them. Every value
passes through :func:`columnar.storage.arrow_convert.arrow_to_column`, so
range, precision and length checks are the same as for ``register()``.

Redshift rules kept:

* a source is a file, or a folder read recursively in sorted order, skipping
  names that start with ``.``, ``_`` or ``#`` or end with ``~`` (the rule
  Spectrum applies to ``_SUCCESS``, ``.crc`` and editor backups);
* ``FORMAT AS PARQUET`` maps columns **by position**: the file must have
  exactly as many columns as the table;
* CSV / text: ``IGNOREHEADER n`` skips lines, ``DELIMITER``, ``NULL AS``,
  ``EMPTYASNULL`` and ``BLANKSASNULL`` (text columns only), ``DATEFORMAT``;
  an empty field of a non-text column loads as NULL;
* a bad value fails the whole COPY with a message naming the file, the line
  (1-based, header lines counted) and the column, like ``STL_LOAD_ERRORS``.

Simplified versus Redshift: no MAXERROR (the first bad row fails the load),
no ESCAPE / FIXEDWIDTH / ACCEPTINVCHARS / TIMEFORMAT / manifests, files are
UTF-8, and no S3: sources are local paths. For Parquet the "line" of an error
is the row number inside the file.
"""

from __future__ import annotations

import csv
import os
import re
from typing import Any

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
from columnar.storage.arrow_convert import _first_failing_row, arrow_to_column, concat_columns

_HIDDEN_PREFIXES = (".", "_", "#")


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


def _load_error(exc: Exception, table: str | None, file: str, line: int, column: str,
                unit: str = "line") -> Exception:
    """Re-raise a conversion error of ``arrow_to_column`` with the file and line."""
    where = f"Load into table '{table}' failed." if table else "Load failed."
    detail = getattr(exc, "detail", None) or str(exc)
    err = type(exc)(f"{where} File '{file}', {unit} {line}, column {column}: {detail}")
    err.file, err.line, err.column = file, line, column
    return err


def _first_null(col: Column, field: Field) -> int | None:
    """Row of the first NULL in a NOT NULL field, or None."""
    if field.nullable or col.validity is None or col.validity.all():
        return None
    return int(np.argmin(col.validity))


def _not_null_error(table: str | None, file: str, line: int, column: str, unit: str = "line") -> IntegrityError:
    where = f"Load into table '{table}' failed." if table else "Load failed."
    return IntegrityError(f"{where} File '{file}', {unit} {line}, column {column}: Missing data for not-null field")


# ----------------------------------------------------------------------------- Parquet


def read_parquet(path: str, fields: list[Field], *, table: str | None = None) -> list[Column]:
    """COPY ... FORMAT AS PARQUET: read every file, map columns by position.

    Args:
        path: a Parquet file or a folder of them.
        fields: the target table's columns, in table order.
        table: the table's name, for messages.

    Raises:
        ProgrammingError: a file's column count differs from the table's.
        ConversionError: a corrupt file, or a value the target type cannot hold.
    """
    per_field: list[list[Column]] = [[] for _ in fields]
    label = table or "the target table"
    for file in list_source_files(path):
        try:
            data = pq.read_table(file)
        except (pa.ArrowException, OSError) as e:
            raise ConversionError(f"COPY from Parquet: cannot read file '{file}': {e}") from None
        if data.num_columns != len(fields):
            raise ProgrammingError(
                f"COPY from Parquet: the file '{file}' has {data.num_columns} columns "
                f"({', '.join(data.column_names)}), table {label} has {len(fields)} "
                f"({', '.join(f.name for f in fields)}); Parquet columns are matched by position"
            )
        for i, field in enumerate(fields):
            try:
                col = arrow_to_column(data.column(i), field.type, name=field.name,
                                      dictionary_encode=field.type.is_string)
            except (ConversionError, NumericOverflowError) as e:
                row = getattr(e, "row", None)
                raise _load_error(e, table, file, 0 if row is None else row + 1, field.name, "row") from None
            row = _first_null(col, field)
            if row is not None:
                raise _not_null_error(table, file, row + 1, field.name, "row")
            per_field[i].append(col)
    return [concat_columns(cols) for cols in per_field]


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

    Example:
        >>> import tempfile, os
        >>> from columnar.core.types import INTEGER, VARCHAR
        >>> d = tempfile.mkdtemp(); p = os.path.join(d, "t.csv")
        >>> _ = open(p, "w").write("n,s\\n1,a\\n,b\\n")
        >>> cols = read_csv(p, [Field("n", INTEGER), Field("s", VARCHAR)], ignoreheader=1)
        >>> cols[0].data.tolist(), cols[0].validity.tolist()
        ([1, 0], [True, False])
    """
    if len(delimiter) != 1:
        raise ProgrammingError(f"DELIMITER must be a single character, got {delimiter!r}")
    per_field: list[list[Column]] = [[] for _ in fields]
    for file in list_source_files(path):
        raw = _read_text_table(file, len(fields), delimiter, ignoreheader, null_as, quote, table)
        for i, field in enumerate(fields):
            arr = raw.column(i)
            try:
                arr = _prepare_text(arr, field, empty_as_null, blanks_as_null, dateformat)
                col = arrow_to_column(arr, field.type, name=field.name, dictionary_encode=field.type.is_string)
            except (ConversionError, NumericOverflowError) as e:
                row = getattr(e, "row", None)
                line = _line_of_record(file, ignoreheader + (row or 0), delimiter, quote)
                raise _load_error(e, table, file, line, field.name) from None
            row = _first_null(col, field)
            if row is not None:
                line = _line_of_record(file, ignoreheader + row, delimiter, quote)
                raise _not_null_error(table, file, line, field.name)
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
) -> list[Column]:
    """Redshift's default COPY format: pipe-delimited, unquoted, ``\\N`` for NULL.

    A trailing delimiter at the end of every line (as in TPC-H ``.tbl`` files)
    is accepted.
    """
    return read_csv(path, fields, delimiter=delimiter, ignoreheader=ignoreheader, null_as=null_as, quote=None,
                    empty_as_null=empty_as_null, blanks_as_null=blanks_as_null, dateformat=dateformat,
                    table=table)


def _read_text_table(file: str, n: int, delimiter: str, ignoreheader: int, null_as: str,
                     quote: str | None, table: str | None) -> pa.Table:
    """Read a delimited file with every field as text; wrong field counts raise
    with the line number. One trailing empty field per line is tolerated."""
    bad: list[Any] = []

    def on_invalid(row: Any) -> str:
        bad.append((row.expected_columns, row.actual_columns, row.number, row.text))
        return "error"  # stop at the first misfit: the whole COPY fails anyway

    def read(width: int) -> pa.Table | None:
        bad.clear()
        names = [f"f{i}" for i in range(width)]
        try:
            return pcsv.read_csv(
                file,
                read_options=pcsv.ReadOptions(column_names=names, skip_rows=ignoreheader),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter, quote_char=quote if quote else False, double_quote=True,
                    newlines_in_values=quote is not None, invalid_row_handler=on_invalid),
                convert_options=pcsv.ConvertOptions(
                    column_types={c: pa.large_string() for c in names}, null_values=[null_as],
                    strings_can_be_null=True, quoted_strings_can_be_null=False),
            )
        except (pa.ArrowException, OSError) as e:
            if bad:
                return None
            raise ConversionError(f"COPY: cannot read file '{file}': {e}") from None

    width = n + 1 if _has_trailing_delimiter(file, n, delimiter, quote, ignoreheader) else n
    data = read(width)
    if data is not None and not bad and width > n:  # every line ends with a delimiter (TPC-H .tbl): drop the empty field
        last = data.column(n)
        extra = pc.and_(pc.is_valid(last), pc.not_equal(last, "")).to_numpy(zero_copy_only=False)
        if extra.any():
            row = int(np.argmax(extra))
            line = _line_of_record(file, ignoreheader + row, delimiter, quote)
            raise _field_count_error(table, file, line, n, n + 1, None)
        data = data.drop_columns([f"f{n}"])
    if bad:
        expected, actual, number, text = bad[0]
        if number is None:  # the multi-threaded reader does not know row numbers
            number = _first_bad_record(file, width, delimiter, quote, ignoreheader)
        raise _field_count_error(table, file, _line_of_record(file, number - 1, delimiter, quote), n, actual, text)
    return data


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


def _field_count_error(table: str | None, file: str, line: int, expected: int, actual: int,
                       text: str | None) -> ConversionError:
    where = f"Load into table '{table}' failed." if table else "Load failed."
    reason = "Extra column(s) found" if actual > expected else "Delimiter not found"
    shown = f": '{text[:60]}'" if text else ""
    err = ConversionError(f"{where} File '{file}', line {line}: {reason} "
                          f"(expected {expected} fields, got {actual}){shown}")
    err.file, err.line = file, line
    return err


def _reader(f: Any, delimiter: str, quote: str | None) -> Any:
    if quote:
        return csv.reader(f, delimiter=delimiter, quotechar=quote, doublequote=True)
    return csv.reader(f, delimiter=delimiter, quoting=csv.QUOTE_NONE)


def _line_of_record(file: str, record: int, delimiter: str, quote: str | None) -> int:
    """The physical line (1-based) where CSV record ``record`` (0-based, header
    records included, blank lines not counted) starts. Used on error paths only."""
    try:
        with open(file, newline="", encoding="utf-8", errors="replace") as f:
            reader = _reader(f, delimiter, quote)
            seen, end_of_previous = 0, 0
            for row in reader:
                if row:
                    if seen == record:
                        return end_of_previous + 1
                    seen += 1
                end_of_previous = reader.line_num
    except (OSError, csv.Error):
        pass
    return record + 1


def _first_bad_record(file: str, n: int, delimiter: str, quote: str | None, ignoreheader: int) -> int:
    """1-based record number of the first data record without ``n`` fields."""
    with open(file, newline="", encoding="utf-8", errors="replace") as f:
        number = 0
        for row in _reader(f, delimiter, quote):
            if row:
                number += 1
                if number > ignoreheader and len(row) != n:
                    return number
    return ignoreheader + 1


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
