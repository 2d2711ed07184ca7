"""Checked integer arithmetic: +, -, *, rescaling and SQL division on int64.

Role: the expression evaluator calls these for SMALLINT/INTEGER/BIGINT and for
DECIMAL (int64 scaled integers). Redshift raises "Numeric data overflow"
where numpy silently wraps, and SQL integer division truncates toward zero
where numpy's ``//`` floors. Each kernel therefore returns the wrapped result
together with one *overflowed* flag for the whole array; the caller raises
:class:`~columnar.core.errors.NumericOverflowError` (or switches a DECIMAL to
exact Python ints) when the flag is set.

Detection, branch-free where possible:

* ``a + b`` overflowed iff both operands have the sign opposite to the
  wrapped result: ``((a ^ r) & (b ^ r)) < 0``; for ``a - b``:
  ``((a ^ b) & (a ^ r)) < 0``. The sign bits are OR-ed over the whole loop
  and tested once, so the loop vectorizes.
* ``a * b``: the float product tells the obvious cases (``|a*b| < 2**62``
  cannot overflow, ``>= 2**64`` must); the thin band in between is settled
  exactly by dividing the wrapped product back.
* ``x * 10**s`` (rescaling a DECIMAL up) compares ``x`` against the bounds
  ``MIN // 10**s .. MAX // 10**s``.

Operands: int64 arrays of equal length; either operand may also be a scalar
(a Python or numpy int), which is broadcast without materialising an array.
Rows that are NULL may hold any value; callers mask them out of the
overflow check by zeroing them first, or ignore the flag for them.
"""

from __future__ import annotations

import numpy as np

from columnar.core.errors import NumericOverflowError
from columnar.kernels._jit import njit

_I64_MIN = -(2**63)
_I64_MAX = 2**63 - 1
_NO_VALID = np.ones(0, dtype=np.bool_)

# Operand shapes passed to the kernels: both arrays, or one of them a scalar
# (given as a 1-element array so that every kernel has a single signature).
_BOTH, _A_SCALAR, _B_SCALAR = 0, 1, 2


def _operands(a, b) -> tuple[np.ndarray, np.ndarray, int]:
    a_scalar = np.ndim(a) == 0
    b_scalar = np.ndim(b) == 0
    aa = np.ascontiguousarray(np.atleast_1d(a), dtype=np.int64)
    bb = np.ascontiguousarray(np.atleast_1d(b), dtype=np.int64)
    if a_scalar and not b_scalar:
        return aa, bb, _A_SCALAR
    if b_scalar and not a_scalar:
        return aa, bb, _B_SCALAR
    if len(aa) != len(bb):
        raise ValueError(f"operand lengths differ: {len(aa)} and {len(bb)}")
    return aa, bb, _BOTH


# ---------------------------------------------------------------- + and -

# numba emits signed int64 arithmetic with LLVM's "no signed wrap" flag, so a
# wrapped signed result is undefined and the optimizer may fold overflow
# tests away. Wrapping arithmetic is therefore done on uint64 (plain modular
# instructions) and reinterpreted as int64.


@njit
def _wrap_add(x, y):
    return np.int64(np.uint64(x) + np.uint64(y))


@njit
def _wrap_sub(x, y):
    return np.int64(np.uint64(x) - np.uint64(y))


@njit
def _wrap_mul(x, y):
    return np.int64(np.uint64(x) * np.uint64(y))



@njit
def _add_kernel(a, b, mode):
    n = len(b) if mode == 1 else len(a)
    out = np.empty(n, np.int64)
    bad = np.int64(0)
    if mode == 0:
        for i in range(n):
            x = a[i]
            y = b[i]
            r = _wrap_add(x, y)
            bad |= (x ^ r) & (y ^ r)
            out[i] = r
    elif mode == 1:
        x = a[0]
        for i in range(n):
            y = b[i]
            r = _wrap_add(x, y)
            bad |= (x ^ r) & (y ^ r)
            out[i] = r
    else:
        y = b[0]
        for i in range(n):
            x = a[i]
            r = _wrap_add(x, y)
            bad |= (x ^ r) & (y ^ r)
            out[i] = r
    return out, bad < 0


