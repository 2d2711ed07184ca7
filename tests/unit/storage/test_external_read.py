"""Reading external-table files: Parquet projection, bytes and row-group pruning; text, CSV, JSON."""

from __future__ import annotations

import datetime
import decimal
import gzip
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from columnar.core.errors import ConversionError, NotSupportedError, NumericOverflowError, ProgrammingError
from columnar.core.types import BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, TIMESTAMP, VARCHAR, DataType, Field
from columnar.storage.arrow_export import column_to_arrow
from columnar.storage.external_read import (
    ParquetFormat, ScanCounters, TextFormat, may_match, read_file, text_format_from,
)
from columnar.storage.lake_fs import list_files, resolve
from columnar.storage.pruning import AnyOf, ColumnRange

EPOCH = datetime.date(1970, 1, 1)


def _one(path):
    loc = resolve(str(path))
    (file,) = list_files(loc)
    return file, loc.fs


def _read(path, fmt, fields, needed, ranges=None):
    file, fs = _one(path)
    counters = ScanCounters()
    cols, n = read_file(file, fs, fmt, fields, needed, ranges or {}, counters)
    values = [column_to_arrow(c).to_pylist() for c in cols]
    return values, n, counters


def _write(tmp_path, name, text, mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


# ----------------------------------------------------------------------------- Parquet


@pytest.fixture
def sales(tmp_path):
    """1000 rows sorted by id, 10 row groups of 100 rows."""
    n = 1000
    ids = np.arange(n)
    table = pa.table({
        "id": pa.array(ids, pa.int64()),
        "Day": pa.array(ids // 10, pa.int32()).cast(pa.date32()),
        "price": pa.array([decimal.Decimal(int(i)) / 100 for i in ids], pa.decimal128(10, 2)),
        "name": pa.array([f"name-{i:04d}" for i in ids]),
        "ts": pa.array(ids * 1000, pa.timestamp("ms")),
        "comment": pa.array(["x" * 200 + str(i) for i in ids]),
    })
    path = tmp_path / "sales.parquet"
    pq.write_table(table, path, row_group_size=100)
    return path


FIELDS = [Field("id", BIGINT), Field("day", DATE), Field("price", DataType.decimal(12, 2)),
          Field("name", DataType.varchar(20)), Field("ts", TIMESTAMP), Field("comment", VARCHAR)]


def _chunk_bytes(path, columns, groups=None):
    md = pq.ParquetFile(path).metadata
    groups = range(md.num_row_groups) if groups is None else groups
    return sum(md.row_group(g).column(c).total_compressed_size for g in groups for c in columns)


def test_parquet_projection_bills_only_the_projected_chunks(sales):
    _, n, one = _read(sales, ParquetFormat(), FIELDS, [0])
    _, _, all_ = _read(sales, ParquetFormat(), FIELDS, list(range(6)))
    assert n == 1000 and one.rows_scanned == 1000
    assert one.bytes_scanned == _chunk_bytes(sales, [0])
    assert all_.bytes_scanned == _chunk_bytes(sales, range(6))
    assert one.bytes_scanned * 5 < all_.bytes_scanned
    assert (one.files_scanned, one.row_groups_scanned, one.row_groups_pruned) == (1, 10, 0)


def test_parquet_values_by_name_case_insensitive_in_needed_order(sales):
    (names, days, ids, prices, ts), n, _ = _read(sales, ParquetFormat(), FIELDS, [3, 1, 0, 2, 4])
    assert n == 1000
    assert ids[:3] == [0, 1, 2] and names[999] == "name-0999"
    assert days[25] == datetime.date(1970, 1, 3)  # the file spells it "Day"
    assert prices[123] == decimal.Decimal("1.23")
    assert ts[2] == datetime.datetime(1970, 1, 1, 0, 0, 2)


def test_count_star_reads_no_chunk_but_knows_the_rows(sales):
    cols, n, counters = _read(sales, ParquetFormat(), FIELDS, [])
    assert cols == [] and n == 1000
    assert counters.bytes_scanned == 0 and counters.rows_scanned == 1000 and counters.files_scanned == 1


def test_row_group_pruning_on_a_sorted_column(sales):
    (ids,), n, c = _read(sales, ParquetFormat(), FIELDS, [0], {0: ColumnRange().restrict(">=", 850)})
    assert n == 200 and ids[0] == 800 and ids[-1] == 999  # whole row groups: the filter above removes the rest
    assert (c.row_groups_scanned, c.row_groups_pruned, c.rows_scanned) == (2, 8, 200)
    assert c.bytes_scanned == _chunk_bytes(sales, [0], [8, 9])


@pytest.mark.parametrize("position, r, groups", [
    (0, AnyOf.of([ColumnRange().restrict("<", 50), ColumnRange().restrict(">", 950)]), [0, 9]),
    (0, ColumnRange().with_points([5, 505, 2000]), [0, 5]),
    (0, ColumnRange().restrict(">", 999), []),
    (0, ColumnRange().with_null_only(), []),
    (0, ColumnRange(empty=True), []),
    (1, ColumnRange().restrict("=", (datetime.date(1970, 1, 31) - EPOCH).days), [3]),  # day 30 = ids 300..309
    (2, ColumnRange().restrict(">", 998), [9]),  # price > 9.98 (scaled by 100)
    (2, ColumnRange().restrict("<=", 99), [0]),
    (3, ColumnRange().restrict("=", "name-0421"), [4]),
    (3, ColumnRange().restrict(">=", "name-0950  ".rstrip()), [9]),
    (4, ColumnRange().restrict("<", 150 * 1_000_000), [0, 1]),  # ts < 150 s (microseconds)
    (5, ColumnRange().restrict("=", "zzz"), []),
])
def test_row_group_pruning_per_type(sales, position, r, groups):
    _, n, c = _read(sales, ParquetFormat(), FIELDS, [0], {position: r})
    assert c.row_groups_scanned == len(groups) and c.row_groups_pruned == 10 - len(groups)
    assert n == 100 * len(groups)
    assert c.bytes_scanned == _chunk_bytes(sales, [0], groups)


def test_pruned_file_returns_empty_typed_columns(sales):
    cols_values, n, c = _read(sales, ParquetFormat(), FIELDS, [0, 3], {0: ColumnRange().restrict("<", 0)})
    assert n == 0 and cols_values == [[], []] and c.bytes_scanned == 0 and c.files_scanned == 1


def test_pruning_keeps_float_groups_holding_nan(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"x": [1.0, float("nan"), 2.0, 3.0]}), path, row_group_size=2)
    _, n, c = _read(path, ParquetFormat(), [Field("x", DOUBLE)], [0], {0: ColumnRange().restrict(">", 100.0)})
    # Parquet statistics leave NaN out and NaN sorts above every number: a float maximum proves
    # nothing, so no group is pruned by a lower bound (group 0 holds a NaN) ...
    assert n == 4 and c.row_groups_pruned == 0
    # ... while minima still prune
    _, n, c = _read(path, ParquetFormat(), [Field("x", DOUBLE)], [0], {0: ColumnRange().restrict("<", 1.5)})
    assert n == 2 and c.row_groups_pruned == 1


