"""Binding expressions: names to column positions, literals to typed constants,
operators to typed nodes with the casts Redshift's coercion rules imply.

Role: the expression half of the binder (:mod:`columnar.sql.binder` handles
statements and query blocks). Input: an :mod:`ast` expression and a
:class:`Scope`; output: a :mod:`columnar.sql.expr` node.

Coercion rules followed (PostgreSQL / Redshift):

* numbers compare and combine in their common type (``core.types``);
* an untyped string literal next to a typed operand takes that type
  (``l_shipdate <= '1998-09-02'`` compares dates);
* ``DATE ± INTERVAL`` is a TIMESTAMP, ``DATE ± integer`` a DATE,
  ``DATE - DATE`` an INTEGER number of days;
* constant sub-expressions over literals (casts, date arithmetic, unary minus)
  are folded here, so kernels never re-parse a literal per row;
* scalar functions (:func:`scalar_function`) are typed from a table of small
  "typers": argument count, argument casts (an untyped string literal becomes
  the number or timestamp the function expects), result type. Dateparts take
  Redshift's names and abbreviations (:data:`DATEPARTS`); GETDATE() and its
  kin become constants of the statement's clock (:func:`clock_function`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass

from columnar.core import temporal
from columnar.core.errors import BinderError, CatalogError, NotSupportedError, ProgrammingError
from columnar.core.types import (
    BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, MAX_VARCHAR, NULL, TIMESTAMP, DataType,
    INTEGER_RANGES, TypeId, arithmetic_result, as_decimal, common_numeric, type_from_name,
)
from columnar.sql import ast
from columnar.sql.expr import (
    Binary, BoundExpr, Case, Cast, ColumnIndex, Const, Func, InList, Interval, IsNull, Like, Unary,
)

# Aggregate function names → the canonical name the logical plan uses
# (``columnar.sql.logical.AggCall`` lists them); synonyms as Redshift documents.
AGGREGATES = {
    "count": "count", "sum": "sum", "avg": "avg", "min": "min", "max": "max",
    "stddev": "stddev_samp", "stddev_samp": "stddev_samp", "stddev_pop": "stddev_pop",
    "variance": "var_samp", "var_samp": "var_samp", "var_pop": "var_pop",
    "bool_and": "bool_and", "bool_or": "bool_or",
    "median": "median", "percentile_cont": "percentile_cont", "percentile_disc": "percentile_disc",
    "listagg": "listagg",
}

# Decimal arithmetic on literals must not round at Python's default 28 digits.
_WIDE = decimal.Context(prec=100)

EXTRACT_FIELDS = {
    "year", "month", "day", "quarter", "week", "dow", "dayofweek", "doy", "dayofyear", "hour",
    "minute", "second", "epoch", "decade", "century", "millennium", "isodow", "millisecond",
    "microsecond",
}


@dataclass
class ScopeColumn:
    qualifier: str | None
    name: str
    type: DataType
    merged: bool = False  # the right-hand copy of a JOIN ... USING column


class Scope:
    """The columns visible to an expression, positionally."""

    def __init__(self, columns: list[ScopeColumn]):
        self.columns = columns

    def resolve(self, parts: tuple, err) -> tuple[int, ScopeColumn]:
        name = parts[-1]
        qual = parts[-2] if len(parts) > 1 else None
        hits = [
            (i, c) for i, c in enumerate(self.columns)
            if c.name == name and (qual is None or c.qualifier == qual)
        ]
        if not hits:
            shown = ".".join(parts)
            if qual is not None and not any(c.qualifier == qual for c in self.columns):
                raise err(CatalogError, f'missing FROM-clause entry for table "{qual}"')
            raise err(CatalogError, f'column "{shown}" does not exist')
        if len(hits) > 1 and qual is None:
            hits = [h for h in hits if not h[1].merged]
        if len(hits) > 1:
            raise err(BinderError, f'column reference "{".".join(parts)}" is ambiguous')
        return hits[0]



class AggRef(BoundExpr):
    """Placeholder for the j-th aggregate of the query block (binder-internal)."""

    def __init__(self, index: int, type: DataType):
        self.index, self.type = index, type

    def __eq__(self, other):
        return isinstance(other, AggRef) and other.index == self.index

    def __hash__(self):
        return hash(("agg", self.index))

    def __str__(self):
        return f"agg#{self.index}"


# ---------------------------------------------------------------------------
# literals and constant folding
# ---------------------------------------------------------------------------


def literal(node: ast.Literal) -> Const:
    kind, v = node.kind, node.value
    if kind == "null":
        return Const(None, NULL)
    if kind == "bool":
        return Const(bool(v), BOOLEAN)
    if kind == "int":
        v = int(v)
        if -(2**31) <= v < 2**31:
            return Const(v, INTEGER)
        if -(2**63) <= v < 2**63:
            return Const(v, BIGINT)
        return Const(v, DataType.decimal(min(38, len(str(abs(v)))), 0))
    if kind == "decimal":
        d = decimal.Decimal(str(v))
        sign, digits, exp = d.as_tuple()
        scale = max(0, -exp)
        precision = max(len(digits), scale, 1)
        if precision > 38:
            return Const(float(d), DOUBLE)
        return Const(int(d.scaleb(scale, context=_WIDE)), DataType.decimal(precision, scale))
    if kind == "float":
        return Const(float(v), DOUBLE)
    if kind == "string":
        return Const(str(v), DataType.varchar(max(1, min(MAX_VARCHAR, len(str(v).encode())))))
    raise BinderError(f"unknown literal kind {kind}")


def python_value_const(v) -> Const:
    """A ``?`` parameter's Python value as a typed constant."""
    if v is None:
        return Const(None, NULL)
    if isinstance(v, bool):
        return Const(v, BOOLEAN)
    if isinstance(v, int):
        return literal(ast.Literal(v, "int"))
    if isinstance(v, float):
        return Const(v, DOUBLE)
    if isinstance(v, decimal.Decimal):
        return literal(ast.Literal(str(v), "decimal" if v.as_tuple().exponent < 0 else "int")) if v.is_finite() else Const(float(v), DOUBLE)
    if isinstance(v, dt.datetime):
        return Const(temporal.datetime_to_micros(v), TIMESTAMP)
    if isinstance(v, dt.date):
        return Const(temporal.date_to_days(v), DATE)
    if isinstance(v, str):
        return literal(ast.Literal(v, "string"))
    raise ProgrammingError(f"unsupported parameter type {type(v).__name__}")


