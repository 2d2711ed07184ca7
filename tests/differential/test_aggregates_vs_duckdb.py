"""Statistical and ordered aggregates against DuckDB on random data and random layouts.

Each example draws a small table (a group key, INT, DECIMAL(10,2), DOUBLE PRECISION,
BOOLEAN, VARCHAR and a unique row number ``k``), loads it into a columnar cluster of a
random shape and DISTSTYLE (so the same aggregate runs in one phase, or as partial →
DIST → final, on 1 to 6 slices) and into DuckDB, and compares, grouped and scalar:

* STDDEV_SAMP / STDDEV_POP / VAR_SAMP / VAR_POP of each numeric column and
  BOOL_AND / BOOL_OR (both engines: DOUBLE PRECISION, BOOLEAN);
* MEDIAN, PERCENTILE_CONT and PERCENTILE_DISC with ASC or DESC order;
* LISTAGG ... WITHIN GROUP (ORDER BY k [DESC]) and LISTAGG(DISTINCT s) ... (ORDER BY s).

Known dialect differences are written into the DuckDB side, not normalised away:
LISTAGG skips empty strings (``string_agg(NULLIF(s, ''), ...)`` in DuckDB); DuckDB's
MEDIAN of a DECIMAL keeps the column's scale, Redshift's has one more digit (DuckDB
computes it on DOUBLE here); Redshift allows one WITHIN GROUP order per query, so the
ordered aggregates of one query share their ORDER BY. Values stay small (|x| <= 1000)
so that DuckDB's one-pass variance is as accurate as the tolerance (1e-6 relative).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TwinTables, examples

pytestmark = pytest.mark.differential

duckdb = pytest.importorskip("duckdb")

COLUMNS = [("g", "INT"), ("i", "INT"), ("d", "DECIMAL(10,2)"), ("f", "DOUBLE PRECISION"),
           ("b", "BOOLEAN"), ("s", "VARCHAR(6)")]
NUMERIC = ("i", "d", "f")
LAYOUTS = ["DISTSTYLE EVEN", "DISTSTYLE KEY DISTKEY (g)", "DISTSTYLE KEY DISTKEY (i)",
           "DISTSTYLE KEY DISTKEY (k)", "DISTSTYLE ALL", ""]
SHAPES = [(1, 1), (2, 2), (3, 2)]
REL_TOL = 1e-6

SETTINGS = settings(max_examples=examples(150), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def nullable(strategy):
    return st.one_of(st.none(), strategy, strategy, strategy)


VALUES = {
    "g": st.integers(0, 3),
    "i": st.one_of(st.integers(-5, 5), st.integers(-1000, 1000)),
    "d": st.integers(-100_000, 100_000).map(lambda n: Decimal(n).scaleb(-2)),
    "f": st.one_of(st.sampled_from([0.0, 1.0, -1.5]), st.integers(-100_000, 100_000).map(lambda n: n / 100)),
    "b": st.booleans(),
    "s": st.one_of(st.sampled_from(["", "a", "b", "ab"]), st.text(alphabet="abc", max_size=6)),
}


@st.composite
def tables(draw, max_rows: int = 30):
    n = draw(st.integers(0, max_rows))
    pool = draw(st.lists(st.tuples(*(nullable(VALUES[c]) for c, _ in COLUMNS)), min_size=1, max_size=6))
    return [draw(st.sampled_from(pool)) if draw(st.booleans())
            else tuple(draw(nullable(VALUES[c])) for c, _ in COLUMNS) for _ in range(n)]


class Engines(TwinTables):
    def __init__(self, rows, layout: str, shape: tuple[int, int]):
        super().__init__(COLUMNS, rows, layout, shape)

    def check(self, compare, ours: list[str], theirs: list[str], grouped: bool, where: str = "") -> None:
        keys = "g, " if grouped else ""
        tail = (f" WHERE {where}" if where else "") + (" GROUP BY g" if grouped else "")
        q_ours = f"SELECT {keys}{', '.join(ours)} FROM t{tail}"
        q_theirs = f"SELECT {keys}{', '.join(theirs)} FROM t{tail}"
        a = self.db.sql(q_ours).fetchall()
        e = self.duck.execute(q_theirs).fetchall()
        compare(a, e, ordered=False, rel_tol=REL_TOL,
                context=f"columnar: {q_ours}\nduckdb:   {q_theirs}\n-- {self.context}")

    def close(self) -> None:
        self.db.close()
        self.duck.close()


def statistics_sql() -> tuple[list[str], list[str]]:
    exprs = [f"{fn}({c})" for c in NUMERIC for fn in ("STDDEV_SAMP", "STDDEV_POP", "VAR_SAMP", "VAR_POP")]
    exprs += ["BOOL_AND(b)", "BOOL_OR(b)", "STDDEV(DISTINCT i)", "VARIANCE(d)"]
    return exprs, exprs


def ordered_sql(column: str, p: Decimal, desc: bool) -> tuple[list[str], list[str]]:
    direction = " DESC" if desc else ""
    order = f"WITHIN GROUP (ORDER BY {column}{direction})"
    theirs_col = f"CAST({column} AS DOUBLE)" if column != "f" else column
    ours = [f"PERCENTILE_CONT({p}) {order}", f"PERCENTILE_DISC({p}) {order}"]
    theirs = [f"PERCENTILE_CONT({p}) WITHIN GROUP (ORDER BY {theirs_col}{direction})",
              f"PERCENTILE_DISC({p}) {order}"]
    if not desc:  # MEDIAN sorts ascending: only then does it share the query's order
        ours.append(f"MEDIAN({column})")
        theirs.append(f"MEDIAN({theirs_col})")
    return ours, theirs


def listagg_sql(delimiter: str, desc: bool, distinct: bool) -> tuple[list[str], list[str]]:
    if distinct:
        return ([f"LISTAGG(DISTINCT s, '{delimiter}') WITHIN GROUP (ORDER BY s)"],
                [f"STRING_AGG(DISTINCT NULLIF(s, ''), '{delimiter}' ORDER BY NULLIF(s, ''))"])
    direction = " DESC" if desc else ""
    return ([f"LISTAGG(s, '{delimiter}') WITHIN GROUP (ORDER BY k{direction})",
             f"LISTAGG(i, '{delimiter}') WITHIN GROUP (ORDER BY k{direction})"],
            [f"STRING_AGG(NULLIF(s, ''), '{delimiter}' ORDER BY k{direction})",
             f"STRING_AGG(CAST(i AS VARCHAR), '{delimiter}' ORDER BY k{direction})"])


percentiles = st.sampled_from([Decimal("0"), Decimal("0.1"), Decimal("0.25"), Decimal("0.5"),
                               Decimal("0.7"), Decimal("0.99"), Decimal("1")])


@SETTINGS
@given(rows=tables(), layout=st.sampled_from(LAYOUTS), shape=st.sampled_from(SHAPES),
       column=st.sampled_from(NUMERIC), p=percentiles, desc=st.booleans(),
       delimiter=st.sampled_from(["", ",", " | "]), distinct=st.booleans(),
       where=st.sampled_from(["", "i > 0", "g IS NOT NULL AND k % 2 = 0"]))
def test_aggregates_match_duckdb(rows, layout, shape, column, p, desc, delimiter, distinct, where, compare):
    engines = Engines(rows, layout, shape)
    try:
        for ours, theirs in (statistics_sql(), ordered_sql(column, p, desc), listagg_sql(delimiter, desc, distinct)):
            for grouped in (False, True):
                engines.check(compare, ours, theirs, grouped, where)
    finally:
        engines.close()


def test_smoke_example(compare):
    """A fixed example, so a broken generator or oracle mapping fails readably."""
    rows = [(1, 3, Decimal("1.25"), 0.5, True, "x"), (1, 5, Decimal("1.30"), 2.5, False, ""),
            (2, None, None, None, None, None), (2, 7, Decimal("-2.00"), -1.0, True, "y")]
    engines = Engines(rows, "DISTSTYLE EVEN", (2, 2))
    try:
        for ours, theirs in (statistics_sql(), ordered_sql("d", Decimal("0.5"), False), listagg_sql(",", False, False)):
            engines.check(compare, ours, theirs, grouped=True)
    finally:
        engines.close()
