"""columnar.kernels.arith against exact Python integer arithmetic."""

import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from columnar.core.errors import NumericOverflowError
from columnar.kernels import arith as K

from ._strategies import EXTREMES, I64_MAX, I64_MIN, SETTINGS, int64s


def fits(x):
    return I64_MIN <= x <= I64_MAX


def wrap(x):
    return (x + 2**63) % 2**64 - 2**63


@st.composite
def operand_pairs(draw, elements=int64s, nonzero_b=False):
    n = draw(st.integers(0, 30))
    a = draw(st.lists(elements, min_size=n, max_size=n))
    belems = elements.filter(lambda x: x != 0) if nonzero_b else elements
    b = draw(st.lists(belems, min_size=n, max_size=n))
    shape = draw(st.sampled_from(["arrays", "a_scalar", "b_scalar"]))
    if shape == "a_scalar":
        s = draw(elements)
        return s, np.array(b, dtype=np.int64), [s] * n, b
    if shape == "b_scalar":
        s = draw(belems)
        return np.array(a, dtype=np.int64), s, a, [s] * n
    return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64), a, b


# Products near the int64 limits, where the float pre-check is undecided.
near_limit = st.one_of(
    int64s,
    st.sampled_from([3037000499, 3037000500, -3037000499, -3037000500, 2**32, -(2**31), 2**31, 2**62, -(2**62), -1, 2, -2]),
)


@pytest.mark.parametrize("fn,op", [(K.add_checked, operator.add), (K.sub_checked, operator.sub), (K.mul_checked, operator.mul)])
@SETTINGS
@given(data=st.data())
def test_checked_ops(fn, op, data):
    a, b, la, lb = data.draw(operand_pairs(near_limit if op is operator.mul else int64s))
    out, overflowed = fn(a, b)
    exact = [op(x, y) for x, y in zip(la, lb)]
    assert out.dtype == np.int64
    assert overflowed == (not all(fits(x) for x in exact))
    assert out.tolist() == [wrap(x) for x in exact]


def test_mul_boundaries():
    for x, y in [(I64_MIN, 1), (I64_MIN, -1), (-1, I64_MIN), (2**62, 2), (-(2**62), 2), (3037000499, 3037000499), (3037000500, 3037000500), (I64_MAX, -1)]:
        _, ov = K.mul_checked(np.array([x]), np.array([y]))
        assert ov == (not fits(x * y)), (x, y)


@SETTINGS
@given(st.lists(int64s, max_size=30), st.integers(-(2**40), 2**40), st.integers(0, 2**40), st.booleans(), st.data())
def test_check_range(values, lo, width, masked, data):
    hi = lo + width
    valid = None
    if masked:
        valid = np.array(data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))), dtype=np.bool_)
    got = K.check_range(np.array(values, dtype=np.int64), lo, hi, valid)
    assert got == all(lo <= v <= hi for i, v in enumerate(values) if valid is None or valid[i])


@SETTINGS
@given(st.lists(int64s, max_size=30), st.integers(0, 18))
def test_rescale_up(values, s):
    f = 10**s
    out, ov = K.rescale_up(np.array(values, dtype=np.int64), f)
    assert ov == (not all(fits(v * f) for v in values))
    assert out.tolist() == [wrap(v * f) for v in values]


def ref_trunc(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def ref_round(a, b):
    q, r = divmod(abs(a), abs(b))
    if 2 * r >= abs(b):
        q += 1
    return q if (a >= 0) == (b >= 0) else -q


divisors = st.one_of(int64s, st.integers(-7, 7)).filter(lambda x: x != 0)
dividends = st.one_of(int64s, st.integers(-50, 50))


@SETTINGS
@given(data=st.data())
def test_division(data):
    a, b, la, lb = data.draw(operand_pairs(dividends, nonzero_b=True))
    if any(x == I64_MIN and y == -1 for x, y in zip(la, lb)):
        with pytest.raises(NumericOverflowError):
            K.div_trunc(a, b)
        assert K.mod_trunc(a, b).tolist() == [0 if y == -1 else x - y * ref_trunc(x, y) for x, y in zip(la, lb)]
        return
    assert K.div_trunc(a, b).tolist() == [ref_trunc(x, y) for x, y in zip(la, lb)]
    assert K.mod_trunc(a, b).tolist() == [x - y * ref_trunc(x, y) for x, y in zip(la, lb)]
    assert K.div_round_half_away(a, b).tolist() == [ref_round(x, y) for x, y in zip(la, lb)]


def test_division_extremes():
    a = np.array([I64_MIN, I64_MAX, I64_MIN, I64_MIN + 1, 7], dtype=np.int64)
    b = np.array([I64_MIN, I64_MIN, 2, -1, 2], dtype=np.int64)
    assert K.div_trunc(a, b).tolist() == [ref_trunc(x, y) for x, y in zip(a.tolist(), b.tolist())]
    assert K.div_round_half_away(a, b).tolist() == [ref_round(x, y) for x, y in zip(a.tolist(), b.tolist())]
    assert K.mod_trunc(np.array([I64_MIN]), -1).tolist() == [0]  # only the quotient overflows
    with pytest.raises(NumericOverflowError):
        K.div_round_half_away(np.array([I64_MIN]), np.array([-1]))


def test_zero_divisor_gives_zero_not_a_crash():
    assert K.div_trunc(np.array([5, 6]), np.array([0, 3])).tolist() == [0, 2]


def test_scalar_operands_broadcast():
    r, ov = K.add_checked(np.array(EXTREMES[:3], dtype=np.int64), 1)
    assert not ov and r.tolist() == [x + 1 for x in EXTREMES[:3]]
    r, ov = K.sub_checked(-2, np.array([I64_MAX]))
    assert ov
