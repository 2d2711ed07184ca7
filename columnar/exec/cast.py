"""CAST between SQL types, with Redshift's rules for overflow, rounding and text.

Role: :func:`cast_column` converts a :class:`~columnar.core.chunk.Column` to
another :class:`~columnar.core.types.DataType`. The evaluator calls it for
:class:`~columnar.sql.expr.Cast` nodes (which the binder also inserts to
give comparison operands one type); INSERT and COPY call it with
``truncate=False`` to get the assignment rules.

Rules (Redshift, which follows PostgreSQL here):

* integer → narrower integer: range check, ``NumericOverflowError("integer
  out of range")``.
* → DECIMAL(p, s): exact rescaling of scaled ints (down: round half away from
  zero), then ``|v| < 10**p`` or ``NumericOverflowError("Numeric data
  overflow")``. DECIMAL → integer rounds half away from zero.
* float → integer rounds half to even (``rint``, as PostgreSQL); NaN and
  infinities are out of range. float → DECIMAL rounds half away; a value
  within a few ulps of a decimal tie counts as the tie, because the float
  stands for the short decimal it was written as (``0.285`` → ``0.29``).
* → VARCHAR(n)/CHAR(n): the text form (below). Values longer than ``n``
  *bytes* are cut (CAST) or raise ``value too long for type character
  varying(n)`` (``truncate=False``: INSERT/COPY; trailing blanks beyond ``n``
  are still cut silently, as in PostgreSQL). CHAR values lose trailing blanks.
* text forms: integers plain, DECIMAL with exactly ``scale`` digits
  (``-0.05``), floats the shortest round-trip digits in PostgreSQL's layout
  (``0.1``, ``1e+20``, ``1e+15``; REAL switches to exponents at ``1e+06``),
  booleans ``true``/``false``, ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS[.ffffff]``
  without trailing fraction zeros.
* strings → numbers, booleans, dates, timestamps: parsed with pyarrow.compute
  after trimming blanks; bad input raises ``ConversionError('invalid input
  syntax for type integer: "abc"')``.
* DATE ↔ TIMESTAMP (midnight / floor to the day), BOOLEAN ↔ numbers.
* A DictArray is cast once per dictionary entry used by a valid row, and the
  codes are kept (string targets) or gathered through (other targets).

Simplified versus Redshift: dates and timestamps are only read in ISO order
(``YYYY-M-D[ HH:MM[:SS[.f]]]``, ``T`` allowed), not the DATESTYLE variants
(``01/02/2008``, month names); BC dates and time zones are not modelled.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import BinderError, ConversionError, NumericOverflowError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import INTEGER_RANGES, DataType, TypeId
from columnar.exec.arith_eval import (
    INT64_MIN,
    check_int_range,
    check_precision,
    clean,
    rescale,
    scale_up,
    shrink,
)
from columnar.exec.const_column import ConstColumn, null_column, scalar_of
from columnar.exec.string_columns import (
    dedupe,
    from_text,
    to_arrow,
    truncate_bytes,
    used_dictionary,
)
from columnar.kernels import strings as kstr

US_PER_DAY = 86_400_000_000
_TYPE_NAMES = {
    TypeId.SMALLINT: "smallint", TypeId.INTEGER: "integer", TypeId.BIGINT: "bigint",
    TypeId.DECIMAL: "numeric", TypeId.REAL: "real", TypeId.DOUBLE: "double precision",
    TypeId.BOOLEAN: "boolean", TypeId.DATE: "date", TypeId.TIMESTAMP: "timestamp",
}


def cast_column(col: Column, target: DataType, truncate: bool = True) -> Column:
    """``CAST(col AS target)``; ``truncate=False`` gives INSERT/COPY's rule
    for over-long strings (raise instead of cut).

    Example:
        >>> from columnar.core.types import INTEGER
        >>> c = Column(DataType.decimal(5, 2), np.array([1250, -250, 5]))
        >>> cast_column(c, INTEGER).data.tolist()
        [13, -3, 0]
        >>> cast_column(c, DataType.varchar(10)).data.to_pylist()
        ['12.50', '-2.50', '0.05']
    """
    src, n = col.type, len(col)
    if isinstance(col, ConstColumn) and col.is_null or src.is_null:
        return null_column(target, n)
    if src == target and not (src.is_string and not truncate):
        return col
    if isinstance(col, ConstColumn):  # cast one row, keep it a constant
        one = cast_column(Column(src, col.resized(1).data, None), target, truncate)
        return ConstColumn(target, scalar_of(one), n)
    if target.is_string:
        return _to_string(col, target, truncate)
    if src.is_string:
        return _from_string(col, target)
    validity = col.validity
    data = _convert(clean(col.data, validity), src, target, validity)
    return Column(target, data, validity)


def _cannot(src: DataType, target: DataType):
    return BinderError(f"cannot cast type {src.sql().lower()} to {target.sql().lower()}")


# ------------------------------------------------------------------ fixed-width → fixed-width


def _convert(x: np.ndarray, src: DataType, t: DataType, valid) -> np.ndarray:
    n = len(x)
    if t.is_integer:
        if src.is_integer:
            if INTEGER_RANGES[t.id][0] > INTEGER_RANGES[src.id][0]:
                check_int_range(x, t, valid)
            return x
        if src.is_decimal:
            r = rescale(x, src.scale, 0, n)
            check_int_range(r, t, valid)
            return shrink(clean(r, valid))
        if src.is_float:
            return _float_to_int(x, t, valid)
        if src.id is TypeId.BOOLEAN:
            return x.astype(np.int64)
    elif t.is_decimal:
        if src.is_integer or src.id is TypeId.BOOLEAN:
            r = scale_up(x.astype(np.int64), t.scale)
        elif src.is_decimal:
            r = rescale(x, src.scale, t.scale, n)
        elif src.is_float:
            r = _float_to_decimal(x, t.scale, valid)
        else:
            raise _cannot(src, t)
        check_precision(r, t.precision, valid)
        return shrink(clean(r, valid))
    elif t.is_float:
        if src.is_decimal:
            if x.dtype == object:
                r = (x / 10**src.scale).astype(np.float64)
            else:
                r = x.astype(np.float64) / 10.0**src.scale
        elif src.is_numeric or src.id is TypeId.BOOLEAN:
            r = x.astype(np.float64)
        else:
            raise _cannot(src, t)
        if t.id is TypeId.REAL:
            with np.errstate(over="ignore"):
                r32 = r.astype(np.float32)
            overflow = np.isinf(r32) & np.isfinite(r)
            if valid is not None:
                overflow &= valid
            if overflow.any():
                raise NumericOverflowError("value out of range: overflow")
            r = r32.astype(np.float64)
        return r
    elif t.id is TypeId.BOOLEAN:
        if src.is_numeric:
            return x != 0
    elif t.id is TypeId.TIMESTAMP:
        if src.id is TypeId.DATE:
            return x.astype(np.int64) * US_PER_DAY
    elif t.id is TypeId.DATE:
        if src.id is TypeId.TIMESTAMP:
            return np.floor_divide(x, US_PER_DAY).astype(np.int32)
    raise _cannot(src, t)


def _float_to_int(x: np.ndarray, t: DataType, valid) -> np.ndarray:
    lo, hi = INTEGER_RANGES[t.id]
    r = np.rint(x)
    with np.errstate(invalid="ignore"):
        bad = ~((r >= float(lo)) & (r < float(hi) + 1.0))  # NaN fails both tests
    if valid is not None:
        bad &= valid
    if bad.any():
        raise NumericOverflowError(f"{_TYPE_NAMES[t.id]} out of range")
    return np.where(np.isfinite(r), r, 0).astype(np.int64)


def _float_to_decimal(x: np.ndarray, scale: int, valid) -> np.ndarray:
    bad = ~np.isfinite(x)
    if valid is not None:
        bad &= valid
    if bad.any():
        raise ConversionError("cannot convert NaN or infinity to numeric")
    x = np.where(np.isfinite(x), x, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        y = x * 10.0**scale
        floor = np.floor(y)
        frac = y - floor
        # A float written as a short decimal may land a few ulps off a tie.
        tie = np.abs(frac - 0.5) <= 4 * np.spacing(np.abs(y))
        up = np.where(tie, y > 0, frac > 0.5)
        r = floor + up
    if np.all(np.abs(r) < 2.0**62):
        return r.astype(np.int64)
    # Values beyond int64 as scaled ints: exact from the float's own integer
    # part (|x| >= 2**53 floats are integers) -- a loop over those rows only.
    out = r.astype(object)
    big = np.flatnonzero(~(np.abs(r) < 2.0**62))
    for i in big:  # rare: only values too large for int64
        out[i] = int(x[i]) * 10**scale if abs(x[i]) >= 2.0**53 else int(r[i])
    return out


# ------------------------------------------------------------------ → string


def _to_string(col: Column, t: DataType, truncate: bool) -> Column:
    src, validity = col.type, col.validity
    if src.is_string:
        data = col.data
        if isinstance(data, DictArray):
            d = used_dictionary(data, validity) if not truncate else data
            if len(d.dictionary) == 0:
                return null_column(t, len(col))
            fitted = _fit_length(d.dictionary, None, t, truncate)
            data = d if fitted is d.dictionary else dedupe(d.codes, fitted)
        else:
            data = _fit_length(data, validity, t, truncate)
        return Column(t, data, validity)
    text = _text(clean(col.data, validity), src)
    return Column(t, _fit_length(from_text(text), validity, t, truncate), validity)


def _fit_length(sa: StringArray, validity, t: DataType, truncate: bool) -> StringArray:
    """Apply VARCHAR(n)/CHAR(n) length (bytes) and CHAR blank stripping."""
    n = t.length
    lengths = np.diff(sa.offsets)
    too_long = lengths > n
    if validity is not None:
        too_long &= validity
    if too_long.any() and not truncate:
        stripped = np.diff(kstr.rtrim_spaces(sa).offsets)
        if (too_long & (stripped > n)).any():
            kind = "character" if t.id is TypeId.CHAR else "character varying"
            raise ConversionError(f"value too long for type {kind}({n})")
    if too_long.any():
        sa = truncate_bytes(sa, n)
    if t.id is TypeId.CHAR:
        sa = kstr.rtrim_spaces(sa)
    return sa


def _text(x: np.ndarray, src: DataType) -> np.ndarray:
    """Values as a numpy unicode array, in PostgreSQL's text format."""
    if src.is_integer:
        return x.astype(str)
    if src.is_decimal:
        return decimal_text(x, src.scale)
    if src.is_float:
        return float_text(x, src.id is TypeId.REAL)
    if src.id is TypeId.BOOLEAN:
        return np.where(x, "true", "false")
    if src.id is TypeId.DATE:
        return x.astype("datetime64[D]").astype(str)
    if src.id is TypeId.TIMESTAMP:
        return timestamp_text(x)
    raise BinderError(f"cannot cast type {src.sql().lower()} to varchar")