@njit
def _sub_kernel(a, b, mode):
    n = len(b) if mode == 1 else len(a)
    out = np.empty(n, np.int64)
    bad = np.int64(0)
    if mode == 0:
        for i in range(n):
            x = a[i]
            y = b[i]
            r = _wrap_sub(x, y)
            bad |= (x ^ y) & (x ^ r)
            out[i] = r
    elif mode == 1:
        x = a[0]
        for i in range(n):
            y = b[i]
            r = _wrap_sub(x, y)
            bad |= (x ^ y) & (x ^ r)
            out[i] = r
    else:
        y = b[0]
        for i in range(n):
            x = a[i]
            r = _wrap_sub(x, y)
            bad |= (x ^ y) & (x ^ r)
            out[i] = r
    return out, bad < 0


def add_checked(a, b) -> tuple[np.ndarray, bool]:
    """``a + b`` (wrapped) and whether any exact sum left int64.

    Example:
        >>> r, ov = add_checked(np.array([1, 2**63 - 1]), np.array([2, 1]))
        >>> int(r[0]), ov
        (3, True)
        >>> add_checked(np.array([1, 2]), 10)[0].tolist()
        [11, 12]
    """
    aa, bb, mode = _operands(a, b)
    with np.errstate(over="ignore"):
        out, ov = _add_kernel(aa, bb, mode)
    return out, bool(ov)


def sub_checked(a, b) -> tuple[np.ndarray, bool]:
    """``a - b`` (wrapped) and whether any exact difference left int64.

    Example:
        >>> sub_checked(np.array([-2**63, 5]), np.array([1, 7]))[1]
        True
        >>> sub_checked(0, np.array([5, -5]))[0].tolist()
        [-5, 5]
    """
    aa, bb, mode = _operands(a, b)
    with np.errstate(over="ignore"):
        out, ov = _sub_kernel(aa, bb, mode)
    return out, bool(ov)


# ---------------------------------------------------------------- *


@njit
def _mul_overflows(x, y, r):
    """Exact test for the rare products near the int64 limits."""
    f = abs(float(x) * float(y))
    if f < 4.611686018427388e18:  # 2**62: the float error cannot reach 2**63
        return False
    if f >= 1.8446744073709552e19:  # 2**64
        return True
    if x == -1:
        return y == _I64_MIN
    # No overflow iff the wrapped product divides back exactly (floor division
    # of a wrapped r by x equals y only when r == x * y).
    return r // x != y


@njit
def _mul_kernel(a, b, mode):
    n = len(b) if mode == 1 else len(a)
    out = np.empty(n, np.int64)
    bad = False
    for i in range(n):
        x = a[0] if mode == 1 else a[i]
        y = b[0] if mode == 2 else b[i]
        r = _wrap_mul(x, y)
        out[i] = r
        # The float test is cheap and almost always decides; only the band
        # [2**62, 2**64) pays for the division.
        if abs(float(x) * float(y)) >= 4.611686018427388e18:
            bad |= _mul_overflows(x, y, r)
    return out, bad


def mul_checked(a, b) -> tuple[np.ndarray, bool]:
    """``a * b`` (wrapped) and whether any exact product left int64.

    Example:
        >>> mul_checked(np.array([3, -2**62]), np.array([4, 2]))
        (array([                  12, -9223372036854775808]), False)
        >>> mul_checked(np.array([2**62]), 2)[1]
        True
    """
    aa, bb, mode = _operands(a, b)
    with np.errstate(over="ignore"):
        out, ov = _mul_kernel(aa, bb, mode)
    return out, bool(ov)


# ---------------------------------------------------------------- range checks, rescaling


@njit
def _check_range_kernel(values, lo, hi, valid, has_valid):
    bad = False
    if has_valid:
        for i in range(len(values)):
            v = values[i]
            bad |= valid[i] & ((v < lo) | (v > hi))
    else:
        for i in range(len(values)):
            v = values[i]
            bad |= (v < lo) | (v > hi)
    return not bad


def check_range(values: np.ndarray, lo: int, hi: int, valid: np.ndarray | None = None) -> bool:
    """True if every valid value lies in ``[lo, hi]`` (SMALLINT/INTEGER checks).

    Example:
        >>> check_range(np.array([1, 40000]), -32768, 32767, None)
        False
        >>> check_range(np.array([1, 40000]), -32768, 32767, np.array([True, False]))
        True
    """
    values = np.ascontiguousarray(values, dtype=np.int64)
    lo, hi = max(int(lo), _I64_MIN), min(int(hi), _I64_MAX)
    if valid is None:
        return bool(_check_range_kernel(values, np.int64(lo), np.int64(hi), _NO_VALID, False))
    valid = np.ascontiguousarray(valid, dtype=np.bool_)
    return bool(_check_range_kernel(values, np.int64(lo), np.int64(hi), valid, True))