def _round_half_away(n: int, d: int) -> int:
    q, r = divmod(abs(n), d)
    if 2 * r >= d:
        q += 1
    return q if n >= 0 else -q


def fold_cast(c: Const, target: DataType) -> Const | None:
    """Cast a constant at bind time; None when the cast is left to the evaluator
    (which also raises the overflow error when the value does not fit)."""
    out = _fold_cast(c, target)
    if out is None or out.value is None:
        return out
    if target.is_integer:
        lo, hi = INTEGER_RANGES[target.id]
        if not lo <= out.value <= hi:
            return None
    elif target.is_decimal and abs(out.value) >= 10 ** target.precision:
        return None
    return out


def _fold_cast(c: Const, target: DataType) -> Const | None:
    v, src = c.value, c.type
    if v is None:
        return Const(None, target)
    if src == target:
        return c
    try:
        if src.is_string:
            s = str(v)
            if target.id is TypeId.DATE:
                return Const(temporal.parse_date(s), target)
            if target.id is TypeId.TIMESTAMP:
                return Const(temporal.parse_timestamp(s), target)
            if target.is_string:
                b = s.encode()[: target.length].decode("utf-8", "ignore")
                return Const(b.rstrip(" ") if target.id is TypeId.CHAR else b, target)
            if target.is_integer or target.is_decimal:
                d = decimal.Decimal(s.strip())
                scale = max(0, -d.as_tuple().exponent)
                as_decimal_const = Const(int(d.scaleb(scale, context=_WIDE)), DataType.decimal(38, scale))
                return _fold_cast(as_decimal_const, target)
            if target.is_float:
                return Const(float(s), target)
            if target.id is TypeId.BOOLEAN:
                low = s.strip().lower()
                if low in ("true", "t", "yes", "y", "1", "on"):
                    return Const(True, target)
                if low in ("false", "f", "no", "n", "0", "off"):
                    return Const(False, target)
                return None
        if src.is_integer and target.is_decimal:
            return Const(int(v) * 10**target.scale, target)
        if src.is_decimal and target.is_decimal:
            if target.scale >= src.scale:
                return Const(int(v) * 10 ** (target.scale - src.scale), target)
            return Const(_round_half_away(int(v), 10 ** (src.scale - target.scale)), target)
        if (src.is_integer or src.is_decimal) and target.is_float:
            return Const(int(v) / 10 ** (src.scale if src.is_decimal else 0), target)
        if src.is_integer and target.is_integer:
            return Const(int(v), target)
        if src.is_decimal and target.is_integer:
            return Const(_round_half_away(int(v), 10**src.scale), target)
        if src.id is TypeId.DATE and target.id is TypeId.TIMESTAMP:
            return Const(int(v) * temporal.MICROS_PER_DAY, target)
    except (ValueError, ArithmeticError):
        return None
    return None