def decimal_text(x: np.ndarray, scale: int) -> np.ndarray:
    """Scaled ints as text with exactly ``scale`` fraction digits.

    Example:
        >>> decimal_text(np.array([1250, -5, 0]), 2).tolist()
        ['12.50', '-0.05', '0.00']
    """
    if scale == 0:
        return x.astype(str)
    if x.dtype != object and (scale > 18 or (len(x) and x.min() == INT64_MIN)):
        x = x.astype(object)
    neg = x < 0
    ab = np.abs(x)
    whole, frac = ab // 10**scale, ab % 10**scale
    body = np.strings.add(np.strings.add(whole.astype(str), "."), np.strings.zfill(frac.astype(str), scale))
    return np.where(neg, np.strings.add("-", body), body)


def float_text(x: np.ndarray, real: bool = False) -> np.ndarray:
    """Shortest round-trip text, laid out as PostgreSQL's float8out/float4out.

    Example:
        >>> float_text(np.array([0.1, 1e20, 100.0, 1e15, 1.5e-5, -0.0])).tolist()
        ['0.1', '1e+20', '100', '1e+15', '1.5e-05', '-0']
    """
    text = (x.astype(np.float32) if real else x).astype(str)
    text = np.where(np.strings.endswith(text, ".0"), np.strings.slice(text, 0, -2), text)
    # numpy's switch points between positional and exponent notation differ
    # from PostgreSQL's (positional for 1e-4 <= |x| < 1e15, REAL: < 1e6).
    has_exp = np.strings.find(text, "e") >= 0
    with np.errstate(invalid="ignore"):
        big = ~has_exp & np.isfinite(x) & (np.abs(x) >= (1e6 if real else 1e15))
    if big.any():
        text = np.where(big, _positional_to_exponent(text), text)
    small = has_exp & np.strings.endswith(text, "e-04")
    if small.any():
        text = np.where(small, _exponent_to_positional(text), text)
    special = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
    if not np.isfinite(x).all():
        for k, v in special.items():
            text = np.where(text == k, v, text)
    return text


