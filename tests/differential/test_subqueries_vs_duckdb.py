"""Subqueries against DuckDB (the oracle), on hypothesis-generated data and layouts.

Each example draws three small tables ``t1``, ``t2``, ``t3`` of one schema (INT key ``k``
with duplicates and NULLs, DECIMAL(10,2), VARCHAR, DATE; sometimes empty), a DISTSTYLE per
table and a cluster shape, loads them into columnar and DuckDB, and compares the row
multisets of random queries of these shapes (outer table ``a``, subquery table ``b``, any
of the three tables, also the same one):

* ``[NOT] EXISTS (SELECT 1 FROM .. b WHERE b.k = a.k [AND extra])``: the extra condition is
  a non-equality between outer and inner columns (``b.d > a.d``, ``b.s <> a.s``, ...), a
  filter on ``b`` alone, or an uncorrelated ``IN`` over the third table;
* ``a.x [NOT] IN (SELECT b.y FROM .. b [WHERE ..])``, uncorrelated, with and without NULLs
  in ``y`` (NOT IN with a NULL in the list keeps no row);
* uncorrelated scalar aggregates ``(SELECT MAX(b.d) FROM .. b [WHERE ..])`` compared in
  WHERE and HAVING and shown in the select list;
* correlated scalar aggregates ``(SELECT SUM/COUNT/MAX/MIN(..) FROM .. b WHERE b.k = a.k
  [AND filter on b])`` in WHERE and in the select list (COUNT of no rows is 0, SUM NULL);
* all of them with an optional outer WHERE, with a GROUP BY + aggregates around them, and
  a correlated scalar in a derived table aggregated by the outer query.

Outside the generated shapes, because the engine rejects them (NotSupportedError, as
Redshift does some of them): correlated scalar subqueries with a non-equality correlation,
EXISTS / IN under OR or in the select list, subqueries inside aggregate arguments.

Dialect differences avoided: no AVG (Redshift truncates integer averages and gives a
DECIMAL average the column's scale), no ``/``, strings without trailing blanks.
A failure message carries a SQL script that reproduces it on a fresh connection.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples

pytestmark = pytest.mark.differential

duckdb = pytest.importorskip("duckdb")

COLUMNS = [("k", "INT"), ("d", "DECIMAL(10,2)"), ("s", "VARCHAR(8)"), ("dt", "DATE")]
NAMES = [c for c, _ in COLUMNS]
TABLES = ("t1", "t2", "t3")
CLUSTERS = [(1, 1), (2, 2), (3, 2)]
DISTSTYLES = ["DISTSTYLE EVEN", "DISTSTYLE ALL", "", "DISTSTYLE KEY DISTKEY (k)",
              "DISTSTYLE KEY DISTKEY (s)", "DISTSTYLE KEY DISTKEY (d)", "DISTSTYLE KEY DISTKEY (dt)"]

SETTINGS = settings(max_examples=examples(60), deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

VALUES = {
    "k": st.one_of(st.integers(-1, 3), st.integers(-1, 3), st.sampled_from([-(2**31), 2**31 - 1])),
    "d": st.one_of(st.integers(-300, 300).map(lambda n: Decimal(n).scaleb(-2)),
                   st.sampled_from([Decimal("0.00"), Decimal("1.50"), Decimal("-99999999.99")])),
    "s": st.sampled_from(["", "a", "b", "ab", "B"]),
    "dt": st.sampled_from([datetime.date(2000, 1, 1), datetime.date(1999, 12, 31),
                           datetime.date(2024, 2, 29)]),
}


def nullable(strategy):
    return st.one_of(st.none(), strategy, strategy, strategy)


@st.composite
def table_rows(draw):
    """Rows drawn partly from a small pool, so duplicates (within and across tables) are common."""
    pool = draw(st.lists(st.tuples(*(nullable(VALUES[c]) for c in NAMES)), min_size=1, max_size=5))
    n = draw(st.one_of(st.just(0), st.integers(3, 10), st.integers(3, 10)))  # sometimes empty
    return [draw(st.sampled_from(pool)) if draw(st.booleans())
            else tuple(draw(nullable(VALUES[c])) for c in NAMES) for _ in range(n)]


def literal(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    if isinstance(v, datetime.date):
        return f"DATE '{v.isoformat()}'"
    return str(v)


# --------------------------------------------------------------------------- queries

OUTER_FILTERS = [None, "a.k > 0", "a.s <> 'a'", "a.d IS NOT NULL", "a.dt >= DATE '2000-01-01'",
                 "a.k IS NULL OR a.d < 0"]
INNER_FILTERS = [None, "b.d > 0", "b.s IN ('a', 'b')", "b.k IS NOT NULL", "b.dt < DATE '2024-01-01'"]
# extra EXISTS conditions: non-equalities between outer and inner columns, inner-only filters
EXISTS_EXTRAS = [None, "b.d > a.d", "b.s <> a.s", "b.dt <= a.dt", "b.d + 1 < a.d", "b.s > a.s",
                 "b.d > 0", "b.s = 'a'"]
AGGREGATES = ["SUM(b.d)", "SUM(b.k)", "COUNT(*)", "COUNT(b.s)", "MAX(b.d)", "MIN(b.dt)", "MAX(b.s)",
              "MIN(b.k)"]
# comparable (outer column, scalar aggregate of matching type)
COMPARISONS = [("a.d", "SUM(b.d)"), ("a.d", "MAX(b.d)"), ("a.k", "MIN(b.k)"), ("a.k", "COUNT(*)"),
               ("a.dt", "MIN(b.dt)"), ("a.s", "MAX(b.s)"), ("a.k", "COUNT(b.s)"), ("a.d", "SUM(b.k)")]
OPS = ["=", "<>", "<", "<=", ">", ">="]
IN_COLUMNS = ["k", "d", "s", "dt"]


def where(*conditions) -> str:
    conds = [c for c in conditions if c]
    if len(conds) > 1:
        conds = [f"({c})" if " OR " in c else c for c in conds]
    return (" WHERE " + " AND ".join(conds)) if conds else ""


@st.composite
def subquery_condition(draw, outer: str) -> str:
    """A WHERE condition of ``a`` (an alias of ``outer``) with one subquery."""
    inner = draw(st.sampled_from(TABLES))
    kind = draw(st.sampled_from(["exists", "in", "scalar", "correlated"]))
    if kind == "exists":
        third = draw(st.sampled_from(TABLES))
        extra = draw(st.sampled_from(EXISTS_EXTRAS + [f"b.s IN (SELECT c.s FROM {third} c)"]))
        neg = "NOT " if draw(st.booleans()) else ""
        return f"{neg}EXISTS (SELECT 1 FROM {inner} b{where('b.k = a.k', extra)})"
    if kind == "in":
        col = draw(st.sampled_from(IN_COLUMNS))
        neg = draw(st.booleans())
        filt = draw(st.sampled_from(INNER_FILTERS + [f"b.{col} IS NOT NULL"]))
        return f"a.{col} {'NOT ' if neg else ''}IN (SELECT b.{col} FROM {inner} b{where(filt)})"
    col, agg = draw(st.sampled_from(COMPARISONS))
    op = draw(st.sampled_from(OPS))
    filt = draw(st.sampled_from(INNER_FILTERS))
    if kind == "scalar":
        return f"{col} {op} (SELECT {agg} FROM {inner} b{where(filt)})"
    return f"{col} {op} (SELECT {agg} FROM {inner} b{where('b.k = a.k', filt)})"


@st.composite
def queries(draw) -> str:
    outer = draw(st.sampled_from(TABLES))
    outer_filter = draw(st.sampled_from(OUTER_FILTERS))
    shape = draw(st.sampled_from(["filter", "filter", "grouped", "select", "select_grouped", "derived",
                                  "having"]))
    inner = draw(st.sampled_from(TABLES))
    agg = draw(st.sampled_from(AGGREGATES))
    filt = draw(st.sampled_from(INNER_FILTERS))
    correlated = f"(SELECT {agg} FROM {inner} b{where('b.k = a.k', filt)})"
    if shape == "filter":
        cond = draw(subquery_condition(outer))
        return f"SELECT a.k, a.d, a.s, a.dt FROM {outer} a{where(cond, outer_filter)}"
    if shape == "grouped":
        cond = draw(subquery_condition(outer))
        key = draw(st.sampled_from(["a.s", "a.k", "a.dt"]))
        return (f"SELECT {key}, COUNT(*), SUM(a.d), MIN(a.k) FROM {outer} a{where(cond, outer_filter)}"
                f" GROUP BY {key}")
    if shape == "select":
        cond = draw(st.one_of(st.none(), subquery_condition(outer)))
        scalar = f"(SELECT {draw(st.sampled_from(AGGREGATES))} FROM {draw(st.sampled_from(TABLES))} b)"
        return f"SELECT a.k, a.s, {correlated}, {scalar} FROM {outer} a{where(cond, outer_filter)}"
    if shape == "select_grouped":
        # correlated on the group key
        return (f"SELECT a.k, COUNT(*), SUM(a.d), {correlated} FROM {outer} a{where(outer_filter)}"
                f" GROUP BY a.k")
    if shape == "derived":
        key = draw(st.sampled_from(["s", "k", "dt"]))
        return (f"SELECT q.{key}, COUNT(*), COUNT(q.c), MIN(q.c), MAX(q.c) FROM (SELECT a.{key}, {correlated} AS c"
                f" FROM {outer} a{where(outer_filter)}) AS q GROUP BY q.{key}")
    # having: an uncorrelated scalar aggregate compared with a group's aggregate
    key = draw(st.sampled_from(["a.s", "a.k", "a.dt"]))
    having = draw(st.sampled_from([
        "COUNT(*) >= (SELECT COUNT(*) FROM {t} b{w}) - 3",
        "SUM(a.d) < (SELECT MAX(b.d) FROM {t} b{w})",
        "MIN(a.k) = (SELECT MIN(b.k) FROM {t} b{w})",
        "MAX(a.dt) > (SELECT MIN(b.dt) FROM {t} b{w})",
    ])).format(t=inner, w=where(filt))
    return (f"SELECT {key}, COUNT(*), SUM(a.d) FROM {outer} a{where(outer_filter)} GROUP BY {key}"
            f" HAVING {having}")


# --------------------------------------------------------------------------- engines


def setup_sql(tables: dict[str, list], styles: dict[str, str]) -> list[tuple[str, str]]:
    """(columnar statement, DuckDB statement) pairs creating and loading the tables."""
    cols = ", ".join(f"{c} {t}" for c, t in COLUMNS)
    out = []
    for name in TABLES:
        style = styles[name]
        out.append((f"CREATE TABLE {name} ({cols}){' ' + style if style else ''}", f"CREATE TABLE {name} ({cols})"))
        if tables[name]:
            values = ", ".join("(" + ", ".join(map(literal, row)) + ")" for row in tables[name])
            out.append((f"INSERT INTO {name} VALUES {values}",) * 2)
    return out


@SETTINGS
@given(t1=table_rows(), t2=table_rows(), t3=table_rows(),
       styles=st.tuples(*(st.sampled_from(DISTSTYLES) for _ in TABLES)),
       cluster=st.sampled_from(CLUSTERS), sqls=st.lists(queries(), min_size=3, max_size=5))
def test_subqueries_match_duckdb(t1, t2, t3, styles, cluster, sqls, compare):
    import columnar

    statements = setup_sql({"t1": t1, "t2": t2, "t3": t3}, dict(zip(TABLES, styles)))
    db = columnar.connect(nodes=cluster[0], slices_per_node=cluster[1])
    duck = duckdb.connect()
    try:
        for ours, theirs in statements:
            db.execute(ours)
            duck.execute(theirs)
        for sql in sqls:
            script = (f"-- columnar.connect(nodes={cluster[0]}, slices_per_node={cluster[1]})\n"
                      + ";\n".join(s for s, _ in statements) + f";\n{sql};")
            result = db.sql(sql)
            oracle = duck.execute(sql)
            compare(result.fetchall(), oracle.fetchall(), ordered=False, ncols=len(result.columns),
                    expected_ncols=len(oracle.description), context=script)
    finally:
        db.close()
        duck.close()


def test_fixed_example(compare):
    """A fixed example of every shape, so a broken generator or oracle fails readably."""
    import columnar

    rows = {
        "t1": [(1, Decimal("1.50"), "a", datetime.date(2000, 1, 1)), (None, None, None, None),
               (2, Decimal("-1.00"), "b", datetime.date(2024, 2, 29)), (1, Decimal("0.00"), "", None)],
        "t2": [(1, Decimal("2.50"), "a", datetime.date(2000, 1, 1)), (None, Decimal("3.00"), "ab", None),
               (1, Decimal("0.50"), "b", datetime.date(1999, 12, 31))],
        "t3": [],
    }
    sqls = [
        "SELECT a.k, a.d FROM t1 a WHERE EXISTS (SELECT 1 FROM t2 b WHERE b.k = a.k AND b.d > a.d)",
        "SELECT a.k, a.d FROM t1 a WHERE NOT EXISTS (SELECT 1 FROM t2 b WHERE b.k = a.k AND b.s <> a.s)",
        "SELECT a.k FROM t1 a WHERE a.k NOT IN (SELECT b.k FROM t2 b)",
        "SELECT a.k FROM t1 a WHERE a.k NOT IN (SELECT b.k FROM t2 b WHERE b.k IS NOT NULL)",
        "SELECT a.k FROM t1 a WHERE a.k NOT IN (SELECT b.k FROM t3 b)",
        "SELECT a.k, (SELECT SUM(b.d) FROM t2 b WHERE b.k = a.k), (SELECT COUNT(*) FROM t2 b WHERE b.k = a.k)"
        " FROM t1 a",
        "SELECT a.k FROM t1 a WHERE a.d < (SELECT MAX(b.d) FROM t2 b WHERE b.k = a.k)",
        "SELECT a.s, COUNT(*) FROM t1 a GROUP BY a.s HAVING COUNT(*) >= (SELECT COUNT(*) FROM t2 b) - 2",
        "SELECT q.s, SUM(q.c) FROM (SELECT a.s, (SELECT COUNT(*) FROM t2 b WHERE b.k = a.k) AS c FROM t1 a)"
        " AS q GROUP BY q.s",
    ]
    statements = setup_sql(rows, {"t1": "DISTSTYLE EVEN", "t2": "DISTSTYLE KEY DISTKEY (k)", "t3": ""})
    db = columnar.connect(nodes=2, slices_per_node=2)
    duck = duckdb.connect()
    try:
        for ours, theirs in statements:
            db.execute(ours)
            duck.execute(theirs)
        for sql in sqls:
            compare(db.sql(sql).fetchall(), duck.execute(sql).fetchall(), ordered=False, context=sql)
    finally:
        db.close()
        duck.close()
