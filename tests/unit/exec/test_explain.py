"""EXPLAIN / EXPLAIN VERBOSE / EXPLAIN ANALYZE text and STL_EXPLAIN rows (exec.explain, exec.cost).

Tables are made with real CREATE TABLE ... DISTSTYLE statements on a 2-node x 2-slice
cluster, so each join below gets the distribution attribute the Redshift rules give it.
"""

from __future__ import annotations

import doctest
import importlib
import re

import pyarrow as pa
import pytest

import columnar
from columnar.exec import cost
from columnar.exec.explain import analyze_text, explain_text, plan_nodes

MASK_TIME = re.compile(r"time: [0-9.]+ ms")


@pytest.fixture(scope="module")
def db():
    con = columnar.connect(nodes=2, slices_per_node=2)
    con.register("src", pa.table({"n": pa.array(range(1000), pa.int32())}))
    ddl = [
        "CREATE TABLE big_key (k INT, g INT, s VARCHAR(20)) DISTSTYLE KEY DISTKEY (k)",
        "CREATE TABLE mid_key (k INT, v INT) DISTSTYLE KEY DISTKEY (k)",
        "CREATE TABLE small_all (k INT, label VARCHAR(10)) DISTSTYLE ALL",
        "CREATE TABLE even_small (k INT, v INT) DISTSTYLE EVEN",
        "CREATE TABLE even_big (k INT, v INT) DISTSTYLE EVEN",
        "INSERT INTO big_key SELECT n, n % 10, 'name' || CAST(n AS VARCHAR) FROM src",
        "INSERT INTO mid_key SELECT n, n % 7 FROM src WHERE n < 200",
        "INSERT INTO small_all SELECT n, 'c' || CAST(n AS VARCHAR) FROM src WHERE n < 10",
        "INSERT INTO even_small SELECT n, n FROM src WHERE n < 100",
        "INSERT INTO even_big SELECT n, n % 100 FROM src",
    ]
    for stmt in ddl:
        con.execute(stmt)
    yield con
    con.close()


def lines(db, sql, **kw):
    return db.explain(sql, **kw).split("\n")


COST = r"  \(cost=\d+\.\d\d\.\.\d+\.\d\d rows=\d+ width=\d+\)$"


def parse_cost(line: str) -> tuple[float, float, int, int]:
    m = re.search(r"\(cost=([\d.]+)\.\.([\d.]+) rows=(\d+) width=(\d+)\)$", line)
    assert m, line
    return float(m.group(1)), float(m.group(2)), int(m.group(3)), int(m.group(4))


# --------------------------------------------------------------------------- scans


def test_scan_with_filter_is_one_node(db):
    out = lines(db, "SELECT * FROM big_key WHERE g = 3")
    assert out[0].startswith("XN Seq Scan on big_key  (cost=0.00..10.00 rows=100 width=")
    assert out[1] == "  Filter: (g = 3)"
    assert len(out) == 2  # no XN Network for the implicit send to the leader, no projection


def test_scan_cost_is_a_hundredth_of_table_rows_even_when_filtered(db):
    startup, total, rows, _ = parse_cost(lines(db, "SELECT k FROM big_key WHERE k > 10 AND g < 5")[0])
    assert (startup, total) == (0.0, 10.0)
    assert rows < 1000


def test_constants_print_in_sql_form(db):
    db.execute("CREATE TABLE IF NOT EXISTS dated (d DATE, m DECIMAL(10,2), s VARCHAR(8)) DISTSTYLE EVEN")
    out = lines(db, "SELECT * FROM dated WHERE d < DATE '1995-03-15' AND m > 0.05 AND s = 'it''s'")
    assert out[1] == "  Filter: (((d < '1995-03-15'::date) AND (m > 0.05)) AND (s = 'it''s'))"


def test_select_without_from_is_a_result(db):
    assert lines(db, "SELECT 1") == ["XN Result  (cost=0.00..0.01 rows=1 width=4)"]


# --------------------------------------------------------------------------- joins


JOINS = {
    "DS_DIST_NONE": ("SELECT big_key.g, mid_key.v FROM big_key JOIN mid_key ON big_key.k = mid_key.k",
                     "big_key", "mid_key"),
    "DS_DIST_ALL_NONE": ("SELECT * FROM big_key JOIN small_all ON big_key.g = small_all.k", "big_key", "small_all"),
    "DS_BCAST_INNER": ("SELECT * FROM even_big JOIN even_small ON even_big.v = even_small.v", "even_big", "even_small"),
    "DS_DIST_BOTH": ("SELECT * FROM even_small a JOIN even_small b ON a.v = b.k", "even_small a", "even_small b"),
    "DS_DIST_INNER": ("SELECT * FROM big_key JOIN even_small ON big_key.k = even_small.v", "big_key", "even_small"),
    "DS_DIST_OUTER": ("SELECT * FROM even_small JOIN mid_key ON even_small.v = mid_key.k", "even_small", "mid_key"),
    "DS_DIST_ALL_INNER": ("SELECT * FROM small_all JOIN even_small ON small_all.k = even_small.k",
                          "small_all", "even_small"),
}


