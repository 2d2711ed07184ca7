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

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import BinderError, ConversionError, NumericOverflowError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import INTEGER_RANGES, DataType, TypeId
from columnar.exec.arith_eval import (
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
    from_arrow,
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
    # Scaled values beyond int64: from the float's shortest decimal text, so
    # that 12345.678 stays 12345.678 and gains no binary noise digits.
    out = r.astype(object)
    big = np.flatnonzero(~(np.abs(r) < 2.0**62))
    with localcontext() as ctx:
        ctx.prec = 120
        for i in big:  # rare: only the rows too large for int64
            exact = Decimal(repr(float(x[i]))).scaleb(scale)
            out[i] = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
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
    sa = from_arrow(text)[0] if isinstance(text, pa.Array) else from_text(text)
    return Column(t, _fit_length(sa, validity, t, truncate), validity)


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


def _text(x: np.ndarray, src: DataType):
    """Values in PostgreSQL's text format: a pyarrow string array (formatted
    by Arrow's C++ casts) or a numpy unicode array (formatted by numpy)."""
    if src.is_integer:
        return pc.cast(pa.array(x, type=pa.int64()), pa.large_string())
    if src.is_decimal:
        return pc.cast(_decimal128(x, src.scale), pa.large_string())
    if src.is_float:
        return float_text(x, src.id is TypeId.REAL)
    if src.id is TypeId.BOOLEAN:
        return pc.cast(pa.array(x, type=pa.bool_()), pa.large_string())
    if src.id is TypeId.DATE:
        return pc.cast(pa.array(x.astype(np.int32), type=pa.date32()), pa.large_string())
    if src.id is TypeId.TIMESTAMP:
        text = pc.cast(pa.array(x, type=pa.timestamp("us")), pa.large_string())
        return pc.replace_substring_regex(text, r"\.?0+$", "")  # '.500000' → '.5', '.000000' → ''
    raise BinderError(f"cannot cast type {src.sql().lower()} to varchar")


def _decimal128(x: np.ndarray, scale: int) -> pa.Array:
    """Scaled ints as an Arrow decimal128(38, scale) array (two int64 words
    per value, little-endian two's complement), without per-value Python."""
    words = np.empty((len(x), 2), dtype=np.int64)
    if x.dtype == object:  # exact ints beyond int64 (|v| < 10**38 < 2**127)
        words[:, 0] = (x & (2**64 - 1)).astype(np.uint64).view(np.int64)
        words[:, 1] = (x >> 64).astype(np.int64)
    else:
        words[:, 0] = x
        words[:, 1] = x >> 63
    return pa.Array.from_buffers(pa.decimal128(38, scale), len(x), [None, pa.py_buffer(words)])


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


def _strict_cast(arrow: pa.Array, t: DataType) -> np.ndarray | None:
    """Arrow's own parsers accept a subset of what PostgreSQL accepts (no
    blanks, no leading '+', ISO dates only): when they accept every value,
    that is the answer, at C++ speed. None sends the caller down the
    careful path (which also produces the error message)."""
    if t.is_integer:
        target = pa.int64()
    elif t.is_float:
        target = pa.float64()
    elif t.id is TypeId.DATE:
        target = pa.date32()
    elif t.id is TypeId.TIMESTAMP:
        target = pa.timestamp("us")
    else:
        return None
    try:
        out = pc.cast(arrow, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if t.is_integer:
        values = _np(out, 0).astype(np.int64)
        lo, hi = INTEGER_RANGES[t.id]
        if len(values) and (values.min() < lo or values.max() > hi):
            return None
        return values
    if t.is_float:
        values = _np(out, 0.0).astype(np.float64)
        if t.id is TypeId.REAL:
            with np.errstate(over="ignore"):
                values = values.astype(np.float32).astype(np.float64)
        return values
    if t.id is TypeId.DATE:
        return _np(pc.cast(out, pa.int32()), 0).astype(np.int32)
    return _np(pc.cast(out, pa.int64()), 0).astype(np.int64)


def _parse(sa: StringArray, validity, t: DataType) -> np.ndarray:
    arrow = to_arrow(sa, validity)
    fast = _strict_cast(arrow, t)
    if fast is not None:
        return fast
    trimmed = pc.utf8_trim_whitespace(arrow)
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
        with localcontext() as ctx:
            ctx.prec = 120
            for i, text in zip(slow, texts):  # only long or exponent-form values
                try:
                    q = Decimal(text).quantize(quantum, rounding=ROUND_HALF_UP)
                except InvalidOperation:  # more than 120 digits: far beyond 38
                    raise NumericOverflowError("Numeric data overflow") from None
                out[i] = int(q.scaleb(s))
    check_precision(out, t.precision, validity)
    return shrink(out) if out.dtype == object else out


__all__ = ["cast_column", "float_text", "US_PER_DAY"]
