"""``\\dt`` and ``\\d``: what the database holds, the way Redshift's catalog shows it.

Role: the informational meta-commands of the shell. Each function returns
:class:`~columnar.shell.grid.Grid` tables for the shell to print.

* :func:`list_relations` (``\\dt``, and ``\\d`` without a name): one row per
  table with its distribution style and rows, read with SQL from the system
  views a Redshift user would query: ``pg_class_info`` (every user table, empty
  ones too), ``svv_table_info`` (style and ``estimated_visible_rows`` of the
  non-empty ones; it omits empty tables, as Redshift's does) and
  ``svv_external_tables`` (Spectrum tables). ``\\d`` also lists views.
* :func:`describe` (``\\d name``): the columns of a table in the shape of
  Redshift's ``PG_TABLE_DEF`` (type, encoding, distkey, sortkey position,
  not null; an INTERLEAVED sort key numbers its columns 1, -2, 3, ... as
  Redshift does), and for an external table ``svv_external_columns``.

Column-level attributes (ENCODE, DISTKEY, SORTKEY) have no system view in
columnar (there is no ``PG_TABLE_DEF``), so :func:`describe` reads them from the
connection's catalog (``Connection.session.catalog``): the one place where the
shell looks past the SQL surface. Views and system views are described by
their output columns (a ``LIMIT 0`` query).

Names are case-folded to lower case unless double-quoted, and ``public.`` is
optional, as in Redshift. Patterns take psql's ``*`` and ``?`` wildcards.
"""

from __future__ import annotations

import fnmatch

from columnar.core.errors import CatalogError
from columnar.core.types import DataType, TypeId
from columnar.shell.grid import Grid

# EFFECTIVE diststyle codes of PG_CLASS_INFO (used for empty tables, absent from SVV_TABLE_INFO)
_DISTSTYLE_CODES = {0: "EVEN", 1: "KEY", 8: "ALL", 10: "AUTO(ALL)", 11: "AUTO(EVEN)", 12: "AUTO(KEY)"}

_FORMAT_TYPE = {
    TypeId.SMALLINT: "smallint", TypeId.INTEGER: "integer", TypeId.BIGINT: "bigint", TypeId.REAL: "real",
    TypeId.DOUBLE: "double precision", TypeId.BOOLEAN: "boolean", TypeId.DATE: "date",
    TypeId.TIMESTAMP: "timestamp without time zone", TypeId.NULL: "unknown", TypeId.INTERVAL: "interval",
}


def format_type(t: DataType) -> str:
    """A type as Redshift's ``format_type`` (and so ``PG_TABLE_DEF.type``) spells it.

    Example:
        >>> format_type(DataType.varchar(10)), format_type(DataType.decimal(12, 2))
        ('character varying(10)', 'numeric(12,2)')
    """
    if t.id is TypeId.DECIMAL:
        return f"numeric({t.precision},{t.scale})"
    if t.id is TypeId.VARCHAR:
        return f"character varying({t.length})"
    if t.id is TypeId.CHAR:
        return f"character({t.length})"
    return _FORMAT_TYPE.get(t.id, t.id.value.lower())


def relation_name(text: str) -> str:
    """The catalog key of a name as typed: lower case unless quoted, no ``public.``.

    Example:
        >>> relation_name('Public.Orders'), relation_name('"MixedCase"'), relation_name('lake."T"')
        ('orders', 'MixedCase', 'lake.T')
    """
    parts, part, quoted, i = [], [], False, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            if quoted and text.startswith('""', i):
                part.append('"')
                i += 2
                continue
            quoted = not quoted
        elif c == "." and not quoted:
            parts.append("".join(part))
            part = []
        else:
            part.append(c if quoted else c.lower())
        i += 1
    parts.append("".join(part))
    if len(parts) > 1 and parts[0] == "public":
        parts = parts[1:]
    return ".".join(parts)


def _quote(name: str) -> str:
    return ".".join('"' + p.replace('"', '""') + '"' for p in name.split("."))


def _matches(pattern: str | None, schema: str, name: str) -> bool:
    if pattern is None:
        return True
    pattern = relation_name(pattern)
    target = f"{schema}.{name}" if "." in pattern else name
    return fnmatch.fnmatchcase(target, pattern)


# ----------------------------------------------------------------------------- \dt


