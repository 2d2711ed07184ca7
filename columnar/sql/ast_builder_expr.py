"""Expression rules of the parse tree → AST transformer (:mod:`columnar.sql.ast_builder`).

Role: builds :mod:`columnar.sql.ast` expression nodes: boolean and comparison
operators, predicates (``BETWEEN``, ``IN``, ``LIKE`` ...), arithmetic, column
references, ``?`` parameters, literals, ``CASE``, function calls and window
specifications, and type names. Small normalisations happen here: unquoted
names are lower-cased, ``!=`` becomes ``<>``, ``NOT EXISTS`` becomes
``Exists(negated=True)``, ``CONVERT(t, x)`` and ``x::t`` become
:class:`~columnar.sql.ast.Cast`, ``DATE_PART``/``DATEPART`` become
:class:`~columnar.sql.ast.Extract`, the datepart of ``DATEADD`` /
``DATEDIFF`` becomes a string literal, ``SUBSTRING(x FROM a FOR b)`` and
``POSITION(a IN b)`` become plain calls, and ``TRIM([BOTH|LEADING|TRAILING]
[chars] FROM x)`` becomes ``btrim|ltrim|rtrim(x[, chars])``.

Place in the pipeline: SQL text → parser → **AST** → binder → logical plan.
"""

from __future__ import annotations

from dataclasses import replace

from lark import Token, v_args

from columnar.sql import ast
from columnar.sql.ast_builder_common import _RuleSet, _name, _pos, _string

_UNITS = {
    "YEAR": "YEAR", "YEARS": "YEAR", "YR": "YEAR", "YRS": "YEAR",
    "MONTH": "MONTH", "MONTHS": "MONTH", "MON": "MONTH", "MONS": "MONTH",
    "WEEK": "WEEK", "WEEKS": "WEEK",
    "DAY": "DAY", "DAYS": "DAY",
    "HOUR": "HOUR", "HOURS": "HOUR", "HR": "HOUR", "HRS": "HOUR",
    "MINUTE": "MINUTE", "MINUTES": "MINUTE", "MIN": "MINUTE", "MINS": "MINUTE",
    "SECOND": "SECOND", "SECONDS": "SECOND", "SEC": "SECOND", "SECS": "SECOND",
}

#: Functions whose first argument is a datepart word (``DATEADD(day, 1, d)``).
_DATEPART_FIRST = frozenset({"dateadd", "datediff"})
_DATE_PART = frozenset({"date_part", "datepart"})


