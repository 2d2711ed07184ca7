"""Result: DB-API fetching, Arrow/pandas/DuckDB interop, text box and HTML display."""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

from columnar.api.result import Result
from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import (
    BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, REAL, SMALLINT, TIMESTAMP, VARCHAR, DataType,
)
from columnar.exec.metrics import Metrics

DEC = DataType.decimal(15, 2)
BIG = DataType.decimal(38, 2)


def sample(metrics: Metrics | None = None) -> Result:
    valid = np.array([True, True, False])
    cols = [
        Column(INTEGER, np.array([1, 2, 0]), valid),
        Column(DEC, np.array([1250, -5, 0]), valid),
        Column(BIG, np.array([10**32 + 1, 7, 0], dtype=object), valid),
        Column(DOUBLE, np.array([1.5, -0.25, 0.0]), valid),
        Column(BOOLEAN, np.array([True, False, False]), valid),
        Column(VARCHAR, StringArray.from_pylist(["héllo", "<script>alert(1)</script>", ""]), valid),
        Column(DataType.char(1), DictArray(np.array([1, 0, 0], np.int32), StringArray.from_pylist(["N", "R"])), valid),
        Column(DATE, np.array([18321, -1, 0], np.int32), valid),
        Column(TIMESTAMP, np.array([1_500_000, 0, 0]), valid),
    ]
    names = ["i", "d", "big", "f", "b", "s", "flag", "day", "ts"]
    return Result(names, cols, metrics)


EXPECTED_ROWS = [
    (1, Decimal("12.50"), Decimal("1000000000000000000000000000000.01"), 1.5, True, "héllo", "R",
     datetime.date(2020, 2, 29), datetime.datetime(1970, 1, 1, 0, 0, 1, 500000)),
    (2, Decimal("-0.05"), Decimal("0.07"), -0.25, False, "<script>alert(1)</script>", "N",
     datetime.date(1969, 12, 31), datetime.datetime(1970, 1, 1)),
    (None,) * 9,
]


# ----------------------------------------------------------------------------- DB-API


def test_fetchall_python_types_and_exact_decimals():
    rows = sample().fetchall()
    assert rows == EXPECTED_ROWS
    d = rows[0][1]
    assert isinstance(d, Decimal) and str(d) == "12.50" and d.as_tuple().exponent == -2
    assert str(rows[1][2]) == "0.07"
    assert [type(v) for v in rows[0]] == [int, Decimal, Decimal, float, bool, str, str,
                                         datetime.date, datetime.datetime]


def test_fetch_progression():
    r = sample()
    assert r.fetchone() == EXPECTED_ROWS[0]
    assert r.fetchmany(1) == [EXPECTED_ROWS[1]]
    assert r.fetchmany(5) == [EXPECTED_ROWS[2]]
    assert r.fetchone() is None and r.fetchmany(3) == [] and r.fetchall() == []
    r = sample()
    r.fetchone()
    assert r.fetchall() == EXPECTED_ROWS[1:]


def test_fetch_slices_of_sliced_strings():
    s = StringArray(np.array([3, 5, 5, 9], np.int64), np.frombuffer(b"xxxabcdef", np.uint8))
    r = Result(["s"], [Column(VARCHAR, s)])
    assert r.fetchmany(2) == [("ab",), ("",)] and r.fetchall() == [("cdef",)]


def test_description_and_shape():
    r = sample()
    assert r.columns == ["i", "d", "big", "f", "b", "s", "flag", "day", "ts"]
    assert r.types[1] == DEC and len(r) == 3 and r.rowcount == 3
    desc = r.description
    assert desc[0] == ("i", "integer", None, None, None, None, True)
    assert desc[1] == ("d", "numeric", None, None, 15, 2, True)
    assert [d[1] for d in desc[3:]] == ["double precision", "boolean", "character varying", "character",
                                        "date", "timestamp without time zone"]
    types = [SMALLINT, BIGINT, REAL]
    assert [d[1] for d in Result(["a", "b", "c"], [Column(t, np.zeros(0)) for t in types]).description] == \
        ["smallint", "bigint", "real"]


def test_statement_without_rows():
    r = Result([], [], rowcount=5, message="INSERT 0 5")
    assert r.description is None and r.fetchall() == [] and r.fetchone() is None
    assert r.rowcount == 5 and len(r) == 0 and r.columns == []
    assert repr(r) == "INSERT 0 5"
    assert "INSERT 0 5" in r._repr_html_()
    assert r.arrow().num_columns == 0


def test_fetchnumpy_masks_nulls():
    arrays = sample().fetchnumpy()
    assert isinstance(arrays["i"], np.ma.MaskedArray) and arrays["i"].dtype == np.int32
    assert arrays["i"].mask.tolist() == [False, False, True]
    assert arrays["d"][0] == 12.5
    assert arrays["day"].dtype == np.dtype("datetime64[D]")
    assert arrays["s"][0] == "héllo"
    plain = Result(["n"], [Column(BIGINT, np.array([1, 2]))]).fetchnumpy()["n"]
    assert not isinstance(plain, np.ma.MaskedArray) and plain.tolist() == [1, 2]