def test_pruning_on_all_null_chunks_and_null_counts(tmp_path):
    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({"x": pa.array([None, None, 1, 2], pa.int64())}), path, row_group_size=2)
    fields = [Field("x", BIGINT)]
    _, n, _ = _read(path, ParquetFormat(), fields, [0], {0: ColumnRange().restrict(">", 0)})
    assert n == 2  # the all-NULL group cannot satisfy a comparison
    _, n, _ = _read(path, ParquetFormat(), fields, [0], {0: ColumnRange().with_null_only()})
    assert n == 2  # IS NULL keeps only the group with NULLs


def test_missing_column_reads_as_nulls_and_prunes_comparisons(sales):
    fields = FIELDS + [Field("discount", DataType.decimal(5, 2))]
    (ids, discount), n, c = _read(sales, ParquetFormat(), fields, [0, 6])
    assert n == 1000 and discount == [None] * 1000
    assert c.bytes_scanned == _chunk_bytes(sales, [0])  # nothing billed for the missing column
    _, n, c = _read(sales, ParquetFormat(), fields, [0], {6: ColumnRange().restrict(">", 0)})
    assert n == 0 and c.row_groups_pruned == 10
    _, n, _ = _read(sales, ParquetFormat(), fields, [0], {6: ColumnRange().with_null_only()})
    assert n == 1000


