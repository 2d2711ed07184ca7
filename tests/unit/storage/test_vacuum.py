"""VACUUM (storage.vacuum on Table objects; api.vacuum for the statement rules)."""

from collections import Counter

import numpy as np
import pytest

import columnar
from columnar.core.chunk import Column
from columnar.core.errors import CatalogError, ProgrammingError
from columnar.core.strings import StringArray
from columnar.core.types import BIGINT, VARCHAR, Field
from columnar.storage.catalog import DistStyle, TableDef
from columnar.storage.table import Table
from columnar.storage.vacuum import ghosts_to_keep, sorted_percent, vacuum_table

FIELDS = [Field("a", BIGINT), Field("b", BIGINT), Field("s", VARCHAR)]


def _table(sortkey=("a",), style=DistStyle.EVEN, n_slices=1, interleaved=False, fields=FIELDS):
    d = TableDef("t", list(fields), style, sortkey=tuple(sortkey),
                 sortkey_style="INTERLEAVED" if interleaved else ("COMPOUND" if sortkey else None))
    return Table(d, n_slices)


def _cols(a, b=None, s=None):
    a = np.asarray(a, dtype=np.int64)
    b = np.arange(len(a), dtype=np.int64) if b is None else np.asarray(b, dtype=np.int64)
    s = [f"v{x}" for x in a] if s is None else s
    return [Column(BIGINT, a), Column(BIGINT, b), Column(VARCHAR, StringArray.from_pylist(s))]


def _rows(cols):
    """Rows of some columns as tuples (for multiset comparisons)."""
    if cols is None:
        return []
    py = [c.data.tolist() if not isinstance(c.data, StringArray) else c.data.to_pylist() for c in cols]
    return list(zip(*py))


def _live(table):
    return Counter(r for s in range(table.n_slices) for r in _rows(table.live_columns(s)))


def _ghosts(table):
    out = Counter()
    for s in range(table.n_slices):
        cols, mask = table.slice_columns(s), table.deleted_mask(s)
        if cols is not None and mask is not None:
            out.update(r for r, m in zip(_rows(cols), mask.tolist()) if m)
    return out


def _a(table, s=0):
    return table.slice_columns(s)[0].data.tolist()


def _loaded(sorted_a, unsorted_a, n_slices=1, slice_id=0, table=None):
    """A table whose slice holds ``sorted_a`` in its sorted region then ``unsorted_a``
    (an INSERT, as given) in its unsorted region; ``b`` numbers the rows uniquely."""
    t = table or _table(n_slices=n_slices)
    t.append(slice_id, _cols(sorted_a, np.arange(len(sorted_a))), copy=True)
    if len(unsorted_a):
        t.append(slice_id, _cols(unsorted_a, 1000 + np.arange(len(unsorted_a))))
    return t


# -- FULL -----------------------------------------------------------------------------------
def test_full_sorts_the_unsorted_region_into_the_sorted_one():
    t = _loaded([2, 4, 6, 8], [7, 1, 5])
    before = _live(t)
    r = vacuum_table(t)
    assert r.sort_ran and not r.sort_skipped and r.rows_sorted == 7
    assert _a(t) == [1, 2, 4, 5, 6, 7, 8]
    assert t.slice_state(0).sorted_rows == 7
    assert t.unsorted_fraction() == 0.0
    assert _live(t) == before


def test_full_is_the_default_and_removes_every_ghost_when_it_sorts():
    t = _loaded(list(range(0, 80)), list(range(200, 180, -1)))  # 80 % sorted
    t.mark_deleted(0, np.array([0, 1, 2, 85]))  # 3 in the sorted region, 1 in the unsorted one
    before = _live(t)
    r = vacuum_table(t)
    assert r.sort_ran and r.ghost_rows_reclaimed == 4 and r.ghost_rows_left == 0
    st = t.slice_state(0)
    assert (st.rows, st.ghost_rows, st.sorted_rows) == (96, 0, 96)
    assert t.deleted_mask(0) is None
    assert _live(t) == before
    assert _a(t) == sorted(_a(t))


