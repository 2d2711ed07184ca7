"""Arrow ↔ Column conversion: types, NULLs, slices, layouts, checks, round trips."""

from __future__ import annotations

import datetime
from decimal import Context, Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from columnar.core.chunk import Column
from columnar.core.errors import ConversionError, NotSupportedError, NumericOverflowError, ProgrammingError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import (
    BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, NULL, REAL, SMALLINT, TIMESTAMP, VARCHAR, DataType,
)
from columnar.storage.arrow_convert import (
    arrow_to_column, arrow_type_to_sql, column_to_arrow, columns_to_table, concat_columns,
    table_to_columns, to_arrow_table_any,
)


def roundtrip(arr, target=None, **kw) -> pa.Array:
    return column_to_arrow(arrow_to_column(arr, target, **kw))


# ----------------------------------------------------------------------------- type mapping


@pytest.mark.parametrize("arrow_type, sql", [
    (pa.int8(), SMALLINT), (pa.int16(), SMALLINT), (pa.int32(), INTEGER), (pa.int64(), BIGINT),
    (pa.uint32(), BIGINT), (pa.uint64(), DataType.decimal(20, 0)), (pa.float16(), REAL),
    (pa.float32(), REAL), (pa.float64(), DOUBLE), (pa.bool_(), BOOLEAN),
    (pa.decimal128(15, 2), DataType.decimal(15, 2)), (pa.decimal256(38, 10), DataType.decimal(38, 10)),
    (pa.string(), VARCHAR), (pa.large_string(), VARCHAR), (pa.string_view(), VARCHAR),
    (pa.dictionary(pa.int32(), pa.string()), VARCHAR), (pa.date32(), DATE), (pa.date64(), DATE),
    (pa.timestamp("s"), TIMESTAMP), (pa.timestamp("ns", tz="Europe/Paris"), TIMESTAMP), (pa.null(), VARCHAR),
])
def test_arrow_type_to_sql(arrow_type, sql):
    assert arrow_type_to_sql(arrow_type) == sql


def test_arrow_type_to_sql_rejects():
    with pytest.raises(ConversionError, match="38"):
        arrow_type_to_sql(pa.decimal256(50, 2))
    with pytest.raises(NotSupportedError, match=r"time64\[us\]"):
        arrow_type_to_sql(pa.time64("us"), name="t")
    with pytest.raises(NotSupportedError, match="list"):
        arrow_to_column(pa.array([[1]]), name="l")


# ----------------------------------------------------------------------------- round trips


ROUNDTRIP_CASES = [
    (pa.array([1, None, -3], pa.int8()), pa.int16()),
    (pa.array([1, None, -(2**15)], pa.int16()), pa.int16()),
    (pa.array([1, None, 2**31 - 1], pa.int32()), pa.int32()),
    (pa.array([2**63 - 1, None, -(2**63)], pa.int64()), pa.int64()),
    (pa.array([2**32 - 1, None], pa.uint32()), pa.int64()),
    (pa.array([2**64 - 1, None, 0], pa.uint64()), pa.decimal128(20, 0)),
    (pa.array([1.5, None, float("inf")], pa.float64()), pa.float64()),
    (pa.array([1.5, None, -0.25], pa.float32()), pa.float32()),
    (pa.array([True, None, False]), pa.bool_()),
    (pa.array([Decimal("12.50"), None, Decimal("-0.01")], pa.decimal128(15, 2)), pa.decimal128(15, 2)),
    (pa.array([Decimal("1.5"), None], pa.decimal256(20, 1)), pa.decimal128(20, 1)),
    (pa.array(["a", None, "héllo", ""]), pa.string()),
    (pa.array(["a", None, "héllo", ""], pa.large_string()), pa.string()),
    (pa.array(["a", None, "héllo", ""], pa.string_view()), pa.string()),
    (pa.array(["x", None, "y", "x"]).dictionary_encode(), pa.string()),
    (pa.array([datetime.date(2020, 1, 2), None, datetime.date(1900, 3, 1)]), pa.date32()),
    (pa.array([datetime.date(2020, 1, 2), None], pa.date64()), pa.date32()),
    (pa.array([datetime.datetime(2020, 1, 2, 3, 4, 5, 6), None]), pa.timestamp("us")),
    (pa.nulls(3), pa.string()),
]


