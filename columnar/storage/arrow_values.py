"""Fixed-width Arrow values → numpy: buffers, exact numbers, timestamps, checks.

Role: reads the value buffers of non-text Arrow arrays into the physical
layout fixed by :mod:`columnar.core.types` and enforces the target's range:

* integers land in ``int64`` after a range check against the SQL width;
* ``decimal128(p, s)`` lands in ``int64`` scaled by ``10**s`` by taking the low
  64-bit word of each 128-bit value when every high word is the sign extension
  of its low word (one vectorised check, no Python objects), else in an
  ``object`` array of exact Python ints;
* ``date32`` → ``int32`` days, timestamps of any unit → ``int64`` µs.

It also holds :func:`_value_error`, the positioned error (``column``, ``row``,
``value``, ``detail`` attributes) that every check of the import path raises,
so the loader can report file and line.

Place in the pipeline: the bottom layer of Arrow → column conversion. The
dispatcher :func:`columnar.storage.arrow_convert.arrow_to_column` calls these
readers after choosing a target type; :mod:`columnar.storage.arrow_strings`
uses the buffer and error helpers, :mod:`columnar.storage.arrow_parse` the
range check. Nothing here depends on the other conversion modules.

Simplified versus Redshift: decimals are rescaled with round-half-away-from-
zero (Redshift's load rounding) and the declared Arrow precision is trusted
when it already fits the target (values are not re-validated); timestamp time
zones are dropped (values kept as UTC wall time); nanoseconds are floored to
microseconds (Redshift's resolution); floats are scaled to a decimal in
float64 arithmetic before rounding, not through their shortest decimal text.
"""

from __future__ import annotations

import decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.errors import ConversionError, NumericOverflowError
from columnar.core.types import INTEGER_RANGES, MAX_DECIMAL_PRECISION, DataType, TypeId

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1


# -- errors -----------------------------------------------------------------------------


def _value_error(cls: type, column: str, detail: str, row: int | None = None, value: Any = None) -> Exception:
    """A typed error that remembers where it happened (the loader adds file and line)."""
    where = f" (row {row + 1})" if row is not None else ""
    err = cls(f"column {column}: {detail}{where}")
    err.column, err.detail, err.row, err.value = column, detail, row, value
    return err


def _show(value: Any) -> str:
    s = str(value)
    return s if len(s) <= 40 else s[:37] + "..."


# -- buffers ----------------------------------------------------------------------------


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


def _indices(arr: pa.Array) -> np.ndarray:
    """Dictionary indices (any integer width) as int32, NULL slots 0."""
    idx = arr.indices
    return _primitive(idx, np.dtype(idx.type.to_pandas_dtype())).astype(np.int32, copy=False)


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


# -- timestamps -------------------------------------------------------------------------


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