@v_args(meta=True)
class _ExpressionRules(_RuleSet):
    """Rule methods for expressions, literals, CASE, functions, windows and types."""

    # -- expressions ----------------------------------------------------

    def or_op(self, meta, children):
        return ast.BinaryOp("OR", children[0], children[1], pos=_pos(meta))

    def and_op(self, meta, children):
        return ast.BinaryOp("AND", children[0], children[1], pos=_pos(meta))

    def not_op(self, meta, children):
        operand = children[0]
        if isinstance(operand, ast.Exists) and not operand.negated:
            return ast.Exists(operand.query, True, pos=_pos(meta))
        return ast.UnaryOp("NOT", operand, pos=_pos(meta))

    def comparison(self, meta, children):
        left, op, right = children
        return ast.BinaryOp(op, left, right, pos=_pos(meta))

    def comp_op(self, meta, children):
        op = children[0].value
        return "<>" if op == "!=" else op

    def is_null(self, meta, children):
        operand, negated = children
        return ast.IsNull(operand, bool(negated), pos=_pos(meta))

    def is_bool(self, meta, children):
        operand, negated, value = children
        return ast.IsBool(operand, value.value, bool(negated), pos=_pos(meta))

    def between(self, meta, children):
        operand, negated, low, high = children
        return ast.Between(operand, low, high, bool(negated), pos=_pos(meta))

    def in_list(self, meta, children):
        operand, negated, items = children
        return ast.InList(operand, items, bool(negated), pos=_pos(meta))

    def in_subquery(self, meta, children):
        operand, negated, query = children
        return ast.InSubquery(operand, query, bool(negated), pos=_pos(meta))

    def like(self, meta, children):
        operand, negated, op, pattern, escape = children
        return ast.Like(operand, pattern, bool(negated), op.upper() == "ILIKE", escape, pos=_pos(meta))

    def similar_to(self, meta, children):
        operand, negated, pattern = children
        return ast.SimilarTo(operand, pattern, bool(negated), pos=_pos(meta))

    def concat_op(self, meta, children):
        return ast.BinaryOp("||", children[0], children[1], pos=_pos(meta))

    def binary_op(self, meta, children):
        left, op, right = children
        return ast.BinaryOp(op, left, right, pos=_pos(meta))

    def add_op(self, meta, children):
        return children[0].value

    mul_op = add_op

    def negative(self, meta, children):
        return ast.UnaryOp("-", children[0], pos=_pos(meta))

    def positive(self, meta, children):
        return ast.UnaryOp("+", children[0], pos=_pos(meta))

    def cast_op(self, meta, children):
        return ast.Cast(children[0], children[1], pos=_pos(meta))

    def scalar_subquery(self, meta, children):
        return ast.ScalarSubquery(children[0], pos=_pos(meta))

    def exists(self, meta, children):
        return ast.Exists(children[0], pos=_pos(meta))

    def column_ref(self, meta, children):
        parts = children[0]
        if len(parts) > 3:
            raise self._error("column references have at most three parts (schema.table.column)", _pos(meta))
        return ast.ColumnRef(tuple(parts), pos=_pos(meta))

    def dotted(self, meta, children):
        if len(children) == 1:
            return [children[0]]
        parts, last = children
        parts.append(last)
        return parts

    def col_ident(self, meta, children):
        return _name(children[0])

    def ident(self, meta, children):
        return _name(children[0])

    def parameter(self, meta, children):
        index = self.parameters
        self.parameters += 1
        return ast.Parameter(index, pos=_pos(meta))

    # -- literals -------------------------------------------------------

    def integer(self, meta, children):
        return ast.Literal(int(children[0]), "int", pos=_pos(meta))

    def decimal(self, meta, children):
        return ast.Literal(children[0].value, "decimal", pos=_pos(meta))

    def float(self, meta, children):
        return ast.Literal(float(children[0]), "float", pos=_pos(meta))

    def string(self, meta, children):
        return ast.Literal(_string(children[0]), "string", pos=_pos(meta))

    def null(self, meta, children):
        return ast.Literal(None, "null", pos=_pos(meta))

    def bool_literal(self, meta, children):
        return ast.Literal(children[0].upper() == "TRUE", "bool", pos=_pos(meta))

    def date_literal(self, meta, children):
        return ast.TypedLiteral(ast.TypeName("DATE", pos=_pos(meta)), _string(children[0]), pos=_pos(meta))

    def timestamp_literal(self, meta, children):
        return ast.TypedLiteral(ast.TypeName("TIMESTAMP", pos=_pos(meta)), _string(children[0]), pos=_pos(meta))

    def interval_literal(self, meta, children):
        value, unit = children
        return ast.IntervalLiteral(_string(value), unit, pos=_pos(meta))

    def interval_qualifier(self, meta, children):
        units = [c for c in children if isinstance(c, str)]  # precisions are ints
        return " TO ".join(units)

    def interval_unit(self, meta, children):
        return _UNITS[children[0].upper()]

    def unit_precision(self, meta, children):
        return int(children[0])

    # -- CASE and functions ---------------------------------------------

    def case_expr(self, meta, children):
        operand = children[0]
        else_ = children[-1]
        whens = tuple(children[1:-1])
        return ast.Case(operand, whens, else_, pos=_pos(meta))

    def when_clause(self, meta, children):
        return (children[0], children[1])

    def cast_function(self, meta, children):
        return ast.Cast(children[0], children[1], pos=_pos(meta))

    def convert_function(self, meta, children):
        type_, operand = children
        return ast.Cast(operand, type_, pos=_pos(meta))

    def extract_function(self, meta, children):
        field, operand = children
        return ast.Extract(field, operand, pos=_pos(meta))

    def extract_field(self, meta, children):
        token = children[0]
        if token.type == "STRING_LIT":
            return _string(token).lower()
        return _name(token).lower()

    def substring_function(self, meta, children):
        args = tuple(c for c in children if c is not None)
        return ast.FunctionCall("substring", args, pos=_pos(meta))

    def position_function(self, meta, children):
        return ast.FunctionCall("position", (children[0], children[1]), pos=_pos(meta))

    _TRIM_NAMES = {None: "btrim", "BOTH": "btrim", "LEADING": "ltrim", "TRAILING": "rtrim"}

    def trim_function(self, meta, children):
        side, first, second = children
        name = self._TRIM_NAMES[side]
        args = (first,) if second is None else (second, first)  # (string, characters)
        return ast.FunctionCall(name, args, pos=_pos(meta))

    def trim_side_only(self, meta, children):
        side, operand = children
        return ast.FunctionCall(self._TRIM_NAMES[side], (operand,), pos=_pos(meta))

    def niladic_function(self, meta, children):
        return ast.FunctionCall(children[0].lower(), pos=_pos(meta))

    def function_call(self, meta, children):
        name, args, within_group, over = children
        pos = _pos(meta)
        distinct = star = False
        arguments = ()
        if args is not None:
            star, distinct, arguments = args
        if name in _DATEPART_FIRST and arguments:
            arguments = (self._datepart_literal(arguments[0]),) + arguments[1:]
        elif name in _DATE_PART and len(arguments) == 2 and not distinct and within_group is None \
                and over is None:
            field = self._datepart_literal(arguments[0])
            if field.kind == "string":
                return ast.Extract(field.value, arguments[1], pos=pos)
        return ast.FunctionCall(
            name, arguments, distinct=distinct, star=star,
            within_group=within_group or (), over=over, pos=pos,
        )

    @staticmethod
    def _datepart_literal(arg):
        """``day`` (a bare name) or ``'Day'`` → the string literal ``'day'``."""
        if isinstance(arg, ast.ColumnRef) and len(arg.parts) == 1:
            return ast.Literal(arg.parts[0].lower(), "string", pos=arg.pos)
        if isinstance(arg, ast.Literal) and arg.kind == "string":
            return ast.Literal(arg.value.lower(), "string", pos=arg.pos)
        return arg

    def function_name(self, meta, children):
        return _name(children[0]).lower() if children[0].type == "QUOTED_NAME" else children[0].lower()

    def star_arg(self, meta, children):
        return True, False, ()

    def args(self, meta, children):
        quantifier, exprs = children
        distinct = quantifier is not None and quantifier.upper() == "DISTINCT"
        return False, distinct, exprs

    def within_group(self, meta, children):
        return children[0].value

    def approximate(self, meta, children):
        call = children[0]
        if isinstance(call, ast.Extract):  # APPROXIMATE DATE_PART(..) makes no sense
            raise self._error("APPROXIMATE applies to COUNT(DISTINCT ...) and PERCENTILE_DISC only", _pos(meta))
        return replace(call, approximate=True, pos=_pos(meta))

    def over_clause(self, meta, children):
        partition, order, frame = children
        return ast.WindowSpec(partition or (), order.value if order else (), frame, pos=_pos(meta))

    def window_frame(self, meta, children):
        return " ".join(c if isinstance(c, str) and not isinstance(c, Token) else c.upper() for c in children)

    def frame_bound(self, meta, children):
        return " ".join(t.upper() for t in children)

    # -- types ----------------------------------------------------------

    def simple_type(self, meta, children):
        token, params = children
        return ast.TypeName(token.upper(), params or (), pos=_pos(meta))

    def double_type(self, meta, children):
        name = "DOUBLE PRECISION" if children[0] is not None else "DOUBLE"
        return ast.TypeName(name, pos=_pos(meta))

    def character_type(self, meta, children):
        varying, params = children
        name = "CHARACTER VARYING" if varying is not None else "CHARACTER"
        return ast.TypeName(name, params or (), pos=_pos(meta))

    def timestamp_type(self, meta, children):
        params, zone = children
        name = "TIMESTAMP" if zone is None else f"TIMESTAMP {zone}"
        return ast.TypeName(name, params or (), pos=_pos(meta))

    def type_param(self, meta, children):
        token = children[0]
        return int(token) if token.type == "INTEGER_LIT" else "MAX"

    def time_zone(self, meta, children):
        return " ".join(t.upper() for t in children)
