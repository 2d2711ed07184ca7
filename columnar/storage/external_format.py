"""The file format of an external table, from its DDL.

Role: the first step of reading an external table (Spectrum / Athena).
:func:`text_format_from` maps what CREATE EXTERNAL TABLE says (``STORED AS``,
``ROW FORMAT`` with its SerDe or DELIMITED clauses, SERDEPROPERTIES and table
properties) to a :class:`ParquetFormat` or a :class:`TextFormat` (text, CSV or
JSON lines); :func:`columnar.storage.external_read.read_file` takes that
object and hands the file to :mod:`columnar.storage.external_parquet` or
:mod:`columnar.storage.external_text`.

Defaults are Hive's: ``TEXTFILE`` (LazySimpleSerDe) has field delimiter
``\\x01`` and NULL marker ``\\N``; OpenCSVSerde has ``,``, quote ``"`` and
escape ``\\`` and no NULL marker; ``surplus_char_handling`` defaults to
``SET_TO_NULL`` and ``use.null.for.invalid.data`` to false. ORC, Avro,
RegexSerDe and the like raise :class:`NotSupportedError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from columnar.core.errors import NotSupportedError, ProgrammingError

__all__ = ["TextFormat", "ParquetFormat", "ExternalFormat", "text_format_from", "SURPLUS_POLICIES"]

SURPLUS_POLICIES = ("SET_TO_NULL", "TRUNCATE", "FAIL", "DISABLED")


@dataclass(frozen=True)
class TextFormat:
    """A delimited-text or JSON-lines format.

    Attributes:
        kind: ``"text"`` (LazySimpleSerDe), ``"csv"`` (OpenCSVSerde) or ``"json"``.
        delimiter: the field separator (one character).
        quote: the quote character, or None (text files are not quoted).
        escape: the escape character, or None.
        skip_header: lines skipped at the top of every file (``skip.header.line.count``).
        null_format: the field text that means NULL (``serialization.null.format``), or None.
        invalid_as_null: bad values become NULL instead of failing (``use.null.for.invalid.data``).
        surplus_chars: ``surplus_char_handling``: SET_TO_NULL, TRUNCATE, FAIL or DISABLED.
        compression: ``"gzip"``, ``"bz2"`` or ``"none"`` (``compression_type``); None: by file extension.
    """

    kind: str = "text"
    delimiter: str = "\x01"
    quote: str | None = None
    escape: str | None = None
    skip_header: int = 0
    null_format: str | None = "\\N"
    invalid_as_null: bool = False
    surplus_chars: str = "SET_TO_NULL"
    compression: str | None = None


@dataclass(frozen=True)
class ParquetFormat:
    """Parquet; ``by_position`` when ``parquet.column.index.access`` is true."""

    by_position: bool = False
    invalid_as_null: bool = False
    surplus_chars: str = "SET_TO_NULL"


ExternalFormat = TextFormat | ParquetFormat


# ----------------------------------------------------------------------------- DDL → format

_SERDES = {
    "org.apache.hadoop.hive.serde2.opencsvserde": "csv",
    "org.apache.hadoop.hive.serde2.lazy.lazysimpleserde": "text",
    "org.openx.data.jsonserde.jsonserde": "json",
    "org.apache.hive.hcatalog.data.jsonserde": "json",
    "org.apache.hadoop.hive.ql.io.parquet.serde.parquethiveserde": "parquet",
}
_ROW_FORMAT_KEYS = {"serde", "serde_properties", "fields_terminated_by", "escaped_by", "lines_terminated_by",
                    "null_defined_as"}
_UNSUPPORTED_STORAGE = ("ORC", "AVRO", "RCFILE", "SEQUENCEFILE", "ION")


def text_format_from(stored_as: str | None = None, row_format: dict | None = None,
                     table_properties: dict | None = None) -> ExternalFormat:
    """The file format a CREATE EXTERNAL TABLE describes.

    Args:
        stored_as: ``PARQUET``, ``TEXTFILE``, ``JSON`` (any case), or an
            INPUTFORMAT class name; None means TEXTFILE (the DDL default).
        row_format: the ROW FORMAT clause as a dict, every key optional:
            ``serde`` (the SERDE class name), ``serde_properties`` (WITH
            SERDEPROPERTIES, a dict), ``fields_terminated_by``, ``escaped_by``,
            ``lines_terminated_by``, ``null_defined_as`` (ROW FORMAT DELIMITED).
            Values are the SQL string contents; escapes such as ``'\\t'``,
            ``'\\001'`` (octal) and ``'\\\\'`` are decoded.
        table_properties: TABLE PROPERTIES / TBLPROPERTIES (keys are case-sensitive):
            ``skip.header.line.count``, ``serialization.null.format``,
            ``use.null.for.invalid.data``, ``surplus_char_handling``,
            ``compression_type``, ``parquet.column.index.access``; others are ignored.

    Returns:
        a :class:`ParquetFormat` or a :class:`TextFormat`.

    Raises:
        ProgrammingError: a malformed delimiter or property value.
        NotSupportedError: ORC, AVRO, RegexSerDe, ... (not modelled).

    Example:
        >>> text_format_from("TEXTFILE", {"fields_terminated_by": "\\\\t"}, {"skip.header.line.count": "1"})
        TextFormat(kind='text', delimiter='\\t', quote=None, escape=None, skip_header=1, null_format='\\\\N', invalid_as_null=False, surplus_chars='SET_TO_NULL', compression=None)
        >>> f = text_format_from(None, {"serde": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
        ...                             "serde_properties": {"separatorChar": "|"}})
        >>> f.kind, f.delimiter, f.quote, f.escape, f.null_format
        ('csv', '|', '"', '\\\\', None)
        >>> text_format_from("parquet")
        ParquetFormat(by_position=False, invalid_as_null=False, surplus_chars='SET_TO_NULL')
    """
    rf = dict(row_format or {})
    unknown = set(rf) - _ROW_FORMAT_KEYS
    if unknown:
        raise ProgrammingError(f"unknown ROW FORMAT key(s) {', '.join(sorted(unknown))}")
    props = {str(k): str(v) for k, v in (rf.get("serde_properties") or {}).items()}
    tprops = {str(k): str(v) for k, v in (table_properties or {}).items()}
    storage = _storage(stored_as)
    serde = rf.get("serde")
    serde_kind = None
    if serde:
        serde_kind = _SERDES.get(str(serde).strip().lower())
        if serde_kind is None:
            raise NotSupportedError(f"ROW FORMAT SERDE '{serde}' is not supported "
                                    f"(supported: OpenCSVSerde, LazySimpleSerDe, JsonSerDe, ParquetHiveSerDe)")
    invalid_as_null = _flag(tprops.get("use.null.for.invalid.data"), "use.null.for.invalid.data")
    surplus = (tprops.get("surplus_char_handling") or "SET_TO_NULL").strip().upper()
    if surplus == "DROP_ROW":
        raise NotSupportedError("surplus_char_handling 'DROP_ROW' is not supported")
    if surplus not in SURPLUS_POLICIES:
        raise ProgrammingError(f"invalid surplus_char_handling '{surplus}' (expected one of {', '.join(SURPLUS_POLICIES)})")
    if storage == "PARQUET" or serde_kind == "parquet":
        index_access = props.get("parquet.column.index.access", tprops.get("parquet.column.index.access"))
        return ParquetFormat(_flag(index_access, "parquet.column.index.access"), invalid_as_null, surplus)
    lines = rf.get("lines_terminated_by") or props.get("line.delim")
    if lines is not None and _one_char(lines, "LINES TERMINATED BY") != "\n":
        raise NotSupportedError("only LINES TERMINATED BY '\\n' is supported")
    skip = tprops.get("skip.header.line.count", props.get("skip.header.line.count", "0"))
    try:
        skip_header = int(skip)
    except ValueError:
        skip_header = -1
    if skip_header < 0:
        raise ProgrammingError(f"skip.header.line.count must be a non-negative integer, got '{skip}'")
    compression = _compression(tprops.get("compression_type"))
    null_prop = tprops.get("serialization.null.format", props.get("serialization.null.format"))
    common = dict(skip_header=skip_header, invalid_as_null=invalid_as_null, surplus_chars=surplus,
                  compression=compression)
    if serde_kind == "json" or (storage == "JSON" and serde_kind is None):
        return TextFormat(kind="json", delimiter="\n", null_format=None, **common)
    if serde_kind == "csv":
        fmt = TextFormat(
            kind="csv",
            delimiter=_one_char(props.get("separatorChar", ","), "separatorChar"),
            quote=_one_char(props.get("quoteChar", '"'), "quoteChar"),
            escape=_one_char(props.get("escapeChar", "\\"), "escapeChar"),
            null_format=null_prop, **common)
    else:
        delim = props.get("field.delim", rf.get("fields_terminated_by"))
        escape = props.get("escape.delim", rf.get("escaped_by"))
        null = null_prop if null_prop is not None else rf.get("null_defined_as")
        fmt = TextFormat(
            kind="text",
            delimiter=_one_char(delim, "FIELDS TERMINATED BY") if delim is not None else "\x01",
            escape=_one_char(escape, "ESCAPED BY") if escape else None,
            null_format="\\N" if null is None else null, **common)
    specials = [c for c in (fmt.delimiter, fmt.quote, fmt.escape) if c]
    if len(set(specials)) != len(specials) or "\n" in specials or "\r" in specials:
        raise ProgrammingError(f"the delimiter, quote and escape characters must differ and not be a newline: "
                               f"{fmt.delimiter!r}, {fmt.quote!r}, {fmt.escape!r}")
    return fmt


def _storage(stored_as: str | None) -> str:
    s = (stored_as or "TEXTFILE").strip().upper()
    if s in ("PARQUET", "TEXTFILE", "JSON"):
        return s
    if "PARQUET" in s:  # INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
        return "PARQUET"
    if s.endswith("TEXTINPUTFORMAT"):  # INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
        return "TEXTFILE"
    if any(u in s for u in _UNSUPPORTED_STORAGE):
        raise NotSupportedError(f"STORED AS {stored_as} is not supported (PARQUET, TEXTFILE and JSON are)")
    raise ProgrammingError(f"unknown STORED AS format '{stored_as}'")


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    v = value.strip().lower()
    if v in ("true", "false"):
        return v == "true"
    raise ProgrammingError(f"'{name}' must be 'true' or 'false', got '{value}'")


def _compression(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip().lower()
    mapping = {"gzip": "gzip", "bzip2": "bz2", "none": "none"}
    if v == "snappy":
        raise NotSupportedError("compression_type 'snappy' is not supported for text files")
    if v not in mapping:
        raise ProgrammingError(f"invalid compression_type '{value}' (expected bzip2, gzip, none or snappy)")
    return mapping[v]


_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\", "'": "'", '"': '"', "b": "\b", "f": "\f"}


def _one_char(value: str, what: str) -> str:
    """Decode a DDL character: itself, or ``\\t``-style, octal ``\\001``, ``\\x01``, ``\\u0001`` escapes.

    Example:
        >>> [_one_char(v, "x") for v in ["|", "\\\\t", "\\\\001", "\\\\u0001", "\\\\\\\\"]]
        ['|', '\\t', '\\x01', '\\x01', '\\\\']
    """
    s = str(value)
    if len(s) == 1:
        return s
    if len(s) >= 2 and s[0] == "\\":
        body = s[1:]
        if len(body) == 1 and body in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[body]
        try:
            if body.isdigit() and all(c in "01234567" for c in body) and len(body) <= 3:
                return chr(int(body, 8))
            if body[0] in "xu" and 2 <= len(body) <= 5:
                return chr(int(body[1:], 16))
        except ValueError:
            pass
    raise ProgrammingError(f"{what} must be a single character, got {value!r}")
