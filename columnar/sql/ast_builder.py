"""The parse tree → AST transformer: lark trees in, :mod:`columnar.sql.ast` nodes out.

Role: :class:`_ToAst` builds frozen, position-tagged AST dataclasses bottom-up,
one method per grammar rule or alias. It is assembled from rule sets, one per
concept:

* this module: the one-line rules (pass-throughs, presence markers, keyword
  values, lists, tagged clauses) and the query rules: ``WITH``, set operations
  (``MINUS`` becomes ``EXCEPT``), ``VALUES``, ``SELECT`` and its clauses,
  ``ORDER BY`` / ``LIMIT`` / ``OFFSET`` placement, and FROM items and joins;
* :mod:`columnar.sql.ast_builder_expr`: expressions, literals, functions, types;
* :mod:`columnar.sql.ast_builder_stmt`: DDL, DML, COPY and the other statements;
* :mod:`columnar.sql.ast_builder_common`: the helpers they share.

The transformer is non-recursive, so a generated ``a = 1 OR a = 2 OR ...``
with thousands of terms does not hit Python's recursion limit. Children are
still visited left to right, which numbers ``?`` parameters from 0 per
statement in order of appearance. Errors found here are raised as
:class:`~columnar.core.errors.ParserError`; :mod:`columnar.sql.parser` unwraps
them from lark's ``VisitError``.

Place in the pipeline: SQL text → parser → **AST** → binder → logical plan.
"""

from __future__ import annotations

from dataclasses import replace

from lark import Token, v_args

from columnar.sql import ast
from columnar.sql.ast_builder_common import (
    _as_tuple,
    _clause,
    _Clause,
    _clauses,
    _first,
    _pos,
    _tpos,
    _true,
    _upper,
)
from columnar.sql.ast_builder_expr import _ExpressionRules
from columnar.sql.ast_builder_stmt import _StatementRules

__all__ = ["_ToAst"]


