"""STL_LOAD_ERRORS: the bad rows of COPY statements, queryable with SQL.

Role: ``COPY`` (:mod:`columnar.api.copy`) hands the
:class:`~columnar.storage.loader.LoadError` records of its bad rows to
:func:`load_error_rows`, which turns them into rows of ``STL_LOAD_ERRORS``
([DG:r_STL_LOAD_ERRORS]) kept on the session (``session.load_errors``, a
plain list). Rows are written both for the bad rows a ``MAXERROR n`` load
skipped and for the rows that made a load fail, as Redshift does; a failing
COPY's message points here::

    SELECT query, trim(filename), line_number, colname, err_code, trim(err_reason)
    FROM stl_load_errors ORDER BY query DESC, line_number

Columns follow the AWS page: ``userid`` 100, ``slice`` the slice that "read"
the file (files are dealt to slices round-robin, file ``i`` on slice
``i mod slices``), ``tbl`` the table id (joins ``stv_tbl_perm.id``),
``starttime`` the COPY's start, ``session`` the fixed session id of
``stl_query.pid``, ``query`` the COPY's query id (joins ``stl_query``),
``filename`` the path given, ``line_number`` the 1-based physical line of the
file where the bad record starts, header lines counted (for Parquet the 1-based
row of the file), ``colname`` the column ('' for a whole-line error),
``type`` and ``col_length`` the column's Redshift type name (``int4``,
``numeric``, ``varchar`` ...) and length (``"3"`` for CHAR(3), ``"15,2"`` for
DECIMAL(15,2), ``"0"`` otherwise), ``position`` the 0-based position of the
offending character in the field ("Invalid digit"; 0 otherwise),
``raw_line``/``raw_field_value`` the record's text and the field's text
before parsing (multibyte characters replaced by ``.``, as Redshift does;
for Parquet the row's values joined by ``|``), ``err_code``/``err_reason`` below,
``is_partial`` 0, ``start_offset`` 0, ``copy_job_id`` 0.

Error codes, from the AWS "Load error reference" ([DG:r_Load_Error_Reference]):

=====  ===========================================  ====================================
code   when                                         err_reason
=====  ===========================================  ====================================
1202   more fields than columns                     Extra column(s) found
1204   text longer than VARCHAR(n)/CHAR(n)          String length exceeds DDL length
1204   DECIMAL or TIMESTAMP out of range            Overflow, Value '...', Type: Decimal
1205   bad date                                     Invalid date format, Value '...'
1206   bad timestamp                                Invalid timestamp format, Value '...'
1207   bad digit for an integer or DECIMAL          Invalid digit, Value 'x', Pos 0, Type: Integer
1208   bad REAL / DOUBLE PRECISION text             Invalid digit, Value 'x', Pos 0, Type: Double
1210   bad boolean                                  Invalid boolean value, Value '...'
1213   NULL or empty field in a NOT NULL column     Missing data for not-null field
1214   fewer fields than columns                    Delimiter not found
1216   any other value the column cannot hold       the engine's message
1222   SMALLINT / INTEGER / BIGINT out of range     Overflow, Value '...', Type: Integer
=====  ===========================================  ====================================

Where the AWS pages leave the choice open: "Extra column(s) found" is given
1202 ("Input data had more columns than were defined in the DDL"), integer
overflow 1222 ("Integer value overflow error") and float format errors 1208
("FLOAT data type format error"); the reason texts follow the forms commonly
seen from Redshift (``Type:`` names ``Short``, ``Integer``, ``Long``,
``Decimal``, ``Float``, ``Double``).

Simplified versus Redshift: every bad row is recorded (Redshift records a
limited number per slice), one row per bad record; the log lives as long as
the connection and keeps the newest :data:`MAX_ROWS` rows.
"""

from __future__ import annotations

from columnar.core.errors import IntegrityError, NumericOverflowError
from columnar.core.types import TypeId
from columnar.exec.system_views_relation import INT, INT8, TS, char, make_relation

USERID = 100
SESSION = 1073  # the session id stl_query shows as pid
MAX_ROWS = 100_000

STL_LOAD_ERRORS = [
    ("userid", INT), ("slice", INT), ("tbl", INT), ("starttime", TS), ("session", INT), ("query", INT),
    ("filename", char(256)), ("line_number", INT8), ("colname", char(127)), ("type", char(10)),
    ("col_length", char(10)), ("position", INT), ("raw_line", char(1024)), ("raw_field_value", char(1024)),
    ("err_code", INT), ("err_reason", char(100)), ("is_partial", INT), ("start_offset", INT8),
    ("copy_job_id", INT8),
]

_TYPE_NAMES = {
    TypeId.SMALLINT: "int2", TypeId.INTEGER: "int4", TypeId.BIGINT: "int8", TypeId.DECIMAL: "numeric",
    TypeId.REAL: "float4", TypeId.DOUBLE: "float8", TypeId.BOOLEAN: "bool", TypeId.CHAR: "bpchar",
    TypeId.VARCHAR: "varchar", TypeId.DATE: "date", TypeId.TIMESTAMP: "timestamp",
}
_REASON_TYPES = {  # the type names of Redshift's err_reason texts
    TypeId.SMALLINT: "Short", TypeId.INTEGER: "Integer", TypeId.BIGINT: "Long", TypeId.DECIMAL: "Decimal",
    TypeId.REAL: "Float", TypeId.DOUBLE: "Double",
}


