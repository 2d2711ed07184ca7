"""ALTER TABLE ... ALTER DISTSTYLE / DISTKEY / SORTKEY and the AUTO transitions
(columnar.exec.dml.redistribute / place_rows): where the rows are after each
change, that query results never change, and what the statements report as moved.
"""

from __future__ import annotations

import pytest

import columnar
from columnar.core.errors import BinderError, CatalogError, ProgrammingError
from columnar.core.types import INTEGER, DataType, Field, TypeId
from columnar.exec.dml import auto_distkey
from columnar.storage.catalog import DistStyle, TableDef
from columnar.storage.table import Table

JOIN = "SELECT a.k, a.v, b.w FROM a JOIN b ON a.k = b.k ORDER BY 1, 2, 3"
A_ROWS = [(i, f"v{i % 7}") for i in range(1, 41)] + [(None, "none")]
B_ROWS = [(i % 25, i) for i in range(60)]


def _values(rows) -> str:
    def lit(x):
        if x is None:
            return "NULL"
        return f"'{x}'" if isinstance(x, str) else str(x)

    return ", ".join("(" + ", ".join(lit(x) for x in r) + ")" for r in rows)


@pytest.fixture
def db():
    with columnar.connect(nodes=2, slices_per_node=2) as conn:
        conn.sql("CREATE TABLE a (k INT, v VARCHAR(10)) DISTSTYLE KEY DISTKEY (k)")
        conn.sql("CREATE TABLE b (k INT, w INT) DISTKEY (k)")
        conn.sql(f"INSERT INTO a VALUES {_values(A_ROWS)}")
        conn.sql(f"INSERT INTO b VALUES {_values(B_ROWS)}")
        yield conn


def _table(db, name) -> Table:
    return db.session.catalog.get(name)


def _fresh_placement(db, style_sql: str) -> list[int]:
    """rows_per_slice of a new table created with ``style_sql`` and loaded with A_ROWS."""
    db.sql("DROP TABLE IF EXISTS ref")
    db.sql(f"CREATE TABLE ref (k INT, v VARCHAR(10)) {style_sql}")
    db.sql(f"INSERT INTO ref VALUES {_values(A_ROWS)}")
    return _table(db, "ref").rows_per_slice()


# ------------------------------------------------------------------ rows per slice


def test_rows_per_slice_after_each_alter(db):
    t = _table(db, "a")
    n = len(A_ROWS)
    assert t.rows_per_slice() == _fresh_placement(db, "DISTKEY (k)")

    db.sql("ALTER TABLE a ALTER DISTSTYLE EVEN")
    counts = t.rows_per_slice()
    assert sum(counts) == n and max(counts) - min(counts) <= 1
    assert t.diststyle_label() == "EVEN"

    db.sql("ALTER TABLE a ALTER DISTSTYLE ALL")
    assert t.rows_per_slice() == [n, 0, n, 0]  # one copy per node, on its first slice
    assert t.row_count() == n and t.diststyle_label() == "ALL"

    db.sql("ALTER TABLE a ALTER DISTSTYLE KEY DISTKEY k")
    assert t.rows_per_slice() == _fresh_placement(db, "DISTKEY (k)")
    assert t.diststyle_label() == "KEY(k)"

    db.sql("ALTER TABLE a ALTER DISTKEY v")
    assert t.rows_per_slice() == _fresh_placement(db, "DISTKEY (v)")
    assert t.diststyle_label() == "KEY(v)"
    assert sorted(db.sql("SELECT k, v FROM a").fetchall(), key=repr) == sorted(A_ROWS, key=repr)


def test_rows_loaded_after_an_alter_follow_the_new_style(db):
    db.sql("ALTER TABLE a ALTER DISTSTYLE ALL")
    db.sql("INSERT INTO a VALUES (100, 'x')")
    n = len(A_ROWS) + 1
    assert _table(db, "a").rows_per_slice() == [n, 0, n, 0]