@pytest.mark.parametrize("label", list(JOINS))
def test_join_shape(db, label):
    sql, outer, inner = JOINS[label]
    out = lines(db, sql)
    assert re.fullmatch(f"XN Hash Join {label}" + COST, out[0]), out[0]
    assert out[1].startswith('  Hash Cond: ("outer".')
    assert out[2].startswith(f"  ->  XN Seq Scan on {outer}  (cost=")
    assert out[3].startswith("  ->  XN Hash  (cost=")
    assert out[4].startswith(f"        ->  XN Seq Scan on {inner}  (cost=")
    assert len(out) == 5, "\n".join(out)  # the exchanges below the join are not shown
    hash_cost, inner_cost = parse_cost(out[3]), parse_cost(out[4])
    assert hash_cost[0] == hash_cost[1] == inner_cost[1]  # XN Hash: startup = total = its child's total


def test_whole_plan_format(db):
    assert db.explain(JOINS["DS_DIST_NONE"][0]) == "\n".join([
        "XN Hash Join DS_DIST_NONE  (cost=2.50..35.00 rows=1000 width=8)",
        '  Hash Cond: ("outer".k = "inner".k)',
        "  ->  XN Seq Scan on big_key  (cost=0.00..10.00 rows=1000 width=8)",
        "  ->  XN Hash  (cost=2.00..2.00 rows=200 width=8)",
        "        ->  XN Seq Scan on mid_key  (cost=0.00..2.00 rows=200 width=8)",
    ])


def test_network_costs_order_the_join_kinds(db):
    total = {label: parse_cost(lines(db, sql)[0])[1] for label, (sql, _, _) in JOINS.items()}
    assert total["DS_DIST_NONE"] < 1_000 and total["DS_DIST_ALL_NONE"] < 1_000
    # even_small (100 rows) broadcast to 2 nodes: 100 x 2 x NETWORK_ROW_COST
    assert total["DS_BCAST_INNER"] > 100 * 2 * cost.NETWORK_ROW_COST
    assert total["DS_DIST_INNER"] > 100 * cost.NETWORK_ROW_COST
    assert total["DS_DIST_BOTH"] > 200 * cost.NETWORK_ROW_COST


def test_broadcast_cost_reproduces_example_b(db):
    """Example B (AWS DG): an 8,798-row inner broadcast under a 172,456-row outer."""
    db.register("sales_b", pa.table({"eventid": pa.array([i % 8798 for i in range(172456)], pa.int32())}),
                diststyle="EVEN")
    db.register("event_b", pa.table({"eventid": pa.array(range(8798), pa.int32())}), diststyle="EVEN")
    out = lines(db, "SELECT * FROM sales_b JOIN event_b ON sales_b.eventid = event_b.eventid")
    assert out[0].startswith("XN Hash Join DS_BCAST_INNER  (cost=109.98..2815365714.80 rows=172456 ")
    assert out[2].startswith("  ->  XN Seq Scan on sales_b  (cost=0.00..1724.56 rows=172456 ")
    assert out[3].startswith("  ->  XN Hash  (cost=87.98..87.98 rows=8798 ")


def test_outer_join_and_nested_loop(db):
    out = lines(db, "SELECT * FROM big_key LEFT JOIN mid_key ON big_key.k = mid_key.k")
    assert out[0].startswith("XN Hash Left Join DS_DIST_NONE  (cost=")
    out = lines(db, "SELECT * FROM big_key CROSS JOIN even_small")
    assert out[0].startswith("XN Nested Loop DS_BCAST_INNER  (cost=")
    assert out[1].startswith("  ->  XN Seq Scan on big_key")
    assert out[2].startswith("  ->  XN Seq Scan on even_small")  # a nested loop's inner is not hashed


# --------------------------------------------------------------------------- ORDER BY, aggregates, LIMIT


