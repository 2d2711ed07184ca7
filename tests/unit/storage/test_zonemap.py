"""Zone maps and block pruning (storage.zonemap, storage.pruning, exec.scan_ranges)."""

import numpy as np
import pytest

import columnar
from columnar.core.chunk import Column
from columnar.core.strings import StringArray
from columnar.core.types import BIGINT, VARCHAR
from columnar.storage.pruning import ColumnRange
from columnar.storage.zonemap import block_starts, build_zone_map, string_key

N = 20_000


def _rows():
    rng = np.random.default_rng(7)
    rand = rng.permutation(N)
    out = []
    for i in range(N):
        a = "NULL" if i % 97 == 0 else str(i)
        out.append(f"({a},{int(rand[i])},'cust#{i:08d}')")
    return ",".join(out)


@pytest.fixture(scope="module")
def db():
    with columnar.connect(block_bytes=4096) as conn:
        values = _rows()
        conn.sql("CREATE TABLE s (a INT, r INT, name VARCHAR(30)) DISTSTYLE EVEN COMPOUND SORTKEY (a)")
        conn.sql("CREATE TABLE u (a INT, r INT, name VARCHAR(30)) DISTSTYLE EVEN")
        conn.sql(f"INSERT INTO s VALUES {values}")
        conn.sql(f"INSERT INTO u VALUES {values}")
        yield conn


def _both(db, where, cols="a, r, name"):
    r = db.sql(f"SELECT {cols} FROM s WHERE {where} ORDER BY 1, 2, 3")
    plain = db.sql(f"SELECT {cols} FROM u WHERE {where} ORDER BY 1, 2, 3").fetchall()
    rows = r.fetchall()
    assert rows == plain
    return r.metrics, rows


def _rrscan(db):
    """STL_SCAN.is_rrscan of the last scan of table s."""
    return db.sql("SELECT DISTINCT is_rrscan FROM stl_scan WHERE TRIM(perm_table_name) = 's' AND query = "
                  "(SELECT MAX(query) FROM stl_scan WHERE TRIM(perm_table_name) = 's')").fetchall()


def test_range_on_the_sort_key_skips_most_blocks(db):
    m, rows = _both(db, "a BETWEEN 1000 AND 1200")
    assert len(rows) == 201 - sum(1 for i in range(1000, 1201) if i % 97 == 0)
    assert m.blocks_skipped > 4 * m.blocks_scanned  # most blocks skipped
    assert _rrscan(db) == [("t",)]


def test_range_on_a_random_column_skips_nothing(db):
    m, rows = _both(db, "r >= 1000 AND r < 1200")
    assert len(rows) == 200
    assert m.blocks_skipped == 0 and m.blocks_scanned > 0


def test_or_of_ranges_on_the_sort_key_skips_blocks(db):
    m, rows = _both(db, "a < 100 OR a BETWEEN 9000 AND 9100 OR a = 19000")
    assert len(rows) == sum(1 for i in [*range(100), *range(9000, 9101), 19000] if i % 97)
    assert m.blocks_skipped > m.blocks_scanned  # three ranges: about one block each per slice and column
    assert _rrscan(db) == [("t",)]
    # a branch that does not restrict the sort key: nothing can be skipped
    m, _ = _both(db, "a < 100 OR r = 7")
    assert m.blocks_skipped == 0
    # the column restricted in every branch prunes, the other one does not
    m, rows = _both(db, "(a = 500 AND r > 5) OR a = 600")
    assert m.blocks_skipped > 4 * m.blocks_scanned


@pytest.mark.parametrize("where", [
    "a = 5000", "a IN (3, 7000, 19999)", "a > 19990", "a < 5", "a <= 0", "5000 > a AND a >= 4990",
    "a > 10 AND a < 5", "a = 194", "a BETWEEN 100 AND 200 AND r > 100", "a = 1 OR a = 2",
    "(a < 10 OR a > 19990) AND (a > 5 OR a IS NULL)", "a IS NULL OR a = 3", "(a < 50 OR a > 100) AND a < 20",
])
def test_results_equal_the_unpruned_table(db, where):
    _both(db, where)


def test_strings_prune_on_the_8_byte_prefix(db):
    # every name starts 'cust#000': the 8-byte prefix is shared, nothing prunes
    m, rows = _both(db, "name = 'cust#00001500'")
    assert len(rows) == 1 and m.blocks_skipped == 0
    # a constant beyond every prefix ('cust#001' > 'cust#000') prunes every block
    m, rows = _both(db, "name >= 'cust#001'")
    assert rows == [] and m.blocks_scanned == 0 and m.blocks_skipped > 0


