"""Zone maps on TPC-H lineitem, and the storage rules only COPY triggers.

* lineitem at scale 0.01 in the ``key`` layout (``DISTKEY (l_orderkey) SORTKEY (l_shipdate)``,
  loaded by COPY into the empty table, so every slice is sorted on l_shipdate) with
  ``SET block_bytes = 4096``: a one-month range on the sort key skips most blocks, a range on a
  column uncorrelated with the sort key skips none, and the counts always equal an oracle
  computed from the Parquet file (pruning never changes a result). Note: the other date
  columns are *not* unsorted in this layout: l_receiptdate is 1..30 days after l_shipdate and
  l_commitdate within ~90 days of it, so their zone maps prune almost as well; the "skips none"
  case is a table without a sort key (rows in file order, i.e. order key order).
* COPY into an empty table lands sorted; a second COPY is sorted within its own batch in the
  unsorted region; a COPY extends the sorted region only under Redshift's rule
  (reference ``redshift_spectrum_semantics.md`` §3.3, checklist 21-23), checked by reading the
  stored slices (``Table.slice_columns``).
* COMMIT of an aborted transaction reports ``ROLLBACK`` (a status message the .slt files
  cannot check).
"""

from __future__ import annotations

import datetime
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import columnar
from columnar.testing import tpch

ROOT = Path(__file__).resolve().parents[3]
CACHE = Path(os.environ.get("COLUMNAR_TPCH_DIR", ROOT / ".data" / "tpch-sf0.01"))
MONTH = ("1995-03-01", "1995-04-01")  # [lo, hi)


# --------------------------------------------------------------------------- lineitem


@pytest.fixture(scope="module")
def tpch_dir(tmp_path_factory) -> Path:
    if (CACHE / "lineitem.parquet").is_file():
        return CACHE
    exe = shutil.which("tpchgen-cli") or Path(sys.executable).parent / "tpchgen-cli"
    if not Path(exe).exists():
        pytest.skip("tpchgen-cli is not installed (pip install tpchgen-cli)")
    return tpch.generate(0.01, tmp_path_factory.mktemp("tpch-sf0.01"))


@pytest.fixture(scope="module")
def lineitem(tpch_dir):
    """A 2 x 2 cluster with lineitem twice: ``lineitem`` (key layout, sorted on l_shipdate) and
    ``lineitem_even`` (DISTSTYLE EVEN, no sort key), 4 KB blocks."""
    cols = ", ".join(f"{name} {sql_type}" for name, sql_type in tpch.SCHEMA["lineitem"])
    path = tpch_dir / "lineitem.parquet"
    with columnar.connect(nodes=2, slices_per_node=2) as db:
        db.sql(f"CREATE TABLE lineitem ({cols}) {tpch.KEY_LAYOUT['lineitem']}")
        db.sql(f"CREATE TABLE lineitem_even ({cols}) DISTSTYLE EVEN")
        db.sql(f"COPY lineitem FROM '{path}' FORMAT AS PARQUET")
        db.sql(f"COPY lineitem_even FROM '{path}' FORMAT AS PARQUET")
        db.sql("SET block_bytes = 4096")
        yield db


@pytest.fixture(scope="module")
def oracle(tpch_dir):
    """``count(column, lo, hi)``: rows of the Parquet file with lo <= column < hi."""
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(tpch_dir / "lineitem.parquet")

    def count(column: str, lo, hi) -> int:
        values = table.column(column).to_pylist()
        return sum(1 for v in values if lo <= v < hi)

    return count


def _month_query(table: str, column: str) -> str:
    return f"SELECT COUNT(*) FROM {table} WHERE {column} >= '{MONTH[0]}' AND {column} < '{MONTH[1]}'"


def _date(s: str) -> datetime.date:
    return datetime.date.fromisoformat(s)


def _is_rrscan(db, table: str) -> list:
    return db.sql(f"SELECT DISTINCT is_rrscan FROM stl_scan WHERE TRIM(perm_table_name) = '{table}' AND query = "
                  f"(SELECT MAX(query) FROM stl_scan WHERE TRIM(perm_table_name) = '{table}')").fetchall()


def test_lineitem_is_stored_sorted_on_its_sort_key(lineitem):
    assert lineitem.sql("SELECT unsorted FROM svv_table_info WHERE \"table\" = 'lineitem'").fetchall() == [(0,)]
    table = lineitem.session.catalog.get("lineitem")
    ship = table.definition.index_of("l_shipdate")
    for s in range(table.n_slices):
        dates = table.slice_columns(s)[ship].data
        assert table.sorted_rows[s] == len(dates) > 0
        assert np.all(dates[1:] >= dates[:-1])


