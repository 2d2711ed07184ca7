"""Binding aggregate calls: COUNT, SUM, AVG, MIN / MAX, STDDEV / VARIANCE,
BOOL_AND / BOOL_OR, MEDIAN, PERCENTILE_CONT / PERCENTILE_DISC and LISTAGG.

Role: the aggregate half of the binder. :class:`AggregateBinder` is a mixin of
:class:`columnar.sql.binder.Binder`: when a query block aggregates, the
binder's ``expr`` meets an aggregate call, and :meth:`AggregateBinder._aggregate`
checks it (no nesting, WITHIN GROUP and APPROXIMATE only where Redshift allows
them), types it as Redshift documents, collects the
:class:`~columnar.sql.logical.AggCall` and returns its
:class:`~columnar.sql.bind_expr.AggRef` placeholder. :func:`_has_aggregate`
tells the binder whether an AST expression aggregates at all.

Place in the pipeline: parser → AST → **binder** → logical plan (the
:class:`~columnar.sql.logical.Aggregate` node) → optimizer → physical planner.
"""

from __future__ import annotations

import dataclasses

from columnar.core.errors import BinderError
from columnar.core.types import BIGINT, BOOLEAN, DOUBLE, DataType, TypeId
from columnar.sql import ast
from columnar.sql import bind_expr as bx
from columnar.sql.expr import BoundExpr, Const
from columnar.sql.logical import AggCall