def test_alter_to_even_keeps_round_robin_going(db):
    db.sql("ALTER TABLE a ALTER DISTSTYLE EVEN")
    db.sql("INSERT INTO a VALUES (100, 'x'), (101, 'y'), (102, 'z')")
    counts = _table(db, "a").rows_per_slice()
    assert sum(counts) == len(A_ROWS) + 3 and max(counts) - min(counts) <= 1


def test_empty_table_can_be_altered(db):
    db.sql("CREATE TABLE e (x INT) DISTSTYLE EVEN")
    r = db.sql("ALTER TABLE e ALTER DISTKEY x")
    assert r.metrics.rows_redistributed == 0 and _table(db, "e").diststyle_label() == "KEY(x)"


# ------------------------------------------------------------------ results never change


@pytest.mark.parametrize("nodes, slices", [(2, 2), (1, 1), (3, 2)])
def test_join_results_identical_before_and_after(nodes, slices):
    with columnar.connect(nodes=nodes, slices_per_node=slices) as db:
        db.sql("CREATE TABLE a (k INT, v VARCHAR(10)) DISTKEY (k)")
        db.sql("CREATE TABLE b (k INT, w INT) DISTKEY (k)")
        db.sql(f"INSERT INTO a VALUES {_values(A_ROWS)}")
        db.sql(f"INSERT INTO b VALUES {_values(B_ROWS)}")
        expected = db.sql(JOIN).fetchall()
        grouped = db.sql("SELECT v, COUNT(*), SUM(k) FROM a GROUP BY v ORDER BY v").fetchall()
        assert len(expected) > 0
        for alter in [
            "ALTER TABLE a ALTER DISTSTYLE EVEN", "ALTER TABLE b ALTER DISTSTYLE ALL",
            "ALTER TABLE a ALTER DISTSTYLE ALL", "ALTER TABLE a ALTER DISTSTYLE KEY DISTKEY k",
            "ALTER TABLE b ALTER DISTKEY k", "ALTER TABLE a ALTER DISTKEY v",
            "ALTER TABLE b ALTER DISTSTYLE AUTO", "ALTER TABLE a ALTER DISTSTYLE AUTO",
            "ALTER TABLE a ALTER SORTKEY (k)",
        ]:
            db.sql(alter)
            assert db.sql(JOIN).fetchall() == expected, alter
            assert db.sql("SELECT v, COUNT(*), SUM(k) FROM a GROUP BY v ORDER BY v").fetchall() == grouped


# ------------------------------------------------------------------ metrics


def test_alter_reports_the_rows_it_moved(db):
    n = len(A_ROWS)
    r = db.sql("ALTER TABLE a ALTER DISTSTYLE EVEN")
    assert r.message == "ALTER TABLE"
    assert r.metrics.rows_redistributed == n
    one_copy = r.metrics.bytes_redistributed
    assert one_copy > 0
    # to ALL: the rows travel once to every node
    r = db.sql("ALTER TABLE a ALTER DISTSTYLE ALL")
    assert r.metrics.rows_redistributed == n
    assert r.metrics.bytes_redistributed == 2 * one_copy
    # from ALL: one copy is read, not one per node
    r = db.sql("ALTER TABLE a ALTER DISTKEY k")
    assert (r.metrics.rows_redistributed, r.metrics.bytes_redistributed) == (n, one_copy)
    assert r.metrics.rows_broadcast == 0


def test_alter_that_changes_no_placement_moves_nothing(db):
    for alter in ["ALTER TABLE a ALTER DISTKEY k", "ALTER TABLE a ALTER DISTSTYLE KEY DISTKEY k",
                  "ALTER TABLE a ALTER COMPOUND SORTKEY (k, v)", "ALTER TABLE a ALTER SORTKEY NONE"]:
        m = db.sql(alter).metrics
        assert (m.rows_redistributed, m.bytes_redistributed) == (0, 0), alter
    assert _table(db, "a").definition.sortkey == ()


