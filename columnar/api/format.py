"""Rendering results for people: the text box, the notebook HTML table, the footer.

Role: the presentation half of :class:`columnar.api.result.Result`. ``Result``
turns the rows to be shown into Python values; this module turns those into
cell strings and lays them out:

* :func:`render_box` — a DuckDB-like box table (names, types, values; numbers
  right-aligned; ``NULL`` for NULLs; a ``…`` row between the first and last
  rows of long results), used by ``repr()``, ``print()`` and ``show()``;
* :func:`render_html` — the same as a bounded ``<table>`` whose every piece of
  text goes through :func:`html.escape`, for Jupyter's ``_repr_html_``;
* :func:`footer` — ``3 rows · 0.012 s · 128 rows to leader · 1.2 kB
  redistributed``: the teaching hook, data movement next to the answer.

Simplified: character widths count East Asian wide characters as 2 and every
other code point as 1 (no full terminal-width algorithm); cells longer than
``MAX_CELL`` characters are cut with ``…``.
"""

from __future__ import annotations

import datetime
import decimal
import html
import unicodedata
from typing import Any, Callable, Sequence

from columnar.core.types import DataType, TypeId

MAX_CELL = 40  # characters per text cell
MAX_HTML_CELL = 200  # characters per HTML cell
MAX_HTML_COLUMNS = 40  # HTML shows the first and last 20 columns of wider results
ELLIPSIS = "…"


# ----------------------------------------------------------------------------- cells


def type_label(t: DataType) -> str:
    """The type as shown under a column name.

    Example:
        >>> type_label(DataType.decimal(15, 2))
        'decimal(15,2)'
    """
    return t.sql().lower()


def is_right_aligned(t: DataType) -> bool:
    return t.is_numeric


def format_value(v: Any, t: DataType) -> str:
    """One value as display text (NULL for None, exact decimals, ISO dates).

    Example:
        >>> import decimal
        >>> format_value(decimal.Decimal("12.50"), DataType.decimal(5, 2)), format_value(None, DataType.decimal(5, 2))
        ('12.50', 'NULL')
        >>> format_value("a\\nb", DataType.varchar(5))
        'a\\\\nb'
    """
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, float):
        if t.id is TypeId.REAL:
            import numpy as np  # shortest text that reads back as the same float32

            return str(np.float32(v))
        return repr(v)
    if isinstance(v, datetime.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, datetime.date):
        return v.isoformat()
    s = str(v)
    if isinstance(v, str):
        s = s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return s


def _width(s: str) -> int:
    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _truncate(s: str, limit: int) -> str:
    if _width(s) <= limit:
        return s
    out, w = [], 0
    for c in s:
        cw = _width(c)
        if w + cw > limit - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + ELLIPSIS


def _pad(s: str, width: int, align: str) -> str:
    gap = width - _width(s)
    if align == "right":
        return " " * gap + s
    if align == "center":
        left = gap // 2
        return " " * left + s + " " * (gap - left)
    return s + " " * gap


# ----------------------------------------------------------------------------- footer


def human_bytes(n: int) -> str:
    """Decimal (SI) byte units.

    Example:
        >>> human_bytes(999), human_bytes(1234), human_bytes(5_600_000)
        ('999 B', '1.2 kB', '5.6 MB')
    """
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"  # pragma: no cover


def metrics_summary(m: Any) -> list[str]:
    """The non-zero counters worth a glance, shortest first in pipeline order."""
    if m is None:
        return []
    parts = []
    if m.phases:
        parts.append(f"{m.elapsed:.3f} s")
    if m.rows_to_leader:
        parts.append(f"{m.rows_to_leader:,} rows to leader")
    if m.bytes_redistributed:
        parts.append(f"{human_bytes(m.bytes_redistributed)} redistributed")
    if m.bytes_broadcast:
        parts.append(f"{human_bytes(m.bytes_broadcast)} broadcast")
    if m.blocks_skipped:
        parts.append(f"{m.blocks_skipped} of {m.blocks_scanned + m.blocks_skipped} blocks skipped")
    if m.partitions_pruned:
        parts.append(f"{m.partitions_pruned} of {m.partitions_scanned + m.partitions_pruned} partitions pruned")
    if m.row_groups_pruned:
        parts.append(f"{m.row_groups_pruned} of {m.row_groups_scanned + m.row_groups_pruned} row groups pruned")
    if m.external_bytes_scanned:
        parts.append(f"{human_bytes(m.external_bytes_scanned)} scanned from S3 (${m.external_cost_usd:.6f})")
    return parts


def footer(total_rows: int, shown_rows: int, total_cols: int, shown_cols: int, metrics: Any) -> str:
    """``3 rows · 0.012 s · ...``; says how many rows/columns were left out.

    Example:
        >>> footer(100, 20, 3, 3, None)
        '100 rows (20 shown)'
        >>> footer(1, 1, 2, 1, None)
        '1 row · 2 columns (1 shown)'
    """
    rows = f"{total_rows:,} row{'s' if total_rows != 1 else ''}"
    if shown_rows < total_rows:
        rows += f" ({shown_rows:,} shown)"
    parts = [rows]
    if shown_cols < total_cols:
        parts.append(f"{total_cols} columns ({shown_cols} shown)")
    return " · ".join(parts + metrics_summary(metrics))


# ----------------------------------------------------------------------------- layout