def test_threshold_edge_exactly_95_percent_sorted_skips_the_sort():
    t = _loaded(list(range(95)), [-1, -2, -3, -4, -5])  # 95 of 100 rows sorted
    assert sorted_percent(t) == 95.0
    order = _a(t)
    r = vacuum_table(t)
    assert r.sort_skipped and not r.sort_ran and r.rows_sorted == 0
    assert _a(t) == order and t.slice_state(0).sorted_rows == 95


def test_threshold_edge_just_under_95_percent_sorts():
    t = _loaded(list(range(94)), [-1, -2, -3, -4, -5, -6])  # 94 %
    r = vacuum_table(t)
    assert r.sort_ran and t.slice_state(0).sorted_rows == 100
    assert _a(t)[:6] == [-6, -5, -4, -3, -2, -1]


def test_sorted_percent_counts_ghost_rows_as_stored_rows():
    # 95 sorted rows, 5 unsorted; deleting sorted rows does not change the percentage
    t = _loaded(list(range(95)), [-1, -2, -3, -4, -5])
    t.mark_deleted(0, np.arange(10))
    assert sorted_percent(t) == 95.0
    r = vacuum_table(t)
    assert r.sort_skipped


def test_full_skipping_the_sort_reclaims_only_down_to_the_threshold():
    # 100 sorted rows, 10 ghosts: L = 90, at most floor(90 * 5 / 95) = 4 ghosts may stay
    t = _loaded(list(range(100)), [])
    t.mark_deleted(0, np.arange(0, 100, 10))
    before, ghosts = _live(t), _ghosts(t)
    r = vacuum_table(t)
    assert r.sort_skipped and r.ghost_rows_reclaimed == 6 and r.ghost_rows_left == 4
    st = t.slice_state(0)
    assert (st.rows, st.ghost_rows) == (94, 4)
    assert 90 / 94 >= 0.95 and 90 / 95 < 0.95  # the fewest reclaimed that reach the threshold
    assert _live(t) == before
    # the ghosts reclaimed are the first ones in stored order; the others stay marked
    assert _ghosts(t) == Counter({row: 1 for row in sorted(ghosts)[6:]})
    assert st.sorted_rows == 94  # the sorted region shrank by the 6 ghosts removed from it


def test_full_skipping_the_sort_reclaims_nothing_when_the_threshold_already_holds():
    t = _loaded(list(range(100)), [])
    t.mark_deleted(0, np.array([3, 50, 99]))  # 97 / 100 live
    state = t.slice_state(0)
    r = vacuum_table(t)
    assert r.ghost_rows_reclaimed == 0 and r.ghost_rows_left == 3
    assert t.slice_state(0) is state  # untouched


def test_ghosts_to_keep():
    assert ghosts_to_keep(95, 95) == 5  # 95 / 100 = 95 %
    assert ghosts_to_keep(94, 95) == 4  # 94 / 98 >= 95 %, 94 / 99 < 95 %
    assert ghosts_to_keep(75, 75) == 25
    assert ghosts_to_keep(10, 100) == 0
    assert ghosts_to_keep(0, 50) == 0
    assert ghosts_to_keep(10, 0) is None


# -- SORT ONLY ---------------------------------------------------------------------------------
def test_sort_only_sorts_and_keeps_ghosts_correctly_marked():
    t = _loaded([10, 20, 30, 40], [35, 5, 25, 15, 45, 1])  # 40 % sorted
    t.mark_deleted(0, np.array([1, 5, 8]))  # a=20 (b=1), a=5 (b=1001), a=45 (b=1004)
    before_live, before_ghosts = _live(t), _ghosts(t)
    r = vacuum_table(t, "SORT ONLY")
    assert r.sort_ran and r.ghost_rows_reclaimed == 0 and r.rows_sorted == 10
    st = t.slice_state(0)
    assert (st.rows, st.ghost_rows, st.sorted_rows) == (10, 3, 10)
    assert _a(t) == [1, 5, 10, 15, 20, 25, 30, 35, 40, 45]
    assert _ghosts(t) == before_ghosts and _live(t) == before_live
    assert t.deleted_mask(0).tolist() == [a in (5, 20, 45) for a in _a(t)]