def test_by_position_mapping(sales):
    fields = [Field("a", BIGINT), Field("b", DATE), Field("c", DataType.decimal(12, 2)), Field("d", VARCHAR),
              Field("e", TIMESTAMP), Field("f", VARCHAR), Field("g", INTEGER)]
    (a, d, g), _, _ = _read(sales, ParquetFormat(by_position=True), fields, [0, 3, 6])
    assert a[7] == 7 and d[7] == "name-0007" and g[7] is None


def test_schema_drift_gives_a_clear_error(tmp_path):
    path = tmp_path / "part-2.parquet"
    pq.write_table(pa.table({"id": ["a", "b"]}), path)
    with pytest.raises(ConversionError) as info:
        _read(path, ParquetFormat(), [Field("id", INTEGER)], [0])
    message = str(info.value)
    for part in (str(path), "column id", "string", "INTEGER", "schema drift"):
        assert part in message
    # the same column only used for pruning is not an error, the file is simply not pruned
    _, n, _ = _read(path, ParquetFormat(), [Field("id", INTEGER), Field("x", INTEGER)], [1],
                    {0: ColumnRange().restrict("=", 1)})
    assert n == 2


@pytest.mark.parametrize("arrow_type, values, declared, expected", [
    (pa.int32(), [1, None], BIGINT, [1, None]),
    (pa.int16(), [7, 8], DataType.decimal(10, 2), [decimal.Decimal("7.00"), decimal.Decimal("8.00")]),
    (pa.int64(), [3, 4], DOUBLE, [3.0, 4.0]),
    (pa.decimal128(5, 1), [decimal.Decimal("1.5")], DOUBLE, [1.5]),
    (pa.date32(), [datetime.date(2024, 2, 29)], TIMESTAMP, [datetime.datetime(2024, 2, 29)]),
    (pa.bool_(), [True, False], BOOLEAN, [True, False]),
    (pa.null(), [None, None], DATE, [None, None]),
])
def test_parquet_widening_casts(tmp_path, arrow_type, values, declared, expected):
    path = tmp_path / "w.parquet"
    pq.write_table(pa.table({"v": pa.array(values, arrow_type)}), path)
    (got,), _, _ = _read(path, ParquetFormat(), [Field("v", declared)], [0])
    assert got == expected


def test_parquet_overflow_names_file_and_row(tmp_path):
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"v": pa.array([1, 2, 3, 2**40], pa.int64())}), path, row_group_size=2)
    with pytest.raises(NumericOverflowError) as info:
        _read(path, ParquetFormat(), [Field("v", INTEGER)], [0])
    assert str(path) in str(info.value) and "row 4" in str(info.value) and "column v" in str(info.value)
    # pruned away, the bad value is never read
    _, n, _ = _read(path, ParquetFormat(), [Field("v", INTEGER)], [0], {0: ColumnRange().restrict("<", 3)})
    assert n == 2
    (got,), _, _ = _read(path, ParquetFormat(invalid_as_null=True), [Field("v", INTEGER)], [0])
    assert got == [1, 2, 3, None]


def test_surplus_characters(tmp_path):
    path = tmp_path / "s.parquet"
    pq.write_table(pa.table({"s": ["ok", "too long", "héé", None]}), path)
    (got,), _, _ = _read(path, ParquetFormat(), [Field("s", DataType.varchar(4))], [0])
    assert got == ["ok", None, None, None]  # 'héé' is 5 bytes; default SET_TO_NULL
    (got,), _, _ = _read(path, ParquetFormat(surplus_chars="TRUNCATE"), [Field("s", DataType.varchar(4))], [0])
    assert got == ["ok", "too ", "hé", None]  # never cut inside a character
    with pytest.raises(ConversionError, match="value too long"):
        _read(path, ParquetFormat(surplus_chars="FAIL"), [Field("s", DataType.varchar(4))], [0])
    dict_path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"s": pa.array(["a", "bbbbbb", "a"]).dictionary_encode()}), dict_path)
    (got,), _, _ = _read(dict_path, ParquetFormat(), [Field("s", DataType.char(3))], [0])
    assert got == ["a", None, "a"]


