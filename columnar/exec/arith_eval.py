"""Arithmetic for the expression evaluator: integers, floats and exact DECIMAL.

Role: :func:`arithmetic` and :func:`negate` compute ``+ - * / %`` and unary
minus on two :class:`~columnar.core.chunk.Column` operands (either may be a
:class:`~columnar.exec.const_column.ConstColumn`), called by
:mod:`columnar.exec.evaluate` for :class:`~columnar.sql.expr.Binary` nodes.
The DECIMAL helpers below (:func:`scale_up`, :func:`rescale`,
:func:`div_half_away`, :func:`check_precision`, :func:`shrink`) are shared
with :mod:`columnar.exec.cast` and :mod:`columnar.exec.functions`.

Semantics (Redshift / PostgreSQL):

* Integers are int64 whatever their SQL width; the result must fit the
  node's type, else ``NumericOverflowError("integer out of range")``
  (``smallint`` / ``bigint`` likewise). BIGINT products and sums use the
  overflow-checked kernels of :mod:`columnar.kernels.arith`, so nothing wraps.
  ``/`` truncates toward zero and ``%`` takes the dividend's sign.
* Division or modulo by zero raises ``DivisionByZeroError`` when the row is
  valid on both sides (a NULL row never raises) -- for floats too.
* DECIMAL values are scaled integers. ``+ -`` align both operands to the
  larger scale, ``*`` multiplies scaled ints (scale ``s1 + s2``), ``/``
  computes ``round_half_away(a * 10**(rs - s1 + s2) / b)`` (by int64 long
  division when the quotient fits, see :func:`scaled_quotient`); a result
  scale lowered by the 38-digit cap is reached by rounding half away.
  Whenever int64 would overflow, the operation is redone on object arrays of
  Python ints (exact), and the result keeps that object array only if some
  value still does not fit int64. Finally ``|value| < 10**precision`` is
  checked: ``NumericOverflowError("Numeric data overflow")``.

Simplified versus Redshift: REAL arithmetic is done in float64 and rounded
to float32 precision afterwards; float overflow to infinity raises
``value out of range: overflow`` like PostgreSQL.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.errors import DivisionByZeroError, NotSupportedError, NumericOverflowError
from columnar.core.types import INTEGER_RANGES, DataType, TypeId
from columnar.exec.const_column import ConstColumn, and_validity, null_column
from columnar.kernels import arith as karith

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_INT_NAMES = {TypeId.SMALLINT: "smallint", TypeId.INTEGER: "integer", TypeId.BIGINT: "bigint"}
_NARROW_INTS = (TypeId.SMALLINT, TypeId.INTEGER)


# ----------------------------------------------------------------------------
# exact scaled-integer helpers (int64 fast path, Python-int object fallback)
# ----------------------------------------------------------------------------

def _fits_int64(v: int) -> bool:
    return INT64_MIN <= v <= INT64_MAX


def as_object(x):
    """``x`` as an object array of Python ints (exact, slow)."""
    if isinstance(x, np.ndarray):
        return x if x.dtype == object else x.astype(object)
    return x  # a Python int: already exact


def shrink(x: np.ndarray) -> np.ndarray:
    """Back to int64 when every value of an object array fits it.

    Example:
        >>> shrink(np.array([1, -2], dtype=object)).dtype
        dtype('int64')
        >>> shrink(np.array([2**70], dtype=object)).dtype
        dtype('O')
    """
    if not isinstance(x, np.ndarray) or x.dtype != object:
        return x
    if len(x) == 0 or (_fits_int64(x.min()) and _fits_int64(x.max())):
        return x.astype(np.int64)
    return x


def _broadcast(v, n: int) -> np.ndarray:
    """A Python int scalar as an array (object if it does not fit int64)."""
    if isinstance(v, np.ndarray):
        return v
    if _fits_int64(v):
        return np.full(n, v, dtype=np.int64)
    out = np.empty(n, dtype=object)
    out[:] = v
    return out


def _kernel_operand(x) -> bool:
    """int64 arrays and int64-sized scalars go to the compiled kernels."""
    if isinstance(x, np.ndarray):
        return x.dtype == np.int64
    return _fits_int64(x)


def _both_kernel(a, b) -> bool:
    return _kernel_operand(a) and _kernel_operand(b) and (isinstance(a, np.ndarray) or isinstance(b, np.ndarray))


def _exact(a, b, n: int):
    """Both operands as object arrays of Python ints."""
    return as_object(_broadcast(a, n)), as_object(_broadcast(b, n))


_PY_OPS = {"+": np.add, "-": np.subtract, "*": np.multiply}
_KERNELS = {"+": karith.add_checked, "-": karith.sub_checked, "*": karith.mul_checked}


def checked(op: str, a, b, n: int):
    """``a op b`` for ``op`` in ``+ - *`` without ever wrapping.

    int64 inputs go through the overflow-checked kernels; on overflow (or if
    an input is already an object array) the operation is redone exactly on
    Python ints. The result may be an object array; see :func:`shrink`.
    """
    if _both_kernel(a, b):
        result, overflowed = _KERNELS[op](a, b)
        if not overflowed:
            return result
    a, b = _exact(a, b, n)
    return _PY_OPS[op](a, b)


def scale_up(x, k: int):
    """``x * 10**k`` exactly (int64 when it fits, else an object array)."""
    if k == 0:
        return x
    if not isinstance(x, np.ndarray):
        return x * 10**k
    if x.dtype == np.int64 and k <= 18:
        result, overflowed = karith.rescale_up(x, 10**k)
        if not overflowed:
            return result
    return as_object(x) * 10**k


def _int64_division(kernel, a, b):
    """Run a division kernel; None when the one overflowing quotient
    (-2**63 / -1) occurs, so that the caller can redo it exactly."""
    try:
        return kernel(a, b)
    except NumericOverflowError:
        return None


def div_half_away(a, b, n: int):
    """``a / b`` rounded half away from zero (b must be non-zero)."""
    if _both_kernel(a, b):
        r = _int64_division(karith.div_round_half_away, a, b)
        if r is not None:
            return r
    a, b = _exact(a, b, n)
    q = (2 * np.abs(a) + np.abs(b)) // (2 * np.abs(b))
    return np.where((a < 0) ^ (b < 0), -q, q)


def div_trunc(a, b, n: int):
    """``a / b`` truncated toward zero (b must be non-zero)."""
    if _both_kernel(a, b):
        r = _int64_division(karith.div_trunc, a, b)
        if r is not None:
            return r
    a, b = _exact(a, b, n)
    q = np.abs(a) // np.abs(b)
    return np.where((a < 0) ^ (b < 0), -q, q)


def mod_trunc(a, b, n: int):
    """``a % b`` with the dividend's sign (b must be non-zero)."""
    if _both_kernel(a, b):
        r = _int64_division(karith.mod_trunc, a, b)
        if r is not None:
            return r
    a, b = _exact(a, b, n)
    r = np.abs(a) % np.abs(b)
    return np.where(a < 0, -r, r)