def test_sort_only_skips_a_table_at_the_threshold():
    t = _loaded(list(range(95)), [-1, -2, -3, -4, -5])
    t.mark_deleted(0, np.arange(50))
    r = vacuum_table(t, "SORT ONLY")
    assert r.sort_skipped and r.ghost_rows_reclaimed == 0
    assert t.slice_state(0).ghost_rows == 50 and t.slice_state(0).sorted_rows == 95


def test_sort_only_to_100_percent_sorts_unless_fully_sorted():
    t = _loaded(list(range(99)), [-1])
    assert vacuum_table(t, "SORT ONLY", 100).sort_ran
    assert t.slice_state(0).sorted_rows == 100
    assert vacuum_table(t, "SORT ONLY", 100).sort_skipped


# -- DELETE ONLY ---------------------------------------------------------------------------------
def test_delete_only_never_sorts():
    t = _loaded([1, 2, 3], [9, 8, 7, 6, 5, 4])  # 33 % sorted
    t.mark_deleted(0, np.array([0, 4]))  # a=1 (sorted region), a=8
    before = _live(t)
    r = vacuum_table(t, "DELETE ONLY", 100)
    assert not r.sort_ran and not r.sort_skipped and r.rows_sorted == 0
    assert r.ghost_rows_reclaimed == 2
    assert _a(t) == [2, 3, 9, 7, 6, 5, 4]  # same order, ghosts gone
    assert t.slice_state(0).sorted_rows == 2
    assert _live(t) == before


def test_delete_only_default_threshold():
    t = _loaded(list(range(50)), list(range(100, 50, -1)))
    t.mark_deleted(0, np.arange(0, 100, 5))  # 20 ghosts, L = 80 -> keep floor(80*5/95) = 4
    before = _live(t)
    order_live = [a for a, m in zip(_a(t), t.deleted_mask(0).tolist()) if not m]
    r = vacuum_table(t, "DELETE ONLY")
    assert r.ghost_rows_reclaimed == 16 and r.ghost_rows_left == 4
    assert [a for a, m in zip(_a(t), t.deleted_mask(0).tolist()) if not m] == order_live
    assert _live(t) == before
    # the 10 ghosts of the sorted region (positions 0, 5, ..., 45) went first
    assert t.slice_state(0).sorted_rows == 40


def test_delete_only_to_100_percent_reclaims_everything():
    t = _loaded(list(range(100)), [])
    t.mark_deleted(0, np.array([7]))
    r = vacuum_table(t, "DELETE ONLY", 100)
    assert r.ghost_rows_reclaimed == 1 and t.deleted_mask(0) is None and t.slice_state(0).rows == 99


def test_a_slice_of_ghosts_only_is_emptied():
    t = _loaded([1, 2, 3], [])
    t.mark_deleted(0, np.arange(3))
    r = vacuum_table(t, "DELETE ONLY")
    assert r.ghost_rows_reclaimed == 3
    assert t.slice_columns(0) is None and t.slice_state(0).sorted_rows == 0


# -- TO 0 / 100 PERCENT ----------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["FULL", "SORT ONLY", "DELETE ONLY"])
def test_to_0_percent_does_nothing(mode):
    t = _loaded([1, 2], [0, -1, -2, -3])
    t.mark_deleted(0, np.array([0, 1, 2, 3]))
    states = [t.slice_state(s) for s in range(t.n_slices)]
    r = vacuum_table(t, mode, 0)
    assert r.rows_sorted == 0 and r.ghost_rows_reclaimed == 0
    assert [t.slice_state(s) for s in range(t.n_slices)] == states


def test_full_to_100_percent_on_a_fully_sorted_table_reclaims_all_without_sorting():
    t = _loaded(list(range(1000)), [])
    t.mark_deleted(0, np.array([5]))
    r = vacuum_table(t, "FULL", 100)
    assert r.sort_skipped and r.ghost_rows_reclaimed == 1 and r.ghost_rows_left == 0