def _relations(db, with_views: bool) -> list[tuple[str, str, str, str, str]]:
    """(schema, name, type, diststyle, rows) of every user relation, sorted."""
    info = {row[0]: (row[1], row[2]) for row in db.sql(
        "SELECT table_id, diststyle, estimated_visible_rows FROM svv_table_info").fetchall()}
    out = []
    for reloid, relname, code in db.sql(
            "SELECT reloid, relname, releffectivediststyle FROM pg_class_info").fetchall():
        style, rows = info.get(reloid, (_DISTSTYLE_CODES.get(code, str(code)), 0))
        out.append(("public", relname.rstrip(), "table", style, str(int(rows))))
    for schema, table in db.sql("SELECT schemaname, tablename FROM svv_external_tables").fetchall():
        out.append((schema.rstrip(), table.rstrip(), "external table", "", ""))
    if with_views:
        out += [("public", v, "view", "", "") for v in db.session.catalog.view_names()]
    return sorted(out)


def list_relations(db, pattern: str | None = None, with_views: bool = False) -> Grid | None:
    """``\\dt [PATTERN]`` (``with_views``: ``\\d``): None when nothing matches."""
    rows = [list(r) for r in _relations(db, with_views) if _matches(pattern, r[0], r[1])]
    if not rows:
        return None
    return Grid(["Schema", "Name", "Type", "Diststyle", "Rows"], rows, right=[False, False, False, False, True],
                title="List of relations")


# ----------------------------------------------------------------------------- \d name


def describe(db, text: str) -> list[Grid]:
    """``\\d NAME``: one grid per relation matching ``text`` (a name or a pattern)."""
    if any(c in text for c in "*?"):
        names = [f"{s}.{n}" if s != "public" else n
                 for s, n, *_ in _relations(db, with_views=True) if _matches(text, s, n)]
        if not names:
            raise CatalogError(f'Did not find any relation named "{text}".')
        return [_describe_one(db, n, text) for n in names]
    return [_describe_one(db, relation_name(text), text)]


def _describe_one(db, name: str, typed: str) -> Grid:
    if name in db.tables():
        return _describe_table(db, name)
    external = [r for r in db.sql("SELECT schemaname, tablename, location FROM svv_external_tables").fetchall()
                if f"{r[0].rstrip()}.{r[1].rstrip()}" == name]
    if external:
        return _describe_external(db, name, external[0][2].rstrip())
    catalog = db.session.catalog
    view = catalog.view(name)
    if view is None and (not catalog.exists(name) or "." in name):
        raise CatalogError(f'Did not find any relation named "{typed}".')
    result = db.sql(f"SELECT * FROM {_quote(name)} LIMIT 0")
    rows = [[c, format_type(t)] for c, t in zip(result.columns, result.types)]
    if view is None:
        return Grid(["Column", "Type"], rows, title=f'System view "pg_catalog.{name}"', count=False)
    footers = ["View definition:"] + [" " + line for line in view.sql.strip().splitlines()]
    return Grid(["Column", "Type"], rows, title=f'View "public.{name}"', footers=footers, count=False)


def _describe_table(db, name: str) -> Grid:
    table = db.session.catalog.get(name)
    d = table.definition
    interleaved = d.sortkey_style == "INTERLEAVED"
    rows = []
    for f in d.fields:
        encoding = (d.encodings.get(f.name) or "none").lower()
        position = d.sortkey.index(f.name) + 1 if f.name in d.sortkey else 0
        if interleaved and position % 2 == 0:
            position = -position
        not_null = f.name in d.not_null or not f.nullable
        rows.append([f.name, format_type(f.type), "none" if encoding == "raw" else encoding,
                     "t" if f.name == d.distkey else "f", str(position), "t" if not_null else "f"])
    footers = [f"Diststyle: {table.diststyle_label()}"]
    if d.sortkey:
        footers.append(f"Sortkey: {d.sortkey_style or 'COMPOUND'}({', '.join(d.sortkey)})")
    return Grid(["Column", "Type", "Encoding", "Distkey", "Sortkey", "Notnull"], rows,
                right=[False, False, False, False, True, False], title=f'Table "public.{name}"',
                footers=footers, count=False)


def _describe_external(db, name: str, location: str) -> Grid:
    schema, table = name.split(".", 1)
    columns = sorted((r for r in db.sql("SELECT schemaname, tablename, columnname, external_type, columnnum, "
                                        "part_key FROM svv_external_columns").fetchall()
                      if r[0].rstrip() == schema and r[1].rstrip() == table), key=lambda r: r[4])
    rows = [[r[2].rstrip(), r[3].rstrip(), str(r[5]) if r[5] else ""] for r in columns]
    return Grid(["Column", "Type", "Partition key"], rows, right=[False, False, True],
                title=f'External table "{name}"', footers=[f"Location: {location}"], count=False)