def test_order_by_is_merge_network_sort(db):
    out = lines(db, "SELECT k, g FROM big_key ORDER BY g DESC, k")
    assert [re.sub(r"  \(cost=.*", "", x) for x in out] == [
        "XN Merge",
        "  Merge Key: g DESC, k",
        "  ->  XN Network",
        "        Send to leader",
        "        ->  XN Sort",
        "              Sort Key: g DESC, k",
        "              ->  XN Seq Scan on big_key",
    ]
    merge, network, sort, scan = (parse_cost(out[i]) for i in (0, 2, 4, 6))
    assert merge == network == sort  # Network and Merge show the sort's cost
    assert sort[0] >= 1e12 + scan[1] and sort[1] >= sort[0]
    assert scan[1] == 10.0


def test_limit_on_top(db):
    out = lines(db, "SELECT k FROM big_key ORDER BY k LIMIT 5")
    assert out[0].startswith("XN Limit  (cost=") and " rows=5 " in out[0]
    assert out[1].startswith("  ->  XN Merge  (cost=")
    out = lines(db, "SELECT k FROM big_key LIMIT 5")
    assert out[0].startswith("XN Limit  (cost=0.00..0.05 rows=5 ")
    assert out[1].startswith("  ->  XN Seq Scan on big_key")
    assert len(out) == 2


def test_scalar_aggregate(db):
    out = lines(db, "SELECT count(*) FROM even_big")
    assert re.fullmatch(r"XN Aggregate" + COST, out[0]), out[0]
    assert parse_cost(out[0])[2] == 1
    assert out[1].startswith("  ->  XN Seq Scan on even_big")
    assert len(out) == 2  # partial -> to leader -> final is one node


@pytest.mark.parametrize("table", ["big_key", "even_big"])  # one-phase and two-phase (AGG-DIST-AGG)
def test_grouped_aggregate_has_no_ds_label(db, table):
    out = lines(db, f"SELECT g_col, count(*) FROM (SELECT k % 10 AS g_col FROM {table}) t GROUP BY g_col"
                if table == "even_big" else f"SELECT k, count(*) FROM {table} GROUP BY k")
    assert re.fullmatch(r"XN HashAggregate" + COST, out[0]), out[0]
    assert parse_cost(out[0])[2] == 100  # 1000 rows / 10
    assert not any("DS_" in x or "Network" in x for x in out)


def test_aggregate_cost_follows_the_event_example(db):
    """AWS: HashAggregate (131.97..133.41 rows=576) over Seq Scan (0.00..87.98 rows=8798): +0.005/row, +0.0025/group."""
    startup, total, rows, _ = parse_cost(lines(db, "SELECT g, count(*) FROM big_key GROUP BY g")[0])
    assert (startup, total, rows) == (10.0 + 1000 * 0.005, 10.0 + 1000 * 0.005 + 100 * 0.0025, 100)


def test_having_is_a_filter_of_the_aggregate(db):
    out = lines(db, "SELECT g, count(*) FROM big_key GROUP BY g HAVING count(*) > 1")
    assert out[0].startswith("XN HashAggregate  (cost=")
    assert out[1].startswith("  Filter: (")


# --------------------------------------------------------------------------- VERBOSE


def test_verbose_sections(db):
    sql = JOINS["DS_DIST_INNER"][0].replace("*", "big_key.s")
    text = db.explain(sql, verbose=True)
    out = text.split("\n")
    heads = [x for x in out if x.endswith(":") and not x.startswith(" ")]
    assert heads[0] == "BOUND PLAN:"
    assert "after prune_columns:" in heads  # the scans lose unused columns
    assert heads[-2:] == ["PHYSICAL PLAN:", "QUERY PLAN:"]
    assert sum(x.startswith("unchanged: ") for x in out) <= 1
    physical = out[out.index("PHYSICAL PLAN:") + 1: out.index("QUERY PLAN:")]
    assert physical[0].startswith("XN Network  [LEADER]  (cost=")  # the final send to the leader is shown here
    assert any("XN Network Distribute (v)" in x and "[KEY(v)]" in x for x in physical)
    assert out[out.index("QUERY PLAN:") + 1:] == lines(db, sql)


def test_verbose_shows_aggregate_phases(db):
    out = lines(db, "SELECT v, count(*) FROM even_big GROUP BY v", verbose=True)
    physical = "\n".join(out[out.index("PHYSICAL PLAN:"): out.index("QUERY PLAN:")])
    assert "XN HashAggregate (partial)" in physical and "XN HashAggregate (final)" in physical


# --------------------------------------------------------------------------- ANALYZE