def scaled_quotient(a, b, e: int, n: int):
    """``round_half_away(a * 10**e / b)`` in int64 by long division, or None.

    DECIMAL division scales the dividend up by ``e`` digits (often 10 or
    more), so ``a * 10**e`` overflows int64 even when the quotient does not.
    Long division brings the remainder down a few digits at a time instead
    (as many as ``|b| * 10**k`` leaves room for), so the exact rounded
    quotient comes out of a handful of vectorised int64 passes. Returns None
    when an operand is an object array, ``|b|`` is too wide, or the quotient
    would not fit int64 -- the caller then computes exactly on Python ints.
    """
    a, b = _broadcast(a, n), _broadcast(b, n)
    if a.dtype != np.int64 or b.dtype != np.int64 or e > 18 or n == 0:
        return None
    if a.min() == INT64_MIN or b.min() == INT64_MIN:
        return None
    neg = (a < 0) ^ (b < 0)
    num, den = np.abs(a), np.abs(b)
    step = 17 - len(str(int(den.max())))  # den * 10**step < 10**17: 2 * remainder fits too
    q = num // den
    if step < 1 or int(q.max()) >= INT64_MAX // 10**e:
        return None
    r = num - q * den
    left = e
    while left > 0:
        k = min(step, left)
        r = r * 10**k
        digits = r // den
        r -= digits * den
        q = q * 10**k + digits
        left -= k
    q += 2 * r >= den
    return np.where(neg, -q, q)


def rescale(x, from_scale: int, to_scale: int, n: int):
    """Change the scale of scaled ints: up exactly, down rounding half away."""
    if to_scale >= from_scale:
        return scale_up(x, to_scale - from_scale)
    return div_half_away(x, 10 ** (from_scale - to_scale), n)