@njit
def _rescale_kernel(values, factor, lo, hi):
    n = len(values)
    out = np.empty(n, np.int64)
    bad = False
    for i in range(n):
        v = values[i]
        out[i] = _wrap_mul(v, factor)
        bad |= (v < lo) | (v > hi)
    return out, bad


def rescale_up(values: np.ndarray, factor: int) -> tuple[np.ndarray, bool]:
    """``values * factor`` (a power of ten, >= 1) and whether any product overflowed.

    Example:
        >>> rescale_up(np.array([12, -3]), 100)
        (array([1200, -300]), False)
        >>> rescale_up(np.array([10**17]), 100)[1]
        True
    """
    factor = int(factor)
    if factor < 1 or factor > _I64_MAX:
        raise ValueError(f"rescale factor {factor} out of range")
    values = np.ascontiguousarray(values, dtype=np.int64)
    lo = -((-_I64_MIN) // factor)  # ceil(MIN / factor)
    hi = _I64_MAX // factor
    with np.errstate(over="ignore"):
        out, bad = _rescale_kernel(values, np.int64(factor), np.int64(lo), np.int64(hi))
    return out, bool(bad)


# ---------------------------------------------------------------- division


@njit
def _div_kernel(a, b, mode, kind):
    """kind 0: truncating quotient, 1: remainder (sign of a), 2: quotient rounded half away.

    b == 0 yields 0 (callers check for division by zero first; NULL slots may
    hold 0). MIN / -1 is reported as overflow; MIN % -1 is 0.
    """
    n = len(b) if mode == 1 else len(a)
    out = np.empty(n, np.int64)
    bad = False
    for i in range(n):
        x = a[0] if mode == 1 else a[i]
        y = b[0] if mode == 2 else b[i]
        neg1 = y == -1
        zero = y == 0
        d = 1 if (neg1 | zero) else y  # never divide by 0 or -1 (MIN / -1 traps)
        q = x // d  # floor
        r = x - q * d
        # floor -> trunc: when the remainder is non-zero and x, d differ in sign.
        fix = (r != 0) & ((x ^ d) < 0)
        q = q + np.int64(fix)
        r = r - d * np.int64(fix)
        if neg1:
            bad |= (x == _I64_MIN) & (kind != 1)  # MIN % -1 is simply 0
            q = _wrap_sub(np.int64(0), x)
            r = np.int64(0)
        if kind == 0:
            res = q
        elif kind == 1:
            res = r
        else:
            # Round half away from zero: |2r| >= |y|, tested in the negative
            # range so that neither side can overflow.
            nr = r if r < 0 else -r
            ny = y if y < 0 else -y
            up = nr <= ny - nr
            step = np.int64(1) if (x ^ y) >= 0 else np.int64(-1)
            res = q + step * np.int64(up & (r != 0))
        out[i] = 0 if zero else res
    return out, bad


def _divide(a, b, kind: int) -> np.ndarray:
    aa, bb, mode = _operands(a, b)
    with np.errstate(over="ignore"):
        out, bad = _div_kernel(aa, bb, mode, kind)
    if bad:
        raise NumericOverflowError("Numeric data overflow (-9223372036854775808 / -1)")
    return out


def div_trunc(a, b) -> np.ndarray:
    """SQL integer division: the quotient truncated toward zero.

    ``b != 0`` is the caller's responsibility (a 0 divisor gives 0); the one
    overflowing case, ``-2**63 / -1``, raises NumericOverflowError.

    Example:
        >>> div_trunc(np.array([7, -7, 7, -7]), np.array([2, 2, -2, -2])).tolist()
        [3, -3, -3, 3]
    """
    return _divide(a, b, 0)


def mod_trunc(a, b) -> np.ndarray:
    """SQL ``%``: the remainder of truncating division (sign of the dividend).

    Example:
        >>> mod_trunc(np.array([7, -7, 7, -7]), np.array([2, 2, -2, -2])).tolist()
        [1, -1, 1, -1]
    """
    return _divide(a, b, 1)


def div_round_half_away(a, b) -> np.ndarray:
    """Integer division rounding half away from zero (DECIMAL division).

    Example:
        >>> div_round_half_away(np.array([5, -5, 7, -7, 4]), np.array([2, 2, 2, 2, 3])).tolist()
        [3, -3, 4, -4, 1]
    """
    return _divide(a, b, 2)


__all__ = [
    "add_checked",
    "check_range",
    "div_round_half_away",
    "div_trunc",
    "mod_trunc",
    "mul_checked",
    "rescale_up",
    "sub_checked",
]
