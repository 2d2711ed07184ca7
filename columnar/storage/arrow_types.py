"""Arrow ↔ SQL type mapping: which Redshift type an Arrow type becomes, and back.

Role: the type vocabulary of the Arrow boundary. :func:`arrow_type_to_sql`
picks the SQL type of an Arrow column when the caller gives none
(``Connection.register``, or :func:`columnar.storage.arrow_convert.arrow_to_column`
called without a target); :func:`_arrow_type_of` gives the Arrow type a
result column is exported as. :func:`_is_text` is the one definition of "Arrow
text" (``string``, ``large_string``, ``string_view``) used across the
conversion modules.

==============================  ===================  ========================
Arrow type (import)             SQL type             Arrow type (export)
==============================  ===================  ========================
int8, int16, uint8              SMALLINT             int16
int32, uint16                   INTEGER              int32
int64, uint32                   BIGINT               int64
uint64                          DECIMAL(20,0)        decimal128(20, 0)
decimal128/256(p, s), p <= 38   DECIMAL(p,s)         decimal128(p, s)
float16, float32                REAL                 float32
float64                         DOUBLE PRECISION     float64
bool                            BOOLEAN              bool
string, large_string, view      VARCHAR(65535)       string
null                            VARCHAR(65535)       string
dictionary<*, T>                as T                 (decoded)
date32, date64                  DATE                 date32
timestamp[any unit, any tz]     TIMESTAMP            timestamp[us]
==============================  ===================  ========================

Place in the pipeline: consulted first by
:func:`columnar.storage.arrow_convert.arrow_to_column` (to choose a target type)
and by :func:`columnar.storage.arrow_export.column_to_arrow` (to choose the
exported type); it converts no values itself.

Simplified versus Redshift: Redshift has no unsigned integers, so unsigned
types widen to the next signed type (``uint64`` to ``DECIMAL(20,0)``);
``float16`` widens to REAL; an all-NULL Arrow column becomes VARCHAR; every
timestamp becomes TIMESTAMP whatever its unit or time zone (TIMESTAMPTZ is not
modelled). Arrow types without a Redshift counterpart (time, binary, lists,
structs, maps) raise :class:`~columnar.core.errors.NotSupportedError`. On
export CHAR is a plain ``string`` (no blank padding) and TIMESTAMP a zone-less
``timestamp[us]``.
"""

from __future__ import annotations

import pyarrow as pa

from columnar.core.errors import ConversionError, NotSupportedError
from columnar.core.types import (
    BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, MAX_DECIMAL_PRECISION, REAL, SMALLINT, TIMESTAMP,
    VARCHAR, DataType, TypeId,
)


def arrow_type_to_sql(t: pa.DataType, *, name: str = "?") -> DataType:
    """The SQL type an Arrow column becomes when no target type is given.

    Example:
        >>> arrow_type_to_sql(pa.decimal128(15, 2))
        DECIMAL(15,2)
        >>> arrow_type_to_sql(pa.dictionary(pa.int32(), pa.string()))
        VARCHAR(65535)
        >>> arrow_type_to_sql(pa.timestamp("ns", tz="UTC"))
        TIMESTAMP
    """
    if pa.types.is_dictionary(t):
        return arrow_type_to_sql(t.value_type, name=name)
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t):
        return SMALLINT
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return INTEGER
    if pa.types.is_int64(t) or pa.types.is_uint32(t):
        return BIGINT
    if pa.types.is_uint64(t):
        return DataType.decimal(20, 0)
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return REAL
    if pa.types.is_float64(t):
        return DOUBLE
    if pa.types.is_boolean(t):
        return BOOLEAN
    if pa.types.is_decimal(t):
        if t.precision > MAX_DECIMAL_PRECISION:
            raise ConversionError(
                f"column {name}: {t} has precision {t.precision}; DECIMAL allows at most 38 digits"
            )
        return DataType.decimal(t.precision, t.scale)
    if _is_text(t) or pa.types.is_null(t):
        return VARCHAR
    if pa.types.is_date(t):
        return DATE
    if pa.types.is_timestamp(t):
        return TIMESTAMP
    raise NotSupportedError(f"column {name}: Arrow type {t} is not supported (no matching Redshift type)")


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _arrow_type_of(t: DataType) -> pa.DataType:
    """The Arrow type a SQL type is exported as."""
    tid = t.id
    if tid is TypeId.DECIMAL:
        return pa.decimal128(t.precision, t.scale)
    return {
        TypeId.NULL: pa.null(), TypeId.BOOLEAN: pa.bool_(), TypeId.SMALLINT: pa.int16(),
        TypeId.INTEGER: pa.int32(), TypeId.BIGINT: pa.int64(), TypeId.REAL: pa.float32(),
        TypeId.DOUBLE: pa.float64(), TypeId.CHAR: pa.string(), TypeId.VARCHAR: pa.string(),
        TypeId.DATE: pa.date32(), TypeId.TIMESTAMP: pa.timestamp("us"),
    }[tid]
