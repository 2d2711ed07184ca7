"""ANALYZE statistics (storage.statistics), the shared filter estimate (sql.estimates)
and the ANALYZE statement (api.analyze)."""

import numpy as np
import pytest

import columnar
from columnar.core.chunk import Column
from columnar.core.errors import ProgrammingError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import BOOLEAN, DATE, DOUBLE, INTEGER, DataType, Field
from columnar.sql.estimates import filter_fraction
from columnar.sql.expr import Binary, ColumnIndex, Const, InList, IsNull
from columnar.storage import statistics as st
from columnar.storage.catalog import DistStyle, TableDef
from columnar.storage.pruning import ColumnRange
from columnar.storage.table import Table


def _table(fields, columns_per_slice, style=DistStyle.EVEN, n_slices=4):
    t = Table(TableDef("t", fields, style), n_slices)
    for s, cols in enumerate(columns_per_slice):
        if cols is not None:
            t.append(s, cols)
    return t


def _ints(values, valid=None):
    return Column(INTEGER, np.asarray(values, dtype=np.int64), None if valid is None else np.asarray(valid))


def _uniform(n=10_000, slices=4):
    """Column ``a`` = 0..n-1 spread over the slices, ``b`` = a % 10."""
    parts = np.array_split(np.arange(n), slices)
    return _table([Field("a", INTEGER), Field("b", INTEGER)], [[_ints(p), _ints(p % 10)] for p in parts])


# -- collecting ----------------------------------------------------------------------
def test_exact_statistics_of_a_small_table():
    t = _uniform()
    s = st.analyze_table(t)
    assert t.stats is s and t.changed_rows == 0
    assert (s.rows, s.sampled_rows, s.sampled) == (10_000, 10_000, False)
    a, b = s.column(0), s.column(1)
    assert (a.name, a.null_frac, a.distinct, a.min, a.max) == ("a", 0.0, 10_000, 0, 9_999)
    assert a.mcv == () and len(a.histogram) == st.HISTOGRAM_BUCKETS + 1
    assert a.histogram[0] == 0 and a.histogram[-1] == 9_999
    assert b.distinct == 10 and sorted(b.mcv) == list(range(10)) and b.histogram == ()
    assert all(f == pytest.approx(0.1) for f in b.mcv_freqs)


def test_selectivity_from_histogram_and_mcv():
    s = st.analyze_table(_uniform())
    assert st.selectivity(s, 0, "=", 1234) == pytest.approx(1e-4)
    assert st.selectivity(s, 0, "<", 2500) == pytest.approx(0.25, abs=0.01)
    assert st.selectivity(s, 0, ">=", 9000) == pytest.approx(0.10, abs=0.01)
    assert st.selectivity(s, 0, "between", (1000, 2999)) == pytest.approx(0.2, abs=0.01)
    assert st.selectivity(s, 0, "<", -5) == 0.0 and st.selectivity(s, 0, ">", 10**6) == 0.0
    assert st.selectivity(s, 0, "=", 10**6) == 0.0  # outside [min, max]
    assert st.selectivity(s, 1, "=", 3) == pytest.approx(0.1)
    assert st.selectivity(s, 1, "=", 42) == 0.0  # the complete MCV list lacks it
    assert st.selectivity(s, 1, "<=", 3) == pytest.approx(0.4)
    assert st.selectivity(s, 1, "<>", 3) == pytest.approx(0.9)
    assert st.selectivity(s, 1, "in", [1, 2, 2, None]) == pytest.approx(0.2)
    assert st.selectivity(s, 1, "=", None) == 0.0  # a comparison with NULL is never true
    assert st.selectivity(s, 1, "=", "x") is None  # incomparable
    assert st.selectivity(s, 5, "=", 1) is None and st.selectivity(None, 0, "=", 1) is None
    with pytest.raises(ValueError):
        st.selectivity(s, 0, "~~", 1)


def test_nulls_and_ghost_rows():
    col = _ints([1, 2, 3, 4, 0, 0, 0, 0], valid=[1, 1, 1, 1, 0, 0, 0, 0])
    t = _table([Field("a", INTEGER)], [[col]])
    s = st.analyze_table(t)
    assert s.column(0).null_frac == 0.5 and s.column(0).distinct == 4
    assert st.selectivity(s, 0, "is null") == 0.5 and st.selectivity(s, 0, "is not null") == 0.5
    assert st.selectivity(s, 0, "<>", 1) == pytest.approx(0.375)  # NULLs never satisfy <>
    t.mark_deleted(0, np.array([0, 4, 5]))  # ghost rows are not seen
    s = st.analyze_table(t)
    assert s.rows == 5 and s.column(0).min == 2 and s.column(0).null_frac == pytest.approx(0.4)