def test_collocated_join_moves_nothing_until_a_is_even(db):
    before = db.sql(JOIN)
    assert "DS_DIST_NONE" in db.explain(JOIN)
    assert before.metrics.rows_redistributed == 0
    assert before.metrics.rows_broadcast == 0

    db.sql("ALTER TABLE a ALTER DISTSTYLE EVEN")
    assert "DS_DIST_OUTER" in db.explain(JOIN)
    after = db.sql(JOIN)
    assert after.fetchall() == before.fetchall()
    # a (the outer) is redistributed on the join key; b stays where it is
    assert after.metrics.rows_redistributed == len(A_ROWS)
    assert after.metrics.rows_broadcast == 0
    assert after.metrics.bytes_redistributed > 0

    db.sql("ALTER TABLE a ALTER DISTSTYLE KEY DISTKEY k")
    again = db.sql(JOIN)
    assert (again.metrics.rows_redistributed, again.metrics.rows_broadcast) == (0, 0)


# ------------------------------------------------------------------ AUTO


def _label(db, name) -> str:
    return _table(db, name).diststyle_label()


def test_auto_becomes_key_on_the_primary_key_or_even():
    with columnar.connect() as db:
        db.sql("SET auto_all_max_rows = 3")
        db.sql("CREATE TABLE p (id INT PRIMARY KEY, v INT)")
        db.sql("CREATE TABLE r (rid INT, pid INT, PRIMARY KEY (pid, rid))")
        db.sql("CREATE TABLE q (id INT, w INT)")
        for name in "prq":
            assert _label(db, name) == "AUTO(ALL)"
        for i in range(3):
            for name in "prq":
                db.sql(f"INSERT INTO {name} VALUES ({i}, {i})")
        assert [_label(db, n) for n in "prq"] == ["AUTO(ALL)"] * 3
        assert _table(db, "p").rows_per_slice() == [3, 0, 3, 0]
        for name in "prq":
            db.sql(f"INSERT INTO {name} VALUES (3, 3)")
        assert [_label(db, n) for n in "prq"] == ["AUTO(KEY(id))", "AUTO(KEY(pid))", "AUTO(EVEN)"]
        p = _table(db, "p")
        assert p.definition.diststyle is DistStyle.AUTO and p.definition.distkey == "id"
        assert p.effective_style is DistStyle.KEY and sum(p.rows_per_slice()) == 4
        assert "DS_DIST_NONE" in db.explain("SELECT * FROM p JOIN r ON p.id = r.pid")
        assert db.sql("SELECT COUNT(*) FROM p JOIN r ON p.id = r.pid").fetchall() == [(4,)]
        # more loads never bring it back to ALL
        for name in "prq":
            db.sql(f"INSERT INTO {name} VALUES (4, 4), (5, 5)")
        assert [_label(db, n) for n in "prq"] == ["AUTO(KEY(id))", "AUTO(KEY(pid))", "AUTO(EVEN)"]
        # a SORTKEY change leaves the automatic choice alone
        db.sql("ALTER TABLE p ALTER SORTKEY (v)")
        assert _label(db, "p") == "AUTO(KEY(id))" and p.definition.sortkey == ("v",)
        # TRUNCATE starts over as AUTO(ALL)
        db.sql("TRUNCATE p")
        assert _label(db, "p") == "AUTO(ALL)"


def test_svv_table_info_shows_the_auto_label():
    with columnar.connect() as db:
        db.sql("SET auto_all_max_rows = 3")
        db.sql("CREATE TABLE t (id INT PRIMARY KEY)")
        try:
            db.sql("""SELECT diststyle FROM svv_table_info WHERE "table" = 't'""")
        except ProgrammingError:
            pytest.skip("SVV_TABLE_INFO is not available yet")
        db.sql("INSERT INTO t VALUES (1), (2), (3), (4)")
        rows = db.sql("""SELECT diststyle FROM svv_table_info WHERE "table" = 't'""").fetchall()
        assert rows == [("AUTO(KEY(id))",)]


def test_auto_distkey_skips_primary_key_columns_that_cannot_be_distkeys():
    interval = DataType(TypeId.INTERVAL)
    d = TableDef("t", [Field("i", interval), Field("a", INTEGER)], primary_key=("i", "a"))
    assert auto_distkey(d) == "a"
    assert auto_distkey(TableDef("t", [Field("i", interval)], primary_key=("i",))) is None


