"""Checking that every layout returns the same answer.

Role: the suite's correctness guard. Distribution and sort keys must change
where rows live and how they move, never what a query returns, so each answer
is compared with the first layout's (and first cluster's) answer for the same
query (DESIGN.md: "the same query must return the same rows under every
DISTSTYLE, SORTKEY, node count and block size").

Comparison rules:

* rows are compared as a multiset (sorted first): slices finish in any order,
  and ``ORDER BY`` ties (equal sort keys) may legitimately come out in a
  different order on a different layout;
* integers, decimals (``Decimal``, exact), strings, dates and NULL compare
  exactly; floats (REAL / DOUBLE PRECISION, e.g. an AVG over doubles summed in a
  different order per slice) compare with a relative tolerance of 1e-9.
"""

from __future__ import annotations

import math
from typing import Any

REL_TOL = 1e-9
ABS_TOL = 1e-12


def _sort_key(row: tuple) -> tuple:
    # None first; floats rounded so that values equal within the tolerance sort alike
    return tuple((0, "") if v is None else (1, float(f"{v:.9g}")) if isinstance(v, float) else (1, v) for v in row)


def normalize(rows: list[tuple]) -> list[tuple]:
    """The rows in a canonical order (see the module docstring).

    Example:
        >>> normalize([(2, "b"), (None, "a"), (1, None)])
        [(None, 'a'), (1, None), (2, 'b')]
    """
    try:
        return sorted(rows, key=_sort_key)
    except TypeError:  # values of mixed types in one column: order by their text
        return sorted(rows, key=lambda r: tuple(repr(v) for v in r))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return a == b and type(a) is type(b) or (a is None and b is None)


def compare(expected: list[tuple], actual: list[tuple]) -> str | None:
    """None when the normalized answers agree, else a one-line difference.

    Example:
        >>> compare([(1, 0.1 + 0.2)], [(1, 0.3)]) is None
        True
        >>> compare([(1,)], [(1,), (2,)])
        '2 rows, expected 1'
        >>> from decimal import Decimal
        >>> compare([(Decimal("1.10"),)], [(Decimal("1.11"),)])
        "row 0 column 0: Decimal('1.11'), expected Decimal('1.10')"
    """
    if len(expected) != len(actual):
        return f"{len(actual)} rows, expected {len(expected)}"
    for i, (e, a) in enumerate(zip(expected, actual)):
        if len(e) != len(a):
            return f"row {i}: {len(a)} columns, expected {len(e)}"
        for j, (x, y) in enumerate(zip(e, a)):
            if not _same(x, y):
                return f"row {i} column {j}: {y!r}, expected {x!r}"
    return None