def test_full_to_100_percent_sorts_a_99_percent_sorted_table():
    t = _loaded(list(range(99)), [-1])
    r = vacuum_table(t, "FULL", 100)
    assert r.sort_ran and _a(t)[0] == -1


def test_custom_threshold():
    t = _loaded(list(range(75)), list(range(-1, -26, -1)))  # 75 % sorted
    assert vacuum_table(t, "FULL", 75).sort_skipped
    assert vacuum_table(t, "FULL", 76).sort_ran


@pytest.mark.parametrize("bad", [-1, 101, 50.5, None, True])
def test_threshold_must_be_an_integer_from_0_to_100(bad):
    with pytest.raises(ProgrammingError):
        vacuum_table(_loaded([1], []), "FULL", bad)


def test_unknown_mode():
    with pytest.raises(ProgrammingError):
        vacuum_table(_loaded([1], []), "ANALYZE")


# -- tables without a sort key, empty tables ------------------------------------------------------
def test_a_table_without_sort_key_is_not_sorted_but_is_reclaimed():
    t = _table(sortkey=())
    t.append(0, _cols([5, 3, 9, 1]))
    t.append(0, _cols([4, 2]))
    t.mark_deleted(0, np.array([1, 4]))
    assert sorted_percent(t) == 100.0
    r = vacuum_table(t)  # 2 ghosts of 6: L = 4 -> keep 0 ghosts
    assert r.sort_skipped and not r.sort_ran and r.ghost_rows_reclaimed == 2
    assert _a(t) == [5, 9, 1, 2] and t.slice_state(0).sorted_rows == 0


def test_an_empty_table():
    t = _table(n_slices=4)
    for mode in ["FULL", "SORT ONLY", "DELETE ONLY", "REINDEX", "RECLUSTER"]:
        r = vacuum_table(t, mode)
        assert r.rows_sorted == 0 and r.ghost_rows_reclaimed == 0
    assert t.rows_per_slice() == [0, 0, 0, 0]


# -- several slices, ALL tables ----------------------------------------------------------------------
def test_every_slice_is_sorted_and_already_sorted_slices_lose_their_ghosts():
    t = _table(n_slices=3)
    _loaded([1, 2, 3], [0], table=t, slice_id=0)
    _loaded([4, 5, 6], [], table=t, slice_id=1)  # fully sorted
    _loaded([7, 8], [-1, -2], table=t, slice_id=2)
    t.mark_deleted(1, np.array([0]))
    t.mark_deleted(2, np.array([3]))
    before = _live(t)
    r = vacuum_table(t)  # 6 / 10 sorted
    assert r.sort_ran and r.rows_sorted == 4 + 3  # slices 0 and 2 (live rows)
    assert r.ghost_rows_reclaimed == 2
    assert [_a(t, s) for s in range(3)] == [[0, 1, 2, 3], [5, 6], [-1, 7, 8]]
    assert t.sorted_rows == [4, 2, 3]
    assert _live(t) == before


def test_partial_reclaim_is_shared_between_slices_in_proportion():
    t = _table(n_slices=2)
    _loaded(list(range(100)), [], table=t, slice_id=0)
    _loaded(list(range(100, 200)), [], table=t, slice_id=1)
    t.mark_deleted(0, np.arange(0, 30, 2))  # 15 ghosts
    t.mark_deleted(1, np.arange(0, 10, 2))  # 5 ghosts
    # L = 180, G = 20: keep floor(180 * 5 / 95) = 9, reclaim 11, shared 15:5 -> 8.25 / 2.75 -> 8 / 3
    r = vacuum_table(t, "DELETE ONLY")
    assert r.ghost_rows_reclaimed == 11
    assert [t.slice_state(s).ghost_rows for s in range(2)] == [7, 2]
    assert t.row_count() == 180


def _all_table(sorted_a, unsorted_a):
    t = _table(style=DistStyle.ALL, n_slices=4)  # 2 nodes x 2 slices: copies on slices 0 and 2
    for s in (0, 2):
        _loaded(sorted_a, unsorted_a, table=t, slice_id=s)
    return t


