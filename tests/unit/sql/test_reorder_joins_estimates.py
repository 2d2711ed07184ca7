"""The reorder_joins rule with and without ANALYZE statistics, end to end.

With statistics on every input, a filtered dimension hanging from exactly one
other (not the largest) input is joined into it first (``supplier`` with
``nation WHERE n_name = 'FRANCE'``; chains ``region -> nation -> supplier``
fold up), and the rest is ordered greedily on estimated rows. Without
statistics (or with an input not analyzed) the FROM-order rules stay.

Assertions are on the *shape* of EXPLAIN (which scans sit under which join),
never on costs or row estimates; results are compared with DuckDB.
"""

from __future__ import annotations

import random

import pytest

import columnar

from small_tables import duckdb_with, load_table, same_rows as check
from explain_tree import Node, is_join, plan_tree

pytest.importorskip("duckdb")

NATIONS = ["ALGERIA", "ARGENTINA", "BRAZIL", "CANADA", "EGYPT", "ETHIOPIA", "FRANCE", "GERMANY", "INDIA",
           "INDONESIA", "IRAN", "IRAQ", "JAPAN", "JORDAN", "KENYA", "MOROCCO", "MOZAMBIQUE", "PERU", "CHINA",
           "ROMANIA", "SAUDI ARABIA", "VIETNAM", "RUSSIA", "UNITED KINGDOM", "UNITED STATES"]
REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]


def _data():
    rnd = random.Random(7)
    region = [(i, name) for i, name in enumerate(REGIONS)]
    nation = [(i, name, i % 5) for i, name in enumerate(NATIONS)]
    supplier = [(s, f"Supplier#{s:03d}", s % 25) for s in range(1, 101)]
    part = [(p, f"part{p}", p % 50) for p in range(1, 201)]
    partsupp = [(p, (p + 25 * j) % 100 + 1, rnd.randint(1, 1000)) for p in range(1, 201) for j in range(4)]
    customer = [(c, f"Customer#{c:03d}", rnd.randrange(25)) for c in range(1, 301)]
    orders = [(o, rnd.randint(1, 300)) for o in range(1, 751)]
    lineitem = []
    for i in range(3000):
        o = rnd.randint(1, 750)
        p = rnd.randint(1, 200)
        s = (p + 25 * rnd.randrange(4)) % 100 + 1  # a supplier of that part (as in TPC-H)
        if i % 97 == 0:
            s = None
        lineitem.append((o, p, s, rnd.randint(1, 50)))
    return {
        "region": ("r_regionkey INT, r_name VARCHAR(25)", region, "DISTSTYLE ALL"),
        "nation": ("n_nationkey INT, n_name VARCHAR(25), n_regionkey INT", nation, "DISTSTYLE ALL"),
        "supplier": ("s_suppkey INT, s_name VARCHAR(25), s_nationkey INT", supplier, "DISTKEY (s_suppkey)"),
        "part": ("p_partkey INT, p_name VARCHAR(25), p_size INT", part, "DISTKEY (p_partkey)"),
        "partsupp": ("ps_partkey INT, ps_suppkey INT, ps_supplycost INT", partsupp, "DISTKEY (ps_partkey)"),
        "customer": ("c_custkey INT, c_name VARCHAR(25), c_nationkey INT", customer, "DISTKEY (c_custkey)"),
        "orders": ("o_orderkey INT, o_custkey INT", orders, "DISTKEY (o_orderkey)"),
        "lineitem": ("l_orderkey INT, l_partkey INT, l_suppkey INT, l_quantity INT", lineitem,
                     "DISTKEY (l_orderkey)"),
    }


DATA = _data()


def _load(analyze=(), nodes=2, slices=2):
    db = columnar.connect(nodes=nodes, slices_per_node=slices)
    for table, (cols, rows, dist) in DATA.items():
        load_table(db, table, cols, rows, dist)
    for table in analyze:
        db.execute(f"ANALYZE {table}")
    return db


@pytest.fixture(scope="module")
def duck():
    con = duckdb_with(DATA)
    yield con
    con.close()


@pytest.fixture(scope="module")
def stats_db():
    db = _load(analyze=list(DATA))
    yield db
    db.close()


@pytest.fixture(scope="module")
def plain_db():
    db = _load()
    yield db
    db.close()


