"""Table statistics: what ANALYZE collects, and the selectivities read from them.

Role: ``ANALYZE`` (:mod:`columnar.api.analyze`) calls :func:`analyze_table`,
which reads a table's visible rows and stores a :class:`TableStats` on it
(``table.stats``). The planner's row estimates then come from these numbers
instead of fixed fractions: :func:`selectivity` answers "which fraction of the
rows satisfies ``col op value``?", :func:`range_selectivity` the same for the
:class:`~columnar.storage.pruning.ColumnRange` the conjuncts of a filter imply
(the shared estimate over a scan is :mod:`columnar.sql.estimates`).
:func:`stats_off` is SVV_TABLE_INFO's staleness figure.

What is kept per column (:class:`ColumnStats`), PostgreSQL's model, which
Redshift inherits:

* ``null_frac``: the fraction of rows that are NULL;
* ``distinct``: the number of distinct non-NULL values (exact when every row
  was read; estimated from the sample otherwise, Haas and Stokes' *Duj1*
  estimator, as PostgreSQL does);
* ``min`` / ``max``;
* the *most common values* (MCV) with the fraction of all rows each holds: every
  distinct value when there are at most :data:`MCV_LIMIT` of them (the list is
  then exact and complete), else the values clearly more frequent than average
  (more than 1.25 x the mean count, at most :data:`MCV_LIMIT`);
* an *equi-depth histogram* of the other values: :data:`HISTOGRAM_BUCKETS` + 1
  bounds cutting them into buckets holding equally many rows.

Values are the engine's *physical* values, the ones constants of bound
expressions carry (:mod:`columnar.sql.expr`): ``int`` for integers, DECIMAL
(scaled), DATE (days) and TIMESTAMP (microseconds); ``float``; ``bool``;
``str`` for CHAR/VARCHAR with trailing blanks stripped (comparisons ignore
them; Python orders ``str`` by code point, i.e. UTF-8 byte order).

Estimating (PostgreSQL's rules): ``col = v`` is v's MCV frequency, or, for a
value in ``[min, max]`` outside the list, the histogram's share of the rows
spread evenly over its distinct values (0 for a value the complete MCV list
lacks, or outside ``[min, max]``). ``col < v`` sums the MCVs below v and adds
the histogram's share times the position of v in it (linear interpolation
inside a bucket for numbers, half a bucket for strings). NULLs never satisfy a
comparison. Conjuncts on different columns are assumed independent.

Sampling: Redshift "obtains a sample of rows". Here a table of at most
:data:`SAMPLE_ROWS` visible rows is read whole (exact statistics); above that
a fixed-size sample is drawn without replacement, on each slice in proportion
to its rows, from a generator seeded with :data:`SAMPLE_SEED`, so the same
data always gives the same statistics. An ALL table is read from one copy (the
first slice holding rows).

Staleness (:func:`stats_off`): 100 for a table never analyzed that holds rows,
0 right after ANALYZE, and in between ``min(100, 100 x changed_rows /
max(rows at ANALYZE, 1))`` where ``changed_rows`` counts the rows inserted and
the rows marked deleted since (``Table.changed_rows``; an UPDATE counts twice).
Redshift's exact formula is [UNCONFIRMED]; this is ours. The same percentage
decides whether ANALYZE skips a table (``analyze_threshold_percent``).

Example:
    >>> import numpy as np
    >>> from columnar.core.chunk import Column
    >>> from columnar.core.types import INTEGER
    >>> class T:  # anything shaped like columnar.storage.table.Table
    ...     n_slices, stats, changed_rows = 1, None, 50
    ...     fields = [type("F", (), {"name": "a", "type": INTEGER})()]
    ...     effective_style = None
    ...     def live_columns(self, s):
    ...         return [Column(INTEGER, np.arange(100) % 10)]  # 0..9, ten rows each
    ...     def row_count(self):
    ...         return 100
    >>> t = T()
    >>> stats_off(t)
    100.0
    >>> s = analyze_table(t)
    >>> s.rows, s.columns[0].distinct, s.columns[0].min, s.columns[0].max
    (100, 10, 0, 9)
    >>> selectivity(s, 0, "=", 3), round(selectivity(s, 0, "<", 3), 9), selectivity(s, 0, "=", 42)
    (0.1, 0.3, 0.0)
    >>> stats_off(t), t.changed_rows
    (0.0, 0)
"""

from __future__ import annotations

import bisect
import datetime
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from columnar.core.strings import DictArray, StringArray, concat_string_arrays
from columnar.storage.pruning import ColumnRange