# ----------------------------------------------------------------------------- Arrow interop


def test_arrow_is_cached_table_with_sql_types():
    r = sample()
    t = r.arrow()
    assert isinstance(t, pa.Table) and t is r.arrow() and t is r.to_arrow_table()
    assert t.schema.types == [pa.int32(), pa.decimal128(15, 2), pa.decimal128(38, 2), pa.float64(), pa.bool_(),
                              pa.string(), pa.string(), pa.date32(), pa.timestamp("us")]
    assert [tuple(row.values()) for row in t.to_pylist()] == EXPECTED_ROWS


def test_arrow_c_stream_fresh_each_call():
    r = sample()
    assert pa.table(r).equals(r.arrow())
    assert pa.table(r).num_rows == 3  # a second stream is not empty
    reader = r.to_arrow_reader(batch_size=2)
    assert [b.num_rows for b in reader] == [2, 1]
    assert r.to_arrow_reader().read_all().num_rows == 3


def test_empty_result_keeps_schema():
    r = Result(["n", "s", "d"], [Column(INTEGER, np.zeros(0, np.int64)), Column(VARCHAR, StringArray.from_pylist([])),
                                 Column(DEC, np.zeros(0, np.int64))])
    assert r.fetchall() == []
    assert r.arrow().schema.types == [pa.int32(), pa.string(), pa.decimal128(15, 2)]
    assert pa.table(r).num_rows == 0
    text = repr(r)
    assert "integer" in text and "0 rows" in text
    pd = pytest.importorskip("pandas")
    assert list(r.df().columns) == ["n", "s", "d"]
    assert isinstance(r.df(), pd.DataFrame)


def test_df_and_pl():
    pytest.importorskip("pandas")
    df = sample().df()
    assert df.shape == (3, 9)
    assert df["d"][0] == Decimal("12.50")


def test_missing_optional_dependencies(monkeypatch):
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match="polars is required for Result.pl"):
        sample().pl()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pandas is required for Result.df"):
        sample().df()


def test_duckdb_reads_result():
    duckdb = pytest.importorskip("duckdb")
    r = sample()  # noqa: F841 - found by DuckDB's replacement scan
    assert duckdb.sql("select sum(i), max(d), count(*) from r").fetchall() == [(3, Decimal("12.50"), 3)]
    assert duckdb.from_arrow(sample().arrow()).count("*").fetchall() == [(3,)]


# ----------------------------------------------------------------------------- text box


def test_repr_box_layout():
    m = Metrics(rows_to_leader=3, bytes_redistributed=1234, phases=(("execute", 0.0125),))
    text = repr(sample(m))
    lines = text.splitlines()
    assert lines[0].startswith("┌") and lines[-2].startswith("└")
    assert "│ integer │" in lines[2] and "decimal(15,2)" in lines[2]
    assert "│       1 │" in lines[4]  # numbers right-aligned
    assert "│ héllo" in lines[4]  # text left-aligned
    assert "NULL" in lines[6]
    assert lines[-1] == "  3 rows · 0.013 s · 3 rows to leader · 1.2 kB redistributed"
    assert text == str(sample(m))


def test_long_results_show_first_and_last_rows(capsys):
    r = Result(["n"], [Column(BIGINT, np.arange(100))])
    text = repr(r)
    assert "│      0 │" in text and "│     99 │" in text and "│     50 │" not in text
    assert "│      … │" in text
    assert text.endswith("100 rows (20 shown)")
    r.show(max_rows=4)
    out = capsys.readouterr().out
    assert "│      1 │" in out and "│      2 │" not in out and "100 rows (4 shown)" in out


def test_wide_results_hide_middle_columns():
    cols = [Column(INTEGER, np.array([i])) for i in range(30)]
    r = Result([f"column_{i}" for i in range(30)], cols)
    text = r.render(max_width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "column_0" in text and "column_29" in text and "column_15" not in text
    assert "30 columns (" in text


def test_cells_escape_newlines_and_truncate():
    r = Result(["s"], [Column(VARCHAR, StringArray.from_pylist(["a\nb", "x" * 100]))])
    text = repr(r)
    assert "a\\nb" in text and "x" * 39 + "…" in text and "x" * 41 not in text


# ----------------------------------------------------------------------------- HTML


def test_html_is_escaped_and_bounded():
    r = sample()
    html = r._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<th>flag</th>" in html and "decimal(15,2)" in html and "3 rows" in html
    big = Result(["<b>"], [Column(BIGINT, np.arange(10_000))])
    html = big._repr_html_()
    assert html.count("<tr>") == 2 + 20 + 1  # two header rows, 20 rows, one … row
    assert "&lt;b&gt;" in html and "10,000 rows (20 shown)" in html


def test_mimebundle():
    r = sample(Metrics(phases=(("execute", 0.5),)))
    bundle = r._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"] == repr(r) and "0.500 s" in bundle["text/html"]
    assert set(r._repr_mimebundle_(include=["text/html"])) == {"text/html"}
    assert set(r._repr_mimebundle_(exclude=["text/html"])) == {"text/plain"}
