"""Query shapes over TPC-H for the differential and invariance tests, and the
22 TPC-H queries (``QUERIES``, read from ``benchmarks/tpch/queries``: the TPC-H
text with its validation parameters; every outer ORDER BY ends on a unique key
or orders equal rows, so results can be compared row by row).
"""

from __future__ import annotations

from benchmarks.tpch import queries

# The 22 TPC-H queries themselves live in benchmarks/tpch/queries (one source for
# tests and benchmarks).
QUERIES: dict[str, str] = queries()


# --------------------------------------------------------------------------- query shapes
#
# Small queries over TPC-H, each exercising one construct of the core SQL surface. ``sql``
# is Redshift SQL, run by columnar; ``duck`` is a hand-written DuckDB version where
# ``sqlglot.transpile(sql, read="redshift", write="duckdb")`` does not carry Redshift's
# semantics (integer division and integer AVG); ``None`` means "transpile".


class Shape:
    """One differential query: Redshift SQL plus, where needed, its DuckDB twin."""

    __slots__ = ("name", "sql", "duck")

    def __init__(self, name: str, sql: str, duck: str | None = None):
        self.name = name
        # one line (readable in test ids and failures); -- comment lines dropped first
        sql = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
        self.sql = " ".join(sql.split())
        self.duck = " ".join(duck.split()) if duck else None

    def __repr__(self) -> str:
        return f"Shape({self.name!r})"