#: Tables with at most this many visible rows are read whole; larger ones are sampled.
SAMPLE_ROWS = 100_000
#: Seed of the sampling generator: the same data always yields the same statistics.
SAMPLE_SEED = 0
#: Buckets of the equi-depth histogram (PostgreSQL's default statistics target).
HISTOGRAM_BUCKETS = 100
#: At most this many most common values per column.
MCV_LIMIT = 100


@dataclass(frozen=True)
class ColumnStats:
    """Statistics of one column (see the module docstring). ``mcv_freqs`` and
    ``null_frac`` are fractions of *all* rows; ``histogram`` holds the bucket
    bounds over the values that are not MCVs."""

    name: str
    null_frac: float
    distinct: float
    min: object = None
    max: object = None
    mcv: tuple = ()
    mcv_freqs: tuple = ()
    histogram: tuple = ()

    @property
    def nonnull_frac(self) -> float:
        return 1.0 - self.null_frac

    @property
    def histogram_frac(self) -> float:
        """The fraction of all rows the histogram describes (non-NULL, not an MCV)."""
        return max(0.0, 1.0 - self.null_frac - sum(self.mcv_freqs))


@dataclass(frozen=True)
class TableStats:
    """What one ANALYZE learnt about a table.

    ``rows``: visible rows when analyzed; ``sampled_rows``: rows read (equal to
    ``rows`` unless the table was sampled); ``columns``: table column position ->
    :class:`ColumnStats`, for the columns analyzed (a column list or PREDICATE
    COLUMNS analyzes only some; the others keep what an earlier ANALYZE found)."""

    rows: int
    sampled_rows: int
    columns: dict = field(default_factory=dict)
    analyzed_at: datetime.datetime = field(default_factory=datetime.datetime.now)

    @property
    def sampled(self) -> bool:
        return self.sampled_rows < self.rows

    def column(self, index: int) -> ColumnStats | None:
        return self.columns.get(index)


# -- collecting --------------------------------------------------------------------
#: Tables with at least this many rows read are analyzed a column per thread.
PARALLEL_ROWS = 50_000


def analyze_table(table, columns=None) -> TableStats:
    """Compute the statistics of ``table``, install them (``table.stats``; and
    ``table.changed_rows`` back to 0) and return them.

    Args:
        table: a :class:`~columnar.storage.table.Table`.
        columns: the columns to analyze, as positions or names; None for all.
            Columns not analyzed keep their earlier statistics, if any.
    """
    fields = list(table.fields)
    if columns is None:
        wanted = list(range(len(fields)))
    else:
        names = [f.name for f in fields]
        wanted = sorted({c if isinstance(c, int) else names.index(c) for c in columns})
    slices = _slices_to_read(table)
    total = sum(len(cols[0]) for _, cols in slices)
    positions = _sample_positions(slices, total)
    n = sum(len(p) if p is not None else len(cols[0]) for (_, cols), p in zip(slices, positions))
    per_column = dict(table.stats.columns) if table.stats is not None else {}

    def one(c: int) -> ColumnStats:
        parts = [(cols[c], pos) for (_, cols), pos in zip(slices, positions)]
        return _column_stats(fields[c].name, parts, n, total)

    if n >= PARALLEL_ROWS and len(wanted) > 1:  # numpy's sorts release the GIL
        with ThreadPoolExecutor(min(os.cpu_count() or 1, len(wanted))) as pool:
            found = list(pool.map(one, wanted))
    else:
        found = [one(c) for c in wanted]
    per_column.update(zip(wanted, found))
    stats = TableStats(rows=total, sampled_rows=n, columns=per_column)
    table.stats = stats
    table.changed_rows = 0
    return stats


def _slices_to_read(table) -> list:
    """``(slice, visible columns)`` of the slices holding rows; one copy of an ALL table."""
    out = []
    replicated = getattr(table.effective_style, "value", None) == "ALL"
    for s in range(table.n_slices):
        cols = table.live_columns(s)
        if cols is None or not cols or not len(cols[0]):
            continue
        out.append((s, cols))
        if replicated:
            break
    return out


def _sample_positions(slices: list, total: int) -> list:
    """Per slice: None (read every row) or the sorted row positions sampled."""
    if total <= SAMPLE_ROWS:
        return [None] * len(slices)
    rng = np.random.default_rng(SAMPLE_SEED)
    out = []
    for _, cols in slices:
        rows = len(cols[0])
        k = min(rows, int(round(SAMPLE_ROWS * rows / total)))
        out.append(np.sort(rng.choice(rows, size=k, replace=False)))
    return out


