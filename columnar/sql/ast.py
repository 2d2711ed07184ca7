"""The unbound syntax tree produced by :mod:`columnar.sql.parser`.

Role: a faithful, typed picture of what the user wrote, before any name is
resolved. Nodes are frozen dataclasses; ``pos`` is the ``(line, column)`` of
the node's first token (1-based) so the binder can point a caret at mistakes.
``pos`` does not take part in equality, so tests can compare trees directly.

Place in the pipeline: SQL text → **parser → ast** → binder → logical plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

Pos = Optional[tuple]


def _pos():
    return field(default=None, compare=False, repr=False, kw_only=True)


# --------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeName:
    """A type as written: ``DECIMAL(10, 2)`` → ``TypeName("DECIMAL", (10, 2))``.

    Multi-word names are normalised to single spaces and upper case
    (``"DOUBLE PRECISION"``, ``"CHARACTER VARYING"``); ``VARCHAR(MAX)`` has
    ``params == ("MAX",)``.
    """

    name: str
    params: tuple = ()
    pos: Pos = _pos()


@dataclass(frozen=True)
class Literal:
    """A constant. ``kind`` is one of ``int``, ``decimal``, ``float``,
    ``string``, ``bool``, ``null``.

    ``value`` is an ``int`` for ``int``, the literal text (e.g. ``"0.06"``) for
    ``decimal`` (so no precision is lost), a ``float`` for ``float`` (literals
    with an exponent, ``1e3``), a ``str`` for ``string``, a ``bool`` for
    ``bool`` and ``None`` for ``null``.
    """

    value: object
    kind: str
    pos: Pos = _pos()


@dataclass(frozen=True)
class TypedLiteral:
    """``DATE '1998-12-01'``, ``TIMESTAMP '2020-01-01 10:00:00'``."""

    type: TypeName
    value: str
    pos: Pos = _pos()


@dataclass(frozen=True)
class IntervalLiteral:
    """``INTERVAL '90 days'`` (unit None, the text holds it) or
    ``INTERVAL '3' MONTH`` (unit ``"MONTH"``)."""

    value: str
    unit: Optional[str] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class Parameter:
    """A ``?`` placeholder; ``index`` counts from 0 in order of appearance."""

    index: int
    pos: Pos = _pos()


@dataclass(frozen=True)
class ColumnRef:
    """``a``, ``t.a`` or ``s.t.a``; identifiers are lower-cased unless quoted."""

    parts: tuple
    pos: Pos = _pos()


@dataclass(frozen=True)
class Star:
    """``*`` or ``t.*`` in a select list."""

    table: Optional[str] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class UnaryOp:
    """``op`` is ``"-"``, ``"+"`` or ``"NOT"``."""

    op: str
    operand: "Expr"
    pos: Pos = _pos()


@dataclass(frozen=True)
class BinaryOp:
    """``op`` is one of ``+ - * / % || = <> < <= > >= AND OR``
    (``!=`` is normalised to ``<>``)."""

    op: str
    left: "Expr"
    right: "Expr"
    pos: Pos = _pos()


@dataclass(frozen=True)
class IsNull:
    operand: "Expr"
    negated: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class IsBool:
    """``x IS [NOT] TRUE|FALSE``."""

    operand: "Expr"
    value: bool
    negated: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class Between:
    operand: "Expr"
    low: "Expr"
    high: "Expr"
    negated: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class InList:
    operand: "Expr"
    items: tuple
    negated: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class InSubquery:
    operand: "Expr"
    query: "Query"
    negated: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class Exists:
    query: "Query"
    negated: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class ScalarSubquery:
    query: "Query"
    pos: Pos = _pos()


@dataclass(frozen=True)
class Like:
    """``x [NOT] LIKE|ILIKE pattern [ESCAPE e]``."""

    operand: "Expr"
    pattern: "Expr"
    negated: bool = False
    case_insensitive: bool = False
    escape: Optional["Expr"] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class SimilarTo:
    operand: "Expr"
    pattern: "Expr"
    negated: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class Case:
    """``CASE [operand] WHEN .. THEN .. [ELSE ..] END``; ``whens`` is a tuple of
    ``(condition, result)`` pairs."""

    operand: Optional["Expr"]
    whens: tuple
    else_: Optional["Expr"] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class Cast:
    """``CAST(x AS t)``, ``x::t`` and ``CONVERT(t, x)``."""

    operand: "Expr"
    type: TypeName
    pos: Pos = _pos()


@dataclass(frozen=True)
class FunctionCall:
    """``name(args)``; ``name`` is lower case. ``COUNT(*)`` has ``star=True``
    and no args. ``approximate`` marks ``APPROXIMATE COUNT(DISTINCT x)``.
    ``within_group`` holds ORDER BY items of ``LISTAGG .. WITHIN GROUP``;
    ``over`` a :class:`WindowSpec` for window functions (issue #4)."""

    name: str
    args: tuple = ()
    distinct: bool = False
    star: bool = False
    approximate: bool = False
    within_group: tuple = ()
    over: Optional["WindowSpec"] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class WindowSpec:
    partition_by: tuple = ()
    order_by: tuple = ()
    frame: Optional[str] = None  # raw frame text, interpreted in issue #4
    pos: Pos = _pos()


@dataclass(frozen=True)
class Extract:
    """``EXTRACT(field FROM x)`` and ``DATE_PART('field', x)``; field is lower case."""

    field: str
    operand: "Expr"
    pos: Pos = _pos()


@dataclass(frozen=True)
class Default:
    """``DEFAULT`` in an INSERT's VALUES row: the column's default (or NULL)."""

    pos: Pos = _pos()


Expr = Union[
    Literal, TypedLiteral, IntervalLiteral, Parameter, ColumnRef, Star, UnaryOp, BinaryOp,
    IsNull, IsBool, Between, InList, InSubquery, Exists, ScalarSubquery, Like, SimilarTo,
    Case, Cast, FunctionCall, Extract,
]

# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectItem:
    expr: Expr
    alias: Optional[str] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class OrderItem:
    """``nulls_first`` is None when the user did not say (Redshift default:
    NULLS LAST for ASC, NULLS FIRST for DESC: NULL sorts as the largest value)."""

    expr: Expr
    desc: bool = False
    nulls_first: Optional[bool] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class TableName:
    """``[schema.]name [AS] alias``; ``name`` holds the dotted parts joined by '.'."""

    name: str
    alias: Optional[str] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class SubqueryRef:
    query: "Query"
    alias: Optional[str] = None
    column_aliases: tuple = ()
    pos: Pos = _pos()


@dataclass(frozen=True)
class Join:
    """``kind`` is ``inner``, ``left``, ``right``, ``full`` or ``cross``.
    ``condition`` is the ON expression, ``using`` a tuple of column names;
    ``natural`` marks NATURAL joins."""

    left: "TableRef"
    right: "TableRef"
    kind: str = "inner"
    condition: Optional[Expr] = None
    using: tuple = ()
    natural: bool = False
    pos: Pos = _pos()


TableRef = Union[TableName, SubqueryRef, Join]


@dataclass(frozen=True)
class Select:
    """One SELECT block. ``from_`` is a tuple of table refs (comma-joins are
    several entries). ``top`` is the ``TOP n`` expression, ``limit``/``offset``
    the LIMIT/OFFSET ones (``LIMIT ALL`` is None)."""

    items: tuple
    from_: tuple = ()
    where: Optional[Expr] = None
    group_by: tuple = ()
    having: Optional[Expr] = None
    qualify: Optional[Expr] = None
    order_by: tuple = ()
    limit: Optional[Expr] = None
    offset: Optional[Expr] = None
    distinct: bool = False
    top: Optional[Expr] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class SetOperation:
    """``left UNION|INTERSECT|EXCEPT [ALL] right`` (MINUS is EXCEPT), with the
    ORDER BY / LIMIT / OFFSET that apply to the whole result."""

    op: str
    left: "Query"
    right: "Query"
    all: bool = False
    order_by: tuple = ()
    limit: Optional[Expr] = None
    offset: Optional[Expr] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class CommonTableExpr:
    name: str
    query: "Query"
    column_aliases: tuple = ()
    pos: Pos = _pos()


@dataclass(frozen=True)
class With:
    ctes: tuple
    body: "Query"
    recursive: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class Values:
    """A bare ``VALUES (..), (..)`` list used as a query."""

    rows: tuple
    pos: Pos = _pos()


Query = Union[Select, SetOperation, With, Values]

# --------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnDef:
    name: str
    type: TypeName
    not_null: bool = False
    default: Optional[Expr] = None
    encode: Optional[str] = None
    distkey: bool = False
    sortkey: bool = False
    primary_key: bool = False
    unique: bool = False
    identity: Optional[tuple] = None  # (seed, step)
    pos: Pos = _pos()


@dataclass(frozen=True)
class TableAttributes:
    """Redshift table attributes. ``diststyle`` is ``AUTO``/``EVEN``/``KEY``/
    ``ALL`` or None (not given); ``sortkey_style`` is ``COMPOUND``/
    ``INTERLEAVED``/``AUTO`` or None; ``sortkey`` the column names."""

    diststyle: Optional[str] = None
    distkey: Optional[str] = None
    sortkey: tuple = ()
    sortkey_style: Optional[str] = None
    encode_auto: bool = False
    backup: Optional[bool] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class CreateTable:
    name: str
    columns: tuple
    attributes: TableAttributes = TableAttributes()
    if_not_exists: bool = False
    temporary: bool = False
    primary_key: tuple = ()  # table-level PRIMARY KEY (a, b)
    pos: Pos = _pos()


@dataclass(frozen=True)
class CreateTableAs:
    name: str
    query: Query
    attributes: TableAttributes = TableAttributes()
    column_names: tuple = ()
    if_not_exists: bool = False
    temporary: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class DropTable:
    names: tuple
    if_exists: bool = False
    cascade: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class CreateView:
    """``CREATE [OR REPLACE] VIEW name [(column_names)] AS query``. ``sql`` is
    the query's text as written (what the catalog stores)."""

    name: str
    query: Query
    sql: str
    column_names: tuple = ()
    or_replace: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class DropView:
    names: tuple
    if_exists: bool = False
    cascade: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class Insert:
    """``source`` is a :class:`Values` or any query; ``columns`` may be empty.
    ``source`` is None for ``INSERT INTO t DEFAULT VALUES``."""

    table: str
    columns: tuple
    source: Query
    pos: Pos = _pos()


@dataclass(frozen=True)
class Copy:
    """``COPY t [(cols)] FROM 'path' [IAM_ROLE ..] FORMAT [AS] PARQUET|CSV
    [IGNOREHEADER n] [DELIMITER 'c'] ...``. ``options`` maps upper-case option
    names to their values (``True`` for flags)."""

    table: str
    columns: tuple
    source: str
    format: str = "CSV"
    options: tuple = ()  # tuple of (NAME, value) pairs
    pos: Pos = _pos()


@dataclass(frozen=True)
class Unload:
    """``UNLOAD ('select ...') TO 'folder/prefix' [IAM_ROLE ..] [FORMAT [AS]] PARQUET|CSV
    [PARTITION BY (cols) [INCLUDE]] [PARALLEL ON|OFF] [ALLOWOVERWRITE] [HEADER] [DELIMITER 'c']``.
    ``query_text`` is the unescaped query (parsed when the statement runs); ``format`` is
    ``TEXT`` (pipe-delimited) when none is given; ``options`` holds (NAME, value) pairs:
    ``PARTITION_BY`` → tuple of column names, ``INCLUDE``/``PARALLEL``/flags → bool."""

    query_text: str
    target: str
    format: str = "TEXT"
    options: tuple = ()  # tuple of (NAME, value) pairs
    pos: Pos = _pos()


@dataclass(frozen=True)
class Delete:
    """``DELETE [FROM] t [alias] [USING other, ...] [WHERE cond]``."""

    table: str
    where: Optional[Expr] = None
    alias: Optional[str] = None
    using: tuple = ()  # table refs joined with t
    pos: Pos = _pos()


@dataclass(frozen=True)
class Update:
    """``UPDATE t [alias] SET c = expr | DEFAULT, ... [FROM other, ...] [WHERE cond]``;
    a ``DEFAULT`` assignment holds a :class:`Default`."""

    table: str
    assignments: tuple  # ((column, expr), ...)
    where: Optional[Expr] = None
    alias: Optional[str] = None
    from_: tuple = ()  # table refs joined with t
    pos: Pos = _pos()


@dataclass(frozen=True)
class CreateExternalSchema:
    """``CREATE EXTERNAL SCHEMA [IF NOT EXISTS] s FROM DATA CATALOG DATABASE 'db'
    [REGION 'r'] IAM_ROLE 'arn' | DEFAULT [CREATE EXTERNAL DATABASE IF NOT EXISTS]``.
    ``options`` holds (NAME, value) pairs: DATABASE, REGION, IAM_ROLE, CATALOG_ROLE,
    CREATE_DATABASE."""

    name: str
    source: str = "DATA CATALOG"
    options: tuple = ()
    if_not_exists: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class CreateExternalTable:
    """``CREATE EXTERNAL TABLE [IF NOT EXISTS] s.t (cols) [PARTITIONED BY (cols)]
    [ROW FORMAT ...] [STORED AS fmt] LOCATION '...' [TABLE PROPERTIES (...)]``.
    ``columns`` / ``partition_columns`` are ``(name, TypeName)`` pairs; ``row_format``
    holds (NAME, value) pairs (``FIELDS``, ``LINES``, ``ESCAPED``, ``NULL``,
    ``SERDE``); ``serde_properties`` and ``properties`` (key, value) pairs as written."""

    name: str
    columns: tuple
    partition_columns: tuple = ()
    row_format: tuple = ()
    serde_properties: tuple = ()
    stored_as: Optional[str] = None
    location: Optional[str] = None
    properties: tuple = ()
    if_not_exists: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class AthenaCtas:
    """Athena's ``CREATE TABLE db.t WITH (format=..., external_location=...,
    partitioned_by=ARRAY[...]) AS query``: writes the query's rows
    as files and registers an external table over them. ``properties`` holds
    (key as written, value) pairs; an ARRAY value is a tuple of strings."""

    name: str
    properties: tuple
    query: object
    if_not_exists: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class DropSchema:
    name: str
    if_exists: bool = False
    drop_database: bool = False
    cascade: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class AlterPartitions:
    """``ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (k=v, ...) [LOCATION '...'] ...``
    (``action`` ``add``; ``partitions`` of (((key, Literal), ...), location or None))
    or ``ALTER TABLE t DROP [IF EXISTS] PARTITION (...), ...`` (``drop``; location None)."""

    table: str
    action: str
    partitions: tuple
    if_flag: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class MsckRepair:
    """``MSCK REPAIR TABLE t`` (Athena): register the Hive-style partition folders found."""

    table: str
    pos: Pos = _pos()


@dataclass(frozen=True)
class Vacuum:
    """``VACUUM [FULL | SORT ONLY | DELETE ONLY | REINDEX | RECLUSTER] [t] [TO n PERCENT] [BOOST]``.
    ``mode`` is ``FULL`` when none is written (Redshift's default); ``threshold``
    is None when ``TO n PERCENT`` is not written."""

    mode: str = "FULL"
    table: Optional[str] = None
    threshold: Optional[int] = None
    boost: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class Analyze:
    """``ANALYZE [VERBOSE] [t [(cols)]] [PREDICATE COLUMNS | ALL COLUMNS]``."""

    table: Optional[str] = None
    columns: tuple = ()
    predicate_columns: bool = False
    verbose: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class Truncate:
    table: str
    pos: Pos = _pos()


@dataclass(frozen=True)
class AlterTable:
    """``ALTER TABLE t ALTER DISTSTYLE ... | ALTER DISTKEY c | ALTER SORTKEY ...``.

    One clause per statement, as in Redshift. ``diststyle`` is ``EVEN``/``ALL``/
    ``AUTO``/``KEY`` or None (unchanged); ``ALTER DISTKEY c`` is read as
    ``ALTER DISTSTYLE KEY DISTKEY c`` (``diststyle="KEY"``, ``distkey="c"``).
    ``sortkey`` is None when the sort key is unchanged, ``()`` for ``SORTKEY
    NONE`` and ``SORTKEY AUTO``, else the column names; ``sortkey_style`` is
    ``COMPOUND`` (written), ``AUTO`` (``SORTKEY AUTO``) or None.
    """

    table: str
    diststyle: Optional[str] = None
    distkey: Optional[str] = None
    sortkey: Optional[tuple] = None
    sortkey_style: Optional[str] = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class Explain:
    statement: object
    verbose: bool = False
    analyze: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class SetVariable:
    """``SET name = value`` / ``SET name TO value``; value is an Expr or a bare word
    (as a string)."""

    name: str
    value: object
    pos: Pos = _pos()


@dataclass(frozen=True)
class Transaction:
    """``BEGIN``/``START TRANSACTION``/``COMMIT``/``END``/``ROLLBACK``/``ABORT``;
    ``action`` is ``begin``, ``commit`` or ``rollback``."""

    action: str
    pos: Pos = _pos()


Statement = Union[
    Select, SetOperation, With, Values, CreateTable, CreateTableAs, DropTable, CreateView, DropView, Insert, Copy,
    Delete, Update, Truncate, AlterTable, Explain, SetVariable, Transaction, Vacuum, Analyze,
    CreateExternalSchema, CreateExternalTable, DropSchema, AlterPartitions, MsckRepair, AthenaCtas,
]