def test_analyze_rows_per_slice(db):
    out = lines(db, "SELECT * FROM even_big", analyze=True)
    assert out[0].startswith("XN Seq Scan on even_big  (cost=0.00..10.00 rows=1000 ")
    assert re.fullmatch(r"  rows out: 1000 \(per slice: 250, 250, 250, 250\)  time: [0-9.]+ ms", out[1]), out[1]
    assert out[2].startswith("  to leader: 1000 rows (")
    assert out[-1].startswith("Total: 1000 rows returned; redistributed 0 rows")


def test_analyze_key_table_matches_storage(db):
    per_slice = db.session.catalog.get("big_key").rows_per_slice()
    out = lines(db, "SELECT k FROM big_key", analyze=True)
    assert MASK_TIME.sub("time: X ms", out[1]) == f"  rows out: 1000 (per slice: {', '.join(map(str, per_slice))})  time: X ms"


def test_analyze_reports_what_hidden_exchanges_moved(db):
    out = lines(db, JOINS["DS_DIST_INNER"][0], analyze=True)
    assert out[0].startswith("XN Hash Join DS_DIST_INNER")
    assert any(x.startswith("  redistributed: 100 rows (") for x in out)  # even_small moved to big_key's distribution
    out = lines(db, JOINS["DS_BCAST_INNER"][0], analyze=True)
    assert any(x.startswith("  broadcast: 100 rows (") for x in out)
    hash_at = next(i for i, x in enumerate(out) if "XN Hash  (" in x)
    assert out[hash_at + 1].startswith("        rows out: 100 (a copy on every node)")


def test_explain_does_not_run_the_query_but_analyze_does(db):
    sql = "SELECT k / (k - k) FROM big_key"  # division by zero at run time only
    assert db.explain(sql).startswith("XN Seq Scan on big_key")
    assert db.sql("EXPLAIN " + sql).metrics.rows_scanned == 0
    with pytest.raises(columnar.DataError):
        db.explain(sql, analyze=True)


def test_explain_rejects_ddl(db):
    with pytest.raises(columnar.ProgrammingError):
        db.execute("EXPLAIN CREATE TABLE nope (a INT)")
    assert not db.session.catalog.exists("nope")


# --------------------------------------------------------------------------- direct API


def _last_plan(db, sql):
    db.sql(sql)
    rec = db.session.querylog.records[-1]
    return rec.plan, rec.steps


def test_plan_nodes(db):
    plan, _ = _last_plan(db, JOINS["DS_DIST_NONE"][0])
    assert plan_nodes(plan, db.topology) == [
        (1, 0, "XN Hash Join DS_DIST_NONE(cost=2.50..35.00 rows=1000 width=8)", 'Hash Cond: ("outer".k = "inner".k)'),
        (2, 1, "XN Seq Scan on big_key(cost=0.00..10.00 rows=1000 width=8)", ""),
        (3, 1, "XN Hash(cost=2.00..2.00 rows=200 width=8)", ""),
        (4, 3, "XN Seq Scan on mid_key(cost=0.00..2.00 rows=200 width=8)", ""),
    ]
    plan, _ = _last_plan(db, "SELECT k FROM big_key WHERE g = 1 ORDER BY k")
    rows = plan_nodes(plan)
    assert [(i, p) for i, p, _, _ in rows] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert rows[1][3] == "Send to leader" and rows[3][3] == "Filter: (g = 1)"


def test_text_is_deterministic(db):
    plan, steps = _last_plan(db, JOINS["DS_BCAST_INNER"][0])
    assert explain_text(plan, db.topology) == explain_text(plan, db.topology) == db.explain(JOINS["DS_BCAST_INNER"][0])
    a = MASK_TIME.sub("", analyze_text(plan, steps, db.topology))
    assert a == MASK_TIME.sub("", analyze_text(plan, steps, db.topology))


def test_broadcast_cost_scales_with_nodes():
    def bcast_total(nodes):
        con = columnar.connect(nodes=nodes, slices_per_node=1)
        con.register("src", pa.table({"n": pa.array(range(1000), pa.int32())}))
        con.execute("CREATE TABLE o (v INT) DISTSTYLE EVEN")
        con.execute("CREATE TABLE i (v INT) DISTSTYLE EVEN")
        con.execute("INSERT INTO o SELECT n FROM src")
        con.execute("INSERT INTO i SELECT n FROM src WHERE n < 10")
        first = con.explain("SELECT * FROM o JOIN i ON o.v = i.v").split("\n")[0]
        assert "DS_BCAST_INNER" in first
        return parse_cost(first)[1]

    assert bcast_total(4) - bcast_total(2) == pytest.approx(10 * 2 * cost.NETWORK_ROW_COST)


@pytest.mark.parametrize("name", ["cost", "explain"])
def test_doctests(name):
    module = importlib.import_module(f"columnar.exec.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
