"""COPY readers: source listing, Parquet by position, CSV/text with Redshift options."""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from columnar.core.errors import (
    ConversionError, IntegrityError, NumericOverflowError, OperationalError, ProgrammingError,
)
from columnar.core.strings import DictArray
from columnar.core.types import BIGINT, BOOLEAN, DATE, INTEGER, SMALLINT, VARCHAR, DataType, Field
from columnar.storage.arrow_convert import column_to_arrow
from columnar.storage.loader import (
    list_source_files, read_csv, read_parquet, read_text, redshift_format_to_strptime,
)


def values(cols):
    return [column_to_arrow(c).to_pylist() for c in cols]


# ----------------------------------------------------------------------------- source files


def test_list_source_files_skips_hidden_and_sorts(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "_tmp").mkdir()
    for name in ["b/2.parquet", "a.parquet", "b/1.parquet", "_SUCCESS", ".a.crc", "#x", "x~", "_tmp/z.parquet"]:
        (tmp_path / name).write_text("")
    got = [p[len(str(tmp_path)) + 1:] for p in list_source_files(str(tmp_path))]
    assert got == ["a.parquet", "b/1.parquet", "b/2.parquet"]
    assert len(list_source_files(str(tmp_path), (".PARQUET",))) == 3
    assert list_source_files(str(tmp_path / "a.parquet")) == [str(tmp_path / "a.parquet")]


