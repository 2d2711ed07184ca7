"""Binding whole queries: set operations, WITH (common table expressions) and views.

Role: the query-level half of the binder (:mod:`columnar.sql.binder` binds a
SELECT block; this module combines blocks). Place in the pipeline: parser →
**binder** → optimizer → physical planner.

Set operations (``UNION [ALL]``, ``INTERSECT [ALL]``, ``EXCEPT`` / ``MINUS
[ALL]``) become a :class:`~columnar.sql.logical.SetOp` over the two bound
inputs, as PostgreSQL and Redshift define them:

* both inputs must have the same number of columns;
* column ``i`` of the result has the common type of the inputs' columns
  (:func:`columnar.sql.bind_expr.common_type`: INT and DECIMAL give a DECIMAL
  wide enough for both, CHAR and VARCHAR a VARCHAR, ...), and each input is
  cast to it; an untyped string literal (``SELECT 1 UNION SELECT '2'``) takes
  the other input's type, as in a VALUES list;
* the names are the left input's;
* ORDER BY, LIMIT and OFFSET after the last input apply to the whole result;
  ORDER BY names an output column or gives its position (expressions are not
  allowed there, as in PostgreSQL).

WITH: each common table expression is bound by *inlining*: wherever the body
(or a later CTE) names it, its query is bound again, as if it had been written
there as a derived table. A CTE sees the CTEs before it and those of
enclosing queries; a name defined by a CTE hides a table of the same name.
Simplified versus Redshift: a CTE referenced twice is computed twice (Redshift
may materialise it once); binding is repeated per reference, so a chain of
CTEs that each reference the previous one several times binds exponentially
often (fine for hand-written queries). ``WITH RECURSIVE`` is not supported.
A CTE nobody references is still bound once, so its errors are reported.

Views: ``CREATE VIEW v AS query`` stores the query's *text* (and its parsed
form) in the catalog; a reference to ``v`` parses nothing and binds that query
again, like a CTE (so a view always sees the tables as they are *now*). The
query is also bound once at CREATE VIEW, to check it and to find the
columns. Our choice versus Redshift: every view is late-binding (as if
created ``WITH NO SCHEMA BINDING``, a clause the grammar does not accept);
dropping or re-creating a table a view reads is allowed (Redshift needs
CASCADE for a regular view), and the view fails, naming itself, only when it is
next used while the table is missing. A view referencing itself, directly or
through other views, is reported when it is created or used.

The CTEs in scope and the views being expanded are kept in context variables:
binding is a recursive descent that mirrors the query's nesting, so a dynamic
scope is the lexical one, and every sub-binder (derived tables, subqueries in
expressions) sees them without being told.
"""

from __future__ import annotations

import contextvars
import copy
import types
from dataclasses import dataclass, field

from columnar.core.errors import BinderError, CatalogError, NotSupportedError
from columnar.core.types import DataType, Field
from columnar.sql import ast
from columnar.sql import bind_expr as bx
from columnar.sql.expr import ColumnIndex
from columnar.sql.logical import Limit, LogicalPlan, Project, SetOp, Sort, SortKey
from columnar.storage.catalog import ViewDef


@dataclass(eq=False)
class _Cte:
    """A CTE in scope: its definition, the CTEs its own query can see, and the
    outer scope of the query block that defined it (for a correlated CTE)."""

    definition: ast.CommonTableExpr
    visible: dict
    outer: object = None
    used: bool = field(default=False)


_EMPTY: dict = {}
_CTES: contextvars.ContextVar[dict] = contextvars.ContextVar("columnar_ctes_in_scope", default=_EMPTY)
_EXPANDING: contextvars.ContextVar[tuple] = contextvars.ContextVar("columnar_views_expanding", default=())


# --------------------------------------------------------------------------- set operations