class AggregateBinder:
    """Aggregate binding, mixed into :class:`~columnar.sql.binder.Binder`
    (uses the host's ``expr``)."""

    def _aggregate(self, node, name, scope, aggs, err) -> BoundExpr:
        """Bind one aggregate call into an :class:`AggCall` (result types as Redshift
        documents them) and collect it in ``aggs``; returns its :class:`AggRef`."""
        func = bx.AGGREGATES[name]
        ordered = func in ("listagg", "percentile_cont", "percentile_disc")
        if node.within_group and not ordered:
            raise err(BinderError, f"WITHIN GROUP is not allowed for function {name}")
        if node.approximate and not (func == "count" and node.distinct) and func != "percentile_disc":
            raise err(BinderError, "APPROXIMATE is only allowed with COUNT(DISTINCT ...) and PERCENTILE_DISC")
        if any(_has_aggregate(a) for a in node.args + tuple(o.expr for o in node.within_group)):
            raise err(BinderError, "aggregate function calls cannot be nested")
        if node.star:
            if name != "count":
                raise err(BinderError, f"{name}(*) is not valid")
            call = AggCall("count_star", None, False, BIGINT)
        elif func == "listagg":
            call = self._listagg(node, scope, err)
        elif func in ("median", "percentile_cont", "percentile_disc"):
            call = self._percentile(node, name, func, scope, err)
        else:
            if len(node.args) != 1:
                raise err(BinderError, f"function {name} takes exactly one argument")
            call = self._simple_aggregate(node, name, func, self.expr(node.args[0], scope, None), err)
        order = call.within_group
        if order is not None and any(a.within_group not in (None, order) for a in aggs):
            # Redshift: LISTAGG, MEDIAN and PERCENTILE_CONT/DISC of one query sort alike
            raise err(BinderError, "within group ORDER BY clauses for aggregate functions must be the same")
        if call in aggs:
            j = aggs.index(call)
        else:
            aggs.append(call)
            j = len(aggs) - 1
        return bx.AggRef(j, call.type)

    @staticmethod
    def _simple_aggregate(node, name: str, func: str, arg: BoundExpr, err) -> AggCall:
        t = arg.type
        if func == "count":
            if node.approximate:  # HyperLogLog: two-phase, so not a DISTINCT aggregate for the planner
                return AggCall("approx_count_distinct", arg, False, BIGINT)
            return AggCall("count", arg, node.distinct, BIGINT)
        if func in ("min", "max"):
            if t.id is TypeId.INTERVAL:
                raise err(BinderError, f"function {name}(interval) does not exist")
            return AggCall(func, arg, node.distinct, t if not t.is_null else DataType.varchar(256))
        if func in ("bool_and", "bool_or"):
            # "operates on a single Boolean or integer column or expression"
            if not (t.id is TypeId.BOOLEAN or t.is_null or t.is_integer):
                raise err(BinderError, f"function {name}({t.sql().lower()}) does not exist")
            return AggCall(func, bx.cast_to(arg, BOOLEAN), node.distinct, BOOLEAN)
        if t.is_null:
            arg, t = bx.cast_to(arg, DOUBLE), DOUBLE
        if not t.is_numeric:
            raise err(BinderError, f"function {name}({t.sql().lower()}) does not exist")
        if func in ("sum", "avg"):
            # SUM and AVG of SMALLINT/INTEGER/BIGINT are BIGINT (AVG truncated toward
            # zero; a SUM past the BIGINT range raises); of DECIMAL(p,s) DECIMAL(38,s)
            rt = DOUBLE if t.is_float else DataType.decimal(38, t.scale) if t.is_decimal else BIGINT
            return AggCall(func, arg, node.distinct, rt)
        # STDDEV/VARIANCE: "regardless of the data type of the expression, the
        # return type ... is a double precision number"
        return AggCall(func, arg, node.distinct, DOUBLE)

    def _percentile(self, node, name: str, func: str, scope, err) -> AggCall:
        """MEDIAN(x) = PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x).

        Result types (DG: MEDIAN, PERCENTILE_CONT): a float argument gives DOUBLE
        PRECISION, DATE and TIMESTAMP keep their type, SMALLINT/INTEGER/BIGINT and
        DECIMAL give DECIMAL. The DECIMAL's scale is undocumented; the documented
        examples show ``1.0`` for a SMALLINT column, so we use DECIMAL(38, s + 1)
        (scale 1 for integers), which also holds every MEDIAN exactly.
        PERCENTILE_DISC returns one of the values: the argument's type.
        """
        from fractions import Fraction  # noqa: PLC0415 (kept local: binder imports are shared)

        if node.distinct:
            raise err(BinderError, f"DISTINCT is not supported for function {name}")
        if func == "median":
            if len(node.args) != 1:
                raise err(BinderError, "function median takes exactly one argument")
            value, fraction, desc = self.expr(node.args[0], scope, None), Fraction(1, 2), False
        else:
            if len(node.args) != 1 or len(node.within_group) != 1:
                raise err(BinderError, f"function {name} takes one percentile and WITHIN GROUP (ORDER BY one expression)")
            p = self.expr(node.args[0], scope, None)
            if not (isinstance(p, Const) and p.value is not None and p.type.is_numeric):
                raise err(BinderError, f"the percentile of {name} must be a numeric constant")
            if p.type.is_decimal:
                fraction = Fraction(int(p.value), 10**p.type.scale)
            else:
                fraction = Fraction(repr(p.value) if p.type.is_float else int(p.value))
            if not 0 <= fraction <= 1:
                raise err(BinderError, f"the percentile of {name} must be between 0 and 1")
            item = node.within_group[0]
            value, desc = self.expr(item.expr, scope, None), item.desc
        t = value.type
        if t.is_null:
            value, t = bx.cast_to(value, DOUBLE), DOUBLE
        if not (t.is_numeric or t.is_temporal):
            raise err(BinderError, f"function {name}({t.sql().lower()}) does not exist")
        if func == "percentile_disc" or t.is_float or t.is_temporal:
            rt = DOUBLE if func != "percentile_disc" and t.is_float else t
        else:
            rt = DataType.decimal(38, min(t.scale + 1, 38))
        return AggCall(func, value, False, rt, (fraction, desc))

    def _listagg(self, node, scope, err) -> AggCall:
        """LISTAGG([DISTINCT] value [, 'delimiter']) [WITHIN GROUP (ORDER BY ...)]:
        VARCHAR(MAX); NULL and '' values are skipped; no delimiter by default."""
        from columnar.sql.logical import OrderedArg  # noqa: PLC0415 (kept local: binder imports are shared)

        if not 1 <= len(node.args) <= 2:
            raise err(BinderError, "function listagg takes one or two arguments")
        value = self.expr(node.args[0], scope, None)
        if value.type.id is TypeId.INTERVAL:
            raise err(BinderError, "function listagg(interval) does not exist")
        if not value.type.is_string:
            value = bx.cast_to(value, DataType.varchar(65535))
        delimiter = ""
        if len(node.args) == 2:
            d = self.expr(node.args[1], scope, None)
            if not (isinstance(d, Const) and (d.value is None or isinstance(d.value, str))):
                raise err(BinderError, "the delimiter of listagg must be a string constant")
            delimiter = d.value or ""
        arg = value
        if node.within_group:
            keys = tuple(self.expr(o.expr, scope, None) for o in node.within_group)
            for k in keys:
                if k.type.id is TypeId.INTERVAL:
                    raise err(BinderError, "could not identify an ordering operator for type interval")
            desc = tuple(o.desc for o in node.within_group)
            nulls_first = tuple(o.desc if o.nulls_first is None else o.nulls_first for o in node.within_group)
            arg = OrderedArg(value, keys, desc, nulls_first, value.type)
        return AggCall("listagg", arg, node.distinct, DataType.varchar(65535), (delimiter,))  # VARCHAR(MAX)


def _has_aggregate(node) -> bool:
    """Does an AST expression call an aggregate (outside subqueries)?"""
    if isinstance(node, ast.FunctionCall) and node.name.lower() in bx.AGGREGATES and node.over is None:
        return True
    if isinstance(node, (ast.ScalarSubquery, ast.Exists, ast.InSubquery, ast.Select)):
        return False
    if dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            v = getattr(node, f.name)
            if _has_aggregate_value(v):
                return True
    return False


def _has_aggregate_value(v) -> bool:
    if isinstance(v, tuple):
        return any(_has_aggregate_value(x) for x in v)
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return _has_aggregate(v)
    return False


__all__ = ["AggregateBinder"]
