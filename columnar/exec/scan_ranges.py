"""The column ranges a filter implies for the scan below it (block pruning).

Role: the bridge between bound predicates (:mod:`columnar.sql.expr`) and the
range algebra of :mod:`columnar.storage.pruning`; the physical planner calls
:func:`scan_ranges` for a Filter directly above a Scan and hands the result to
``SeqScan``, which skips the blocks whose zone maps cannot match
(:mod:`columnar.storage.zonemap`). ``columnar.sql`` knows nothing of blocks.

Only top-level conjuncts (``AND``) of these forms restrict a column:

* ``col op constant`` and ``constant op col`` with ``op`` in ``= < <= > >=``
  (BETWEEN arrives as two of them);
* ``col IN (constants)``;
* ``col IS NULL``.

``col`` must be the bare column, of the constant's type family (integers,
floats, strings; DATE, TIMESTAMP and DECIMAL only with the same type, as their
constants are physical values: days, microseconds, scaled integers). A
function or cast of the column (``CAST(col AS BIGINT) > 5``, ``col + 1 > 5``;
the binder also casts a SMALLINT compared with an INTEGER) does not prune, as in
Redshift. ``OR`` (even of ranges on one column), ``<>``, ``NOT IN``, ``LIKE``
and comparisons with NULL are ignored: they never restrict, so pruning stays
conservative.

Example:
    >>> from columnar.core.types import INTEGER, BOOLEAN
    >>> from columnar.sql.expr import Binary, ColumnIndex, Const
    >>> a = ColumnIndex(0, INTEGER, "a")
    >>> p = Binary("and", Binary(">=", a, Const(5, INTEGER), BOOLEAN), Binary("<", a, Const(9, INTEGER), BOOLEAN), BOOLEAN)
    >>> r = scan_ranges(p, [3])[3]
    >>> r.lo, r.lo_closed, r.hi, r.hi_closed
    (5, True, 9, False)
"""

from __future__ import annotations

from columnar.core.types import DataType
from columnar.sql.expr import Binary, BoundExpr, ColumnIndex, Const, InList, IsNull
from columnar.sql.rewrite import conjuncts
from columnar.storage.pruning import ColumnRange

_FLIP = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def scan_ranges(predicate: BoundExpr | None, columns: list[int]) -> dict[int, ColumnRange]:
    """Table column index -> range, for a predicate over a scan of ``columns``
    (the scan's output position ``i`` is table column ``columns[i]``)."""
    out: dict[int, ColumnRange] = {}

    def add(expr: ColumnIndex, update) -> None:
        col = columns[expr.index]
        out[col] = update(out.get(col, ColumnRange()))

    for c in conjuncts(predicate):
        if isinstance(c, Binary) and c.op in _FLIP:
            left, right, op = c.left, c.right, c.op
            if isinstance(left, Const) and isinstance(right, ColumnIndex):
                left, right, op = right, left, _FLIP[op]
            if isinstance(left, ColumnIndex) and isinstance(right, Const):
                v = _value(left.type, right)
                if v is not None:
                    add(left, lambda r, op=op, v=v: r.restrict(op, v))
        elif isinstance(c, InList) and not c.negated and isinstance(c.operand, ColumnIndex):
            vals = [_value(c.operand.type, i) if isinstance(i, Const) else None for i in c.items]
            vals = [v for v in vals if v is not None] if all(isinstance(i, Const) for i in c.items) else None
            if vals is not None:  # NULL items never match; all-NULL leaves an empty set
                if vals or all(i.value is None for i in c.items):
                    add(c.operand, lambda r, vals=vals: r.with_points(vals))
        elif isinstance(c, IsNull) and not c.negated and isinstance(c.operand, ColumnIndex):
            add(c.operand, lambda r: r.with_null_only())
    return {k: v for k, v in out.items() if not v.unrestricted}


def _value(col_type: DataType, const: Const):
    """The constant as a value comparable with the column's stored values, or None."""
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