SHAPES: list[Shape] = [
    # scans, filters, projections
    Shape("scan_filter",
          "SELECT l_orderkey, l_linenumber, l_quantity, l_discount FROM lineitem "
          "WHERE l_quantity > 45 AND l_discount = 0.05"),
    Shape("decimal_arithmetic",
          "SELECT l_orderkey, l_linenumber, l_extendedprice * (1 - l_discount) AS disc_price, "
          "l_extendedprice * (1 - l_discount) * (1 + l_tax) AS charge, l_quantity + l_tax, "
          "l_extendedprice - l_quantity FROM lineitem WHERE l_orderkey < 300"),
    Shape("mixed_arithmetic",
          "SELECT p_partkey, p_retailprice * p_size, p_retailprice + p_size, p_size * 2 - 1, -p_size "
          "FROM part WHERE p_partkey < 150"),
    Shape("integer_division",
          "SELECT ps_partkey, ps_suppkey, ps_availqty / 7, ps_availqty % 7 FROM partsupp WHERE ps_partkey < 60",
          "SELECT ps_partkey, ps_suppkey, ps_availqty // 7, ps_availqty % 7 FROM partsupp WHERE ps_partkey < 60"),
    Shape("decimal_division",
          "SELECT l_orderkey, l_linenumber, l_extendedprice / l_quantity FROM lineitem WHERE l_orderkey < 100"),
    Shape("case_when",
          "SELECT o_orderkey, CASE WHEN o_totalprice > 300000 THEN 'high' WHEN o_totalprice > 100000 "
          "THEN 'mid' ELSE 'low' END AS band, CASE o_orderstatus WHEN 'F' THEN 1 WHEN 'O' THEN 2 END "
          "FROM orders WHERE o_orderkey < 1000"),
    Shape("casts",
          "SELECT o_orderkey, CAST(o_custkey AS INTEGER), o_orderdate::varchar, "
          "CAST(o_totalprice AS DECIMAL(18,4)), o_shippriority::bigint + 1, CAST(o_orderdate AS TIMESTAMP) "
          "FROM orders WHERE o_orderkey < 500"),
    Shape("coalesce_nvl",
          "SELECT c_custkey, COALESCE(o_orderkey, -1) AS okey, NVL(o_totalprice, 0) AS price, "
          "NVL(o_comment, 'none', 'x') FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
          "AND o_orderdate < DATE '1992-03-01' WHERE c_custkey < 120"),
    Shape("like_ilike",
          "SELECT p_partkey, p_name, p_type FROM part WHERE p_name LIKE '%green%' AND p_type ILIKE '%brass'"),
    Shape("not_like_underscore",
          "SELECT p_partkey, p_type FROM part WHERE p_type NOT LIKE 'PROMO%' AND p_name LIKE '_o%' "
          "AND p_partkey < 400"),
    Shape("in_list_between",
          "SELECT o_orderkey, o_orderpriority, o_orderdate FROM orders "
          "WHERE o_orderpriority IN ('1-URGENT', '2-HIGH') "
          "AND o_orderdate BETWEEN DATE '1995-01-01' AND DATE '1995-01-31'"),
    Shape("not_in_not_between",
          "SELECT s_suppkey, s_nationkey FROM supplier WHERE s_nationkey NOT IN (1, 2, 3, 4, 5) "
          "AND s_acctbal NOT BETWEEN 0 AND 5000"),
    Shape("is_null_anti_join",
          "SELECT c_custkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey WHERE o_orderkey IS NULL"),
    Shape("concat",
          "SELECT s_suppkey, s_name || ' / ' || n_name AS label FROM supplier JOIN nation "
          "ON s_nationkey = n_nationkey WHERE s_suppkey <= 30"),
    Shape("boolean_expressions",
          "SELECT o_orderkey, o_totalprice > 100000 AND o_orderstatus = 'F', "
          "NOT (o_shippriority = 0) OR o_orderkey < 10 FROM orders WHERE o_orderkey < 200"),
    # dates
    Shape("date_interval",
          "SELECT o_orderkey, o_orderdate + INTERVAL '1 month' AS next_month, o_orderdate + 7 AS next_week, "
          "o_orderdate - INTERVAL '1 day' FROM orders "
          "WHERE o_orderdate >= DATE '1996-01-27' AND o_orderdate < DATE '1996-02-03'"),
    Shape("date_range",
          "SELECT COUNT(*), SUM(l_quantity) FROM lineitem WHERE l_shipdate >= DATE '1994-01-01' "
          "AND l_shipdate < DATE '1994-01-01' + INTERVAL '1 year'"),
    Shape("date_difference",
          "SELECT l_receiptdate - l_shipdate AS transit, COUNT(*) FROM lineitem GROUP BY l_receiptdate - l_shipdate"),
    Shape("extract_group",
          "SELECT EXTRACT(year FROM o_orderdate) AS y, EXTRACT(quarter FROM o_orderdate) AS q, COUNT(*), "
          "SUM(o_totalprice) FROM orders GROUP BY 1, 2"),
    Shape("extract_parts",
          "SELECT o_orderkey, EXTRACT(dow FROM o_orderdate), EXTRACT(doy FROM o_orderdate), "
          "EXTRACT(month FROM o_orderdate), EXTRACT(day FROM o_orderdate) FROM orders WHERE o_orderkey < 300"),
    # joins
    Shape("inner_join",
          "SELECT o_orderkey, c_name, c_mktsegment FROM orders JOIN customer ON o_custkey = c_custkey "
          "WHERE o_orderkey < 600"),
    Shape("left_join_count",
          "SELECT c_custkey, COUNT(o_orderkey), SUM(o_totalprice) FROM customer LEFT JOIN orders "
          "ON c_custkey = o_custkey GROUP BY c_custkey"),
    Shape("right_join",
          "SELECT n_name, s_suppkey FROM supplier RIGHT JOIN nation ON s_nationkey = n_nationkey "
          "AND s_acctbal > 9000"),
    Shape("full_join",
          "SELECT n.n_nationkey, s.s_suppkey FROM (SELECT n_nationkey FROM nation WHERE n_nationkey < 15) AS n "
          "FULL JOIN (SELECT s_suppkey, s_nationkey FROM supplier WHERE s_acctbal > 5000) AS s "
          "ON n.n_nationkey = s.s_nationkey"),
    Shape("cross_join_small",
          "SELECT r_regionkey, n_nationkey, r_name FROM region CROSS JOIN nation"),
    Shape("comma_join",
          "SELECT n_name, r_name FROM nation, region WHERE n_regionkey = r_regionkey"),
    Shape("join_non_equi_condition",
          "SELECT o_orderkey, l_linenumber, l_shipdate FROM orders JOIN lineitem ON o_orderkey = l_orderkey "
          "AND l_shipdate > o_orderdate + 100 WHERE o_orderkey < 3000"),
    Shape("self_join",
          "SELECT a.n_name, b.n_name FROM nation a JOIN nation b ON a.n_regionkey = b.n_regionkey "
          "AND a.n_nationkey < b.n_nationkey"),
    Shape("multi_key_join",
          "SELECT l_orderkey, l_linenumber, ps_availqty FROM lineitem JOIN partsupp "
          "ON l_partkey = ps_partkey AND l_suppkey = ps_suppkey WHERE l_orderkey < 400"),
    Shape("three_way_join_group",
          "SELECT r_name, COUNT(*) AS suppliers, SUM(s_acctbal) FROM supplier, nation, region "
          "WHERE s_nationkey = n_nationkey AND n_regionkey = r_regionkey GROUP BY r_name"),
    Shape("join_lineitem_orders_group",
          "SELECT o_orderpriority, COUNT(*), SUM(l_extendedprice) FROM orders JOIN lineitem "
          "ON o_orderkey = l_orderkey WHERE l_commitdate < l_receiptdate GROUP BY o_orderpriority"),
    # grouping and aggregates
    Shape("group_by_names",
          "SELECT l_returnflag, l_linestatus, COUNT(*), SUM(l_quantity), MIN(l_shipdate), MAX(l_discount) "
          "FROM lineitem GROUP BY l_returnflag, l_linestatus"),
    Shape("group_by_positions",
          "SELECT o_orderstatus, o_orderpriority, COUNT(*) FROM orders GROUP BY 1, 2"),
    Shape("group_by_expression",
          "SELECT l_quantity > 25 AS big, l_shipmode, COUNT(*) FROM lineitem GROUP BY l_quantity > 25, l_shipmode"),
    Shape("having",
          "SELECT o_custkey, COUNT(*), SUM(o_totalprice) FROM orders GROUP BY o_custkey HAVING COUNT(*) > 20"),
    Shape("count_distinct",
          "SELECT l_returnflag, COUNT(DISTINCT l_suppkey), COUNT(DISTINCT l_partkey), COUNT(*) "
          "FROM lineitem GROUP BY l_returnflag"),
    Shape("decimal_aggregates",
          "SELECT SUM(l_extendedprice), MIN(l_discount), MAX(l_tax), AVG(l_quantity), AVG(l_extendedprice), "
          "COUNT(l_tax) FROM lineitem"),
    Shape("avg_integer",
          "SELECT p_mfgr, AVG(p_size), MIN(p_size), MAX(p_size), AVG(p_retailprice) FROM part GROUP BY p_mfgr",
          "SELECT p_mfgr, CAST(TRUNC(AVG(p_size)) AS BIGINT), MIN(p_size), MAX(p_size), AVG(p_retailprice) "
          "FROM part GROUP BY p_mfgr"),
    Shape("min_max_strings_dates",
          "SELECT MIN(o_orderdate), MAX(o_orderdate), MIN(o_clerk), MAX(o_comment), MIN(o_orderpriority) "
          "FROM orders"),
    Shape("empty_aggregate",
          "SELECT COUNT(*), SUM(l_quantity), MAX(l_shipdate) FROM lineitem WHERE l_quantity > 1000"),
    # ordering and limits
    Shape("order_by_desc_nulls_first",
          "SELECT c_custkey, MAX(o_orderdate) AS last_order FROM customer LEFT JOIN orders "
          "ON c_custkey = o_custkey WHERE c_custkey <= 80 GROUP BY c_custkey "
          "ORDER BY last_order DESC NULLS FIRST, c_custkey"),
    Shape("order_by_desc_default_nulls",
          "SELECT c_custkey, MAX(o_orderdate) AS last_order FROM customer LEFT JOIN orders "
          "ON c_custkey = o_custkey WHERE c_custkey <= 80 GROUP BY c_custkey ORDER BY last_order DESC, c_custkey",
          # Redshift: NULL is the largest value, so DESC puts NULLs first
          "SELECT c_custkey, MAX(o_orderdate) AS last_order FROM customer LEFT JOIN orders "
          "ON c_custkey = o_custkey WHERE c_custkey <= 80 GROUP BY c_custkey "
          "ORDER BY last_order DESC NULLS FIRST, c_custkey"),
    Shape("order_by_asc_nulls_last",
          "SELECT c_custkey, MIN(o_totalprice) AS cheapest FROM customer LEFT JOIN orders "
          "ON c_custkey = o_custkey WHERE c_custkey <= 80 GROUP BY c_custkey "
          "ORDER BY cheapest ASC NULLS LAST, c_custkey"),
    Shape("order_limit_offset",
          "SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice DESC, o_orderkey LIMIT 10 OFFSET 5"),
    Shape("top",
          "SELECT TOP 7 c_custkey, c_acctbal FROM customer ORDER BY c_acctbal DESC, c_custkey"),
    Shape("distinct",
          "SELECT DISTINCT l_shipmode, l_returnflag FROM lineitem"),
    # subqueries in FROM, SELECT without FROM
    Shape("subquery_from",
          "SELECT big.o_custkey, big.total FROM (SELECT o_custkey, SUM(o_totalprice) AS total FROM orders "
          "GROUP BY o_custkey) AS big WHERE big.total > 2500000"),
    Shape("subquery_column_aliases",
          "SELECT nation_name, region FROM (SELECT n_name, n_regionkey FROM nation) AS x (nation_name, region) "
          "WHERE region = 2"),
    Shape("select_without_from",
          "SELECT 1 + 2, 'x' || 'y', DATE '2024-01-31' + INTERVAL '1 month', 7 / 2, 1.50 * 2",
          "SELECT 1 + 2, 'x' || 'y', DATE '2024-01-31' + INTERVAL '1 month', 7 // 2, 1.50 * 2"),
]
