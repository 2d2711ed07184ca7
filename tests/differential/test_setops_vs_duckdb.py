"""Set operations, CTEs and views against DuckDB (the oracle), on hypothesis-generated data.

Each example draws two small tables ``l`` and ``r`` (INT, DECIMAL(10,2), VARCHAR; NULLs and
many duplicates, sometimes empty), a cluster shape and a DISTSTYLE per table, loads them into
columnar and DuckDB, and checks random set-operation queries:

* ``UNION [ALL]``, ``INTERSECT [ALL]``, ``EXCEPT [ALL]`` of filtered inputs, chains of
  three inputs with explicit parentheses, columns of different types unified (INT with
  DECIMAL), a filter above the set operation (pushed into the inputs), ``ORDER BY`` every
  column with ``LIMIT`` (compared in order), the same query written with a CTE, and the same
  query through a view;
* the same query must give the same rows whatever the layout (DuckDB is the oracle for all).

Dialect differences avoided rather than normalised: strings have no trailing blanks (Redshift
ignores them in comparisons, DuckDB does not), and ORDER BY says NULLS LAST/FIRST explicitly.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples

pytestmark = pytest.mark.differential

duckdb = pytest.importorskip("duckdb")

COLUMNS = [("i", "INT"), ("d", "DECIMAL(10,2)"), ("s", "VARCHAR(8)")]
SETTINGS = settings(max_examples=examples(45), deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CLUSTERS = [(1, 1), (2, 2), (3, 2)]
DISTSTYLES = ["DISTSTYLE EVEN", "DISTSTYLE KEY DISTKEY (i)", "DISTSTYLE KEY DISTKEY (s)",
              "DISTSTYLE KEY DISTKEY (d)", "DISTSTYLE ALL", ""]
OPERATIONS = ["UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL"]

VALUES = {
    "i": st.one_of(st.integers(-3, 3), st.sampled_from([-(2**31), 2**31 - 1])),
    "d": st.one_of(st.integers(-300, 300).map(lambda n: Decimal(n).scaleb(-2)),
                   st.sampled_from([Decimal("1.00"), Decimal("-99999999.99")])),
    "s": st.sampled_from(["", "a", "b", "ab", "B", "ba"]),
}


def nullable(strategy):
    return st.one_of(st.none(), strategy, strategy)


@st.composite
def tables(draw):
    """Rows drawn from a small pool, so that duplicates (within and across tables) are common."""
    pool = draw(st.lists(st.tuples(*(nullable(VALUES[c]) for c, _ in COLUMNS)), min_size=1, max_size=6))
    n = draw(st.integers(0, 14))
    return [draw(st.sampled_from(pool)) for _ in range(n)]


def literal(column: str, v) -> str:
    if v is None:
        return "NULL"
    if column == "s":
        return "'" + v.replace("'", "''") + "'"
    return str(v)


# --------------------------------------------------------------------------- queries

# One input of a set operation: a column list of l or r, and maybe a filter.
COLUMN_SETS = [("i",), ("s",), ("i", "s"), ("d", "s"), ("i", "d", "s")]
FILTERS = [None, "i > 0", "s <> 'a'", "d IS NOT NULL", "i IS NULL OR s = 'b'"]


@st.composite
def branch(draw, columns: tuple):
    table = draw(st.sampled_from(["l", "r"]))
    # INT in place of DECIMAL (and back) exercises type unification
    cols = [draw(st.sampled_from(["i", "d"])) if c in ("i", "d") else c for c in columns]
    where = draw(st.sampled_from(FILTERS))
    return f"SELECT {', '.join(cols)} FROM {table}" + (f" WHERE {where}" if where else "")


@st.composite
def set_queries(draw):
    columns = draw(st.sampled_from(COLUMN_SETS))
    first, second = draw(branch(columns)), draw(branch(columns))
    op = draw(st.sampled_from(OPERATIONS))
    body = f"({first}) {op} ({second})"
    if draw(st.booleans()):
        op2 = draw(st.sampled_from(OPERATIONS))
        third = draw(branch(columns))
        body = f"({body}) {op2} ({third})" if draw(st.booleans()) else f"({third}) {op2} ({body})"
    return columns, body


def output_names(n: int) -> list[str]:
    return [f"c{k}" for k in range(n)]


# --------------------------------------------------------------------------- engines


def load(l_rows, r_rows, l_style: str, r_style: str, cluster):
    import columnar

    nodes, slices = cluster
    db = columnar.connect(nodes=nodes, slices_per_node=slices)
    duck = duckdb.connect()
    columns = ", ".join(f"{c} {t}" for c, t in COLUMNS)
    for name, rows, style in (("l", l_rows, l_style), ("r", r_rows, r_style)):
        db.execute(f"CREATE TABLE {name} ({columns}) {style}")
        duck.execute(f"CREATE TABLE {name} ({columns})")
        if rows:
            values = ", ".join("(" + ", ".join(literal(c, v) for (c, _), v in zip(COLUMNS, row)) + ")"
                               for row in rows)
            db.execute(f"INSERT INTO {name} VALUES {values}")
            duck.execute(f"INSERT INTO {name} VALUES {values}")
    return db, duck


@SETTINGS
@given(l_rows=tables(), r_rows=tables(), l_style=st.sampled_from(DISTSTYLES),
       r_style=st.sampled_from(DISTSTYLES), cluster=st.sampled_from(CLUSTERS), query=set_queries(),
       limit=st.integers(0, 6))
def test_set_operations_match_duckdb(l_rows, r_rows, l_style, r_style, cluster, query, limit, compare):
    columns, body = query
    names = output_names(len(columns))
    aliased = f"SELECT * FROM ({body}) AS q ({', '.join(names)})"
    order = ", ".join(f"{c} NULLS LAST" for c in names)
    queries = [
        (body, False),
        # a filter above the set operation (pushed down into its inputs)
        (f"{aliased} WHERE {names[0]} IS NOT NULL", False),
        # ORDER BY every column + LIMIT: one possible answer, compared in order
        (f"{aliased} ORDER BY {order} LIMIT {limit}", True),
        # the same as a CTE referenced twice
        (f"WITH q ({', '.join(names)}) AS ({body}) SELECT * FROM q UNION ALL SELECT * FROM q", False),
        (f"SELECT COUNT(*) FROM ({body}) AS q", False),
    ]
    db, duck = load(l_rows, r_rows, l_style, r_style, cluster)
    context = f"-- l {l_style}, r {r_style}, cluster {cluster}"
    try:
        for sql, ordered in queries:
            ours = db.sql(sql)
            theirs = duck.execute(sql)
            compare(ours.fetchall(), theirs.fetchall(), ordered=ordered, ncols=len(ours.columns),
                    expected_ncols=len(theirs.description), context=f"{sql}  {context}")
        # and through a view
        db.execute(f"CREATE VIEW v ({', '.join(names)}) AS {body}")
        duck.execute(f"CREATE VIEW v ({', '.join(names)}) AS {body}")
        sql = f"SELECT v.*, l.s FROM v JOIN l ON v.{names[0]} = l.{columns[0]}"
        compare(db.sql(sql).fetchall(), duck.execute(sql).fetchall(), ordered=False, context=f"{sql}  {context}")
    finally:
        db.close()
        duck.close()


def test_layouts_agree_on_a_fixed_example(compare):
    """One query under every layout and cluster shape: the same rows as DuckDB each time."""
    l_rows = [(1, Decimal("1.00"), "a"), (1, Decimal("1.00"), "a"), (None, None, None), (2, None, "b"),
              (None, None, None), (3, Decimal("-2.50"), "")]
    r_rows = [(1, Decimal("1.00"), "a"), (None, None, None), (4, Decimal("0.00"), "ab"), (3, Decimal("-2.50"), "")]
    sqls = [f"SELECT i, d, s FROM l {op} SELECT i, d, s FROM r" for op in OPERATIONS]
    sqls.append("(SELECT i, s FROM l UNION ALL SELECT d, s FROM r) EXCEPT SELECT i, s FROM r WHERE i > 2")
    for cluster in CLUSTERS:
        for l_style in DISTSTYLES:
            r_style = DISTSTYLES[(DISTSTYLES.index(l_style) + 1) % len(DISTSTYLES)]
            db, duck = load(l_rows, r_rows, l_style, r_style, cluster)
            try:
                for sql in sqls:
                    compare(db.sql(sql).fetchall(), duck.execute(sql).fetchall(), ordered=False,
                            context=f"{sql}  -- {l_style} / {r_style} on {cluster}")
            finally:
                db.close()
                duck.close()
