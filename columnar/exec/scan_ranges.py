"""The column ranges a filter implies for the scan below it (block pruning).

Role: the bridge between bound predicates (:mod:`columnar.sql.expr`) and the
range algebra of :mod:`columnar.storage.pruning`; the physical planner calls
:func:`scan_ranges` for a Filter directly above a Scan and hands the result to
``SeqScan``, which skips the blocks whose zone maps cannot match
(:mod:`columnar.storage.zonemap`). ``columnar.sql`` knows nothing of blocks.

The conjuncts (``AND``) of these forms restrict a column (recognised by
:func:`columnar.sql.estimates.conjunct_range`, which the row estimates share):

* ``col op constant`` and ``constant op col`` with ``op`` in ``= < <= > >=``
  (BETWEEN arrives as two of them);
* ``col IN (constants)``;
* ``col IS NULL``;
* an ``OR`` whose every branch restricts the same column: the column lies in
  the union of the branches' ranges (``d < '1993-01-01' OR d >= '1998-01-01'``;
  ``(a = 1 AND b = 2) OR a = 3`` restricts ``a`` to {1, 3} and not ``b``),
  a :class:`~columnar.storage.pruning.AnyOf`.

``col`` must be the bare column, of the constant's type family (integers,
floats, strings; DATE, TIMESTAMP and DECIMAL only with the same type, as their
constants are physical values: days, microseconds, scaled integers). A
function or a cast written in the query (``CAST(col AS BIGINT) > 5``,
``col + 1 > 5``) does not prune, as in Redshift; but the widening cast the
binder adds to match a literal's type (``dec_10_2_col > 900`` compares as
DECIMAL(12,2), ``int_col > 2.5`` as DECIMAL) is seen through
(:func:`columnar.sql.estimates.conjunct_range`): the user wrote no cast. ``<>``, ``NOT IN``, ``LIKE``, comparisons with NULL and an ``OR``
with a branch that does not restrict the column are ignored: they never
restrict, so pruning stays conservative.

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

from columnar.sql.estimates import conjunct_range
from columnar.sql.expr import Binary, BoundExpr
from columnar.sql.rewrite import conjuncts
from columnar.storage.pruning import AnyOf, ColumnRange, both


def scan_ranges(predicate: BoundExpr | None, columns: list[int]) -> dict[int, ColumnRange | AnyOf]:
    """Table column index -> range, for a predicate over a scan of ``columns``
    (the scan's output position ``i`` is table column ``columns[i]``)."""
    out: dict = {}
    for c in conjuncts(predicate):
        for col, rng in _conjunct_ranges(c, columns).items():
            out[col] = both(out[col], rng) if col in out else rng
    return {k: v for k, v in out.items() if not v.unrestricted}


def _conjunct_ranges(c: BoundExpr, columns: list[int]) -> dict:
    if isinstance(c, Binary) and c.op == "or":
        branches = [scan_ranges(d, columns) for d in _disjuncts(c)]
        common = set.intersection(*(set(b) for b in branches))
        return {col: AnyOf.of([r for b in branches for r in (b[col].ranges if isinstance(b[col], AnyOf) else (b[col],))])
                for col in common}
    got = conjunct_range(c, columns)
    if got is None:
        return {}
    col, update = got
    return {col: update(ColumnRange())}


def _disjuncts(e: BoundExpr) -> list[BoundExpr]:
    if isinstance(e, Binary) and e.op == "or":
        return _disjuncts(e.left) + _disjuncts(e.right)
    return [e]
