"""Spectrum's system views: external schemas, tables, columns and partitions, and
what each query read from S3.

Role: the views a student queries to see the data lake the way Redshift shows
it (reference §4.6; [DG:r_SVL_S3QUERY_SUMMARY], [DG:r_SVL_S3PARTITION],
[DG:r_SVV_EXTERNAL_PARTITIONS], [DG:r_SVV_EXTERNAL_TABLES],
[DG:r_SVV_EXTERNAL_SCHEMAS], [DG:r_SVV_EXTERNAL_COLUMNS]).

* ``svv_external_schemas``: one row per external schema (``eskind`` 1 = Glue
  data catalog, 2 = Hive metastore; ``esoptions`` the IAM role as JSON).
* ``svv_external_tables``: one row per external table; ``input_format`` /
  ``output_format`` / ``serialization_lib`` the Hive class names of its
  format; ``serde_parameters`` and ``parameters`` (table properties) as JSON.
* ``svv_external_columns``: one row per column (data columns, then partition
  columns with ``part_key`` 1, 2 ...); ``external_type`` in Hive spelling.
* ``svv_external_partitions``: one row per registered partition; ``values``
  a JSON array of the values as text.
* ``svl_s3query_summary``: one row per S3 scan of each finished query: the
  table, its format, rows and bytes scanned in S3 (``s3_scanned_bytes`` is
  what is billed), rows and bytes returned to the cluster, files read.
* ``svl_s3partition``: one row per S3 scan of a partitioned table:
  ``total_partitions`` candidates and ``qualified_partitions`` kept.

Simplified versus Redshift: the S3 views have one row per scan (Redshift
writes one per node or slice: ours are on node 0, slice 0), and no request
timings.
"""

from __future__ import annotations

import datetime as dt
import json

from columnar.exec.operators.s3_scan import S3Scan
from columnar.exec.system_views_relation import CHAR1, INT, INT8, TEXT, TS, char, make_relation
from columnar.storage.external import partition_display

USERID = 100

