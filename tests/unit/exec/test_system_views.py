"""System views, through SQL: placement (STV_SLICES, STV_TBL_PERM), the table summary
(SVV_TABLE_INFO) and the query log (STL_QUERY, SVL_QUERY_REPORT / SUMMARY, STL_SCAN).

Reference: ``redshift_spectrum_semantics.md`` §1, §4 and checklist items 1-7, 17, 30.
"""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

import columnar
from columnar.exec import system_views_relation, system_views_storage

N_ROWS = 101


def _connect(**kw):
    return columnar.connect(**kw)


def _slice_rows(db, table: str) -> dict[int, int]:
    rows = db.sql(f"SELECT slice, rows FROM stv_tbl_perm WHERE TRIM(name) = '{table}' ORDER BY slice").fetchall()
    return dict(rows)


def _last_query(db, like: str) -> int:
    return db.sql(f"SELECT MAX(query) FROM stl_query WHERE querytxt LIKE '{like}'").fetchone()[0]


def _labels(db, query: int) -> list[str]:
    rows = db.sql(f"SELECT label FROM svl_query_summary WHERE query = {query} ORDER BY seg, step").fetchall()
    return [r[0] for r in rows]


def _values(n: int) -> str:
    return ", ".join(f"({i}, {i % 7})" for i in range(n))


def test_module_doctests():
    for mod in (system_views_relation, system_views_storage):
        assert doctest.testmod(mod).failed == 0


# -- STV_SLICES (checklist 1, 2) --------------------------------------------------------------
def test_stv_slices_default_cluster():
    db = _connect()
    assert db.sql("SELECT node, slice FROM stv_slices ORDER BY slice").fetchall() == [(0, 0), (0, 1), (1, 2), (1, 3)]


@pytest.mark.parametrize("node_type, per_node", [("ra3.4xlarge", 4), ("dc2.large", 2), ("ra3.16xlarge", 16)])
def test_stv_slices_per_node_type(node_type, per_node):
    db = _connect(node_type=node_type)
    rows = db.sql("SELECT node, COUNT(*), MIN(slice), MAX(slice) FROM stv_slices GROUP BY node ORDER BY node").fetchall()
    assert rows == [(k, per_node, k * per_node, k * per_node + per_node - 1) for k in range(len(rows))]


# -- placement (checklist 3-6) ----------------------------------------------------------------
def test_all_table_rows_only_on_first_slices():
    db = _connect(nodes=3, slices_per_node=2)
    db.execute("CREATE TABLE a (k INT, v INT) DISTSTYLE ALL")
    db.execute(f"INSERT INTO a VALUES {_values(N_ROWS)}")
    per_slice = _slice_rows(db, "a")
    firsts = {s for (s,) in db.sql("SELECT MIN(slice) FROM stv_slices GROUP BY node").fetchall()}
    assert {s for s, n in per_slice.items() if n} == firsts == {0, 2, 4}
    assert all(per_slice[s] == N_ROWS for s in firsts)
    info = db.sql("SELECT diststyle, tbl_rows, skew_rows FROM svv_table_info WHERE \"table\" = 'a'").fetchall()
    assert info == [("ALL", Decimal(N_ROWS), None)]


def test_even_slices_differ_by_at_most_one():
    db = _connect()
    db.execute("CREATE TABLE e (k INT, v INT) DISTSTYLE EVEN")
    db.execute(f"INSERT INTO e VALUES {_values(N_ROWS)}")
    db.execute(f"INSERT INTO e VALUES {_values(6)}")
    lo, hi, total = db.sql("SELECT MIN(rows), MAX(rows), SUM(rows) FROM stv_tbl_perm WHERE name = 'e'").fetchone()
    assert hi - lo <= 1 and total == N_ROWS + 6
    skew = db.sql("SELECT skew_rows FROM svv_table_info WHERE \"table\" = 'e'").fetchone()[0]
    assert skew == (Decimal(hi) / Decimal(lo)).quantize(Decimal("0.01"))


