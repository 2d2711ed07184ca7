"""Typing scalar function calls: argument counts, argument casts, result types.

Role: the function half of expression binding. The binder
(:mod:`columnar.sql.binder`) binds a call's arguments with
:mod:`columnar.sql.bind_expr` and hands them here; out comes the
:class:`~columnar.sql.expr.Func` node the evaluator runs (or a folded
:class:`~columnar.sql.expr.Const`). Place in the pipeline: parser → AST →
**binder** → logical plan → optimizer → physical planner.

* scalar functions (:func:`scalar_function`) are typed from a table of small
  "typers": argument count, argument casts (an untyped string literal becomes
  the number or timestamp the function expects), result type;
* dateparts take Redshift's names and abbreviations (:data:`DATEPARTS`),
  for DATEADD, DATEDIFF, DATE_TRUNC and EXTRACT / DATE_PART (:func:`extract`);
* GETDATE() and its kin become constants of the statement's clock
  (:func:`clock_function`);
* ``x SIMILAR TO pattern`` is typed by :func:`similar_to`.

Coercion itself (:func:`~columnar.sql.bind_expr.cast_to`,
:func:`~columnar.sql.bind_expr.common_type`) lives in
:mod:`columnar.sql.bind_expr`; this module only imports from it.
"""

from __future__ import annotations

import datetime as dt
import math

from columnar.core import temporal
from columnar.core.errors import BinderError, NotSupportedError
from columnar.core.types import (
    BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, MAX_VARCHAR, TIMESTAMP, DataType, TypeId,
)
from columnar.sql.bind_expr import _checked_cast, cast_to, common_type
from columnar.sql.expr import BoundExpr, Const, Func, Unary

EXTRACT_FIELDS = {
    "year", "month", "day", "quarter", "week", "dow", "dayofweek", "doy", "dayofyear", "hour",
    "minute", "second", "epoch", "decade", "century", "millennium", "isodow", "millisecond",
    "microsecond",
}


# ---------------------------------------------------------------------------
# scalar functions: argument counts, argument casts, result types
# ---------------------------------------------------------------------------
#
# ``scalar_function`` looks the (lower-case) name up in ``_TYPERS``; each typer
# checks the argument count and types, inserts the casts and returns the Func
# node the evaluator runs (``columnar.exec.functions.FUNCTIONS`` has every
# name emitted here; ``tests/unit/exec/test_function_coverage.py`` checks it).
# Datepart and format arguments must be constants: a datepart reaches the
# evaluator as its canonical lower-case name (``'mins'`` → ``'minute'``), a
# format as written (TO_CHAR patterns are case-sensitive: ``Month``/``MONTH``).