def cast_to(e: BoundExpr, target: DataType) -> BoundExpr:
    """``e`` as ``target``: nothing if already so, folded if constant, else a Cast node."""
    if e.type == target:
        return e
    if isinstance(e, Const):
        folded = fold_cast(e, target)
        if folded is not None:
            return folded
    return Cast(e, target)


def common_type(types: list[DataType], what: str, err) -> DataType:
    """The type that CASE results / COALESCE / IN lists / UNION columns share."""
    real = [t for t in types if not t.is_null]
    if not real:
        return DataType.varchar(256) if types else NULL
    out = real[0]
    for t in real[1:]:
        if out == t:
            continue
        if out.is_numeric and t.is_numeric:
            out = common_numeric(out, t)
        elif out.is_string and t.is_string:
            out = DataType.varchar(max(out.length, t.length)) if out.id is not t.id or out.length != t.length else out
        elif out.is_temporal and t.is_temporal:
            out = TIMESTAMP
        else:
            raise err(BinderError, f"{what} types {out.sql().lower()} and {t.sql().lower()} cannot be matched")
    return out


def coerce_pair(l: BoundExpr, r: BoundExpr, l_ast, r_ast, op: str, err) -> tuple[BoundExpr, BoundExpr]:
    """Bring two comparison operands to one type."""
    lt, rt = l.type, r.type
    l_untyped = isinstance(l_ast, ast.Literal) and l_ast.kind == "string"
    r_untyped = isinstance(r_ast, ast.Literal) and r_ast.kind == "string"
    if lt.is_null and rt.is_null:
        return l, r
    if lt.is_null:
        return cast_to(l, rt), r
    if rt.is_null:
        return l, cast_to(r, lt)
    if l_untyped and not rt.is_string:
        return _checked_cast(l, rt, err), r
    if r_untyped and not lt.is_string:
        return l, _checked_cast(r, lt, err)
    if lt == rt:
        return l, r
    if lt.is_numeric and rt.is_numeric:
        t = common_numeric(lt, rt)
        return cast_to(l, t), cast_to(r, t)
    if lt.is_string and rt.is_string:
        return l, r
    if lt.is_temporal and rt.is_temporal:
        return cast_to(l, TIMESTAMP), cast_to(r, TIMESTAMP)
    raise err(BinderError, f"operator does not exist: {lt.sql().lower()} {op} {rt.sql().lower()}")


def _checked_cast(c: BoundExpr, target: DataType, err) -> BoundExpr:
    out = cast_to(c, target)
    if isinstance(c, Const) and isinstance(out, Cast):
        raise err(BinderError, f'invalid input syntax for type {target.sql().lower()}: "{c.value}"')
    return out


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}