@pytest.mark.parametrize("arr, back_type", ROUNDTRIP_CASES, ids=lambda x: str(getattr(x, "type", x)))
def test_roundtrip_values_and_nulls(arr, back_type):
    back = roundtrip(arr)
    assert back.type == back_type
    expected = arr.to_pylist()
    if pa.types.is_date64(arr.type):
        expected = [None if v is None else v for v in expected]
    assert back.to_pylist() == expected
    assert back.null_count == arr.null_count


@pytest.mark.parametrize("arr, back_type", ROUNDTRIP_CASES, ids=lambda x: str(getattr(x, "type", x)))
def test_roundtrip_empty(arr, back_type):
    back = roundtrip(arr.slice(0, 0))
    assert len(back) == 0 and back.type == back_type


@pytest.mark.parametrize("arr, back_type", ROUNDTRIP_CASES, ids=lambda x: str(getattr(x, "type", x)))
def test_roundtrip_sliced(arr, back_type):
    part = arr.slice(1)
    assert part.offset == 1
    assert roundtrip(part).to_pylist() == part.to_pylist()


def test_null_slots_are_zero_and_validity_none_without_nulls():
    c = arrow_to_column(pa.array([5, None, 7]))
    assert c.data.tolist() == [5, 0, 7] and c.validity.tolist() == [True, False, True]
    assert arrow_to_column(pa.array([5, 6])).validity is None
    s = arrow_to_column(pa.array(["ab", None, "c"]))
    assert s.data.to_pylist() == ["ab", "", "c"]


def test_null_type_into_any_target():
    c = arrow_to_column(pa.nulls(2), INTEGER)
    assert c.data.dtype == np.int64 and c.validity.tolist() == [False, False]
    assert column_to_arrow(c).type == pa.int32()
    assert column_to_arrow(Column(NULL, np.zeros(2, bool))).type == pa.null()


def test_timestamps_all_units_to_microseconds():
    base = datetime.datetime(2021, 6, 1, 12, 30, 15, 123456)
    for unit, scale in [("s", 1), ("ms", 1000), ("us", 10**6), ("ns", 10**9)]:
        epoch = int(base.replace(microsecond=0).timestamp() - datetime.datetime(1970, 1, 1).timestamp())
        raw = epoch * scale + {"s": 0, "ms": 123, "us": 123456, "ns": 123456789}[unit]
        c = arrow_to_column(pa.array([raw, None], pa.timestamp(unit, tz="UTC")))
        assert c.type == TIMESTAMP and c.data.dtype == np.int64
        expected_us = epoch * 10**6 + {"s": 0, "ms": 123000, "us": 123456, "ns": 123456}[unit]
        assert c.data[0] == expected_us
    # nanoseconds before 1970 are floored, not truncated toward zero
    c = arrow_to_column(pa.array([-1], pa.timestamp("ns")))
    assert c.data.tolist() == [-1]
    with pytest.raises(NumericOverflowError):
        arrow_to_column(pa.array([2**62], pa.timestamp("s")))


def test_dates_physical_layout():
    c = arrow_to_column(pa.array([datetime.date(1970, 1, 2), datetime.date(1969, 12, 31)]))
    assert c.data.dtype == np.int32 and c.data.tolist() == [1, -1]
    c = arrow_to_column(pa.array([datetime.datetime(1970, 1, 3, 5)]), DATE)
    assert c.data.tolist() == [2]
    c = arrow_to_column(pa.array([datetime.date(1970, 1, 2)]), TIMESTAMP)
    assert c.data.tolist() == [86_400_000_000]


# ----------------------------------------------------------------------------- zero copy


def test_int64_and_large_string_are_zero_copy():
    arr = pa.array(np.arange(1000, dtype=np.int64))
    c = arrow_to_column(arr)
    assert c.data.__array_interface__["data"][0] == arr.buffers()[1].address
    s = pa.array([f"v{i}" for i in range(100)], pa.large_string())
    c = arrow_to_column(s)
    assert isinstance(c.data, StringArray)
    assert c.data.data.__array_interface__["data"][0] == s.buffers()[2].address
    assert c.data.offsets.__array_interface__["data"][0] == s.buffers()[1].address


def test_sliced_string_offsets_are_rebased():
    s = pa.array(["aa", "bbb", None, "c"]).slice(1, 3)
    c = arrow_to_column(s)
    assert c.data.offsets.dtype == np.int64 and c.data.offsets[0] == 0
    assert c.data.to_pylist() == ["bbb", "", "c"]