def test_an_all_table_gets_the_same_treatment_on_every_copy():
    t = _all_table([2, 4, 6], [5, 1, 3])
    for s in (0, 2):
        t.mark_deleted(s, np.array([0, 4]))
    before = _live(t)
    r = vacuum_table(t)
    assert r.sort_ran and r.rows_sorted == 4 and r.ghost_rows_reclaimed == 2  # one copy counted
    for s in (0, 2):
        assert _a(t, s) == [3, 4, 5, 6] and t.slice_state(s).sorted_rows == 4
    assert t.rows_per_slice() == [4, 0, 4, 0]
    assert _live(t) == before


def test_an_all_table_partial_reclaim_is_per_copy():
    t = _all_table(list(range(100)), [])
    for s in (0, 2):
        t.mark_deleted(s, np.arange(10))  # L = 90 per copy: keep 4
    r = vacuum_table(t, "DELETE ONLY")
    assert r.ghost_rows_reclaimed == 6
    assert [t.slice_state(s).ghost_rows for s in range(4)] == [4, 0, 4, 0]
    assert t.stored_row_count() == 94 and t.row_count() == 90


# -- REINDEX ------------------------------------------------------------------------------------------
def test_reindex_builds_the_interleaved_index_and_removes_ghosts():
    t = _table(sortkey=("a", "b"), interleaved=True, n_slices=2)
    rng = np.random.default_rng(3)
    for s in range(2):
        a, b = rng.integers(0, 50, 40), rng.integers(0, 50, 40)
        t.append(s, _cols(a, b))  # INSERT into an empty interleaved table: not sorted
        t.mark_deleted(s, np.array([0, 1, 2]))
    assert t.sorted_rows == [0, 0] and not t.interleaved_index
    before = _live(t)
    r = vacuum_table(t, "REINDEX")
    assert r.sort_ran and r.rows_sorted == 74 and r.ghost_rows_reclaimed == 6
    assert t.interleaved_index and t.sorted_rows == [37, 37]
    for s in range(2):
        live = t.live_columns(s)
        assert _rows(live) == _rows(t.sort_rows(live))  # z-ordered
    assert _live(t) == before


def test_reindex_resorts_even_a_fully_sorted_interleaved_table():
    t = _table(sortkey=("a", "b"), interleaved=True)
    t.append(0, _cols([3, 1, 2], [1, 2, 3]), copy=True)  # COPY: z-ordered, index built
    t.interleaved_index = False
    r = vacuum_table(t, "REINDEX")
    assert r.sort_ran and t.interleaved_index


def test_full_on_an_interleaved_table_z_orders_without_reindexing():
    t = _table(sortkey=("a", "b"), interleaved=True)
    t.append(0, _cols([3, 1, 2, 0], [1, 2, 3, 0]))
    r = vacuum_table(t)
    assert r.sort_ran and t.slice_state(0).sorted_rows == 4 and not t.interleaved_index
    assert _rows(t.live_columns(0)) == _rows(t.sort_rows(t.live_columns(0)))


def test_reindex_on_a_compound_table_is_a_full_vacuum():
    t = _loaded(list(range(95)), [-1, -2, -3, -4, -5])
    t.mark_deleted(0, np.arange(10))
    r = vacuum_table(t, "REINDEX", 0)  # the threshold is ignored: FULL at 95
    assert r.sort_skipped and r.ghost_rows_reclaimed == 10 - ghosts_to_keep(90, 95)
    t2 = _loaded(list(range(90)), list(range(-1, -11, -1)))
    assert vacuum_table(t2, "REINDEX").sort_ran and t2.slice_state(0).sorted_rows == 100
    assert not t2.interleaved_index