def test_key_tables_collocate_equal_values():
    db = _connect()
    db.execute("CREATE TABLE k1 (k INT, v INT) DISTKEY(k)")
    db.execute("CREATE TABLE k2 (k INT, w VARCHAR(5)) DISTSTYLE KEY DISTKEY(k)")
    for value in (0, 1, 7, 42, 1000, -3):
        db.execute("TRUNCATE k1")
        db.execute("TRUNCATE k2")
        db.execute(f"INSERT INTO k1 VALUES ({value}, 1), ({value}, 2)")
        db.execute(f"INSERT INTO k2 VALUES ({value}, 'x')")
        on = db.sql("""SELECT p1.slice, p2.slice FROM stv_tbl_perm p1 JOIN stv_tbl_perm p2 ON p1.slice = p2.slice
                       WHERE p1.name = 'k1' AND p2.name = 'k2' AND p1.rows > 0 AND p2.rows > 0""").fetchall()
        assert len(on) == 1, value  # both tables hold the value on one and the same slice
    db.execute("TRUNCATE k1")
    db.execute("TRUNCATE k2")
    db.execute(f"INSERT INTO k1 VALUES {_values(N_ROWS)}")
    db.execute("INSERT INTO k2 SELECT k, 'y' FROM k1")
    assert _slice_rows(db, "k1") == _slice_rows(db, "k2")
    assert db.sql("SELECT diststyle FROM svv_table_info WHERE \"table\" = 'k2'").fetchone()[0] == "KEY(k)"


def test_auto_small_table_is_auto_all_then_even():
    db = _connect()
    db.execute("SET auto_all_max_rows = 10")
    db.execute("CREATE TABLE s (k INT, v INT)")
    db.execute(f"INSERT INTO s VALUES {_values(5)}")
    assert db.sql("SELECT diststyle, skew_rows FROM svv_table_info").fetchall() == [("AUTO(ALL)", None)]
    db.execute(f"INSERT INTO s VALUES {_values(20)}")
    assert db.sql("SELECT diststyle FROM svv_table_info").fetchall() == [("AUTO(EVEN)",)]
    assert db.sql("SELECT SUM(rows) FROM stv_tbl_perm WHERE name = 's'").fetchone()[0] == 25


# -- SVV_TABLE_INFO (checklist 30) -----------------------------------------------------------------
@pytest.mark.parametrize("attrs", ["DISTSTYLE EVEN", "DISTSTYLE ALL", "DISTKEY(k)", "DISTSTYLE EVEN SORTKEY(k)",
                                   "DISTSTYLE ALL SORTKEY(v, k)", ""])
@pytest.mark.parametrize("block_bytes", [1 << 20, 1024])
def test_size_is_at_least_the_minimum_footprint(attrs, block_bytes):
    db = _connect(block_bytes=block_bytes)
    db.execute(f"CREATE TABLE t (k INT, v INT, s VARCHAR(30)) {attrs}")
    db.execute("INSERT INTO t VALUES " + ", ".join(f"({i}, {i % 7}, 'text {i}')" for i in range(1000)))
    populated = db.sql("SELECT COUNT(*) FROM stv_tbl_perm WHERE name = 't' AND rows > 0").fetchone()[0]
    size, sortkey = db.sql("SELECT size, sortkey1 FROM svv_table_info").fetchone()
    minimum = (3 + 3) * populated * (2 if sortkey else 1)  # (user + hidden columns) x slices x segments
    assert size >= minimum
    if block_bytes == 1 << 20:
        assert size == minimum  # 1000 small rows fit in one block per column and slice
    else:
        assert size > minimum  # 1 KB blocks: the data needs several


