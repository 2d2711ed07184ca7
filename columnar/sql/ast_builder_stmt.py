"""Statement rules of the parse tree → AST transformer (:mod:`columnar.sql.ast_builder`).

Role: builds the :mod:`columnar.sql.ast` nodes of every statement other than a
query: ``CREATE TABLE`` (columns, constraints, table attributes such as
DISTSTYLE / DISTKEY / SORTKEY), ``CREATE TABLE AS``, ``DROP TABLE``,
``CREATE VIEW``, ``DROP VIEW``, ``TRUNCATE``, ``ALTER TABLE .. ALTER DISTSTYLE / DISTKEY / SORTKEY``,
``INSERT``, ``DELETE``, ``UPDATE``, ``COPY`` and its options,
``EXPLAIN``, ``SET`` and transaction control. Repeated or conflicting clauses
(two primary keys, a repeated attribute, two COPY data formats ...) are
reported here as :class:`~columnar.core.errors.ParserError`.

Place in the pipeline: SQL text → parser → **AST** → binder → logical plan.
"""

from __future__ import annotations

from lark import v_args

from columnar.sql import ast
from columnar.sql.ast_builder_common import _Clause, _constraint, _pos, _RuleSet, _string, _true


@v_args(meta=True)
class _StatementRules(_RuleSet):
    """Rule methods for DDL, DML, COPY, EXPLAIN, SET and transaction statements."""

    # -- DDL --------------------------------------------------------------

    def create_table(self, meta, children):
        temporary, if_not_exists, name = children[:3]
        columns, primary_key, attrs = [], (), []
        for child in children[3:]:
            if isinstance(child, ast.ColumnDef):
                columns.append(child)
            elif isinstance(child, _Clause) and child.tag == "primary_key":
                if primary_key:
                    raise self._error("multiple primary keys are not allowed", child.pos)
                primary_key = child.value
            elif isinstance(child, _Clause) and child.tag == "attribute":
                attrs.append(child)
        if primary_key and any(c.primary_key for c in columns):
            where = next(c.pos for c in children if isinstance(c, _Clause) and c.tag == "primary_key")
            raise self._error("multiple primary keys are not allowed", where)
        return ast.CreateTable(
            name, tuple(columns), self._attributes(attrs, _pos(meta)),
            if_not_exists is not None, temporary is not None, primary_key, pos=_pos(meta),
        )

    def create_table_as(self, meta, children):
        temporary, if_not_exists, name, column_names = children[:4]
        attrs = [c for c in children[4:-1]]
        query = children[-1]
        return ast.CreateTableAs(
            name, query, self._attributes(attrs, _pos(meta)), tuple(column_names or ()),
            if_not_exists is not None, temporary is not None, pos=_pos(meta),
        )

    def _attributes(self, attrs, pos) -> ast.TableAttributes:
        if not attrs:
            return ast.TableAttributes()
        values: dict = {}
        for attr in attrs:
            key, fields = attr.value
            if key in values:
                raise self._error(f"{key} is specified more than once", attr.pos)
            values[key] = fields
        merged = {}
        for fields in values.values():
            merged.update(fields)
        return ast.TableAttributes(**merged, pos=attrs[0].pos)

    def column_def(self, meta, children):
        name, type_ = children[0], children[1]
        fields: dict = {}
        for key, value, pos in children[2:]:
            if key in fields and key != "not_null":
                raise self._error(f"conflicting or repeated {key.upper().replace('_', ' ')} for column "
                                  f'"{name}"', pos)
            if key == "not_null" and key in fields and fields[key] != value:
                raise self._error(f'conflicting NULL/NOT NULL declarations for column "{name}"', pos)
            if key != "references":
                fields[key] = value
        return ast.ColumnDef(name, type_, **fields, pos=_pos(meta))

    # Column constraints become (field of ColumnDef, value, pos); REFERENCES is accepted and ignored.
    not_null = _constraint("not_null", True)
    nullable = _constraint("not_null", False)
    default = _constraint("default")
    encode = _constraint("encode")
    column_distkey = _constraint("distkey", True)
    column_sortkey = _constraint("sortkey", True)
    column_primary_key = _constraint("primary_key", True)
    column_unique = _constraint("unique", True)
    identity = _constraint("identity", tuple)
    references = _constraint("references", None)

    def signed_int(self, meta, children):
        minus, number = children
        return -int(number) if minus is not None else int(number)

    def table_constraint(self, meta, children):
        return children[1]

    def primary_key_constraint(self, meta, children):
        return _Clause("primary_key", children[0], _pos(meta))

    def other_constraint(self, meta, children):
        return _Clause("ignored", None, _pos(meta))

    def backup(self, meta, children):
        return _Clause("attribute", ("BACKUP", {"backup": children[0]}), _pos(meta))

    def yes_no(self, meta, children):
        return children[0].upper() == "YES"

    def diststyle(self, meta, children):
        return _Clause("attribute", ("DISTSTYLE", {"diststyle": children[0]}), _pos(meta))

    def distkey(self, meta, children):
        return _Clause("attribute", ("DISTKEY", {"distkey": children[0]}), _pos(meta))

    def sortkey(self, meta, children):
        style, columns = children
        return _Clause("attribute", ("SORTKEY", {"sortkey": columns, "sortkey_style": style}), _pos(meta))

    def sortkey_auto(self, meta, children):
        return _Clause("attribute", ("SORTKEY", {"sortkey_style": "AUTO"}), _pos(meta))

    def encode_auto(self, meta, children):
        return _Clause("attribute", ("ENCODE", {"encode_auto": True}), _pos(meta))

    def drop_table(self, meta, children):
        if_exists, names, behavior = children[0], children[1:-1], children[-1]
        cascade = behavior is not None and behavior.upper() == "CASCADE"
        return ast.DropTable(tuple(names), if_exists is not None, cascade, pos=_pos(meta))

    or_replace = _true

    def create_view(self, meta, children):
        or_replace, name, columns, (query, text) = children
        return ast.CreateView(name, query, text, tuple(columns or ()), or_replace is not None, pos=_pos(meta))

    def view_query(self, meta, children):
        """The query and its text exactly as written (comments included)."""
        return (children[0], self.sql[meta.start_pos:meta.end_pos])

    def drop_view(self, meta, children):
        if_exists, names, behavior = children[0], children[1:-1], children[-1]
        cascade = behavior is not None and behavior.upper() == "CASCADE"
        return ast.DropView(tuple(names), if_exists is not None, cascade, pos=_pos(meta))

    def truncate(self, meta, children):
        return ast.Truncate(children[0], pos=_pos(meta))

    # ALTER TABLE t ALTER ...: each clause rule returns the AlterTable fields it sets.
    def alter_table(self, meta, children):
        name, fields = children
        return ast.AlterTable(name, **fields, pos=_pos(meta))

    def alter_diststyle(self, meta, children):
        return {"diststyle": children[0]}

    def alter_diststyle_value(self, meta, children):
        return children[0].upper()

    def alter_diststyle_key(self, meta, children):
        return {"diststyle": "KEY", "distkey": children[0]}

    def alter_distkey(self, meta, children):
        return {"diststyle": "KEY", "distkey": children[0]}

    def alter_sortkey(self, meta, children):
        style, columns = children
        return {"sortkey": tuple(columns), "sortkey_style": None if style is None else "COMPOUND"}

    def alter_sortkey_auto(self, meta, children):
        return {"sortkey": (), "sortkey_style": "AUTO"}

    def alter_sortkey_none(self, meta, children):
        return {"sortkey": ()}

    # -- DML --------------------------------------------------------------

    def insert(self, meta, children):
        table, columns, source = children
        return ast.Insert(table, tuple(columns or ()), source, pos=_pos(meta))

    def insert_default_values(self, meta, children):
        return ast.Insert(children[0], (), None, pos=_pos(meta))

    def delete(self, meta, children):
        table, alias, using, where = children
        return ast.Delete(table, where.value if where else None, alias, tuple(using or ()), pos=_pos(meta))

    def delete_using(self, meta, children):
        return tuple(children)

    def update(self, meta, children):
        table, alias = children[0], children[1]
        from_, where = children[-2], children[-1]
        assignments = tuple(children[2:-2])
        return ast.Update(table, assignments, where.value if where else None, alias,
                          tuple(from_.value) if from_ else (), pos=_pos(meta))

    def assignment(self, meta, children):
        return (children[0], children[1])

    def assignment_default(self, meta, children):
        return (children[0], ast.Default(pos=_pos(meta)))

    # -- external tables ----------------------------------------------------------------
    def create_external_schema(self, meta, children):
        if_not_exists, name, source = children[:3]
        return ast.CreateExternalSchema(name, source, tuple(children[3:]), if_not_exists is not None,
                                        pos=_pos(meta))

    def external_source(self, meta, children):
        return " ".join(str(c).upper() for c in children)

    def ext_database(self, meta, children):
        return ("DATABASE", _string(children[0]))

    def ext_region(self, meta, children):
        return ("REGION", _string(children[0]))

    def ext_iam_role(self, meta, children):
        return ("IAM_ROLE", _string(children[0]))

    def ext_iam_role_default(self, meta, children):
        return ("IAM_ROLE", "default")

    def ext_catalog_role(self, meta, children):
        return ("CATALOG_ROLE", _string(children[0]))

    def ext_create_database(self, meta, children):
        return ("CREATE_DATABASE", True)

    def create_external_table(self, meta, children):
        if_not_exists, name = children[:2]
        columns = [c for c in children[2:] if isinstance(c, tuple) and len(c) == 2 and isinstance(c[1], ast.TypeName)]
        fields = dict(columns=tuple(columns))
        for clause in children[2 + len(columns):]:
            key, value, pos = clause
            if key in fields and key not in ("row_format",):
                raise self._error(f"{key.upper().replace('_', ' ')} given more than once", pos)
            fields[key] = value
        return ast.CreateExternalTable(name, **fields, if_not_exists=if_not_exists is not None, pos=_pos(meta))

    def external_column(self, meta, children):
        return (children[0], children[1])

    def ext_partitioned_by(self, meta, children):
        return ("partition_columns", tuple(children), _pos(meta))

    def ext_row_delimited(self, meta, children):
        return ("row_format", tuple(c for c in children if c is not None), _pos(meta))

    def ext_row_serde(self, meta, children):
        return ("row_format", (("SERDE", _string(children[0])),), _pos(meta))

    def ext_serde_properties(self, meta, children):
        return ("serde_properties", children[0], _pos(meta))

    def ext_stored_as(self, meta, children):
        return ("stored_as", children[0].upper(), _pos(meta))

    def ext_stored_as_io(self, meta, children):
        return ("stored_as", "INPUTFORMAT " + _string(children[0]), _pos(meta))

    def ext_location(self, meta, children):
        return ("location", _string(children[0]), _pos(meta))

    def ext_table_properties(self, meta, children):
        return ("properties", children[-1], _pos(meta))

    def fields_terminated(self, meta, children):
        return ("FIELDS", _string(children[0]))

    def lines_terminated(self, meta, children):
        return ("LINES", _string(children[0]))

    def escaped_by(self, meta, children):
        return ("ESCAPED", _string(children[0]))

    def null_defined(self, meta, children):
        return ("NULL", _string(children[0]))

    def ignored_delimiter(self, meta, children):
        return None

    def property_list(self, meta, children):
        return tuple(children)

    def property(self, meta, children):
        return (_string(children[0]), _string(children[1]))

    def athena_ctas(self, meta, children):
        if_not_exists, name, props, query = children[0], children[1], tuple(children[2:-1]), children[-1]
        return ast.AthenaCtas(name, props, query, if_not_exists is not None, pos=_pos(meta))

    def ctas_property(self, meta, children):
        return (children[0], children[1])

    def ctas_string(self, meta, children):
        return _string(children[0])

    def ctas_integer(self, meta, children):
        return int(children[0])

    def ctas_array(self, meta, children):
        return tuple(_string(c) for c in children if c is not None)

    def drop_schema(self, meta, children):
        if_exists, name, drop_db, behavior = children
        cascade = behavior is not None and behavior.upper() == "CASCADE"
        return ast.DropSchema(name, if_exists is not None, drop_db is not None, cascade, pos=_pos(meta))

    def drop_external_database(self, meta, children):
        return True

    def alter_add_partitions(self, meta, children):
        name, if_not_exists = children[:2]
        return ast.AlterPartitions(name, "add", tuple(children[2:]), if_not_exists is not None, pos=_pos(meta))

    def alter_drop_partitions(self, meta, children):
        name, if_exists = children[:2]
        parts = tuple((spec, None) for spec in children[2:])
        return ast.AlterPartitions(name, "drop", parts, if_exists is not None, pos=_pos(meta))

    def partition_location(self, meta, children):
        spec, location = children
        return (spec, None if location is None else _string(location))

    def partition_spec(self, meta, children):
        return tuple(children)

    def partition_value(self, meta, children):
        return (children[0], children[1])

    def msck_repair(self, meta, children):
        return ast.MsckRepair(children[0], pos=_pos(meta))

    def vacuum(self, meta, children):
        mode, table, threshold, boost = children
        return ast.Vacuum(mode or "FULL", table, threshold, boost is not None, pos=_pos(meta))

    def vacuum_mode(self, meta, children):
        return " ".join(str(c).upper() for c in children)

    def vacuum_threshold(self, meta, children):
        return int(children[0])

    def analyze(self, meta, children):
        verbose, table, columns, which = children
        return ast.Analyze(table, tuple(columns or ()), which is not None and which.startswith("PREDICATE"),
                           verbose is not None, pos=_pos(meta))

    def analyze_columns(self, meta, children):
        return " ".join(str(c).upper() for c in children)

    def copy(self, meta, children):
        table, columns, source = children[0], children[1], children[2]
        fmt, options = None, []
        for kind, name, value, pos in children[3:]:
            if kind == "format":
                if fmt is not None:
                    raise self._error("more than one data format in COPY", pos)
                fmt = name
                if value is not None:
                    options.append((name, value))
            else:
                options.append((name, value))
        return ast.Copy(table, tuple(columns or ()), _string(source), fmt or "TEXT", tuple(options),
                        pos=_pos(meta))

    def copy_iam_role(self, meta, children):
        return ("option", "IAM_ROLE", _string(children[0]), _pos(meta))

    def copy_iam_role_default(self, meta, children):
        return ("option", "IAM_ROLE", "default", _pos(meta))

    def copy_format_option(self, meta, children):
        fmt, arg = children
        return ("format", fmt, None if arg is None else _string(arg), _pos(meta))

    def copy_string_option(self, meta, children):
        key, value = children
        return ("option", key, _string(value), _pos(meta))

    def copy_int_option(self, meta, children):
        key, value = children
        return ("option", key, int(value), _pos(meta))

    def copy_bool_option(self, meta, children):
        key, value = children
        return ("option", key, True if value is None else value, _pos(meta))

    def on_off(self, meta, children):
        return children[0].upper() in ("ON", "TRUE")

    def copy_flag_option(self, meta, children):
        return ("option", children[0], True, _pos(meta))

    def unload(self, meta, children):
        query, target = children[0], children[1]
        fmt, options, seen = None, [], set()
        for kind, name, value, pos in children[2:]:
            if kind == "format":
                if fmt is not None:
                    raise self._error("more than one data format in UNLOAD", pos)
                fmt = name
                continue
            if name in seen:
                raise self._error(f"option {name} given more than once in UNLOAD", pos)
            seen.add(name)
            if name == "PARTITION_BY":
                options.append((name, tuple(value[0])))
                if value[1]:
                    options.append(("INCLUDE", True))
            else:
                options.append((name, value))
        return ast.Unload(_string(query), _string(target), fmt or "TEXT", tuple(options), pos=_pos(meta))

    def unload_iam_role(self, meta, children):
        return ("option", "IAM_ROLE", _string(children[0]), _pos(meta))

    def unload_iam_role_default(self, meta, children):
        return ("option", "IAM_ROLE", "default", _pos(meta))

    def unload_format(self, meta, children):
        return ("format", children[0], None, _pos(meta))

    def unload_partition_by(self, meta, children):
        cols, include = children
        return ("option", "PARTITION_BY", (list(cols), include is not None), _pos(meta))

    def unload_include(self, meta, children):
        return True

    def unload_parallel(self, meta, children):
        value = children[0]
        return ("option", "PARALLEL", True if value is None else value, _pos(meta))

    def unload_string_option(self, meta, children):
        key, value = children
        return ("option", key, _string(value), _pos(meta))

    def unload_flag_option(self, meta, children):
        return ("option", children[0], True, _pos(meta))

    # -- others -----------------------------------------------------------

    def explain(self, meta, children):
        option, statement = children
        words = option or ()
        return ast.Explain(statement, "VERBOSE" in words, "ANALYZE" in words, pos=_pos(meta))

    def explain_option(self, meta, children):
        return [t.upper() for t in children if t is not None]

    def set_variable(self, meta, children):
        name, values = children[0], [self._set_value(v) for v in children[1:]]
        value = values[0] if len(values) == 1 else tuple(values)
        return ast.SetVariable(name, value, pos=_pos(meta))

    @staticmethod
    def _set_value(value):
        if isinstance(value, ast.ColumnRef) and len(value.parts) == 1:
            return value.parts[0]
        return value

    def set_word(self, meta, children):
        return children[0].lower()

    def begin(self, meta, children):
        return ast.Transaction("begin", pos=_pos(meta))

    def commit(self, meta, children):
        return ast.Transaction("commit", pos=_pos(meta))

    def rollback(self, meta, children):
        return ast.Transaction("rollback", pos=_pos(meta))

