"""Set operations, CTEs and views below the SQL surface: bound and optimized plans,
parameters, scoping, the catalog's view API and the set-operation kernels."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import columnar
from columnar.core.chunk import Batch, Column
from columnar.core.errors import CatalogError
from columnar.core.types import INTEGER
from columnar.exec.operators import hash_setop
from columnar.exec.operators.unique import distinct_rows
from columnar.sql import bind_setops, logical as L
from columnar.sql.binder import Binder
from columnar.sql.optimizer import optimize
from columnar.sql.parser import parse_one
from columnar.storage.catalog import Catalog, ViewDef


@pytest.fixture
def db():
    with columnar.connect() as conn:
        conn.execute("CREATE TABLE t (a INT, b VARCHAR(5), c DECIMAL(6,2)) DISTSTYLE KEY DISTKEY (a)")
        conn.execute("CREATE TABLE u (a BIGINT, b CHAR(3), c INT) DISTSTYLE EVEN")
        conn.execute("INSERT INTO t VALUES (1, 'x', 1.50), (2, 'y', NULL), (NULL, NULL, 3.00)")
        conn.execute("INSERT INTO u VALUES (2, 'y', 7), (5, 'z', NULL)")
        yield conn


def bind(db, sql, params=None):
    return Binder(db.session.catalog, params, sql).bind_query(parse_one(sql))


def nodes(plan):
    yield plan
    for c in plan.children():
        yield from nodes(c)


# --------------------------------------------------------------------------- binding


def test_set_operation_binds_to_setop_with_unified_types(db):
    bq = bind(db, "SELECT a, b, c FROM t UNION ALL SELECT a, b, c FROM u")
    assert isinstance(bq.plan, L.SetOp) and bq.plan.op == "union" and bq.plan.all
    assert bq.names == ["a", "b", "c"]
    assert [t.sql() for t in bq.plan.types] == ["BIGINT", "VARCHAR(5)", "DECIMAL(12,2)"]
    # both inputs carry exactly the output types (the casts sit in their projections)
    assert bq.plan.left.types == bq.plan.types == bq.plan.right.types


def test_order_by_and_limit_wrap_the_whole_set_operation(db):
    bq = bind(db, "SELECT a FROM t INTERSECT SELECT a FROM u ORDER BY a DESC LIMIT 1 OFFSET 1")
    assert isinstance(bq.plan, L.Limit) and (bq.plan.limit, bq.plan.offset) == (1, 1)
    sort = bq.plan.input
    assert isinstance(sort, L.Sort) and sort.keys[0].desc and sort.keys[0].nulls_first
    assert isinstance(sort.input, L.SetOp) and sort.input.op == "intersect"


def test_parameters_in_set_operations_and_ctes(db):
    assert db.sql("SELECT ? UNION ALL SELECT ? ORDER BY 1", [2, 1]).fetchall() == [(1,), (2,)]
    # a CTE referenced twice binds its parameter twice; it is still one parameter
    assert db.sql("WITH p AS (SELECT ? AS v) SELECT x.v, y.v FROM p x, p y", [7]).fetchall() == [(7, 7)]
    with pytest.raises(columnar.ProgrammingError):
        db.sql("WITH p AS (SELECT ? AS v) SELECT v FROM p", [])


def test_cte_scope_does_not_leak_after_an_error(db):
    with pytest.raises(columnar.Error):
        db.sql("WITH zz AS (SELECT 1 AS v) SELECT nope FROM zz")
    with pytest.raises(columnar.Error, match='relation "zz" does not exist'):
        db.sql("SELECT * FROM zz")
    assert bind_setops.lookup_cte("zz") is None


def test_cte_is_inlined_at_each_reference(db):
    bq = bind(db, "WITH c AS (SELECT a FROM t) SELECT x.a FROM c x JOIN c y ON x.a = y.a")
    scans = [n for n in nodes(bq.plan) if isinstance(n, L.Scan)]
    assert [s.table.name for s in scans] == ["t", "t"]
    assert scans[0] is not scans[1]  # fresh plan objects: the optimizer may rewrite each


def test_view_reference_binds_its_stored_query(db):
    db.execute("CREATE VIEW v (k) AS SELECT a FROM t WHERE a > 1")
    bq = bind(db, "SELECT k FROM v")
    assert bq.names == ["k"]
    assert [n.table.name for n in nodes(bq.plan) if isinstance(n, L.Scan)] == ["t"]
    view = db.session.catalog.view("v")
    assert view.sql == "SELECT a FROM t WHERE a > 1" and view.column_names == ("k",)


def test_view_error_carets_point_into_the_view_text(db):
    db.execute("CREATE VIEW v AS SELECT a,\n  b FROM t")
    db.execute("DROP TABLE t")
    db.execute("CREATE TABLE t (a INT)")
    with pytest.raises(columnar.Error) as e:
        db.sql("SELECT * FROM v")
    assert str(e.value).startswith('view "v": column "b" does not exist')
    assert "LINE 2:   b FROM t" in str(e.value)


# --------------------------------------------------------------------------- optimizer


def test_union_all_prunes_its_inputs_to_the_needed_columns(db):
    plan = optimize(bind(db, "SELECT b FROM (SELECT a, b, c FROM t UNION ALL SELECT a, b, c FROM u) s").plan)
    setop = next(n for n in nodes(plan) if isinstance(n, L.SetOp))
    assert [f.name for f in setop.schema] == ["b"]
    scans = [n for n in nodes(plan) if isinstance(n, L.Scan)]
    assert all(len(s.columns) == 1 for s in scans)


def test_distinct_set_operations_keep_every_column(db):
    plan = optimize(bind(db, "SELECT b FROM (SELECT a, b FROM t UNION SELECT a, b FROM u) s").plan)
    setop = next(n for n in nodes(plan) if isinstance(n, L.SetOp))
    assert len(setop.schema) == 2


def test_filters_go_into_both_union_inputs_but_only_the_left_of_except(db):
    plan = optimize(bind(db, "SELECT * FROM (SELECT a FROM t UNION ALL SELECT a FROM u) s WHERE a > 1").plan)
    setop = next(n for n in nodes(plan) if isinstance(n, L.SetOp))
    assert all(any(isinstance(n, L.Filter) for n in nodes(side)) for side in (setop.left, setop.right))
    plan = optimize(bind(db, "SELECT * FROM (SELECT a FROM t EXCEPT SELECT a FROM u) s WHERE a > 1").plan)
    setop = next(n for n in nodes(plan) if isinstance(n, L.SetOp))
    assert any(isinstance(n, L.Filter) for n in nodes(setop.left))
    assert not any(isinstance(n, L.Filter) for n in nodes(setop.right))


# --------------------------------------------------------------------------- catalog


def test_catalog_views_share_the_table_namespace():
    cat = Catalog()
    cat.create_view(ViewDef("public.v", "SELECT 1"))
    assert cat.view("v").name == "v" and cat.view("other.v") is None
    assert cat.exists("v") and cat.names() == [] and cat.view_names() == ["v"]
    with pytest.raises(CatalogError, match="is a view, not a table"):
        cat.get("v")
    with pytest.raises(CatalogError, match="already exists"):
        cat.create_view(ViewDef("v", "SELECT 2"))
    cat.create_view(ViewDef("v", "SELECT 2"), replace=True)
    assert cat.view("v").sql == "SELECT 2"
    with pytest.raises(CatalogError, match="use DROP VIEW"):
        cat.drop("v")
    cat.drop_view("v")
    with pytest.raises(CatalogError, match='view "v" does not exist'):
        cat.drop_view("v")


def test_connection_tables_lists_no_views(db):
    db.execute("CREATE VIEW v AS SELECT 1 AS one")
    assert db.tables() == ["t", "u"]


# --------------------------------------------------------------------------- kernels


def _batch(values, validity=None):
    return Batch([Column(INTEGER, np.array(values, dtype=np.int32), None if validity is None else np.array(validity))],
                 len(values))


def test_set_operation_kernels_count_per_side():
    left = _batch([1, 1, 1, 2, 0, 0], [True, True, True, True, False, False])
    right = _batch([1, 2, 2, 0], [True, True, True, False])

    def run(op, all_):
        out = hash_setop.HashSetOp(None, None, op, all_, [], None).combine(left, right).columns[0]
        return [None if not v else int(x) for x, v in zip(out.data, out.is_valid())]

    assert run("intersect", False) == [1, 2, None]
    assert run("intersect", True) == [1, 2, None]
    assert run("except", False) == []
    assert run("except", True) == [1, 1, None]
    assert distinct_rows(left).columns[0].data.tolist()[:2] == [1, 2] and len(distinct_rows(left)) == 3


def test_doctests_of_the_new_modules():
    for module in (hash_setop,):
        assert doctest.testmod(module).failed == 0