class _Call:
    """One function call being typed: its name, bound arguments and error factory."""

    def __init__(self, name: str, args: list[BoundExpr], err):
        self.name, self.args, self.err = name, list(args), err

    def need(self, lo: int, hi: int | None = None) -> None:
        hi = lo if hi is None else hi
        n = len(self.args)
        if lo <= n <= hi:
            return
        if hi > 99:  # variadic
            raise self.err(BinderError, f"function {self.name} requires at least {'one' if lo == 1 else lo} argument{'s' * (lo > 1)}")
        span = lo if lo == hi else f"{lo} to {hi}"
        raise self.err(BinderError, f"function {self.name} takes {span} argument{'s' * (hi != 1)}, got {n}")

    def fail(self, cls=BinderError) -> Exception:
        """PostgreSQL's wording for a call no signature accepts."""
        types = ", ".join(a.type.sql().lower() for a in self.args)
        return self.err(cls, f"function {self.name}({types}) does not exist")

    def _coerce(self, i: int, target: DataType, accept) -> BoundExpr:
        e = self.args[i]
        if e.type.is_null:
            return Const(None, target)
        if accept(e.type):
            return cast_to(e, target)
        if isinstance(e, Const) and e.type.is_string:  # an untyped literal: '4', '2024-01-01'
            return _checked_cast(e, target, self.err)
        raise self.fail()

    def double(self, i: int) -> BoundExpr:
        return self._coerce(i, DOUBLE, lambda t: t.is_numeric)

    def integer(self, i: int, target: DataType = INTEGER) -> BoundExpr:
        return self._coerce(i, target, lambda t: t.is_numeric)

    def boolean(self, i: int) -> BoundExpr:
        return self._coerce(i, BOOLEAN, lambda t: t.id is TypeId.BOOLEAN)

    def string(self, i: int) -> BoundExpr:
        return _as_string(self.args[i], self.err)

    def temporal(self, i: int) -> BoundExpr:
        """A DATE or TIMESTAMP argument; strings are cast to TIMESTAMP."""
        e = self.args[i]
        if e.type.is_temporal:
            return e
        return self._coerce(i, TIMESTAMP, lambda t: t.is_string)

    def text(self, i: int, what: str) -> str:
        """A constant string argument (a datepart, a format), as written."""
        e = self.args[i]
        if not (isinstance(e, Const) and isinstance(e.value, str)):
            raise self.err(BinderError, f"the {what} argument of {self.name} must be a constant string")
        return e.value

    def datepart(self, i: int, allowed) -> Const:
        raw = self.text(i, "datepart").strip().lower()
        part = DATEPART_ALIASES.get(raw, raw)
        if part not in allowed:
            raise self.err(BinderError, f'datepart "{raw}" is not supported by {self.name.upper()}')
        return _text_const(part)


def _text_const(s: str) -> Const:
    return Const(s, DataType.varchar(max(1, len(s.encode()))))


def scalar_function(name: str, args: list[BoundExpr], err) -> BoundExpr:
    """Type-check a scalar function call and build its Func node (or fold it to a Const)."""
    typer = _TYPERS.get(name)
    if typer is None:
        raise err(BinderError, f"function {name} does not exist")
    return typer(_Call(name, args, err))


# -- NULL handling and conditional ---------------------------------------------


def _coalesce(c: _Call) -> BoundExpr:
    c.need(1, 999)
    t = common_type([a.type for a in c.args], c.name.upper(), c.err)
    return Func("coalesce", tuple(cast_to(a, t) for a in c.args), t)


def _nullif(c: _Call) -> BoundExpr:
    c.need(2)
    t = common_type([a.type for a in c.args], "NULLIF", c.err)
    return Func("nullif", tuple(cast_to(a, t) for a in c.args), t)


def _greatest(c: _Call) -> BoundExpr:
    """GREATEST / LEAST: NULLs are ignored; NULL only when every argument is NULL.
    Untyped string literals take the type of the other arguments."""
    c.need(1, 999)
    typed = [a.type for a in c.args if not (isinstance(a, Const) and a.type.is_string)]
    t = common_type(typed or [a.type for a in c.args], c.name.upper(), c.err)
    if t.is_null:
        t = DataType.varchar(256)
    args = [a if a.type == t else (_checked_cast(a, t, c.err) if isinstance(a, Const) else cast_to(a, t)) for a in c.args]
    return Func(c.name, tuple(args), t)


# -- numbers --------------------------------------------------------------------


def _numeric_first(c: _Call) -> BoundExpr:
    x = c.args[0]
    if isinstance(x, Const) and x.type.is_string:
        return c.double(0)
    if x.type.is_null:
        return Const(None, DOUBLE)
    if not x.type.is_numeric:
        raise c.fail()
    return x


def _abs_floor_ceil(c: _Call) -> BoundExpr:
    c.need(1)
    x = _numeric_first(c)
    t = x.type
    if c.name in ("floor", "ceil", "ceiling") and t.is_decimal:
        t = DataType.decimal(t.precision, 0)
    return Func("ceil" if c.name == "ceiling" else c.name, (x,), t)


