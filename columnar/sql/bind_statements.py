"""Binding statements: CREATE TABLE, CREATE TABLE AS, INSERT, ALTER TABLE and
CREATE VIEW, checked against the catalog.

Role: the DDL / DML half of the binder. :class:`StatementBinder` is a mixin of
:class:`columnar.sql.binder.Binder` (``class Binder(StatementBinder,
AggregateBinder)``), so ``Binder(...).bind_insert(stmt)`` and its siblings are
called by :mod:`columnar.api.session` as before; the methods use the host's
``error``, ``expr``, ``bind_query``, ``bind_values`` and ``catalog``. It also
defines the bound forms the binder returns: :class:`BoundQuery` (a logical
plan and its output names) and :class:`BoundInsert`.

Place in the pipeline: parser → AST → **binder** → logical plan (a
:class:`~columnar.storage.catalog.TableDef` / ``ViewDef`` for DDL) →
optimizer → physical planner / executor.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from columnar.core.errors import BinderError, CatalogError, NotSupportedError, ProgrammingError
from columnar.core.types import DataType, Field, TypeId, type_from_name
from columnar.sql import ast
from columnar.sql import bind_expr as bx
from columnar.sql import bind_setops
from columnar.sql.expr import BoundExpr, Const
from columnar.sql.logical import LogicalPlan, ValuesList
from columnar.storage.catalog import DistStyle, TableDef
from columnar.storage.encodings import assign_defaults, check_encoding


@dataclass
class BoundQuery:
    plan: LogicalPlan
    names: list


@dataclass
class BoundInsert:
    table: object
    positions: list  # table column position of each source column
    query: BoundQuery


#: Name of the hidden row-id column a DELETE/UPDATE target exposes to its own query
#: (a NUL byte: no identifier, quoted or not, can spell it).
ROWID_NAME = "\x00rowid"


@dataclass
class BoundDelete:
    """DELETE / UPDATE as a query: its first output column is the row id of each
    target row to mark; for UPDATE the others are the new values of the table
    columns at ``positions`` (columns set to DEFAULT are left out)."""

    table: object
    query: BoundQuery
    positions: list = dataclasses.field(default_factory=list)


class StatementBinder:
    """Statement binding, mixed into :class:`~columnar.sql.binder.Binder`."""

    def bind_create_table(self, s: ast.CreateTable) -> TableDef:
        fields, not_null, defaults = [], set(), {}
        col_distkeys = [c.name for c in s.columns if c.distkey]
        col_sortkeys = tuple(c.name for c in s.columns if c.sortkey)
        for c in s.columns:
            try:
                t = type_from_name(c.type.name, c.type.params)
            except ProgrammingError as e:
                raise self.error(type(e), str(e), c.pos) from None
            except NotSupportedError as e:
                raise self.error(NotSupportedError, str(e), c.pos) from None
            fields.append(Field(c.name, t, not (c.not_null or c.primary_key)))
            if c.not_null or c.primary_key or c.identity:
                not_null.add(c.name)
            if c.default is not None:
                d = self.expr(c.default, bx.Scope([]))
                if not isinstance(d, Const):
                    raise self.error(NotSupportedError, "DEFAULT must be a constant", c.default.pos)
                defaults[c.name] = bx.cast_to(d, t)
        a = s.attributes
        if len(col_distkeys) > 1:
            raise self.error(BinderError, "only one column can be the DISTKEY", s.pos)
        distkey = a.distkey
        if col_distkeys:
            if distkey is not None and distkey != col_distkeys[0]:
                raise self.error(BinderError, "DISTKEY given both on a column and as a table attribute", s.pos)
            distkey = col_distkeys[0]
        if a.sortkey and col_sortkeys:
            raise self.error(BinderError, "SORTKEY given both on columns and as a table attribute", s.pos)
        style = DistStyle(a.diststyle.upper()) if a.diststyle else DistStyle.AUTO
        if a.diststyle is None and distkey is not None:
            style = DistStyle.KEY
        primary_key = tuple(s.primary_key) or tuple(c.name for c in s.columns if c.primary_key)
        sortkey = tuple(a.sortkey or col_sortkeys)
        try:
            given = {c.name: check_encoding(c.name, f.type, c.encode) for c, f in zip(s.columns, fields) if c.encode}
            return TableDef(
                self.catalog.normalize(s.name), fields, style, distkey, sortkey,
                a.sortkey_style if a.sortkey_style != "AUTO" else None, frozenset(not_null), defaults,
                primary_key, assign_defaults(fields, sortkey, given),
            )
        except ProgrammingError as e:
            raise self.error(type(e), str(e), s.pos) from None

    def bind_ctas(self, s: ast.CreateTableAs) -> tuple[TableDef, BoundQuery]:
        bq = self.bind_query(s.query)
        names = list(bq.names)
        if s.column_names:
            if len(s.column_names) != len(names):
                raise self.error(BinderError, "CREATE TABLE AS column list does not match the query", s.pos)
            names = list(s.column_names)
        fields = []
        for n, f in zip(names, bq.plan.schema):
            t = f.type
            if t.is_null:
                t = DataType.varchar(256)
            if t.id is TypeId.INTERVAL:
                raise self.error(BinderError, f'column "{n}" has type interval, which a table cannot hold', s.pos)
            fields.append(Field(n, t))
        a = s.attributes
        style = DistStyle(a.diststyle.upper()) if a.diststyle else (DistStyle.KEY if a.distkey else DistStyle.AUTO)
        try:
            d = TableDef(self.catalog.normalize(s.name), fields, style, a.distkey, tuple(a.sortkey),
                         a.sortkey_style if a.sortkey_style != "AUTO" else None)
        except ProgrammingError as e:
            raise self.error(type(e), str(e), s.pos) from None
        return d, bq

    def bind_insert(self, s: ast.Insert) -> BoundInsert:
        try:
            table = self.catalog.get(s.table)
            self.catalog.refuse_external(table, "INSERT INTO")
        except (CatalogError, ProgrammingError) as e:
            raise self.error(type(e), str(e), s.pos) from None
        d = table.definition
        if s.columns:
            positions = []
            for c in s.columns:
                if c in (d.column_names[p] for p in positions):
                    raise self.error(BinderError, f'column "{c}" specified more than once', s.pos)
                try:
                    positions.append(d.index_of(c))
                except CatalogError as e:
                    raise self.error(CatalogError, str(e), s.pos) from None
        else:
            positions = list(range(len(d.fields)))
        fields = d.fields

        def default(p: int) -> BoundExpr:
            f = fields[p]
            return d.defaults.get(f.name) or Const(None, f.type)

        if s.source is None:  # INSERT INTO t DEFAULT VALUES
            row = [default(p) for p in positions]
            bq = BoundQuery(ValuesList([row], [Field(fields[p].name, e.type) for p, e in zip(positions, row)]),
                            [fields[p].name for p in positions])
        elif isinstance(s.source, ast.Values):
            bq = self.bind_values(s.source, [default(p) for p in positions])
        else:
            bq = self.bind_query(s.source)
        width = len(bq.plan.schema)
        if width > len(positions):
            raise self.error(BinderError, "INSERT has more expressions than target columns", s.pos)
        if width < len(positions):
            if s.columns:
                raise self.error(BinderError, "INSERT has more target columns than expressions", s.pos)
            positions = positions[:width]
        return BoundInsert(table, positions, bq)

    def _dml_target(self, name: str, alias, pos):
        if self.catalog.view(name) is not None:
            raise self.error(BinderError, f'cannot change view "{self.catalog.normalize(name)}"', pos)
        try:
            table = self.catalog.get(name)
            self.catalog.refuse_external(table, "UPDATE or DELETE")
        except (CatalogError, ProgrammingError) as e:
            raise self.error(type(e), str(e), pos) from None
        if getattr(table, "is_system_view", False):
            raise self.error(BinderError, f'cannot change system view "{self.catalog.normalize(name)}"', pos)
        return table, ast.TableName(name, alias, pos=pos)

    def bind_delete(self, s: ast.Delete) -> BoundDelete:
        """``DELETE FROM t [USING ...] WHERE ...`` as ``SELECT <row id of t> FROM t, ... WHERE ...``."""
        table, target = self._dml_target(s.table, s.alias, s.pos)
        self.rowid_target = target
        select = ast.Select((ast.SelectItem(ast.ColumnRef((ROWID_NAME,))),), (target,) + tuple(s.using), s.where)
        return BoundDelete(table, self.bind_query(select))

    def bind_update(self, s: ast.Update) -> BoundDelete:
        """``UPDATE t SET c = e ... [FROM ...] WHERE ...`` as ``SELECT <row id>, <new row> FROM t, ... WHERE ...``:
        the old rows are marked deleted and the new ones appended (Redshift's UPDATE)."""
        table, target = self._dml_target(s.table, s.alias, s.pos)
        d = table.definition
        assigned: dict = {}
        for column, value in s.assignments:
            try:
                p = d.index_of(column)
            except CatalogError as e:
                raise self.error(CatalogError, str(e), s.pos) from None
            if p in assigned:
                raise self.error(BinderError, f'multiple assignments to same column "{column}"', s.pos)
            assigned[p] = value
        qual = s.alias or self.catalog.normalize(s.table)
        positions, items = [], [ast.SelectItem(ast.ColumnRef((ROWID_NAME,)))]
        for p, f in enumerate(d.fields):
            value = assigned.get(p, ast.ColumnRef((qual, f.name)))
            if isinstance(value, ast.Default):
                continue  # filled with the column's DEFAULT when the rows are written
            positions.append(p)
            items.append(ast.SelectItem(value))
        self.rowid_target = target
        select = ast.Select(tuple(items), (target,) + tuple(s.from_), s.where)
        return BoundDelete(table, self.bind_query(select), positions)

    def bind_alter_table(self, s: ast.AlterTable) -> tuple:
        """``ALTER TABLE t ALTER DISTSTYLE/DISTKEY/SORTKEY``: the stored table and its new
        :class:`TableDef`, checked by ``TableDef.validate`` (DISTKEY column and type).

        The new definition says what the user asked for; where an ``AUTO`` table's rows
        go is decided when they are re-placed (``columnar.exec.dml.redistribute``).
        """
        try:
            name = self.catalog.normalize(s.table)
            if name not in self.catalog.names():
                if self.catalog.exists(name):
                    raise CatalogError(f'"{name}" is a system view and cannot be altered')
                raise CatalogError(f'relation "{name}" does not exist')
        except CatalogError as e:
            raise self.error(CatalogError, str(e), s.pos) from None
        table = self.catalog.get(name)
        try:
            self.catalog.refuse_external(table, "ALTER DISTSTYLE / DISTKEY / SORTKEY of")
        except ProgrammingError as e:
            raise self.error(ProgrammingError, str(e), s.pos) from None
        d = table.definition
        changes: dict = {}
        if s.diststyle is not None:
            style = DistStyle(s.diststyle)
            changes["diststyle"] = style
            changes["distkey"] = s.distkey if style is DistStyle.KEY else None
        if s.sortkey is not None:
            if d.sortkey_style == "INTERLEAVED":
                raise self.error(BinderError, f'cannot alter the sort key of table "{name}": '
                                 "an INTERLEAVED sort key cannot be altered", s.pos)
            changes["sortkey"] = tuple(s.sortkey)
            changes["sortkey_style"] = "COMPOUND" if s.sortkey_style == "COMPOUND" else None
        # validate() reads a DISTKEY on an AUTO table as DISTSTYLE KEY; an AUTO(KEY(c))
        # table whose distribution is not being changed keeps its automatic key as is.
        auto_key = d.distkey if d.diststyle is DistStyle.AUTO and "diststyle" not in changes else None
        if auto_key is not None:
            changes["distkey"] = None
        try:
            new = dataclasses.replace(d, **changes)
        except ProgrammingError as e:
            raise self.error(type(e), str(e), s.pos) from None
        if auto_key is not None:
            new.distkey = auto_key
        return table, new

    def bind_create_view(self, s) -> object:
        """``CREATE [OR REPLACE] VIEW``: the checked :class:`~columnar.storage.catalog.ViewDef`."""
        return bind_setops.bind_create_view(self, s)


__all__ = ["BoundInsert", "BoundQuery", "StatementBinder"]