_HIVE_CLASSES = {  # (input_format, output_format, serialization_lib)
    "PARQUET": ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
    "TEXTFILE": ("org.apache.hadoop.mapred.TextInputFormat",
                 "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                 "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"),
    "JSON": ("org.apache.hadoop.mapred.TextInputFormat",
             "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
             "org.openx.data.jsonserde.JsonSerDe"),
}

SVV_EXTERNAL_SCHEMAS = [
    ("esoid", INT), ("eskind", INT), ("schemaname", char(128)), ("esowner", INT),
    ("databasename", char(128)), ("esoptions", TEXT),
]
SVV_EXTERNAL_TABLES = [
    ("redshift_database_name", char(128)), ("schemaname", char(128)), ("tablename", char(128)),
    ("location", char(128)), ("input_format", char(128)), ("output_format", char(128)),
    ("serialization_lib", char(128)), ("serde_parameters", char(128)), ("compressed", INT),
    ("parameters", char(128)), ("tabletype", char(128)),
]
SVV_EXTERNAL_COLUMNS = [
    ("redshift_database_name", char(128)), ("schemaname", char(128)), ("tablename", char(128)),
    ("columnname", char(128)), ("external_type", char(128)), ("columnnum", INT), ("part_key", INT),
    ("is_nullable", char(128)),
]
SVV_EXTERNAL_PARTITIONS = [
    ("schemaname", char(128)), ("tablename", char(128)), ("values", char(1024)), ("location", char(256)),
    ("input_format", char(128)), ("output_format", char(128)), ("serialization_lib", char(128)),
    ("serde_parameters", char(128)), ("compressed", INT), ("parameters", char(128)),
]
SVL_S3QUERY_SUMMARY = [
    ("userid", INT), ("query", INT), ("segment", INT), ("step", INT), ("starttime", TS), ("endtime", TS),
    ("elapsed", INT8), ("aborted", INT), ("external_table_name", char(136)), ("file_format", char(16)),
    ("is_partitioned", CHAR1), ("is_rrscan", CHAR1), ("s3_scanned_rows", INT8), ("s3_scanned_bytes", INT8),
    ("s3query_returned_rows", INT8), ("s3query_returned_bytes", INT8), ("files", INT8), ("files_max", INT),
    ("files_avg", INT),
]
SVL_S3PARTITION = [
    ("query", INT), ("segment", INT), ("node", INT), ("slice", INT), ("starttime", TS), ("endtime", TS),
    ("duration", INT8), ("total_partitions", INT), ("qualified_partitions", INT), ("assigned_partitions", INT),
    ("assignment", CHAR1),
]


def _hive_type(t) -> str:
    name = t.id.name
    if t.is_decimal:
        return f"decimal({t.precision},{t.scale})"
    if name == "VARCHAR":
        return "string" if t.length >= 65535 else f"varchar({t.length})"
    if name == "CHAR":
        return f"char({t.length})"
    return {"SMALLINT": "smallint", "INTEGER": "int", "BIGINT": "bigint", "REAL": "float",
            "DOUBLE": "double", "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp"}.get(name, name.lower())


def _classes(table) -> tuple:
    classes = _HIVE_CLASSES.get(table.stored_as, _HIVE_CLASSES["TEXTFILE"])
    serde = table.row_format.get("SERDE")
    return classes if serde is None else (classes[0], classes[1], serde)


def svv_external_schemas(session):
    rows = [(100_000 + i, 1 if s.source == "DATA CATALOG" else 2, s.name, USERID, s.database,
             json.dumps({"IAM_ROLE": s.iam_role, **({"REGION": s.region} if s.region else {})}))
            for i, s in enumerate(session.catalog.schemas())]
    return make_relation("svv_external_schemas", SVV_EXTERNAL_SCHEMAS, rows, session.topology.n_slices)


def svv_external_tables(session):
    rows = []
    for t in session.catalog.external_tables():
        inp, out, lib = _classes(t)
        serde = dict(t.serde_properties)
        if "FIELDS" in t.row_format:
            serde["field.delim"] = t.row_format["FIELDS"]
        rows.append(("dev", t.schema, t.table, t.location, inp, out, lib, json.dumps(serde), 0,
                     json.dumps(t.properties), "EXTERNAL_TABLE"))
    return make_relation("svv_external_tables", SVV_EXTERNAL_TABLES, rows, session.topology.n_slices)


def svv_external_columns(session):
    rows = []
    for t in session.catalog.external_tables():
        for i, f in enumerate(t.columns):
            rows.append(("dev", t.schema, t.table, f.name, _hive_type(f.type), i + 1, 0, "true"))
        for j, f in enumerate(t.partition_columns):
            rows.append(("dev", t.schema, t.table, f.name, _hive_type(f.type), len(t.columns) + j + 1, j + 1,
                         "true"))
    return make_relation("svv_external_columns", SVV_EXTERNAL_COLUMNS, rows, session.topology.n_slices)


def svv_external_partitions(session):
    rows = []
    for t in session.catalog.external_tables():
        inp, out, lib = _classes(t)
        for p in t.partitions:
            values = [partition_display(v, f.type) for v, f in zip(p.values, t.partition_columns)]
            rows.append((t.schema, t.table, json.dumps(values), p.location, inp, out, lib, "{}", 0, "{}"))
    return make_relation("svv_external_partitions", SVV_EXTERNAL_PARTITIONS, rows, session.topology.n_slices)


def _s3_scans(session):
    """``(record, step number, S3Scan)`` for every S3 scan of every finished query."""
    for rec in session.querylog.records:
        if rec.end is None or rec.plan is None:
            continue
        stack, found = [rec.plan], []
        while stack:
            op = stack.pop()
            if isinstance(op, S3Scan) and op.report:
                found.append(op)
            stack.extend(op.children)
        for i, op in enumerate(found):
            yield rec, i, op


def svl_s3query_summary(session):
    rows = []
    for rec, i, op in _s3_scans(session):
        r = op.report
        end = rec.start + dt.timedelta(seconds=r["seconds"])
        files, slices = r["files"], session.topology.n_slices
        rows.append((USERID, rec.query, i, 0, rec.start, end, round(r["seconds"] * 1e6), int(rec.aborted),
                     f"S3 Scan {op.table.name}", op.table.stored_as.capitalize() if op.table.stored_as != "TEXTFILE"
                     else "Text", "t" if r["partitioned"] else "f", "t" if op.ranges else "f", r["rows"], r["bytes"],
                     r["returned_rows"], r["returned_bytes"], files, r["files_max"], -(-files // slices)))
    return make_relation("svl_s3query_summary", SVL_S3QUERY_SUMMARY, rows, session.topology.n_slices)


def svl_s3partition(session):
    rows = []
    for rec, i, op in _s3_scans(session):
        r = op.report
        if not r["partitioned"]:
            continue
        end = rec.start + dt.timedelta(seconds=r["seconds"])
        rows.append((rec.query, i, 0, 0, rec.start, end, round(r["seconds"] * 1e6), r["total_partitions"],
                     r["qualified_partitions"], r["qualified_partitions"], "p"))
    return make_relation("svl_s3partition", SVL_S3PARTITION, rows, session.topology.n_slices)