def out_of_range(values, lo: int, hi: int, valid: np.ndarray | None) -> bool:
    """True if some valid value lies outside ``[lo, hi]``."""
    if not isinstance(values, np.ndarray):
        return not lo <= values <= hi
    if values.dtype == np.int64:
        if lo <= INT64_MIN and hi >= INT64_MAX:
            return False
        return not karith.check_range(values, lo, hi, valid)
    bad = (values < lo) | (values > hi)
    if valid is not None:
        bad &= valid
    return bool(bad.any())


def check_precision(values, precision: int, valid: np.ndarray | None) -> None:
    """Raise ``Numeric data overflow`` if a valid |value| >= 10**precision."""
    bound = 10**precision - 1
    if out_of_range(values, -bound, bound, valid):
        raise NumericOverflowError("Numeric data overflow")


def check_int_range(values, t: DataType, valid: np.ndarray | None) -> None:
    """Raise ``<type> out of range`` if a valid value does not fit ``t``."""
    lo, hi = INTEGER_RANGES[t.id]
    if out_of_range(values, lo, hi, valid):
        raise NumericOverflowError(f"{_INT_NAMES[t.id]} out of range")


def clean(x, valid: np.ndarray | None):
    """Object arrays: put 0 in NULL slots so exact arithmetic never sees
    whatever placeholder (even ``None``) they hold."""
    if isinstance(x, np.ndarray) and x.dtype == object and valid is not None:
        return np.where(valid, x, 0)
    return x


def finish_decimal(values, precision: int, valid: np.ndarray | None, n: int) -> np.ndarray:
    """Precision check, then int64 if possible; NULL slots zeroed for objects."""
    if not isinstance(values, np.ndarray):
        values = _broadcast(values, n)
    check_precision(values, precision, valid)
    return shrink(clean(values, valid))


def scale_of(t: DataType) -> int:
    return t.scale if t.is_decimal else 0


# ----------------------------------------------------------------------------
# binary arithmetic
# ----------------------------------------------------------------------------

def _operand(col: Column):
    """A ConstColumn's scalar, else the data array (objects cleaned)."""
    if isinstance(col, ConstColumn):
        return col.value
    return clean(col.data, col.validity)


def _any_zero(b, valid: np.ndarray | None, n: int) -> bool:
    if not isinstance(b, np.ndarray):
        return b == 0 and n > 0 and (valid is None or bool(valid.any()))
    zero = b == 0
    if valid is not None:
        zero &= valid
    return bool(zero.any())


def _nonzero(b):
    """Divisor with zeros (only on NULL rows by now) replaced by 1."""
    if isinstance(b, np.ndarray):
        zero = b == 0
        if zero.any():
            return np.where(zero, 1, b).astype(b.dtype)
    return b


def arithmetic(op: str, left: Column, right: Column, result_type: DataType) -> Column:
    """``left op right`` for ``op`` in ``+ - * / %``, typed ``result_type``.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> a = Column(INTEGER, np.array([-7, 7, 1]), np.array([True, True, False]))
        >>> arithmetic("/", a, ConstColumn(INTEGER, 2, 3), INTEGER).data[:2].tolist()
        [-3, 3]
    """
    n = len(left)
    if (isinstance(left, ConstColumn) and left.is_null) or (isinstance(right, ConstColumn) and right.is_null):
        return null_column(result_type, n)
    if isinstance(left, ConstColumn) and isinstance(right, ConstColumn):
        left = Column(left.type, left.data, None)  # keep one side an array
    valid = and_validity(left, right)
    a, b = _operand(left), _operand(right)
    if result_type.is_float:
        data = _float_arith(op, a, b, valid, result_type, n)
    elif result_type.is_decimal:
        data = _decimal_arith(op, a, b, left.type, right.type, valid, result_type, n)
    elif result_type.is_integer:
        narrow = left.type.id in _NARROW_INTS and right.type.id in _NARROW_INTS
        data = _int_arith(op, a, b, valid, result_type, n, narrow)
    else:
        raise NotSupportedError(f"arithmetic on {result_type.sql()} is not supported")
    return Column(result_type, data, valid)