def test_null_slot_with_bytes_is_emptied():
    # A NULL slot may legally point at bytes; the column must hold "" there.
    arr = pa.Array.from_buffers(pa.string(), 2, [pa.py_buffer(np.packbits([1, 0], bitorder="little")),
                                                 pa.py_buffer(np.array([0, 1, 3], np.int32)),
                                                 pa.py_buffer(b"abc")])
    c = arrow_to_column(arr)
    assert c.data.to_pylist() == ["a", ""] and c.validity.tolist() == [True, False]


# ----------------------------------------------------------------------------- dictionaries


def test_dictionary_array_becomes_dictarray():
    arr = pa.DictionaryArray.from_arrays(pa.array([1, 0, None, 1], pa.int8()), pa.array(["N", "R"]))
    c = arrow_to_column(arr)
    assert isinstance(c.data, DictArray)
    assert c.data.codes.dtype == np.int32 and c.data.codes.tolist() == [1, 0, 0, 1]
    assert c.data.dictionary.to_pylist() == ["N", "R"]
    assert c.validity.tolist() == [True, True, False, True]
    assert column_to_arrow(c).to_pylist() == ["R", "N", None, "R"]


def test_duplicate_and_null_dictionary_entries_are_normalised():
    arr = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, 3]), pa.array(["p", "p", None, "q"]))
    c = arrow_to_column(arr)
    words = c.data.dictionary.to_pylist()
    assert len(words) == len(set(words))
    assert c.data.codes[0] == c.data.codes[1]
    assert column_to_arrow(c).to_pylist() == ["p", "p", None, "q"]


def test_dictionary_encode_low_cardinality_only():
    flags = pa.array(["A", "N", "R"] * 1000)
    assert isinstance(arrow_to_column(flags, dictionary_encode=True).data, DictArray)
    assert isinstance(arrow_to_column(flags).data, StringArray)
    unique = pa.array([f"c{i}" for i in range(1000)])
    assert isinstance(arrow_to_column(unique, dictionary_encode=True).data, StringArray)
    sv = pa.array(["A", "N"] * 500 + [None], pa.string_view())
    c = arrow_to_column(sv, dictionary_encode=True)
    assert isinstance(c.data, DictArray) and column_to_arrow(c).to_pylist() == sv.to_pylist()


def test_chunked_dictionaries_are_unified():
    chunked = pa.chunked_array([pa.array(["a", "b"]).dictionary_encode(),
                                pa.array(["c", None, "a"]).dictionary_encode()])
    c = arrow_to_column(chunked)
    assert isinstance(c.data, DictArray)
    assert column_to_arrow(c).to_pylist() == ["a", "b", "c", None, "a"]
    plain = pa.chunked_array([pa.array(["x", "y"] * 10), pa.array(["z", "x"] * 10)])
    c = arrow_to_column(plain, dictionary_encode=True)
    assert isinstance(c.data, DictArray) and column_to_arrow(c).to_pylist() == plain.to_pylist()


def test_concat_mixed_string_layouts():
    a = arrow_to_column(pa.array(["x", None]).dictionary_encode())
    b = arrow_to_column(pa.array(["long text", "y"]))
    c = concat_columns([a, b])
    assert isinstance(c.data, StringArray)
    assert column_to_arrow(c).to_pylist() == ["x", None, "long text", "y"]


# ----------------------------------------------------------------------------- decimals


def test_decimal_int64_and_object_layouts():
    near = pa.array([Decimal(2**63 - 1), Decimal(-(2**63)), None], pa.decimal128(38, 0))
    c = arrow_to_column(near)
    assert c.data.dtype == np.int64 and c.data.tolist() == [2**63 - 1, -(2**63), 0]
    beyond = pa.array([Decimal("1000000000000000000000000000000.01"), Decimal(2**63), None, Decimal("-7.5")],
                      pa.decimal128(38, 2))
    c = arrow_to_column(beyond)
    assert c.data.dtype == object
    assert c.data.tolist() == [10**32 + 1, 2**63 * 100, 0, -750]
    back = column_to_arrow(c)
    assert back.type == pa.decimal128(38, 2) and back.to_pylist() == beyond.to_pylist()


def test_decimal_export_builds_decimal128_buffer():
    c = Column(DataType.decimal(15, 2), np.array([1250, -1, 0, 2**62]), np.array([True, True, False, True]))
    back = column_to_arrow(c)
    assert back.type == pa.decimal128(15, 2)
    assert back.to_pylist() == [Decimal("12.50"), Decimal("-0.01"), None, Decimal(2**62).scaleb(-2)]