def test_not_a_parquet_file(tmp_path):
    path = _write(tmp_path, "bad.parquet", "hello")
    with pytest.raises(ConversionError, match="not a readable Parquet file"):
        _read(path, ParquetFormat(), [Field("x", INTEGER)], [0])


# ----------------------------------------------------------------------------- text and CSV

TEXT = TextFormat()  # TEXTFILE: \x01 fields, \N for NULL
T3 = [Field("id", INTEGER), Field("name", DataType.varchar(10)), Field("day", DATE)]


def test_textfile_defaults(tmp_path):
    path = _write(tmp_path, "t.txt", "1\x01ann\x012024-01-02\n2\x01\\N\x01\n\\N\x01\x01\\N\n")
    (ids, names, days), n, c = _read(path, TEXT, T3, [0, 1, 2])
    assert ids == [1, 2, None] and names == ["ann", None, ""] and days == [datetime.date(2024, 1, 2), None, None]
    assert n == 3 and c.bytes_scanned == os.path.getsize(path) and c.rows_scanned == 3


def test_text_bills_the_whole_file_whatever_is_needed(tmp_path):
    path = _write(tmp_path, "t.txt", "".join(f"{i}\x01name{i}\x012024-01-01\n" for i in range(100)))
    _, n, c = _read(path, TEXT, T3, [])
    assert n == 100 and c.bytes_scanned == os.path.getsize(path)
    _, _, c1 = _read(path, TEXT, T3, [0])
    assert c1.bytes_scanned == os.path.getsize(path)
    _, _, c2 = _read(path, TEXT, T3, [0], {0: ColumnRange().restrict(">", 10**6)})
    assert c2.rows_scanned == 100  # no statistics in text files: ranges are ignored


def test_tsv_with_header_and_null_format(tmp_path):
    fmt = text_format_from("TEXTFILE", {"fields_terminated_by": "\\t"},
                           {"skip.header.line.count": "2", "serialization.null.format": ""})
    path = _write(tmp_path, "t.tsv", "id\tname\tday\n--\t--\t--\n1\tbob\t2024-03-01\n2\t\t\n")
    (ids, names, days), n, _ = _read(path, fmt, T3, [0, 1, 2])
    assert ids == [1, 2] and names == ["bob", None] and days == [datetime.date(2024, 3, 1), None]


def test_open_csv_quoting_and_escapes(tmp_path):
    fmt = text_format_from(None, {"serde": "org.apache.hadoop.hive.serde2.OpenCSVSerde"},
                           {"skip.header.line.count": "1"})
    path = _write(tmp_path, "q.csv", 'id,name,day\n1,"a,b",2024-01-01\n2,"say ""hi""",\n3,"x\\"y",2024-01-03\n4,,"2024-01-04"\n')
    fields = [Field("id", INTEGER), Field("name", VARCHAR), Field("day", VARCHAR)]
    (ids, names, days), n, _ = _read(path, fmt, fields, [0, 1, 2])
    assert ids == [1, 2, 3, 4]
    assert names == ["a,b", 'say "hi"', 'x"y', ""]  # no NULL marker: an empty field is ''
    assert days == ["2024-01-01", "", "2024-01-03", "2024-01-04"]