def date_vs_timestamp_const(l: BoundExpr, r: BoundExpr, op: str):
    """``date_col <op> TIMESTAMP const`` as an equivalent DATE comparison, so a
    6M-row DATE column is not widened to timestamps (Q1: ``l_shipdate <=
    date '1998-12-01' - interval '90' day``). Returns None if not applicable."""
    if not (l.type.id is TypeId.DATE and isinstance(r, Const) and r.type.id is TypeId.TIMESTAMP and r.value is not None):
        return None
    day, rem = divmod(int(r.value), temporal.MICROS_PER_DAY)
    if rem == 0:
        return l, Const(day, DATE), op
    # not midnight: d*D <  c  <=> d <= day ; d*D <= c <=> d <= day ; d*D > c <=> d > day ...
    if op in ("<", "<="):
        return l, Const(day, DATE), "<="
    if op in (">", ">="):
        return l, Const(day, DATE), ">"
    if op == "=":
        return l, Const(None, DATE), "="  # never equal; NULL const keeps NULL semantics simple
    return None


def arithmetic(op: str, l: BoundExpr, r: BoundExpr, l_ast, r_ast, err) -> BoundExpr:
    lt, rt = l.type, r.type
    # Temporal arithmetic first.
    if lt.is_temporal or rt.is_temporal or lt.id is TypeId.INTERVAL or rt.id is TypeId.INTERVAL:
        return _temporal_arithmetic(op, l, r, l_ast, r_ast, err)
    if isinstance(l_ast, ast.Literal) and l_ast.kind == "string" and rt.is_numeric:
        l = _checked_cast(l, rt, err)
        lt = l.type
    if isinstance(r_ast, ast.Literal) and r_ast.kind == "string" and lt.is_numeric:
        r = _checked_cast(r, lt, err)
        rt = r.type
    if lt.is_null or rt.is_null:
        t = rt if lt.is_null else lt
        if t.is_null:
            t = INTEGER
        return Const(None, t if t.is_numeric else INTEGER)
    if not (lt.is_numeric and rt.is_numeric):
        raise err(BinderError, f"operator does not exist: {lt.sql().lower()} {op} {rt.sql().lower()}")
    t = arithmetic_result(op, lt, rt)
    if isinstance(l, Const) and isinstance(r, Const):
        folded = _fold_arithmetic(op, l, r, t)
        if folded is not None:
            return folded
    if t.is_decimal:
        return Binary(op, cast_to(l, as_decimal(lt)), cast_to(r, as_decimal(rt)), t)
    return Binary(op, cast_to(l, t), cast_to(r, t), t)


def _fold_arithmetic(op: str, l: Const, r: Const, t: DataType) -> Const | None:
    """``0.06 - 0.01`` as one constant (exact; + - * only, integers and decimals,
    and only when the result fits its type — otherwise the evaluator raises)."""
    if op not in ("+", "-", "*") or l.value is None or r.value is None or t.is_float:
        return None
    if not ((l.type.is_integer or l.type.is_decimal) and (r.type.is_integer or r.type.is_decimal)):
        return None
    ls = l.type.scale if l.type.is_decimal else 0
    rs = r.type.scale if r.type.is_decimal else 0
    a, b = int(l.value), int(r.value)
    if op == "*":
        v, scale = a * b, ls + rs
    else:
        scale = max(ls, rs)
        a, b = a * 10 ** (scale - ls), b * 10 ** (scale - rs)
        v = a + b if op == "+" else a - b
    ts = t.scale if t.is_decimal else 0
    if ts != scale:
        return None
    if t.is_integer:
        lo, hi = INTEGER_RANGES[t.id]
        if not lo <= v <= hi:
            return None
    elif abs(v) >= 10 ** t.precision:
        return None
    return Const(v, t)


