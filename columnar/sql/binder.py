"""The binder: an AST statement in, a typed logical plan (or DDL description) out.

Role: resolves table and column names against the catalog, types every
expression (:mod:`columnar.sql.bind_expr`, scalar functions
:mod:`columnar.sql.bind_functions`), checks the SQL rules (GROUP BY,
aggregates, DISTKEY validity) and assembles the logical plan of a SELECT:

    FROM (Scan / Join)  →  WHERE (Filter)  →  GROUP BY / aggregates (Aggregate)
    →  HAVING (Filter)  →  SELECT list + hidden ORDER BY columns (Project)
    →  DISTINCT (Aggregate)  →  ORDER BY (Sort)  →  LIMIT / OFFSET / TOP (Limit)

Place in the pipeline: parser → **binder** → optimizer → physical planner.
Errors carry the line and column of the offending node with a caret.

:class:`Binder` combines the query-block binding here with two mixins:
aggregate calls (:mod:`columnar.sql.bind_aggregates`) and DDL / DML statements
(:mod:`columnar.sql.bind_statements`, which also defines :class:`BoundQuery`
and :class:`BoundInsert`).

Window functions and QUALIFY are bound by :mod:`columnar.sql.bind_windows`
(a third mixin) into a Window node above HAVING. Set operations, WITH (CTEs) and views
are bound by :mod:`columnar.sql.bind_setops`.
"""

from __future__ import annotations

import copy
import dataclasses

from columnar.core.errors import BinderError, CatalogError, NotSupportedError, ProgrammingError
from columnar.core.types import BIGINT, BOOLEAN, NULL, DataType, Field, TypeId, type_from_name
from columnar.sql import ast
from columnar.sql import bind_expr as bx
from columnar.sql import bind_functions as bf
from columnar.sql import bind_setops
from columnar.sql.bind_aggregates import AggregateBinder, _has_aggregate
from columnar.sql.bind_statements import ROWID_NAME, BoundInsert, BoundQuery, StatementBinder  # noqa: F401 (BoundInsert: re-exported)
from columnar.sql.bind_windows import WindowBinder
from columnar.sql.expr import (
    Binary, BoundExpr, Case, Cast, ColumnIndex, Const, InList, IsNull, Like, OuterRef, Subquery, Unary,
)
from columnar.sql.logical import (
    AggCall, Aggregate, Filter, Join, Limit, LogicalPlan, OneRow, Project, Scan, Sort, SortKey,
    ValuesList,
)
from columnar.storage.catalog import ROWID, Catalog
from columnar.storage.external import PSEUDO_COLUMNS

