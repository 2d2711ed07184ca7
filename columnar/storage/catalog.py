"""The catalog: table definitions with their Redshift distribution and sort metadata.

Role: the binder resolves names here; the physical planner reads DISTSTYLE and
DISTKEY to decide what a join must move; the executor finds each table's
per-slice data (:class:`~columnar.storage.table.Table`).

``DistStyle`` and the sort key are *metadata* here. Their behaviour, i.e.
where a row goes, lives in :mod:`columnar.cluster.distribution`.

Views (:class:`ViewDef`) share the namespace of tables: a view and a table
cannot have the same name. A view is stored as the text of its query (and
that query parsed, an opaque object here: the binder's business, see
:mod:`columnar.sql.bind_setops`); it is bound again each time it is used.

External schemas (``CREATE EXTERNAL SCHEMA``) hold external tables, named
``schema.table`` (:mod:`columnar.storage.external`).

Simplified versus Redshift: one database and one local schema (``public``; a
``public.`` prefix is accepted and ignored); no temp-table scoping; no
dependency tracking between views and tables (every view is late-binding:
dropping a table a view reads is allowed).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional

from columnar.core.errors import BinderError, CatalogError, ProgrammingError
from columnar.core.types import DataType, Field, TypeId


class DistStyle(enum.Enum):
    AUTO = "AUTO"
    EVEN = "EVEN"
    KEY = "KEY"
    ALL = "ALL"


# Types Redshift accepts as a DISTKEY (CREATE TABLE docs).
_DISTKEY_TYPES = {
    TypeId.BOOLEAN, TypeId.REAL, TypeId.DOUBLE, TypeId.SMALLINT, TypeId.INTEGER, TypeId.BIGINT,
    TypeId.DECIMAL, TypeId.DATE, TypeId.TIMESTAMP, TypeId.CHAR, TypeId.VARCHAR,
}
#: Scan column position of the hidden row id (``slice << ROWID_SHIFT | row``) that
#: DELETE and UPDATE read to know which stored rows to mark.
ROWID = -1
ROWID_SHIFT = 40

MAX_INTERLEAVED_COLUMNS = 8
MAX_COMPOUND_COLUMNS = 400


@dataclass
class TableDef:
    """What CREATE TABLE said. ``diststyle`` is what the user asked for;
    the effective style of an AUTO table is kept on the stored table."""

    name: str
    fields: list
    diststyle: DistStyle = DistStyle.AUTO
    distkey: Optional[str] = None
    sortkey: tuple = ()
    sortkey_style: Optional[str] = None  # COMPOUND | INTERLEAVED | None
    not_null: frozenset = frozenset()
    defaults: dict = field(default_factory=dict)  # column name -> bound Const
    primary_key: tuple = ()  # declared, not enforced (Redshift); AUTO may pick a DISTKEY from it
    encodings: dict = field(default_factory=dict)  # column name -> ENCODE given in CREATE TABLE

    def __post_init__(self):
        self.validate()

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def index_of(self, column: str) -> int:
        for i, f in enumerate(self.fields):
            if f.name == column:
                return i
        raise CatalogError(f'column "{column}" of relation "{self.name}" does not exist')

    def validate(self) -> None:
        """Check the Redshift rules for table attributes (errors as Redshift words them)."""
        seen = set()
        for f in self.fields:
            if f.name in seen:
                raise CatalogError(f'column "{f.name}" specified more than once')
            seen.add(f.name)
        if self.diststyle is DistStyle.KEY and self.distkey is None:
            raise BinderError("DISTSTYLE KEY requires a DISTKEY column")
        if self.distkey is not None:
            if self.diststyle not in (DistStyle.KEY, DistStyle.AUTO):
                raise BinderError(f"DISTKEY cannot be used with DISTSTYLE {self.diststyle.value}")
            if self.distkey not in seen:
                raise CatalogError(f'column "{self.distkey}" named in DISTKEY does not exist')
            t = self.fields[self.index_of(self.distkey)].type
            if t.id not in _DISTKEY_TYPES:
                raise BinderError(f"column {self.distkey} of type {t.sql()} cannot be a DISTKEY")
            self.diststyle = DistStyle.KEY
        for c in self.sortkey:
            if c not in seen:
                raise CatalogError(f'column "{c}" named in SORTKEY does not exist')
        limit = MAX_INTERLEAVED_COLUMNS if self.sortkey_style == "INTERLEAVED" else MAX_COMPOUND_COLUMNS
        if len(self.sortkey) > limit:
            raise BinderError(f"{self.sortkey_style or 'COMPOUND'} SORTKEY allows at most {limit} columns")


@dataclass
class ViewDef:
    """What CREATE VIEW said: the query's text (``sql``), its parsed form
    (``query``, a ``columnar.sql.ast`` node) and the column names given in
    ``CREATE VIEW v (a, b)``."""

    name: str
    sql: str
    column_names: tuple = ()
    query: object = None


class Catalog:
    """Tables by name (lower case, ``public.`` prefix ignored).

    Example:
        >>> from columnar.core.types import INTEGER
        >>> cat = Catalog()
        >>> t = cat.create(TableDef("t", [Field("a", INTEGER)]), storage=object())
        >>> cat.get("public.t") is t
        True
    """

    FIRST_TABLE_ID = 100_100  # user tables get ids from here, as Redshift's are six digits

    def __init__(self):
        self._tables: dict[str, object] = {}
        self._virtual: dict[str, object] = {}  # system views: name -> factory() -> table
        self._views: dict[str, ViewDef] = {}  # user views (CREATE VIEW)
        self._schemas: dict[str, object] = {}  # external schemas: name -> ExternalSchema
        self._external: dict[str, object] = {}  # "schema.table" -> ExternalTable
        self._next_id = self.FIRST_TABLE_ID

    def register_virtual(self, name: str, factory) -> None:
        """A read-only relation computed when a query names it (the system views)."""
        self._virtual[name.lower()] = factory

    def normalize(self, name: str) -> str:
        if name.startswith("public."):
            name = name[len("public."):]
        if "." in name:
            schema = name.split(".")[0]
            if schema in self._schemas and name.count(".") == 1:
                return name
            raise CatalogError(f'schema "{schema}" does not exist')
        return name

    def _local_name(self, name: str) -> str:
        key = self.normalize(name)
        if "." in key:
            raise CatalogError(f'cannot create a local object in external schema "{key.split(".")[0]}": '
                               "external schemas hold only external tables")
        return key

    def create(self, definition: TableDef, storage) -> object:
        key = self._local_name(definition.name)
        if key in self._tables or key in self._virtual or key in self._views:
            raise CatalogError(f'relation "{key}" already exists')
        if hasattr(storage, "table_id"):
            storage.table_id = self._next_id
            self._next_id += 1
        self._tables[key] = storage
        return storage

    def exists(self, name: str) -> bool:
        try:
            key = self.normalize(name)
        except CatalogError:
            return False
        return key in self._tables or key in self._virtual or key in self._views or key in self._external

    def get(self, name: str):
        key = self.normalize(name)
        if key in self._tables:
            return self._tables[key]
        if key in self._external:
            return self._external[key]
        if key in self._virtual:
            return self._virtual[key]()
        if key in self._views:
            raise CatalogError(f'"{key}" is a view, not a table')
        raise CatalogError(f'relation "{key}" does not exist')

    def drop(self, name: str) -> None:
        key = self.normalize(name)
        if key in self._virtual:
            raise CatalogError(f'"{key}" is a system view and cannot be dropped')
        if key in self._views:
            raise CatalogError(f'"{key}" is a view; use DROP VIEW to drop it')
        if key in self._external:
            del self._external[key]
            return
        if key not in self._tables:
            raise CatalogError(f'table "{key}" does not exist')
        del self._tables[key]

    # -- views ------------------------------------------------------------------
    def create_view(self, view: ViewDef, replace: bool = False) -> ViewDef:
        """Store ``view``; with ``replace``, an existing view of that name is replaced."""
        key = self._local_name(view.name)
        if key in self._tables or key in self._virtual:
            raise CatalogError(f'"{key}" is not a view' if replace else f'relation "{key}" already exists')
        if key in self._views and not replace:
            raise CatalogError(f'relation "{key}" already exists')
        view.name = key
        self._views[key] = view
        return view

    def view(self, name: str) -> ViewDef | None:
        """The view called ``name``, or None (also for names no view can have)."""
        try:
            return self._views.get(self.normalize(name))
        except CatalogError:
            return None

    def drop_view(self, name: str) -> None:
        key = self.normalize(name)
        if key not in self._views:
            if key in self._tables or key in self._virtual:
                raise CatalogError(f'"{key}" is not a view')
            raise CatalogError(f'view "{key}" does not exist')
        del self._views[key]

    def view_names(self) -> list[str]:
        return sorted(self._views)

    # -- external schemas and tables ------------------------------------------------
    def create_schema(self, schema) -> None:
        if schema.name in self._schemas or schema.name == "public":
            raise CatalogError(f'schema "{schema.name}" already exists')
        self._schemas[schema.name] = schema

    def schema(self, name: str):
        return self._schemas.get(name)

    def schemas(self) -> list:
        return [self._schemas[k] for k in sorted(self._schemas)]

    def drop_schema(self, name: str, cascade: bool) -> None:
        if name not in self._schemas:
            raise CatalogError(f'schema "{name}" does not exist')
        inside = [k for k in self._external if k.split(".")[0] == name]
        if inside and not cascade:
            raise CatalogError(f'cannot drop schema {name} because other objects depend on it '
                               f"(tables: {', '.join(sorted(inside))}); use DROP SCHEMA ... CASCADE")
        for k in inside:
            del self._external[k]
        del self._schemas[name]

    def create_external(self, table) -> None:
        if table.schema not in self._schemas:
            raise CatalogError(f'external schema "{table.schema}" does not exist')
        if table.name in self._external:
            raise CatalogError(f'relation "{table.name}" already exists')
        if not table.table_id:
            table.table_id = self._next_id
            self._next_id += 1
        self._external[table.name] = table

    def refuse_external(self, table, action: str) -> None:
        """Statements only local tables take (INSERT, DELETE, COPY, VACUUM ...) refuse
        an external table by name (checklist 33: no UPDATE / DELETE on external tables)."""
        if getattr(table, "is_external", False):
            raise ProgrammingError(f'cannot {action} external table "{table.name}"; external tables are read '
                                   "from their LOCATION (write files there and ADD PARTITION, or use UNLOAD)")

    def external_tables(self) -> list:
        return [self._external[k] for k in sorted(self._external)]

    # -- snapshots and loading -----------------------------------------------------
    def snapshot(self) -> tuple:
        """The catalog's state, every table's included, for :meth:`restore` (a failed
        statement, ROLLBACK). Cheap: tables share their column data with the snapshot."""
        tables = {**self._tables, **self._external}
        return (dict(self._tables), dict(self._views), self._next_id,
                {key: t.snapshot() for key, t in tables.items()}, dict(self._schemas), dict(self._external))

    def restore(self, state: tuple) -> None:
        tables, views, next_id, table_states, schemas, external = state
        self._tables, self._views, self._next_id = dict(tables), dict(views), next_id
        self._schemas, self._external = dict(schemas), dict(external)
        for key, t in {**self._tables, **self._external}.items():
            t.restore(table_states[key])

    def clear(self) -> None:
        """Forget every user object (before loading a database folder's manifest)."""
        self.restore(({}, {}, self.FIRST_TABLE_ID, {}, {}, {}))

    def add_loaded(self, storage, next_id: int) -> None:
        """Install a table read from a database folder (it keeps its ``table_id``)."""
        self._tables[self.normalize(storage.name)] = storage
        self._next_id = max(self._next_id, next_id)

    @property
    def next_table_id(self) -> int:
        return self._next_id

    def views(self) -> list[ViewDef]:
        return [self._views[k] for k in sorted(self._views)]

    # -- listing ----------------------------------------------------------------
    def names(self) -> list[str]:
        """User tables, sorted (system views excluded)."""
        return sorted(self._tables)

    def tables(self) -> list:
        """The stored user tables, in creation order."""
        return list(self._tables.values())


def field_types(fields: list[Field]) -> list[DataType]:
    return [f.type for f in fields]