def _exponent_to_positional(text: np.ndarray) -> np.ndarray:
    """'-1.5e-04' → '-0.00015' (only used for exponent -4)."""
    neg = np.strings.startswith(text, "-")
    body = np.where(neg, np.strings.slice(text, 1, None), text)
    mantissa, _, _ = np.strings.partition(body, "e")
    digits = np.strings.replace(mantissa, ".", "")
    out = np.strings.add("0.000", digits)
    return np.where(neg, np.strings.add("-", out), out)


def _positional_to_exponent(text: np.ndarray) -> np.ndarray:
    """'-1234500' → '-1.2345e+06' (positional digits of |x| >= 1)."""
    neg = np.strings.startswith(text, "-")
    body = np.where(neg, np.strings.slice(text, 1, None), text)
    whole, _, frac = np.strings.partition(body, ".")
    digits = np.strings.rstrip(np.strings.add(whole, frac), "0")
    exponent = np.strings.str_len(whole) - 1
    rest = np.strings.slice(digits, 1, None)
    mantissa = np.where(
        np.strings.str_len(rest) > 0,
        np.strings.add(np.strings.add(np.strings.slice(digits, 0, 1), "."), rest),
        np.strings.slice(digits, 0, 1),
    )
    out = np.strings.add(np.strings.add(mantissa, "e+"), np.strings.zfill(exponent.astype(str), 2))
    return np.where(neg, np.strings.add("-", out), out)