def test_open_csv_empty_numeric_field_is_an_error_unless_invalid_data_is_null(tmp_path):
    path = _write(tmp_path, "e.csv", "1,a\n,b\n")
    fields = [Field("id", INTEGER), Field("s", VARCHAR)]
    csv = text_format_from(None, {"serde": "org.apache.hadoop.hive.serde2.OpenCSVSerde"})
    with pytest.raises(ConversionError, match="use.null.for.invalid.data") as info:
        _read(path, csv, fields, [0])
    assert "line 2" in str(info.value) and str(path) in str(info.value)
    lenient = text_format_from(None, {"serde": "org.apache.hadoop.hive.serde2.OpenCSVSerde"},
                               {"use.null.for.invalid.data": "true"})
    (ids,), _, _ = _read(path, lenient, fields, [0])
    assert ids == [1, None]


def test_bad_value_names_file_line_and_column(tmp_path):
    fmt = text_format_from("TEXTFILE", {"fields_terminated_by": ","}, {"skip.header.line.count": "1"})
    path = _write(tmp_path, "b.csv", "id,name,day\n1,a,2024-01-01\n2,b,2024-01-02\nx,c,2024-01-03\n")
    with pytest.raises(ConversionError) as info:
        _read(path, fmt, T3, [0])
    message = str(info.value)
    assert str(path) in message and "line 4" in message and "column id" in message and "Invalid digit" in message
    assert info.value.file == str(path) and info.value.column == "id"
    (ids,), _, _ = _read(path, fmt, T3, [1])  # the bad column is not read: no error
    with pytest.raises(ConversionError, match="line 3, column day"):
        _read(_write(tmp_path, "d.csv", "h\n1,a,2024-01-01\n2,b,2024-13-45\n"), fmt, T3, [2])


def test_invalid_data_as_null_handles_many_bad_rows(tmp_path):
    lines = [f"{'bad' if i % 7 == 0 else i},n" for i in range(40000)]
    path = _write(tmp_path, "many.csv", "\n".join(lines) + "\n")
    fmt = text_format_from("TEXTFILE", {"fields_terminated_by": ","}, {"use.null.for.invalid.data": "true"})
    (ids,), n, _ = _read(path, fmt, T3, [0])
    assert n == 40000
    assert sum(v is None for v in ids) == len(range(0, 40000, 7))
    assert ids[1] == 1 and ids[7] is None and ids[39999] == 39999


def test_ragged_lines_pad_with_nulls_and_ignore_extras(tmp_path):
    fmt = text_format_from("TEXTFILE", {"fields_terminated_by": ","}, {"skip.header.line.count": "1"})
    path = _write(tmp_path, "r.csv", "header\n1,a,2024-01-01\n2\n3,c,2024-01-03,extra,more\n\n4,d\n5,e,2024-01-05\n")
    (ids, names, days), n, c = _read(path, fmt, T3, [0, 1, 2])
    assert ids == [1, 2, 3, 4, 5]
    assert names == ["a", None, "c", "d", "e"]
    assert days == [datetime.date(2024, 1, 1), None, datetime.date(2024, 1, 3), None, datetime.date(2024, 1, 5)]
    assert n == 5 and c.rows_scanned == 5
    # a bad value in a ragged file is reported on its physical line
    bad = _write(tmp_path, "rb.csv", "header\n1,a\n2\n\nzz,b,2024-01-01,x\n")
    with pytest.raises(ConversionError, match="line 5, column id"):
        _read(bad, fmt, T3, [0])


def test_every_line_longer_or_shorter_than_the_table(tmp_path):
    fmt = text_format_from("TEXTFILE", {"fields_terminated_by": "|"})
    wide = _write(tmp_path, "w.txt", "1|a|2024-01-01|x|y\n2|b|2024-01-02|x|y\n")
    (ids, days), _, _ = _read(wide, fmt, T3, [0, 2])
    assert ids == [1, 2] and days == [datetime.date(2024, 1, 1), datetime.date(2024, 1, 2)]
    narrow = _write(tmp_path, "n.txt", "1\n2\n")
    (ids, days), n, _ = _read(narrow, fmt, T3, [0, 2])
    assert ids == [1, 2] and days == [None, None] and n == 2