def _round_trunc(c: _Call) -> BoundExpr:
    """ROUND / TRUNC(number [, digits]): the number's type; a DECIMAL keeps
    ``digits`` (0 when omitted or negative) fractional digits, as Redshift's
    ``round(28.05) = 28``, ``round(28.05, 1) = 28.1``. TRUNC(date or timestamp)
    is the DATE."""
    c.need(1, 2)
    x = c.args[0]
    if c.name == "trunc" and (x.type.is_temporal or (isinstance(x, Const) and x.type.is_string)):
        c.need(1)
        return cast_to(c.temporal(0), DATE)
    x = _numeric_first(c)
    t = x.type
    digits = c.integer(1) if len(c.args) == 2 else None
    d = 0
    if digits is not None:
        if not isinstance(digits, Const):
            raise c.err(NotSupportedError, f"the digits argument of {c.name} must be a constant")
        if digits.value is None:
            return Const(None, t)
        d = int(digits.value)
    if t.is_decimal:
        scale = min(t.scale, max(d, 0))
        grow = 1 if c.name == "round" else 0  # 9.99 rounds to 10.0
        t = DataType.decimal(min(38, max(1, t.precision - t.scale + scale + grow)), scale)
    return Func(c.name, (x,) if digits is None else (x, digits), t)


def _sign(c: _Call) -> BoundExpr:
    """SIGN: -1, 0 or 1 in the argument's type; DECIMAL(1,0) for a DECIMAL."""
    c.need(1)
    x = _numeric_first(c)
    return Func("sign", (x,), DataType.decimal(1, 0) if x.type.is_decimal else x.type)


_FLOAT_MATH = {
    "sqrt": "sqrt", "cbrt": "cbrt", "ln": "ln", "dlog1": "ln", "log": "log", "dlog10": "log",
    "exp": "exp", "dexp": "exp", "degrees": "degrees", "radians": "radians", "sin": "sin",
    "cos": "cos", "tan": "tan", "cot": "cot", "asin": "asin", "acos": "acos", "atan": "atan",
    "atan2": "atan2", "power": "power", "pow": "power", "dpow": "power",
}


def _float_math(c: _Call) -> BoundExpr:
    """The DOUBLE PRECISION math functions (arguments cast to DOUBLE)."""
    canon = _FLOAT_MATH[c.name]
    c.need(2 if canon in ("atan2", "power") else 1)
    return Func(canon, tuple(c.double(i) for i in range(len(c.args))), DOUBLE)


def _pi(c: _Call) -> BoundExpr:
    c.need(0)
    return Const(math.pi, DOUBLE)


# -- strings --------------------------------------------------------------------


def _as_string(e: BoundExpr, err) -> BoundExpr:
    if e.type.is_string:
        return e
    if e.type.is_null:
        return Const(None, DataType.varchar(256))
    return cast_to(e, DataType.varchar(MAX_VARCHAR))


def _varchar_like(e: BoundExpr) -> DataType:
    return DataType.varchar(e.type.length) if e.type.is_string else DataType.varchar(MAX_VARCHAR)


_ANY_VARCHAR = DataType.varchar(MAX_VARCHAR)


def _substring(c: _Call) -> BoundExpr:
    c.need(2, 3)
    rest = tuple(c.integer(i) for i in range(1, len(c.args)))
    return Func("substring", (c.string(0),) + rest, _varchar_like(c.args[0]))


def _trim(c: _Call) -> BoundExpr:
    c.need(1, 2)
    canon = "btrim" if c.name == "trim" else c.name
    return Func(canon, tuple(c.string(i) for i in range(len(c.args))), _varchar_like(c.args[0]))


def _same_string(c: _Call) -> BoundExpr:
    """UPPER, LOWER, INITCAP, REVERSE: a string of the argument's type."""
    c.need(1)
    return Func(c.name, (c.string(0),), _varchar_like(c.args[0]))


def _lengths(c: _Call) -> BoundExpr:
    c.need(1)
    canon = "octet_length" if c.name == "octet_length" else "length"
    return Func(canon, (c.string(0),), INTEGER)


def _position(c: _Call) -> BoundExpr:
    """POSITION(sub IN s) and CHARINDEX(sub, s); STRPOS(s, sub) swaps the arguments."""
    c.need(2)
    sub, s = (1, 0) if c.name == "strpos" else (0, 1)
    return Func("position", (c.string(sub), c.string(s)), INTEGER)