def test_alter_diststyle_auto_follows_redshifts_conversions():
    with columnar.connect() as db:
        db.sql("SET auto_all_max_rows = 3")
        moved = {}
        for name, style in [("small", "DISTKEY (k)"), ("bigkey", "DISTKEY (k)"), ("bigeven", "DISTSTYLE EVEN"),
                            ("bigall", "DISTSTYLE ALL")]:
            db.sql(f"CREATE TABLE {name} (k INT PRIMARY KEY, v INT) {style}")
            rows = 2 if name == "small" else 5
            db.sql(f"INSERT INTO {name} VALUES " + ", ".join(f"({i}, {i})" for i in range(rows)))
            moved[name] = db.sql(f"ALTER TABLE {name} ALTER DISTSTYLE AUTO").metrics.rows_redistributed
        # small tables become AUTO(ALL); a large KEY table keeps its key; large EVEN/ALL become AUTO(EVEN)
        assert [_label(db, n) for n in ("small", "bigkey", "bigeven", "bigall")] == [
            "AUTO(ALL)", "AUTO(KEY(k))", "AUTO(EVEN)", "AUTO(EVEN)"]
        # only a change of slices moves rows: KEY(k) to AUTO(KEY(k)), EVEN to AUTO(EVEN) move nothing
        assert moved == {"small": 2, "bigkey": 0, "bigeven": 0, "bigall": 5}
        assert _table(db, "bigall").rows_per_slice() in ([2, 1, 1, 1], [1, 1, 1, 2])
        # AUTO to AUTO: nothing changes, nothing moves
        m = db.sql("ALTER TABLE bigkey ALTER DISTSTYLE AUTO").metrics
        assert m.rows_redistributed == 0 and _label(db, "bigkey") == "AUTO(KEY(k))"
        # the small one still grows out of ALL on its primary key
        db.sql("INSERT INTO small VALUES (10, 10), (11, 11)")
        assert _label(db, "small") == "AUTO(KEY(k))"
        # and an explicit style ends AUTO
        db.sql("ALTER TABLE small ALTER DISTSTYLE EVEN")
        assert _label(db, "small") == "EVEN" and not _table(db, "small").is_auto


# ------------------------------------------------------------------ errors


def test_errors_leave_the_table_unchanged(db):
    t = _table(db, "a")
    before = t.rows_per_slice()
    with pytest.raises(CatalogError, match='column "nope" named in DISTKEY does not exist'):
        db.sql("ALTER TABLE a ALTER DISTKEY nope")
    with pytest.raises(CatalogError, match='relation "nope" does not exist'):
        db.sql("ALTER TABLE nope ALTER DISTSTYLE EVEN")
    with pytest.raises(CatalogError, match="system view"):
        db.sql("ALTER TABLE stl_query ALTER DISTSTYLE EVEN")
    assert t.rows_per_slice() == before and t.diststyle_label() == "KEY(k)"


def test_distkey_of_a_type_redshift_rejects(db):
    interval = DataType(TypeId.INTERVAL)
    d = TableDef("iv", [Field("a", INTEGER), Field("i", interval)], DistStyle.EVEN)
    db.session.catalog.create(d, Table(d, db.session.topology.n_slices))
    with pytest.raises(BinderError, match="cannot be a DISTKEY"):
        db.sql("ALTER TABLE iv ALTER DISTSTYLE KEY DISTKEY i")
    assert _label(db, "iv") == "EVEN"


def test_interleaved_sort_key_cannot_be_altered(db):
    db.sql("CREATE TABLE il (a INT, b INT) INTERLEAVED SORTKEY (a, b)")
    with pytest.raises(BinderError, match="INTERLEAVED"):
        db.sql("ALTER TABLE il ALTER SORTKEY (b)")
    with pytest.raises(BinderError, match="INTERLEAVED"):
        db.sql("ALTER TABLE il ALTER SORTKEY NONE")
    # its distribution can still change
    db.sql("ALTER TABLE il ALTER DISTSTYLE EVEN")
    assert _table(db, "il").definition.sortkey == ("a", "b")
