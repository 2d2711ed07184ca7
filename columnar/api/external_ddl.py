"""The external-table statements: schemas, tables, partitions, MSCK REPAIR.

Role: run ``CREATE EXTERNAL SCHEMA``, ``CREATE EXTERNAL TABLE``, ``DROP
SCHEMA``, ``ALTER TABLE ... ADD / DROP PARTITION`` and ``MSCK REPAIR TABLE``
against the catalog (:mod:`columnar.storage.external`); binding is
:mod:`columnar.sql.bind_external`, paths go through the one resolver
(:mod:`columnar.storage.lake_fs`). All of them are DDL: free of charge.

Behaviour (reference §6.1-6.3, checklist 33, 39, 40):

* ``CREATE EXTERNAL SCHEMA ... FROM DATA CATALOG | HIVE METASTORE`` records
  the database name and IAM role (never checked); other sources (POSTGRES,
  MYSQL, KINESIS, ...) are refused. ``IAM_ROLE`` is required, as in Redshift.
* ``CREATE EXTERNAL TABLE`` cannot run inside a transaction block; its
  LOCATION is resolved at once (a bad scheme or a ``..`` is an error; a
  relative local path becomes absolute), but the folder need not exist yet.
  With ``projection.enabled`` the projection is checked at once.
* ``ALTER TABLE ADD PARTITION`` registers a partition; without LOCATION it
  is ``<table location>/k1=v1/k2=v2/``. A partition already registered is an
  error unless ``IF NOT EXISTS``; ``DROP PARTITION`` of an unknown one is an
  error unless ``IF EXISTS``. Nothing is read from the files.
* Athena's ``CREATE TABLE db.t WITH (format = 'PARQUET' | 'TEXTFILE',
  external_location = '...', partitioned_by = ARRAY['col', ...]) AS query``
  writes the rows (one file per slice per partition, hive
  ``k=v`` folders, as UNLOAD does) and registers the external table with its
  partitions. Athena's rules: the default format is PARQUET; property names
  are lower case; the partition columns are the last of the SELECT list, in
  the ``partitioned_by`` order (our parser lower-cases unquoted names, so a
  property name's case is not checked); the location must hold no file
  (``HIVE_PATH_ALREADY_EXISTS``); more than 100 partitions (times buckets)
  fail with ``HIVE_TOO_MANY_OPEN_PARTITIONS`` and write nothing.
* ``MSCK REPAIR TABLE`` (Athena) adds the Hive-style ``k=v`` folders found
  under LOCATION that are not registered yet, and never drops a partition
  whose folder disappeared. It returns one row per partition added
  (``Repair: Added partition to metastore t:year=2020/month=1``).

Simplified versus Redshift: apart from CREATE EXTERNAL TABLE, which refuses to
run inside a transaction block, these statements are transactional here (a
ROLLBACK undoes an ADD PARTITION); in Redshift the data catalog is outside the
transaction. Views over external tables need no ``WITH NO SCHEMA BINDING``
(every view is late-binding here, and the clause is not parsed).
"""

from __future__ import annotations

from columnar.api.result import Result
from columnar.core.chunk import Column
from columnar.core.errors import CatalogError, NotSupportedError, OperationalError, ProgrammingError
from columnar.core.strings import StringArray
from columnar.core.types import VARCHAR, Field
from columnar.sql import ast
from columnar.sql.bind_external import bind_create_external_table, partition_value_from_text, partition_values
from columnar.storage.external import ExternalSchema, Partition

_SOURCES = ("DATA CATALOG", "HIVE METASTORE")


def run_external_ddl(session, stmt, binder, metrics) -> Result:
    if isinstance(stmt, ast.AthenaCtas):
        return _athena_ctas(session, stmt, binder, metrics)
    if isinstance(stmt, ast.CreateExternalSchema):
        return _create_schema(session, stmt, metrics)
    if isinstance(stmt, ast.CreateExternalTable):
        return _create_table(session, stmt, binder, metrics)
    if isinstance(stmt, ast.DropSchema):
        if not (stmt.if_exists and session.catalog.schema(stmt.name) is None):
            session.catalog.drop_schema(stmt.name, stmt.cascade)
        return _message(metrics, "DROP SCHEMA")
    if isinstance(stmt, ast.AlterPartitions):
        return _alter_partitions(session, stmt, binder, metrics)
    return _msck_repair(session, stmt, metrics)


