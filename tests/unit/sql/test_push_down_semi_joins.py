"""The push_down_semi_joins rule, end to end: where EXPLAIN shows the semi /
anti join after it ran, and that the results do not change (DuckDB is the
oracle; a few results are also written out by hand).

Shape: ``customer - orders - lineitem`` joined by inner joins, with
``IN`` / ``EXISTS`` / ``NOT EXISTS`` / ``NOT IN`` subqueries whose condition
is a plain equality with one input (pushed down onto that input's scan), or
carries a residual ``<>`` (stays above the joins), or sits over a LEFT JOIN
(never moves into it).
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

import columnar

from small_tables import duckdb_with, load_table, same_rows as check
from explain_tree import Node, is_inner, is_join, is_left, is_semi_or_anti, plan_tree

pytest.importorskip("duckdb")


# --------------------------------------------------------------------------- data

def _data():
    rnd = random.Random(20240611)
    customer = [(k, rnd.choice([1, 2, 3, None]), f"cust{k}") for k in range(1, 31)]
    customer += [(None, 1, "nokey"), (31, 2, "noorders")]
    orders = []
    for ok in range(100, 220):
        ck = rnd.choice([None] + list(range(1, 31)) + [32, 33, 34])  # 32..34: no such customer
        orders.append((ok, ck, rnd.randint(1, 50)))
    orders.append((None, 3, 7))
    lineitem = []
    for i in range(600):
        lk = rnd.choice(list(range(95, 225)) + [None])
        lineitem.append((lk, rnd.choice([1, 2, 3, 4, 5, None]), rnd.randint(1, 10)))
    picks = [(k,) for k in (100, 101, 105, 150, 150, 219, 1, 2, 3)] + [(None,)]
    picks_nn = [(k,) for k in (100, 101, 105, 150, 219, 1, 2, 5)]
    return {
        "customer": ("c_custkey INT, c_nationkey INT, c_name VARCHAR(20)", customer),
        "orders": ("o_orderkey INT, o_custkey INT, o_total INT", orders),
        "lineitem": ("l_orderkey INT, l_suppkey INT, l_qty INT", lineitem),
        "picks": ("p_key INT", picks),
        "picks_nn": ("p_key INT", picks_nn),
        "nothing": ("p_key INT", []),
    }


DATA = _data()

LAYOUTS = {
    "key": {"customer": "DISTKEY (c_custkey)", "orders": "DISTKEY (o_orderkey)",
            "lineitem": "DISTKEY (l_orderkey)", "picks": "DISTSTYLE EVEN", "picks_nn": "DISTKEY (p_key)",
            "nothing": "DISTSTYLE EVEN"},
    "even": {t: "DISTSTYLE EVEN" for t in DATA},
    "all": {"customer": "DISTSTYLE ALL", "orders": "DISTKEY (o_custkey)", "lineitem": "DISTSTYLE EVEN",
            "picks": "DISTSTYLE ALL", "picks_nn": "DISTSTYLE ALL", "nothing": "DISTSTYLE ALL"},
}


@pytest.fixture(scope="module")
def duck():
    con = duckdb_with(DATA)
    yield con
    con.close()


def _load(layout: str, nodes: int, slices: int):
    db = columnar.connect(nodes=nodes, slices_per_node=slices)
    for table, (cols, rows) in DATA.items():
        load_table(db, table, cols, rows, LAYOUTS[layout][table])
    return db


@pytest.fixture(scope="module", params=[("key", 2, 2), ("even", 1, 1), ("all", 2, 2)],
                ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def db(request):
    con = _load(*request.param)
    yield con
    con.close()


# --------------------------------------------------------------------------- EXPLAIN tree


def the_semi(root: Node) -> Node:
    semis = [n for n in root.walk() if is_semi_or_anti(n.label)]
    assert len(semis) == 1, root.text
    return semis[0]


def assert_pushed_onto(root: Node, table: str, anti: bool = False):
    """The semi/anti join sits below (is a descendant of, indented deeper than)
    the top inner join of the query, directly over a scan of ``table`` (no join
    in its outer input)."""
    semi = the_semi(root)
    assert ("Anti" in semi.label) == anti, root.text
    inner_joins = [n for n in root.walk() if is_inner(n.label)]
    assert inner_joins, root.text
    top = min(inner_joins, key=lambda n: n.depth)
    assert semi.depth > top.depth, root.text
    assert top in set(semi.ancestors()), root.text
    outer = semi.children[0]
    assert not any(is_join(n.label) for n in outer.walk()), root.text
    scans = [n.label for n in outer.walk() if "Seq Scan" in n.label]
    assert scans and scans[0].startswith(f"XN Seq Scan on {table}"), root.text


def assert_kept_above(root: Node, join_test=is_inner) -> Node:
    """The semi/anti join is an ancestor of every join ``join_test`` selects
    (joins inside the subquery's own input aside)."""
    semi = the_semi(root)
    subquery = set(semi.children[1].walk()) if len(semi.children) > 1 else set()
    joins = [n for n in root.walk() if join_test(n.label) and n is not semi and n not in subquery]
    assert joins, root.text
    inside_outer = set(semi.children[0].walk())
    assert all(n in inside_outer for n in joins), root.text
    return semi


# --------------------------------------------------------------------------- comparison


JOIN3 = ("SELECT c_name, o_orderkey, o_total, l_suppkey, l_qty FROM customer, orders, lineitem "
         "WHERE c_custkey = o_custkey AND o_orderkey = l_orderkey")


# --------------------------------------------------------------------------- pushed down


PUSHED = [
    # (id, extra WHERE condition, table it lands on, anti)
    ("in_orders", "o_orderkey IN (SELECT p_key FROM picks)", "orders", False),
    ("in_customer", "c_nationkey IN (SELECT p_key FROM picks_nn)", "customer", False),
    ("in_lineitem_with_nulls", "l_suppkey IN (SELECT p_key FROM picks)", "lineitem", False),
    ("exists_lineitem", "EXISTS (SELECT 1 FROM picks_nn WHERE p_key = l_suppkey)", "lineitem", False),
    ("exists_two_keys_one_input",
     "EXISTS (SELECT 1 FROM orders o2 WHERE o2.o_orderkey = orders.o_orderkey AND o2.o_custkey = orders.o_custkey)",
     "orders", False),
    ("not_exists_orders", "NOT EXISTS (SELECT 1 FROM picks WHERE p_key = o_custkey)", "orders", True),
    ("not_in_null_in_list", "o_orderkey NOT IN (SELECT p_key FROM picks)", "orders", True),
    ("not_in_outer_nulls", "o_custkey NOT IN (SELECT p_key FROM picks_nn)", "orders", True),
    ("not_in_customer_nationkey", "c_nationkey NOT IN (SELECT p_key FROM picks_nn)", "customer", True),
    ("not_in_empty", "l_suppkey NOT IN (SELECT p_key FROM nothing)", "lineitem", True),
    ("in_having", "o_orderkey IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING SUM(l_qty) > 30)",
     "orders", False),
]


@pytest.mark.parametrize("cond, table, anti", [p[1:] for p in PUSHED], ids=[p[0] for p in PUSHED])
def test_plain_equality_subquery_moves_below_inner_joins(db, duck, cond, table, anti):
    sql = f"{JOIN3} AND {cond}"
    assert_pushed_onto(plan_tree(db, sql), table, anti)
    check(db, duck, sql)


def test_results_hand_checked(db):
    # NOT IN over a list holding NULL: no row qualifies, pushed down or not
    assert db.sql(f"{JOIN3} AND o_orderkey NOT IN (SELECT p_key FROM picks)").fetchall() == []
    # NOT IN over an empty list keeps every row, NULL keys included
    all_rows = Counter(map(tuple, db.sql(JOIN3).fetchall()))
    kept = Counter(map(tuple, db.sql(f"{JOIN3} AND l_suppkey NOT IN (SELECT p_key FROM nothing)").fetchall()))
    assert kept == all_rows and any(r[3] is None for r in kept)
    # IN keeps exactly the rows whose key is listed, each once (duplicates in the list do not fan out)
    picked = Counter(map(tuple, db.sql(f"{JOIN3} AND o_orderkey IN (SELECT p_key FROM picks)").fetchall()))
    listed = {100, 101, 105, 150, 219}
    assert picked == Counter({r: n for r, n in all_rows.items() if r[1] in listed})
    assert picked


def test_two_subqueries_under_an_aggregate(db, duck):
    sql = ("SELECT c_nationkey, COUNT(*), SUM(l_qty) FROM customer JOIN orders ON c_custkey = o_custkey "
           "JOIN lineitem ON l_orderkey = o_orderkey "
           "WHERE o_orderkey IN (SELECT p_key FROM picks) AND NOT EXISTS "
           "(SELECT 1 FROM picks_nn WHERE picks_nn.p_key = lineitem.l_suppkey) GROUP BY c_nationkey")
    root = plan_tree(db, sql)
    semis = [n for n in root.walk() if is_semi_or_anti(n.label)]
    assert len(semis) == 2, root.text
    for s in semis:  # both land on a scan, below an inner join
        assert not any(is_join(n.label) for n in s.children[0].walk()), root.text
        assert any(is_inner(a.label) for a in s.ancestors()), root.text
    check(db, duck, sql)


def test_condition_reading_two_inputs_gives_correct_rows(db, duck):
    # the equalities read customer and orders: the semi join cannot go onto one scan
    sql = (f"{JOIN3} AND EXISTS (SELECT 1 FROM orders o2 WHERE o2.o_custkey = customer.c_custkey "
           "AND o2.o_orderkey = orders.o_orderkey + 1)")
    root = plan_tree(db, sql)
    semi = the_semi(root)
    assert any(is_join(n.label) for n in semi.children[0].walk()), root.text
    check(db, duck, sql)


# --------------------------------------------------------------------------- kept in place


@pytest.mark.parametrize("negated", [False, True], ids=["exists", "not_exists"])
def test_residual_subquery_stays_above_joins(db, duck, negated):
    # [NOT] EXISTS whose condition carries a residual <>: the semi / anti join stays on top
    sql = (f"{JOIN3} AND {'NOT ' if negated else ''}EXISTS (SELECT 1 FROM lineitem l2 "
           "WHERE l2.l_orderkey = lineitem.l_orderkey AND l2.l_suppkey <> lineitem.l_suppkey)")
    root = plan_tree(db, sql)
    semi = assert_kept_above(root)
    assert ("Anti" in semi.label) == negated
    if not negated:
        assert len([n for n in semi.children[0].walk() if is_inner(n.label)]) == 2, root.text
    check(db, duck, sql)


# --------------------------------------------------------------------------- outer joins


LEFT = "SELECT c_custkey, c_name, o_orderkey, o_total FROM customer LEFT JOIN orders ON c_custkey = o_custkey"


@pytest.mark.parametrize("cond", [
    "o_orderkey IN (SELECT p_key FROM picks_nn)",
    "o_orderkey NOT IN (SELECT p_key FROM picks_nn)",
    "NOT EXISTS (SELECT 1 FROM picks_nn WHERE p_key = o_orderkey)",
    "EXISTS (SELECT 1 FROM picks WHERE p_key = o_orderkey)",
    "c_custkey IN (SELECT p_key FROM picks_nn)",
    "NOT EXISTS (SELECT 1 FROM picks WHERE p_key = c_custkey)",
])
def test_semi_join_not_moved_into_left_join(db, duck, cond):
    sql = f"{LEFT} WHERE {cond}"
    root = plan_tree(db, sql)
    semi = assert_kept_above(root, is_left)
    left = next(n for n in semi.children[0].walk() if is_left(n.label))
    # the nullable side of the LEFT JOIN holds no semi/anti join
    assert not any(is_semi_or_anti(n.label) for n in left.walk() if n is not left), root.text
    got = check(db, duck, sql)
    if cond.startswith("NOT EXISTS (SELECT 1 FROM picks_nn"):
        # customers without orders come back NULL-extended, they are not dropped
        assert any(r[2] is None for r in got)
        assert all(r[2] not in {100, 101, 105, 150, 219} for r in got)


def test_left_join_under_inner_join_with_semi(db, duck):
    sql = ("SELECT c_name, o_orderkey, l_qty FROM customer JOIN orders ON c_custkey = o_custkey "
           "LEFT JOIN lineitem ON l_orderkey = o_orderkey AND l_qty > 5 "
           "WHERE l_suppkey NOT IN (SELECT p_key FROM picks_nn)")
    root = plan_tree(db, sql)
    semi = assert_kept_above(root, is_left)
    assert "Anti" in semi.label
    got = check(db, duck, sql)
    assert got and all(r[2] is not None for r in got)  # NULL-extended rows fail NOT IN
