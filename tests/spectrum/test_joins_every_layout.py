"""An external table joins local tables under every DISTSTYLE and cluster shape: the rows
read from the lake enter the cluster spread over the slices (like EVEN), and the planner
moves what the join needs. The answers never change."""

from __future__ import annotations

import pytest

import columnar

LAYOUTS = {
    "key": "DISTSTYLE KEY DISTKEY (c_id)",
    "even": "DISTSTYLE EVEN",
    "all": "DISTSTYLE ALL",
    "auto": "",
}
QUERY = """SELECT c.region, COUNT(*), SUM(s.amount)
           FROM lake.sales s JOIN cust c ON s.c_id = c.c_id
           WHERE s.y = 2021 GROUP BY c.region ORDER BY c.region"""


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("lake")
    with columnar.connect() as db:
        db.sql("CREATE TABLE d (x INT)")
        db.sql("INSERT INTO d VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
        db.sql(f"UNLOAD ('SELECT a.x * 10 + b.x AS c_id, (a.x * 10 + b.x) * 3 AS amount, 2020 + b.x % 3 AS y "
               f"FROM d a, d b') TO '{root}/sales/' FORMAT PARQUET PARTITION BY (y)")
    return root


@pytest.mark.parametrize("nodes, slices", [(1, 1), (2, 2), (3, 2)])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_join_with_a_local_table(lake, layout, nodes, slices):
    with columnar.connect(nodes=nodes, slices_per_node=slices) as db:
        db.sql(f"CREATE TABLE cust (c_id INT, region VARCHAR(8)) {LAYOUTS[layout]}")
        db.sql("INSERT INTO cust SELECT a.x * 10 + b.x, CASE WHEN b.x < 5 THEN 'north' ELSE 'south' END "
               "FROM (SELECT 0 x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
               "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a, "
               "(SELECT 0 x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
               "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b")
        db.sql("CREATE EXTERNAL SCHEMA lake FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default")
        db.sql(f"CREATE EXTERNAL TABLE lake.sales (c_id INT, amount INT) PARTITIONED BY (y INT) "
               f"STORED AS PARQUET LOCATION '{lake}/sales/'")
        db.sql("MSCK REPAIR TABLE lake.sales")
        db.sql("CREATE TABLE local_sales AS SELECT c_id, amount, y FROM lake.sales")
        r = db.sql(QUERY)
        assert r.fetchall() == db.sql(QUERY.replace("lake.sales", "local_sales")).fetchall()
        assert r.metrics.partitions_scanned == 1 and r.metrics.partitions_pruned == 2
        plan = db.explain(QUERY)
        assert "XN S3 Query Scan s" in plan and "Hash Join DS_" in plan