def timestamp_text(us: np.ndarray) -> np.ndarray:
    """Microseconds as 'YYYY-MM-DD HH:MM:SS[.ffffff]' without trailing zeros.

    Example:
        >>> timestamp_text(np.array([0, 1_500_000, -1])).tolist()
        ['1970-01-01 00:00:00', '1970-01-01 00:00:01.5', '1969-12-31 23:59:59.999999']
    """
    text = np.strings.replace(us.astype("datetime64[us]").astype(str), "T", " ")
    whole = us % 1_000_000 == 0
    return np.where(whole, np.strings.slice(text, 0, -7), np.strings.rstrip(text, "0"))


# ------------------------------------------------------------------ string → fixed-width


def _from_string(col: Column, t: DataType) -> Column:
    if t.id not in _TYPE_NAMES:
        raise _cannot(col.type, t)
    data, validity = col.data, col.validity
    if isinstance(data, DictArray):
        d = used_dictionary(data, validity)
        if len(d.dictionary) == 0:
            return null_column(t, len(col))
        values = _parse(d.dictionary, None, t)
        return Column(t, values[d.codes], validity)
    return Column(t, _parse(data, validity, t), validity)


def _valid_np(validity, n) -> np.ndarray:
    return np.ones(n, dtype=np.bool_) if validity is None else validity


def _first_bad(sa: StringArray, ok, validity, t: DataType) -> None:
    """Raise for the first valid row whose ``ok`` is false."""
    ok = pc.fill_null(ok, False).to_numpy(zero_copy_only=False)
    bad = ~ok & _valid_np(validity, len(sa))
    if bad.any():
        value = sa.value(int(np.flatnonzero(bad)[0]))
        raise ConversionError(f'invalid input syntax for type {_TYPE_NAMES[t.id]}: "{value}"')


def _np(arr, fill) -> np.ndarray:
    return pc.fill_null(arr, fill).to_numpy(zero_copy_only=False)


_INT_RE = r"^[+-]?[0-9]+$"
_DEC_RE = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$"
_EXP_RE = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$"
_FLOAT_RE = r"^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)$"
_TS_RE = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?$"
_TRUE = ["t", "tr", "tru", "true", "y", "ye", "yes", "on", "1"]
_FALSE = ["f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0"]


