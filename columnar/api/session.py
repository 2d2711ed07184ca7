"""The life of a statement, as code.

Role: the short pipeline every statement goes through, each phase timed into
the statement's :class:`~columnar.exec.metrics.Metrics`:

1. **parse**: SQL text → AST (``columnar.sql.parser``, a lark grammar).
2. **bind**: names resolved against the catalog, expressions typed
   (``columnar.sql.binder``) → a logical plan.
3. **optimize**: ordered rewrite rules (``columnar.sql.optimizer``): filters
   pushed down, join keys extracted, unused columns pruned.
4. **plan**: the physical planner decides where rows must move: DS_DIST_NONE,
   DS_BCAST_INNER, ... (``columnar.exec.physical_planner``).
5. **execute**: each operator runs per slice; exchanges move rows through the
   simulated network; the leader gathers the result (``columnar.exec``).

DDL and DML (CREATE TABLE, INSERT, COPY, ...) share steps 1-2 and write
through ``columnar.exec.dml``, which places rows on slices per DISTSTYLE.

Every statement runs under :mod:`columnar.api.transactions`: all or nothing,
committed when it succeeds (autocommit) or at COMMIT after BEGIN, and written
to the database folder, if there is one (:mod:`columnar.storage.database`).
"""

from __future__ import annotations

from columnar.api.result import Result
from columnar.api.settings import Settings
from columnar.api.transactions import Transactions
from columnar.cluster.topology import Topology
from columnar.core.chunk import Batch, Column
from columnar.core.errors import (
    CatalogError, Error, InternalError, NotSupportedError, ProgrammingError,
)
from columnar.core.strings import StringArray
from columnar.core.types import NULL, VARCHAR
from columnar.exec import dml
from columnar.exec.cast import cast_column
from columnar.kernels.columns import take
from columnar.exec.evaluate import evaluate
from columnar.exec.executor import execute
from columnar.exec.spectrum import bill_external_scans
from columnar.exec import system_views
from columnar.exec.metrics import MetricsCollector
from columnar.exec.querylog import QueryLog, QueryRecord
from columnar.exec.explain import analyze_text, explain_text, verbose_text
from columnar.exec.physical_planner import PhysicalPlanner
from columnar.sql import ast
from columnar.sql.binder import Binder, BoundQuery
from columnar.sql.expr import Const
from columnar.sql.optimizer import optimize
from columnar.sql.parser import parse
from columnar.storage.catalog import Catalog, DistStyle, TableDef, ViewDef
from columnar.storage.statistics import analyze_table
from columnar.storage.table import Table


