"""CAST: ranges, rounding, text forms, string parsing, DictArrays, NULLs."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from columnar.core.chunk import Column
from columnar.core.errors import BinderError, ConversionError, NumericOverflowError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import (
    BIGINT,
    BOOLEAN,
    DATE,
    DOUBLE,
    INTEGER,
    NULL,
    REAL,
    SMALLINT,
    TIMESTAMP,
    DataType,
)
from columnar.exec.cast import cast_column
from columnar.exec.const_column import ConstColumn

from .helpers import col, dates, decimals, values

VARCHAR = DataType.varchar(30)


def dec(p, s):
    return DataType.decimal(p, s)


# ---------------------------------------------------------------- integers and decimals


def test_int_to_int_range_check():
    assert values(cast_column(col(BIGINT, [-(2**31), None, 5]), INTEGER)) == [-(2**31), None, 5]
    with pytest.raises(NumericOverflowError, match="integer out of range"):
        cast_column(col(BIGINT, [3_000_000_000]), INTEGER)
    with pytest.raises(NumericOverflowError, match="smallint out of range"):
        cast_column(col(INTEGER, [40000]), SMALLINT)
    # a NULL row holding a large placeholder never raises
    masked = Column(BIGINT, np.array([2**40, 1]), np.array([False, True]))
    assert values(cast_column(masked, INTEGER)) == [None, 1]


def test_int_to_decimal_scales_up_with_precision_check():
    assert decimals(cast_column(col(INTEGER, [7, -3, None]), dec(5, 2))) == [Decimal("7.00"), Decimal("-3.00"), None]
    with pytest.raises(NumericOverflowError, match="Numeric data overflow"):
        cast_column(col(INTEGER, [300]), dec(2, 0))
    wide = cast_column(col(BIGINT, [2**63 - 1]), dec(38, 10))
    assert values(wide) == [(2**63 - 1) * 10**10]


def test_decimal_to_decimal_rounds_half_away():
    x = col(dec(6, 3), ["123.456", "-0.005", "0.004", "-123.450"])
    assert decimals(cast_column(x, dec(5, 1))) == [Decimal("123.5"), Decimal("-0.0"), Decimal("0.0"), Decimal("-123.5")]
    with pytest.raises(NumericOverflowError):  # 123.46 does not fit DECIMAL(4,2)
        cast_column(x, dec(4, 2))
    assert decimals(cast_column(col(dec(5, 1), ["1.5"]), dec(5, 2))) == [Decimal("1.50")]


def test_decimal_to_int_rounds_half_away():
    x = col(dec(5, 2), ["7.60", "-7.60", "2.50", "-2.50", "2.49", None])
    assert values(cast_column(x, INTEGER)) == [8, -8, 3, -3, 2, None]
    with pytest.raises(NumericOverflowError, match="smallint out of range"):
        cast_column(col(dec(10, 1), ["32767.5"]), SMALLINT)


def test_decimal_objects_to_int_and_float():
    big = col(dec(38, 2), ["12345678901234567890.12", "1.50"])
    with pytest.raises(NumericOverflowError, match="bigint out of range"):
        cast_column(big, BIGINT)
    assert values(cast_column(big, DOUBLE)) == [12345678901234567890.12, 1.5]


def test_float_to_int_rounds_and_checks():
    x = col(DOUBLE, [2.7, -2.7, 1.9, 2.5, None])
    assert values(cast_column(x, INTEGER)) == [3, -3, 2, 2, None]  # rint: half to even
    with pytest.raises(NumericOverflowError):
        cast_column(col(DOUBLE, [float("nan")]), INTEGER)
    with pytest.raises(NumericOverflowError):
        cast_column(col(DOUBLE, [2.0**63]), BIGINT)
    assert values(cast_column(col(DOUBLE, [-(2.0**63)]), BIGINT)) == [-(2**63)]


def test_float_to_decimal_rounds_the_written_decimal():
    x = col(DOUBLE, [0.285, -0.285, 1.005, 2.5e-3, None])
    assert decimals(cast_column(x, dec(10, 2))) == [
        Decimal("0.29"), Decimal("-0.29"), Decimal("1.01"), Decimal("0.00"), None
    ]
    assert values(cast_column(col(DOUBLE, [1e20]), dec(38, 5))) == [10**25]
    with pytest.raises(ConversionError):
        cast_column(col(DOUBLE, [float("inf")]), dec(10, 2))
    with pytest.raises(NumericOverflowError):
        cast_column(col(DOUBLE, [1234.5]), dec(4, 1))


def test_int_and_decimal_to_float_and_real():
    assert values(cast_column(col(INTEGER, [5, None]), DOUBLE)) == [5.0, None]
    assert values(cast_column(col(dec(5, 2), ["1.25"]), DOUBLE)) == [1.25]
    assert values(cast_column(col(DOUBLE, [0.1]), REAL)) == [float(np.float32(0.1))]
    with pytest.raises(NumericOverflowError):
        cast_column(col(DOUBLE, [1e300]), REAL)


def test_boolean_and_integers():
    assert values(cast_column(col(BOOLEAN, [True, False, None]), INTEGER)) == [1, 0, None]
    assert values(cast_column(col(INTEGER, [0, 7, None]), BOOLEAN)) == [False, True, None]


# ---------------------------------------------------------------- dates and timestamps


def test_date_timestamp_round_trip_before_1970():
    d = col(DATE, ["1969-12-31", "1970-01-01", None])
    ts = cast_column(d, TIMESTAMP)
    assert values(ts) == [-86_400_000_000, 0, None]
    t = col(TIMESTAMP, [-1, 86_400_000_000 - 1, -86_400_000_001])
    assert dates(cast_column(t, DATE)) == ["1969-12-31", "1970-01-01", "1969-12-30"]


def test_bad_pairs_are_rejected():
    with pytest.raises(BinderError):
        cast_column(col(INTEGER, [1]), DATE)
    with pytest.raises(BinderError):
        cast_column(col(DATE, [1]), INTEGER)


# ---------------------------------------------------------------- → text


def test_text_of_numbers():
    assert values(cast_column(col(INTEGER, [42, -7, None]), VARCHAR)) == ["42", "-7", None]
    assert values(cast_column(col(dec(5, 2), ["12.50", "-0.05", "0", "3.5"]), VARCHAR)) == [
        "12.50", "-0.05", "0.00", "3.50"
    ]
    assert values(cast_column(col(dec(38, 2), ["-12345678901234567890.12"]), VARCHAR)) == ["-12345678901234567890.12"]
    assert values(cast_column(col(BIGINT, [-(2**63)]), VARCHAR)) == [str(-(2**63))]


def test_text_of_floats_like_postgres():
    x = col(DOUBLE, [0.1, 1e20, 100.0, 1e15, 123456789012345.0, 1.5e-5, 0.0001, -0.0, 1 / 3,
                     float("nan"), float("inf"), -float("inf"), 1234567.0])
    assert values(cast_column(x, VARCHAR)) == [
        "0.1", "1e+20", "100", "1e+15", "123456789012345", "1.5e-05", "0.0001", "-0",
        "0.3333333333333333", "NaN", "Infinity", "-Infinity", "1234567",
    ]
    r = col(REAL, [0.1, 1e6, 1234567.0, 123456.0, -2.5e7, 0.0001, -0.00015, 1e-5])
    assert values(cast_column(r, VARCHAR)) == ["0.1", "1e+06", "1.234567e+06", "123456", "-2.5e+07", "0.0001", "-0.00015", "1e-05"]


def test_text_of_booleans_dates_timestamps():
    assert values(cast_column(col(BOOLEAN, [True, False, None]), VARCHAR)) == ["true", "false", None]
    assert values(cast_column(col(DATE, ["2024-01-15", "1969-07-20"]), VARCHAR)) == ["2024-01-15", "1969-07-20"]
    ts = col(TIMESTAMP, ["2024-02-29 13:45:01.250000", "2024-02-29 13:45:01", "1969-12-31 23:59:59.999999"])
    assert values(cast_column(ts, VARCHAR)) == [
        "2024-02-29 13:45:01.25", "2024-02-29 13:45:01", "1969-12-31 23:59:59.999999"
    ]


def test_varchar_length_truncates_on_cast_and_raises_on_insert():
    s = col(VARCHAR, ["abcdef", "ab", "éé", None])
    v3 = DataType.varchar(3)
    assert values(cast_column(s, v3)) == ["abc", "ab", "é", None]
    with pytest.raises(ConversionError, match=r"value too long for type character varying\(3\)"):
        cast_column(s, v3, truncate=False)
    ok = col(VARCHAR, ["éa", "ab      ", None, "x"])
    assert values(cast_column(ok, DataType.varchar(5), truncate=False)) == ["éa", "ab   ", None, "x"]
    with pytest.raises(ConversionError, match="character varying"):
        cast_column(col(VARCHAR, ["éé"]), v3, truncate=False)
    assert values(cast_column(col(INTEGER, [12345]), v3)) == ["123"]


def test_char_truncates_and_strips_blanks():
    s = col(VARCHAR, ["abcdef", "a  ", "  b "])
    assert values(cast_column(s, DataType.char(2))) == ["ab", "a", ""]
    assert values(cast_column(s, DataType.char(5))) == ["abcde", "a", "  b"]
    with pytest.raises(ConversionError, match=r"character\(2\)"):
        cast_column(col(VARCHAR, ["toolong"]), DataType.char(2), truncate=False)


def test_dictionary_string_cast_keeps_codes_and_dedupes():
    words = StringArray.from_pylist(["abcX", "abcY", "zz"])
    d = Column(VARCHAR, DictArray(np.array([0, 1, 2, 0], np.int32), words))
    out = cast_column(d, DataType.varchar(3))
    assert isinstance(out.data, DictArray)
    assert values(out) == ["abc", "abc", "zz", "abc"]
    assert out.data.codes[0] == out.data.codes[1]  # merged values share one code


# ---------------------------------------------------------------- text → values


@pytest.mark.parametrize("dictionary", [False, True])
def test_string_to_integer(dictionary):
    s = col(VARCHAR, ["42", " 7 ", "+3", "-0", None], dictionary=dictionary)
    assert values(cast_column(s, INTEGER)) == [42, 7, 3, 0, None]
    with pytest.raises(ConversionError, match='invalid input syntax for type integer: "12x"'):
        cast_column(col(VARCHAR, ["1", "12x"], dictionary=dictionary), INTEGER)
    with pytest.raises(NumericOverflowError, match='"3000000000" is out of range for type integer'):
        cast_column(col(VARCHAR, ["3000000000"], dictionary=dictionary), INTEGER)
    with pytest.raises(NumericOverflowError, match="bigint"):
        cast_column(col(VARCHAR, ["99999999999999999999"]), BIGINT)


def test_bad_strings_in_null_rows_or_unused_dictionary_entries_are_ignored():
    s = Column(VARCHAR, StringArray.from_pylist(["abc", "5"]), np.array([False, True]))
    assert values(cast_column(s, INTEGER)) == [None, 5]
    d = Column(VARCHAR, DictArray(np.array([1, 1], np.int32), StringArray.from_pylist(["abc", "5"])))
    assert values(cast_column(d, INTEGER)) == [5, 5]


def test_string_to_decimal():
    s = col(VARCHAR, ["3.14", "3.14159", "-0.005", ".5", "7", " 12.5 ", "1e2", None])
    assert decimals(cast_column(s, dec(5, 2))) == [
        Decimal("3.14"), Decimal("3.14"), Decimal("-0.01"), Decimal("0.50"), Decimal("7.00"),
        Decimal("12.50"), Decimal("100.00"), None,
    ]
    long = col(VARCHAR, ["12345678901234567890.125", "-98765432109876543210.994", "9" * 36 + ".5", "1.5e30"])
    assert values(cast_column(long, dec(38, 2))) == [
        1234567890123456789013, -9876543210987654321099, 10**38 - 50, 15 * 10**31
    ]
    assert values(cast_column(col(VARCHAR, ["0." + "1" * 30 + "5"]), dec(38, 31))) == [int("1" * 30 + "5")]
    assert values(cast_column(col(VARCHAR, ["0." + "1" * 30 + "5"]), dec(38, 30))) == [int("1" * 29 + "2")]
    with pytest.raises(NumericOverflowError, match="Numeric data overflow"):
        cast_column(col(VARCHAR, ["1234.5"]), dec(4, 1))
    with pytest.raises(ConversionError, match='type numeric: "1.2.3"'):
        cast_column(col(VARCHAR, ["1.2.3"]), dec(5, 2))


def test_string_to_float_and_boolean():
    s = col(VARCHAR, ["1e3", " 2.5", "NaN", "-Infinity", None])
    out = values(cast_column(s, DOUBLE))
    assert out[0] == 1000.0 and out[1] == 2.5 and out[2] != out[2] and out[3] == -float("inf") and out[4] is None
    with pytest.raises(ConversionError, match="double precision"):
        cast_column(col(VARCHAR, ["x1"]), DOUBLE)
    b = col(VARCHAR, ["true", "F", " yes ", "0", "on", None])
    assert values(cast_column(b, BOOLEAN)) == [True, False, True, False, True, None]
    with pytest.raises(ConversionError, match='type boolean: "maybe"'):
        cast_column(col(VARCHAR, ["maybe"]), BOOLEAN)


def test_string_to_date_and_timestamp():
    s = col(VARCHAR, ["2024-02-29", "1969-12-31", "2008-1-5", "2024-01-02 13:00:00", None])
    assert dates(cast_column(s, DATE)) == ["2024-02-29", "1969-12-31", "2008-01-05", "2024-01-02", None]
    ts = col(VARCHAR, ["2024-02-29 13:45:01.250", "1969-12-31T23:59:59", "2024-01-02", "2024-01-02 9:05"])
    assert values(cast_column(ts, TIMESTAMP)) == [
        1709214301250000, -1_000_000, 1704153600000000, 1704153600000000 + (9 * 60 + 5) * 60_000_000
    ]
    with pytest.raises(ConversionError, match="out of range"):
        cast_column(col(VARCHAR, ["2023-02-29"]), DATE)
    with pytest.raises(ConversionError, match='invalid input syntax for type date: "not a date"'):
        cast_column(col(VARCHAR, ["not a date"]), DATE)


# ---------------------------------------------------------------- NULLs and constants


def test_null_typed_input_gives_all_null_target():
    n = Column(NULL, np.zeros(3, dtype=np.bool_), np.zeros(3, dtype=np.bool_))
    for target in (INTEGER, dec(10, 2), VARCHAR, DATE):
        out = cast_column(n, target)
        assert out.type == target and values(out) == [None] * 3


def test_constant_casts_stay_constant():
    out = cast_column(ConstColumn(VARCHAR, "12", 4), INTEGER)
    assert isinstance(out, ConstColumn) and out.value == 12 and len(out) == 4
    out = cast_column(ConstColumn(dec(5, 2), 1250, 2), VARCHAR)
    assert out.value == "12.50"


def test_large_float_to_decimal_has_no_binary_noise():
    out = cast_column(col(DOUBLE, [12345.678, -1.5e15]), dec(38, 20))
    assert values(out) == [1234567800000000000000000, -15 * 10**34]
    with pytest.raises(NumericOverflowError):
        cast_column(col(DOUBLE, [1.5e20]), dec(38, 20))