def bind_set_operation(binder, q: ast.SetOperation) -> tuple[LogicalPlan, list]:
    """The plan and output names of ``left UNION|INTERSECT|EXCEPT [ALL] right``."""
    left = binder.bind_query(q.left)
    right = binder.bind_query(q.right)
    op = q.op.upper()
    pos = getattr(q.right, "pos", None) or q.pos

    def err(cls, message):
        return binder.error(cls, message, pos)

    lt, rt = left.plan.types, right.plan.types
    if len(lt) != len(rt):
        raise err(BinderError, f"each {op} query must have the same number of columns")
    lu, ru = _untyped_literals(q.left, len(lt)), _untyped_literals(q.right, len(rt))
    out_types = []
    for a, b, a_untyped, b_untyped in zip(lt, rt, lu, ru):
        if a_untyped and not b_untyped and not (b.is_null or b.is_string):
            t = b
        elif b_untyped and not a_untyped and not (a.is_null or a.is_string):
            t = a
        else:
            t = bx.common_type([a, b], op, err)
        out_types.append(DataType.varchar(256) if t.is_null else t)
    names = list(left.names)
    schema = [Field(n, t) for n, t in zip(names, out_types)]
    plan: LogicalPlan = SetOp(op.lower(), q.all, _coerce(left.plan, out_types), _coerce(right.plan, out_types), schema)
    if q.order_by:
        plan = Sort(plan, [_order_key(binder, o, schema) for o in q.order_by])
    limit, offset = binder._limit(types.SimpleNamespace(top=None, limit=q.limit, offset=q.offset))
    if limit is not None or offset:
        plan = Limit(plan, limit, offset)
    return plan, names


def _untyped_literals(q, width: int) -> list[bool]:
    """Which output columns of a branch are bare string literals (``'2'``), whose
    type the other branch may decide."""
    if isinstance(q, ast.Select) and len(q.items) == width and not any(isinstance(it.expr, ast.Star) for it in q.items):
        return [isinstance(it.expr, ast.Literal) and it.expr.kind == "string" for it in q.items]
    return [False] * width


def _coerce(plan: LogicalPlan, out_types: list) -> LogicalPlan:
    """``plan`` with its columns cast to ``out_types`` (folded into its top Project)."""
    if plan.types == out_types:
        return plan
    fields = [Field(f.name, t) for f, t in zip(plan.schema, out_types)]
    if isinstance(plan, Project):
        return Project(plan.input, [bx.cast_to(e, t) for e, t in zip(plan.exprs, out_types)], fields)
    exprs = [bx.cast_to(ColumnIndex(i, f.type, f.name), t) for i, (f, t) in enumerate(zip(plan.schema, out_types))]
    return Project(plan, exprs, fields)


def _order_key(binder, o: ast.OrderItem, schema: list) -> SortKey:
    """ORDER BY of a set operation: an output column name or position."""
    e = o.expr
    names = [f.name for f in schema]
    if isinstance(e, ast.Literal) and e.kind == "int":
        k = int(e.value)
        if not 1 <= k <= len(schema):
            raise binder.error(BinderError, f"ORDER BY position {k} is not in select list", o.pos)
        pos = k - 1
    elif isinstance(e, ast.ColumnRef) and len(e.parts) == 1:
        name = e.parts[0]
        if names.count(name) > 1:
            raise binder.error(BinderError, f'ORDER BY "{name}" is ambiguous', o.pos)
        if name not in names:
            raise binder.error(CatalogError, f'column "{name}" does not exist', o.pos)
        pos = names.index(name)
    else:
        raise binder.error(BinderError, "invalid UNION/INTERSECT/EXCEPT ORDER BY clause: only result column "
                           "names or positions can be used, not expressions or functions", o.pos)
    f = schema[pos]
    nulls_first = o.desc if o.nulls_first is None else o.nulls_first
    return SortKey(ColumnIndex(pos, f.type, f.name), o.desc, nulls_first)


# --------------------------------------------------------------------------- WITH


def bind_with(binder, q: ast.With):
    """Bind the body of a WITH with its CTEs in scope (see the module docstring)."""
    if q.recursive:
        raise binder.error(NotSupportedError, "WITH RECURSIVE is not supported: columnar binds a common table "
                           "expression by inlining its query where it is referenced, which cannot recurse", q.pos)
    visible = _CTES.get()
    defined = []
    seen = set()
    for cte in q.ctes:
        if cte.name in seen:
            raise binder.error(BinderError, f'WITH query name "{cte.name}" specified more than once', cte.pos)
        seen.add(cte.name)
        entry = _Cte(cte, visible, getattr(binder, "outer", None))
        defined.append(entry)
        visible = {**visible, cte.name: entry}
    token = _CTES.set(visible)
    try:
        bound = binder.bind_query(q.body)
    finally:
        _CTES.reset(token)
    # CTEs nobody referenced are bound once anyway, last first (binding one
    # marks the earlier ones it references as used).
    for entry in reversed(defined):
        if not entry.used:
            _bind_cte_query(binder, entry)
    return bound


def lookup_cte(name: str) -> _Cte | None:
    """The CTE an unqualified table name refers to, if one is in scope."""
    if "." in name:
        return None
    return _CTES.get().get(name)