class Session:
    """Catalog + topology + settings of one connection, and the pipeline."""

    def __init__(self, topology: Topology, settings: Settings, database=None, s3: dict | None = None):
        self.topology = topology
        self.settings = settings
        # external tables: s3:// LOCATIONs use these endpoint / credential options, else the
        # environment (a relative local LOCATION is made absolute when the table is created)
        self.external_options = {"s3": dict(s3 or {})}
        self.catalog = Catalog()
        self.querylog = QueryLog()
        self._record: QueryRecord | None = None  # the statement being run
        self.transactions = Transactions(self, database)
        system_views.register(self)
        if database is not None:
            self.load_database()

    @property
    def in_transaction(self) -> bool:
        """Inside BEGIN ... COMMIT (VACUUM refuses to run there)."""
        return self.transactions.in_block

    def load_database(self) -> None:
        """(Re)build the catalog from the database folder's manifest."""
        from columnar.sql.parser import parse_one

        db = self.transactions.database
        db.reload()
        self.catalog.clear()
        for v in db.load_tables(self.catalog, self.topology.n_slices, Const):
            self.catalog.create_view(ViewDef(v["name"], v["sql"], tuple(v["column_names"]), parse_one(v["sql"])))

    # -- entry points -------------------------------------------------------------
    def run(self, sql: str, params=None) -> Result:
        """Run every statement of ``sql``; returns the last one's result."""
        metrics = MetricsCollector()
        with metrics.phase("parse"):
            statements = parse(sql)
        if not statements:
            raise ProgrammingError("no statement to execute")
        if params is not None and len(statements) > 1:
            raise ProgrammingError("parameters can only be used with a single statement")
        result = None
        for i, stmt in enumerate(statements):
            m = metrics if i == 0 else MetricsCollector()
            result = self.run_statement(stmt, sql, params, m)
        return result

    def run_statement(self, stmt, sql: str, params, metrics: MetricsCollector) -> Result:
        rec = self.querylog.open(sql.strip(), _statement_kind(stmt))
        self._record = rec
        try:
            result = self.transactions.run(stmt, lambda: self._dispatch(stmt, sql, params, metrics))
        except Error:
            self.querylog.close(rec, aborted=True)
            raise
        except RecursionError:
            self.querylog.close(rec, aborted=True)
            raise ProgrammingError("statement is too deeply nested") from None
        except Exception as e:  # a bug: never leak a bare Python error
            self.querylog.close(rec, aborted=True)
            raise InternalError(f"internal error: {type(e).__name__}: {e}") from e
        finally:
            self._record = None
        rec.metrics = result.metrics
        self.querylog.close(rec)
        return result

    # -- dispatch -------------------------------------------------------------------
    def _dispatch(self, stmt, sql, params, metrics) -> Result:
        binder = Binder(self.catalog, params, sql)
        binder.pseudo_columns = self.settings.spectrum_enable_pseudo_columns
        if isinstance(stmt, (ast.Select, ast.SetOperation, ast.With, ast.Values)):
            with metrics.phase("bind"):
                bq = binder.bind_query(stmt)
                binder.check_params()
            batch = self._run_query(bq, metrics)
            metrics.add("rows_returned", len(batch))
            return Result(list(bq.names), batch.columns, metrics.freeze(), rowcount=len(batch))
        if isinstance(stmt, ast.Explain):
            return self._explain(stmt, binder, metrics)
        if isinstance(stmt, ast.CreateTable):
            d = binder.bind_create_table(stmt)
            if stmt.if_not_exists and self.catalog.exists(d.name):
                return Result([], [], metrics.freeze(), message="CREATE TABLE")
            self.catalog.create(d, Table(d, self.topology.n_slices))
            return Result([], [], metrics.freeze(), message="CREATE TABLE")
        if isinstance(stmt, ast.CreateTableAs):
            return self._ctas(stmt, binder, metrics)
        if isinstance(stmt, ast.DropTable):
            for name in stmt.names:
                if stmt.if_exists and not self.catalog.exists(name):
                    continue
                self.catalog.drop(name)
            return Result([], [], metrics.freeze(), message="DROP TABLE")
        if isinstance(stmt, ast.CreateView):  # stored as its query text; bound where used
            self.catalog.create_view(binder.bind_create_view(stmt), replace=stmt.or_replace)
            return Result([], [], metrics.freeze(), message="CREATE VIEW")
        if isinstance(stmt, ast.DropView):
            for name in stmt.names:
                if not (stmt.if_exists and not self.catalog.exists(name)):
                    self.catalog.drop_view(name)
            return Result([], [], metrics.freeze(), message="DROP VIEW")
        if isinstance(stmt, ast.Truncate):
            table = self.catalog.get(stmt.table)
            self.catalog.refuse_external(table, "TRUNCATE")
            if getattr(table, "is_system_view", False):
                raise ProgrammingError(f'cannot truncate system view "{self.catalog.normalize(stmt.table)}"')
            table.clear()  # TRUNCATE reclaims space at once: no ghost rows
            if table.is_auto:  # an AUTO table starts over as AUTO(ALL), forgetting its chosen key
                table.effective_style = DistStyle.ALL
                table.definition = dml.auto_definition(table.definition, None)
            return Result([], [], metrics.freeze(), message="TRUNCATE TABLE")
        if isinstance(stmt, ast.AlterTable):
            table, definition = binder.bind_alter_table(stmt)
            with metrics.phase("redistribute"):
                rows, nbytes = dml.redistribute(table, definition, self.topology, self.settings.auto_all_max_rows)
            metrics.add("rows_redistributed", rows)
            metrics.add("bytes_redistributed", nbytes)
            return Result([], [], metrics.freeze(), message="ALTER TABLE")
        if isinstance(stmt, ast.Insert):
            return self._insert(stmt, binder, metrics)
        if isinstance(stmt, (ast.Delete, ast.Update)):
            return self._delete_or_update(stmt, binder, metrics)
        if isinstance(stmt, ast.Copy):
            from columnar.api.copy import run_copy  # pyarrow is loaded on first COPY only

            return run_copy(self, stmt, metrics)
        if isinstance(stmt, ast.Unload):
            from columnar.api.unload import run_unload  # pyarrow is loaded on first UNLOAD only

            return run_unload(self, stmt, metrics)
        if isinstance(stmt, (ast.CreateExternalSchema, ast.CreateExternalTable, ast.DropSchema,
                             ast.AlterPartitions, ast.MsckRepair, ast.AthenaCtas)):
            from columnar.api.external_ddl import run_external_ddl

            return run_external_ddl(self, stmt, binder, metrics)
        if isinstance(stmt, ast.Vacuum):
            from columnar.api.vacuum import run_vacuum

            return run_vacuum(self, stmt, metrics)
        if isinstance(stmt, ast.Analyze):
            from columnar.api.analyze import run_analyze

            return run_analyze(self, stmt, metrics)
        if isinstance(stmt, ast.SetVariable):
            self.settings.set(stmt.name, _set_value(stmt.value))
            return Result([], [], metrics.freeze(), message="SET")
        what = type(stmt).__name__.upper()
        raise NotSupportedError(f"{what} is not supported yet")

    # -- queries -------------------------------------------------------------------------
    def _physical(self, bq: BoundQuery, metrics: MetricsCollector, trace=None):
        with metrics.phase("optimize"):
            logical = optimize(bq.plan, trace=trace)
        with metrics.phase("plan"):
            physical = PhysicalPlanner(self.topology, self.settings.block_bytes, self.external_options).plan(logical)
        return logical, physical

    def _run_query(self, bq: BoundQuery, metrics: MetricsCollector) -> Batch:
        _, physical = self._physical(bq, metrics)
        steps: list = []
        if self._record is not None:
            self._record.plan, self._record.steps = physical, steps
        with metrics.phase("execute"):
            batch = execute(physical, self.topology, metrics, self.settings.threads, steps)
        bill_external_scans(physical, metrics)
        return batch

    def _explain(self, stmt: ast.Explain, binder: Binder, metrics) -> Result:
        inner = stmt.statement
        if isinstance(inner, ast.Insert):
            bq = binder.bind_insert(inner).query
        elif isinstance(inner, ast.CreateTableAs):
            bq = binder.bind_ctas(inner)[1]
        elif isinstance(inner, (ast.Select, ast.SetOperation, ast.With, ast.Values)):
            bq = binder.bind_query(inner)
        else:
            raise ProgrammingError(f"EXPLAIN is not available for {type(inner).__name__.upper()} (only queries, INSERT and CREATE TABLE AS)")
        trace: list = []
        logical, physical = self._physical(bq, metrics, trace)
        steps = None
        if stmt.analyze:  # the only EXPLAIN that runs the query (for INSERT / CTAS: the query part only)
            steps = []
            with metrics.phase("execute"):
                execute(physical, self.topology, metrics, self.settings.threads, steps)
            bill_external_scans(physical, metrics)
        if stmt.verbose:
            text = verbose_text(bq.plan, trace, logical, physical, self.topology, steps)
        elif steps is not None:
            text = analyze_text(physical, steps, self.topology)
        else:
            text = explain_text(physical, self.topology)
        col = Column(VARCHAR, StringArray.from_pylist(text.split("\n")))
        return Result(["QUERY PLAN"], [col], metrics.freeze(), rowcount=len(col))

    # -- DML ----------------------------------------------------------------------------
    def _ctas(self, stmt: ast.CreateTableAs, binder: Binder, metrics) -> Result:
        definition, bq = binder.bind_ctas(stmt)
        if self.catalog.exists(definition.name):
            if stmt.if_not_exists:
                return Result([], [], metrics.freeze(), message="CREATE TABLE AS")
            raise CatalogError(f'relation "{definition.name}" already exists')
        batch = self._run_query(bq, metrics)
        table = Table(definition, self.topology.n_slices)
        columns = [cast_column(c, f.type) if c.type != f.type else c for c, f in zip(batch.columns, definition.fields)]
        dml.place_rows(table, columns, self.topology, self.settings.auto_all_max_rows, copy=True)
        if len(batch):
            analyze_table(table)  # Redshift analyzes a table CREATE TABLE AS fills
        self.catalog.create(definition, table)
        return Result([], [], metrics.freeze(), rowcount=len(batch), message="CREATE TABLE AS")

    def _insert(self, stmt: ast.Insert, binder: Binder, metrics) -> Result:
        bound = binder.bind_insert(stmt)
        binder.check_params()
        batch = self._run_query(bound.query, metrics)
        table = bound.table
        columns = self.table_columns(table, bound.positions, batch.columns, len(batch))
        dml.check_not_null(table, columns)
        dml.place_rows(table, columns, self.topology, self.settings.auto_all_max_rows)
        return Result([], [], metrics.freeze(), rowcount=len(batch), message=f"INSERT 0 {len(batch)}")

    def _delete_or_update(self, stmt, binder: Binder, metrics) -> Result:
        """DELETE marks the target rows its query finds (ghost rows); UPDATE marks them
        and appends the new versions (to the unsorted region)."""
        update = isinstance(stmt, ast.Update)
        bound = binder.bind_update(stmt) if update else binder.bind_delete(stmt)
        binder.check_params()
        batch = self._run_query(bound.query, metrics)
        rowids, first = dml.unique_rowids(batch.columns[0].data)
        table = bound.table
        if update:
            new = [take(c, first) for c in batch.columns[1:]]
            columns = self.table_columns(table, bound.positions, new, len(rowids))
            dml.check_not_null(table, columns)
        n = dml.mark_deleted(table, rowids, self.topology)
        metrics.add("rows_deleted", n)
        if update:
            dml.place_rows(table, columns, self.topology, self.settings.auto_all_max_rows)
            return Result([], [], metrics.freeze(), rowcount=n, message=f"UPDATE {n}")
        return Result([], [], metrics.freeze(), rowcount=n, message=f"DELETE {n}")

    def table_columns(self, table: Table, positions: list[int], given: list[Column], n: int) -> list[Column]:
        """Source columns cast to the table's types, in table order; columns not
        given take their DEFAULT or NULL."""
        out: list[Column] = []
        by_pos = dict(zip(positions, given))
        one = Batch([], n)
        for p, f in enumerate(table.fields):
            if p in by_pos:
                c = by_pos[p]
                out.append(c if c.type == f.type else cast_column(c, f.type, truncate=False))
            elif f.name in table.definition.defaults:
                out.append(evaluate(table.definition.defaults[f.name], one))
            else:
                col = cast_column(evaluate(_null_const(), one), f.type)
                out.append(col)
        return out

    # -- registration -----------------------------------------------------------------
    def register(self, name: str, columns: list[Column], fields: list, diststyle: str = "AUTO",
                 distkey: str | None = None, sortkey=()) -> None:
        style = DistStyle(diststyle.upper())
        d = TableDef(self.catalog.normalize(name), fields, style, distkey, tuple(sortkey))

        def replace() -> None:
            if self.catalog.exists(d.name):
                self.catalog.drop(d.name)
            table = Table(d, self.topology.n_slices)
            dml.place_rows(table, columns, self.topology, self.settings.auto_all_max_rows, copy=True)
            self.catalog.create(d, table)

        self.transactions.write(replace)  # committed like a statement (saved in a database folder)


