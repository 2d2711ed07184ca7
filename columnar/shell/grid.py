"""psql's output formats: the aligned table and the expanded (``\\x``) records.

Role: the shell's presentation layer. Every table the shell prints (a query
result, ``\\dt``, ``\\d t``, ``\\metrics``) is first a :class:`Grid` of display
strings, then laid out here the way psql lays it out with its default
``border 1``, so people who know psql read it at a glance:

* :func:`aligned`: centred header, ``---+---`` separator, numbers aligned right
  and text left, an optional centred title, and a ``(N rows)`` footer;
* :func:`expanded`: one ``-[ RECORD n ]-`` block per row, ``name | value``
  lines (the record line follows psql's ``print_aligned_vertical_line``).

``Result`` rendering in :mod:`columnar.api.format` draws DuckDB-style boxes
with types and ``NULL``; psql instead shows NULL as an empty cell, so only its
per-value formatting (:func:`columnar.api.format.format_value`: exact decimals,
ISO dates, escaped newlines) is reused, by :func:`result_grid`.

Simplified versus psql: trailing blanks are trimmed from every line, and a
value containing a newline is shown escaped (``\\n``) on one line instead of
psql's ``+`` continuation lines.

Example:
    >>> g = Grid(["n", "name"], [["1", "one"], ["10", ""]], right=[True, False])
    >>> print(aligned(g))
     n  | name
    ----+------
      1 | one
     10 |
    (2 rows)
    >>> print(expanded(g))
    -[ RECORD 1 ]
    n    | 1
    name | one
    -[ RECORD 2 ]
    n    | 10
    name |
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

from columnar.api import format as api_format


@dataclass
class Grid:
    """Rows of display strings with their headers; what the shell prints as a table.

    Args:
        headers: column names.
        rows: one list of cell strings per row (``""`` for NULL).
        right: per column, True to align right (numbers).
        title: a line centred above the table (``\\d``'s ``Table "public.t"``).
        footers: lines printed under the table (before the row count).
        count: print the ``(N rows)`` footer.
    """

    headers: list[str]
    rows: list[list[str]]
    right: Sequence[bool] = ()
    title: str | None = None
    footers: list[str] = field(default_factory=list)
    count: bool = True


def display_width(s: str) -> int:
    """Terminal columns ``s`` takes (East Asian wide characters count 2).

    Example:
        >>> display_width("abc"), display_width("日本")
        (3, 4)
    """
    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int, how: str) -> str:
    gap = width - display_width(s)
    if how == "right":
        return " " * gap + s
    if how == "center":
        return " " * (gap // 2) + s + " " * (gap - gap // 2)
    return s + " " * gap


def row_count(n: int) -> str:
    """psql's footer.

    Example:
        >>> row_count(1), row_count(0)
        ('(1 row)', '(0 rows)')
    """
    return f"({n} row{'' if n == 1 else 's'})"


def aligned(grid: Grid) -> str:
    """The grid as psql's aligned table."""
    n = len(grid.headers)
    widths = [max([display_width(grid.headers[i])] + [display_width(r[i]) for r in grid.rows]) for i in range(n)]
    right = list(grid.right) + [False] * (n - len(grid.right))
    lines = []
    if grid.title is not None:
        total = sum(w + 2 for w in widths) + max(0, n - 1)
        lines.append(_pad(grid.title, max(total, display_width(grid.title)), "center"))
    lines.append(" " + " | ".join(_pad(h, w, "center") for h, w in zip(grid.headers, widths)))
    lines.append("+".join("-" * (w + 2) for w in widths))
    for r in grid.rows:
        lines.append(" " + " | ".join(_pad(v, w, "right" if a else "left") for v, w, a in zip(r, widths, right)))
    lines += grid.footers
    if grid.count:
        lines.append(row_count(len(grid.rows)))
    return "\n".join(line.rstrip() for line in lines)


def record_line(record: int, hwidth: int, dwidth: int) -> str:
    """``-[ RECORD n ]--+---``: the line above each record, as psql draws it
    (a ``+`` over the column separator when the label leaves room for one).

    Example:
        >>> record_line(1, 20, 3)
        '-[ RECORD 1 ]--------+----'
    """
    out = "-[ RECORD %d ]" % record
    reclen = len(out)
    out += "-" * max(0, hwidth - reclen)
    reclen -= hwidth
    for ch in "-+-":
        if reclen <= 0:
            out += ch
        reclen -= 1
    return out + "-" * max(0, dwidth - max(reclen, 0))


def expanded(grid: Grid) -> str:
    """The grid in expanded form: one block of ``name | value`` lines per row."""
    if not grid.rows:
        return row_count(0) if grid.count else "(No rows)"
    hwidth = max(display_width(h) for h in grid.headers) if grid.headers else 0
    dwidth = max((display_width(v) for r in grid.rows for v in r), default=0)
    lines = [] if grid.title is None else [grid.title]
    for k, r in enumerate(grid.rows, 1):
        lines.append(record_line(k, hwidth, dwidth))
        lines += [(_pad(h, hwidth, "left") + " | " + v).rstrip() for h, v in zip(grid.headers, r)]
    lines += grid.footers
    return "\n".join(lines)


def width(text: str) -> int:
    """The widest line of rendered text (for ``\\x auto``)."""
    return max((display_width(line) for line in text.splitlines()), default=0)


def result_grid(result) -> Grid:
    """A query result (a :class:`columnar.api.result.Result`) as a grid: NULL is empty."""
    types = result.types
    fmt = api_format.format_value
    rows = [["" if v is None else fmt(v, t) for v, t in zip(row, types)] for row in result.fetchall()]
    return Grid(list(result.columns), rows, right=[api_format.is_right_aligned(t) for t in types])
