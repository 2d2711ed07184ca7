"""Arrow ↔ columns: where outside data enters the engine and results leave it.

Role: every byte that crosses the engine's boundary goes through here.
``COPY ... FORMAT AS PARQUET | CSV`` (:mod:`columnar.storage.loader`),
``Connection.register`` (pandas, polars, pyarrow, anything with
``__arrow_c_stream__``) and external tables turn Arrow arrays into
:class:`~columnar.core.chunk.Column` values with :func:`arrow_to_column`;
``Result.arrow()`` / ``df()`` / ``__arrow_c_stream__`` turn result columns back
into Arrow with :func:`column_to_arrow`.

The physical layout targeted is the one fixed by :mod:`columnar.core.types`:

* integers land in ``int64`` after a range check against the SQL width;
* ``decimal128(p, s)`` lands in ``int64`` scaled by ``10**s`` by taking the low
  64-bit word of each 128-bit value when every high word is the sign extension
  of its low word (one vectorised check, no Python objects), else in an
  ``object`` array of exact Python ints;
* ``date32`` → ``int32`` days, timestamps of any unit → ``int64`` µs;
* text → :class:`~columnar.core.strings.StringArray` (zero-copy views of the
  Arrow offsets and bytes where the layout already matches) or, for
  dictionary arrays and low-cardinality text, a
  :class:`~columnar.core.strings.DictArray`.

Errors follow Redshift's load semantics: out-of-range integers and decimals
raise :class:`~columnar.core.errors.NumericOverflowError`, unparsable text and
too-long strings raise :class:`~columnar.core.errors.ConversionError`. Each
such error carries ``column``, ``row`` (0-based index into the input),
``value`` and ``detail`` attributes, so the loader can report file and line.

Simplified versus Redshift: decimals are rescaled with round-half-away-from-
zero (Redshift's load rounding) and the declared Arrow precision is trusted
when it already fits the target (values are not re-validated); timestamp time
zones are dropped (values kept as UTC wall time); nanoseconds are truncated to
microseconds (Redshift's resolution); ``VARCHAR`` lengths are checked in bytes.
"""

from __future__ import annotations

import decimal
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import (
    ConversionError,
    NotSupportedError,
    NumericOverflowError,
    ProgrammingError,
)
from columnar.core.strings import DictArray, StringArray, concat_string_arrays
from columnar.core.types import (
    BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, INTEGER_RANGES, MAX_DECIMAL_PRECISION, REAL,
    SMALLINT, TIMESTAMP, VARCHAR, DataType, TypeId, physical_dtype,
)

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_US_PER_DAY = 86_400_000_000
_DICT_MAX = 2**16  # most distinct values a DictArray is built for


# ----------------------------------------------------------------------------- types


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


# ----------------------------------------------------------------------------- errors


def _value_error(cls: type, column: str, detail: str, row: int | None = None, value: Any = None) -> Exception:
    """A typed error that remembers where it happened (the loader adds file and line)."""
    where = f" (row {row + 1})" if row is not None else ""
    err = cls(f"column {column}: {detail}{where}")
    err.column, err.detail, err.row, err.value = column, detail, row, value
    return err


def _show(value: Any) -> str:
    s = str(value)
    return s if len(s) <= 40 else s[:37] + "..."


# ----------------------------------------------------------------------------- Arrow → Column


