"""ANALYZE: collect the statistics the planner estimates rows from.

Role: the statement behind ``ANALYZE [VERBOSE] [t [(cols)]] [PREDICATE
COLUMNS | ALL COLUMNS]`` (reference ``redshift_spectrum_semantics.md`` §3.5,
checklist item 29). For each table it either skips it or computes its
statistics with :func:`columnar.storage.statistics.analyze_table`; after that,
EXPLAIN's row estimates, the join order and the broadcast-or-redistribute
choice read them (:mod:`columnar.sql.estimates`), and SVV_TABLE_INFO's
``stats_off`` drops to 0.

Which tables (Redshift's rules):

* no table name: every user table (system views and views are not tables);
* a named table: that one; a name that does not exist, a view and a system
  view are errors, and so is a column of the list the table lacks;
* a table is *skipped* (``ANALYZE SKIP``) when the percentage of its rows
  changed since its last ANALYZE (:func:`~columnar.storage.statistics.stats_off`:
  rows inserted plus rows deleted, over the rows it had then) is below the
  setting ``analyze_threshold_percent`` (default 10; ``SET
  analyze_threshold_percent = 0`` analyzes always). A table never analyzed is
  always analyzed, and so is one whose requested columns were never analyzed
  (an earlier ANALYZE of a column list) [ours]. An empty table has nothing to
  analyze and is skipped (its earlier statistics, if any, are kept).

Which columns: the list given, else ALL COLUMNS (the default), or PREDICATE
COLUMNS. Redshift's predicate columns are those used in a filter, join or
GROUP BY of earlier queries, plus the DISTKEY and the sort key columns, and
all columns when none is marked. We do not record which columns queries use,
so PREDICATE COLUMNS here means the DISTKEY and sort key columns, or all
columns when the table has neither [simplified].

The result: the command tag ``ANALYZE`` (``ANALYZE SKIP`` when every table
considered was skipped) and, always rather than only with VERBOSE [ours], one
row per table in a column ``message``, so a script or an ``.slt`` file can see
what happened::

    ANALYZE "public.t": 1000 rows, columns a, b
    ANALYZE SKIP "public.t": 2.00% of rows changed since the last ANALYZE, below analyze_threshold_percent (10)
    ANALYZE SKIP "public.e": the table is empty

VERBOSE adds, under each analyzed table, one row per column analyzed with what
was found (NULL fraction, distinct values, min and max, how many most common
values and histogram buckets).

Simplified versus Redshift: statistics are exact up to
:data:`~columnar.storage.statistics.SAMPLE_ROWS` rows and sampled above
(deterministically); there is no background auto-ANALYZE. An external table
named in ANALYZE is an error (Redshift: "External tables cannot be analyzed";
error versus silent skip is [UNCONFIRMED], checklist 29); ANALYZE without a
name passes over them.
"""

from __future__ import annotations

from decimal import Decimal

from columnar.api.result import Result
from columnar.core.chunk import Column
from columnar.core.errors import ProgrammingError
from columnar.core.strings import StringArray
from columnar.core.temporal import format_date, format_timestamp
from columnar.core.types import VARCHAR, TypeId
from columnar.sql import ast
from columnar.storage.statistics import analyze_table, stats_off
from columnar.storage.table import Table


def run_analyze(session, stmt: ast.Analyze, metrics) -> Result:
    """Run one ANALYZE statement (see the module docstring)."""
    catalog = session.catalog
    threshold = float(session.settings.analyze_threshold_percent)
    if stmt.table is None:
        targets = [t for t in catalog.tables() if isinstance(t, Table)]
    else:
        targets = [_named_table(catalog, stmt.table)]
    lines: list[str] = []
    analyzed = 0
    with metrics.phase("analyze"):
        for table in targets:
            wanted = _columns(table, stmt)
            reason = _skip_reason(table, wanted, threshold)
            if reason is not None:
                lines.append(f'ANALYZE SKIP "public.{table.name}": {reason}')
                continue
            stats = analyze_table(table, wanted)
            analyzed += 1
            names = ", ".join(table.fields[c].name for c in wanted)
            sample = f" (sample of {stats.sampled_rows} rows)" if stats.sampled else ""
            lines.append(f'ANALYZE "public.{table.name}": {stats.rows} rows{sample}, columns {names}')
            if stmt.verbose:
                lines.extend(_column_line(table, stats.column(c)) for c in wanted)
    tag = "ANALYZE SKIP" if targets and not analyzed else "ANALYZE"
    col = Column(VARCHAR, StringArray.from_pylist(lines))
    return Result(["message"], [col], metrics.freeze(), rowcount=len(lines), message=tag)


def _named_table(catalog, name: str) -> Table:
    if catalog.view(name) is not None:
        raise ProgrammingError(f'cannot ANALYZE "{catalog.normalize(name)}": it is a view, not a table')
    table = catalog.get(name)  # raises CatalogError: relation "x" does not exist
    catalog.refuse_external(table, "ANALYZE")  # checklist 29: external tables cannot be analyzed (we raise)
    user_table = any(table is t for t in catalog.tables())
    if not user_table:
        raise ProgrammingError(f'cannot ANALYZE "{catalog.normalize(name)}": it is a system view, not a user table')
    if not isinstance(table, Table):  # checklist 29: external tables cannot be analyzed (we raise)
        raise ProgrammingError(f'cannot ANALYZE "{catalog.normalize(name)}": only local tables have statistics '
                               "(an external table's size is its numRows table property)")
    return table


def _columns(table: Table, stmt: ast.Analyze) -> list[int]:
    """Table column positions to analyze, in table order."""
    d = table.definition
    if stmt.columns:
        return sorted({d.index_of(c) for c in stmt.columns})  # unknown column: CatalogError
    if stmt.predicate_columns:
        marked = {c for c in (d.distkey, *d.sortkey) if c is not None}
        if marked:
            return sorted(d.index_of(c) for c in marked)
    return list(range(len(d.fields)))


def _skip_reason(table: Table, wanted: list[int], threshold: float) -> str | None:
    """Why ANALYZE leaves ``table`` alone, or None to analyze it."""
    if table.row_count() == 0:
        return "the table is empty"
    stats = table.stats
    if stats is None or any(stats.column(c) is None for c in wanted):
        return None
    changed = stats_off(table)
    if changed < threshold:
        return (f"{changed:.2f}% of rows changed since the last ANALYZE, "
                f"below analyze_threshold_percent ({threshold:g})")
    return None


def _column_line(table: Table, cs) -> str:
    t = table.fields[table.definition.index_of(cs.name)].type
    return (f"  {cs.name}: null_frac {cs.null_frac:.4f}, distinct {cs.distinct:g}, "
            f"min {_show(cs.min, t)}, max {_show(cs.max, t)}, "
            f"{len(cs.mcv)} most common values, {max(0, len(cs.histogram) - 1)} histogram buckets")


def _show(v, t) -> str:
    """A physical value as SQL would print it."""
    if v is None:
        return "NULL"
    if t.id is TypeId.DATE:
        return format_date(v)
    if t.id is TypeId.TIMESTAMP:
        return format_timestamp(v)
    if t.id is TypeId.DECIMAL:
        return str(Decimal(v).scaleb(-t.scale))
    if isinstance(v, str):
        return repr(v)
    return str(v)


__all__ = ["run_analyze"]