def _left_right(c: _Call) -> BoundExpr:
    c.need(2)
    return Func(c.name, (c.string(0), c.integer(1)), _varchar_like(c.args[0]))


def _replace(c: _Call) -> BoundExpr:
    c.need(3)
    return Func("replace", tuple(c.string(i) for i in range(3)), _ANY_VARCHAR)


def _split_part(c: _Call) -> BoundExpr:
    c.need(3)
    return Func("split_part", (c.string(0), c.string(1), c.integer(2)), _varchar_like(c.args[0]))


def _pad(c: _Call) -> BoundExpr:
    """LPAD / RPAD(s, length [, fill]): ``length`` characters (at most 4 bytes each)."""
    c.need(2, 3)
    n = c.integer(1)
    fill = (c.string(2),) if len(c.args) == 3 else ()
    t = DataType.varchar(min(MAX_VARCHAR, max(1, 4 * int(n.value)))) if isinstance(n, Const) and n.value is not None else _ANY_VARCHAR
    return Func(c.name, (c.string(0), n) + fill, t)


def _repeat(c: _Call) -> BoundExpr:
    c.need(2)
    return Func("repeat", (c.string(0), c.integer(1)), _ANY_VARCHAR)


def _ascii(c: _Call) -> BoundExpr:
    c.need(1)
    return Func("ascii", (c.string(0),), INTEGER)


def _chr(c: _Call) -> BoundExpr:
    c.need(1)
    return Func("chr", (c.integer(0),), DataType.varchar(4))


def _md5(c: _Call) -> BoundExpr:
    c.need(1)
    return Func("md5", (c.string(0),), DataType.varchar(32))


# REGEXP_*: (string, pattern, then the optional arguments in Redshift's order).
_REGEXP_SIGNATURES = {
    "regexp_substr": ("position", "occurrence", "parameters"),
    "regexp_count": ("position", "parameters"),
    "regexp_instr": ("position", "occurrence", "option", "parameters"),
    "regexp_replace": ("replacement", "position", "parameters"),
}


def _regexp(c: _Call) -> BoundExpr:
    """REGEXP_SUBSTR / COUNT / INSTR / REPLACE. Optional arguments left out are
    filled with their defaults here, so the evaluator always gets all of them."""
    names = _REGEXP_SIGNATURES[c.name]
    c.need(2, 2 + len(names))
    defaults = {"position": Const(1, INTEGER), "occurrence": Const(1, INTEGER), "option": Const(0, INTEGER),
                "parameters": _text_const("c"), "replacement": _text_const("")}
    out = [c.string(0), c.string(1)]
    for k, what in enumerate(names):
        i = 2 + k
        if i >= len(c.args):
            out.append(defaults[what])
        elif what in ("parameters", "replacement"):
            out.append(c.string(i))
        else:
            out.append(c.integer(i))
    if c.name in ("regexp_count", "regexp_instr"):
        t = INTEGER
    elif c.name == "regexp_replace":
        t = _ANY_VARCHAR
    else:
        t = _varchar_like(c.args[0])
    return Func(c.name, tuple(out), t)


def similar_to(x: BoundExpr, pattern: BoundExpr, negated: bool, err) -> BoundExpr:
    """``x [NOT] SIMILAR TO pattern``: a regular expression matching the whole string."""
    if not (x.type.is_string or x.type.is_null) or not (pattern.type.is_string or pattern.type.is_null):
        raise err(BinderError, f"operator does not exist: {x.type.sql().lower()} SIMILAR TO {pattern.type.sql().lower()}")
    out = Func("similar_to", (_as_string(x, err), _as_string(pattern, err)), BOOLEAN)
    return Unary("not", out, BOOLEAN) if negated else out


# -- dates and times --------------------------------------------------------------

