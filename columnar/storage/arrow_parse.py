"""Text → typed values: parsing strings into booleans, numbers, dates, timestamps.

Role: when text arrives for a non-text column (CSV files, string columns of a
DataFrame loaded into a typed table), :func:`_parse_text` parses it into an
Arrow array of a wide type (``int64``, ``float64``, ``decimal128(38, s)``,
``date32``, ``timestamp[us]``, ``bool``) that the caller then narrows and
range-checks like any other Arrow input. Unparsable values raise a positioned
:class:`~columnar.core.errors.ConversionError` whose detail follows Redshift's
load error reasons ("Invalid digit", "Invalid date format", "Overflow", ...);
:func:`_first_failing_row` bisects for the first bad row (the loader uses it
too).

Place in the pipeline: a detour inside
:func:`columnar.storage.arrow_convert.arrow_to_column` (text input, non-text
target); the parsed array goes back through the same dispatcher. Exact
decimals are built with :func:`columnar.storage.arrow_export.column_to_arrow`
after the range check of :mod:`columnar.storage.arrow_values`.

Simplified versus Redshift: empty fields are NULL and surrounding white space
is ignored for every non-text type; booleans accept only
``t/true/y/yes/1/on`` and ``f/false/n/no/0/off`` (any case); a leading ``+``
is accepted on integers; dates and timestamps are parsed by Arrow's ISO-8601
cast (a COPY ``DATEFORMAT`` is applied earlier by the loader; no TIMEFORMAT and
no ``'auto'`` recognition of other layouts); numbers use Arrow's parser (no
thousands separators); decimals with more digits than the scale are rounded
half away from zero.
"""

from __future__ import annotations

import decimal
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import ConversionError
from columnar.core.types import MAX_DECIMAL_PRECISION, DataType, TypeId
from columnar.storage.arrow_export import column_to_arrow
from columnar.storage.arrow_values import _check_range, _show, _value_error


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