@v_args(meta=True)
class _ToAst(_ExpressionRules, _StatementRules):
    """Builds AST nodes bottom-up; one method per grammar rule or alias.

    The expression and statement rules are inherited from
    :class:`~columnar.sql.ast_builder_expr._ExpressionRules` and
    :class:`~columnar.sql.ast_builder_stmt._StatementRules`; the one-line rules
    and the query rules are defined here. Non-recursive, so a generated ``a = 1 OR a = 2 OR ...`` with thousands of
    terms does not hit Python's recursion limit. Children are still visited
    left to right, which numbers ``?`` parameters in order of appearance.
    """

    # Small rules: pass-throughs, presence markers, keyword values, lists, clauses.
    alias = set_quantifier = sort_direction = like_op = partition_by = _first
    expression = drop_behavior = _first
    recursive = not_kw = temporary = if_not_exists = if_exists = transaction_word = _true
    precision = varying = _true
    trim_side = sortkey_style = diststyle_value = _upper
    copy_format = copy_string_key = copy_int_key = copy_bool_key = copy_flag = _upper
    unload_string_key = unload_flag = _upper
    select_list = ident_list = expr_list = type_params = _as_tuple
    from_clause = _clause("from", many=True)
    order_by = _clause("order_by", many=True)
    where_clause = _clause("where")
    group_by = _clause("group_by")
    having_clause = _clause("having")
    qualify_clause = _clause("qualify")
    limit_clause = _clause("limit")
    offset_clause = _clause("offset")

    # -- queries --------------------------------------------------------

    def query(self, meta, children):
        with_ = order = limits = None
        body = None
        for child in children:
            if isinstance(child, _Clause):
                if child.tag == "with":
                    with_ = child
                elif child.tag == "order_by":
                    order = child
                elif child.tag == "limit_offset":
                    limits = child
            elif child is not None:
                body = child
        body = self._attach(body, order, limits)
        if with_ is not None:
            recursive, ctes = with_.value
            return ast.With(ctes, body, recursive, pos=with_.pos)
        return body

    def _attach(self, query, order, limits):
        """Put a query-level ORDER BY / LIMIT / OFFSET on the query it applies to."""
        if order is None and limits is None:
            return query
        order_by = order.value if order else ()
        limit, offset, has_limit, limit_pos = limits.value if limits else (None, None, False, None)
        has_offset = offset is not None
        pos = order.pos if order else limits.pos
        if isinstance(query, ast.With):
            return replace(query, body=self._attach(query.body, order, limits))
        if isinstance(query, ast.Values):
            raise self._error("ORDER BY / LIMIT / OFFSET directly after VALUES is not supported; "
                              "use SELECT * FROM (VALUES ...) AS v ... instead", pos)
        if (order_by and (query.order_by or query.limit is not None or query.offset is not None)) or \
                (has_limit and query.limit is not None) or (has_offset and query.offset is not None):
            raise self._error("multiple ORDER BY / LIMIT / OFFSET clauses are not allowed", pos)
        if isinstance(query, ast.Select) and query.top is not None and has_limit:
            raise self._error("TOP and LIMIT cannot be used together", limit_pos)
        changes = {}
        if order_by:
            changes["order_by"] = order_by
        if has_limit:
            changes["limit"] = limit
        if has_offset:
            changes["offset"] = offset
        return replace(query, **changes)

    def with_clause(self, meta, children):
        recursive = children[0] is not None
        return _Clause("with", (recursive, tuple(children[1:])), _pos(meta))

    def cte(self, meta, children):
        name, columns, query = children
        return ast.CommonTableExpr(name, query, tuple(columns or ()), pos=_pos(meta))

    def set_operation(self, meta, children):
        left, op_tokens, right = children
        op = op_tokens[0].upper()
        if op == "MINUS":
            op = "EXCEPT"
        all_ = len(op_tokens) > 1 and op_tokens[1] is not None and op_tokens[1].upper() == "ALL"
        return ast.SetOperation(op, left, right, all_, pos=_pos(meta))

    def set_op(self, meta, children):
        return [t.value if t is not None else None for t in children]

    intersect_op = set_op

    def values_row(self, meta, children):
        return tuple(children)

    def default_value(self, meta, children):
        return ast.Default(pos=_pos(meta))

    def values_clause(self, meta, children):
        return ast.Values(tuple(children), pos=_pos(meta))

    def select_core(self, meta, children):
        modifiers, items = children[0], children[1]
        distinct, top = modifiers if modifiers is not None else (False, None)
        c = _clauses(children[2:])
        get = lambda tag, default=None: c[tag].value if tag in c else default  # noqa: E731
        return ast.Select(
            items=items,
            from_=get("from", ()),
            where=get("where"),
            group_by=get("group_by", ()),
            having=get("having"),
            qualify=get("qualify"),
            distinct=distinct,
            top=top,
            pos=_pos(meta),
        )

    def select_modifiers(self, meta, children):
        distinct, top = False, None
        for child in children:
            if isinstance(child, Token):
                distinct = child.upper() == "DISTINCT"
            elif child is not None:
                top = child
        return distinct, top

    def top_clause(self, meta, children):
        token = children[0]
        return ast.Literal(int(token), "int", pos=_tpos(token))

    def select_item(self, meta, children):
        expr, alias = children
        return ast.SelectItem(expr, alias, pos=_pos(meta))

    def star(self, meta, children):
        return ast.SelectItem(ast.Star(pos=_pos(meta)), pos=_pos(meta))

    def qualified_star(self, meta, children):
        parts = children[0]
        return ast.SelectItem(ast.Star(".".join(parts), pos=_pos(meta)), pos=_pos(meta))

    def order_item(self, meta, children):
        expr, direction, nulls = children
        desc = direction is not None and direction.upper() == "DESC"
        nulls_first = None if nulls is None else nulls
        return ast.OrderItem(expr, desc, nulls_first, pos=_pos(meta))

    def nulls_order(self, meta, children):
        return children[1].upper() == "FIRST"

    def limit_offset(self, meta, children):
        limit = offset = limit_pos = None
        has_limit = False
        for child in children:
            if child is None:
                continue
            if child.tag == "limit":
                has_limit, limit, limit_pos = True, child.value, child.pos
            else:
                offset = child.value
        return _Clause("limit_offset", (limit, offset, has_limit, limit_pos), _pos(meta))

    def limit_all(self, meta, children):
        return _Clause("limit", None, _pos(meta))

    # -- FROM items -----------------------------------------------------

    def table(self, meta, children):
        name, alias = children
        return ast.TableName(name, alias, pos=_pos(meta))

    def subquery_ref(self, meta, children):
        query, alias, columns = children
        return ast.SubqueryRef(query, alias, tuple(columns or ()), pos=_pos(meta))

    def join(self, meta, children):
        left, kind, right, (condition, using) = children
        return ast.Join(left, right, kind or "inner", condition, using, pos=_pos(meta))

    def cross_join(self, meta, children):
        left, right = children
        return ast.Join(left, right, "cross", pos=_pos(meta))

    def natural_join(self, meta, children):
        left, kind, right = children
        return ast.Join(left, right, kind or "inner", natural=True, pos=_pos(meta))

    def join_kind(self, meta, children):
        return children[0].lower()

    def join_on(self, meta, children):
        return children[0], ()

    def join_using(self, meta, children):
        return None, children[0]

    def table_name(self, meta, children):
        if len(children) > 3:
            raise self._error("table names have at most three parts (database.schema.table)", _pos(meta))
        return ".".join(children)