def test_table_info_columns():
    db = _connect()
    db.execute("CREATE TABLE t (a INT ENCODE az64, b VARCHAR(40) ENCODE lzo, c CHAR(300)) DISTKEY(a) SORTKEY(b, a)")
    db.execute("INSERT INTO t VALUES (1, 'x', 'c'), (2, 'y', 'c')")
    db.execute("CREATE TABLE plain (a INT) DISTSTYLE EVEN")
    db.execute("INSERT INTO plain VALUES (1)")
    rows = db.sql("""SELECT database, schema, "table", encoded, diststyle, sortkey1, TRIM(sortkey1_enc), sortkey_num,
                            max_varchar, unsorted, stats_off, tbl_rows, estimated_visible_rows, skew_sortkey1,
                            risk_event, vacuum_sort_benefit
                     FROM svv_table_info ORDER BY table_id""").fetchall()
    assert rows == [
        ("dev", "public", "t", "Y", "KEY(a)", "b", "lzo", 2, 40, Decimal("0.00"), Decimal("100.00"), Decimal(2),
         Decimal(2), Decimal("1.00"), None, None),
        ("dev", "public", "plain", "N", "EVEN", None, None, 0, 0, None, Decimal("100.00"), Decimal(1), Decimal(1),
         None, None, None),
    ]
    ids = db.sql("SELECT table_id FROM svv_table_info ORDER BY table_id").fetchall()
    assert ids[0][0] >= 100_000 and ids[0][0] < ids[1][0]
    assert db.sql("SELECT COUNT(*) FROM svv_table_info WHERE create_time IS NOT NULL").fetchone()[0] == 2


def test_pct_used_against_node_capacity():
    db = _connect()  # 2 x dc2.large: 2 x 160 GB
    db.execute("CREATE TABLE t (a INT) DISTSTYLE EVEN")
    db.execute("INSERT INTO t VALUES (1), (2), (3), (4)")
    size, pct = db.sql("SELECT size, pct_used FROM svv_table_info").fetchone()
    assert size == 4 * 4
    assert pct == (Decimal(size * 100) / Decimal(2 * 160 * 1024)).quantize(Decimal("0.0001"))
    big = _connect(node_type="ra3.4xlarge", nodes=2)
    big.execute("CREATE TABLE t (a INT) DISTSTYLE EVEN")
    big.execute("INSERT INTO t VALUES (1)")
    assert big.sql("SELECT pct_used FROM svv_table_info").fetchone()[0] == Decimal("0.0000")


def test_empty_tables_are_absent_from_table_info():
    db = _connect()
    db.execute("CREATE TABLE full_t (a INT)")
    db.execute("CREATE TABLE empty_t (a INT)")
    db.execute("INSERT INTO full_t VALUES (1)")
    assert db.sql('SELECT "table" FROM svv_table_info').fetchall() == [("full_t",)]
    assert db.sql("SELECT COUNT(*) FROM stv_tbl_perm WHERE name = 'empty_t'").fetchone()[0] == 4
    db.execute("TRUNCATE full_t")
    assert db.sql("SELECT COUNT(*) FROM svv_table_info").fetchone()[0] == 0


def test_two_views_join():
    db = _connect()
    db.execute("CREATE TABLE e (k INT, v INT) DISTSTYLE EVEN")
    db.execute("CREATE TABLE a (k INT, v INT) DISTSTYLE ALL")
    db.execute(f"INSERT INTO e VALUES {_values(N_ROWS)}")
    db.execute(f"INSERT INTO a VALUES {_values(10)}")
    rows = db.sql("""SELECT t."table", t.tbl_rows, SUM(p.rows), COUNT(DISTINCT s.node)
                     FROM svv_table_info t
                     JOIN stv_tbl_perm p ON p.id = t.table_id
                     JOIN stv_slices s ON s.slice = p.slice
                     WHERE p.rows > 0
                     GROUP BY t."table", t.tbl_rows ORDER BY 1""").fetchall()
    assert rows == [("a", Decimal(10), 20, 2), ("e", Decimal(N_ROWS), N_ROWS, 2)]


def test_empty_views_keep_their_schema():
    db = _connect()
    for view, first in [("svl_query_report", "userid"), ("svl_query_summary", "userid"), ("stl_scan", "userid"),
                        ("svv_table_info", "database"), ("stv_tbl_perm", "slice")]:
        r = db.sql(f"SELECT * FROM {view}")
        assert r.fetchall() == [] and r.columns[0] == first
    assert db.sql("SELECT COUNT(*) FROM stl_scan s JOIN svl_query_report r ON s.query = r.query").fetchone() == (0,)


def test_view_names_are_reserved():
    db = _connect()
    with pytest.raises(columnar.Error, match="already exists"):
        db.execute("CREATE TABLE stl_query (a INT)")
    with pytest.raises(columnar.Error, match="system view"):
        db.execute("DROP TABLE svv_table_info")


