"""Binding expressions: names to column positions, literals to typed constants,
operators to typed nodes with the casts Redshift's coercion rules imply.

Role: the expression half of the binder (:mod:`columnar.sql.binder` handles
statements and query blocks; scalar function calls are typed by
:mod:`columnar.sql.bind_functions`). Input: an :mod:`ast` expression and a
:class:`Scope`; output: a :mod:`columnar.sql.expr` node.

Coercion rules followed (PostgreSQL / Redshift):

* numbers compare and combine in their common type (``core.types``);
* an untyped string literal next to a typed operand takes that type
  (``l_shipdate <= '1998-09-02'`` compares dates);
* ``DATE ± INTERVAL`` is a TIMESTAMP, ``DATE ± integer`` a DATE,
  ``DATE - DATE`` an INTEGER number of days;
* constant sub-expressions over literals (casts, date arithmetic, unary minus)
  are folded here, so kernels never re-parse a literal per row.
"""

from __future__ import annotations

import datetime as dt
import decimal
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


@dataclass
class ScopeColumn:
    qualifier: str | None
    name: str
    type: DataType
    merged: bool = False  # the right-hand copy of a JOIN ... USING column
    hidden: bool = False  # named only explicitly, never by SELECT * ("$path", DELETE's row id)


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
    "fold_cast", "common_type", "coerce_pair", "arithmetic", "concat",
    "interval_const", "typed_literal", "date_vs_timestamp_const", "ColumnIndex", "Case", "InList",
    "IsNull", "Like",
]