def test_list_source_files_errors(tmp_path):
    with pytest.raises(OperationalError, match="does not exist"):
        list_source_files(str(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "_SUCCESS").write_text("")
    with pytest.raises(OperationalError, match="no files"):
        list_source_files(str(tmp_path / "empty"))


# ----------------------------------------------------------------------------- Parquet


LINEITEM_FIELDS = [Field("l_orderkey", BIGINT), Field("l_price", DataType.decimal(15, 2)),
                   Field("l_shipdate", DATE), Field("l_flag", DataType.char(1)),
                   Field("l_comment", DataType.varchar(44))]


def lineitem_table(n: int, start: int = 0) -> pa.Table:
    keys = np.arange(start, start + n)
    return pa.table({
        "l_orderkey": pa.array(keys, pa.int64()),
        "l_price": pa.array([Decimal(int(k) * 101).scaleb(-2) for k in keys], pa.decimal128(15, 2)),
        "l_shipdate": pa.array((keys % 3000).astype(np.int32), pa.date32()),
        "l_flag": pa.array(["ANR"[k % 3] for k in keys], pa.string_view()),
        "l_comment": pa.array([f"comment {k}" for k in keys], pa.string_view()),
    })


def test_read_parquet_folder_by_position(tmp_path):
    pq.write_table(lineitem_table(100, 0).rename_columns(["a", "b", "c", "d", "e"]), tmp_path / "part-0.parquet")
    pq.write_table(lineitem_table(50, 100), tmp_path / "part-1.parquet")
    (tmp_path / "_SUCCESS").write_text("")
    (tmp_path / ".part-0.parquet.crc").write_bytes(b"\x00garbage")
    cols = read_parquet(str(tmp_path), LINEITEM_FIELDS, table="lineitem")
    assert [len(c) for c in cols] == [150] * 5
    assert cols[0].data.tolist() == list(range(150))
    assert cols[1].data.dtype == np.int64 and cols[1].data[3] == 303
    assert cols[2].data.dtype == np.int32
    assert isinstance(cols[3].data, DictArray)  # low-cardinality text is dictionary encoded
    assert column_to_arrow(cols[3]).to_pylist()[:4] == ["A", "N", "R", "A"]
    assert column_to_arrow(cols[4]).to_pylist()[149] == "comment 149"


def test_read_parquet_column_count_mismatch(tmp_path):
    pq.write_table(pa.table({"a": [1], "b": [2], "c": [3]}), tmp_path / "f.parquet")
    with pytest.raises(ProgrammingError, match=r"has 3 columns \(a, b, c\), table t has 2 \(x, y\)"):
        read_parquet(str(tmp_path), [Field("x", INTEGER), Field("y", INTEGER)], table="t")


def test_read_parquet_errors_name_file_row_and_column(tmp_path):
    pq.write_table(pa.table({"q": [1, 2, 70000]}), tmp_path / "f.parquet")
    with pytest.raises(NumericOverflowError, match=r"f\.parquet', row 3, column q"):
        read_parquet(str(tmp_path), [Field("q", SMALLINT)])
    pq.write_table(pa.table({"s": ["short", "much too long"]}), tmp_path / "f.parquet")
    with pytest.raises(ConversionError, match=r"row 2, column s: value too long for type character varying\(5\)"):
        read_parquet(str(tmp_path), [Field("s", DataType.varchar(5))], table="t")
    pq.write_table(pa.table({"n": [1, None]}), tmp_path / "f.parquet")
    with pytest.raises(IntegrityError, match="row 2, column n: Missing data for not-null field"):
        read_parquet(str(tmp_path), [Field("n", INTEGER, nullable=False)])


def test_read_parquet_corrupt_file(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(ConversionError, match="bad.parquet"):
        read_parquet(str(tmp_path), [Field("a", INTEGER)])


def test_read_parquet_missing_path(tmp_path):
    with pytest.raises(OperationalError, match="does not exist"):
        read_parquet(str(tmp_path / "missing"), [Field("a", INTEGER)])


# ----------------------------------------------------------------------------- CSV


def write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_csv_header_quotes_and_nulls(tmp_path):
    p = write(tmp_path / "t.csv", 'id,name,price,day\n1,"Smith, J",12.5,2020-01-02\n2,,,\n3,"",0.005,\n')
    fields = [Field("id", INTEGER), Field("name", VARCHAR), Field("price", DataType.decimal(6, 2)),
              Field("day", DATE)]
    cols = read_csv(p, fields, ignoreheader=1)
    assert values(cols) == [
        [1, 2, 3],
        ["Smith, J", None, ""],  # unquoted empty is NULL AS '', quoted empty is ''
        [Decimal("12.50"), None, Decimal("0.01")],  # 0.005 rounds half away from zero
        [datetime.date(2020, 1, 2), None, None],
    ]


def test_csv_delimiter_null_as_and_quoted_newline(tmp_path):
    p = write(tmp_path / "t.csv", 'a;b\n1;"two\nlines"\nNULL;x\n')
    cols = read_csv(p, [Field("a", INTEGER), Field("b", VARCHAR)], delimiter=";", ignoreheader=1, null_as="NULL")
    assert values(cols) == [[1, None], ["two\nlines", "x"]]


def test_csv_empty_and_blanks_as_null(tmp_path):
    p = write(tmp_path / "t.csv", 'x,""\ny,"  "\n')
    fields = [Field("k", VARCHAR), Field("v", VARCHAR)]
    assert values(read_csv(p, fields))[1] == ["", "  "]
    assert values(read_csv(p, fields, empty_as_null=True))[1] == [None, "  "]
    assert values(read_csv(p, fields, blanks_as_null=True))[1] == [None, None]


def test_csv_bad_value_reports_line_and_column(tmp_path):
    p = write(tmp_path / "t.csv", "a,b\n1,2\n3,x\n")
    with pytest.raises(ConversionError) as e:
        read_csv(p, [Field("a", INTEGER), Field("b", INTEGER)], ignoreheader=1, table="t")
    msg = str(e.value)
    assert "Load into table 't' failed" in msg and "t.csv" in msg
    assert "line 3, column b" in msg and "Invalid digit, Value 'x'" in msg
    assert e.value.line == 3 and e.value.column == "b"


def test_csv_line_numbers_count_physical_lines(tmp_path):
    # a quoted newline and a blank line come before the bad row: line 6 in the file
    p = write(tmp_path / "t.csv", 'h1,h2\n"multi\nline",1\n\nok,2\nbad,y\n')
    with pytest.raises(ConversionError, match="line 6, column n"):
        read_csv(p, [Field("s", VARCHAR), Field("n", INTEGER)], ignoreheader=1)


def test_csv_wrong_field_count(tmp_path):
    p = write(tmp_path / "t.csv", "1,2\n3,4,5\n")
    with pytest.raises(ConversionError, match="line 2: Extra column"):
        read_csv(p, [Field("a", INTEGER), Field("b", INTEGER)])
    p = write(tmp_path / "u.csv", "h\n1,2\n3\n")
    with pytest.raises(ConversionError, match="line 3: Delimiter not found"):
        read_csv(p, [Field("a", INTEGER), Field("b", INTEGER)], ignoreheader=1)


def test_csv_folder_concatenates_files(tmp_path):
    write(tmp_path / "part-1.csv", "1,a\n2,b\n")
    write(tmp_path / "part-2.csv", "3,a\n")
    write(tmp_path / ".hidden.csv", "junk\n")
    cols = read_csv(str(tmp_path), [Field("n", INTEGER), Field("s", DataType.char(1))])
    assert values(cols) == [[1, 2, 3], ["a", "b", "a"]]
    write(tmp_path / "part-3.csv", "4,a\nfive,b\n")
    with pytest.raises(ConversionError, match=r"part-3\.csv', line 2, column n"):
        read_csv(str(tmp_path), [Field("n", INTEGER), Field("s", DataType.char(1))])


def test_csv_dateformat_booleans_and_overflow(tmp_path):
    p = write(tmp_path / "t.csv", "03/15/2021,t,1\n12/31/1999,false,2\n")
    cols = read_csv(p, [Field("d", DATE), Field("b", BOOLEAN), Field("n", DataType.decimal(1, 0))],
                    dateformat="MM/DD/YYYY")
    assert values(cols) == [[datetime.date(2021, 3, 15), datetime.date(1999, 12, 31)], [True, False],
                            [Decimal(1), Decimal(2)]]
    p = write(tmp_path / "u.csv", "2021-03-15\n")
    with pytest.raises(ConversionError, match="line 1, column d: Invalid date format"):
        read_csv(p, [Field("d", DATE)], dateformat="MM/DD/YYYY")
    p = write(tmp_path / "v.csv", "1\n40000\n")
    with pytest.raises(NumericOverflowError, match="line 2, column n"):
        read_csv(p, [Field("n", DataType.decimal(4, 0))])
    assert redshift_format_to_strptime("yyyy-mm-dd") == "%Y-%m-%d"


def test_text_format_pipe_backslash_n_and_trailing_delimiter(tmp_path):
    p = write(tmp_path / "nation.tbl", "0|ALGERIA|0| haggle|\n1|\\N|1||\n")
    fields = [Field("k", INTEGER), Field("name", DataType.char(25)), Field("r", INTEGER), Field("c", VARCHAR)]
    assert values(read_text(p, fields)) == [[0, 1], ["ALGERIA", None], [0, 1], [" haggle", ""]]
    p = write(tmp_path / "bad.tbl", "0|A|0|x|\n1|B|1|y|extra\n")
    with pytest.raises(ConversionError, match="line 2: Extra column"):
        read_text(p, fields)
    p = write(tmp_path / "quote.tbl", '1|"quoted"|2|x\n')
    assert values(read_text(p, fields))[1] == ['"quoted"']  # no quoting in text format


def test_csv_not_null(tmp_path):
    p = write(tmp_path / "t.csv", "1\n\n\n2\n")
    cols = read_csv(p, [Field("n", INTEGER)])
    assert values(cols) == [[1, 2]]  # blank lines are skipped
    p = write(tmp_path / "u.csv", "a,1\nb,\n")
    with pytest.raises(IntegrityError, match="line 2, column n: Missing data"):
        read_csv(p, [Field("s", VARCHAR), Field("n", INTEGER, nullable=False)])