def _visible_columns(widths: list[int], max_width: int | None) -> tuple[list[int], int | None]:
    """Indices of the columns that fit in ``max_width`` (first and last ones),
    and the position where an ``…`` column stands for the hidden ones."""
    n = len(widths)
    if max_width is None or sum(w + 3 for w in widths) + 1 <= max_width or n <= 1:
        return list(range(n)), None
    budget = max_width - 1 - 4  # outer border and the "…" column
    left, right = [], []
    i, j = 0, n - 1
    while i <= j:
        take_left = len(left) <= len(right)
        k = i if take_left else j
        if widths[k] + 3 > budget:
            break
        budget -= widths[k] + 3
        if take_left:
            left.append(k)
            i += 1
        else:
            right.append(k)
            j -= 1
    if not left:
        left, right = [0], []
    return left + right[::-1], len(left)


def render_box(
    names: Sequence[str],
    types: Sequence[DataType],
    head: Sequence[Sequence[Any]],
    tail: Sequence[Sequence[Any]],
    footer_text: str | Callable[[int], str],
    max_width: int | None = None,
) -> str:
    """Lay out rows (Python values) as a box table.

    ``head`` and ``tail`` are the first and last rows shown; an ``…`` row sits
    between them when ``tail`` is not empty. Columns that do not fit in
    ``max_width`` characters are replaced by one ``…`` column; ``footer_text``
    may be a function of the number of columns shown.

    Example:
        >>> from columnar.core.types import INTEGER, VARCHAR
        >>> print(render_box(["n", "s"], [INTEGER, VARCHAR], [(1, "a"), (None, "bc")], [], "2 rows"))
        ┌─────────┬────────────────┐
        │    n    │       s        │
        │ integer │ varchar(65535) │
        ├─────────┼────────────────┤
        │       1 │ a              │
        │    NULL │ bc             │
        └─────────┴────────────────┘
          2 rows
    """
    labels = [type_label(t) for t in types]
    aligns = ["right" if is_right_aligned(t) else "left" for t in types]
    cells = [[_truncate(format_value(v, t), MAX_CELL) for v, t in zip(row, types)] for row in head]
    tail_cells = [[_truncate(format_value(v, t), MAX_CELL) for v, t in zip(row, types)] for row in tail]
    headers = [_truncate(str(n), MAX_CELL) for n in names]
    widths = [max([_width(headers[i]), _width(labels[i])] + [_width(r[i]) for r in cells + tail_cells])
              for i in range(len(names))]
    visible, gap_at = _visible_columns(widths, max_width)
    if callable(footer_text):
        footer_text = footer_text(len(visible))

    def pick(values: list[str], filler: str) -> list[str]:
        out = [values[i] for i in visible]
        if gap_at is not None:
            out.insert(gap_at, filler)
        return out

    w = pick(widths, 1)  # type: ignore[arg-type]
    al = pick(aligns, "center")

    def line(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (x + 2) for x in w) + right

    def row(values: list[str], align: list[str] | str) -> str:
        aligned = [_pad(v, x, align if isinstance(align, str) else align[k]) for k, (v, x) in enumerate(zip(values, w))]
        return "│ " + " │ ".join(aligned) + " │"

    out = [line("┌", "┬", "┐"), row(pick(headers, ELLIPSIS), "center"), row(pick(labels, ""), "center"),
           line("├", "┼", "┤")]
    out += [row(pick(r, ELLIPSIS), al) for r in cells]
    if tail:
        out.append(row(pick([ELLIPSIS] * len(names), ELLIPSIS), al))
        out += [row(pick(r, ELLIPSIS), al) for r in tail_cells]
    out.append(line("└", "┴", "┘"))
    out.append("  " + footer_text)
    return "\n".join(out)


_CSS = ("<style>.columnar-result td,.columnar-result th{font-family:monospace;white-space:pre}"
        ".columnar-result .t{color:#888;font-weight:normal;font-size:smaller}</style>")


def render_html(
    names: Sequence[str],
    types: Sequence[DataType],
    head: Sequence[Sequence[Any]],
    tail: Sequence[Sequence[Any]],
    footer_text: str,
) -> str:
    """The rows as a bounded HTML table; every text is :func:`html.escape`-d.

    Example:
        >>> from columnar.core.types import VARCHAR
        >>> "&lt;script&gt;" in render_html(["s"], [VARCHAR], [("<script>",)], [], "1 row")
        True
    """
    esc = html.escape
    n = len(names)
    if n > MAX_HTML_COLUMNS:
        half = MAX_HTML_COLUMNS // 2
        idx: list[int | None] = list(range(half)) + [None] + list(range(n - half, n))
    else:
        idx = list(range(n))

    def cells(values: Sequence[str], tag: str, attrs: Sequence[str]) -> str:
        return "".join(f"<{tag}{a}>{v}</{tag}>" for v, a in zip(values, attrs))

    def pick(values: Sequence[str], filler: str) -> list[str]:
        return [filler if i is None else values[i] for i in idx]

    right = ' style="text-align:right"'
    attrs = pick([right if is_right_aligned(t) else "" for t in types], "")
    plain = [""] * len(idx)

    def body_row(r: Sequence[Any]) -> str:
        texts = [esc(_truncate(format_value(v, t), MAX_HTML_CELL)) for v, t in zip(r, types)]
        return "<tr>" + cells(pick(texts, ELLIPSIS), "td", attrs) + "</tr>"

    parts = [_CSS, '<div class="columnar-result"><table>', "<thead><tr>",
             cells(pick([esc(str(x)) for x in names], ELLIPSIS), "th", plain), "</tr><tr>",
             "".join(f'<th class="t">{v}</th>' for v in pick([esc(type_label(t)) for t in types], "")),
             "</tr></thead><tbody>"]
    parts += [body_row(r) for r in head]
    if tail:
        parts.append("<tr>" + cells([ELLIPSIS] * len(idx), "td", attrs) + "</tr>")
        parts += [body_row(r) for r in tail]
    parts += ["</tbody></table>", f"<p><small>{esc(footer_text)}</small></p></div>"]
    return "".join(parts)