def _column_stats(name: str, parts: list, n: int, total: int) -> ColumnStats:
    """Statistics of one column from ``(column, positions or None)`` per slice."""
    values, counts, nulls = _distinct_counts(parts)
    if n == 0:
        return ColumnStats(name, 0.0, 0)
    null_frac = nulls / n
    nonnull = int(counts.sum())
    if not len(values):
        return ColumnStats(name, null_frac, 0)
    d = len(values)
    singles = int(np.count_nonzero(counts == 1))
    sampled = n < total
    if sampled:  # Duj1 over non-NULL rows: n d / (n - f1 + f1 n / N), within [d, N]
        table_nonnull = total * (1 - null_frac)
        est = nonnull * d / max(1e-9, nonnull - singles + singles * nonnull / max(table_nonnull, 1.0))
        distinct = float(min(max(d, est), table_nonnull))
    else:
        distinct = d
    if d <= MCV_LIMIT and (not sampled or singles == 0):
        mcv_idx = np.arange(d)  # every value: the list is complete
    else:
        mean = nonnull / d
        frequent = np.flatnonzero((counts > 1) & (counts > 1.25 * mean))
        mcv_idx = frequent[np.argsort(-counts[frequent], kind="stable")][:MCV_LIMIT]
    order = mcv_idx[np.argsort(-counts[mcv_idx], kind="stable")]
    mcv = tuple(values[i] for i in order)
    freqs = tuple(float(counts[i]) / n for i in order)
    rest = np.ones(d, dtype=bool)
    rest[mcv_idx] = False
    histogram = _histogram(values, np.flatnonzero(rest), counts[rest])
    return ColumnStats(name, null_frac, distinct, values[0], values[-1], mcv, freqs, histogram)


def _histogram(values, index: np.ndarray, counts: np.ndarray) -> tuple:
    """Equi-depth bounds over the sorted distinct ``values[index]`` occurring ``counts`` times."""
    if not len(index):
        return ()
    if len(index) == 1:
        return (values[index[0]], values[index[0]])
    cum = np.cumsum(counts)
    total = int(cum[-1])
    buckets = min(HISTOGRAM_BUCKETS, len(index) - 1)
    targets = np.arange(buckets + 1) * (total - 1) / buckets  # row ranks of the bounds
    at = np.searchsorted(cum, targets, side="right")
    return tuple(values[index[int(min(i, len(index) - 1))]] for i in at)


def _distinct_counts(parts: list) -> tuple:
    """Sorted distinct non-NULL values (a list, or a :class:`_SortedStrings`), their
    counts, and the number of NULLs."""
    nulls = 0
    arrays: list[np.ndarray] = []
    strings: list[StringArray] = []
    counter: Counter = Counter()
    for col, pos in parts:
        data = col.data
        n_part = len(col) if pos is None else len(pos)
        valid = col.validity if pos is None or col.validity is None else col.validity[pos]
        if valid is None:
            rows = pos  # None: every row of the slice
        else:
            keep = np.flatnonzero(valid)
            nulls += n_part - len(keep)
            rows = keep if pos is None else pos[keep]
        if isinstance(data, DictArray):
            codes = data.codes if rows is None else data.codes[rows]
            words = data.dictionary.to_pylist()
            for code, cnt in enumerate(np.bincount(codes, minlength=len(words)).tolist()):
                if cnt:
                    counter[words[code].rstrip(" ")] += cnt
        elif isinstance(data, StringArray):
            strings.append(data if rows is None else _take_strings(data, rows))
        elif data.dtype == object:  # wide DECIMAL: Python ints
            sel = data if rows is None else data[rows]
            counter.update(sel.tolist())
        else:
            sel = data if rows is None else data[rows]
            if sel.dtype.kind == "f":
                sel = sel[~np.isnan(sel)]  # NaN is in no order: left out of the statistics
            arrays.append(sel)
    if arrays:
        u, c = np.unique(np.concatenate(arrays), return_counts=True)
        return u.tolist(), c.astype(np.int64), nulls
    if strings:
        distinct, counts = _distinct_strings(concat_string_arrays(strings))
        if not counter and not _has_trailing_blanks(distinct):
            return _SortedStrings(distinct), counts, nulls
        for word, count in zip(distinct.to_pylist(), counts.tolist()):  # merge 'a' and 'a ' (equal in SQL)
            counter[word.rstrip(" ")] += count
    items = sorted(counter.items())
    return [v for v, _ in items], np.array([c for _, c in items], dtype=np.int64), nulls