def test_strings_dictionary_plain_and_char_blanks():
    words = StringArray.from_pylist(["N", "R ", "A"])
    dict_col = Column(DataType.char(2), DictArray(np.array([0, 1, 1, 2, 1], dtype=np.int32), words))
    plain = Column(DataType.varchar(10), StringArray.from_pylist(["b", "a", "c", "a", "a"]))
    t = _table([Field("f", DataType.char(2)), Field("s", DataType.varchar(10))], [[dict_col, plain]])
    s = st.analyze_table(t)
    f, v = s.column(0), s.column(1)
    assert (f.min, f.max, f.distinct) == ("A", "R", 3)
    assert f.mcv[0] == "R" and f.mcv_freqs[0] == pytest.approx(0.6)
    assert st.selectivity(s, 0, "=", "R  ") == pytest.approx(0.6)  # trailing blanks ignored
    assert (v.min, v.max) == ("a", "c") and st.selectivity(s, 1, "<", "b") == pytest.approx(0.6)


def test_other_types():
    t = _table([Field("d", DATE), Field("p", DataType.decimal(10, 2)), Field("x", BOOLEAN), Field("r", DOUBLE)],
               [[Column(DATE, np.array([19000, 19001, 19001], dtype=np.int32)),
                 Column(DataType.decimal(10, 2), np.array([150, 250, 250], dtype=np.int64)),
                 Column(BOOLEAN, np.array([True, False, True])),
                 Column(DOUBLE, np.array([0.5, np.nan, 1.5]))]])
    s = st.analyze_table(t)
    assert (s.column(0).min, s.column(0).max) == (19000, 19001)
    assert st.selectivity(s, 1, "=", 250) == pytest.approx(2 / 3)
    assert st.selectivity(s, 2, "=", True) == pytest.approx(2 / 3)
    assert (s.column(3).min, s.column(3).max, s.column(3).distinct) == (0.5, 1.5, 2)  # NaN left out


def test_all_table_reads_one_copy():
    cols = [_ints([1, 2, 3])]
    t = _table([Field("a", INTEGER)], [cols, None, cols, None], style=DistStyle.ALL)
    s = st.analyze_table(t)
    assert s.rows == 3 and s.column(0).distinct == 3
    assert st.selectivity(s, 0, "=", 2) == pytest.approx(1 / 3)


def test_column_subset_keeps_earlier_statistics():
    t = _uniform()
    st.analyze_table(t, ["b"])
    assert t.stats.column(0) is None and t.stats.column(1) is not None
    before = t.stats.column(1)
    st.analyze_table(t, [0])
    assert t.stats.column(0) is not None and t.stats.column(1) is before


def test_large_tables_are_sampled_deterministically(monkeypatch):
    monkeypatch.setattr(st, "SAMPLE_ROWS", 2_000)
    t = _uniform(20_000)
    s1 = st.analyze_table(t)
    s2 = st.analyze_table(t)
    assert s1.sampled and s1.rows == 20_000 and s1.sampled_rows == pytest.approx(2_000, abs=4)
    assert s1.columns == s2.columns
    a = s1.column(0)
    assert a.distinct == pytest.approx(20_000, rel=0.05)  # Duj1: every sampled value seen once
    assert st.selectivity(s1, 0, "<", 5_000) == pytest.approx(0.25, abs=0.03)
    assert st.selectivity(s1, 1, "=", 7) == pytest.approx(0.1, abs=0.02)


def test_empty_table():
    t = _table([Field("a", INTEGER)], [])
    s = st.analyze_table(t)
    assert s.rows == 0 and s.column(0).distinct == 0
    assert st.selectivity(s, 0, "=", 1) == 0.0


# -- staleness ---------------------------------------------------------------------
def test_stats_off():
    t = _table([Field("a", INTEGER)], [])
    assert st.stats_off(t) == 0.0  # never analyzed, but nothing to analyze
    t.append(0, [_ints(range(100))])
    assert st.stats_off(t) == 100.0
    st.analyze_table(t)
    assert st.stats_off(t) == 0.0
    # columnar.exec.dml counts the changes (once per row, whatever the copies of an ALL table)
    t.append(1, [_ints(range(25))])
    t.changed_rows += 25
    assert st.stats_off(t) == 25.0
    t.changed_rows += t.mark_deleted(0, np.arange(10))
    assert st.stats_off(t) == 35.0
    t.append(2, [_ints(range(500))])
    t.changed_rows += 500
    assert st.stats_off(t) == 100.0  # capped


# -- ranges and the shared filter estimate --------------------------------------------
def test_range_selectivity():
    s = st.analyze_table(_uniform())
    r = ColumnRange().restrict(">=", 1000).restrict("<", 2000)
    assert st.range_selectivity(s, 0, r) == pytest.approx(0.1, abs=0.005)
    assert st.range_selectivity(s, 0, ColumnRange(empty=True)) == 0.0
    assert st.range_selectivity(s, 1, ColumnRange().with_points([1, 2])) == pytest.approx(0.2)
    assert st.range_selectivity(s, 1, ColumnRange(null_only=True)) == 0.0
    assert st.ranges_selectivity(s, {0: r, 1: ColumnRange().with_points([3])}) == pytest.approx(0.01, abs=0.001)
    assert st.ranges_selectivity(s, {7: r}) is None