def test_gzip_text_file_bills_compressed_bytes(tmp_path):
    data = "".join(f"{i},name{i},2024-01-01\n" for i in range(1000)).encode()
    path = _write(tmp_path, "t.csv.gz", gzip.compress(data), "wb")
    fmt = text_format_from("TEXTFILE", {"fields_terminated_by": ","})
    (ids,), n, c = _read(path, fmt, T3, [0])
    assert n == 1000 and ids[-1] == 999
    assert c.bytes_scanned == os.path.getsize(path) < len(data)
    plain = _write(tmp_path, "noext", gzip.compress(b"7,x,2024-01-01\n"), "wb")
    gz = text_format_from("TEXTFILE", {"fields_terminated_by": ","}, {"compression_type": "gzip"})
    (ids,), _, _ = _read(plain, gz, T3, [0])
    assert ids == [7]


def test_empty_and_header_only_files(tmp_path):
    fmt = text_format_from("TEXTFILE", {"fields_terminated_by": ","}, {"skip.header.line.count": "1"})
    for name, text in [("empty.csv", ""), ("header.csv", "id,name,day\n")]:
        (ids, names), n, c = _read(_write(tmp_path, name, text), fmt, T3, [0, 1])
        assert (ids, names, n, c.files_scanned) == ([], [], 0, 1)


def test_text_surplus_characters_and_char_blanks(tmp_path):
    path = _write(tmp_path, "s.csv", "abc  ,abcdef\nab,abc\n")
    fmt = text_format_from("TEXTFILE", {"fields_terminated_by": ","})
    fields = [Field("c", DataType.char(3)), Field("v", DataType.varchar(3))]
    (c, v), _, _ = _read(path, fmt, fields, [0, 1])
    assert c == ["abc", "ab"] and v == [None, "abc"]


# ----------------------------------------------------------------------------- JSON

JSON = text_format_from(None, {"serde": "org.openx.data.jsonserde.JsonSerDe"})


def test_json_lines_by_key_name_case_insensitive(tmp_path):
    path = _write(tmp_path, "j.json", '{"ID": 1, "name": "a", "day": "2024-01-01"}\n'
                                      '{"id": 2, "extra": true}\n{"Id": 3, "name": "c"}\n')
    fields = [Field("id", INTEGER), Field("name", VARCHAR), Field("day", DATE), Field("missing", DOUBLE)]
    (ids, names, days, missing), n, c = _read(path, JSON, fields, [0, 1, 2, 3])
    assert ids == [1, 2, 3] and names == ["a", None, "c"]
    assert days == [datetime.date(2024, 1, 1), None, None] and missing == [None] * 3
    assert n == 3 and c.bytes_scanned == os.path.getsize(path)
    _, n, c = _read(path, JSON, fields, [])
    assert n == 3 and c.bytes_scanned == os.path.getsize(path)


def test_json_errors(tmp_path):
    nested = _write(tmp_path, "n.json", '{"a": {"b": 1}}\n')
    with pytest.raises(ConversionError, match="column a"):
        _read(nested, JSON, [Field("a", VARCHAR)], [0])
    broken = _write(tmp_path, "b.json", '{"a": 1\n')
    with pytest.raises(ConversionError, match="not valid JSON"):
        _read(broken, JSON, [Field("a", INTEGER)], [0])
    bad = _write(tmp_path, "v.json", '{"a": "1"}\n{"a": "x"}\n')
    with pytest.raises(ConversionError, match="line 2, column a"):
        _read(bad, JSON, [Field("a", INTEGER)], [0])
    (values,), n, _ = _read(_write(tmp_path, "e.json", ""), JSON, [Field("a", INTEGER)], [0])
    assert values == [] and n == 0


# ----------------------------------------------------------------------------- DDL → format