def arrow_to_column(
    arr: pa.Array | pa.ChunkedArray,
    target: DataType | None = None,
    *,
    name: str = "?",
    dictionary_encode: bool = False,
) -> Column:
    """Convert an Arrow array to a column of ``target`` type (its natural type if None).

    Args:
        arr: the values; a ChunkedArray is converted chunk by chunk.
        target: the SQL type to produce; values are range-checked, rescaled or parsed.
        name: column name used in error messages.
        dictionary_encode: for text targets, return a DictArray when the column has
            few distinct values (distinct/len < 0.5 and at most 2**16 of them).

    Raises:
        NumericOverflowError: a value outside the target's range or precision.
        ConversionError: unparsable text, a string longer than VARCHAR(n), an
            impossible conversion.

    Example:
        >>> c = arrow_to_column(pa.array(["1.005", None, "-2.5"]), DataType.decimal(10, 2))
        >>> c.data.tolist(), c.validity.tolist()
        ([101, 0, -250], [True, False, True])
        >>> arrow_to_column(pa.array([70000]), SMALLINT, name="qty")
        Traceback (most recent call last):
        ...
        columnar.core.errors.NumericOverflowError: column qty: Overflow, value 70000 is out of range for SMALLINT (-32768 to 32767) (row 1)
    """
    if target is None:
        target = arrow_type_to_sql(arr.type, name=name)
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 0:
            arr = pa.array([], type=arr.type)
        elif arr.num_chunks == 1:
            arr = arr.chunk(0)
        else:
            return _convert_chunked(arr, target, name, dictionary_encode)
    try:
        return _convert(arr, target, name, dictionary_encode)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as e:
        raise ConversionError(f"column {name}: cannot convert {arr.type} to {target.sql()}: {e}") from None


def _convert_chunked(arr: pa.ChunkedArray, target: DataType, name: str, dictionary_encode: bool) -> Column:
    t = arr.type
    if target.is_string and _is_text(t) and dictionary_encode:
        encoded = _try_dictionary_encode(arr)
        if encoded is not None:
            arr, t = encoded, encoded.type
    if target.is_string and pa.types.is_dictionary(t) and _is_text(t.value_type):
        arr = arr.unify_dictionaries()
        codes = np.concatenate([_indices(c) for c in arr.chunks])
        validity = _validity(arr) if arr.null_count else None
        return _dict_column(codes, validity, arr.chunk(0).dictionary, target, name)
    parts, start = [], 0
    for chunk in arr.chunks:
        try:
            parts.append(arrow_to_column(chunk, target, name=name))
        except (ConversionError, NumericOverflowError) as e:
            if getattr(e, "row", None) is None:
                raise
            raise _value_error(type(e), name, e.detail, e.row + start, e.value) from None
        start += len(chunk)
    return concat_columns(parts)