def test_a_month_on_the_sort_key_skips_most_blocks(lineitem, oracle):
    r = lineitem.sql(_month_query("lineitem", "l_shipdate"))
    m = r.metrics
    expected = oracle("l_shipdate", _date(MONTH[0]), _date(MONTH[1]))
    assert r.fetchall() == [(expected,)] and expected > 0
    total = m.blocks_scanned + m.blocks_skipped
    assert total > 40  # 4 KB blocks: ~15 blocks of l_shipdate per slice
    assert m.blocks_skipped > 0.8 * total
    assert _is_rrscan(lineitem, "lineitem") == [("t",)]


def test_the_same_month_without_a_sort_key_skips_nothing(lineitem, oracle):
    # lineitem_even keeps the file order (order key order): every block spans the whole date range
    for column in ("l_shipdate", "l_receiptdate", "l_commitdate"):
        r = lineitem.sql(_month_query("lineitem_even", column))
        m = r.metrics
        assert r.fetchall() == [(oracle(column, _date(MONTH[0]), _date(MONTH[1])),)]
        assert m.blocks_skipped == 0 and m.blocks_scanned > 40, column


def test_an_uncorrelated_column_of_the_sorted_table_skips_nothing(lineitem, oracle):
    # l_partkey is independent of l_shipdate: each block holds nearly the whole key range
    r = lineitem.sql("SELECT COUNT(*) FROM lineitem WHERE l_partkey >= 1000 AND l_partkey < 1100")
    m = r.metrics
    assert r.fetchall() == [(oracle("l_partkey", 1000, 1100),)]
    assert m.blocks_skipped == 0 and m.blocks_scanned > 40


def test_dates_correlated_with_the_sort_key_prune_too(lineitem, oracle):
    # receipt/commit dates follow the ship date closely: sorting on l_shipdate clusters them as well
    for column in ("l_receiptdate", "l_commitdate"):
        r = lineitem.sql(_month_query("lineitem", column))
        m = r.metrics
        assert r.fetchall() == [(oracle(column, _date(MONTH[0]), _date(MONTH[1])),)]
        assert m.blocks_skipped > 0.5 * (m.blocks_scanned + m.blocks_skipped), column


def test_counts_equal_a_scan_that_cannot_prune(lineitem):
    # a cast of the sort key defeats the zone maps (ISO dates compare as strings)
    plain = lineitem.sql(
        f"SELECT COUNT(*), SUM(l_quantity) FROM lineitem WHERE CAST(l_shipdate AS VARCHAR(10)) >= '{MONTH[0]}' "
        f"AND CAST(l_shipdate AS VARCHAR(10)) < '{MONTH[1]}'")
    assert plain.metrics.blocks_skipped == 0
    assert _is_rrscan(lineitem, "lineitem") == [("f",)]
    pruned = lineitem.sql(
        f"SELECT COUNT(*), SUM(l_quantity) FROM lineitem WHERE l_shipdate >= '{MONTH[0]}' AND l_shipdate < '{MONTH[1]}'")
    assert pruned.metrics.blocks_skipped > 0
    rows = pruned.fetchall()
    assert rows == plain.fetchall() and rows[0][0] > 0
    even = lineitem.sql(
        f"SELECT COUNT(*), SUM(l_quantity) FROM lineitem_even WHERE l_shipdate >= '{MONTH[0]}' AND l_shipdate < '{MONTH[1]}'")
    assert even.fetchall() == rows


@pytest.mark.parametrize("where", [
    "l_shipdate = '1994-06-15'", "l_shipdate < '1992-02-01'", "l_shipdate > '1998-11-01'",
    "l_shipdate BETWEEN '1996-12-25' AND '1997-01-05' AND l_quantity > 20",
    "l_shipdate IN (DATE '1993-01-01', DATE '1997-07-07')", "l_shipdate > '2000-01-01'",
])
def test_pruned_and_unpruned_tables_agree(lineitem, where):
    sql = "SELECT COUNT(*), SUM(l_extendedprice), MIN(l_orderkey) FROM {} WHERE " + where
    assert lineitem.sql(sql.format("lineitem")).fetchall() == lineitem.sql(sql.format("lineitem_even")).fetchall()


# --------------------------------------------------------------------------- COPY storage rules


def _csv(path: Path, rows) -> str:
    path.write_text("".join(",".join("" if v is None else str(v) for v in row) + "\n" for row in rows))
    return str(path)


