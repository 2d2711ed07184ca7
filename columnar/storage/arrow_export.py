"""Columns → Arrow: how results leave the engine.

Role: :func:`column_to_arrow` exports one
:class:`~columnar.core.chunk.Column` as an Arrow array of its SQL type's
Arrow twin (see :func:`columnar.storage.arrow_types._arrow_type_of`), building
the Arrow buffers directly from the numpy data (validity bitmap packed once,
integers and floats passed through, decimals widened to 128-bit words);
:func:`columns_to_table` assembles a result table.

Place in the pipeline: the exit. ``Result.arrow()`` / ``df()`` /
``__arrow_c_stream__`` (:mod:`columnar.api.result`) go through
:func:`columns_to_table`; the import side reuses :func:`column_to_arrow` to
build exact decimals (:mod:`columnar.storage.arrow_parse`) and to concatenate
plain with dictionary string columns
(:func:`columnar.storage.arrow_convert.concat_columns`).

Simplified versus Redshift: there is no wire protocol; types map to the
closest Arrow type: DECIMAL is always ``decimal128(p, s)``, TIMESTAMP a
zone-less ``timestamp[us]``, CHAR a plain ``string`` without blank padding,
and dictionary-encoded text is decoded to ``string`` (``large_string`` when
the bytes exceed 2 GiB) rather than exported as an Arrow dictionary.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import NotSupportedError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import TypeId
from columnar.storage.arrow_types import _arrow_type_of


def _validity_buffer(col: Column) -> tuple[pa.Buffer | None, int]:
    if col.validity is None:
        return None, 0
    nulls = len(col.validity) - int(np.count_nonzero(col.validity))
    if nulls == 0:
        return None, 0
    return pa.py_buffer(np.packbits(col.validity, bitorder="little")), nulls


def _string_array_to_arrow(strings: StringArray, bitmap: pa.Buffer | None, nulls: int) -> pa.Array:
    offsets = np.asarray(strings.offsets, dtype=np.int64)
    start, end = int(offsets[0]), int(offsets[-1])
    data = pa.py_buffer(np.ascontiguousarray(strings.data[start:end]))
    if end - start < 2**31 - 1:
        offs, t = (offsets - start).astype(np.int32), pa.string()
    else:
        offs, t = offsets - start, pa.large_string()
    return pa.Array.from_buffers(t, len(strings), [bitmap, pa.py_buffer(offs), data], null_count=nulls)


def column_to_arrow(col: Column) -> pa.Array:
    """Export a column as an Arrow array of the SQL type's Arrow twin.

    Example:
        >>> from columnar.core.types import DataType
        >>> column_to_arrow(Column(DataType.decimal(5, 2), np.array([1250, -5]))).to_pylist()
        [Decimal('12.50'), Decimal('-0.05')]
    """
    t, n, data = col.type, len(col), col.data
    bitmap, nulls = _validity_buffer(col)
    valid = None if bitmap is None else np.asarray(col.validity, dtype=np.bool_)
    if t.id is TypeId.NULL:
        return pa.nulls(n)
    if t.is_string:
        if isinstance(data, DictArray):
            dictionary = _string_array_to_arrow(data.dictionary, None, 0)
            lengths = np.diff(data.dictionary.offsets)
            if dictionary.type == pa.string() and len(lengths) and int(lengths.max()) * n >= 2**31 - 1 \
                    and int(lengths[data.codes].sum()) >= 2**31 - 1:
                dictionary = pc.cast(dictionary, pa.large_string())  # the decoded text needs 64-bit offsets
            if len(data.dictionary) == 0:
                return pa.array([None if bitmap is not None else ""] * n, pa.string())
            codes = np.asarray(data.codes, dtype=np.int32)
            mask = None
            if bitmap is not None:
                codes = np.where(valid, codes, 0).astype(np.int32)
                mask = ~valid
            return pc.take(dictionary, pa.array(codes, mask=mask))
        return _string_array_to_arrow(data, bitmap, nulls)
    arrow_type = _arrow_type_of(t)
    if t.is_decimal:
        if data.dtype == object:
            values = [0 if v is None else int(v) for v in data.tolist()]
            raw = b"".join(v.to_bytes(16, "little", signed=True) for v in values)
            return pa.Array.from_buffers(arrow_type, n, [bitmap, pa.py_buffer(raw)], null_count=nulls)
        words = np.empty((n, 2), dtype="<i8")
        words[:, 0] = data
        words[:, 1] = data >> 63
        return pa.Array.from_buffers(arrow_type, n, [bitmap, pa.py_buffer(words)], null_count=nulls)
    if t.id is TypeId.BOOLEAN:
        return pa.array(np.asarray(data, dtype=np.bool_), mask=None if valid is None else ~valid)
    np_type = {TypeId.SMALLINT: np.int16, TypeId.INTEGER: np.int32, TypeId.BIGINT: np.int64,
               TypeId.REAL: np.float32, TypeId.DOUBLE: np.float64, TypeId.DATE: np.int32,
               TypeId.TIMESTAMP: np.int64}.get(t.id)
    if np_type is None:
        raise NotSupportedError(f"cannot export a column of type {t.sql()} to Arrow")
    values = np.ascontiguousarray(data, dtype=np_type)
    return pa.Array.from_buffers(arrow_type, n, [bitmap, pa.py_buffer(values)], null_count=nulls)


def columns_to_table(names: list[str], cols: list[Column]) -> pa.Table:
    """Build an Arrow table from result columns (duplicate names are kept).

    Example:
        >>> from columnar.core.types import INTEGER
        >>> columns_to_table(["n"], [Column(INTEGER, np.array([1, 2]))]).schema
        n: int32
    """
    return pa.Table.from_arrays([column_to_arrow(c) for c in cols], names=list(names))