@pytest.fixture(scope="module")
def partial_db():
    db = _load(analyze=[t for t in DATA if t not in ("nation", "region")])
    yield db
    db.close()


# --------------------------------------------------------------------------- EXPLAIN shape


def joins(root: Node) -> list[Node]:
    return [n for n in root.walk() if is_join(n.label)]


def smallest_join_over(root: Node, tables: set) -> Node:
    """The deepest join whose subtree scans all of ``tables``."""
    found = [j for j in joins(root) if tables <= j.scans()]
    assert found, root.text
    return max(found, key=lambda j: j.depth)


def first_joined(root: Node, table: str) -> set:
    """The scans of the deepest join that involves ``table`` (the table it was
    joined with first, plus itself)."""
    return smallest_join_over(root, {table}).scans()


Q_FRANCE = ("SELECT s_name, SUM(l_quantity) FROM {from_} WHERE l_suppkey = s_suppkey "
            "AND s_nationkey = n_nationkey AND n_name = 'FRANCE' GROUP BY s_name")


# --------------------------------------------------------------------------- with statistics


@pytest.mark.parametrize("from_", ["lineitem, supplier, nation", "nation, supplier, lineitem",
                                   "supplier, lineitem, nation", "nation, lineitem, supplier"])
def test_filtered_subdimension_joins_its_dimension_first(stats_db, duck, from_):
    sql = Q_FRANCE.format(from_=from_)
    root = plan_tree(stats_db, sql)
    pair = smallest_join_over(root, {"supplier", "nation"})
    assert pair.scans() == {"supplier", "nation"}, root.text  # a nested join under the fact's join
    top = smallest_join_over(root, {"lineitem", "supplier", "nation"})
    assert pair in list(top.walk()) and pair is not top, root.text
    assert len(joins(root)) == 2, root.text
    got = check(stats_db, duck, sql)
    assert got  # FRANCE (nation 6) has suppliers 6, 31, 56, 81


def test_chain_region_nation_supplier_folds_up(stats_db, duck):
    sql = ("SELECT n_name, COUNT(*), SUM(l_quantity) FROM lineitem, supplier, nation, region "
           "WHERE l_suppkey = s_suppkey AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey "
           "AND r_name = 'EUROPE' GROUP BY n_name")
    root = plan_tree(stats_db, sql)
    assert smallest_join_over(root, {"nation", "region"}).scans() == {"nation", "region"}, root.text
    assert smallest_join_over(root, {"supplier", "region"}).scans() == {"supplier", "nation", "region"}, root.text
    # lineitem is joined last, to the folded chain
    assert first_joined(root, "lineitem") == {"lineitem", "supplier", "nation", "region"}, root.text
    got = check(stats_db, duck, sql)
    assert len(got) == 5  # the five nations of region 3


def test_satellite_of_the_largest_input_is_not_merged(stats_db, duck):
    # part hangs from lineitem (the largest input): ordered greedily, not merged.
    # Its selective filter makes it the first join, whatever the FROM order.
    for from_ in ("lineitem, supplier, part", "lineitem, part, supplier", "supplier, part, lineitem"):
        sql = (f"SELECT s_name, p_name, l_quantity FROM {from_} WHERE l_suppkey = s_suppkey "
               "AND l_partkey = p_partkey AND p_size = 7")
        root = plan_tree(stats_db, sql)
        assert first_joined(root, "part") == {"lineitem", "part"}, root.text
        assert first_joined(root, "supplier") == {"lineitem", "part", "supplier"}, root.text
        check(stats_db, duck, sql)


def test_five_way_join_with_two_links_to_one_input(stats_db, plain_db, duck):
    # Q5's shape: c_nationkey = s_nationkey and l_suppkey = s_suppkey both reach supplier
    sql = ("SELECT n_name, SUM(l_quantity) FROM customer, orders, lineitem, supplier, nation, region "
           "WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND l_suppkey = s_suppkey "
           "AND c_nationkey = s_nationkey AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey "
           "AND r_name = 'ASIA' GROUP BY n_name")
    for db in (stats_db, plain_db):
        root = plan_tree(db, sql)
        assert len(joins(root)) == 5, root.text
        got = check(db, duck, sql)
        assert got


# --------------------------------------------------------------------------- without statistics