def _bind_cte_query(binder, entry: _Cte) -> tuple[LogicalPlan, list]:
    entry.used = True
    cte = entry.definition
    sub = copy.copy(binder)  # same catalog and parameters; not the referencing query's scope
    if hasattr(sub, "outer"):
        sub.outer = entry.outer
    token = _CTES.set(entry.visible)
    try:
        bound = sub.bind_query(cte.query)
    finally:
        _CTES.reset(token)
    binder._params_used = max(binder._params_used, sub._params_used)
    names = list(bound.names)
    if len(cte.column_aliases) > len(names):
        raise binder.error(BinderError, f'WITH query "{cte.name}" has {len(names)} columns available but '
                           f"{len(cte.column_aliases)} columns specified", cte.pos)
    names[: len(cte.column_aliases)] = list(cte.column_aliases)
    return bound.plan, names


def bind_cte_ref(binder, ref: ast.TableName, entry: _Cte) -> tuple[LogicalPlan, bx.Scope]:
    """A CTE named in FROM: its query, bound here (inlined)."""
    plan, names = _bind_cte_query(binder, entry)
    qual = ref.alias or entry.definition.name
    return plan, bx.Scope([bx.ScopeColumn(qual, n, f.type) for n, f in zip(names, plan.schema)])


# --------------------------------------------------------------------------- views


def bind_view_ref(binder, ref: ast.TableName, view: ViewDef) -> tuple[LogicalPlan, bx.Scope]:
    """A view named in FROM: its stored query, bound now (inlined)."""
    plan, names = _bind_view_query(binder, view.name, view.query, view.sql, view.column_names, ref.pos)
    qual = ref.alias or view.name
    return plan, bx.Scope([bx.ScopeColumn(qual, n, f.type) for n, f in zip(names, plan.schema)])


def _bind_view_query(binder, name: str, query, sql: str, column_names: tuple, pos) -> tuple[LogicalPlan, list]:
    expanding = _EXPANDING.get()
    if name in expanding:
        chain = " -> ".join(expanding[expanding.index(name):] + (name,))
        raise binder.error(BinderError, f'infinite recursion detected in view "{name}" ({chain})', pos)
    # A view sees no CTEs and no outer query, and its positions are in its own text.
    sub = type(binder)(binder.catalog, [], sql)
    t_views, t_ctes = _EXPANDING.set(expanding + (name,)), _CTES.set(_EMPTY)
    try:
        bound = sub.bind_query(query)
    except (BinderError, CatalogError) as e:
        if "infinite recursion" in str(e):
            raise
        raise type(e)(f'view "{name}": {e}') from None
    finally:
        _CTES.reset(t_ctes)
        _EXPANDING.reset(t_views)
    names = list(bound.names)
    if len(column_names) > len(names):
        raise binder.error(BinderError, f'view "{name}" names {len(column_names)} columns but its query '
                           f"has {len(names)}", pos)
    names[: len(column_names)] = list(column_names)
    return bound.plan, names


def bind_create_view(binder, stmt) -> ViewDef:
    """Check a CREATE VIEW and describe the view to store (see the module docstring)."""
    from columnar.sql.parser import parse_one  # the view's own text: error carets point into it

    catalog = binder.catalog
    try:
        name = catalog.normalize(stmt.name)
    except CatalogError as e:
        raise binder.error(CatalogError, str(e), stmt.pos) from None
    query = parse_one(stmt.sql)
    view = ViewDef(name, stmt.sql, tuple(stmt.column_names), query)
    plan, names = _bind_view_query(binder, name, query, stmt.sql, (), stmt.pos)
    if len(stmt.column_names) > len(names):
        raise binder.error(BinderError, "CREATE VIEW specifies more column names than columns", stmt.pos)
    names[: len(stmt.column_names)] = list(stmt.column_names)
    seen = set()
    for n in names:
        if n in seen:
            raise binder.error(CatalogError, f'column "{n}" specified more than once', stmt.pos)
        seen.add(n)
    old = catalog.view(name)
    if stmt.or_replace and old is not None:
        try:
            old_plan, old_names = _bind_view_query(binder, name, old.query, old.sql, old.column_names, stmt.pos)
        except (BinderError, CatalogError):
            return view  # the old view no longer binds: nothing to stay compatible with
        if old_names != names or old_plan.types != plan.types:
            raise binder.error(BinderError, f'cannot change the columns of view "{name}" with CREATE OR REPLACE '
                               "VIEW (the new query must give the same column names and types); drop it first",
                               stmt.pos)
    return view


__all__ = ["bind_create_view", "bind_cte_ref", "bind_set_operation", "bind_view_ref", "bind_with", "lookup_cte"]