def _convert(arr: pa.Array, target: DataType, name: str, dictionary_encode: bool) -> Column:
    t = arr.type
    if pa.types.is_null(t):
        return _all_null(len(arr), target)
    if target.is_string:
        return _to_strings(arr, target, name, dictionary_encode)
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if _is_text(t):
        return _convert(_parse_text(arr, target, name), target, name, False)
    validity = _validity(arr)
    tid = target.id
    if tid is TypeId.BOOLEAN:
        if pa.types.is_boolean(t):
            return Column(target, _bools(arr), validity)
        if pa.types.is_integer(t):
            return Column(target, _exact(arr, name)[0] != 0, validity)
    elif tid is TypeId.DATE:
        if pa.types.is_date32(t):
            return Column(target, _primitive(arr, np.int32), validity)
        if pa.types.is_date64(t):
            return Column(target, (_primitive(arr, np.int64) // 86_400_000).astype(np.int32), validity)
        if pa.types.is_timestamp(t):
            return Column(target, (_timestamp_us(arr, name) // _US_PER_DAY).astype(np.int32), validity)
    elif tid is TypeId.TIMESTAMP:
        if pa.types.is_timestamp(t):
            return Column(target, _timestamp_us(arr, name), validity)
        if pa.types.is_date(t):
            days = _convert(arr, DATE, name, False).data.astype(np.int64)
            return Column(target, days * _US_PER_DAY, validity)
    elif target.is_float:
        if pa.types.is_floating(t):
            values = _primitive(arr, np.dtype(t.to_pandas_dtype())).astype(np.float64)
        elif pa.types.is_integer(t) or pa.types.is_decimal(t) or pa.types.is_boolean(t):
            values, scale = _exact(arr, name)
            values = (values / float(10**scale)) if values.dtype != object else np.array(
                [v / 10**scale for v in values.tolist()], dtype=np.float64)
        else:
            values = None
        if values is not None:
            if tid is TypeId.REAL:
                values = values.astype(np.float32).astype(np.float64)
            return Column(target, values, validity)
    elif target.is_integer or target.is_decimal:
        scale = target.scale if target.is_decimal else 0
        if pa.types.is_floating(t):
            values = _floats_to_scaled(_primitive(arr, np.dtype(t.to_pandas_dtype())), scale, target, name)
        elif pa.types.is_integer(t) or pa.types.is_decimal(t) or pa.types.is_boolean(t):
            values, src_scale = _exact(arr, name)
            if scale == src_scale and _declared_fit(t, target):
                return Column(target, values, validity)
            values = _rescale(values, scale - src_scale)
            if _declared_fit(t, target):
                return Column(target, _normalize(values), validity)
        else:
            values = None
        if values is not None:
            return Column(target, _check_range(values, target, name), validity)
    raise ConversionError(f"column {name}: cannot convert Arrow type {t} to {target.sql()}")


def _declared_fit(t: pa.DataType, target: DataType) -> bool:
    """Whether every value of Arrow type ``t`` fits ``target`` without a range check
    (a decimal's declared precision is trusted; scaling down may round up, so no)."""
    if pa.types.is_integer(t):
        bits = t.bit_width + (1 if pa.types.is_unsigned_integer(t) else 0)
        if target.is_integer:
            return bits <= {TypeId.SMALLINT: 16, TypeId.INTEGER: 32, TypeId.BIGINT: 64}[target.id]
        return bits <= 64 and len(str(2 ** (bits - 1))) <= target.precision - target.scale
    if pa.types.is_decimal(t) and target.is_decimal:
        return t.scale <= target.scale and t.precision - t.scale <= target.precision - target.scale
    return False


def _indices(arr: pa.Array) -> np.ndarray:
    """Dictionary indices (any integer width) as int32, NULL slots 0."""
    idx = arr.indices
    return _primitive(idx, np.dtype(idx.type.to_pandas_dtype())).astype(np.int32, copy=False)


def _validity(arr: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    if arr.null_count == 0:
        return None
    return arr.is_valid().to_numpy(zero_copy_only=False)


def _primitive(arr: pa.Array, dtype: Any) -> np.ndarray:
    """Values of a fixed-width array as numpy, zero-copy when there are no NULLs
    (NULL slots become 0, whatever the Arrow buffer held there)."""
    dtype = np.dtype(dtype)
    n, buf = len(arr), arr.buffers()[1]
    if n == 0 or buf is None:
        return np.zeros(n, dtype)
    values = np.frombuffer(buf, dtype=dtype, count=arr.offset + n)[arr.offset:]
    if arr.null_count:
        values = np.where(arr.is_valid().to_numpy(zero_copy_only=False), values, dtype.type(0))
    return values


def _bools(arr: pa.Array) -> np.ndarray:
    if arr.null_count:
        arr = arr.fill_null(False)
    return arr.to_numpy(zero_copy_only=False).astype(np.bool_, copy=False)


def _all_null(n: int, target: DataType) -> Column:
    if target.is_string:
        return Column(target, StringArray(np.zeros(n + 1, np.int64), np.zeros(0, np.uint8)), np.zeros(n, np.bool_))
    return Column(target, np.zeros(n, physical_dtype(target)), np.zeros(n, np.bool_))


# -- exact numbers (ints, decimals, bools) ----------------------------------------------


def _exact(arr: pa.Array, name: str) -> tuple[np.ndarray, int]:
    """Integer, boolean or decimal values as (int64-or-object array, scale)."""
    t = arr.type
    if pa.types.is_boolean(t):
        return _bools(arr).astype(np.int64), 0
    if pa.types.is_integer(t):
        values = _primitive(arr, np.dtype(t.to_pandas_dtype()))
        if pa.types.is_uint64(t) and len(values) and values.max() > _I64_MAX:
            return _normalize(values.astype(object)), 0
        return values.astype(np.int64, copy=False), 0
    if pa.types.is_decimal(t):
        if t.precision > MAX_DECIMAL_PRECISION:
            raise ConversionError(f"column {name}: {t} has more than 38 digits of precision")
        if not pa.types.is_decimal128(t):
            arr = pc.cast(arr, pa.decimal128(t.precision, t.scale))
        return _decimal128_values(arr), t.scale
    raise ConversionError(f"column {name}: {t} is not an exact numeric type")


def _decimal128_values(arr: pa.Array) -> np.ndarray:
    """Unscaled decimal128 values: the low words (int64) when they hold every value."""
    n, buf = len(arr), arr.buffers()[1]
    if n == 0 or buf is None:
        return np.zeros(n, np.int64)
    words = np.frombuffer(buf, dtype="<i8", count=2 * (arr.offset + n)).reshape(-1, 2)[arr.offset:]
    lo, hi = words[:, 0], words[:, 1]
    valid = arr.is_valid().to_numpy(zero_copy_only=False) if arr.null_count else None
    misfit = hi != (lo >> 63)  # high word is not the sign extension of the low word
    if valid is not None:
        misfit &= valid
    if not misfit.any():
        out = np.array(lo, dtype=np.int64)  # contiguous copy of the strided low words
        if valid is not None:
            out[~valid] = 0
        return out
    out = hi.astype(object) * (1 << 64) + lo.view(np.uint64).astype(object)
    if valid is not None:
        out[~valid] = 0
    return out


def _normalize(values: np.ndarray) -> np.ndarray:
    """Object arrays of ints go back to int64 when every value fits."""
    if values.dtype == object:
        if len(values) == 0 or (min(values) >= _I64_MIN and max(values) <= _I64_MAX):
            return values.astype(np.int64)
    return values


def _round_div(values: np.ndarray, f: int) -> np.ndarray:
    """``values / f`` rounded half away from zero (Redshift's rounding on load)."""
    q, r = np.divmod(values, f)  # floor division: 0 <= r < f
    up = np.where(values >= 0, 2 * r >= f, 2 * r > f)
    if values.dtype == object:
        return q + up.astype(np.int64).astype(object)
    return q + up


def _rescale(values: np.ndarray, delta: int) -> np.ndarray:
    """Multiply (delta > 0) or round-divide (delta < 0) by ``10**|delta|``, exactly."""
    if delta == 0 or len(values) == 0:
        return values
    f = 10 ** abs(delta)
    if delta > 0:
        if values.dtype != object:
            limit = _I64_MAX // f
            if values.max() <= limit and values.min() >= -limit:
                return values * f
            values = values.astype(object)
        return values * f
    if values.dtype != object and f > 10**18:
        values = values.astype(object)
    return _round_div(values, f)


def _floats_to_scaled(values: np.ndarray, scale: int, target: DataType, name: str) -> np.ndarray:
    """Floats × 10**scale rounded half away from zero, as int64 or Python ints."""
    x = values.astype(np.float64) * float(10**scale)
    bad = ~np.isfinite(x)
    if bad.any():
        row = int(np.argmax(bad))
        raise _value_error(ConversionError, name, f"cannot convert {values[row]} to {target.sql()}", row, values[row])
    r = np.trunc(x)
    r += np.where(np.abs(x - r) >= 0.5, np.sign(x), 0.0)
    if len(r) == 0 or np.abs(r).max() < 2.0**63:
        return r.astype(np.int64)
    return np.array([int(v) for v in r.tolist()], dtype=object)


def _check_range(values: np.ndarray, target: DataType, name: str) -> np.ndarray:
    """Raise NumericOverflowError for values outside the target; return int64 if possible."""
    if target.is_decimal:
        limit = 10**target.precision
        lo, hi = -limit + 1, limit - 1
    else:
        lo, hi = INTEGER_RANGES[target.id]
    if len(values) and (values.dtype == object or lo > _I64_MIN or hi < _I64_MAX):
        bad = np.asarray((values < lo) | (values > hi), dtype=np.bool_)
        if bad.any():
            row = int(np.argmax(bad))
            v = values[row]
            if target.is_decimal:
                shown = decimal.Decimal(int(v)).scaleb(-target.scale, decimal.Context(prec=80))
                detail = f"Overflow, value {shown} does not fit {target.sql()} (numeric data overflow)"
            else:
                detail = f"Overflow, value {v} is out of range for {target.sql()} ({lo} to {hi})"
            raise _value_error(NumericOverflowError, name, detail, row, v)
    return _normalize(values)


def _timestamp_us(arr: pa.Array, name: str) -> np.ndarray:
    values = _primitive(arr, np.int64)
    unit = arr.type.unit
    if unit == "us":
        return values
    if unit == "ns":
        return values // 1000  # floor keeps pre-1970 instants in the right microsecond
    f = 1_000_000 if unit == "s" else 1000
    limit = _I64_MAX // f
    bad = (values > limit) | (values < -limit)
    if bad.any():
        row = int(np.argmax(bad))
        raise _value_error(NumericOverflowError, name, f"timestamp out of range ({values[row]} {unit})", row, values[row])
    return values * f


# -- text → typed values -------------------------------------------------------------


_TRUE = ["t", "true", "y", "yes", "1", "on"]
_FALSE = ["f", "false", "n", "no", "0", "off"]


def _parse_text(arr: pa.Array, target: DataType, name: str) -> pa.Array:
    """Parse text into the Arrow type ``_convert`` then narrows to ``target``.

    Empty fields are NULL for non-text types (Redshift loads them as NULL);
    surrounding white space is ignored.
    """
    if not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.large_string())
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.large_string()), arr)
    text = pc.utf8_trim_whitespace(arr)
    tid = target.id
    if tid is TypeId.BOOLEAN:
        lower = pc.utf8_lower(text)
        is_true, is_false = pc.is_in(lower, pa.array(_TRUE)), pc.is_in(lower, pa.array(_FALSE))
        bad = pc.and_(pc.is_valid(lower), pc.invert(pc.or_(is_true, is_false))).to_numpy(zero_copy_only=False)
        if bad.any():
            row = int(np.argmax(bad))
            raise _value_error(ConversionError, name, f"Invalid boolean value, Value '{_show(arr[row].as_py())}'", row, arr[row].as_py())
        return pc.if_else(pc.is_valid(lower), is_true, pa.scalar(None, pa.bool_()))
    if target.is_decimal:
        return _parse_decimal(text, target, name)
    arrow_type, what = {
        TypeId.SMALLINT: (pa.int64(), "Invalid digit"), TypeId.INTEGER: (pa.int64(), "Invalid digit"),
        TypeId.BIGINT: (pa.int64(), "Invalid digit"), TypeId.REAL: (pa.float64(), "Invalid digit"),
        TypeId.DOUBLE: (pa.float64(), "Invalid digit"), TypeId.DATE: (pa.date32(), "Invalid date format"),
        TypeId.TIMESTAMP: (pa.timestamp("us"), "Invalid timestamp format"),
    }.get(tid, (None, None))
    if arrow_type is None:
        raise ConversionError(f"column {name}: cannot convert text to {target.sql()}")
    try:
        return pc.cast(text, arrow_type)
    except pa.ArrowInvalid:
        pass
    if pa.types.is_integer(arrow_type):  # pyarrow rejects a leading '+', Redshift accepts it
        text = pc.replace_substring_regex(text, r"^\+", "")
        try:
            return pc.cast(text, arrow_type)
        except pa.ArrowInvalid:
            pass
    row = _first_failing_row(text, lambda part: pc.cast(part, arrow_type))
    value = arr[row].as_py()
    if what == "Invalid digit" and pa.types.is_integer(arrow_type) and str(text[row].as_py()).lstrip("+-").isdigit():
        what = "Overflow"
    raise _value_error(ConversionError, name, f"{what}, Value '{_show(value)}', Type: {target.sql()}", row, value)


def _parse_decimal(text: pa.Array, target: DataType, name: str) -> pa.Array:
    try:  # fast path: no more fractional digits than the target's scale
        return pc.cast(text, pa.decimal128(MAX_DECIMAL_PRECISION, target.scale))
    except pa.ArrowInvalid:
        pass
    # Slow path: exact Python decimals, rounded half away from zero to the target scale.
    ctx = decimal.Context(prec=200, rounding=decimal.ROUND_HALF_UP)
    quantum = decimal.Decimal(1).scaleb(-target.scale)
    out: list[int | None] = []
    for row, s in enumerate(text.to_pylist()):
        if s is None:
            out.append(None)
            continue
        try:
            d = decimal.Decimal(s, ctx)
            if not d.is_finite():
                raise decimal.InvalidOperation
        except decimal.InvalidOperation:
            raise _value_error(ConversionError, name, f"Invalid digit, Value '{_show(s)}', Type: {target.sql()}", row, s) from None
        out.append(int(d.quantize(quantum, context=ctx).scaleb(target.scale, ctx)))
    values = np.array([0 if v is None else v for v in out], dtype=object)
    values = _check_range(values, target, name)
    mask = np.array([v is None for v in out], dtype=np.bool_)
    return column_to_arrow(Column(target, values, ~mask if mask.any() else None))


def _first_failing_row(arr: pa.Array, fn: Callable[[pa.Array], Any]) -> int:
    """Bisect for the first element on which ``fn`` raises (``fn(arr)`` must raise)."""
    lo, hi = 0, len(arr)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            fn(arr.slice(lo, mid - lo))
            lo = mid
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            hi = mid
    return lo


# -- text columns --------------------------------------------------------------------


def _to_strings(arr: pa.Array, target: DataType, name: str, dictionary_encode: bool) -> Column:
    t = arr.type
    if pa.types.is_dictionary(t):
        if _is_text(t.value_type):
            codes = _indices(arr)
            return _dict_column(codes, _validity(arr), arr.dictionary, target, name)
        arr, t = arr.dictionary_decode(), t.value_type
    if not _is_text(t):
        arr = pc.cast(arr, pa.large_string())  # numbers, dates, booleans as text
    if dictionary_encode:  # CHAR blanks are trimmed on the (small) dictionary
        encoded = _try_dictionary_encode(arr)
        if encoded is not None:
            return _to_strings(encoded, target, name, False)
    if pa.types.is_string_view(arr.type):
        arr = pc.cast(arr, pa.large_string())
    if target.id is TypeId.CHAR:
        arr = pc.utf8_rtrim(arr, characters=" ")
    validity = _validity(arr)
    strings = _string_array(arr)
    _check_length(strings, None, validity, target, name)
    return Column(target, strings, validity)


def _try_dictionary_encode(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray | None:
    """Dictionary-encode text with few distinct values, or return None."""
    n = len(arr)
    if n == 0:
        return None
    if n > 100_000:  # cheap early exit for high-cardinality text (comments, names)
        sample = arr.slice(0, 10_000)
        if pa.types.is_string_view(sample.type):
            sample = pc.cast(sample, pa.large_string())  # count_distinct has no string_view kernel
        if pc.count_distinct(sample).as_py() > 5_000:
            return None
    encoded = pc.dictionary_encode(arr)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries()
        distinct = len(encoded.chunk(0).dictionary) if encoded.num_chunks else 0
    else:
        distinct = len(encoded.dictionary)
    if distinct > _DICT_MAX or distinct >= 0.5 * n:
        return None
    return encoded


def _dict_column(codes: np.ndarray, validity: np.ndarray | None, dictionary: pa.Array,
                 target: DataType, name: str) -> Column:
    """A DictArray column with a unique, NULL-free dictionary of the target's text."""
    if not pa.types.is_large_string(dictionary.type):
        dictionary = pc.cast(dictionary, pa.large_string())
    if target.id is TypeId.CHAR:
        dictionary = pc.utf8_rtrim(dictionary, characters=" ")
    codes = np.asarray(codes, dtype=np.int32)
    if validity is not None:
        codes = np.where(validity, codes, 0).astype(np.int32)
    if dictionary.null_count:  # a code pointing at a NULL entry is a NULL value
        entry_valid = dictionary.is_valid().to_numpy(zero_copy_only=False)
        validity = entry_valid[codes] if validity is None else validity & entry_valid[codes]
        dictionary = dictionary.fill_null("")
    if len(dictionary) == 0:
        dictionary = pa.array([""], pa.large_string())
    if pc.count_distinct(dictionary).as_py() != len(dictionary):
        # Duplicate entries (allowed by Arrow, or created by CHAR trimming) would
        # break GROUP BY / JOIN on codes: re-encode the dictionary itself.
        re = pc.dictionary_encode(dictionary)
        codes = _primitive(re.indices, np.int32)[codes]
        dictionary = re.dictionary
    strings = _string_array(dictionary)
    _check_length(strings, codes, validity, target, name)
    return Column(target, DictArray(codes, strings), validity)


def _string_array(arr: pa.Array) -> StringArray:
    """Offsets + bytes of a string/large_string array; views of the Arrow buffers
    when possible, NULL slots guaranteed empty."""
    n = len(arr)
    bufs = arr.buffers()
    off_dtype = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    if bufs[1] is None or n == 0:
        return StringArray(np.zeros(n + 1, np.int64), np.zeros(0, np.uint8))
    offsets = np.frombuffer(bufs[1], dtype=off_dtype, count=arr.offset + n + 1)[arr.offset:]
    if arr.null_count:
        null = ~arr.is_valid().to_numpy(zero_copy_only=False)
        if np.diff(offsets)[null].any():  # NULL slots pointing at bytes: rebuild with ""
            return _string_array(arr.fill_null(""))
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    start, end = int(offsets[0]), int(offsets[-1])
    if start != 0 or off_dtype is np.int32:
        offsets = offsets.astype(np.int64) - start
    return StringArray(offsets, data[start:end])


def _check_length(strings: StringArray, codes: np.ndarray | None, validity: np.ndarray | None,
                  target: DataType, name: str) -> None:
    """ConversionError for the first value longer than VARCHAR(n)/CHAR(n) bytes.

    ``codes`` maps rows to entries of ``strings`` (a dictionary), None for plain text."""
    lengths = np.diff(strings.offsets)
    if not len(lengths) or lengths.max() <= target.length:
        return
    bad = lengths > target.length
    if codes is not None:
        bad = bad[codes]
    if validity is not None:
        bad &= validity
    if bad.any():
        row = int(np.argmax(bad))
        kind = "character varying" if target.id is TypeId.VARCHAR else "character"
        value = strings.value(row if codes is None else int(codes[row]))
        raise _value_error(ConversionError, name, f"value too long for type {kind}({target.length}), Value '{_show(value)}'", row, value)


# ----------------------------------------------------------------------------- Column → Arrow


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


# ----------------------------------------------------------------------------- tables


def concat_columns(parts: list[Column]) -> Column:
    """Concatenate same-typed columns (int64/object, plain or dictionary strings).

    Example:
        >>> a = arrow_to_column(pa.array(["x", "y"]).dictionary_encode())
        >>> b = arrow_to_column(pa.array(["z", None]).dictionary_encode())
        >>> c = concat_columns([a, b])
        >>> c.data.dictionary.to_pylist(), c.data.codes.tolist(), c.validity.tolist()
        (['x', 'y', 'z'], [0, 1, 2, 2], [True, True, True, False])
    """
    if not parts:
        raise ValueError("concat_columns needs at least one column")
    if len(parts) == 1:
        return parts[0]
    t = parts[0].type
    validity = None
    if any(p.validity is not None for p in parts):
        validity = np.concatenate([p.is_valid() for p in parts])
    datas = [p.data for p in parts]
    if all(isinstance(d, np.ndarray) for d in datas):
        if any(d.dtype == object for d in datas):
            return Column(t, _normalize(np.concatenate([d.astype(object) for d in datas])), validity)
        return Column(t, np.concatenate(datas), validity)
    if all(isinstance(d, DictArray) for d in datas):
        words: dict[str, int] = {}
        codes = []
        for d in datas:
            remap = np.array([words.setdefault(w, len(words)) for w in d.dictionary.to_pylist()], dtype=np.int32)
            codes.append(remap[d.codes] if len(remap) else np.zeros(len(d), np.int32))
        return Column(t, DictArray(np.concatenate(codes), StringArray.from_pylist(list(words))), validity)
    plain = [_string_array(column_to_arrow(Column(t, p.data, p.validity)).cast(pa.large_string()))
             if isinstance(p.data, DictArray) else p.data for p in parts]
    return Column(t, concat_string_arrays(plain), validity)


def table_to_columns(t: pa.Table, targets: list[DataType] | None = None) -> list[Column]:
    """Convert every column of a table (optionally to the given SQL types).

    Example:
        >>> [c.type for c in table_to_columns(pa.table({"a": [1], "b": ["x"]}))]
        [BIGINT, VARCHAR(65535)]
    """
    if targets is not None and len(targets) != t.num_columns:
        raise ProgrammingError(f"table has {t.num_columns} columns, {len(targets)} target types given")
    return [
        arrow_to_column(t.column(i), None if targets is None else targets[i], name=t.column_names[i])
        for i in range(t.num_columns)
    ]


def columns_to_table(names: list[str], cols: list[Column]) -> pa.Table:
    """Build an Arrow table from result columns (duplicate names are kept).

    Example:
        >>> columns_to_table(["n"], [Column(INTEGER, np.array([1, 2]))]).schema
        n: int32
    """
    return pa.Table.from_arrays([column_to_arrow(c) for c in cols], names=list(names))


def to_arrow_table_any(data: Any) -> pa.Table:
    """Accept the common in-memory table objects of the Python data ecosystem.

    Example:
        >>> to_arrow_table_any({"a": [1, 2]}).num_rows
        2
    """
    try:
        if isinstance(data, pa.Table):
            return data
        if isinstance(data, pa.RecordBatch):
            return pa.Table.from_batches([data])
        if isinstance(data, pa.RecordBatchReader):
            return data.read_all()
        module = type(data).__module__.split(".")[0]
        if module == "pandas" and type(data).__name__ == "DataFrame":
            return pa.Table.from_pandas(data, preserve_index=False)
        if module == "polars" and type(data).__name__ == "DataFrame":
            return data.to_arrow()
        if hasattr(data, "__arrow_c_stream__"):
            return pa.RecordBatchReader.from_stream(data).read_all()
        if hasattr(data, "__arrow_c_array__"):
            return pa.Table.from_batches([pa.record_batch(data)])
        if isinstance(data, dict):
            return pa.table(data)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
        raise ProgrammingError(f"cannot convert object of type {type(data).__name__} to Arrow: {e}") from None
    raise ProgrammingError(
        f"cannot register object of type {type(data).__name__}; expected a pyarrow Table, "
        "pandas/polars DataFrame or an object with __arrow_c_stream__"
    )