def _int_arith(op, a, b, valid, t, n, narrow):
    if op in ("+", "-", "*"):
        if narrow:  # |a|, |b| < 2**31: the int64 result is exact, only the range matters
            r = _PY_OPS[op](a, b)
        else:
            r = checked(op, a, b, n)
    elif op in ("/", "%"):
        if _any_zero(b, valid, n):
            raise DivisionByZeroError("division by zero")
        b = _nonzero(b)
        if op == "/":
            if t.id is TypeId.BIGINT and _min_over_minus_one(a, b, valid):
                raise NumericOverflowError("bigint out of range")
            r = div_trunc(a, b, n)
        else:
            r = mod_trunc(a, b, n)
    else:
        raise NotSupportedError(f"operator {op} is not supported")
    check_int_range(r, t, valid)
    if isinstance(r, np.ndarray) and r.dtype == object:
        r = shrink(clean(r, valid))
    return r


def _min_over_minus_one(a, b, valid) -> bool:
    """INT64_MIN / -1 is the one quotient that does not fit int64."""
    hit = np.asarray(a == INT64_MIN) & np.asarray(b == -1)
    if valid is not None:
        hit = hit & valid
    return bool(np.any(hit))


def _float_arith(op, a, b, valid, t, n):
    if op in ("/", "%") and _any_zero(b, valid, n):
        raise DivisionByZeroError("division by zero")
    with np.errstate(all="ignore"):
        if op == "+":
            r = np.add(a, b)
        elif op == "-":
            r = np.subtract(a, b)
        elif op == "*":
            r = np.multiply(a, b)
        elif op == "/":
            r = np.true_divide(a, b)
        elif op == "%":
            r = np.fmod(a, b)
        else:
            raise NotSupportedError(f"operator {op} is not supported")
        if t.id is TypeId.REAL:
            r = np.asarray(r).astype(np.float32).astype(np.float64)
    r = np.asarray(r, dtype=np.float64)
    if not np.isfinite(r).all():
        overflow = np.isinf(r) & np.isfinite(a) & np.isfinite(b)
        if valid is not None:
            overflow &= valid
        if overflow.any():
            raise NumericOverflowError("value out of range: overflow")
    return r


def _decimal_arith(op, a, b, ta, tb, valid, t, n):
    sa, sb, rs = scale_of(ta), scale_of(tb), t.scale
    if op in ("+", "-", "%"):
        s = max(sa, sb)
        a2, b2 = scale_up(a, s - sa), scale_up(b, s - sb)
        if op == "%":
            if _any_zero(b2, valid, n):
                raise DivisionByZeroError("division by zero")
            r = mod_trunc(a2, _nonzero(b2), n)
        else:
            r = checked(op, a2, b2, n)
        r = rescale(r, s, rs, n)
    elif op == "*":
        r = rescale(checked("*", a, b, n), sa + sb, rs, n)
    elif op == "/":
        if _any_zero(b, valid, n):
            raise DivisionByZeroError("division by zero")
        b = _nonzero(b)
        e = rs - sa + sb
        if e >= 0:
            r = scaled_quotient(a, b, e, n)
            if r is None:  # the quotient itself needs more than int64
                r = div_half_away(scale_up(a, e), b, n)
        else:
            r = div_half_away(a, scale_up(b, -e), n)
    else:
        raise NotSupportedError(f"operator {op} is not supported")
    return finish_decimal(r, t.precision, valid, n)


def negate(col: Column, result_type: DataType) -> Column:
    """Unary minus, checked like the binary operators."""
    n = len(col)
    if isinstance(col, ConstColumn) and col.is_null:
        return null_column(result_type, n)
    valid = col.validity
    x = clean(col.data, valid)
    if result_type.is_float:
        return Column(result_type, -x, valid)
    if result_type.is_integer:
        if x.dtype == np.int64 and result_type.id is TypeId.BIGINT:
            hit = x == INT64_MIN
            if valid is not None:
                hit &= valid
            if hit.any():
                raise NumericOverflowError("bigint out of range")
            x = np.where(x == INT64_MIN, 0, x)
        r = -x
        check_int_range(r, result_type, valid)
        return Column(result_type, shrink(r), valid)
    if result_type.is_decimal:
        if x.dtype == np.int64 and (x == INT64_MIN).any():
            x = x.astype(object)
        r = rescale(-x, scale_of(col.type), result_type.scale, n)
        return Column(result_type, finish_decimal(r, result_type.precision, valid, n), valid)
    raise NotSupportedError(f"unary minus on {result_type.sql()} is not supported")