# -- RECLUSTER ------------------------------------------------------------------------------------------
def test_recluster_sorts_the_unsorted_region_among_itself():
    t = _loaded([10, 20, 30], [25, 5, 35, 15])
    t.mark_deleted(0, np.array([1, 4]))  # a=20 in the sorted region, a=5 in the unsorted one
    before_live, before_ghosts = _live(t), _ghosts(t)
    r = vacuum_table(t, "RECLUSTER")
    assert r.sort_ran and r.rows_sorted == 4 and r.ghost_rows_reclaimed == 0
    assert _a(t) == [10, 20, 30, 5, 15, 25, 35]  # not merged into the sorted region
    assert t.slice_state(0).sorted_rows == 3  # unchanged: SVV_TABLE_INFO.unsorted stays
    assert t.deleted_mask(0).tolist() == [a in (5, 20) for a in _a(t)]
    assert _live(t) == before_live and _ghosts(t) == before_ghosts


def test_recluster_rejects_interleaved_and_all_tables():
    t = _table(sortkey=("a",), interleaved=True)
    t.append(0, _cols([1]))
    with pytest.raises(ProgrammingError, match="INTERLEAVED"):
        vacuum_table(t, "RECLUSTER")
    with pytest.raises(ProgrammingError, match="ALL"):
        vacuum_table(_all_table([1], [0]), "RECLUSTER")
    auto = _table(style=DistStyle.AUTO, n_slices=4)  # AUTO(ALL) is stored ALL
    with pytest.raises(ProgrammingError, match=r"AUTO\(ALL\)"):
        vacuum_table(auto, "RECLUSTER")


def test_recluster_without_sort_key_does_nothing():
    t = _table(sortkey=())
    t.append(0, _cols([3, 1, 2]))
    t.mark_deleted(0, np.array([0]))
    state = t.slice_state(0)
    r = vacuum_table(t, "RECLUSTER")
    assert r.rows_sorted == 0 and t.slice_state(0) is state


# -- values, NULLs, snapshots ---------------------------------------------------------------------------
def test_values_and_nulls_survive_every_mode():
    rng = np.random.default_rng(11)
    for mode in ["FULL", "SORT ONLY", "DELETE ONLY", "REINDEX", "RECLUSTER"]:
        t = _table(n_slices=2)
        for s in range(2):
            for i, copy in enumerate([True, False, True]):
                a = rng.integers(-20, 20, 30)
                valid = rng.random(30) > 0.2
                strings = [None if rng.random() < 0.1 else f"s{x}" for x in rng.integers(0, 99, 30)]
                cols = [Column(BIGINT, a, valid), Column(BIGINT, np.arange(30) + 100 * i),
                        Column(VARCHAR, StringArray.from_pylist(strings))]
                t.append(s, cols, copy=copy)
            t.mark_deleted(s, rng.choice(90, 25, replace=False))
        live, ghosts = _live(t), _ghosts(t)
        r = vacuum_table(t, mode, 100) if mode in ("FULL", "SORT ONLY", "DELETE ONLY") else vacuum_table(t, mode)
        assert _live(t) == live, mode
        assert sum(_ghosts(t).values()) == r.ghost_rows_left
        assert _ghosts(t) <= ghosts, mode  # only ghosts went, never a live row
        if mode in ("FULL", "REINDEX", "SORT ONLY"):
            for s in range(2):
                valid = t.slice_columns(s)[0].is_valid()
                assert np.all(np.diff(valid.astype(np.int8)) <= 0), mode  # NULLs last
                vals = t.slice_columns(s)[0].data[valid]
                assert np.all(np.diff(vals) >= 0)


def test_snapshot_restore_undoes_a_vacuum():
    t = _loaded([2, 4, 6], [5, 1, 3])
    t.mark_deleted(0, np.array([0, 4]))
    state = t.snapshot()
    rows, mask = _a(t), t.deleted_mask(0).tolist()
    vacuum_table(t)
    assert _a(t) != rows
    t.restore(state)
    assert _a(t) == rows and t.deleted_mask(0).tolist() == mask and t.slice_state(0).sorted_rows == 3


