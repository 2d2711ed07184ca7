"""Binding the external-table DDL: CREATE EXTERNAL TABLE, partition values.

Role: check ``CREATE EXTERNAL TABLE`` against Redshift's rules and describe
the table to store (:class:`~columnar.storage.external.ExternalTable`), and
turn the partition values of ``ALTER TABLE ADD / DROP PARTITION`` and of the
folders ``MSCK REPAIR TABLE`` finds into values of the partition columns'
types. Called by :mod:`columnar.api.external_ddl`.

Rules (reference §6.1, checklist 33):

* the table lives in an external schema (``s.t``); a partition column may not
  repeat a data column;
* types are Redshift's, plus Athena's ``STRING`` (an unbounded VARCHAR:
  ``VARCHAR(65535)`` here) and ``INT``/``TINYINT``-style aliases Redshift knows;
* ``STORED AS`` is PARQUET, TEXTFILE or JSON (Athena); the default is
  TEXTFILE, as in Hive; other formats (ORC, AVRO, RCFILE, SEQUENCEFILE) are
  accepted by Redshift but not readable here: an error says so;
* a LOCATION is required.
"""

from __future__ import annotations

from columnar.core.errors import BinderError, CatalogError, NotSupportedError, ProgrammingError
from columnar.core.types import NULL, VARCHAR, DataType, Field, TypeId, type_from_name
from columnar.sql import ast
from columnar.sql import bind_expr as bx
from columnar.sql.expr import Const
from columnar.storage.external import ExternalTable

READABLE_FORMATS = ("PARQUET", "TEXTFILE", "JSON")
_STRING = DataType(TypeId.VARCHAR, length=65535)


def external_type(t: ast.TypeName) -> DataType:
    if t.name.upper() == "STRING" and not t.params:
        return _STRING
    if t.name.upper() in ("TINYINT",):
        return type_from_name("SMALLINT")
    return type_from_name(t.name, t.params)


def bind_create_external_table(binder, s: ast.CreateExternalTable) -> ExternalTable:
    name = s.name[len("public."):] if s.name.startswith("public.") else s.name
    if name.count(".") != 1:
        raise binder.error(ProgrammingError, f'external table "{s.name}" must be named schema.table, '
                           "in an external schema", s.pos)
    schema, table = name.split(".")
    if binder.catalog.schema(schema) is None:
        raise binder.error(CatalogError, f'external schema "{schema}" does not exist', s.pos)

    def fields(cols) -> list[Field]:
        out, seen = [], set()
        for col, t in cols:
            if col in seen:
                raise binder.error(CatalogError, f'column "{col}" specified more than once', s.pos)
            seen.add(col)
            try:
                out.append(Field(col, external_type(t)))
            except ProgrammingError as e:
                raise binder.error(type(e), str(e), s.pos) from None
        return out

    columns = fields(s.columns)
    partition_columns = fields(s.partition_columns)
    clash = {f.name for f in columns} & {f.name for f in partition_columns}
    if clash:
        raise binder.error(BinderError, f'column "{sorted(clash)[0]}" appears both as a data column and as a '
                           "partition column (a partition column must not repeat a table column)", s.pos)
    stored_as = (s.stored_as or "TEXTFILE").upper()
    if stored_as not in READABLE_FORMATS:
        raise binder.error(NotSupportedError, f"STORED AS {stored_as} is not supported (use PARQUET, TEXTFILE "
                           "or JSON)", s.pos)
    if not s.location:
        raise binder.error(ProgrammingError, "CREATE EXTERNAL TABLE needs a LOCATION", s.pos)
    return ExternalTable(schema, table, columns, partition_columns, stored_as, dict(s.row_format),
                         dict(s.serde_properties), s.location, dict(s.properties))


def partition_values(binder, table: ExternalTable, spec: tuple, pos) -> tuple:
    """The values of ``PARTITION (k=v, ...)``, one per partition column, in their order."""
    given = {}
    for key, literal in spec:
        if key in given:
            raise binder.error(BinderError, f'partition column "{key}" given twice', pos)
        given[key] = literal
    names = [f.name for f in table.partition_columns]
    unknown = [k for k in given if k not in names]
    if unknown or len(given) != len(names):
        raise binder.error(BinderError, f"PARTITION must give every partition column of {table.name} "
                           f"({', '.join(names) or 'none'}), got ({', '.join(given)})", pos)
    out = []
    for f in table.partition_columns:
        bound = binder.expr(given[f.name], bx.Scope([]))
        out.append(_constant(bx.cast_to(bound, f.type), f, binder, pos))
    return tuple(out)


def partition_value_from_text(text: str | None, f: Field) -> object:
    """A partition folder's value (``k=v``) as a value of the column's type (None: NULL)."""
    if text is None:
        return None
    c = bx.cast_to(Const(text, VARCHAR), f.type)
    if not isinstance(c, Const):
        raise BinderError(f'partition value "{text}" is not a valid {f.type.sql().lower()} for column "{f.name}"')
    return c.value


def _constant(e, f: Field, binder, pos):
    if not isinstance(e, Const):
        raise binder.error(BinderError, f'partition value for "{f.name}" must be a constant', pos)
    if e.type == NULL:
        return None
    return e.value