def test_nulls(db):
    m, rows = _both(db, "a IS NULL")
    assert len(rows) == len(range(0, N, 97))
    assert m.blocks_skipped > 0
    m, rows = _both(db, "a IS NULL AND a = 5")
    assert rows == [] and m.blocks_scanned == 0


def test_a_cast_of_the_sort_key_does_not_prune(db):
    m, rows = _both(db, "CAST(a AS BIGINT) BETWEEN 1000 AND 1200")
    assert m.blocks_skipped == 0
    assert _rrscan(db) == [("f",)]
    m, _ = _both(db, "a + 1 > 19990")
    assert m.blocks_skipped == 0


def test_the_binders_widening_cast_still_prunes():
    """``amount > 900`` on a DECIMAL(10,2) sort key compares as DECIMAL(12,2) (the literal's
    type): the cast is the binder's, not the user's, so zone maps must still apply."""
    with columnar.connect(nodes=1, slices_per_node=1, block_bytes=4096) as db:
        db.sql("CREATE TABLE t (amount DECIMAL(10,2), i INT) SORTKEY (amount)")
        db.sql("INSERT INTO t VALUES " + ",".join(f"({k / 100:.2f}, {k})" for k in range(20_000)))
        db.sql("CREATE TABLE u (i INT) SORTKEY (i)")
        db.sql("INSERT INTO u SELECT i FROM t")
        for table, where, count in [("t", "amount > 190", 999), ("t", "amount BETWEEN 10 AND 20", 1001),
                                    ("t", "amount >= 190.005", 999), ("u", "i > 18999.5", 1000),
                                    ("u", "i <= 10.5", 11)]:
            r = db.sql(f"SELECT COUNT(*) FROM {table} WHERE {where}")
            assert r.fetchall() == [(count,)] and r.metrics.blocks_skipped > 4 * r.metrics.blocks_scanned, where
        r = db.sql("SELECT COUNT(*) FROM u WHERE i = 10.5")
        assert r.fetchall() == [(0,)]
        # a cast written in the query does not prune (checklist 20)
        assert db.sql("SELECT COUNT(*) FROM u WHERE CAST(i AS BIGINT) > 18999").metrics.blocks_skipped == 0


def test_zone_maps_follow_appends():
    with columnar.connect(block_bytes=4096) as db:
        db.sql("CREATE TABLE t (a BIGINT) DISTSTYLE EVEN SORTKEY (a)")
        db.sql("INSERT INTO t VALUES " + ",".join(f"({i})" for i in range(4000)))
        assert db.sql("SELECT COUNT(*) FROM t WHERE a > 5000").fetchall() == [(0,)]
        db.sql("INSERT INTO t VALUES (6000), (7000)")
        assert db.sql("SELECT COUNT(*) FROM t WHERE a > 5000").fetchall() == [(2,)]


def test_zone_map_of_a_column_with_nulls():
    col = Column(BIGINT, np.arange(1024), np.arange(1024) >= 512)  # first block all NULL
    zm = build_zone_map(col, 4096)
    assert zm.nulls.tolist() == [512, 0] and zm.mins[1] == 512
    assert zm.may_match(ColumnRange().restrict(">", -1)).tolist() == [False, True]
    assert zm.may_match(ColumnRange().with_null_only()).tolist() == [True, False]


def test_string_blocks_and_keys():
    values = ["b" * 3000, "a", "zz  ", "abcdefgh9", ""]
    col = Column(VARCHAR, StringArray.from_pylist(values))
    # a row belongs to the block of its first byte: the long value opens block 0, the rest start in block 1
    assert block_starts(col, 2048).tolist() == [0, 1]
    zm = build_zone_map(col, 2048)
    assert zm.mins[0] == zm.maxs[0] == string_key("bbbbbbbb")
    assert zm.mins[1] == string_key("") and zm.maxs[1] == string_key("zz")  # trailing blanks stripped
    # 'abcdefgh9' > 'abcdefgh1' although its key is that of 'abcdefgh': strict comparisons relax
    assert zm.may_match(ColumnRange().restrict(">", "abcdefgh1")).tolist() == [True, True]
    assert zm.may_match(ColumnRange().restrict(">", "zz")).tolist() == [False, True]
    assert zm.may_match(ColumnRange().restrict("<", "a")).tolist() == [False, True]
    assert zm.may_match(ColumnRange().with_points(["abc"])).tolist() == [False, True]