#: Redshift's datepart names and abbreviations ("Date parts for date or timestamp
#: functions"), accepted by DATEADD, DATEDIFF, DATE_TRUNC, DATE_PART and EXTRACT.
#: Note ``m`` is minutes (months are ``mon``) and ``dy`` the day of year.
DATEPARTS = {
    "millennium": ("millennium", "millennia", "mil", "mils"),
    "century": ("century", "centuries", "c", "cent", "cents"),
    "decade": ("decade", "decades", "dec", "decs"),
    "epoch": ("epoch",),
    "year": ("year", "years", "y", "yr", "yrs"),
    "quarter": ("quarter", "quarters", "qtr", "qtrs"),
    "month": ("month", "months", "mon", "mons"),
    "week": ("week", "weeks", "w"),
    "dow": ("dayofweek", "dow", "dw", "weekday"),
    "doy": ("dayofyear", "doy", "dy", "yearday"),
    "day": ("day", "days", "d"),
    "hour": ("hour", "hours", "h", "hr", "hrs"),
    "minute": ("minute", "minutes", "m", "min", "mins"),
    "second": ("second", "seconds", "s", "sec", "secs"),
    "millisecond": ("millisecond", "milliseconds", "ms", "msec", "msecs", "msecond", "mseconds",
                    "millisec", "millisecs", "millisecon"),
    "microsecond": ("microsecond", "microseconds", "microsec", "microsecs", "usecond", "useconds",
                    "us", "usec", "usecs"),
}
DATEPART_ALIASES = {alias: canon for canon, names in DATEPARTS.items() for alias in names}
#: The dateparts DATEADD, DATEDIFF and DATE_TRUNC accept (no epoch, dow, doy).
INTERVAL_PARTS = frozenset(DATEPARTS) - {"epoch", "dow", "doy"}

#: Niladic clock functions, bound to constants (see :func:`clock_function`).
CLOCK_FUNCTIONS = frozenset({"getdate", "sysdate", "current_date", "current_timestamp"})


