"""The scalar function table: what a :class:`~columnar.sql.expr.Func` node runs.

Role: ``FUNCTIONS`` maps a canonical lower-case name to an implementation
``(args: list[Column], result_type: DataType, nrows: int) -> Column``. The
binder checks names against its keys and computes ``result_type``; the
evaluator (:mod:`columnar.exec.evaluate`) evaluates the arguments and calls
the implementation. Constant arguments arrive as
:class:`~columnar.exec.const_column.ConstColumn`, so ``ROUND(x, 2)`` or
``SUBSTRING(s, 1, 3)`` read their parameters as scalars.

Every function here is vectorised: numpy, pyarrow.compute or the
:mod:`columnar.kernels.strings` kernels. String functions on a
:class:`~columnar.core.strings.DictArray` run once per distinct dictionary
value and keep (or gather through) the codes. The families live in their own
modules and are merged in below:

=========================================  ======================================
:mod:`columnar.exec.datetime_functions`    EXTRACT fields, DATEADD, DATEDIFF,
                                           DATE_TRUNC, ADD_MONTHS, LAST_DAY ...
:mod:`columnar.exec.format_functions`      TO_CHAR, TO_DATE, TO_TIMESTAMP
:mod:`columnar.exec.string_functions`      LEFT, REPLACE, SPLIT_PART, LPAD, MD5 ...
:mod:`columnar.exec.regex_functions`       REGEXP_*, SIMILAR TO
:mod:`columnar.exec.math_functions`        TRUNC, SIGN, POWER, SQRT, LN, trig ...
=========================================  ======================================

GREATEST / LEAST (here) ignore NULL arguments and are NULL only when every
argument is NULL, as Redshift documents (PostgreSQL's rule, not the SQL
standard's).

Argument order follows SQL: ``position(substring, string)`` as in
``POSITION(sub IN s)``, ``strpos(string, substring)`` as in PostgreSQL.

``coalesce`` is listed (so the binder accepts it) but the evaluator runs it
lazily itself; the eager version here is only a fallback. Simplified versus
Redshift: ``round`` on floats rounds half to even (PostgreSQL's ``rint``),
on DECIMAL and integers half away from zero; ``trim`` characters and
``round`` digits must be constants.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import NotSupportedError, NumericOverflowError
from columnar.core.strings import StringArray
from columnar.core.types import DataType, TypeId
from columnar.exec.arith_eval import (
    INT64_MIN,
    check_int_range,
    check_precision,
    clean,
    div_half_away,
    rescale,
    scale_of,
    shrink,
)
from columnar.exec.compare_eval import compare
from columnar.exec.const_column import ConstColumn, and_validity, null_column
from columnar.exec.datetime_functions import DATETIME_FUNCTIONS
from columnar.exec.format_functions import FORMAT_FUNCTIONS
from columnar.exec.math_functions import MATH_FUNCTIONS
from columnar.exec.regex_functions import REGEX_FUNCTIONS
from columnar.exec.string_functions import STRING_FUNCTIONS
from columnar.exec.string_columns import map_strings, map_values, plain, to_arrow
from columnar.kernels import columns as kcols
from columnar.kernels import strings as kstr

FunctionImpl = Callable[[list, DataType, int], Column]


def strict(fn: FunctionImpl) -> FunctionImpl:
    """A function that returns NULL as soon as one argument is the NULL constant."""

    def wrapper(args: list, result_type: DataType, nrows: int) -> Column:
        if any(isinstance(a, ConstColumn) and a.is_null for a in args):
            return null_column(result_type, nrows)
        return fn(args, result_type, nrows)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def constant_int(col: Column, what: str) -> int:
    """The value of an integer argument that must be a constant."""
    if not isinstance(col, ConstColumn):
        raise NotSupportedError(f"{what} must be a constant")
    return int(col.value)


# ------------------------------------------------------------------ NULL handling


def coalesce(args: list, result_type: DataType, nrows: int) -> Column:
    """Eager COALESCE (the evaluator uses a lazy version): first non-NULL argument."""
    choice = np.full(nrows, -1, dtype=np.int64)
    for k, a in enumerate(args):
        todo = choice < 0
        choice[todo & a.is_valid()] = k
    if len(args) == 1:
        return args[0]
    rows = np.arange(nrows, dtype=np.int64)
    perm = np.where(choice >= 0, choice * nrows + rows, -1)
    parts = [Column(result_type, a.data, a.validity) for a in args]
    return kcols.take(kcols.concat_columns(parts), perm)


def nullif(args: list, result_type: DataType, nrows: int) -> Column:
    """NULLIF(a, b): NULL where ``a = b`` is TRUE, else ``a``."""
    a, b = args
    eq = compare("=", a, b)
    same = eq.data if eq.validity is None else eq.data & eq.validity
    validity = a.is_valid() & ~np.asarray(same, dtype=np.bool_)
    return Column(result_type, a.data, validity)


# ------------------------------------------------------------------ numbers


@strict
def abs_(args: list, result_type: DataType, nrows: int) -> Column:
    """ABS, checked: ``abs(-2**31)`` does not fit INTEGER."""
    (x,) = args
    valid = x.validity
    data = clean(x.data, valid)
    if x.type.is_float:
        return Column(result_type, np.abs(data), valid)
    if x.type.is_integer:
        if data.dtype == np.int64 and result_type.id is TypeId.BIGINT:
            hit = data == INT64_MIN
            if valid is not None:
                hit &= valid
            if hit.any():
                raise NumericOverflowError("bigint out of range")
        r = np.abs(data)
        check_int_range(r, result_type, valid)
        return Column(result_type, r, valid)
    if data.dtype == np.int64 and len(data) and data.min() == INT64_MIN:
        data = data.astype(object)
    r = rescale(np.abs(data), scale_of(x.type), scale_of(result_type), nrows)
    return Column(result_type, _fit_decimal(r, result_type, valid), valid)


def _fit_decimal(r, t: DataType, valid) -> np.ndarray:
    if t.is_decimal:
        check_precision(r, t.precision, valid)
        return shrink(clean(r, valid))
    if t.is_integer:
        check_int_range(r, t, valid)
        return shrink(clean(r, valid))
    return np.asarray(r, dtype=np.float64)


@strict
def round_(args: list, result_type: DataType, nrows: int) -> Column:
    """ROUND(x [, d]): DECIMAL and integers exactly, half away from zero."""
    x = args[0]
    d = constant_int(args[1], "the digits argument of ROUND") if len(args) > 1 else 0
    valid = x.validity
    data = clean(x.data, valid)
    if x.type.is_float:
        with np.errstate(all="ignore"):
            r = np.rint(data) if d == 0 else np.round(data, d)
        return Column(result_type, r if result_type.is_float else _fit_decimal(r, result_type, valid), valid)
    s = scale_of(x.type)
    if d >= s:
        r = data
        d = s
    else:
        r = div_half_away(data, 10 ** (s - d), nrows)  # the value at scale d
    return Column(result_type, _fit_decimal(rescale(r, d, scale_of(result_type), nrows), result_type, valid), valid)


def _floor_or_ceil(args: list, result_type: DataType, nrows: int, ceil: bool) -> Column:
    (x,) = args
    valid = x.validity
    data = clean(x.data, valid)
    if x.type.is_float:
        return Column(result_type, np.ceil(data) if ceil else np.floor(data), valid)
    s = scale_of(x.type)
    if s == 0:
        return Column(result_type, _fit_decimal(data, result_type, valid), valid)
    if data.dtype != object and s > 18:
        data = data.astype(object)
    q = -((-data) // 10**s) if ceil else data // 10**s
    return Column(result_type, _fit_decimal(rescale(q, 0, scale_of(result_type), nrows), result_type, valid), valid)


@strict
def floor(args: list, result_type: DataType, nrows: int) -> Column:
    """FLOOR: the largest integer not above x."""
    return _floor_or_ceil(args, result_type, nrows, ceil=False)


@strict
def ceil(args: list, result_type: DataType, nrows: int) -> Column:
    """CEIL / CEILING: the smallest integer not below x."""
    return _floor_or_ceil(args, result_type, nrows, ceil=True)


# ------------------------------------------------------------------ strings


def _string_result(x: Column, fn, result_type: DataType, validity=None, injective=False) -> Column:
    data = map_strings(x.data, fn, injective)
    return Column(result_type, data, x.validity if validity is None else validity)


@strict
def upper(args: list, result_type: DataType, nrows: int) -> Column:
    """UPPER."""
    return _string_result(args[0], kstr.upper, result_type)


@strict
def lower(args: list, result_type: DataType, nrows: int) -> Column:
    """LOWER."""
    return _string_result(args[0], kstr.lower, result_type)


@strict
def char_length(args: list, result_type: DataType, nrows: int) -> Column:
    """LENGTH / LEN / CHAR_LENGTH: characters (CHAR values carry no trailing blanks)."""
    (x,) = args
    return Column(result_type, map_values(x.data, kstr.char_lengths).astype(np.int64), x.validity)


@strict
def octet_length(args: list, result_type: DataType, nrows: int) -> Column:
    """OCTET_LENGTH: bytes."""
    (x,) = args
    return Column(result_type, map_values(x.data, kstr.byte_lengths).astype(np.int64), x.validity)


@strict
def substring(args: list, result_type: DataType, nrows: int) -> Column:
    """SUBSTRING(s, start [, length]), 1-based characters, PostgreSQL rules."""
    x, start = args[0], args[1]
    length = args[2] if len(args) > 2 else None
    consts = isinstance(start, ConstColumn) and (length is None or isinstance(length, ConstColumn))
    if consts:
        st = int(start.value)
        ln = None if length is None else int(length.value)
        return _string_result(x, lambda sa: kstr.substring(sa, st, ln), result_type)
    validity = and_validity(*[a for a in args if a is not None])
    ok = np.ones(nrows, dtype=np.bool_) if validity is None else validity
    st = np.where(ok, _int_values(start, nrows), 1)
    ln = None if length is None else np.where(ok, _int_values(length, nrows), 0)
    return Column(result_type, kstr.substring(plain(x.data), st, ln), validity)


def _int_values(col: Column, n: int) -> np.ndarray:
    if isinstance(col, ConstColumn):
        return np.full(n, int(col.value), dtype=np.int64)
    return np.asarray(col.data, dtype=np.int64)


def _trim(side: str) -> FunctionImpl:
    @strict
    def trim(args: list, result_type: DataType, nrows: int) -> Column:
        chars = " "
        if len(args) > 1:
            if not isinstance(args[1], ConstColumn):
                raise NotSupportedError("the characters to trim must be a constant")
            chars = str(args[1].value)
        return _string_result(args[0], lambda sa: kstr.trim(sa, chars, side), result_type)

    trim.__doc__ = f"TRIM ({side}): remove the given characters (default blank)."
    return trim


def _find(sa: StringArray, needle: str) -> np.ndarray:
    """1-based character position of ``needle`` in each value, 0 if absent."""
    sa = plain(sa)
    byte_pos = pc.fill_null(pc.find_substring(to_arrow(sa), needle), -1).to_numpy(zero_copy_only=False)
    byte_pos = byte_pos.astype(np.int64)
    found = byte_pos >= 0
    if not found.any():
        return np.zeros(len(sa), dtype=np.int64)
    # Characters before the match = lead bytes (not 10xxxxxx) before it.
    lead = np.zeros(len(sa.data) + 1, dtype=np.int64)
    np.cumsum((sa.data & 0xC0) != 0x80, out=lead[1:])
    starts = sa.offsets[:-1]
    at = starts + np.where(found, byte_pos, 0)
    return np.where(found, lead[at] - lead[starts] + 1, 0)


def _position(haystack: Column, needle: Column, result_type: DataType, nrows: int) -> Column:
    validity = and_validity(haystack, needle)
    if isinstance(needle, ConstColumn):
        values = map_values(haystack.data, lambda sa: _find(sa, str(needle.value)))
        return Column(result_type, values, validity)
    # A per-row needle: one vectorised pass per *distinct* needle.
    out = np.zeros(nrows, dtype=np.int64)
    needles = kcols.decode(needle).data
    encoded = kcols.dictionary_encode(needles)
    words = encoded.dictionary.to_pylist()
    hay = Column(haystack.type, plain(haystack.data))
    for k, word in enumerate(words):  # distinct needles, not rows
        rows = np.flatnonzero(encoded.codes == k)
        out[rows] = _find(kcols.take(hay, rows).data, word)
    return Column(result_type, out, validity)


@strict
def position(args: list, result_type: DataType, nrows: int) -> Column:
    """POSITION(substring IN string): 1-based character index, 0 if absent."""
    return _position(args[1], args[0], result_type, nrows)


@strict
def strpos(args: list, result_type: DataType, nrows: int) -> Column:
    """STRPOS(string, substring): 1-based character index, 0 if absent."""
    return _position(args[0], args[1], result_type, nrows)


def concat_strings(left: Column, right: Column, result_type: DataType) -> Column:
    """``left || right``: NULL if either side is NULL.

    A DictArray with a constant on the other side is concatenated on its
    dictionary only (the transform is injective, so the codes stay).
    """
    n = len(left)
    if (isinstance(left, ConstColumn) and left.is_null) or (isinstance(right, ConstColumn) and right.is_null):
        return null_column(result_type, n)
    validity = and_validity(left, right)
    if isinstance(left, ConstColumn) and isinstance(right, ConstColumn):
        return ConstColumn(result_type, str(left.value) + str(right.value), n)
    if isinstance(right, ConstColumn):
        s = str(right.value)
        data = map_strings(left.data, lambda sa: kstr.concat_scalar_right(sa, s), injective=True)
    elif isinstance(left, ConstColumn):
        s = str(left.value)
        data = map_strings(right.data, lambda sa: kstr.concat_scalar_left(s, sa), injective=True)
    else:
        data = kstr.concat(plain(left.data), plain(right.data))
    return Column(result_type, data, validity)


@strict
def concat(args: list, result_type: DataType, nrows: int) -> Column:
    """CONCAT(a, b): the same as ``a || b``."""
    return concat_strings(args[0], args[1], result_type)


# ------------------------------------------------------------------ GREATEST, LEAST


def _extreme(greatest: bool) -> FunctionImpl:
    op = ">" if greatest else "<"

    def extreme(args: list, result_type: DataType, nrows: int) -> Column:
        best = None
        for a in args:
            if isinstance(a, ConstColumn) and a.is_null:
                continue  # NULLs are ignored
            if best is None:
                best = a
                continue
            wins = compare(op, a, best)
            beats = wins.data if wins.validity is None else wins.data & wins.validity
            take_a = a.is_valid() & (~best.is_valid() | np.asarray(beats, dtype=np.bool_))
            rows = np.arange(nrows, dtype=np.int64)
            both = kcols.concat_columns([Column(result_type, best.data, best.validity), Column(result_type, a.data, a.validity)])
            best = kcols.take(both, np.where(take_a, rows + nrows, rows))
        return null_column(result_type, nrows) if best is None else best

    extreme.__name__ = "greatest" if greatest else "least"
    extreme.__doc__ = f"{extreme.__name__.upper()}(a, b, ...): NULLs ignored, NULL only if all are."
    return extreme


FUNCTIONS: dict[str, FunctionImpl] = {
    "coalesce": coalesce,
    "nvl": coalesce,
    "nullif": nullif,
    "abs": abs_,
    "round": round_,
    "floor": floor,
    "ceil": ceil,
    "ceiling": ceil,
    "upper": upper,
    "lower": lower,
    "length": char_length,
    "len": char_length,
    "char_length": char_length,
    "character_length": char_length,
    "octet_length": octet_length,
    "substring": substring,
    "substr": substring,
    "btrim": _trim("both"),
    "trim": _trim("both"),
    "ltrim": _trim("leading"),
    "rtrim": _trim("trailing"),
    "position": position,
    "strpos": strpos,
    "concat": concat,
    "greatest": _extreme(True),
    "least": _extreme(False),
    **DATETIME_FUNCTIONS,
    **FORMAT_FUNCTIONS,
    **STRING_FUNCTIONS,
    **REGEX_FUNCTIONS,
    **MATH_FUNCTIONS,
}

LAZY_FUNCTIONS = frozenset({"coalesce", "nvl"})  # evaluated lazily by the evaluator


def call_function(name: str, args: list, result_type: DataType, nrows: int) -> Column:
    """Run ``FUNCTIONS[name]``; an unknown name raises NotSupportedError."""
    fn = FUNCTIONS.get(name)
    if fn is None:
        raise NotSupportedError(f"function {name} is not supported")
    return fn(args, result_type, nrows)

