"""How many rows a filter directly over a table scan keeps, from ANALYZE statistics.

Role: the one row estimate the planners share. Three places guess how many
rows a ``WHERE`` keeps: the join-order rule
(:mod:`columnar.sql.optimizer.reorder_joins`), the physical planner's
broadcast-or-redistribute choice (:mod:`columnar.exec.physical_planner`) and
EXPLAIN's ``rows=`` (:mod:`columnar.exec.cost`). Without statistics each keeps
its fixed fraction (a third; the cost model's per-operator rules). Once the
scanned table has been analyzed (``table.stats``, see
:mod:`columnar.storage.statistics`) they all call :func:`filter_fraction`.

It lives in ``columnar.sql`` because it reads bound expressions and the
optimizer (in ``columnar.sql``) may not import ``columnar.exec``.

Recognised conjuncts (``AND``-ed): the forms block pruning recognises
(:mod:`columnar.exec.scan_ranges`, which needs them for zone maps), and ``<>``:

* ``col op constant`` and ``constant op col``, ``op`` in ``= < <= > >=``
  (BETWEEN arrives as two of them);
* ``col IN (constants)``;
* ``col IS NULL``;
* ``col <> constant`` (a factor of its own: a ColumnRange cannot hold a hole);

where ``col`` is the bare column and the constant is of its type family. The
conjuncts on one column are first combined into one
:class:`~columnar.storage.pruning.ColumnRange` (so ``a >= 5 AND a < 9`` is one
range, not two independent guesses), its fraction read from the column's
histogram and most common values; the columns are assumed independent. A
conjunct of any other form (``LIKE``, ``OR``, ``NOT IN``, a function of the column,
...) is multiplied in with the caller's fixed fraction (``fallback``).

:func:`filter_fraction` returns None, and the caller keeps its old rule, when
the table was never analyzed, when no conjunct is recognised, or when a
recognised column has no statistics (ANALYZE of a column list).

Example:
    >>> from types import SimpleNamespace
    >>> from columnar.core.types import BOOLEAN, INTEGER
    >>> from columnar.sql.expr import Binary, ColumnIndex, Const
    >>> from columnar.storage.statistics import ColumnStats, TableStats
    >>> stats = TableStats(1000, 1000, {2: ColumnStats("k", 0.0, 100, 0, 99, histogram=tuple(range(100)))})
    >>> table = SimpleNamespace(stats=stats)
    >>> k = ColumnIndex(0, INTEGER, "k")  # the scan reads table column 2 as its column 0
    >>> filter_fraction(table, [2], Binary("=", k, Const(7, INTEGER), BOOLEAN))
    0.01
    >>> filter_fraction(SimpleNamespace(stats=None), [2], Binary("=", k, Const(7, INTEGER), BOOLEAN)) is None
    True
"""

from __future__ import annotations

from typing import Callable

from columnar.core.types import DataType
from columnar.sql.expr import Binary, BoundExpr, Cast, ColumnIndex, Const, InList, IsNull
from columnar.sql.rewrite import conjuncts
from columnar.storage.pruning import ColumnRange
from columnar.storage.statistics import ranges_selectivity, selectivity

#: What the planners assume a filter keeps when nothing better is known.
DEFAULT_FRACTION = 1 / 3

_FLIP = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def filter_fraction(table, columns: list, predicate: BoundExpr | None,
                    fallback: Callable[[BoundExpr], float] | None = None) -> float | None:
    """The fraction of ``table``'s rows a filter over a scan of ``columns`` keeps.

    Args:
        table: the scanned :class:`~columnar.storage.table.Table`.
        columns: table column of each scan output position.
        predicate: the filter's bound predicate (over the scan's output).
        fallback: fraction for a conjunct that is not recognised; default
            :data:`DEFAULT_FRACTION`.

    Returns:
        The fraction, or None when the statistics cannot tell (see the module
        docstring).
    """
    stats = getattr(table, "stats", None)
    if stats is None or predicate is None:
        return None
    ranges: dict[int, ColumnRange] = {}
    others = []
    not_equal = []  # (table column, value) of ``col <> constant``
    for c in conjuncts(predicate):
        got = conjunct_range(c, columns)
        ne = _not_equal(c, columns) if got is None else None
        if got is not None:
            col, update = got
            ranges[col] = update(ranges.get(col, ColumnRange()))
        elif ne is not None:
            not_equal.append(ne)
        else:
            others.append(c)
    if not ranges and not not_equal:
        return None
    fraction = ranges_selectivity(stats, ranges)
    for col, v in not_equal:
        s = selectivity(stats, col, "<>", v)
        fraction = None if fraction is None or s is None else fraction * s
    if fraction is None:
        return None
    for c in others:
        fraction *= fallback(c) if fallback is not None else DEFAULT_FRACTION
    return fraction