# -- STL_QUERY ---------------------------------------------------------------------------------
def test_stl_query_lists_statements_including_aborted():
    db = _connect()
    db.execute("CREATE TABLE t (a INT)")
    db.execute("INSERT INTO t VALUES (1), (0)")
    with pytest.raises(columnar.Error):
        db.execute("SELECT 1 / a FROM t")
    with pytest.raises(columnar.Error):
        db.execute("SELECT nope FROM t")
    rows = db.sql("""SELECT query, xid, userid, TRIM(database), TRIM(label), TRIM(querytxt), aborted,
                            endtime >= starttime
                     FROM stl_query ORDER BY query""").fetchall()
    assert [r[5] for r in rows] == ["CREATE TABLE t (a INT)", "INSERT INTO t VALUES (1), (0)", "SELECT 1 / a FROM t",
                                    "SELECT nope FROM t"]  # the running statement is not logged yet
    assert [r[6] for r in rows] == [0, 0, 1, 1]
    assert all(r[0] == r[1] and r[2] == 100 and r[3] == "dev" and r[4] == "default" and r[7] for r in rows)
    assert db.sql("SELECT COUNT(*) FROM stl_query").fetchone()[0] == 5


def test_stl_query_truncates_text_to_4000_characters():
    db = _connect()
    db.execute("SELECT '" + "x" * 5000 + "' AS long_text")
    text = db.sql("SELECT querytxt FROM stl_query").fetchone()[0]
    assert len(text) == 4000 and text.startswith("SELECT 'xxx")


# -- SVL_QUERY_SUMMARY / SVL_QUERY_REPORT (checklist 17) ------------------------------------------------------
def _key_table(db):
    db.execute("CREATE TABLE f (k INT, g INT) DISTKEY(k)")
    db.execute(f"INSERT INTO f VALUES {_values(N_ROWS)}")


def _without_scans(labels: list[str]) -> list[str]:
    return [x for x in labels if not x.startswith("scan")]


def test_group_by_off_the_distkey_is_aggr_dist_aggr():
    db = _connect()
    _key_table(db)
    db.execute("SELECT g, COUNT(*) FROM f GROUP BY g")
    labels = _labels(db, _last_query(db, "SELECT g, COUNT(*)%"))
    assert labels[0] == f"scan   tbl={_table_id(db, 'f')} name=f"
    steps = _without_scans(labels)
    assert steps[:3] == ["aggr", "dist", "aggr"]
    # the receiving segment starts with a network scan, as Redshift's samples show
    assert labels[labels.index("dist") + 1] == "scan   tbl=100 name=Internal Worktable"
    assert labels[-1] == "return"


def test_group_by_on_the_distkey_has_no_dist_step():
    db = _connect()
    _key_table(db)
    db.execute("SELECT k, COUNT(*) FROM f GROUP BY k")
    labels = _labels(db, _last_query(db, "SELECT k, COUNT(*)%"))
    assert "dist" not in labels
    assert _without_scans(labels).count("aggr") == 1


def test_broadcast_join_steps():
    db = _connect()
    _key_table(db)
    db.execute("CREATE TABLE d (g INT, name VARCHAR(10)) DISTSTYLE EVEN")
    db.execute("INSERT INTO d VALUES (1, 'one'), (2, 'two')")
    db.execute("SELECT f.k, d.name FROM f JOIN d ON f.g = d.g")
    q = _last_query(db, "SELECT f.k, d.name%")
    assert "DS_BCAST_INNER" in db.explain("SELECT f.k, d.name FROM f JOIN d ON f.g = d.g")
    rows = db.sql(f"SELECT seg, label, rows FROM svl_query_summary WHERE query = {q} ORDER BY seg, step").fetchall()
    labels = [r[1] for r in rows]
    # the inner side is scanned, broadcast, received and hashed before the outer side probes it
    assert _without_scans(labels) == ["bcast", "hash", "hjoin", "project", "return", "return"]
    seg = {r[1]: r[0] for r in rows}
    assert seg["bcast"] < seg["hash"] < seg["hjoin"]
    received = dict((r[1], r[2]) for r in rows)["hash"]
    assert received == 2 * 2  # one copy per node
    assert rows[-1][2] == db.sql("SELECT COUNT(*) FROM f JOIN d ON f.g = d.g").fetchone()[0]