def test_decimal_rescale_rounds_half_away_from_zero():
    arr = pa.array([Decimal("1.005"), Decimal("-1.005"), Decimal("1.004"), Decimal("-0.005")], pa.decimal128(10, 3))
    assert arrow_to_column(arr, DataType.decimal(10, 2)).data.tolist() == [101, -101, 100, -1]
    assert arrow_to_column(arr, INTEGER).data.tolist() == [1, -1, 1, 0]
    up = arrow_to_column(pa.array([Decimal("1.5")], pa.decimal128(2, 1)), DataType.decimal(38, 30))
    assert up.data.tolist() == [15 * 10**29]


def test_decimal_precision_overflow():
    arr = pa.array([Decimal("12345.67")], pa.decimal128(15, 2))
    with pytest.raises(NumericOverflowError, match="price.*DECIMAL\\(6,2\\)"):
        arrow_to_column(arr, DataType.decimal(6, 2), name="price")
    # rounding up may add a digit: 9.995 -> 10.00 does not fit DECIMAL(3,2)
    with pytest.raises(NumericOverflowError):
        arrow_to_column(pa.array([Decimal("9.995")], pa.decimal128(4, 3)), DataType.decimal(3, 2))


def test_floats_and_ints_into_decimal():
    c = arrow_to_column(pa.array([1.5, -2.5, 0.125, None]), DataType.decimal(5, 2))
    assert c.data.tolist() == [150, -250, 13, 0]
    c = arrow_to_column(pa.array([1, -2], pa.int32()), DataType.decimal(5, 2))
    assert c.data.tolist() == [100, -200]
    with pytest.raises(NumericOverflowError):
        arrow_to_column(pa.array([1000], pa.int32()), DataType.decimal(5, 2))
    with pytest.raises(ConversionError):
        arrow_to_column(pa.array([float("nan")]), DataType.decimal(5, 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-(10**38) + 1, 10**38 - 1)), max_size=30),
       st.integers(0, 10))
def test_decimal_roundtrip_property(unscaled, scale):
    ctx = Context(prec=50)  # the default 28 digits would round 38-digit values
    values = [None if v is None else Decimal(v).scaleb(-scale, ctx) for v in unscaled]
    arr = pa.array(values, pa.decimal128(38, scale))
    c = arrow_to_column(arr)
    assert [None if not ok else int(v) for v, ok in zip(c.data.tolist(), c.is_valid())] == unscaled
    assert column_to_arrow(c).to_pylist() == arr.to_pylist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), max_size=40), st.integers(0, 5))
def test_int64_roundtrip_property(values, start):
    arr = pa.array(values, pa.int64()).slice(min(start, len(values)))
    assert roundtrip(arr).to_pylist() == arr.to_pylist()


# ----------------------------------------------------------------------------- integer and string checks


def test_integer_range_checks():
    with pytest.raises(NumericOverflowError, match="qty.*SMALLINT") as e:
        arrow_to_column(pa.array([1, 40000]), SMALLINT, name="qty")
    assert e.value.row == 1 and e.value.value == 40000
    with pytest.raises(NumericOverflowError):
        arrow_to_column(pa.array([2**63], pa.uint64()), BIGINT)
    assert arrow_to_column(pa.array([-(2**31)], pa.int64()), INTEGER).data.tolist() == [-(2**31)]


def test_chunked_error_row_counts_previous_chunks():
    chunked = pa.chunked_array([pa.array([1, 2]), pa.array([3, 99999])])
    with pytest.raises(NumericOverflowError) as e:
        arrow_to_column(chunked, SMALLINT, name="q")
    assert e.value.row == 3


def test_varchar_length_in_bytes_and_char_blank_stripping():
    with pytest.raises(ConversionError, match=r"value too long for type character varying\(3\)") as e:
        arrow_to_column(pa.array(["abc", "héé"]), DataType.varchar(3), name="s")
    assert e.value.row == 1
    c = arrow_to_column(pa.array(["ab  ", "c", None]), DataType.char(2))
    assert column_to_arrow(c).to_pylist() == ["ab", "c", None]
    with pytest.raises(ConversionError, match=r"character\(2\)"):
        arrow_to_column(pa.array(["abc"]), DataType.char(2))
    d = pa.array(["ok", "too long", "ok"]).dictionary_encode().slice(0, 1)
    assert arrow_to_column(d, DataType.varchar(2)).data.dictionary.to_pylist()  # unused long entry is fine
    with pytest.raises(ConversionError):
        arrow_to_column(pa.array(["ok", "too long"]).dictionary_encode(), DataType.varchar(2))