class Binder(StatementBinder, AggregateBinder, WindowBinder):
    """Binds one statement. ``params`` are the values of ``?`` placeholders."""

    def __init__(self, catalog: Catalog, params=None, sql: str = ""):
        self.catalog = catalog
        self.params = list(params) if params is not None else []
        self.sql = sql
        self._params_used = 0
        self.outer: bx.Scope | None = None  # the enclosing query's scope, inside a subquery
        self._clock = bf.statement_clock()  # GETDATE()/SYSDATE: one instant for the whole statement

    # -- errors ----------------------------------------------------------------
    def error(self, cls, message: str, pos=None) -> Exception:
        """An exception of ``cls`` whose message points at ``pos`` with a caret."""
        if pos and self.sql:
            line, col = pos
            lines = self.sql.splitlines()
            if 0 < line <= len(lines):
                text = lines[line - 1]
                message = f"{message}\n  LINE {line}: {text}\n  {' ' * (len(f'LINE {line}: ') + col - 1)}^"
        return cls(message)

    def _err_at(self, node):
        return lambda cls, msg: self.error(cls, msg, getattr(node, "pos", None))

    def check_params(self) -> None:
        if self._params_used != len(self.params):
            raise ProgrammingError(
                f"the statement uses {self._params_used} parameters, but {len(self.params)} were given"
            )

    # -- queries ---------------------------------------------------------------
    def bind_query(self, q) -> BoundQuery:
        if isinstance(q, ast.Select):
            return self.bind_select(q)
        if isinstance(q, ast.Values):
            return self.bind_values(q)
        if isinstance(q, ast.SetOperation):  # UNION / INTERSECT / EXCEPT: columnar.sql.bind_setops
            return BoundQuery(*bind_setops.bind_set_operation(self, q))
        if isinstance(q, ast.With):  # CTEs, inlined where referenced
            return bind_setops.bind_with(self, q)
        raise self.error(NotSupportedError, f"{type(q).__name__} queries are not supported", getattr(q, "pos", None))

    def bind_values(self, v: ast.Values, defaults: list[BoundExpr] | None = None) -> BoundQuery:
        """Bind a VALUES list; ``defaults`` (one per column, INSERT only) replace ``DEFAULT``."""
        empty = bx.Scope([])

        def item(e, i):
            if isinstance(e, ast.Default):
                if defaults is None or i >= len(defaults):
                    raise self.error(BinderError, "DEFAULT is only allowed in the VALUES of an INSERT", e.pos)
                return defaults[i]
            return self.expr(e, empty)

        rows = [[item(e, i) for i, e in enumerate(row)] for row in v.rows]
        width = len(rows[0])
        for r in rows:
            if len(r) != width:
                raise self.error(ProgrammingError, "VALUES lists must all be the same length", v.pos)
        def column_type(i):
            # untyped string literals ('t', '2024-01-01') take the type of the other rows
            typed = [r[i].type for r, src in zip(rows, v.rows)
                     if not (isinstance(src[i], ast.Literal) and src[i].kind in ("string", "null"))
                     and not r[i].type.is_null]
            candidates = typed or [r[i].type for r in rows]
            return bx.common_type(candidates, "VALUES", self._err_at(v))

        types = [column_type(i) for i in range(width)]
        types = [t if not t.is_null else DataType.varchar(256) for t in types]
        rows = [[e if e.type == t else bx.cast_to(e, t) for e, t in zip(r, types)] for r in rows]
        names = [f"column{i + 1}" for i in range(width)]
        return BoundQuery(ValuesList(rows, [Field(n, t) for n, t in zip(names, types)]), names)

    def bind_select(self, s: ast.Select) -> BoundQuery:
        self._window_ctx = None  # window calls are collected only while the select list, ORDER BY, QUALIFY bind
        self._check_no_windows(s)
        if s.from_:
            plan, scope = self.bind_from(s.from_)
        else:
            plan, scope = OneRow(), bx.Scope([])
        if s.where is not None:
            if _has_aggregate(s.where):
                raise self.error(BinderError, "aggregate functions are not allowed in WHERE", s.where.pos)
            pred = self.expr(s.where, scope)
            self._require_boolean(pred, "WHERE", s.where)
            plan = Filter(plan, pred)

        items = self._expand_stars(s.items, scope)
        aggregating = bool(s.group_by) or any(_has_aggregate(it.expr) for it in items) or (
            s.having is not None
        ) or any(_has_aggregate(o.expr) for o in s.order_by)
        names = [self._output_name(it) for it in items]

        if aggregating:
            aggs: list[AggCall] = []
            groups = [self._bind_group_item(g, items, scope) for g in s.group_by]
            lift = self._lifter(groups, aggs)
            self._open_windows(lift)
            select_exprs = [lift(self.expr(it.expr, scope, aggs), it.expr) for it in items]
            having = None
            if s.having is not None:
                having = lift(self.expr(s.having, scope, aggs), s.having)
                self._require_boolean(having, "HAVING", s.having)
            order_exprs = [self._order_expr(o, items, names, scope, aggs, lift) for o in s.order_by]
            qualify = self._bind_qualify(s, scope, aggs, lift)
            schema = [Field(str(g), g.type) for g in groups] + [Field(a.func, a.type) for a in aggs]
            plan = Aggregate(plan, groups, aggs, schema)
            if having is not None:
                plan = Filter(plan, having)
        else:
            self._open_windows(None)
            select_exprs = [self.expr(it.expr, scope) for it in items]
            order_exprs = [self._order_expr(o, items, names, scope, None, None) for o in s.order_by]
            qualify = self._bind_qualify(s, scope, None, None)
        # window functions (and QUALIFY) run after GROUP BY / HAVING: columnar.sql.bind_windows
        plan, select_exprs, order_exprs = self._close_windows(plan, qualify, select_exprs, order_exprs)

        # ORDER BY: output positions, or hidden extra columns of the projection.
        exprs = list(select_exprs)
        keys = []
        for o, e in zip(s.order_by, order_exprs):
            if isinstance(e, int):
                pos = e
            elif e in exprs:
                pos = exprs.index(e)
            else:
                if s.distinct:
                    raise self.error(BinderError, "for SELECT DISTINCT, ORDER BY expressions must appear in select list", o.pos)
                exprs.append(e)
                pos = len(exprs) - 1
            t = exprs[pos].type
            nulls_first = o.desc if o.nulls_first is None else o.nulls_first
            keys.append(SortKey(ColumnIndex(pos, t, _name_of(exprs[pos], pos, names)), o.desc, nulls_first))
        hidden = len(exprs) - len(select_exprs)
        all_names = names + [f"?order{i}" for i in range(hidden)]
        plan = Project(plan, exprs, [Field(n, e.type) for n, e in zip(all_names, exprs)])
        if s.distinct:
            plan = Aggregate(plan, [ColumnIndex(i, e.type, names[i]) for i, e in enumerate(exprs)], [], list(plan.schema))
        if keys:
            plan = Sort(plan, keys)
        limit, offset = self._limit(s)
        if limit is not None or offset:
            plan = Limit(plan, limit, offset)
        if hidden:
            plan = Project(plan, [ColumnIndex(i, e.type, names[i]) for i, e in enumerate(select_exprs)],
                           [Field(n, e.type) for n, e in zip(names, select_exprs)])
        return BoundQuery(plan, names)

    def _bind_qualify(self, s: ast.Select, scope, aggs, lift):
        if s.qualify is None:
            return None
        q = self.expr(s.qualify, scope, aggs)
        q = lift(q, s.qualify) if lift is not None else q
        self._require_boolean(q, "QUALIFY", s.qualify)
        return q

    def _limit(self, s: ast.Select):
        def value(node, what):
            if node is None:
                return None
            e = self.expr(node, bx.Scope([]))
            if not (isinstance(e, Const) and (e.value is None or e.type.is_integer)):
                raise self.error(BinderError, f"argument of {what} must be an integer constant", node.pos)
            if e.value is not None and e.value < 0:
                raise self.error(BinderError, f"{what} must not be negative", node.pos)
            return e.value

        limit = value(s.top, "TOP") if s.top is not None else value(s.limit, "LIMIT")
        return limit, value(s.offset, "OFFSET") or 0

    def _expand_stars(self, items, scope: bx.Scope) -> list[ast.SelectItem]:
        out = []
        for it in items:
            if isinstance(it.expr, ast.Star):
                qual = it.expr.table
                cols = [c for c in scope.columns if not c.hidden and (
                    (qual is None and not c.merged) or (qual is not None and c.qualifier == qual))]
                if qual is not None and not cols:
                    raise self.error(CatalogError, f'missing FROM-clause entry for table "{qual}"', it.pos)
                if not scope.columns and qual is None:
                    raise self.error(BinderError, "SELECT * with no tables specified is not valid", it.pos)
                for c in cols:
                    parts = (c.qualifier, c.name) if c.qualifier else (c.name,)
                    out.append(ast.SelectItem(ast.ColumnRef(parts, pos=it.pos), None, pos=it.pos))
            else:
                out.append(it)
        return out

    @staticmethod
    def _output_name(it: ast.SelectItem) -> str:
        if it.alias:
            return it.alias
        e = it.expr
        while isinstance(e, ast.Cast):
            e = e.operand
        if isinstance(e, ast.ColumnRef):
            return e.parts[-1]
        if isinstance(e, ast.FunctionCall):
            return e.name
        if isinstance(e, ast.Extract):
            return "date_part"
        if isinstance(e, ast.Case):
            return "case"
        return "?column?"

    def _bind_group_item(self, g, items, scope) -> BoundExpr:
        if isinstance(g, ast.Literal) and g.kind == "int":
            k = int(g.value)
            if not 1 <= k <= len(items):
                raise self.error(BinderError, f"GROUP BY position {k} is not in select list", g.pos)
            g = items[k - 1].expr
        elif isinstance(g, ast.ColumnRef) and len(g.parts) == 1:
            try:
                scope.resolve(g.parts, self._err_at(g))
            except CatalogError:
                aliased = [it.expr for it in items if it.alias == g.parts[0]]
                if not aliased:
                    raise
                g = aliased[0]
        if _has_aggregate(g):
            raise self.error(BinderError, "aggregate functions are not allowed in GROUP BY", g.pos)
        return self.expr(g, scope)

    def _lifter(self, groups: list[BoundExpr], aggs: list[AggCall]):
        """Rewrite an expression over the aggregate's output: group expressions
        and aggregates become column references; any other input column is the
        classic GROUP BY error."""
        ng = len(groups)

        def lift(e: BoundExpr, node) -> BoundExpr:
            for i, g in enumerate(groups):
                if e == g:
                    return ColumnIndex(i, g.type, str(g))
            if isinstance(e, bx.AggRef):
                return ColumnIndex(ng + e.index, e.type, aggs[e.index].func)
            if isinstance(e, ColumnIndex):
                raise self.error(
                    BinderError,
                    f'column "{e.name}" must appear in the GROUP BY clause or be used in an aggregate function',
                    getattr(node, "pos", None),
                )
            if not dataclasses.is_dataclass(e):
                return e
            changes = {}
            for f in dataclasses.fields(e):
                v = getattr(e, f.name)
                if isinstance(v, BoundExpr):
                    changes[f.name] = lift(v, node)
                elif isinstance(v, tuple):
                    changes[f.name] = tuple(_map_nested(x, lambda y: lift(y, node)) for x in v)
            return dataclasses.replace(e, **changes) if changes else e

        return lift

    def _order_expr(self, o: ast.OrderItem, items, names, scope, aggs, lift):
        e = o.expr
        if isinstance(e, ast.Literal) and e.kind == "int":
            k = int(e.value)
            if not 1 <= k <= len(items):
                raise self.error(BinderError, f"ORDER BY position {k} is not in select list", e.pos)
            return k - 1
        if isinstance(e, ast.ColumnRef) and len(e.parts) == 1 and names.count(e.parts[0]) == 1:
            return names.index(e.parts[0])
        bound = self.expr(e, scope, aggs)
        return lift(bound, e) if lift is not None else bound

    def _require_boolean(self, e: BoundExpr, where: str, node) -> None:
        if e.type.id not in (TypeId.BOOLEAN, TypeId.NULL):
            raise self.error(BinderError, f"argument of {where} must be type boolean, not type {e.type.sql().lower()}",
                             getattr(node, "pos", None))

    # -- FROM ---------------------------------------------------------------
    def bind_from(self, refs) -> tuple[LogicalPlan, bx.Scope]:
        plan, scope = self.bind_table_ref(refs[0])
        for ref in refs[1:]:
            rplan, rscope = self.bind_table_ref(ref)
            plan = Join(plan, rplan, "cross")
            scope = bx.Scope(scope.columns + rscope.columns)
        return plan, scope

    def bind_table_ref(self, ref) -> tuple[LogicalPlan, bx.Scope]:
        if isinstance(ref, ast.TableName):
            cte = bind_setops.lookup_cte(ref.name)  # a CTE in scope hides tables and views
            if cte is not None:
                return bind_setops.bind_cte_ref(self, ref, cte)
            view = self.catalog.view(ref.name)
            if view is not None:
                return bind_setops.bind_view_ref(self, ref, view)
            try:
                table = self.catalog.get(ref.name)
            except CatalogError as e:
                raise self.error(CatalogError, str(e), ref.pos) from None
            qual = ref.alias or self.catalog.normalize(ref.name)
            fields = list(table.fields)
            positions = list(range(len(fields)))
            visible = len(fields)
            if ref is getattr(self, "rowid_target", None):  # the target of a DELETE / UPDATE
                fields.append(Field(ROWID_NAME, BIGINT))
                positions.append(ROWID)
            if getattr(table, "is_external", False) and getattr(self, "pseudo_columns", True):
                # Spectrum's pseudo-columns, never in SELECT * (SET spectrum_enable_pseudo_columns)
                for name, (position, t) in PSEUDO_COLUMNS.items():
                    fields.append(Field(name, t))
                    positions.append(position)
            plan = Scan(table, positions, fields, qual)
            return plan, bx.Scope([bx.ScopeColumn(qual, f.name, f.type, hidden=i >= visible)
                                   for i, f in enumerate(fields)])
        if isinstance(ref, ast.SubqueryRef):
            sub = copy.copy(self)  # same catalog, parameters and statement clock
            sub.outer = None  # a derived table cannot see the enclosing query's columns
            bq = sub.bind_query(ref.query)
            self._params_used = sub._params_used
            names = list(bq.names)
            if ref.column_aliases:
                if len(ref.column_aliases) > len(names):
                    raise self.error(BinderError, f'table "{ref.alias}" has {len(names)} columns available but {len(ref.column_aliases)} columns specified', ref.pos)
                names[: len(ref.column_aliases)] = list(ref.column_aliases)
            plan = bq.plan
            return plan, bx.Scope([bx.ScopeColumn(ref.alias, n, f.type) for n, f in zip(names, plan.schema)])
        if isinstance(ref, ast.Join):
            lplan, lscope = self.bind_table_ref(ref.left)
            rplan, rscope = self.bind_table_ref(ref.right)
            scope = bx.Scope(lscope.columns + rscope.columns)
            cond = None
            using = list(ref.using)
            if ref.natural:
                rnames = {c.name for c in rscope.columns}
                using = [c.name for c in lscope.columns if c.name in rnames]
            if using:
                parts = []
                for name in using:
                    li, lc = bx.Scope(lscope.columns).resolve((name,), self._err_at(ref))
                    ri, rc = bx.Scope(rscope.columns).resolve((name,), self._err_at(ref))
                    l, r = bx.coerce_pair(ColumnIndex(li, lc.type, name), ColumnIndex(len(lscope.columns) + ri, rc.type, name), None, None, "=", self._err_at(ref))
                    parts.append(Binary("=", l, r, BOOLEAN))
                cond = parts[0]
                for p in parts[1:]:
                    cond = Binary("and", cond, p, BOOLEAN)
                merged = [dataclasses.replace(c, merged=c.name in using) for c in rscope.columns]
                scope = bx.Scope(lscope.columns + merged)
            elif ref.condition is not None:
                cond = self.expr(ref.condition, scope)
                self._require_boolean(cond, "JOIN/ON", ref.condition)
            kind = ref.kind
            if kind == "cross" and cond is not None:
                kind = "inner"
            if kind != "cross" and cond is None:
                raise self.error(BinderError, f"{kind.upper()} JOIN requires an ON or USING condition", ref.pos)
            return Join(lplan, rplan, kind, cond), scope
        raise self.error(NotSupportedError, f"{type(ref).__name__} in FROM is not supported", getattr(ref, "pos", None))

    # -- expressions -------------------------------------------------------------
    def expr(self, node, scope: bx.Scope, aggs: list | None = None) -> BoundExpr:
        """Bind an expression. With ``aggs`` (a list), aggregate calls are
        collected into it and replaced by :class:`AggRef` placeholders."""
        err = self._err_at(node)
        rec = lambda n: self.expr(n, scope, aggs)  # noqa: E731
        if isinstance(node, ast.Literal):
            return bx.literal(node)
        if isinstance(node, ast.ColumnRef):
            try:
                i, c = scope.resolve(node.parts, err)
            except CatalogError:
                if self.outer is None:
                    raise
                try:  # a correlated reference to the enclosing query
                    i, c = self.outer.resolve(node.parts, err)
                except CatalogError:
                    pass
                else:
                    return OuterRef(i, c.type, c.name)
                raise
            return ColumnIndex(i, c.type, c.name)
        if isinstance(node, ast.Parameter):
            if node.index >= len(self.params):
                raise self.error(ProgrammingError, f"the statement has a parameter ${node.index + 1}, but only {len(self.params)} values were given", node.pos)
            self._params_used = max(self._params_used, node.index + 1)
            return bx.python_value_const(self.params[node.index])
        if isinstance(node, ast.TypedLiteral):
            return bx.typed_literal(node, err)
        if isinstance(node, ast.IntervalLiteral):
            return bx.interval_const(node, err)
        if isinstance(node, ast.UnaryOp):
            operand = rec(node.operand)
            if node.op == "NOT":
                self._require_boolean(operand, "NOT", node)
                if isinstance(operand, Const):
                    return Const(None if operand.value is None else not operand.value, BOOLEAN)
                return Unary("not", operand, BOOLEAN)
            if not (operand.type.is_numeric or operand.type.is_null or operand.type.id is TypeId.INTERVAL):
                raise err(BinderError, f"operator does not exist: {node.op} {operand.type.sql().lower()}")
            if node.op == "+":
                return operand
            if isinstance(operand, Const) and operand.value is not None:
                if operand.type.id is TypeId.INTERVAL:
                    return Const(-operand.value, operand.type)
                if operand.type.is_integer:
                    return bx.literal(ast.Literal(-operand.value, "int"))
                return Const(-operand.value, operand.type)
            return Unary("neg", operand, operand.type)
        if isinstance(node, ast.BinaryOp):
            return self._binary(node, rec, err)
        if isinstance(node, ast.IsNull):
            return IsNull(rec(node.operand), node.negated)
        if isinstance(node, ast.IsBool):
            operand = rec(node.operand)
            self._require_boolean(operand, "IS TRUE/FALSE", node)
            # x IS TRUE is never NULL: coalesce(x = value, false)
            eq = Binary("=", operand, Const(node.value, BOOLEAN), BOOLEAN)
            out = bf.scalar_function("coalesce", [eq, Const(False, BOOLEAN)], err)
            return Unary("not", out, BOOLEAN) if node.negated else out
        if isinstance(node, ast.Between):
            x = rec(node.operand)
            lo, hi = rec(node.low), rec(node.high)
            a, b = bx.coerce_pair(x, lo, node.operand, node.low, ">=", err)
            c, d = bx.coerce_pair(x, hi, node.operand, node.high, "<=", err)
            out = Binary("and", self._compare(">=", a, b), self._compare("<=", c, d), BOOLEAN)
            return Unary("not", out, BOOLEAN) if node.negated else out
        if isinstance(node, ast.InList):
            x = rec(node.operand)
            items = [rec(i) for i in node.items]
            # a quoted literal takes the operand's type (date_col IN ('2020-01-01')), as in "="
            untyped = [isinstance(a, ast.Literal) and a.kind == "string" and not x.type.is_string for a in node.items]
            typed = [i.type for i, u in zip(items, untyped) if not u]
            t = bx.common_type([x.type] + typed, "IN", err)
            return InList(bx.cast_to(x, t), tuple(bx.cast_to(i, t) for i in items), node.negated)
        if isinstance(node, (ast.Like, ast.SimilarTo)):
            if isinstance(node, ast.SimilarTo):
                return bf.similar_to(rec(node.operand), rec(node.pattern), node.negated, err)
            x, p = rec(node.operand), rec(node.pattern)
            if not (x.type.is_string or x.type.is_null) or not (p.type.is_string or p.type.is_null):
                raise err(BinderError, f"operator does not exist: {x.type.sql().lower()} ~~ {p.type.sql().lower()}")
            escape = "\\"
            if node.escape is not None:
                e = rec(node.escape)
                if not isinstance(e, Const) or not isinstance(e.value, str) or len(e.value) > 1:
                    raise err(BinderError, "ESCAPE must be a single character")
                escape = e.value or None
            return Like(x, p, node.negated, node.case_insensitive, escape)
        if isinstance(node, ast.Case):
            return self._case(node, rec, err)
        if isinstance(node, ast.Cast):
            x = rec(node.operand)
            t = type_from_name(node.type.name, node.type.params)
            if x.type.id is TypeId.INTERVAL:
                raise err(BinderError, f"cannot cast type interval to {t.sql().lower()}")
            out = bx.cast_to(x, t)
            return Cast(out.operand, out.type, explicit=True) if isinstance(out, Cast) else out
        if isinstance(node, ast.Extract):
            return bf.extract(node.field, rec(node.operand), err)
        if isinstance(node, ast.FunctionCall):
            return self._function(node, scope, aggs, err)
        if isinstance(node, (ast.InSubquery, ast.Exists, ast.ScalarSubquery)):
            return self._subquery(node, scope, aggs, err)
        if isinstance(node, ast.Star):
            raise err(BinderError, "* is only allowed in a select list or COUNT(*)")
        raise err(NotSupportedError, f"{type(node).__name__} is not supported")

    def _subquery(self, node, scope, aggs, err) -> BoundExpr:
        """Bind a subquery with ``scope`` as its outer scope (for correlation)."""
        sub = copy.copy(self)  # shares the catalog, parameters and any CTEs in scope
        sub.outer = scope
        bq = sub.bind_query(node.query)
        self._params_used = max(self._params_used, sub._params_used)
        plan = bq.plan
        if isinstance(node, ast.Exists):
            return Subquery("exists", plan, None, node.negated)
        if len(plan.schema) != 1:
            raise err(BinderError, "subquery must return only one column")
        if isinstance(node, ast.ScalarSubquery):
            return Subquery("scalar", plan, None, False, plan.schema[0].type)
        operand = self.expr(node.operand, scope, aggs)
        column = ColumnIndex(0, plan.schema[0].type, plan.schema[0].name)
        left, right = bx.coerce_pair(operand, column, node.operand, None, "=", err)
        if right is not column:  # bring the subquery's column to the common type
            plan = Project(plan, [right], [Field(plan.schema[0].name, right.type)])
        return Subquery("in", plan, left, node.negated)

    def _binary(self, node: ast.BinaryOp, rec, err) -> BoundExpr:
        op = node.op.lower() if node.op in ("AND", "OR") else node.op
        l, r = rec(node.left), rec(node.right)
        if op in ("and", "or"):
            self._require_boolean(l, op.upper(), node.left)
            self._require_boolean(r, op.upper(), node.right)
            return Binary(op, bx.cast_to(l, BOOLEAN), bx.cast_to(r, BOOLEAN), BOOLEAN)
        if op == "||":
            return bx.concat(l, r)
        if op in ("=", "<>", "!=", "<", "<=", ">", ">="):
            op = "<>" if op == "!=" else op
            a, b = bx.coerce_pair(l, r, node.left, node.right, op, err)
            return self._compare(op, a, b)
        if op in ("+", "-", "*", "/", "%"):
            out = bx.arithmetic(op, l, r, node.left, node.right, err)
            return out
        raise err(NotSupportedError, f"operator {node.op} is not supported")

    @staticmethod
    def _compare(op: str, a: BoundExpr, b: BoundExpr) -> BoundExpr:
        if isinstance(a, Const) and not isinstance(b, Const):
            a, b, op = b, a, {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if isinstance(a, Cast) and a.type.id is TypeId.TIMESTAMP and a.operand.type.id is TypeId.DATE:
            folded = bx.date_vs_timestamp_const(a.operand, b, op)
        else:
            folded = bx.date_vs_timestamp_const(a, b, op)
        if folded is not None:
            a, b, op = folded
        return Binary(op, a, b, BOOLEAN)

    def _case(self, node: ast.Case, rec, err) -> BoundExpr:
        whens = []
        for cond_ast, res_ast in node.whens:
            if node.operand is not None:
                cond = self._binary(ast.BinaryOp("=", node.operand, cond_ast, pos=cond_ast.pos), rec, err)
            else:
                cond = rec(cond_ast)
                self._require_boolean(cond, "CASE/WHEN", cond_ast)
            whens.append((cond, rec(res_ast)))
        else_ = rec(node.else_) if node.else_ is not None else Const(None, NULL)
        t = bx.common_type([r.type for _, r in whens] + [else_.type], "CASE", err)
        if t.is_null:
            t = DataType.varchar(256)
        whens_t = tuple((c, bx.cast_to(r, t)) for c, r in whens)
        return Case(whens_t, bx.cast_to(else_, t), t)

    def _function(self, node: ast.FunctionCall, scope, aggs, err) -> BoundExpr:
        name = node.name.lower()
        if node.over is not None:  # columnar.sql.bind_windows
            return self._window(node, name, scope, aggs, err)
        if name in bx.AGGREGATES:
            if aggs is None:
                raise err(BinderError, f"aggregate function {name} is not allowed here")
            return self._aggregate(node, name, scope, aggs, err)
        if node.distinct or node.star:
            raise err(BinderError, f"DISTINCT or * specified, but {name} is not an aggregate function")
        if node.approximate:
            raise err(BinderError, f"APPROXIMATE is only allowed with COUNT(DISTINCT ...), not {name}")
        if node.within_group:
            raise err(BinderError, f"WITHIN GROUP is only allowed with ordered-set aggregates, not {name}")
        if name in bf.CLOCK_FUNCTIONS:  # one clock per statement: GETDATE() is constant within it
            return bf.clock_function(name, len(node.args), self._clock, err)
        rewritten = self._rewrite_function(name, node, err)
        if rewritten is not None:
            return self.expr(rewritten, scope, aggs)
        args = [self.expr(a, scope, aggs) for a in node.args]
        return bf.scalar_function(name, args, err)

    @staticmethod
    def _rewrite_function(name: str, node: ast.FunctionCall, err):
        """Functions that are shorthand for other syntax (as Redshift defines them)."""
        a, pos = node.args, node.pos
        if name == "mod":
            if len(a) != 2:
                raise err(BinderError, "function mod takes 2 arguments")
            return ast.BinaryOp("%", a[0], a[1], pos=pos)
        if name == "concat":
            if len(a) != 2:
                raise err(BinderError, "function concat takes 2 arguments")
            return ast.BinaryOp("||", a[0], a[1], pos=pos)
        if name == "nvl2":
            if len(a) != 3:
                raise err(BinderError, "function nvl2 takes 3 arguments")
            return ast.Case(None, ((ast.IsNull(a[0], True, pos=pos), a[1]),), a[2], pos=pos)
        if name == "decode":
            # DECODE(expr, search, result [, search, result ...] [, default]); NULL matches NULL
            if len(a) < 3:
                raise err(BinderError, "function decode takes at least 3 arguments")
            whens = []
            for i in range(1, len(a) - 1, 2):
                search = a[i]
                if isinstance(search, ast.Literal) and search.kind == "null":
                    cond = ast.IsNull(a[0], pos=pos)
                else:
                    cond = ast.BinaryOp("=", a[0], search, pos=pos)
                whens.append((cond, a[i + 1]))
            default = a[-1] if len(a) % 2 == 0 else None
            return ast.Case(None, tuple(whens), default, pos=pos)
        return None


# --- helpers -------------------------------------------------------------------------


def _map_nested(x, fn):
    if isinstance(x, BoundExpr):
        return fn(x)
    if isinstance(x, tuple):
        return tuple(_map_nested(y, fn) for y in x)
    return x


def _name_of(e: BoundExpr, pos: int, names: list) -> str:
    return names[pos] if pos < len(names) else str(e)
