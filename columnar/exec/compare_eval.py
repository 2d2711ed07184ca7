"""Comparisons (``= <> < <= > >=``) for the expression evaluator.

Role: :func:`compare` is called by :mod:`columnar.exec.evaluate` for
comparison :class:`~columnar.sql.expr.Binary` nodes (and by ``NULLIF``). The
binder has already given both operands one common type, so this module only
picks the fastest physical route:

* numbers, dates, timestamps, booleans: one numpy ufunc; a constant operand
  stays a Python scalar (no materialised array). DECIMAL object arrays
  (values beyond int64) compare exactly with numpy's object loops.
* strings: the :mod:`columnar.kernels.strings` kernels. A
  :class:`~columnar.core.strings.DictArray` against a constant is compared
  once per *distinct* value (on the dictionary) and the answer is gathered
  through the codes; two DictArrays sharing one dictionary compare their
  codes for ``=``/``<>`` and their dictionary ranks for ordering.
* floats follow PostgreSQL / Redshift: ``NaN = NaN`` is true and NaN sorts
  above every other number.

The result is NULL where either side is NULL (its data is False there).
Trailing blanks are insignificant in CHAR *and* VARCHAR comparisons
(Redshift's "Character types" page): CHAR values are stored without them,
and VARCHAR values that end in a blank are stripped before comparing (a
one-byte-per-row check finds out whether any does).
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import BOOLEAN, TypeId
from columnar.exec.arith_eval import as_object, clean, scale_of, scale_up
from columnar.exec.const_column import ConstColumn, and_validity, bool_column, null_column
from columnar.exec.string_columns import plain
from columnar.kernels import strings as kstr

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

NUMPY_OPS = {
    "=": np.equal,
    "<>": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}
FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def compare(op: str, left: Column, right: Column) -> Column:
    """``left op right`` as a BOOLEAN column (NULL where either is NULL).

    Example:
        >>> from columnar.core.types import INTEGER
        >>> a = Column(INTEGER, np.array([1, 5, 9]), np.array([True, True, False]))
        >>> r = compare("<", a, ConstColumn(INTEGER, 5, 3))
        >>> r.data.tolist(), r.validity.tolist()
        ([True, False, False], [True, True, False])
    """
    n = len(left)
    if isinstance(left, ConstColumn) and not isinstance(right, ConstColumn):
        return compare(FLIPPED[op], right, left)
    if _is_null(left) or _is_null(right):
        return null_column(BOOLEAN, n)
    if isinstance(left, ConstColumn):  # both constant: compare one row, broadcast
        left = Column(left.type, left.resized(1).data, None)
        one = compare(op, left, right.resized(1))
        return ConstColumn(BOOLEAN, bool(one.data[0]), n)
    valid = and_validity(left, right)
    if left.type.is_string or right.type.is_string:
        values = _compare_strings(op, left, right)
    else:
        values = _compare_values(op, left, right)
    return bool_column(np.asarray(values, dtype=np.bool_), valid, BOOLEAN)


def _is_null(c: Column) -> bool:
    return c.type.id is TypeId.NULL or (isinstance(c, ConstColumn) and c.is_null)


# ------------------------------------------------------------------ strings


def _has_trailing_blank(sa: StringArray) -> bool:
    """Does any value end in a blank? One byte read per row."""
    ends = sa.offsets[1:]
    nonempty = ends > sa.offsets[:-1]
    return bool(len(sa.data)) and bool((sa.data[ends[nonempty] - 1] == 32).any())


def strip_blanks(data):
    """Values without trailing blanks (a DictArray: its dictionary only).

    Returns the input itself when no value ends in a blank, so the common
    case costs one byte read per row.
    """
    if isinstance(data, DictArray):
        if not _has_trailing_blank(data.dictionary):
            return data
        return DictArray(data.codes, kstr.rtrim_spaces(data.dictionary))
    return kstr.rtrim_spaces(data) if _has_trailing_blank(data) else data


def _compare_strings(op: str, left: Column, right: Column) -> np.ndarray:
    # Redshift: trailing blanks are insignificant when CHAR *and* VARCHAR
    # values are compared ('abc  ' = 'abc'). LIKE, by contrast, keeps them.
    la, lb = left.data, right.data
    shared = isinstance(la, DictArray) and isinstance(lb, DictArray) and la.dictionary is lb.dictionary
    if shared and len(la.dictionary):
        d = la.dictionary
        if op in ("=", "<>") and not _has_trailing_blank(d):
            return NUMPY_OPS[op](la.codes, lb.codes)  # distinct values: codes decide
        ranks, _ = kstr.string_ranks(strip_blanks(d))
        return NUMPY_OPS[op](ranks[la.codes], ranks[lb.codes])
    a = strip_blanks(la)
    if isinstance(right, ConstColumn):
        value = str(right.value).rstrip(" ")
        if isinstance(a, DictArray) and len(a.dictionary):
            return kstr.compare_scalar(a.dictionary, value, op)[a.codes]
        return kstr.compare_scalar(plain(a), value, op)
    return kstr.compare_arrays(plain(a), plain(strip_blanks(lb)), op)


# ------------------------------------------------------------------ numbers


def _compare_values(op: str, left: Column, right: Column) -> np.ndarray:
    a = clean(left.data, left.validity)
    b = right.value if isinstance(right, ConstColumn) else clean(right.data, right.validity)
    if left.type.is_decimal or right.type.is_decimal:
        # The binder gives both sides one type; align scales defensively anyway.
        sa, sb = scale_of(left.type), scale_of(right.type)
        s = max(sa, sb)
        a, b = scale_up(a, s - sa), scale_up(b, s - sb)
        if not isinstance(b, np.ndarray) and not INT64_MIN <= b <= INT64_MAX:
            a = as_object(a)  # numpy refuses to compare int64 with a huge Python int
    if left.type.id is TypeId.DATE and isinstance(b, int):
        b = np.int64(b)  # an int32 array against a far-away day number
    if left.type.is_float or right.type.is_float:
        return _compare_floats(op, a, b)
    return NUMPY_OPS[op](a, b)


def _compare_floats(op: str, a, b) -> np.ndarray:
    """PostgreSQL float ordering: NaN equals NaN and is above every number."""
    a_nan = np.isnan(a)
    b_nan = np.isnan(b)
    if not (np.any(a_nan) or np.any(b_nan)):
        return NUMPY_OPS[op](a, b)
    both = a_nan & b_nan
    if op == "=":
        return (a == b) | both
    if op == "<>":
        return ~((a == b) | both)
    # Order: number < NaN. With NaN on one side only, the NaN side is larger.
    lt = (a < b) | (~a_nan & b_nan)
    gt = (a > b) | (a_nan & ~b_nan)
    if op == "<":
        return lt
    if op == ">":
        return gt
    if op == "<=":
        return ~gt
    return ~lt  # ">="