def _cmp(op, col, value, name="x"):
    return Binary(op, ColumnIndex(col, INTEGER, name), Const(value, INTEGER), BOOLEAN)


def test_filter_fraction():
    t = _uniform()
    scan = [1, 0]  # the scan reads b, then a
    eq = _cmp("=", 0, 3)  # b = 3
    assert filter_fraction(t, scan, eq) is None  # not analyzed
    st.analyze_table(t)
    assert filter_fraction(t, scan, eq) == pytest.approx(0.1)
    flipped = Binary("<", Const(5000, INTEGER), ColumnIndex(1, INTEGER, "a"), BOOLEAN)  # 5000 < a
    assert filter_fraction(t, scan, flipped) == pytest.approx(0.5, abs=0.01)
    both = Binary("and", _cmp(">=", 1, 1000), _cmp("<", 1, 2000), BOOLEAN)  # one range, not two guesses
    assert filter_fraction(t, scan, both) == pytest.approx(0.1, abs=0.005)
    in_list = InList(ColumnIndex(0, INTEGER), (Const(1, INTEGER), Const(2, INTEGER)))
    assert filter_fraction(t, scan, in_list) == pytest.approx(0.2)
    assert filter_fraction(t, scan, IsNull(ColumnIndex(0, INTEGER))) == 0.0
    assert filter_fraction(t, scan, _cmp("<>", 0, 3)) == pytest.approx(0.9)
    assert filter_fraction(t, scan, Binary("<>", Const(3, INTEGER), ColumnIndex(0, INTEGER), BOOLEAN)) == pytest.approx(0.9)
    plus_one = Binary("+", ColumnIndex(0, INTEGER), Const(1, INTEGER), INTEGER)
    other = Binary("=", plus_one, Const(4, INTEGER), BOOLEAN)  # a function of the column: the fallback
    assert filter_fraction(t, scan, other) is None
    mixed = Binary("and", eq, other, BOOLEAN)
    assert filter_fraction(t, scan, mixed) == pytest.approx(0.1 / 3)
    assert filter_fraction(t, scan, mixed, fallback=lambda c: 0.5) == pytest.approx(0.05)
    assert filter_fraction(t, [-1, 0], eq) is None  # the hidden row id


# -- the statement -------------------------------------------------------------------
def test_analyze_statement_and_threshold():
    db = columnar.connect()
    db.sql("CREATE TABLE t (a INT, b INT) DISTKEY (a) SORTKEY (b)")
    db.sql("CREATE TABLE e (a INT)")
    db.sql("INSERT INTO t VALUES " + ", ".join(f"({i}, {i % 7})" for i in range(200)))
    r = db.sql("ANALYZE t")
    assert r.message == "ANALYZE" and r.columns == ["message"]
    assert r.fetchall() == [('ANALYZE "public.t": 200 rows, columns a, b',)]
    table = db.session.catalog.get("t")
    assert table.stats.rows == 200 and table.changed_rows == 0
    db.sql("INSERT INTO t VALUES (1000, 1)")
    r = db.sql("ANALYZE t")
    assert r.message == "ANALYZE SKIP" and "ANALYZE SKIP" in r.fetchone()[0]
    db.sql("SET analyze_threshold_percent TO 0.4")
    assert db.sql("ANALYZE t").message == "ANALYZE"  # 1 of 200 rows: 0.5 %
    lines = [row[0] for row in db.sql("ANALYZE").fetchall()]
    assert lines == ['ANALYZE SKIP "public.t": 0.00% of rows changed since the last ANALYZE, '
                     'below analyze_threshold_percent (0.4)',
                     'ANALYZE SKIP "public.e": the table is empty']
    verbose = [row[0] for row in db.sql("SET analyze_threshold_percent = 0; ANALYZE VERBOSE t PREDICATE COLUMNS").fetchall()]
    assert verbose[0] == 'ANALYZE "public.t": 201 rows, columns a, b'
    assert verbose[2].startswith("  b: null_frac 0.0000, distinct 7, min 0, max 6, 7 most common values")


def test_threshold_setting_validation():
    db = columnar.connect()
    for bad in ("150", "-1", "'many'"):
        with pytest.raises(ProgrammingError, match="analyze_threshold_percent"):
            db.sql(f"SET analyze_threshold_percent = {bad}")
    db.sql("SET analyze_threshold_percent = 0.01")
    assert db.session.settings.analyze_threshold_percent == 0.01