def test_text_format_from_defaults_and_serdes():
    assert text_format_from(None) == TextFormat(kind="text", delimiter="\x01", null_format="\\N")
    assert text_format_from("textfile", {"fields_terminated_by": "\\001"}).delimiter == "\x01"
    assert text_format_from("TEXTFILE", {"serde": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                                         "serde_properties": {"field.delim": ",", "escape.delim": "\\\\",
                                                              "serialization.null.format": "NULL"}}) == \
        TextFormat(kind="text", delimiter=",", escape="\\", null_format="NULL")
    csv = text_format_from("TEXTFILE", {"serde": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                                        "serde_properties": {"separatorChar": "\\t", "quoteChar": "'",
                                                             "escapeChar": "\\\\"}})
    assert (csv.kind, csv.delimiter, csv.quote, csv.escape, csv.null_format) == ("csv", "\t", "'", "\\", None)
    assert text_format_from(None, {"serde": "org.apache.hive.hcatalog.data.JsonSerDe"}).kind == "json"
    assert text_format_from("JSON").kind == "json"
    assert text_format_from("PARQUET") == ParquetFormat()
    assert text_format_from("INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'") == \
        ParquetFormat()
    assert text_format_from(None, {"serde": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                                   "serde_properties": {"parquet.column.index.access": "true"}}).by_position
    assert text_format_from("PARQUET", None, {"surplus_char_handling": "truncate"}).surplus_chars == "TRUNCATE"
    assert text_format_from(None, {"lines_terminated_by": "\\n"}).kind == "text"


@pytest.mark.parametrize("stored_as, row_format, props, error, message", [
    ("ORC", None, None, NotSupportedError, "ORC"),
    ("AVRO", None, None, NotSupportedError, "AVRO"),
    ("XML", None, None, ProgrammingError, "unknown STORED AS"),
    (None, {"serde": "org.apache.hadoop.hive.serde2.RegexSerDe"}, None, NotSupportedError, "RegexSerDe"),
    (None, {"fields_terminated_by": ",,"}, None, ProgrammingError, "single character"),
    (None, {"lines_terminated_by": "|"}, None, NotSupportedError, "LINES TERMINATED BY"),
    (None, {"field_terminator": ","}, None, ProgrammingError, "unknown ROW FORMAT key"),
    (None, None, {"skip.header.line.count": "-1"}, ProgrammingError, "skip.header.line.count"),
    (None, None, {"skip.header.line.count": "one"}, ProgrammingError, "skip.header.line.count"),
    (None, None, {"surplus_char_handling": "DROP_ROW"}, NotSupportedError, "DROP_ROW"),
    (None, None, {"surplus_char_handling": "IGNORE"}, ProgrammingError, "surplus_char_handling"),
    (None, None, {"use.null.for.invalid.data": "yes"}, ProgrammingError, "use.null.for.invalid.data"),
    (None, None, {"compression_type": "snappy"}, NotSupportedError, "snappy"),
    (None, None, {"compression_type": "zip"}, ProgrammingError, "compression_type"),
    (None, {"serde": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
            "serde_properties": {"separatorChar": '"'}}, None, ProgrammingError, "must differ"),
])
def test_text_format_from_errors(stored_as, row_format, props, error, message):
    with pytest.raises(error, match=message):
        text_format_from(stored_as, row_format, props)


def test_read_file_rejects_positions_outside_the_table(tmp_path):
    path = _write(tmp_path, "t.txt", "1\n")
    with pytest.raises(ProgrammingError, match="outside"):
        _read(path, TEXT, T3, [3])


# ----------------------------------------------------------------------------- may_match


def test_may_match_rule():
    r = ColumnRange().restrict(">=", 10).restrict("<", 20)
    assert may_match(0, 9, 0, 5, r) is False
    assert may_match(0, 10, 0, 5, r) is True
    assert may_match(20, 30, 0, 5, r) is False
    assert may_match(None, None, 0, 5, r) is True  # no statistics
    assert may_match(None, None, 5, 5, r) is False  # all NULL
    assert may_match(0, 5, 0, 5, ColumnRange().with_null_only()) is False
    assert may_match(0, 5, None, 5, ColumnRange().with_null_only()) is True
    assert may_match("abc", "abd", 0, 5, ColumnRange().restrict("=", "abcz")) is True
    assert may_match("abc", "abd", 0, 5, ColumnRange().restrict("=", "abe")) is False
    assert may_match("abc", "abd", 0, 5, ColumnRange().restrict("=", 3)) is True  # not comparable: maybe
