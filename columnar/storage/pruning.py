"""The range algebra of block pruning: what a predicate allows of one column.

Role: the storage-side vocabulary between a scan's predicate and the zone
maps (:mod:`columnar.storage.zonemap`). The executor turns the top-level
conjuncts ``column op constant`` of a filter into one :class:`ColumnRange`
per column (:func:`columnar.exec.scan_ranges.scan_ranges`); this module only
knows values, never SQL expressions.

A :class:`ColumnRange` is the set of values a column may hold in a row that
can satisfy the predicate:

* an interval ``lo .. hi`` (each end open, closed or absent), optionally
  narrowed to a finite set of ``points`` (``=`` and ``IN``);
* ``null_only`` for ``IS NULL``;
* ``empty`` when the conjuncts contradict each other (``a < 1 AND a > 5``).

A comparison never matches NULL (it is UNKNOWN, and WHERE keeps only TRUE
rows), so every range except ``null_only`` excludes NULL.

Values are the engine's physical values: Python ints for integers, DATE
(days), TIMESTAMP (microseconds) and DECIMAL (scaled), floats for REAL and
DOUBLE PRECISION, ``str`` for CHAR/VARCHAR (trailing blanks stripped, as
string comparisons ignore them). Python orders ``str`` by code point, which
is the byte order of their UTF-8 encoding.

Example:
    >>> r = ColumnRange().restrict(">=", 10).restrict("<", 20)
    >>> r.lo, r.lo_closed, r.hi, r.hi_closed
    (10, True, 20, False)
    >>> r.with_points([5, 12, 30]).points
    (12,)
    >>> r.restrict(">", 25).empty
    True
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ColumnRange:
    lo: object = None
    lo_closed: bool = True
    hi: object = None
    hi_closed: bool = True
    points: tuple | None = None  # the column must equal one of these
    null_only: bool = False  # IS NULL
    empty: bool = False  # no row can match

    # -- building ------------------------------------------------------------------
    def restrict(self, op: str, value) -> "ColumnRange":
        """AND ``column op value`` (``op`` in ``= < <= > >=``)."""
        if self.empty:
            return self
        if self.null_only:
            return ColumnRange(empty=True)
        if op == "=":
            return self.with_points([value])
        r = self
        if op in (">", ">="):
            closed = op == ">="
            if r.lo is None or value > r.lo or (value == r.lo and not closed):
                r = replace(r, lo=value, lo_closed=closed)
        elif op in ("<", "<="):
            closed = op == "<="
            if r.hi is None or value < r.hi or (value == r.hi and not closed):
                r = replace(r, hi=value, hi_closed=closed)
        else:
            raise ValueError(op)
        return r._normalised()

    def with_points(self, values) -> "ColumnRange":
        """AND ``column IN (values)``."""
        if self.empty:
            return self
        if self.null_only:
            return ColumnRange(empty=True)
        pts = set(values) if self.points is None else set(values) & set(self.points)
        return replace(self, points=tuple(sorted(pts)))._normalised()

    def with_null_only(self) -> "ColumnRange":
        """AND ``column IS NULL``: contradicts any comparison."""
        if self.empty:
            return self
        if self.points is not None or self.lo is not None or self.hi is not None:
            return ColumnRange(empty=True)
        return ColumnRange(null_only=True)

    def _normalised(self) -> "ColumnRange":
        if self.points is not None:
            pts = tuple(p for p in self.points if self.contains(p))
            return ColumnRange(empty=True) if not pts else replace(self, points=pts)
        if self.lo is not None and self.hi is not None:
            if self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed)):
                return ColumnRange(empty=True)
        return self

    def contains(self, v) -> bool:
        """Whether the interval part admits ``v``."""
        if self.lo is not None and (v < self.lo or (v == self.lo and not self.lo_closed)):
            return False
        if self.hi is not None and (v > self.hi or (v == self.hi and not self.hi_closed)):
            return False
        return True

    @property
    def unrestricted(self) -> bool:
        return not (self.empty or self.null_only or self.points is not None
                    or self.lo is not None or self.hi is not None)

    def intersect(self, other: "ColumnRange") -> "ColumnRange":
        """Both ranges at once (``self AND other``)."""
        if other.empty:
            return other
        r = self.with_null_only() if other.null_only else self
        if other.lo is not None:
            r = r.restrict(">=" if other.lo_closed else ">", other.lo)
        if other.hi is not None:
            r = r.restrict("<=" if other.hi_closed else "<", other.hi)
        if other.points is not None:
            r = r.with_points(other.points)
        return r


#: More alternatives than this and an intersection of unions is not narrowed further.
MAX_ALTERNATIVES = 64


@dataclass(frozen=True)
class AnyOf:
    """A column value lying in any one of several ranges (``a < 5 OR a > 90``).

    Example:
        >>> u = AnyOf.of([ColumnRange().restrict("<", 5), ColumnRange().restrict(">", 90)])
        >>> [(r.lo, r.hi) for r in u.ranges]
        [(None, 5), (90, None)]
        >>> [(r.lo, r.hi) for r in both(u, ColumnRange().restrict(">=", 0)).ranges]
        [(0, 5), (90, None)]
    """

    ranges: tuple

    @staticmethod
    def of(ranges) -> "ColumnRange | AnyOf":
        """The union of ``ranges``, as simple as it gets."""
        kept = [r for r in ranges if not r.empty]
        if not kept:
            return ColumnRange(empty=True)
        if any(r.unrestricted for r in kept):
            return ColumnRange()
        return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))

    empty = False
    null_only = False
    unrestricted = False


def both(a: "ColumnRange | AnyOf", b: "ColumnRange | AnyOf") -> "ColumnRange | AnyOf":
    """``a AND b`` for ranges and unions of ranges (a union stays wide rather than
    growing past :data:`MAX_ALTERNATIVES`: pruning only needs a superset)."""
    left = a.ranges if isinstance(a, AnyOf) else (a,)
    right = b.ranges if isinstance(b, AnyOf) else (b,)
    if len(left) * len(right) > MAX_ALTERNATIVES:
        return a if len(left) <= len(right) else b
    return AnyOf.of([x.intersect(y) for x in left for y in right])
