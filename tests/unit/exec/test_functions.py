"""Scalar functions: NULLIF, ABS, ROUND, FLOOR/CEIL, string functions, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from columnar.core.chunk import Column
from columnar.core.errors import DataError, NotSupportedError, NumericOverflowError
from columnar.core.strings import DictArray
from columnar.core.types import BIGINT, DATE, DOUBLE, INTEGER, INTERVAL, TIMESTAMP, DataType
from columnar.exec.functions import FUNCTIONS, call_function
from columnar.sql.expr import ColumnIndex, Const, Func, Interval

from .helpers import EPOCH, col, dates, decimals, run, values

VARCHAR = DataType.varchar(30)


def dec(p, s):
    return DataType.decimal(p, s)


def f(name, t, *args):
    return Func(name, tuple(args), t)


def c(i, t):
    return ColumnIndex(i, t)


def k(v, t):
    return Const(v, t)


# ---------------------------------------------------------------- table and NULL functions


def test_unknown_function_is_not_supported():
    with pytest.raises(NotSupportedError, match="function frobnicate is not supported"):
        call_function("frobnicate", [], INTEGER, 0)
    for name in ("coalesce", "nullif", "abs", "round", "substring", "extract_week", "date_add_interval"):
        assert name in FUNCTIONS


def test_nullif():
    a = col(INTEGER, [1, 0, None, 5])
    assert values(run(f("nullif", INTEGER, c(0, INTEGER), k(0, INTEGER)), a)) == [1, None, None, 5]
    s = col(VARCHAR, ["x", "", "y"], dictionary=True)
    assert values(run(f("nullif", VARCHAR, c(0, VARCHAR), k("", VARCHAR)), s)) == ["x", None, "y"]
    assert values(run(f("nullif", INTEGER, c(0, INTEGER), k(None, INTEGER)), a)) == [1, 0, None, 5]


def test_eager_coalesce_fallback():
    a, b = col(INTEGER, [None, 2, None]), col(INTEGER, [1, 9, None])
    assert values(call_function("coalesce", [a, b], INTEGER, 3)) == [1, 2, None]


# ---------------------------------------------------------------- numbers


def test_abs():
    assert values(run(f("abs", INTEGER, c(0, INTEGER)), col(INTEGER, [-3, 4, None]))) == [3, 4, None]
    with pytest.raises(NumericOverflowError, match="integer out of range"):
        run(f("abs", INTEGER, c(0, INTEGER)), col(INTEGER, [-(2**31)]))
    with pytest.raises(NumericOverflowError, match="bigint out of range"):
        run(f("abs", BIGINT, c(0, BIGINT)), col(BIGINT, [-(2**63)]))
    d = dec(38, 0)
    assert values(run(f("abs", d, c(0, d)), col(d, [-(2**63), -(10**30)]))) == [2**63, 10**30]
    assert values(run(f("abs", DOUBLE, c(0, DOUBLE)), col(DOUBLE, [-1.5]))) == [1.5]


def test_round_decimal_half_away():
    d = dec(10, 3)
    x = col(d, ["2.345", "-2.345", "2.344", "0.500", "-0.500", None])
    assert decimals(run(f("round", dec(10, 2), c(0, d), k(2, INTEGER)), x)) == [
        Decimal("2.35"), Decimal("-2.35"), Decimal("2.34"), Decimal("0.50"), Decimal("-0.50"), None
    ]
    # result type keeping the input scale: the rounded value, padded with zeros
    assert decimals(run(f("round", d, c(0, d)), x)) == [
        Decimal("2.000"), Decimal("-2.000"), Decimal("2.000"), Decimal("1.000"), Decimal("-1.000"), None
    ]
    assert decimals(run(f("round", dec(10, 0), c(0, d), k(-1, INTEGER)), col(d, ["15.000", "-14.999"]))) == [
        Decimal("20"), Decimal("-10")
    ]


def test_round_integers_and_floats():
    assert values(run(f("round", INTEGER, c(0, INTEGER), k(-1, INTEGER)), col(INTEGER, [15, -25, 14]))) == [20, -30, 10]
    assert values(run(f("round", DOUBLE, c(0, DOUBLE)), col(DOUBLE, [2.5, 3.5, -1.2]))) == [2.0, 4.0, -1.0]
    with pytest.raises(NotSupportedError):
        run(f("round", INTEGER, c(0, INTEGER), c(0, INTEGER)), col(INTEGER, [1]))


def test_floor_and_ceil():
    d = dec(6, 2)
    x = col(d, ["1.50", "-1.50", "2.00", None])
    assert decimals(run(f("floor", dec(6, 0), c(0, d)), x)) == [Decimal(1), Decimal(-2), Decimal(2), None]
    assert decimals(run(f("ceil", dec(6, 0), c(0, d)), x)) == [Decimal(2), Decimal(-1), Decimal(2), None]
    assert decimals(run(f("ceiling", d, c(0, d)), x)) == [Decimal("2.00"), Decimal("-1.00"), Decimal("2.00"), None]
    assert values(run(f("floor", DOUBLE, c(0, DOUBLE)), col(DOUBLE, [-0.5]))) == [-1.0]


# ---------------------------------------------------------------- strings


@pytest.mark.parametrize("dictionary", [False, True])
def test_case_and_lengths(dictionary):
    s = col(VARCHAR, ["Alpha", "héllo", "  Gamma  ", None, "ALPHA"], dictionary=dictionary)
    up = run(f("upper", VARCHAR, c(0, VARCHAR)), s)
    assert values(up) == ["ALPHA", "HÉLLO", "  GAMMA  ", None, "ALPHA"]
    if dictionary:  # 'Alpha' and 'ALPHA' now share one code: GROUP BY relies on it
        assert isinstance(up.data, DictArray) and up.data.codes[0] == up.data.codes[4]
    assert values(run(f("lower", VARCHAR, c(0, VARCHAR)), s)) == ["alpha", "héllo", "  gamma  ", None, "alpha"]
    assert values(run(f("length", INTEGER, c(0, VARCHAR)), s)) == [5, 5, 9, None, 5]
    assert values(run(f("octet_length", INTEGER, c(0, VARCHAR)), s)) == [5, 6, 9, None, 5]


@pytest.mark.parametrize("dictionary", [False, True])
def test_substring(dictionary):
    s = col(VARCHAR, ["hello world", "caterpillar", "héllo", None], dictionary=dictionary)
    three = f("substring", VARCHAR, c(0, VARCHAR), k(1, INTEGER), k(5, INTEGER))
    assert values(run(three, s)) == ["hello", "cater", "héllo", None]
    assert values(run(f("substr", VARCHAR, c(0, VARCHAR), k(2, INTEGER)), s)) == ["ello world", "aterpillar", "éllo", None]
    assert values(run(f("substring", VARCHAR, c(0, VARCHAR), k(-2, INTEGER), k(6, INTEGER)), s)) == ["hel", "cat", "hél", None]
    with pytest.raises(DataError, match="negative substring length"):
        run(f("substring", VARCHAR, c(0, VARCHAR), k(1, INTEGER), k(-1, INTEGER)), s)


def test_substring_per_row_arguments():
    s = col(VARCHAR, ["abcdef", "xyz", "qq"])
    start = col(INTEGER, [2, 1, None])
    length = col(INTEGER, [3, -5, 1])  # a negative length on a valid row raises
    with pytest.raises(DataError):
        run(f("substring", VARCHAR, c(0, VARCHAR), c(1, INTEGER), c(2, INTEGER)), s, start, length)
    length = col(INTEGER, [3, 2, -1])  # the negative length is on a NULL-start row
    out = run(f("substring", VARCHAR, c(0, VARCHAR), c(1, INTEGER), c(2, INTEGER)), s, start, length)
    assert values(out) == ["bcd", "xy", None]


def test_trims():
    s = col(VARCHAR, ["  ab  ", "xxabxx", None])
    assert values(run(f("btrim", VARCHAR, c(0, VARCHAR)), s)) == ["ab", "xxabxx", None]
    assert values(run(f("trim", VARCHAR, c(0, VARCHAR), k("x", VARCHAR)), s)) == ["  ab  ", "ab", None]
    assert values(run(f("ltrim", VARCHAR, c(0, VARCHAR)), s)) == ["ab  ", "xxabxx", None]
    assert values(run(f("rtrim", VARCHAR, c(0, VARCHAR), k("x", VARCHAR)), s)) == ["  ab  ", "xxab", None]


@pytest.mark.parametrize("dictionary", [False, True])
def test_position_and_strpos(dictionary):
    s = col(VARCHAR, ["hello", "héllo", "  Gamma  ", "", None], dictionary=dictionary)
    assert values(run(f("position", INTEGER, k("l", VARCHAR), c(0, VARCHAR)), s)) == [3, 3, 0, 0, None]
    assert values(run(f("strpos", INTEGER, c(0, VARCHAR), k("lo", VARCHAR)), s)) == [4, 4, 0, 0, None]
    assert values(run(f("strpos", INTEGER, c(0, VARCHAR), k("", VARCHAR)), s)) == [1, 1, 1, 1, None]


def test_position_with_per_row_needles():
    s = col(VARCHAR, ["hello", "héllo", "abc", "abc"])
    needle = col(VARCHAR, ["lo", "é", "c", None])
    assert values(run(f("strpos", INTEGER, c(0, VARCHAR), c(1, VARCHAR)), s, needle)) == [4, 2, 3, None]


def test_concat_function():
    a, b = col(VARCHAR, ["a", None]), col(VARCHAR, ["b", "c"])
    assert values(run(f("concat", VARCHAR, c(0, VARCHAR), c(1, VARCHAR)), a, b)) == ["ab", None]


# ---------------------------------------------------------------- dates and times

DAYS = np.concatenate([np.arange(-800, 800, 7), [-719162, -25567, -1, 0, 10956, 13879, 14244, 2932896]])


def _py(d: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(d))


@pytest.mark.parametrize(
    "field, expected",
    [
        ("year", lambda d: d.year),
        ("month", lambda d: d.month),
        ("day", lambda d: d.day),
        ("quarter", lambda d: (d.month - 1) // 3 + 1),
        ("dow", lambda d: d.isoweekday() % 7),
        ("isodow", lambda d: d.isoweekday()),
        ("doy", lambda d: d.timetuple().tm_yday),
        ("week", lambda d: d.isocalendar()[1]),
        ("epoch", lambda d: (d - EPOCH).days * 86400),
    ],
)
def test_extract_from_dates_matches_python(field, expected):
    out = run(f(f"extract_{field}", BIGINT, c(0, DATE)), Column(DATE, DAYS.astype(np.int32)))
    assert values(out) == [expected(_py(d)) for d in DAYS]


def test_extract_from_timestamps_before_1970():
    us = [
        -1,  # 1969-12-31 23:59:59.999999
        -86_400_000_000 * 365 + 3_723_500_000,  # 1969-01-01 01:02:03.5
        1_709_214_301_250_000,  # 2024-02-29 13:45:01.25
    ]
    x = col(TIMESTAMP, us + [None])
    get = lambda name, t=INTEGER: values(run(f(f"extract_{name}", t, c(0, TIMESTAMP)), x))  # noqa: E731
    assert get("year") == [1969, 1969, 2024, None]
    assert get("month") == [12, 1, 2, None]
    assert get("day") == [31, 1, 29, None]
    assert get("hour") == [23, 1, 13, None]
    assert get("minute") == [59, 2, 45, None]
    assert get("second") == [59, 3, 1, None]
    assert get("second", DOUBLE) == [59.999999, 3.5, 1.25, None]
    assert get("dow") == [3, 3, 4, None]
    assert get("epoch", BIGINT) == [-1, -31532277, 1709214301, None]  # floor of -31532276.5
    assert get("epoch", DOUBLE)[0] == -1e-6


def test_iso_week_edges():
    days = [(dt.date(y, m, d) - EPOCH).days for y, m, d in [(2008, 12, 29), (2010, 1, 3), (2020, 12, 31), (2021, 1, 3), (1969, 12, 29)]]
    out = run(f("extract_week", INTEGER, c(0, DATE)), Column(DATE, np.array(days, dtype=np.int32)))
    assert values(out) == [1, 53, 53, 53, 1]


def _ts(s: str) -> int:
    d = dt.datetime.fromisoformat(s) - dt.datetime(1970, 1, 1)
    return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds


def test_date_add_interval_clamps_day_of_month():
    x = col(DATE, ["2008-01-31", "2008-04-30", "2016-02-29", "1969-03-31", None])
    one_month = f("date_add_interval", TIMESTAMP, c(0, DATE), k(Interval(months=1), INTERVAL))
    assert values(run(one_month, x)) == [
        _ts("2008-02-29"), _ts("2008-05-30"), _ts("2016-03-29"), _ts("1969-04-30"), None
    ]
    year = f("date_add_interval", TIMESTAMP, c(0, DATE), k(Interval(months=12), INTERVAL))
    assert values(run(year, x))[2] == _ts("2017-02-28")
    back = f("date_add_interval", TIMESTAMP, c(0, DATE), k(Interval(months=-1, days=1), INTERVAL))
    assert values(run(back, x))[0] == _ts("2008-01-01")


def test_add_months_matches_python_over_centuries():
    from columnar.exec.datetime_functions import add_months

    days = np.arange(-150_000, 150_000, 997)
    for months in (1, -1, 13, -25, 1200):
        got = add_months(days, months)
        for d, g in zip(days, got):
            base = _py(d)
            index = base.year * 12 + base.month - 1 + months
            y, m = divmod(index, 12)
            last = (dt.date(y + (m == 11), (m + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
            assert _py(g) == dt.date(y, m + 1, min(base.day, last))


def test_date_add_interval_on_timestamps_with_days_and_micros():
    x = col(TIMESTAMP, ["2008-01-31 23:30:00", "1969-12-31 23:59:59.999999"])
    e = f("date_add_interval", TIMESTAMP, c(0, TIMESTAMP), k(Interval(months=1, days=1, micros=3_600_000_000), INTERVAL))
    assert values(run(e, x)) == [_ts("2008-03-02 00:30:00"), _ts("1970-02-02 00:59:59.999999")]
    null_iv = f("date_add_interval", TIMESTAMP, c(0, TIMESTAMP), k(None, INTERVAL))
    assert values(run(null_iv, x)) == [None, None]


def test_date_add_days_and_date_diff_days():
    x = col(DATE, ["2024-02-28", "1970-01-01", None])
    assert dates(run(f("date_add_days", DATE, c(0, DATE), k(2, INTEGER)), x)) == ["2024-03-01", "1970-01-03", None]
    n = col(INTEGER, [-1, 1, 1])
    assert dates(run(f("date_add_days", DATE, c(0, DATE), c(1, INTEGER)), x, n)) == ["2024-02-27", "1970-01-02", None]
    y = col(DATE, ["2023-02-28", "1970-01-31", "2000-01-01"])
    assert values(run(f("date_diff_days", INTEGER, c(0, DATE), c(1, DATE)), x, y)) == [365, -30, None]


def test_functions_on_constants_fold():
    from columnar.core.chunk import Batch
    from columnar.exec.const_column import ConstColumn
    from columnar.exec.evaluate import evaluate

    out = evaluate(f("upper", VARCHAR, k("abc", VARCHAR)), Batch([], 3))
    assert isinstance(out, ConstColumn) and out.value == "ABC" and values(out) == ["ABC"] * 3
    out = evaluate(f("length", INTEGER, k(None, VARCHAR)), Batch([], 2))
    assert values(out) == [None, None]


def test_redshift_dateadd_month_year_and_add_months():
    x = col(DATE, ["2008-04-30", "2016-02-29", "2008-01-31", None])
    assert values(run(f("date_add_months", TIMESTAMP, c(0, DATE), k(1, INTEGER)), x)) == [
        _ts("2008-05-30"), _ts("2016-03-29"), _ts("2008-02-29"), None
    ]
    assert values(run(f("date_add_months", TIMESTAMP, c(0, DATE), k(12, INTEGER)), x))[1] == _ts("2017-02-28")
    assert values(run(f("date_add_years", TIMESTAMP, c(0, DATE), k(1, INTEGER)), x))[1] == _ts("2017-03-01")
    assert values(run(f("add_months", TIMESTAMP, c(0, DATE), k(1, INTEGER)), x)) == [
        _ts("2008-05-31"), _ts("2016-03-31"), _ts("2008-02-29"), None
    ]
    ts = col(TIMESTAMP, ["2008-01-31 10:30:00", "1969-12-31 23:00:00"])
    n = col(INTEGER, [1, -1])
    assert values(run(f("date_add_months", TIMESTAMP, c(0, TIMESTAMP), c(1, INTEGER)), ts, n)) == [
        _ts("2008-02-29 10:30:00"), _ts("1969-11-30 23:00:00")
    ]