def _create_schema(session, stmt: ast.CreateExternalSchema, metrics) -> Result:
    if stmt.source not in _SOURCES:
        raise NotSupportedError(f"external schemas FROM {stmt.source} are not supported "
                                "(use FROM DATA CATALOG or FROM HIVE METASTORE)")
    opts = dict(stmt.options)
    if "IAM_ROLE" not in opts:
        raise ProgrammingError("CREATE EXTERNAL SCHEMA needs an IAM_ROLE (IAM_ROLE default or 'arn:aws:iam::...')")
    if stmt.if_not_exists and session.catalog.schema(stmt.name) is not None:
        return _message(metrics, "CREATE SCHEMA")
    session.catalog.create_schema(ExternalSchema(stmt.name, stmt.source, opts.get("DATABASE", stmt.name),
                                                 opts["IAM_ROLE"], opts.get("REGION")))
    return _message(metrics, "CREATE SCHEMA")


def _create_table(session, stmt: ast.CreateExternalTable, binder, metrics) -> Result:
    from columnar.storage import lake_fs
    from columnar.storage.projection import Projection, projection_enabled

    if session.in_transaction:
        raise ProgrammingError("CREATE EXTERNAL TABLE cannot run inside a transaction block")
    table = bind_create_external_table(binder, stmt)
    if session.catalog.exists(table.name):
        if stmt.if_not_exists:
            return _message(metrics, "CREATE EXTERNAL TABLE")
        raise CatalogError(f'relation "{table.name}" already exists')
    table.location = lake_fs.resolve(table.location, s3=session.external_options["s3"]).uri
    if projection_enabled(table.properties):
        Projection.from_properties(table.properties, [(f.name, f.type) for f in table.partition_columns],
                                   table.location, table=table.name)
    session.catalog.create_external(table)
    return _message(metrics, "CREATE EXTERNAL TABLE")


_CTAS_KEYS = ("format", "external_location", "partitioned_by", "bucketed_by", "bucket_count",
              "write_compression", "field_delimiter")
MAX_OPEN_WRITERS = 100


def _athena_ctas(session, stmt: ast.AthenaCtas, binder, metrics) -> Result:
    from columnar.exec.unload import UnloadOptions, run_per_slice, write_unload
    from columnar.storage import lake_fs

    props = dict(stmt.properties)
    for key in props:
        if key not in _CTAS_KEYS:
            raise ProgrammingError(f"Catalog 'awsdatacatalog' does not support table property '{key}' "
                                   f"(known: {', '.join(_CTAS_KEYS)})")
    fmt = str(props.get("format", "PARQUET")).upper()
    if fmt not in ("PARQUET", "TEXTFILE"):
        raise NotSupportedError(f"CREATE TABLE AS format '{fmt}' is not supported (use PARQUET or TEXTFILE)")
    if "external_location" not in props:
        raise ProgrammingError("CREATE TABLE ... WITH needs external_location (no workgroup result location here)")
    name = stmt.name
    if session.catalog.exists(name):
        if stmt.if_not_exists:
            return _message(metrics, "CREATE TABLE AS")
        raise CatalogError(f'relation "{name}" already exists')
    partitioned_by = [c.lower() for c in props.get("partitioned_by", ())]
    with metrics.phase("bind"):
        bq = binder.bind_query(stmt.query)
    names = [n.lower() for n in bq.names]
    if partitioned_by and names[len(names) - len(partitioned_by):] != partitioned_by:
        raise ProgrammingError("HIVE_COLUMN_ORDER_MISMATCH: Partition keys must be the last columns in the table "
                               f"and in the same order as the table properties: {partitioned_by}")
    loc = lake_fs.resolve(str(props["external_location"]), s3=session.external_options["s3"])
    if lake_fs.exists(loc) and lake_fs.list_files(loc):
        raise ProgrammingError(f"HIVE_PATH_ALREADY_EXISTS: Target directory for table '{name}' already exists: "
                               f"{loc.uri}")
    fields = [Field(n, f.type) for n, f in zip(names, bq.plan.schema)]
    data_fields = fields[: len(fields) - len(partitioned_by)]
    part_fields = fields[len(fields) - len(partitioned_by):]
    table = bind_create_external_table(binder, ast.CreateExternalTable(
        name, (), (), (("FIELDS", str(props.get("field_delimiter", "\x01"))),) if fmt == "TEXTFILE" else (),
        (), fmt, loc.uri, (), pos=stmt.pos))
    table.columns, table.partition_columns = data_fields, part_fields
    _, physical = session._physical(bq, metrics)
    with metrics.phase("execute"):
        slices = run_per_slice(physical, session.topology, metrics, session.settings.threads)
    buckets = int(props.get("bucket_count", 1)) if props.get("bucketed_by") else 1
    delimiter = str(props.get("field_delimiter", "\x01"))
    opts = (UnloadOptions(format="PARQUET", partition_by=tuple(partitioned_by)) if fmt == "PARQUET" else
            UnloadOptions(format="TEXT", partition_by=tuple(partitioned_by), delimiter=delimiter,
                          null_as="\\N"))  # Hive's text NULL, which the TEXTFILE reader reads back
    opts.s3 = session.external_options["s3"]
    # partitions x buckets > 100 fails before writing: count > floor(100 / buckets) is the same test
    opts.max_partitions = MAX_OPEN_WRITERS // buckets if partitioned_by else None
    with metrics.phase("write"):
        rows, _ = write_unload(names, slices, loc.uri.rstrip("/") + "/", opts)
    if partitioned_by:
        for found, ploc in lake_fs.list_partition_dirs(loc, partitioned_by):
            values = tuple(partition_value_from_text(found[f.name], f) for f in part_fields)
            table.partitions.append(Partition(values, ploc.uri))
    session.catalog.create_external(table)
    return Result([], [], metrics.freeze(), rowcount=rows, message="CREATE TABLE AS")


