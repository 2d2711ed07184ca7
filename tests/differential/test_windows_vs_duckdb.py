"""Window functions against DuckDB on random data, cluster shapes and DISTSTYLEs.

Each example draws a small table (a partition key ``g``, INT ``i``, DECIMAL(10,2)
``d``, VARCHAR ``s`` and a unique row number ``k``), loads it into a columnar
cluster of a random shape and DISTSTYLE (so XN Window runs after a redistribution,
with no movement, or at the leader) and into DuckDB, and compares one query with a
batch of window functions. Every ORDER BY ends with the unique ``k``, so each
function is deterministic; frames are written out (Redshift requires one for
aggregates with ORDER BY). Known dialect differences are written into the DuckDB
side (NULL ordering is spelled out: DuckDB puts NULLs last even for DESC):
Redshift's AVG of an INT is a truncated BIGINT (DuckDB: ``trunc(avg)``), its AVG
of a DECIMAL keeps the scale, rounded half away from zero (DuckDB: ``round``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TwinTables, examples

pytestmark = pytest.mark.differential

duckdb = pytest.importorskip("duckdb")

COLUMNS = [("g", "INT"), ("i", "INT"), ("d", "DECIMAL(10,2)"), ("s", "VARCHAR(6)")]
LAYOUTS = ["DISTSTYLE EVEN", "DISTSTYLE KEY DISTKEY (g)", "DISTSTYLE KEY DISTKEY (k)", "DISTSTYLE ALL", ""]
SHAPES = [(1, 1), (2, 2), (3, 2)]
SETTINGS = settings(max_examples=examples(150), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def nullable(strategy):
    return st.one_of(st.none(), strategy, strategy, strategy)


VALUES = {
    "g": st.integers(0, 3),
    "i": st.one_of(st.integers(-5, 5), st.integers(-1000, 1000)),
    "d": st.integers(-100_000, 100_000).map(lambda n: Decimal(n).scaleb(-2)),
    "s": st.text(alphabet="abc", max_size=4),
}


@st.composite
def tables(draw, max_rows: int = 25):
    n = draw(st.integers(0, max_rows))
    return [tuple(draw(nullable(VALUES[c])) for c, _ in COLUMNS) for _ in range(n)]


FRAMES = ["ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW",
          "ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING", "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
          "ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING", "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING",
          "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"]


def window_sql(partition: str, order: str, frame: str) -> tuple[list[str], list[str]]:
    part = f"PARTITION BY {partition} " if partition else ""
    over = f"OVER ({part}ORDER BY {order}, k)"
    framed = f"OVER ({part}ORDER BY {order}, k {frame})"
    peers = f"OVER ({part}ORDER BY {order} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"  # with ties
    whole = f"OVER ({part.strip()})"
    common = [f"ROW_NUMBER() {over}", f"RANK() OVER ({part}ORDER BY {order})",
              f"DENSE_RANK() OVER ({part}ORDER BY {order})", f"NTILE(3) {over}",
              f"PERCENT_RANK() OVER ({part}ORDER BY {order})", f"CUME_DIST() OVER ({part}ORDER BY {order})",
              f"LAG(i) {over}", f"LEAD(s, 2) {over}", f"LAG(d, 1, 0) {over}",
              f"SUM(i) {framed}", f"COUNT(i) {framed}", f"COUNT(*) {framed}", f"MIN(s) {framed}",
              f"MAX(d) {framed}", f"SUM(d) {peers}", f"FIRST_VALUE(i) {framed}", f"LAST_VALUE(s) {framed}",
              f"NTH_VALUE(d, 2) {framed}", f"SUM(i) {whole}", f"MAX(i) {whole}", f"COUNT(*) {whole}"]
    ours = common + [f"AVG(i) {framed}", f"AVG(d) {whole}"]
    theirs = common + [f"CAST(TRUNC(AVG(i) {framed}) AS BIGINT)", f"ROUND(AVG(d) {whole}, 2)"]
    return ours, theirs


class Engines(TwinTables):
    def __init__(self, rows, layout: str, shape: tuple[int, int]):
        super().__init__(COLUMNS, rows, layout, shape)

    def check(self, compare, ours: list[str], theirs: list[str], where: str = "") -> None:
        tail = (f" WHERE {where}" if where else "") + " ORDER BY k"
        q_ours = f"SELECT k, {', '.join(ours)} FROM t{tail}"
        q_theirs = f"SELECT k, {', '.join(theirs)} FROM t{tail}"
        a = self.db.sql(q_ours).fetchall()
        e = self.duck.execute(q_theirs).fetchall()
        compare(a, e, ordered=True, context=f"columnar: {q_ours}\nduckdb:   {q_theirs}\n-- {self.context}")

    def close(self) -> None:
        self.db.close()
        self.duck.close()


@SETTINGS
@given(rows=tables(), layout=st.sampled_from(LAYOUTS), shape=st.sampled_from(SHAPES),
       partition=st.sampled_from(["", "g", "g, s", "g % 2"]),
       order=st.sampled_from(["i", "d DESC NULLS FIRST", "s, i DESC NULLS LAST", "g NULLS FIRST"]), frame=st.sampled_from(FRAMES),
       where=st.sampled_from(["", "i > 0"]))
def test_windows_match_duckdb(rows, layout, shape, partition, order, frame, where, compare):
    engines = Engines(rows, layout, shape)
    try:
        ours, theirs = window_sql(partition, order, frame)
        engines.check(compare, ours, theirs, where)
    finally:
        engines.close()


def test_windows_over_group_by_and_qualify(compare):
    rows = [(1, 3, Decimal("1.25"), "x"), (1, 5, Decimal("1.30"), ""), (2, None, None, None),
            (2, 7, Decimal("-2.00"), "y"), (3, 7, Decimal("4.00"), "y"), (None, 1, Decimal("0.50"), "z")]
    engines = Engines(rows, "DISTSTYLE KEY DISTKEY (k)", (2, 2))
    try:
        q = ("SELECT g, SUM(i) AS si, RANK() OVER (ORDER BY SUM(i) DESC NULLS LAST, g) AS r, "
             "SUM(SUM(i)) OVER (ORDER BY g ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run "
             "FROM t GROUP BY g ORDER BY g")
        compare(engines.db.sql(q).fetchall(), engines.duck.execute(q).fetchall(), ordered=True, context=q)
        q = "SELECT g, k, i FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY g ORDER BY i DESC NULLS FIRST, k) = 1 ORDER BY k"
        compare(engines.db.sql(q).fetchall(), engines.duck.execute(q).fetchall(), ordered=True, context=q)
    finally:
        engines.close()