def test_without_analyze_filtered_nation_is_joined_last(plain_db, duck):
    for from_ in ("lineitem, supplier, nation", "nation, supplier, lineitem"):
        sql = Q_FRANCE.format(from_=from_)
        root = plan_tree(plain_db, sql)
        # left-deep from the largest input: (lineitem JOIN supplier) JOIN nation
        assert first_joined(root, "lineitem") == {"lineitem", "supplier"}, root.text
        assert first_joined(root, "nation") == {"lineitem", "supplier", "nation"}, root.text
        check(plain_db, duck, sql)


def test_without_analyze_from_order_decides(plain_db, duck):
    # both dimensions are joined to lineitem by an equality: the one written first comes first
    for first, second in (("supplier", "part"), ("part", "supplier")):
        sql = (f"SELECT s_name, p_name, l_quantity FROM lineitem, {first}, {second} WHERE l_suppkey = s_suppkey "
               "AND l_partkey = p_partkey AND p_size = 7")
        root = plan_tree(plain_db, sql)
        assert first_joined(root, first) == {"lineitem", first}, root.text
        assert first_joined(root, second) == {"lineitem", "supplier", "part"}, root.text
        check(plain_db, duck, sql)


def test_one_input_without_statistics_keeps_the_rules(partial_db, duck):
    # nation is not analyzed: no satellite merge, the FROM-order rules apply
    sql = Q_FRANCE.format(from_="nation, supplier, lineitem")
    root = plan_tree(partial_db, sql)
    assert first_joined(root, "lineitem") == {"lineitem", "supplier"}, root.text
    assert first_joined(root, "nation") == {"lineitem", "supplier", "nation"}, root.text
    check(partial_db, duck, sql)


# --------------------------------------------------------------------------- composite keys


COMPOSITE = [
    "SELECT l_orderkey, l_partkey, l_suppkey, ps_supplycost FROM lineitem, partsupp "
    "WHERE l_partkey = ps_partkey AND l_suppkey = ps_suppkey",
    "SELECT n_name, SUM(l_quantity * ps_supplycost), COUNT(*) FROM lineitem, partsupp, supplier, nation "
    "WHERE l_partkey = ps_partkey AND l_suppkey = ps_suppkey AND s_suppkey = l_suppkey "
    "AND s_nationkey = n_nationkey GROUP BY n_name",
    "SELECT p_name, s_name, ps_supplycost FROM part, partsupp, supplier, nation "
    "WHERE p_partkey = ps_partkey AND s_suppkey = ps_suppkey AND s_nationkey = n_nationkey "
    "AND n_name = 'GERMANY' AND p_size < 10",
    "SELECT l_orderkey, ps_supplycost FROM lineitem JOIN partsupp ON l_suppkey = ps_suppkey "
    "AND l_partkey = ps_partkey AND ps_supplycost > l_quantity * 10",
]


@pytest.mark.parametrize("sql", COMPOSITE, ids=["pair", "with_dims", "partsupp_center", "residual"])
def test_composite_key_join(stats_db, plain_db, duck, sql):
    for db in (stats_db, plain_db):
        root = plan_tree(db, sql)
        ps_join = smallest_join_over(root, {"partsupp"})
        assert "ps_partkey" in root.text and "ps_suppkey" in root.text
        assert ps_join is not None
        got = check(db, duck, sql)
        assert got


def test_composite_key_join_is_one_hash_join_on_both_keys(stats_db, duck):
    sql = COMPOSITE[0]
    lines = [r[0] for r in stats_db.sql("EXPLAIN " + sql).fetchall()]
    conds = [line for line in lines if "Hash Cond:" in line]
    assert len(conds) == 1, lines
    assert "partkey" in conds[0] and "suppkey" in conds[0] and " AND " in conds[0], lines
    got = check(stats_db, duck, sql)
    # every lineitem row with a non-NULL supplier matches exactly one partsupp row
    assert sum(got.values()) == sum(1 for r in DATA["lineitem"][1] if r[2] is not None)


@pytest.mark.parametrize("shape", [(1, 1), (2, 2)])
def test_composite_key_join_cluster_shapes(duck, shape):
    db = _load(analyze=["lineitem", "partsupp"], nodes=shape[0], slices=shape[1])
    try:
        check(db, duck, COMPOSITE[0])
        check(db, duck, COMPOSITE[3])
    finally:
        db.close()
