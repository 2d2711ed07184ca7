"""What the external-file readers share: scan counters and the cast to declared types.

Role: used by both readers (:mod:`columnar.storage.external_parquet`,
:mod:`columnar.storage.external_text`) once a file's column is in Arrow form:
:func:`_convert` casts it to the declared type with
:func:`columnar.storage.arrow_convert.arrow_to_column`, applying the format's
bad-value rules, and :class:`ScanCounters` receives what each read cost.
Kept apart from :mod:`columnar.storage.external_read` (which dispatches to
the readers) so that no import cycle arises.

Bad values (documented defaults)
--------------------------------
A value that does not convert (``'x'`` in an INTEGER column, an overflow)
fails the query with a :class:`ConversionError` /
:class:`NumericOverflowError` naming the file, the line (text, JSON) or row
(Parquet) and the column. Redshift's data-handling table properties are off
unless set ("Otherwise, scan errors can occur" — Data handling options) and
Athena's OpenCSVSerDe raises ``HIVE_BAD_DATA`` unless table property
``'use.null.for.invalid.data'='true'``; that property makes such values NULL
here, for every format. A string longer than CHAR(n)/VARCHAR(n) bytes follows
``surplus_char_handling``, whose documented default is ``SET_TO_NULL``
(also ``TRUNCATE``, ``FAIL``; ``DISABLED`` fails too, as columns here cannot
hold over-long values).

Not modelled: ``invalid_char_handling``, ``numeric_overflow_handling`` and
``data_cleansing_enabled`` (invalid UTF-8 fails the read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import ConversionError, NumericOverflowError
from columnar.core.types import Field, TypeId
from columnar.storage.arrow_convert import arrow_to_column
from columnar.storage.arrow_types import _is_text
from columnar.storage.external_format import ExternalFormat
from columnar.storage.lake_fs import FileInfo

__all__ = ["ScanCounters"]

_SCAN_BLOCK = 1 << 14  # rows converted at a time while looking for more bad values
_ROW_ERRORS = (ConversionError, NumericOverflowError)


@dataclass
class ScanCounters:
    """What reading external files cost; :func:`read_file` adds to it."""

    files_scanned: int = 0
    row_groups_scanned: int = 0
    row_groups_pruned: int = 0
    bytes_scanned: int = 0
    rows_scanned: int = 0


# ----------------------------------------------------------------------------- conversion


def _convert(arr: pa.Array | pa.ChunkedArray, field: Field, fmt: ExternalFormat, file: FileInfo,
             where: Callable[[int], str]) -> Column:
    """Cast one column to its declared type with the format's bad-value rules.

    ``where(row)`` names a 0-based row of ``arr`` for messages (``"line 7"``)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if field.type.is_string:
        arr = _fit_strings(arr, field, fmt.surplus_chars)

    def convert(a: pa.Array) -> Column:
        return arrow_to_column(a, field.type, name=field.name, dictionary_encode=field.type.is_string)

    try:
        return convert(arr)
    except _ROW_ERRORS as e:
        row = getattr(e, "row", None)
        if not fmt.invalid_as_null or row is None:
            raise _value_failed(e, file, field, None if row is None else where(row)) from None
        bad = _bad_rows(arr, convert, row)
    mask = np.zeros(len(arr), dtype=np.bool_)
    mask[bad] = True
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    arr = pc.if_else(pa.array(mask), pa.scalar(None, arr.type), arr)
    return convert(arr)


def _bad_rows(arr: pa.Array, convert: Callable[[pa.Array], Column], first: int) -> list[int]:
    """Rows of ``arr`` whose value does not convert, the first being ``first``.

    The rest is converted in blocks from just after each bad row; a block
    starts small after a failure and doubles after each success, so sparse
    bad values cost about one conversion of the column and dense ones do not
    make every failure convert (and bisect) a large block."""
    bad, start, n, size = [first], first + 1, len(arr), 64
    while start < n:
        end = min(n, start + size)
        try:
            convert(arr.slice(start, end - start))
            start, size = end, min(size * 2, _SCAN_BLOCK)
        except _ROW_ERRORS as e:
            if getattr(e, "row", None) is None:
                raise
            bad.append(start + e.row)
            start, size = start + e.row + 1, 64
    return bad


def _value_failed(e: Exception, file: FileInfo, field: Field, where: str | None) -> Exception:
    detail = getattr(e, "detail", None) or str(e).removeprefix(f"column {field.name}: ")
    at = f", {where}" if where else ""
    err = type(e)(f"external file '{file.uri}'{at}, column {field.name}: {detail}")
    err.file, err.column, err.detail, err.where = file.uri, field.name, detail, where
    return err


def _fit_strings(arr: pa.Array, field: Field, policy: str) -> pa.Array:
    """Apply ``surplus_char_handling`` to values longer than CHAR(n)/VARCHAR(n) bytes."""
    if policy in ("FAIL", "DISABLED"):
        return arr  # arrow_to_column raises a positioned "value too long"
    if pa.types.is_dictionary(arr.type):
        if not _is_text(arr.type.value_type):
            return arr
        fitted = _fit_strings(arr.dictionary, field, policy)
        return arr if fitted is arr.dictionary else pa.DictionaryArray.from_arrays(arr.indices, fitted)
    if not _is_text(arr.type):
        return arr
    if pa.types.is_string_view(arr.type):
        arr = pc.cast(arr, pa.large_string())
    n = field.type.length
    if field.type.id is TypeId.CHAR:
        arr = pc.utf8_rtrim(arr, characters=" ")  # CHAR ignores trailing blanks
    over = pc.greater(pc.binary_length(arr), n)
    if not pc.any(over).as_py():
        return arr
    if policy == "SET_TO_NULL":
        return pc.if_else(over, pa.scalar(None, arr.type), arr)
    # TRUNCATE: cut at n bytes, never inside a character (only the over-long values, in Python)
    values = arr.to_pylist()
    for i in np.flatnonzero(over.to_numpy(zero_copy_only=False)).tolist():
        values[i] = values[i].encode("utf-8")[:n].decode("utf-8", errors="ignore")
    return pa.array(values, type=arr.type)