class _SortedStrings:
    """Sorted distinct strings, turned into Python ``str`` only when read (the
    statistics keep a few hundred of a column's possibly many values)."""

    def __init__(self, sa: StringArray):
        self.sa = sa

    def __len__(self) -> int:
        return len(self.sa)

    def __getitem__(self, i: int) -> str:
        return self.sa.value(int(i) % len(self.sa))


def _take_strings(sa: StringArray, rows: np.ndarray) -> StringArray:
    from columnar.kernels.columns import take_strings  # numba: not when columnar.sql imports this module

    return take_strings(sa, rows)


def _distinct_strings(sa: StringArray) -> tuple[StringArray, np.ndarray]:
    """The distinct values of ``sa`` in byte order (a compiled ranking) and their counts."""
    from columnar.kernels.strings import string_ranks

    if not len(sa):
        return sa, np.zeros(0, np.int64)
    ranks, k = string_ranks(sa)
    first = np.zeros(k, np.int64)
    first[ranks[::-1]] = np.arange(len(ranks) - 1, -1, -1)  # a row holding each rank
    return _take_strings(sa, first), np.bincount(ranks, minlength=k).astype(np.int64)


def _has_trailing_blanks(sa: StringArray) -> bool:
    ends = sa.offsets[1:]
    nonempty = ends > sa.offsets[:-1]
    return bool(np.any(sa.data[ends[nonempty] - 1] == ord(" ")))


# -- estimating ---------------------------------------------------------------------
def selectivity(stats: TableStats | None, column_index: int, op: str, value=None) -> float | None:
    """The fraction of the table's rows for which ``column op value`` is TRUE.

    ``op``: ``= <> != < <= > >=``; ``between`` (``value`` = ``(lo, hi)``,
    inclusive); ``in`` (``value`` an iterable); ``is null`` / ``is not null``
    (``value`` unused). ``value`` is a physical value (see the module
    docstring). None when unknown: no statistics for the column, or a value
    that cannot be compared with the column's.

    Example:
        >>> s = TableStats(100, 100, {0: ColumnStats("a", 0.1, 3, 1, 3, (1, 2, 3), (0.5, 0.3, 0.1))})
        >>> selectivity(s, 0, "=", 2), selectivity(s, 0, ">=", 2), selectivity(s, 0, "is null")
        (0.3, 0.4, 0.1)
        >>> selectivity(s, 0, "in", [1, 3]), selectivity(s, 0, "=", "x"), selectivity(None, 0, "=", 1)
        (0.6, None, None)
    """
    cs = stats.column(column_index) if stats is not None else None
    if cs is None:
        return None
    op = op.lower()
    if op == "is null":
        return cs.null_frac
    if op == "is not null":
        return cs.nonnull_frac
    try:
        if op == "between":
            lo, hi = (_norm(v) for v in value)
            if lo is None or hi is None:
                return 0.0
            return _clamp(_cdf(cs, hi, True) - _cdf(cs, lo, False), cs)
        if op == "in":
            vals = {_norm(v) for v in value} - {None}
            return _clamp(sum(_eq(cs, v) for v in vals), cs)
        v = _norm(value)
        if v is None:
            return 0.0  # a comparison with NULL is never TRUE
        if op == "=":
            return _clamp(_eq(cs, v), cs)
        if op in ("<>", "!="):
            return _clamp(cs.nonnull_frac - _eq(cs, v), cs)
        if op in ("<", "<="):
            return _clamp(_cdf(cs, v, op == "<="), cs)
        if op in (">", ">="):
            return _clamp(cs.nonnull_frac - _cdf(cs, v, op == ">"), cs)
    except TypeError:  # e.g. a string against a numeric column
        return None
    raise ValueError(f"unknown operator {op!r}")


def range_selectivity(stats: TableStats | None, column_index: int, r: ColumnRange) -> float | None:
    """The fraction of rows whose column lies in ``r`` (the AND of a filter's
    conjuncts on that column, :mod:`columnar.storage.pruning`); None when unknown.

    Example:
        >>> s = TableStats(100, 100, {0: ColumnStats("a", 0.0, 4, 1, 4, (1, 2, 3, 4), (0.25,) * 4)})
        >>> range_selectivity(s, 0, ColumnRange().restrict(">", 1).restrict("<=", 3))
        0.5
    """
    cs = stats.column(column_index) if stats is not None else None
    if cs is None:
        return None
    if r.empty:
        return 0.0
    if r.null_only:
        return cs.null_frac
    if r.points is not None:
        return selectivity(stats, column_index, "in", r.points)
    try:
        upper = cs.nonnull_frac if r.hi is None else _cdf(cs, _norm(r.hi), r.hi_closed)
        lower = 0.0 if r.lo is None else _cdf(cs, _norm(r.lo), not r.lo_closed)
    except TypeError:
        return None
    return _clamp(upper - lower, cs)