def _regions(db, name: str):
    """Per slice: (sorted-region keys, unsorted-region keys) of the first column."""
    table = db.session.catalog.get(name)
    out = []
    for s in range(table.n_slices):
        cols = table.slice_columns(s)
        keys = [] if cols is None else cols[0].data.tolist()
        out.append((keys[:table.sorted_rows[s]], keys[table.sorted_rows[s]:]))
    return out


def _unsorted(db, name: str):
    rows = db.sql(f"SELECT unsorted, tbl_rows FROM svv_table_info WHERE \"table\" = '{name}'").fetchall()
    return tuple(float(v) for v in rows[0])


def _is_sorted(keys) -> bool:
    return all(a <= b for a, b in zip(keys, keys[1:]))


@pytest.fixture
def db():
    with columnar.connect(nodes=2, slices_per_node=2) as conn:
        yield conn


def _shuffled(lo: int, hi: int, seed: int) -> list[int]:
    return np.random.default_rng(seed).permutation(np.arange(lo, hi)).tolist()


def test_copy_into_an_empty_table_lands_sorted(db, tmp_path):
    db.sql("CREATE TABLE t (k INT, v INT) DISTSTYLE EVEN SORTKEY (k)")
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'a.csv', [(k, k) for k in _shuffled(0, 400, 1)])}' CSV")
    assert _unsorted(db, "t") == (0.0, 400.0)
    for sorted_keys, unsorted_keys in _regions(db, "t"):
        assert len(sorted_keys) == 100 and unsorted_keys == [] and _is_sorted(sorted_keys)


def test_a_second_copy_is_sorted_within_its_batch(db, tmp_path):
    # k is nullable: the append rule does not apply, both later batches go to the unsorted region
    db.sql("CREATE TABLE t (k INT, v INT) DISTSTYLE EVEN SORTKEY (k)")
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'a.csv', [(k, 0) for k in _shuffled(0, 400, 1)])}' CSV")
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'b.csv', [(k, 1) for k in _shuffled(1000, 1400, 2)])}' CSV")
    assert _unsorted(db, "t") == (50.0, 800.0)
    for sorted_keys, unsorted_keys in _regions(db, "t"):
        assert len(sorted_keys) == 100 and _is_sorted(sorted_keys)
        assert len(unsorted_keys) == 100 and _is_sorted(unsorted_keys)
    # a third batch overlapping the second: each batch is sorted, the unsorted region is not
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'c.csv', [(k, 2) for k in _shuffled(1200, 1600, 3)])}' CSV")
    assert _unsorted(db, "t") == pytest.approx((66.67, 1200.0))
    for _, unsorted_keys in _regions(db, "t"):
        assert len(unsorted_keys) == 200
        second, third = unsorted_keys[:100], unsorted_keys[100:]
        assert _is_sorted(second) and _is_sorted(third) and not _is_sorted(unsorted_keys)
        assert min(second) >= 1000 and min(third) >= 1200


def test_insert_rows_stay_as_given(db, tmp_path):
    db.sql("CREATE TABLE t (k INT, v INT) DISTSTYLE EVEN SORTKEY (k)")
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'a.csv', [(k, 0) for k in range(400)])}' CSV")
    keys = _shuffled(1000, 1400, 4)
    db.sql("INSERT INTO t VALUES " + ", ".join(f"({k}, 1)" for k in keys))
    unsorted = [u for _, u in _regions(db, "t")]
    assert sorted(k for u in unsorted for k in u) == list(range(1000, 1400))
    assert not any(_is_sorted(u) for u in unsorted)


def _append_case(db, tmp_path, ddl: str, first, second, *, insert=None):
    db.sql(ddl)
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'first.csv', first)}' CSV")
    if insert:
        db.sql(insert)
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'second.csv', second)}' CSV")
    return _unsorted(db, "t")


NOT_NULL = "CREATE TABLE t (k INT NOT NULL, v INT) DISTSTYLE EVEN SORTKEY (k)"


def test_copy_in_sort_key_order_extends_the_sorted_region(db, tmp_path):
    first = [(k, 0) for k in _shuffled(0, 400, 5)]
    second = [(k, 1) for k in _shuffled(400, 800, 6)]
    assert _append_case(db, tmp_path, NOT_NULL, first, second) == (0.0, 800.0)
    for sorted_keys, unsorted_keys in _regions(db, "t"):
        assert len(sorted_keys) == 200 and unsorted_keys == [] and _is_sorted(sorted_keys)


def test_copy_starting_at_the_last_key_extends_the_sorted_region(db, tmp_path):
    # an ALL table: each node's copy holds every key, so the boundary is exact
    ddl = "CREATE TABLE t (k INT NOT NULL, v INT) DISTSTYLE ALL SORTKEY (k)"
    assert _append_case(db, tmp_path, ddl, [(k, 0) for k in range(10)], [(k, 1) for k in range(9, 20)]) \
        == (0.0, 21.0)