def stl_load_errors(session):
    rows = list(getattr(session, "load_errors", ()))
    return make_relation("stl_load_errors", STL_LOAD_ERRORS, rows, session.topology.n_slices)


def load_error_rows(errors, *, table_id: int, query: int, starttime, n_slices: int) -> list[tuple]:
    """STL_LOAD_ERRORS rows for the :class:`~columnar.storage.loader.LoadError` list of one COPY."""
    rows = []
    for e in errors:
        code, reason, position = classify(e)
        field = e.field
        type_name = "" if field is None else _TYPE_NAMES.get(field.type.id, field.type.id.value.lower())
        rows.append((
            USERID, e.file_index % max(n_slices, 1), table_id, starttime, SESSION, query,
            _fit(e.file, 256), e.line, _fit(e.column or "", 127), type_name[:10],
            "" if field is None else _col_length(field.type), position,
            _fit(_single_byte(e.raw_line), 1024), _fit(_single_byte(e.raw_value), 1024),
            code, _fit(reason, 100), 0, 0, 0,
        ))
    return rows


def record(session, rows: list[tuple]) -> None:
    """Append rows to the session's STL_LOAD_ERRORS log (created on first use)."""
    log = getattr(session, "load_errors", None)
    if log is None:
        log = session.load_errors = []
    log.extend(rows)
    if len(log) > MAX_ROWS:
        del log[: len(log) - MAX_ROWS]


def classify(e) -> tuple[int, str, int]:
    """``(err_code, err_reason, position)`` of a load error.

    Example:
        >>> from columnar.core.errors import ConversionError
        >>> from columnar.core.types import INTEGER, Field
        >>> from columnar.storage.loader import LoadError
        >>> exc = ConversionError("x"); exc.detail = "Invalid digit, Value '12a', Type: INTEGER"
        >>> classify(LoadError("f.csv", 0, 2, "n", Field("n", INTEGER), "12a", "1,12a", exc))
        (1207, "Invalid digit, Value 'a', Pos 2, Type: Integer", 2)
    """
    detail = e.detail
    field = e.field
    value = e.raw_value or ""
    if field is None:  # whole-line errors
        if getattr(e.error, "extra", False) or detail.startswith("Extra column"):
            return 1202, "Extra column(s) found", 0
        return 1214, "Delimiter not found", 0
    t = field.type
    if isinstance(e.error, IntegrityError):
        return 1213, "Missing data for not-null field", 0
    if detail.startswith("value too long"):
        return 1204, "String length exceeds DDL length", 0
    kind = _REASON_TYPES.get(t.id, t.sql())
    if detail.startswith("Invalid digit"):
        ch, pos = _invalid_char(value, t)
        return (1208 if t.is_float else 1207), f"Invalid digit, Value '{ch}', Pos {pos}, Type: {kind}", pos
    if detail.startswith("Overflow") or isinstance(e.error, NumericOverflowError):
        return (1222 if t.is_integer else 1204), f"Overflow, Value '{_short(value)}', Type: {kind}", 0
    if detail.startswith("Invalid date format"):
        return 1205, _short(detail, 100), 0
    if detail.startswith("Invalid timestamp format"):
        return 1206, _short(detail, 100), 0
    if detail.startswith("Invalid boolean"):
        return 1210, _short(detail, 100), 0
    return 1216, _short(detail, 100), 0


def _invalid_char(value: str, t) -> tuple[str, int]:
    """The first character of ``value`` that cannot be part of a number of type ``t``, and its position."""
    body = value.strip()
    lead = len(value) - len(value.lstrip())
    seen_point = False
    for k, ch in enumerate(body):
        if "0" <= ch <= "9":
            continue
        if ch in "+-" and (k == 0 or (t.is_float and body[k - 1] in "eE")):
            continue
        if ch == "." and not t.is_integer and not seen_point:
            seen_point = True
            continue
        if ch in "eE" and t.is_float and k > 0:
            continue
        return ch, lead + k
    return body[-1:], lead + max(len(body) - 1, 0)  # every character fits: the number ends too soon ("1e")


def _col_length(t) -> str:
    if t.is_string:
        return str(t.length)
    if t.is_decimal:
        return f"{t.precision},{t.scale}"
    return "0"


def _single_byte(text: str) -> str:
    """Multibyte characters replaced by '.', as STL_LOAD_ERRORS shows raw data."""
    return text if text.isascii() else "".join(c if ord(c) < 128 else "." for c in text)


def _fit(text: str, n: int) -> str:
    """Cut to ``n`` bytes of UTF-8 (a CHAR(n) column holds bytes)."""
    data = text.encode("utf-8")
    return text if len(data) <= n else data[:n].decode("utf-8", errors="ignore")


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."
