"""Reading a delimited-text, CSV or JSON-lines file of an external table.

Role: the text readers behind
:func:`columnar.storage.external_read.read_file` (format:
:class:`~columnar.storage.external_format.TextFormat`). The whole file is
read (and decompressed), parsed into text or JSON columns with
:mod:`pyarrow.csv` / :mod:`pyarrow.json`, and cast with
:mod:`columnar.storage.external_convert`.

How columns are found
---------------------
* **Text** (``TEXTFILE``, LazySimpleSerDe; default field delimiter ``\\x01``
  and NULL marker ``\\N``) and **CSV** (OpenCSVSerde: ``,``, quote ``"``,
  escape ``\\``) map columns **by position**. A line with fewer fields than
  the table has NULLs for the missing trailing columns, extra fields are
  ignored (Hive's LazySimpleSerDe behaviour; Spectrum's
  ``column_count_mismatch_handling`` is not modelled). Parsing is
  :mod:`pyarrow.csv`; ``.gz``/``.bz2``/``.zst`` files are decompressed by
  extension (or table property ``compression_type``).
* **JSON** (one object per line; ``org.openx.data.jsonserde.JsonSerDe`` or
  ``org.apache.hive.hcatalog.data.JsonSerDe``) maps keys **by name**,
  case-insensitively; a missing key is NULL.

Bytes scanned and pruning
-------------------------
Text and JSON: the whole file, as stored (compressed size for ``.gz``),
whatever columns are needed. Text and JSON files have no statistics: the
WHERE clause's ``ranges`` are ignored.

Empty fields
------------
OpenCSVSerDe has no NULL marker: an empty field is ``''`` in a string column
and, as Athena documents ("does not recognize empty or null values in columns
defined as a numeric data type"), an error in a non-string column (NULL with
``use.null.for.invalid.data``). Text (LazySimpleSerDe) reads an empty
non-string field as NULL, as Hive does.

Simplified versus Spectrum/Athena: line numbers in errors count records
after the skipped header lines, so blank lines (which pyarrow skips) shift
them, except in files with ragged lines where physical lines are known;
quoted fields cannot span lines (as OpenCSVSerDe without ``wholeFile``);
with an escape character, a NULL marker containing it (``\\N`` with
``ESCAPED BY '\\'``) is matched after unescaping and so never matches;
OpenCSVSerDe's epoch-number DATE/TIMESTAMP fields are not decoded (ISO text
is parsed, as for text files); JSON's ``strip.outer.array`` is not modelled.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.fs as pafs
import pyarrow.json as pjson

from columnar.core.chunk import Column
from columnar.core.errors import ConversionError
from columnar.core.types import Field
from columnar.storage.arrow_convert import arrow_to_column
from columnar.storage.external_convert import ScanCounters, _convert
from columnar.storage.external_format import TextFormat
from columnar.storage.lake_fs import FileInfo


# ----------------------------------------------------------------------------- text and CSV


def _read_bytes(file: FileInfo, fs: pafs.FileSystem, fmt: TextFormat) -> pa.Buffer:
    """The whole file, decompressed (by extension, or ``fmt.compression``)."""
    compression = {"none": None, None: "detect"}.get(fmt.compression, fmt.compression)
    try:
        with fs.open_input_stream(file.path, compression=compression) as f:
            return f.read_buffer()
    except (OSError, pa.ArrowException) as e:
        raise ConversionError(f"external file '{file.uri}' cannot be read: {e}") from None


def _read_delimited(file: FileInfo, fs: pafs.FileSystem, fmt: TextFormat, fields: list[Field],
                    needed: list[int], counters: ScanCounters) -> tuple[list[Column], int]:
    buf = _read_bytes(file, fs, fmt)
    counters.files_scanned += 1
    counters.bytes_scanned += file.size
    arrays, n_rows, lines = _parse_delimited(buf, fmt, sorted(set(needed)), file)
    counters.rows_scanned += n_rows

    def where(row: int) -> str:
        return f"line {int(lines[row]) if lines is not None else fmt.skip_header + row + 1}"

    out = []
    for p in needed:
        field = fields[p]
        arr = arrays.get(p)
        if arr is None:  # a trailing column no line of this file has
            out.append(arrow_to_column(pa.nulls(n_rows), field.type, name=field.name))
            continue
        if fmt.kind == "csv" and not field.type.is_string and not fmt.invalid_as_null:
            empty = pc.fill_null(pc.equal(arr, ""), False)
            if pc.any(empty).as_py():
                row = int(np.argmax(empty.to_numpy(zero_copy_only=False)))
                err = ConversionError(
                    f"external file '{file.uri}', {where(row)}, column {field.name}: empty value for type "
                    f"{field.type.sql()} (OpenCSVSerDe has no NULL marker; set table property "
                    f"'use.null.for.invalid.data'='true' to read it as NULL)")
                err.file, err.column = file.uri, field.name
                raise err
        out.append(_convert(arr, field, fmt, file, where))
    return out, n_rows


def _parse_delimited(buf: pa.Buffer, fmt: TextFormat, wanted: list[int], file: FileInfo
                     ) -> tuple[dict[int, pa.Array], int, np.ndarray | None]:
    """Parse a delimited file as text columns.

    Returns ``({position: large_string array}, rows, lines)``: only the wanted
    positions some line has; NULL where a line is too short; ``lines`` holds the
    1-based physical line of each row when known (ragged files), else None.

    Lines of different field counts are read by one pyarrow pass per count
    (pyarrow needs one count per read): each pass keeps the lines of its count and
    reports the others with their line numbers, from which the rows are put back
    in file order with one vectorized ``take``.
    """
    width = _first_width(buf, fmt, file)
    if width is None:
        return {}, 0, None
    skipped: list[tuple[int, int | None]] = []

    def read(w: int, threads: bool) -> pa.Table:
        skipped.clear()

        def on_invalid(row) -> str:
            skipped.append((row.actual_columns, row.number))
            return "skip"

        names = [f"f{i}" for i in range(w)]
        include = [names[p] for p in wanted if p < w] or names[:1]
        nulls = [fmt.null_format] if fmt.null_format is not None else []
        try:
            return pcsv.read_csv(
                pa.BufferReader(buf),
                read_options=pcsv.ReadOptions(column_names=names, skip_rows=fmt.skip_header, use_threads=threads),
                parse_options=pcsv.ParseOptions(
                    delimiter=fmt.delimiter, quote_char=fmt.quote or False, double_quote=fmt.quote is not None,
                    escape_char=fmt.escape or False, newlines_in_values=False, invalid_row_handler=on_invalid),
                convert_options=pcsv.ConvertOptions(
                    column_types={c: pa.large_string() for c in include}, include_columns=include,
                    null_values=nulls, strings_can_be_null=bool(nulls), quoted_strings_can_be_null=False),
            )
        except (OSError, pa.ArrowException) as e:
            raise ConversionError(f"external file '{file.uri}' cannot be parsed: {e}") from None

    table = read(width, True)
    if skipped and any(number is None for _, number in skipped):  # the threaded reader does not number rows
        table = read(width, False)
    if not skipped:
        return {p: table.column(f"f{p}").combine_chunks() for p in wanted if p < width}, table.num_rows, None

    groups = {width: (table, {number for _, number in skipped})}
    for w in sorted({actual for actual, _ in skipped} - {width}):
        t = read(w, False)
        groups[w] = (t, {number for _, number in skipped})
    universe = np.array(sorted(set().union(*(s for _, s in groups.values()))), dtype=np.int64)
    parts: dict[int, list[pa.Array]] = {p: [] for p in wanted}
    positions = []
    for w, (t, skip) in groups.items():
        rows = np.setdiff1d(universe, np.fromiter(skip, np.int64, len(skip)), assume_unique=True)
        if len(rows) != t.num_rows:
            raise ConversionError(f"external file '{file.uri}' cannot be parsed: lines of different field counts")
        positions.append(rows)
        for p in wanted:
            parts[p].append(t.column(f"f{p}").combine_chunks() if p < w else pa.nulls(t.num_rows, pa.large_string()))
    order = np.argsort(np.concatenate(positions), kind="stable")
    take = pa.array(order)
    arrays = {p: pa.concat_arrays(parts[p]).take(take) for p in wanted if any(p < w for w in groups)}
    return arrays, len(universe), universe + fmt.skip_header


def _first_width(buf: pa.Buffer, fmt: TextFormat, file: FileInfo) -> int | None:
    """Fields in the first record after the header (None: no records)."""
    try:
        reader = pcsv.open_csv(
            pa.BufferReader(buf),
            read_options=pcsv.ReadOptions(autogenerate_column_names=True, skip_rows=fmt.skip_header),
            parse_options=pcsv.ParseOptions(delimiter=fmt.delimiter, quote_char=fmt.quote or False,
                                            double_quote=fmt.quote is not None, escape_char=fmt.escape or False,
                                            invalid_row_handler=lambda row: "skip"),
        )
    except pa.ArrowInvalid as e:
        if "Empty CSV" in str(e):
            return None
        raise ConversionError(f"external file '{file.uri}' cannot be parsed: {e}") from None
    except (OSError, pa.ArrowException) as e:
        raise ConversionError(f"external file '{file.uri}' cannot be parsed: {e}") from None
    return len(reader.schema)


# ----------------------------------------------------------------------------- JSON


def _read_json(file: FileInfo, fs: pafs.FileSystem, fmt: TextFormat, fields: list[Field], needed: list[int],
               counters: ScanCounters) -> tuple[list[Column], int]:
    buf = _read_bytes(file, fs, fmt)
    counters.files_scanned += 1
    counters.bytes_scanned += file.size
    try:
        table = pjson.read_json(pa.BufferReader(buf))
    except pa.ArrowInvalid as e:
        if "Empty JSON" not in str(e):
            raise ConversionError(f"external file '{file.uri}' is not valid JSON lines: {e}") from None
        table = pa.table({})
    except (OSError, pa.ArrowException) as e:
        raise ConversionError(f"external file '{file.uri}' is not valid JSON lines: {e}") from None
    n_rows = table.num_rows
    counters.rows_scanned += n_rows
    by_name: dict[str, list[int]] = {}
    for j, name in enumerate(table.column_names):
        by_name.setdefault(name.casefold(), []).append(j)

    def where(row: int) -> str:
        return f"line {row + 1}"

    out = []
    for p in needed:
        field = fields[p]
        matches = by_name.get(field.name.casefold(), [])
        if not matches:
            out.append(arrow_to_column(pa.nulls(n_rows), field.type, name=field.name))
            continue
        columns = [table.column(j) for j in matches]
        if len(columns) > 1:  # the same key spelled in different cases
            if len({c.type for c in columns}) != 1:
                raise ConversionError(f"external file '{file.uri}': keys {', '.join(table.column_names[j] for j in matches)} "
                                      f"match column {field.name} but hold different types")
            arr = pc.coalesce(*columns)
        else:
            arr = columns[0]
        out.append(_convert(arr, field, fmt, file, where))
    return out, n_rows
