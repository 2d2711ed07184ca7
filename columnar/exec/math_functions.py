"""Math functions: TRUNC, SIGN and the DOUBLE PRECISION functions (POWER, SQRT, LN, trig ...).

Role: part of the scalar function table (:data:`MATH_FUNCTIONS` is merged into
:data:`columnar.exec.functions.FUNCTIONS`). The binder casts the arguments of
the float functions to DOUBLE PRECISION (``columnar.sql.bind_functions``), so they
run as one numpy ufunc over the whole column.

Errors follow PostgreSQL / Redshift, checked on valid (non-NULL) rows only:

===========================  ==================================================
``sqrt(x)``, x < 0           ``cannot take square root of a negative number``
``ln(0)``, ``log(0)``        ``cannot take logarithm of zero``
``ln(x)``, x < 0             ``cannot take logarithm of a negative number``
``power(0, y)``, y < 0       ``zero raised to a negative power is undefined``
``power(x, y)``, x < 0,      ``a negative number raised to a non-integer power
y not whole                  yields a complex result``
``asin``/``acos``, |x| > 1   ``input is out of range``
a finite input, infinite     ``value out of range: overflow``
result (``exp(1000)``)       (:class:`NumericOverflowError`)
===========================  ==================================================

TRUNC(x [, d]) truncates toward zero at ``d`` fractional digits (negative
``d`` zeroes integer digits): exactly on DECIMAL scaled integers and
integers, with ``np.trunc`` on floats. SIGN returns -1, 0 or 1 in the
argument's type (DECIMAL(1,0) for a DECIMAL).

Simplified versus Redshift: a result that underflows (``exp(-1000)``) is 0
rather than an error; ``log`` is base 10 with one argument only (Redshift's
signature).
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.errors import DataError, NumericOverflowError
from columnar.core.types import DataType
from columnar.exec.arith_eval import check_int_range, check_precision, clean, rescale, scale_of, shrink
from columnar.exec.const_column import and_validity, null_column


def _null_arg(args: list) -> bool:
    return any(getattr(a, "is_null", False) for a in args)


def _valid_mask(validity: np.ndarray | None, n: int) -> np.ndarray:
    return np.ones(n, dtype=np.bool_) if validity is None else validity


def _floats(col: Column) -> np.ndarray:
    return np.asarray(clean(col.data, col.validity), dtype=np.float64)


def _check(bad: np.ndarray, valid: np.ndarray, message: str, cls=DataError) -> None:
    if np.any(bad & valid):
        raise cls(message)


def _overflow(result: np.ndarray, inputs: list[np.ndarray], valid: np.ndarray) -> None:
    """An infinite result from finite inputs overflowed."""
    finite = np.ones(len(result), dtype=np.bool_)
    for x in inputs:
        finite &= np.isfinite(x)
    _check(np.isinf(result) & finite, valid, "value out of range: overflow", NumericOverflowError)


def _unary_float(name: str, fn, domain=None):
    def impl(args: list, result_type: DataType, nrows: int) -> Column:
        (x,) = args
        if _null_arg(args):
            return null_column(result_type, nrows)
        data, valid = _floats(x), _valid_mask(x.validity, nrows)
        if domain is not None:
            domain(data, valid)
        with np.errstate(all="ignore"):
            out = fn(data)
        _overflow(out, [data], valid)
        return Column(result_type, out, x.validity)

    impl.__name__ = name
    impl.__doc__ = f"{name.upper()}(x) → DOUBLE PRECISION."
    return impl


def _sqrt_domain(x, valid):
    _check(x < 0, valid, "cannot take square root of a negative number")


def _log_domain(x, valid):
    _check(x == 0, valid, "cannot take logarithm of zero")
    _check(x < 0, valid, "cannot take logarithm of a negative number")


def _unit_domain(x, valid):
    _check(np.abs(x) > 1, valid, "input is out of range")


def _cot(x: np.ndarray) -> np.ndarray:
    return 1.0 / np.tan(x)


def _binary_float(name: str, fn, domain=None):
    def impl(args: list, result_type: DataType, nrows: int) -> Column:
        if _null_arg(args):
            return null_column(result_type, nrows)
        a, b = args
        x, y = _floats(a), _floats(b)
        validity = and_validity(a, b)
        valid = _valid_mask(validity, nrows)
        if domain is not None:
            domain(x, y, valid)
        with np.errstate(all="ignore"):
            out = fn(x, y)
        _overflow(out, [x, y], valid)
        return Column(result_type, np.asarray(out, dtype=np.float64), validity)

    impl.__name__ = name
    impl.__doc__ = f"{name.upper()}(x, y) → DOUBLE PRECISION."
    return impl


def _power_domain(x, y, valid):
    _check((x == 0) & (y < 0), valid, "zero raised to a negative power is undefined")
    _check((x < 0) & np.isfinite(y) & (y != np.floor(y)), valid,
           "a negative number raised to a non-integer power yields a complex result")


def trunc(args: list, result_type: DataType, nrows: int) -> Column:
    """TRUNC(x [, d]): toward zero at ``d`` fractional digits (default 0).

    Example:
        >>> from columnar.core.types import DOUBLE
        >>> from columnar.exec.const_column import ConstColumn
        >>> from columnar.core.types import INTEGER
        >>> c = Column(DOUBLE, np.array([-1.75, 2.5]))
        >>> trunc([c, ConstColumn(INTEGER, 1, 2)], DOUBLE, 2).data.tolist()
        [-1.7, 2.5]
    """
    if _null_arg(args):
        return null_column(result_type, nrows)
    x = args[0]
    d = int(args[1].value) if len(args) > 1 else 0
    valid = x.validity
    data = clean(x.data, valid)
    if x.type.is_float:
        with np.errstate(all="ignore"):
            f = 10.0**d
            out = np.trunc(data * f) / f if d else np.trunc(data)
        return Column(result_type, np.where(np.isfinite(out), out, data), valid)
    s = scale_of(x.type)
    cut = s - d  # digits to drop at the right of the scaled integer
    if cut > 0:
        if data.dtype != object and cut > 18:
            data = data.astype(object)
        step = 10**cut
        q = np.abs(data) // step * step  # toward zero: truncate the magnitude
        data = np.where(data < 0, -q, q)
    out = rescale(data, s, scale_of(result_type), nrows)
    if result_type.is_decimal:
        check_precision(out, result_type.precision, valid)
    else:
        check_int_range(out, result_type, valid)
    return Column(result_type, shrink(clean(out, valid)), valid)


def sign(args: list, result_type: DataType, nrows: int) -> Column:
    """SIGN(x): -1, 0 or 1 (NaN stays NaN for floats)."""
    if _null_arg(args):
        return null_column(result_type, nrows)
    (x,) = args
    data = clean(x.data, x.validity)
    if x.type.is_float:
        return Column(result_type, np.sign(np.asarray(data, dtype=np.float64)), x.validity)
    out = (data > 0).astype(np.int64) - (data < 0).astype(np.int64)
    return Column(result_type, out, x.validity)


MATH_FUNCTIONS = {
    "trunc": trunc,
    "sign": sign,
    "sqrt": _unary_float("sqrt", np.sqrt, _sqrt_domain),
    "cbrt": _unary_float("cbrt", np.cbrt),
    "ln": _unary_float("ln", np.log, _log_domain),
    "log": _unary_float("log", np.log10, _log_domain),
    "exp": _unary_float("exp", np.exp),
    "degrees": _unary_float("degrees", np.degrees),
    "radians": _unary_float("radians", np.radians),
    "sin": _unary_float("sin", np.sin),
    "cos": _unary_float("cos", np.cos),
    "tan": _unary_float("tan", np.tan),
    "cot": _unary_float("cot", _cot),
    "asin": _unary_float("asin", np.arcsin, _unit_domain),
    "acos": _unary_float("acos", np.arccos, _unit_domain),
    "atan": _unary_float("atan", np.arctan),
    "atan2": _binary_float("atan2", np.arctan2),
    "power": _binary_float("power", np.power, _power_domain),
}