# -- the statement (columnar.api.vacuum) ------------------------------------------------------------------
@pytest.fixture
def conn():
    with columnar.connect() as c:
        c.sql("CREATE TABLE t (a INT, b INT) DISTSTYLE EVEN SORTKEY (a)")
        c.sql("INSERT INTO t VALUES (5, 1), (3, 2), (9, 3), (1, 4)")
        c.sql("INSERT INTO t VALUES (2, 5), (0, 6)")
        yield c


def test_vacuum_statement_counts_rows(conn):
    r = conn.sql("VACUUM t")
    # EVEN on 4 slices: one row per slice, then 2 more rows on 2 slices; only those 2 slices
    # have an unsorted region and are rewritten
    assert r.metrics.rows_vacuum_sorted == 4 and r.metrics.ghost_rows_reclaimed == 0
    assert conn.sql("SELECT unsorted FROM svv_table_info").fetchall()[0][0] == 0
    assert conn.sql("SELECT a FROM t ORDER BY a").fetchall() == [(0,), (1,), (2,), (3,), (5,), (9,)]


def test_vacuum_without_table_covers_every_table(conn):
    conn.sql("CREATE TABLE u (a INT) DISTSTYLE EVEN SORTKEY (a)")
    conn.sql("INSERT INTO u VALUES (3), (2)")
    conn.sql("INSERT INTO u VALUES (1)")
    conn.sql("CREATE VIEW v AS SELECT a FROM t")
    conn.sql("VACUUM")
    assert sorted(conn.sql("SELECT unsorted FROM svv_table_info").fetchall()) == [(0,), (0,)]


@pytest.mark.parametrize("sql, error", [
    ("VACUUM TO 50 PERCENT", "requires a table name"),
    ("VACUUM SORT ONLY TO 50 PERCENT", "requires a table name"),
    ("VACUUM t TO 101 PERCENT", "between 0 and 100"),
    ("VACUUM REINDEX t TO 50 PERCENT", "REINDEX"),
    ("VACUUM RECLUSTER t TO 50 PERCENT", "RECLUSTER"),
    ("VACUUM REINDEX", "requires a table name"),
    ("VACUUM RECLUSTER", "requires a table name"),
    ("VACUUM svv_table_info", "system table"),
])
def test_vacuum_statement_errors(conn, sql, error):
    with pytest.raises(ProgrammingError, match=error):
        conn.sql(sql)


def test_vacuum_unknown_table_and_view(conn):
    with pytest.raises(CatalogError, match='"nope"'):
        conn.sql("VACUUM nope")
    conn.sql("CREATE VIEW v AS SELECT a FROM t")
    with pytest.raises(ProgrammingError, match="view"):
        conn.sql("VACUUM v")


def test_vacuum_inside_a_transaction_block_fails(conn):
    conn.sql("BEGIN")
    with pytest.raises(ProgrammingError, match="cannot run inside a transaction block"):
        conn.sql("VACUUM t")
    conn.sql("END")
    conn.sql("VACUUM t")
    assert conn.sql("SELECT unsorted FROM svv_table_info").fetchall()[0][0] == 0


def test_vacuum_is_durable(tmp_path):
    path = tmp_path / "db"
    with columnar.connect(str(path)) as c:
        c.sql("CREATE TABLE t (a INT) DISTSTYLE EVEN SORTKEY (a)")
        c.sql("INSERT INTO t VALUES (4), (2), (8), (6)")
        c.sql("INSERT INTO t VALUES (5), (1), (7), (3)")
        c.sql("DELETE FROM t WHERE a > 6")
        c.sql("VACUUM SORT ONLY t")
        before = c.sql("SELECT slice, rows, sorted_rows FROM stv_tbl_perm ORDER BY slice").fetchall()
    with columnar.connect(str(path)) as c:
        assert c.sql("SELECT slice, rows, sorted_rows FROM stv_tbl_perm ORDER BY slice").fetchall() == before
        assert c.sql("SELECT tbl_rows, estimated_visible_rows FROM svv_table_info").fetchall() == [(8, 6)]
        assert c.sql("SELECT a FROM t ORDER BY a").fetchall() == [(1,), (2,), (3,), (4,), (5,), (6,)]
