"""A hash join (inner, LEFT or FULL) whose inner (build) side is much larger than its outer
side on every slice builds its table on the outer side at run time
(``join_batches``); the result must not change. Checked against DuckDB for
several layouts and cluster shapes, with duplicate keys on both sides, NULL
keys, multi-column keys and a residual condition.
"""

from __future__ import annotations

import random
from collections import Counter

import pyarrow as pa
import pytest

import columnar
from columnar.exec.operators import hash_join as HJ

duckdb = pytest.importorskip("duckdb")


def _data():
    rnd = random.Random(99)
    # outer side: 40 rows over 10 keys (duplicates), a few NULL keys
    small = [(i, None if i % 13 == 0 else rnd.randrange(10), rnd.randrange(3), rnd.randint(0, 100))
             for i in range(40)]
    # inner side: 3000 rows over 15 keys (many duplicates), a few NULL keys
    big = [(i, None if i % 101 == 0 else rnd.randrange(15), rnd.randrange(3), rnd.randint(0, 100))
           for i in range(3000)]
    return small, big


SMALL, BIG = _data()
COLUMNS = ["id", "k", "g", "v"]


def _arrow(rows) -> pa.Table:
    return pa.table({c: pa.array([r[i] for r in rows], pa.int32()) for i, c in enumerate(COLUMNS)})


LAYOUTS = {
    "key": ("DISTKEY (k)", "DISTKEY (k)"),
    "even": ("DISTSTYLE EVEN", "DISTSTYLE EVEN"),
    "all_inner": ("DISTSTYLE EVEN", "DISTSTYLE ALL"),
    "all_both": ("DISTSTYLE ALL", "DISTSTYLE ALL"),
}

QUERIES = {
    "residual": "SELECT s.id, s.k, s.v, b.id, b.v FROM small s JOIN big b ON s.k = b.k AND s.v < b.v",
    "plain": "SELECT s.id, b.id, b.g FROM small s JOIN big b ON s.k = b.k",
    "two_keys_residual": ("SELECT s.id, b.id, s.v + b.v FROM small s JOIN big b "
                          "ON s.k = b.k AND s.g = b.g AND b.v - s.v BETWEEN -20 AND 20"),
    "where_residual": ("SELECT s.k, COUNT(*), SUM(b.v) FROM small s, big b "
                       "WHERE s.k = b.k AND s.g <> b.g GROUP BY s.k"),
}


@pytest.fixture(scope="module")
def duck():
    con = duckdb.connect()
    for name, rows in (("small", SMALL), ("big", BIG)):
        con.register(f"src_{name}", _arrow(rows))
        con.execute(f"CREATE TABLE {name} (id INT, k INT, g INT, v INT)")
        con.execute(f"INSERT INTO {name} SELECT * FROM src_{name}")
    yield con
    con.close()


@pytest.fixture(scope="module", params=[(1, 1), (2, 2)], ids=["1x1", "2x2"])
def cluster(request):
    return request.param


@pytest.fixture(params=list(LAYOUTS))
def db(request, cluster):
    small_dist, big_dist = LAYOUTS[request.param]
    con = columnar.connect(nodes=cluster[0], slices_per_node=cluster[1])
    for name, rows, dist in (("small", SMALL, small_dist), ("big", BIG, big_dist)):
        con.execute(f"CREATE TABLE {name} (id INT, k INT, g INT, v INT) {dist}")
        con.register(f"src_{name}", _arrow(rows))
        con.execute(f"INSERT INTO {name} SELECT * FROM src_{name}")
    yield con
    con.close()


@pytest.fixture
def build_sizes(monkeypatch):
    """(build rows, probe rows) of every hash_join_int64 call of the HashJoin operator."""
    calls = []
    original = HJ.hash_join_int64

    def spy(build, probe):
        calls.append((len(build), len(probe)))
        return original(build, probe)

    monkeypatch.setattr(HJ, "hash_join_int64", spy)
    return calls


def inner_side_scans(db, sql: str) -> list[str]:
    """Tables scanned under the join's ``XN Hash`` (its planned build side)."""
    lines = [r[0] for r in db.sql("EXPLAIN " + sql).fetchall()]
    hashes = [i for i, line in enumerate(lines) if line.strip().startswith("->  XN Hash  ")]
    assert len(hashes) == 1, "\n".join(lines)
    at = lines[hashes[0]].find("XN Hash")
    out = []
    for line in lines[hashes[0] + 1:]:
        pos = line.find("XN ")
        if 0 <= pos <= at:
            break
        if "Seq Scan on " in line:
            out.append(line.split("Seq Scan on ")[1].split()[0])
    return out


@pytest.mark.parametrize("name", list(QUERIES))
def test_inner_join_with_larger_inner_side(db, duck, build_sizes, name):
    sql = QUERIES[name]
    # the planner builds on ``big`` (FROM order, two inputs) ...
    assert inner_side_scans(db, sql) == ["big"]
    got = Counter(tuple(r) for r in db.sql(sql).fetchall())
    expected = Counter(tuple(r) for r in duck.execute(sql).fetchall())
    assert got == expected
    assert sum(got.values()) > 0
    # ... but at run time every slice builds its hash table on the smaller (outer) side
    assert build_sizes, "no hash join ran"
    assert all(b <= p for b, p in build_sizes), build_sizes
    assert any(b < p for b, p in build_sizes), build_sizes


@pytest.mark.parametrize("kind", ["LEFT", "FULL"])
def test_outer_join_swaps_and_keeps_unmatched_rows(db, duck, build_sizes, kind):
    # LEFT and FULL joins hash the smaller side too; the unmatched rows they keep
    # are found from the pairs either way: same rows as DuckDB, NULL-extended ones included
    sql = f"SELECT s.id, b.id FROM small s {kind} JOIN big b ON s.k = b.k AND s.v < b.v - 50"
    got = Counter(tuple(r) for r in db.sql(sql).fetchall())
    expected = Counter(tuple(r) for r in duck.execute(sql).fetchall())
    assert got == expected
    assert any(r[1] is None for r in got)  # NULL keys and unmatched rows come back NULL-extended
    if kind == "FULL":
        assert any(r[0] is None for r in got)
    assert build_sizes and all(b <= p for b, p in build_sizes), build_sizes