def filtered_rows(table, columns: list, predicate: BoundExpr | None) -> float:
    """Rows a filter over a full scan of ``table`` keeps: the table's rows times
    :func:`filter_fraction`, or a third of them when that is unknown."""
    rows = float(table.row_count())
    fraction = filter_fraction(table, columns, predicate)
    return rows * (DEFAULT_FRACTION if fraction is None else fraction)


def conjunct_range(c: BoundExpr, columns: list):
    """``(table column, ColumnRange -> ColumnRange)`` for a recognised conjunct, else None."""
    if isinstance(c, Binary) and c.op in _FLIP:
        left, right, op = c.left, c.right, c.op
        if isinstance(left, Const) and not isinstance(right, Const):
            left, right, op = right, left, _FLIP[op]
        if isinstance(left, Cast) and isinstance(right, Const):
            unwrapped = _widened(left, right, op)
            if unwrapped is not None:
                left, right, op = unwrapped
        if isinstance(left, ColumnIndex) and isinstance(right, Const):
            col, v = _table_column(left, columns), _value(left.type, right)
            if col is not None and v is not None:
                return col, lambda r: r.restrict(op, v)
    elif isinstance(c, InList) and not c.negated and isinstance(c.operand, ColumnIndex):
        col = _table_column(c.operand, columns)
        if col is not None and all(isinstance(i, Const) for i in c.items):
            vals = [_value(c.operand.type, i) for i in c.items]
            if all(v is not None or i.value is None for v, i in zip(vals, c.items)):
                pts = [v for v in vals if v is not None]  # NULL items never match
                return col, lambda r: r.with_points(pts)
    elif isinstance(c, IsNull) and not c.negated and isinstance(c.operand, ColumnIndex):
        col = _table_column(c.operand, columns)
        if col is not None:
            return col, lambda r: r.with_null_only()
    return None


def _widened(cast: Cast, const: Const, op: str):
    """``CAST(col AS wider) op const`` as ``col op' const'`` when the cast only widens an
    integer or DECIMAL column (order-preserving, exact): the binder widens a column to
    the type of the literal it is compared with (``dec_10_2 > 900`` compares as
    DECIMAL(12,2)), and that must not cost the zone maps. A constant that falls between
    two values of the column becomes the nearest bound (``int_col > 2.5`` is
    ``int_col >= 3``); ``=`` such a constant is left alone. A cast written in the query
    is not unwrapped. None when not applicable."""
    col, src, dst = cast.operand, cast.operand.type, cast.type
    if cast.explicit:  # a cast the user wrote defeats pruning, as in Redshift (checklist 20)
        return None
    if not isinstance(col, ColumnIndex) or const.value is None or isinstance(const.value, bool):
        return None
    if not ((src.is_integer or src.is_decimal) and (dst.is_integer or dst.is_decimal)):
        return None
    shift = (dst.scale if dst.is_decimal else 0) - (src.scale if src.is_decimal else 0)
    if shift < 0 or not isinstance(const.value, int):
        return None
    q, rem = divmod(const.value, 10 ** shift)
    if rem == 0:
        return col, Const(q, src), op
    if op in (">", ">="):  # q < c < q + 1 (in column units): col > c  <=>  col >= q + 1
        return col, Const(q + 1, src), ">="
    if op in ("<", "<="):
        return col, Const(q, src), "<="
    return None


def _not_equal(c: BoundExpr, columns: list):
    """``(table column, value)`` for ``col <> constant`` (either side), else None."""
    if isinstance(c, Binary) and c.op == "<>":
        left, right = (c.right, c.left) if isinstance(c.left, Const) else (c.left, c.right)
        if isinstance(left, ColumnIndex) and isinstance(right, Const):
            col, v = _table_column(left, columns), _value(left.type, right)
            if col is not None and v is not None:
                return col, v
    return None


def _table_column(e: ColumnIndex, columns: list) -> int | None:
    if not 0 <= e.index < len(columns):
        return None
    col = columns[e.index]
    return col if col >= 0 else None  # < 0: the hidden row id DELETE/UPDATE scan


def _value(col_type: DataType, const: Const):
    """The constant as a value comparable with the column's stored values, or None
    (the rule of :func:`columnar.exec.scan_ranges._value`)."""
    v, t = const.value, const.type
    if v is None or isinstance(v, bool):
        return None
    if col_type.is_string and t.is_string and isinstance(v, str):
        return v.rstrip(" ")
    if _family(col_type) in ("int", "float") and _family(t) in ("int", "float") and isinstance(v, (int, float)):
        return v
    if col_type == t and isinstance(v, int) and _family(col_type) == "same":
        return v
    return None


def _family(t: DataType) -> str:
    name = t.id.name
    if name in ("SMALLINT", "INTEGER", "BIGINT"):
        return "int"
    if name in ("REAL", "DOUBLE"):
        return "float"
    if name in ("DATE", "TIMESTAMP", "TIMESTAMPTZ", "DECIMAL"):
        return "same"
    return "other"


__all__ = ["DEFAULT_FRACTION", "conjunct_range", "filter_fraction", "filtered_rows"]