def statement_clock() -> dt.datetime:
    """The statement's start time in UTC (Redshift sessions default to UTC)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def clock_function(name: str, nargs: int, now: dt.datetime, err) -> Const:
    """GETDATE() / SYSDATE / CURRENT_DATE / CURRENT_TIMESTAMP as constants of
    the statement's clock ``now``, so they do not change while it runs.
    GETDATE() has whole seconds (as Redshift prints it); the others keep the
    microseconds. Simplified: transactions are not modelled (every statement
    commits), so SYSDATE's "start of the transaction" is the statement start,
    and CURRENT_TIMESTAMP is a TIMESTAMP, not a TIMESTAMPTZ."""
    if nargs:
        raise err(BinderError, f"function {name} takes 0 arguments, got {nargs}")
    if name == "current_date":
        return Const(temporal.date_to_days(now.date()), DATE)
    if name == "getdate":
        now = now.replace(microsecond=0)
    return Const(temporal.datetime_to_micros(now), TIMESTAMP)


def _dateadd(c: _Call) -> BoundExpr:
    """DATEADD(datepart, n, date or timestamp) → TIMESTAMP."""
    c.need(3)
    part = c.datepart(0, INTERVAL_PARTS)
    return Func("dateadd", (part, c.integer(1, BIGINT), c.temporal(2)), TIMESTAMP)


def _datediff(c: _Call) -> BoundExpr:
    """DATEDIFF(datepart, a, b) → BIGINT: the datepart boundaries crossed from a to b."""
    c.need(3)
    part = c.datepart(0, INTERVAL_PARTS)
    return Func("datediff", (part, c.temporal(1), c.temporal(2)), BIGINT)


def _date_trunc(c: _Call) -> BoundExpr:
    """DATE_TRUNC('datepart', date or timestamp) → TIMESTAMP."""
    c.need(2)
    part = c.datepart(0, INTERVAL_PARTS)
    return Func("date_trunc", (part, c.temporal(1)), TIMESTAMP)


def _add_months(c: _Call) -> BoundExpr:
    c.need(2)
    return Func("add_months", (c.temporal(0), c.integer(1, BIGINT)), TIMESTAMP)


def _last_day(c: _Call) -> BoundExpr:
    c.need(1)
    return Func("last_day", (c.temporal(0),), DATE)


def _months_between(c: _Call) -> BoundExpr:
    c.need(2)
    return Func("months_between", (c.temporal(0), c.temporal(1)), DOUBLE)


def _to_char(c: _Call) -> BoundExpr:
    """TO_CHAR(date, timestamp or number, 'format') → VARCHAR."""
    c.need(2)
    x = c.args[0]
    if x.type.is_string:
        x = c.temporal(0)
    elif x.type.is_null:
        x = Const(None, TIMESTAMP)
    elif not (x.type.is_temporal or x.type.is_numeric):
        raise c.fail()
    fmt = c.text(1, "format")
    return Func("to_char", (x, _text_const(fmt)), DataType.varchar(min(MAX_VARCHAR, max(1, 12 * len(fmt)))))


def _to_date(c: _Call) -> BoundExpr:
    """TO_DATE(string, 'format' [, is_strict]) → DATE; TO_TIMESTAMP(string, 'format') → TIMESTAMP."""
    c.need(2, 3 if c.name == "to_date" else 2)
    strict = c.boolean(2) if len(c.args) == 3 else Const(False, BOOLEAN)
    if not isinstance(strict, Const):
        raise c.err(BinderError, "the is_strict argument of to_date must be a constant")
    fmt = c.text(1, "format")
    t = DATE if c.name == "to_date" else TIMESTAMP
    return Func(c.name, (c.string(0), _text_const(fmt), strict), t)


_TYPERS = {
    "coalesce": _coalesce, "nvl": _coalesce, "nullif": _nullif, "greatest": _greatest, "least": _greatest,
    "abs": _abs_floor_ceil, "floor": _abs_floor_ceil, "ceil": _abs_floor_ceil, "ceiling": _abs_floor_ceil,
    "round": _round_trunc, "trunc": _round_trunc, "sign": _sign, "pi": _pi,
    **{name: _float_math for name in _FLOAT_MATH},
    "substring": _substring, "substr": _substring,
    "btrim": _trim, "ltrim": _trim, "rtrim": _trim, "trim": _trim,
    "upper": _same_string, "lower": _same_string, "initcap": _same_string, "reverse": _same_string,
    "length": _lengths, "len": _lengths, "char_length": _lengths, "character_length": _lengths,
    "octet_length": _lengths, "position": _position, "strpos": _position, "charindex": _position,
    "left": _left_right, "right": _left_right, "replace": _replace, "split_part": _split_part,
    "lpad": _pad, "rpad": _pad, "repeat": _repeat, "ascii": _ascii, "chr": _chr, "md5": _md5,
    **{name: _regexp for name in _REGEXP_SIGNATURES},
    "dateadd": _dateadd, "datediff": _datediff, "date_trunc": _date_trunc, "add_months": _add_months,
    "last_day": _last_day, "months_between": _months_between, "to_char": _to_char,
    "to_date": _to_date, "to_timestamp": _to_date,
}


def extract(field: str, e: BoundExpr, err) -> BoundExpr:
    """EXTRACT(field FROM x) / DATE_PART('field', x); Redshift's datepart
    abbreviations are accepted (``DATE_PART('y', d)``)."""
    f = DATEPART_ALIASES.get(field, field)
    if f not in EXTRACT_FIELDS:
        raise err(BinderError, f'date/time field "{field}" is not recognized')
    if e.type.is_string:
        e = cast_to(e, TIMESTAMP)
    if not e.type.is_temporal:
        raise err(BinderError, f"function extract({e.type.sql().lower()}) does not exist")
    t = DOUBLE if f == "epoch" else INTEGER
    return Func(f"extract_{f}", (e,), t)


__all__ = [
    "scalar_function", "extract", "similar_to", "clock_function", "statement_clock", "CLOCK_FUNCTIONS",
    "DATEPARTS", "DATEPART_ALIASES", "INTERVAL_PARTS", "EXTRACT_FIELDS",
]