def _parse(sa: StringArray, validity, t: DataType) -> np.ndarray:
    n = len(sa)
    trimmed = pc.utf8_trim_whitespace(to_arrow(sa, validity))
    if t.is_integer:
        _first_bad(sa, pc.match_substring_regex(trimmed, _INT_RE), validity, t)
        return _parse_int(sa, trimmed, validity, t)
    if t.is_decimal:
        ok = pc.match_substring_regex(trimmed, _DEC_RE)
        with_exp = pc.match_substring_regex(trimmed, _EXP_RE)
        _first_bad(sa, pc.or_(ok, with_exp), validity, t)
        return _parse_decimal(trimmed, _np(ok, False), validity, t)
    if t.is_float:
        _first_bad(sa, pc.match_substring_regex(trimmed, _FLOAT_RE, ignore_case=True), validity, t)
        values = _np(pc.cast(pc.utf8_lower(trimmed), pa.float64()), 0.0)
        if t.id is TypeId.REAL:
            with np.errstate(over="ignore"):
                values = values.astype(np.float32).astype(np.float64)
        return values
    if t.id is TypeId.BOOLEAN:
        low = pc.utf8_lower(trimmed)
        is_true = pc.is_in(low, value_set=pa.array(_TRUE))
        _first_bad(sa, pc.or_(is_true, pc.is_in(low, value_set=pa.array(_FALSE))), validity, t)
        return _np(is_true, False)
    # DATE and TIMESTAMP
    _first_bad(sa, pc.match_substring_regex(trimmed, _TS_RE), validity, t)
    fixed = pc.replace_substring_regex(trimmed, r"^([0-9]{4})-([0-9])-", r"\1-0\2-")
    fixed = pc.replace_substring_regex(fixed, r"^([0-9]{4}-[0-9]{2})-([0-9])($|[ T])", r"\1-0\2\3")
    fixed = pc.replace_substring_regex(fixed, r" ([0-9]):", r" 0\1:")
    fixed = pc.replace_substring_regex(fixed, r"T([0-9]):", r"T0\1:")
    try:
        us = pc.cast(fixed, pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        _raise_bad_datetime(sa, fixed, validity)
        raise
    us = _np(pc.cast(us, pa.int64()), 0).astype(np.int64)
    if t.id is TypeId.DATE:
        return np.floor_divide(us, US_PER_DAY).astype(np.int32)
    return us


def _raise_bad_datetime(sa: StringArray, fixed, validity) -> None:
    """Error path only: find the first value pyarrow refuses, row by row."""
    valid = _valid_np(validity, len(sa))
    for i in np.flatnonzero(valid):  # error path: stops at the first bad value
        try:
            pc.cast(fixed[int(i) : int(i) + 1], pa.timestamp("us"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise ConversionError(f'date/time field value out of range: "{sa.value(int(i))}"') from None


def _parse_int(sa: StringArray, trimmed, validity, t: DataType) -> np.ndarray:
    unsigned = pc.replace_substring_regex(trimmed, r"^\+", "")
    try:
        values = _np(pc.cast(unsigned, pa.int64()), 0).astype(np.int64)
    except pa.ArrowInvalid:
        values = None
    lo, hi = INTEGER_RANGES[t.id]
    if values is None or values.min(initial=0) < lo or values.max(initial=0) > hi:
        approx = _np(pc.cast(unsigned, pa.float64()), 0.0)
        bad = ((approx < lo) | (approx > hi)) & _valid_np(validity, len(sa))
        if values is not None:
            bad |= ((values < lo) | (values > hi)) & _valid_np(validity, len(sa))
        first = int(np.flatnonzero(bad)[0]) if bad.any() else int(np.argmax(np.abs(approx)))
        raise NumericOverflowError(
            f'value "{sa.value(first)}" is out of range for type {_TYPE_NAMES[t.id]}'
        )
    return values


def _parse_decimal(trimmed, plain_ok: np.ndarray, validity, t: DataType) -> np.ndarray:
    """Exact text → scaled int, rounding half away at the target scale."""
    n, s = len(trimmed), t.scale
    valid = _valid_np(validity, n)
    parts = pc.extract_regex(trimmed, r"^(?P<sign>[+-]?)0*(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?$")
    sign = pc.fill_null(parts.field("sign"), "")
    whole = pc.fill_null(parts.field("int"), "")
    frac = pc.fill_null(parts.field("frac"), "")
    fast = plain_ok & (_np(pc.utf8_length(whole), 0) + s <= 17)
    out = np.zeros(n, dtype=np.int64)
    if fast.any() and s <= 17:
        fast_arr = pa.array(fast)
        w = pc.if_else(pc.and_(fast_arr, pc.not_equal(whole, "")), whole, "0")
        f = pc.if_else(fast_arr, pc.utf8_slice_codeunits(pc.utf8_rpad(frac, width=s + 1, padding="0"), 0, s + 1), "0")
        wv = _np(pc.cast(w, pa.int64()), 0).astype(np.int64)
        fv = _np(pc.cast(f, pa.int64()), 0).astype(np.int64)
        v = wv * 10**s + fv // 10 + (fv % 10 >= 5)
        v = np.where(_np(pc.equal(sign, "-"), False), -v, v)
        out = np.where(fast, v, 0)
    else:
        fast = np.zeros(n, dtype=np.bool_)
    slow = np.flatnonzero(valid & ~fast)
    if len(slow):
        out = out.astype(object)
        quantum = Decimal(1).scaleb(-s)
        texts = pc.take(trimmed, pa.array(slow)).to_pylist()
        for i, text in zip(slow, texts):  # only long or exponent-form values
            try:
                q = Decimal(text).quantize(quantum, rounding=ROUND_HALF_UP)
            except InvalidOperation:
                raise NumericOverflowError("Numeric data overflow") from None
            out[i] = int(q.scaleb(s))
    check_precision(out, t.precision, validity)
    return shrink(out) if out.dtype == object else out


# Re-exported helpers: the functions module formats values with these too.
__all__ = ["cast_column", "decimal_text", "float_text", "timestamp_text", "US_PER_DAY"]
