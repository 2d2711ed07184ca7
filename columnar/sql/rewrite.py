"""Generic rewriting of bound expressions (used by the binder and optimizer rules).

Example:
    >>> from columnar.core.types import INTEGER
    >>> from columnar.sql.expr import Binary, ColumnIndex
    >>> e = Binary("+", ColumnIndex(0, INTEGER, "a"), ColumnIndex(1, INTEGER, "b"), INTEGER)
    >>> str(remap_columns(e, {0: 5, 1: 6}))
    '(a + b)'
    >>> remap_columns(e, {0: 5, 1: 6}).left.index
    5
"""

from __future__ import annotations

import dataclasses

from columnar.core.types import BOOLEAN
from columnar.sql.expr import Binary, BoundExpr, ColumnIndex


def transform(expr: BoundExpr, fn) -> BoundExpr:
    """Bottom-up rewrite: ``fn`` sees each node after its children were rewritten
    and returns the replacement (or the node itself)."""
    if not dataclasses.is_dataclass(expr):
        return fn(expr)
    changes = {}
    for f in dataclasses.fields(expr):
        v = getattr(expr, f.name)
        if isinstance(v, BoundExpr):
            nv = transform(v, fn)
            if nv is not v:
                changes[f.name] = nv
        elif isinstance(v, tuple) and v and any(isinstance(x, (BoundExpr, tuple)) for x in v):
            nv = tuple(_transform_item(x, fn) for x in v)
            if any(a is not b for a, b in zip(nv, v)):
                changes[f.name] = nv
    node = dataclasses.replace(expr, **changes) if changes else expr
    return fn(node)


def _transform_item(x, fn):
    if isinstance(x, BoundExpr):
        return transform(x, fn)
    if isinstance(x, tuple):
        out = tuple(_transform_item(y, fn) for y in x)
        return x if all(a is b for a, b in zip(out, x)) else out
    return x


def remap_columns(expr: BoundExpr, mapping: dict) -> BoundExpr:
    """Renumber ColumnIndex references (old position → new position)."""

    def fn(e):
        if isinstance(e, ColumnIndex):
            return dataclasses.replace(e, index=mapping[e.index])
        return e

    return transform(expr, fn)


def shift_columns(expr: BoundExpr, offset: int) -> BoundExpr:
    def fn(e):
        if isinstance(e, ColumnIndex):
            return dataclasses.replace(e, index=e.index + offset)
        return e

    return transform(expr, fn)


def conjuncts(expr: BoundExpr | None) -> list[BoundExpr]:
    """Split ``a AND b AND c`` into ``[a, b, c]``."""
    if expr is None:
        return []
    if isinstance(expr, Binary) and expr.op == "and":
        return conjuncts(expr.left) + conjuncts(expr.right)
    return [expr]


def conjunction(parts: list[BoundExpr]) -> BoundExpr | None:
    out = None
    for p in parts:
        out = p if out is None else Binary("and", out, p, BOOLEAN)
    return out