def _temporal_arithmetic(op, l, r, l_ast, r_ast, err) -> BoundExpr:
    lt, rt = l.type, r.type
    if isinstance(l_ast, ast.Literal) and l_ast.kind == "string" and rt.id is TypeId.INTERVAL:
        l, lt = cast_to(l, TIMESTAMP), TIMESTAMP
    if lt.is_temporal and rt.id is TypeId.INTERVAL and op in ("+", "-"):
        iv = r.value if isinstance(r, Const) else None
        if iv is None:
            raise err(NotSupportedError, "only constant intervals are supported")
        iv = -iv if op == "-" else iv
        if isinstance(l, Const) and l.value is not None:
            us = l.value * temporal.MICROS_PER_DAY if lt.id is TypeId.DATE else l.value
            return Const(temporal.add_interval_micros(us, iv.months, iv.days, iv.micros), TIMESTAMP)
        return Func("date_add_interval", (l, Const(iv, INTERVAL)), TIMESTAMP)
    if lt.id is TypeId.INTERVAL and rt.is_temporal and op == "+":
        return _temporal_arithmetic("+", r, l, r_ast, l_ast, err)
    if lt.id is TypeId.DATE and rt.is_integer and op in ("+", "-"):
        if isinstance(l, Const) and isinstance(r, Const) and l.value is not None and r.value is not None:
            return Const(l.value + (r.value if op == "+" else -r.value), DATE)
        rr = r if op == "+" else Unary("neg", cast_to(r, INTEGER), INTEGER)
        return Func("date_add_days", (l, cast_to(rr, INTEGER)), DATE)
    if lt.is_integer and rt.id is TypeId.DATE and op == "+":
        return _temporal_arithmetic("+", r, l, r_ast, l_ast, err)
    if lt.id is TypeId.DATE and rt.id is TypeId.DATE and op == "-":
        return Func("date_diff_days", (l, r), INTEGER)
    raise err(BinderError, f"operator does not exist: {lt.sql().lower()} {op} {rt.sql().lower()}")


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


def concat(l: BoundExpr, r: BoundExpr) -> BoundExpr:
    ls = l if l.type.is_string else cast_to(l, DataType.varchar(MAX_VARCHAR))
    rs = r if r.type.is_string else cast_to(r, DataType.varchar(MAX_VARCHAR))
    if isinstance(ls, Const) and isinstance(rs, Const):
        if ls.value is None or rs.value is None:
            return Const(None, DataType.varchar(MAX_VARCHAR))
        s = str(ls.value) + str(rs.value)
        return Const(s, DataType.varchar(max(1, len(s.encode()))))
    length = min(MAX_VARCHAR, ls.type.length + rs.type.length)
    return Binary("||", ls, rs, DataType.varchar(max(1, length)))


def interval_const(node: ast.IntervalLiteral, err) -> Const:
    try:
        m, d, us = temporal.parse_interval(node.value, node.unit)
    except Exception as e:  # ConversionError with the literal text
        raise err(type(e) if isinstance(e, ProgrammingError) else BinderError, str(e))
    return Const(Interval(m, d, us), INTERVAL)


def typed_literal(node: ast.TypedLiteral, err) -> Const:
    t = type_from_name(node.type.name, node.type.params)
    out = fold_cast(Const(node.value, DataType.varchar(max(1, len(node.value.encode())))), t)
    if out is None:
        raise err(BinderError, f'invalid input syntax for type {t.sql().lower()}: "{node.value}"')
    return out


__all__ = [
    "AGGREGATES", "AggRef", "Scope", "ScopeColumn", "literal", "python_value_const", "cast_to",
    "fold_cast", "common_type", "coerce_pair", "arithmetic", "scalar_function", "extract", "concat",
    "similar_to", "clock_function", "statement_clock", "CLOCK_FUNCTIONS", "DATEPARTS", "DATEPART_ALIASES",
    "interval_const", "typed_literal", "date_vs_timestamp_const", "ColumnIndex", "Case", "InList",
    "IsNull", "Like",
]