@pytest.mark.parametrize("case, ddl, second, insert", [
    ("nullable sort key", "CREATE TABLE t (k INT, v INT) DISTSTYLE EVEN SORTKEY (k)", range(400, 800), None),
    ("two sort key columns", "CREATE TABLE t (k INT NOT NULL, v INT NOT NULL) DISTSTYLE EVEN SORTKEY (k, v)",
     range(400, 800), None),
    ("interleaved", "CREATE TABLE t (k INT NOT NULL, v INT) DISTSTYLE EVEN INTERLEAVED SORTKEY (k)",
     range(400, 800), None),
    ("overlapping keys", NOT_NULL, range(200, 600), None),
    ("table not 100% sorted", NOT_NULL, range(400, 800), "INSERT INTO t VALUES (399, 9), (398, 9), (397, 9), (396, 9)"),
])
def test_conditions_that_keep_a_copy_in_the_unsorted_region(db, tmp_path, case, ddl, second, insert):
    first = [(k, 0) for k in _shuffled(0, 400, 7)]
    extra = 4 if insert else 0
    unsorted, rows = _append_case(db, tmp_path, ddl, first, [(k, 1) for k in second], insert=insert)
    assert rows == 800 + extra, case
    assert unsorted == pytest.approx(100 * (400 + extra) / (800 + extra), abs=0.005), case
    for sorted_keys, unsorted_keys in _regions(db, "t"):
        assert len(sorted_keys) == 100, case
        if not insert:
            assert len(unsorted_keys) == 100 and _is_sorted(unsorted_keys), case


def test_ghost_rows_count_as_stored_keys(db, tmp_path):
    ddl = "CREATE TABLE t (k INT NOT NULL, v INT) DISTSTYLE ALL SORTKEY (k)"
    db.sql(ddl)
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'a.csv', [(k, 0) for k in range(100)])}' CSV")
    db.sql("DELETE FROM t WHERE k >= 50")
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'b.csv', [(k, 1) for k in range(60, 70)])}' CSV")
    assert _unsorted(db, "t") == pytest.approx((9.09, 110.0))
    # above the ghosts too, but no longer 100 % sorted
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'c.csv', [(k, 2) for k in range(200, 210)])}' CSV")
    assert _unsorted(db, "t") == pytest.approx((16.67, 120.0))


def test_after_truncate_copy_lands_sorted_and_appends_again(db, tmp_path):
    db.sql(NOT_NULL)
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'a.csv', [(k, 0) for k in _shuffled(0, 400, 8)])}' CSV")
    db.sql("INSERT INTO t VALUES (1, 1)")
    assert _unsorted(db, "t")[0] > 0
    db.sql("TRUNCATE t")
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'b.csv', [(k, 0) for k in _shuffled(500, 900, 9)])}' CSV")
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'c.csv', [(k, 0) for k in _shuffled(900, 1300, 10)])}' CSV")
    assert _unsorted(db, "t") == (0.0, 800.0)


def test_the_append_rule_is_decided_for_the_whole_batch(db, tmp_path):
    db.sql("CREATE TABLE t (k INT NOT NULL) DISTSTYLE EVEN SORTKEY (k)")
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'a.csv', [(10,), (20,), (30,), (40,)])}' CSV")
    # 5 sorts before stored keys: no row of this batch may join the sorted region
    db.sql(f"COPY t FROM '{_csv(tmp_path / 'b.csv', [(15,), (5,), (35,), (45,)])}' CSV")
    assert _unsorted(db, "t") == (50.0, 8.0)


# --------------------------------------------------------------------------- status messages


def test_commit_of_an_aborted_transaction_says_rollback(db):
    db.sql("CREATE TABLE t (k INT)")
    assert db.sql("BEGIN").message == "BEGIN"
    db.sql("INSERT INTO t VALUES (1)")
    with pytest.raises(columnar.Error):
        db.sql("SELECT 1 / 0")
    with pytest.raises(columnar.Error, match="current transaction is aborted"):
        db.sql("SELECT 1")
    assert db.sql("COMMIT").message == "ROLLBACK"
    assert db.sql("SELECT COUNT(*) FROM t").fetchall() == [(0,)]
    db.sql("BEGIN")
    db.sql("INSERT INTO t VALUES (2)")
    assert db.sql("COMMIT").message == "COMMIT"
    assert db.sql("SELECT COUNT(*) FROM t").fetchall() == [(1,)]