def ranges_selectivity(stats: TableStats | None, ranges: dict) -> float | None:
    """The product of :func:`range_selectivity` over ``{column: ColumnRange}``
    (columns assumed independent); None when any column is unknown."""
    out = 1.0
    for col, r in ranges.items():
        s = range_selectivity(stats, col, r)
        if s is None:
            return None
        out *= s
    return out


def _norm(v):
    return v.rstrip(" ") if isinstance(v, str) else v


def _clamp(x: float, cs: ColumnStats) -> float:
    return float(min(max(x, 0.0), cs.nonnull_frac))


def _eq(cs: ColumnStats, v) -> float:
    """Fraction of all rows equal to ``v``."""
    if cs.min is None or v < cs.min or v > cs.max:
        return 0.0
    for m, f in zip(cs.mcv, cs.mcv_freqs):
        if m == v:
            return f
    if not cs.histogram:
        return 0.0  # the MCV list is complete and lacks v
    return cs.histogram_frac / max(1.0, cs.distinct - len(cs.mcv))


def _cdf(cs: ColumnStats, v, inclusive: bool) -> float:
    """Fraction of all rows ``< v`` (``<= v`` when ``inclusive``)."""
    below = sum(f for m, f in zip(cs.mcv, cs.mcv_freqs) if m < v or (inclusive and m == v))
    below += cs.histogram_frac * _histogram_position(cs.histogram, v)
    if inclusive and cs.histogram and v not in cs.mcv and cs.min <= v <= cs.max:
        below += cs.histogram_frac / max(1.0, cs.distinct - len(cs.mcv))
    return below


def _histogram_position(bounds: tuple, v) -> float:
    """The fraction of the histogram's rows that are below ``v``."""
    if not bounds or v <= bounds[0]:
        return 0.0
    if v > bounds[-1]:
        return 1.0
    buckets = len(bounds) - 1
    i = bisect.bisect_left(bounds, v)  # bounds[i - 1] < v <= bounds[i]
    lo, hi = bounds[i - 1], bounds[i]
    if isinstance(v, (int, float)) and not isinstance(v, bool) and hi > lo:
        within = (v - lo) / (hi - lo)
    else:
        within = 0.5
    return (i - 1 + within) / buckets


# -- staleness ------------------------------------------------------------------------
def stats_off(table) -> float:
    """How stale ``table``'s statistics are, 0 (current) to 100 (see the module docstring)."""
    if table.stats is None:
        return 100.0 if table.row_count() > 0 else 0.0
    return float(min(100.0, 100.0 * table.changed_rows / max(table.stats.rows, 1)))


__all__ = [
    "ColumnStats", "TableStats", "analyze_table", "range_selectivity", "ranges_selectivity",
    "selectivity", "stats_off", "HISTOGRAM_BUCKETS", "MCV_LIMIT", "SAMPLE_ROWS", "SAMPLE_SEED",
]


# -- saving (database folders) -------------------------------------------------------------
def stats_to_json(stats: TableStats) -> dict:
    """``stats`` as JSON-ready data (for a database folder's manifest)."""
    return {
        "rows": stats.rows, "sampled_rows": stats.sampled_rows, "analyzed_at": stats.analyzed_at.isoformat(),
        "columns": {str(i): {**c.__dict__, "mcv": list(c.mcv), "mcv_freqs": list(c.mcv_freqs),
                             "histogram": list(c.histogram)} for i, c in stats.columns.items()},
    }


def stats_from_json(data: dict) -> TableStats:
    """The inverse of :func:`stats_to_json`.

    Example:
        >>> s = TableStats(10, 10, {0: ColumnStats("a", 0.1, 3.0, 1, 9, (1,), (0.5,), (2, 5, 9))})
        >>> stats_from_json(stats_to_json(s)) == s
        True
    """
    columns = {}
    for i, c in data["columns"].items():
        c = dict(c)
        for key in ("mcv", "mcv_freqs", "histogram"):
            c[key] = tuple(c[key])
        columns[int(i)] = ColumnStats(**c)
    return TableStats(data["rows"], data["sampled_rows"], columns,
                      datetime.datetime.fromisoformat(data["analyzed_at"]))