def _statement_kind(stmt) -> str:
    """``CREATE TABLE``, ``SELECT``, ... as STL_QUERY would label the statement."""
    names = {
        "Select": "SELECT", "SetOperation": "SELECT", "With": "SELECT", "Values": "SELECT",
        "CreateTable": "CREATE TABLE", "CreateTableAs": "CREATE TABLE AS", "DropTable": "DROP TABLE",
        "CreateView": "CREATE VIEW", "DropView": "DROP VIEW",
        "Insert": "INSERT", "Copy": "COPY", "Unload": "UNLOAD", "Delete": "DELETE", "Update": "UPDATE",
        "Truncate": "TRUNCATE", "Explain": "EXPLAIN", "SetVariable": "SET", "Transaction": "TRANSACTION",
        "AlterTable": "ALTER TABLE", "Vacuum": "VACUUM", "Analyze": "ANALYZE",
        "CreateExternalSchema": "CREATE EXTERNAL SCHEMA", "CreateExternalTable": "CREATE EXTERNAL TABLE",
        "DropSchema": "DROP SCHEMA", "AlterPartitions": "ALTER TABLE", "MsckRepair": "MSCK REPAIR TABLE",
        "AthenaCtas": "CREATE TABLE AS",
    }
    return names.get(type(stmt).__name__, type(stmt).__name__.upper())


def _null_const():
    return Const(None, NULL)


def _set_value(v):
    if isinstance(v, ast.Literal):
        return v.value
    if isinstance(v, Const):
        return v.value
    return v


__all__ = ["Session"]