def test_report_slices_and_leader_steps():
    db = _connect()
    _key_table(db)
    db.execute("SELECT k FROM f ORDER BY k")
    q = _last_query(db, "SELECT k FROM f ORDER BY k")
    rows = db.sql(f"""SELECT segment, step, TRIM(label), COUNT(*), MIN(slice), MAX(slice), SUM(rows)
                      FROM svl_query_report WHERE query = {q}
                      GROUP BY segment, step, label ORDER BY segment, step""").fetchall()
    compute = [r for r in rows if r[4] < 10000]
    leader = [r for r in rows if r[4] == 10000]
    assert all(r[3] == 4 and (r[4], r[5]) == (0, 3) for r in compute)  # one row per slice
    assert [r[2] for r in leader] == ["merge", "return"]  # XN Merge runs on the leader
    assert all(r[3] == 1 for r in leader)
    assert rows[-1][6] == N_ROWS
    summary = db.sql(f"""SELECT seg, step, rows, maxtime, avgtime FROM svl_query_summary
                         WHERE query = {q} ORDER BY seg, step""").fetchall()
    assert [s[:3] for s in summary] == [(r[0], r[1], r[6]) for r in rows]
    assert all(s[3] == s[4] >= 0 for s in summary)


def test_filter_rows_and_rows_pre_filter():
    db = _connect()
    _key_table(db)
    db.execute("SELECT k FROM f WHERE g = 3")
    q = _last_query(db, "SELECT k FROM f WHERE g = 3")
    rows, pre = db.sql(f"""SELECT rows, rows_pre_filter FROM svl_query_summary
                           WHERE query = {q} AND seg = 0 AND step = 0""").fetchone()
    assert pre == N_ROWS and rows == db.sql("SELECT COUNT(*) FROM f WHERE g = 3").fetchone()[0]


def test_leader_only_and_system_view_queries_have_no_steps():
    db = _connect()
    db.execute("SELECT 1")
    db.execute("SELECT * FROM stv_slices")
    assert db.sql("SELECT COUNT(*) FROM svl_query_report").fetchone() == (0,)
    assert db.sql("SELECT COUNT(*) FROM stl_query").fetchone() == (3,)


# -- STL_SCAN -------------------------------------------------------------------------------------
def _table_id(db, name: str) -> int:
    return db.sql(f"SELECT id FROM stv_tbl_perm WHERE name = '{name}' LIMIT 1").fetchone()[0]


@pytest.mark.parametrize("attrs", ["DISTSTYLE EVEN", "DISTSTYLE ALL", "DISTKEY(k)"])
def test_stl_scan_one_row_per_slice(attrs):
    db = _connect(node_type="ra3.4xlarge", nodes=2)
    db.execute(f"CREATE TABLE t (k INT, v INT) {attrs}")
    db.execute(f"INSERT INTO t VALUES {_values(N_ROWS)}")
    db.execute("SELECT k FROM t WHERE v = 1")
    q = _last_query(db, "SELECT k FROM t WHERE v = 1")
    tbl = _table_id(db, "t")
    rows = db.sql(f"""SELECT slice, segment, step, type, rows, rows_pre_filter, rows_pre_user_filter, TRIM(perm_table_name)
                      FROM stl_scan WHERE query = {q} AND tbl = {tbl} ORDER BY slice""").fetchall()
    assert [r[0] for r in rows] == list(range(8))
    assert all(r[1:4] == (0, 0, 2) and r[5] == r[6] and r[7] == "t" for r in rows)
    read = {r[0]: r[5] for r in rows}
    assert read == _slice_rows(db, "t")  # each slice reads what it stores (ALL: each node's copy)
    matching = db.sql("SELECT COUNT(*) FROM t WHERE v = 1").fetchone()[0]
    copies = 2 if attrs == "DISTSTYLE ALL" else 1
    assert sum(r[4] for r in rows) == matching * copies
    network = db.sql(f"SELECT DISTINCT type, step, TRIM(perm_table_name) FROM stl_scan WHERE query = {q} AND tbl <> {tbl}").fetchall()
    assert network == [(1, 0, "Internal Worktable")]