def _external(session, name: str):
    table = session.catalog.get(name)
    if not getattr(table, "is_external", False):
        raise ProgrammingError(f'"{table.name}" is not an external table: only external tables have partitions')
    return table


def _alter_partitions(session, stmt: ast.AlterPartitions, binder, metrics) -> Result:
    from columnar.storage import lake_fs

    table = _external(session, stmt.table)
    if not table.is_partitioned:
        raise ProgrammingError(f'table "{table.name}" is not partitioned')
    partitions = list(table.partitions)
    for spec, location in stmt.partitions:
        values = partition_values(binder, table, spec, stmt.pos)
        found = next((i for i, p in enumerate(partitions) if p.values == values), None)
        shown = table.partition_path(values)
        if stmt.action == "drop":
            if found is None:
                if stmt.if_flag:
                    continue
                raise CatalogError(f"partition {shown} of {table.name} does not exist")
            del partitions[found]
            continue
        if found is not None:
            if stmt.if_flag:
                continue
            raise CatalogError(f"partition {shown} of {table.name} already exists")
        if location is None:
            location = table.location.rstrip("/") + "/" + shown + "/"
        uri = lake_fs.resolve(location, s3=session.external_options["s3"]).uri
        partitions.append(Partition(values, uri))
    table.partitions = partitions
    return _message(metrics, "ALTER TABLE")


def _msck_repair(session, stmt: ast.MsckRepair, metrics) -> Result:
    from columnar.storage import lake_fs

    table = _external(session, stmt.table)
    if not table.is_partitioned:
        raise ProgrammingError(f'table "{table.name}" is not partitioned')
    root = lake_fs.resolve(table.location, s3=session.external_options["s3"])
    if not root.uri.startswith("s3://") and not lake_fs.exists(root):
        raise OperationalError(f"MSCK REPAIR TABLE {table.name}: LOCATION {root.uri} does not exist")
    keys = [f.name for f in table.partition_columns]
    added = []
    for found, loc in lake_fs.list_partition_dirs(root, keys):
        values = tuple(partition_value_from_text(found[f.name], f) for f in table.partition_columns)
        if table.partition_index(values) is None and all(p.values != values for p, _ in added):
            added.append((Partition(values, loc.uri), table.partition_path(values)))
    table.partitions = list(table.partitions) + [p for p, _ in added]
    lines = [f"Repair: Added partition to metastore {table.table}:{text}" for _, text in added]
    col = Column(VARCHAR, StringArray.from_pylist(lines))
    return Result(["message"], [col], metrics.freeze(), rowcount=len(lines), message="MSCK REPAIR TABLE")


def _message(metrics, text: str) -> Result:
    return Result([], [], metrics.freeze(), message=text)