def test_text_parsing_into_typed_targets():
    assert arrow_to_column(pa.array([" 12", "+3", "", None]), INTEGER).validity.tolist() == [True, True, False, False]
    assert arrow_to_column(pa.array([" 12", "+3"]), INTEGER).data.tolist() == [12, 3]
    assert arrow_to_column(pa.array(["1.005", "-2"]), DataType.decimal(10, 2)).data.tolist() == [101, -200]
    assert arrow_to_column(pa.array(["t", "No", "TRUE", "0"]), BOOLEAN).data.tolist() == [True, False, True, False]
    assert arrow_to_column(pa.array(["2020-02-29"]), DATE).data.tolist() == [18321]
    ts = arrow_to_column(pa.array(["1970-01-01 00:00:01.5"]), TIMESTAMP)
    assert ts.data.tolist() == [1_500_000]
    assert arrow_to_column(pa.array(["1.5"]), DOUBLE).data.tolist() == [1.5]
    with pytest.raises(ConversionError, match="Invalid digit, Value 'x'") as e:
        arrow_to_column(pa.array(["1", "2", "x"]), INTEGER, name="b")
    assert e.value.row == 2 and e.value.column == "b"
    with pytest.raises(ConversionError, match="Invalid date format"):
        arrow_to_column(pa.array(["2020-13-01"]), DATE)
    with pytest.raises(ConversionError, match="boolean"):
        arrow_to_column(pa.array(["maybe"]), BOOLEAN)
    with pytest.raises(ConversionError, match="Overflow"):
        arrow_to_column(pa.array(["99999999999999999999"]), BIGINT)


def test_numbers_into_text_and_other_casts():
    assert column_to_arrow(arrow_to_column(pa.array([1, None]), VARCHAR)).to_pylist() == ["1", None]
    assert arrow_to_column(pa.array([1.5]), REAL).data.dtype == np.float64
    assert arrow_to_column(pa.array([0.1]), REAL).data[0] == np.float64(np.float32(0.1))
    assert arrow_to_column(pa.array([2.5, -2.5]), INTEGER).data.tolist() == [3, -3]
    with pytest.raises(ConversionError):
        arrow_to_column(pa.array([datetime.date(2020, 1, 1)]), INTEGER)


# ----------------------------------------------------------------------------- tables


def test_table_roundtrip_and_duplicate_names():
    t = pa.table({"a": pa.array([1, None], pa.int32()), "b": ["x", "y"],
                  "c": pa.array([Decimal("1.10"), None], pa.decimal128(4, 2))})
    cols = table_to_columns(t)
    assert [c.type for c in cols] == [INTEGER, VARCHAR, DataType.decimal(4, 2)]
    back = columns_to_table(["a", "a", "c"], cols)
    assert back.column_names == ["a", "a", "c"]
    assert back.column(2).to_pylist() == [Decimal("1.10"), None]
    with pytest.raises(ProgrammingError):
        table_to_columns(t, [INTEGER])


class _Stream:
    def __init__(self, table):
        self.table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)


def test_to_arrow_table_any_accepts_common_objects():
    t = pa.table({"a": [1, 2]})
    assert to_arrow_table_any(t) is t
    assert to_arrow_table_any(t.to_batches()[0]).equals(t)
    assert to_arrow_table_any(pa.RecordBatchReader.from_batches(t.schema, t.to_batches())).equals(t)
    assert to_arrow_table_any({"a": [1, 2]}).equals(t)
    assert to_arrow_table_any(_Stream(t)).equals(t)
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1, 2]}, index=[10, 20])
    assert to_arrow_table_any(df).column_names == ["a"]
    with pytest.raises(ProgrammingError, match="cannot register object of type list"):
        to_arrow_table_any([1, 2])


def test_large_text_exports_as_string_when_small():
    c = arrow_to_column(pa.array(["a"] * 3, pa.large_string()))
    assert column_to_arrow(c).type == pa.string()
    assert pc.equal(column_to_arrow(c), "a").to_pylist() == [True] * 3
