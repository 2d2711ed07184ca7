"""Redshift's scalar functions in the evaluator: DATEADD/DATEDIFF/DATE_TRUNC against a Python
reference, TO_CHAR/TO_DATE round trips, string and regex functions on dictionary-encoded and
plain columns, per-row parameters, NULLs, and the kernels behind LPAD, INITCAP and MD5."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pytest

from columnar.core.chunk import Column
from columnar.core.errors import ConversionError, DataError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, TIMESTAMP, DataType
from columnar.exec import regex_functions
from columnar.exec.format_functions import format_datetime, tokenize_datetime
from columnar.kernels.md5 import md5_hex
from columnar.kernels.string_pad import initcap_ascii, pad
from columnar.sql.expr import ColumnIndex, Const, Func

from .helpers import EPOCH, col, run, values

VARCHAR = DataType.varchar(40)
EPOCH_TS = dt.datetime(1970, 1, 1)


def f(name, t, *args):
    return Func(name, tuple(args), t)


def c(i, t):
    return ColumnIndex(i, t)


def k(v, t):
    return Const(v, t)


def part(name):
    return Const(name, DataType.varchar(len(name)))


def _ts(text: str) -> int:
    d = dt.datetime.fromisoformat(text) - EPOCH_TS
    return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds


def _random_dates(n: int, seed: int) -> list[dt.date]:
    rng = np.random.default_rng(seed)
    return [EPOCH + dt.timedelta(days=int(x)) for x in rng.integers(-40_000, 40_000, n)]


# ---------------------------------------------------------------- DATEADD, DATEDIFF, DATE_TRUNC


def _py_add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    last = (dt.date(y + (m == 11), (m + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m + 1, min(d.day, last))


def test_dateadd_month_matches_python_over_centuries():
    days = _random_dates(400, 1)
    steps = np.random.default_rng(2).integers(-500, 500, len(days))
    x = col(DATE, [d.isoformat() for d in days])
    n = col(BIGINT, steps.tolist())
    out = values(run(f("dateadd", TIMESTAMP, part("month"), c(1, BIGINT), c(0, DATE)), x, n))
    expected = [_ts(_py_add_months(d, int(s)).isoformat()) for d, s in zip(days, steps)]
    assert out == expected


def test_dateadd_year_moves_feb_29_to_march_1():
    x = col(DATE, ["2016-02-29", "2016-02-28", None])
    out = values(run(f("dateadd", TIMESTAMP, part("year"), k(1, BIGINT), c(0, DATE)), x))
    assert out == [_ts("2017-03-01"), _ts("2017-02-28"), None]
    out = values(run(f("dateadd", TIMESTAMP, part("millennium"), k(-1, BIGINT), c(0, DATE)), x))
    assert out[:2] == [_ts("1016-02-29"), _ts("1016-02-28")]


def test_dateadd_fixed_parts_and_nulls():
    ts = col(TIMESTAMP, ["1969-12-31 23:59:59", None, "2024-02-28 12:00:00"])
    n = col(BIGINT, [1, 5, None])
    out = values(run(f("dateadd", TIMESTAMP, part("second"), c(1, BIGINT), c(0, TIMESTAMP)), ts, n))
    assert out == [_ts("1970-01-01 00:00:00"), None, None]
    with pytest.raises(DataError, match="timestamp out of range"):
        run(f("dateadd", TIMESTAMP, part("day"), k(10**12, BIGINT), c(0, TIMESTAMP)), ts)


@pytest.mark.parametrize("unit", ["year", "quarter", "month", "week", "day"])
def test_datediff_counts_boundaries_like_python(unit):
    a, b = _random_dates(300, 3), _random_dates(300, 4)

    def ordinal(d: dt.date) -> int:
        return {
            "year": d.year, "quarter": d.year * 4 + (d.month - 1) // 3, "month": d.year * 12 + d.month - 1,
            "week": (d - dt.timedelta(days=d.weekday())).toordinal() // 7, "day": d.toordinal(),
        }[unit]

    out = values(run(f("datediff", BIGINT, part(unit), c(0, DATE), c(1, DATE)),
                     col(DATE, [d.isoformat() for d in a]), col(DATE, [d.isoformat() for d in b])))
    assert out == [ordinal(y) - ordinal(x) for x, y in zip(a, b)]


def test_datediff_time_parts_floor_before_1970():
    a = col(TIMESTAMP, ["1969-12-31 23:59:59.5", "2024-01-01 08:30:00", None])
    b = col(TIMESTAMP, ["1970-01-01 00:00:00", "2024-01-01 10:00:00", "2024-01-01 00:00:00"])
    assert values(run(f("datediff", BIGINT, part("second"), c(0, TIMESTAMP), c(1, TIMESTAMP)), a, b)) == [1, 5400, None]
    assert values(run(f("datediff", BIGINT, part("hour"), c(0, TIMESTAMP), c(1, TIMESTAMP)), a, b)) == [1, 2, None]


def test_date_trunc_week_is_monday_for_every_weekday():
    days = [EPOCH + dt.timedelta(days=i) for i in range(-10, 10)]
    out = values(run(f("date_trunc", TIMESTAMP, part("week"), c(0, DATE)), col(DATE, [d.isoformat() for d in days])))
    assert out == [_ts((d - dt.timedelta(days=d.weekday())).isoformat()) for d in days]


def test_last_day_and_months_between():
    x = col(DATE, ["2024-02-10", "2023-02-28", "1900-02-01", None])
    assert [None if v is None else (EPOCH + dt.timedelta(days=v)).isoformat()
            for v in values(run(f("last_day", DATE, c(0, DATE)), x))] == ["2024-02-29", "2023-02-28", "1900-02-28", None]
    a, b = col(DATE, ["2024-03-31", "2024-03-15"]), col(DATE, ["2024-02-29", "2024-02-14"])
    assert values(run(f("months_between", DOUBLE, c(0, DATE), c(1, DATE)), a, b)) == [1.0, 1 + 1 / 31]


# ---------------------------------------------------------------- TO_CHAR, TO_DATE


def test_to_char_matches_strftime():
    moments = [EPOCH_TS + dt.timedelta(seconds=int(s)) for s in np.random.default_rng(5).integers(-2 * 10**9, 2 * 10**9, 200)]
    days = np.array([(m.date() - EPOCH).days for m in moments])
    tod = np.array([(m.hour * 3600 + m.minute * 60 + m.second) * 1_000_000 for m in moments])
    got = format_datetime(days, tod, "YYYY-MM-DD HH24:MI:SS Mon Dy DDD IW").tolist()
    assert got == [m.strftime("%Y-%m-%d %H:%M:%S %b %a %j ") + f"{m.isocalendar()[1]:02d}" for m in moments]


def test_tokenizer_keeps_quoted_text_and_fill_mode():
    tokens = tokenize_datetime('FMDD "Day" HH24')
    assert [(t[0], t[1], t[2]) for t in tokens] == [("DD", "DD", True), (None, " ", False), (None, "Day", False),
                                                    (None, " ", False), ("HH24", "HH24", False)]


@pytest.mark.parametrize("dictionary", [False, True])
def test_to_date_round_trip(dictionary):
    days = _random_dates(100, 6)
    text = [d.strftime("%d/%m/%Y") for d in days] + [None]
    s = col(VARCHAR, text, dictionary=dictionary)
    out = values(run(f("to_date", DATE, c(0, VARCHAR), part("DD/MM/YYYY"), k(False, BOOLEAN)), s))
    assert out == [(d - EPOCH).days for d in days] + [None]


def test_to_date_errors_name_the_value():
    s = col(VARCHAR, ["2024-01-01", "garbage"])
    with pytest.raises(ConversionError, match='"garbage"'):
        run(f("to_date", DATE, c(0, VARCHAR), part("YYYY-MM-DD"), k(False, BOOLEAN)), s)


def test_to_char_number_on_a_column_with_nulls():
    x = col(DataType.decimal(8, 2), ["1234.50", None, "-0.05", "1234.50"])
    out = values(run(f("to_char", VARCHAR, c(0, x.type), part("FM9,999.00")), x))
    assert out == ["1,234.50", None, "-.05", "1,234.50"]


# ---------------------------------------------------------------- strings: dictionary and plain give the same


@pytest.mark.parametrize("dictionary", [False, True])
def test_string_functions_dictionary_and_plain_agree(dictionary):
    words = ["alpha,beta", "Gamma-delta", None, "alpha,beta", "héllo wörld", ""]
    s = col(VARCHAR, words, dictionary=dictionary)
    one = lambda name, *extra: values(run(f(name, VARCHAR, c(0, VARCHAR), *extra), s))  # noqa: E731
    assert one("left", k(3, INTEGER)) == ["alp", "Gam", None, "alp", "hél", ""]
    assert one("right", k(-2, INTEGER)) == ["pha,beta", "mma-delta", None, "pha,beta", "llo wörld", ""]
    assert one("replace", k("a", VARCHAR), k("A", VARCHAR)) == ["AlphA,betA", "GAmmA-deltA", None, "AlphA,betA", "héllo wörld", ""]
    assert one("split_part", k(",", VARCHAR), k(2, INTEGER)) == ["beta", "", None, "beta", "", ""]
    assert one("lpad", k(6, INTEGER), k("*", VARCHAR)) == ["alpha,", "Gamma-", None, "alpha,", "héllo ", "******"]
    assert one("initcap") == ["Alpha,Beta", "Gamma-Delta", None, "Alpha,Beta", "Héllo Wörld", ""]
    assert one("reverse") == ["ateb,ahpla", "atled-ammaG", None, "ateb,ahpla", "dlröw olléh", ""]
    assert one("md5") == [None if w is None else hashlib.md5(w.encode()).hexdigest() for w in words]
    assert values(run(f("ascii", INTEGER, c(0, VARCHAR)), s)) == [97, 71, None, 97, 104, 0]


def test_string_results_on_a_dictionary_stay_distinct():
    s = col(VARCHAR, ["ab", "AB", "ab", "aB"], dictionary=True)
    out = run(f("left", VARCHAR, c(0, VARCHAR), k(1, INTEGER)), s)
    assert isinstance(out.data, DictArray)
    assert sorted(out.data.dictionary.to_pylist()) == ["A", "a"]  # "a" and "a" merged: codes stay keys


def test_per_row_parameters_run_per_distinct_combination():
    s = col(VARCHAR, ["a,b,c", "x-y-z", "a,b,c", None, "p;q"])
    sep = col(VARCHAR, [",", "-", ",", ",", None])
    n = col(INTEGER, [2, 3, 1, 1, 1])
    out = values(run(f("split_part", VARCHAR, c(0, VARCHAR), c(1, VARCHAR), c(2, INTEGER)), s, sep, n))
    assert out == ["b", "z", "a", None, None]
    out = values(run(f("lpad", VARCHAR, c(0, VARCHAR), c(2, INTEGER), c(1, VARCHAR)), s, sep, n))
    assert out == ["a,", "x-y", "a", None, None]


def test_split_part_rejects_position_zero_only_on_valid_rows():
    s = col(VARCHAR, ["a,b", None])
    n = col(INTEGER, [1, 0])
    assert values(run(f("split_part", VARCHAR, c(0, VARCHAR), k(",", VARCHAR), c(1, INTEGER)), s, n)) == ["a", None]
    with pytest.raises(DataError, match="field position"):
        run(f("split_part", VARCHAR, c(0, VARCHAR), k(",", VARCHAR), k(0, INTEGER)), s)


def test_chr_and_repeat():
    n = col(INTEGER, [65, 233, 128512, None])
    assert values(run(f("chr", VARCHAR, c(0, INTEGER)), n)) == ["A", "é", "😀", None]
    s = col(VARCHAR, ["ab", "c", None])
    times = col(INTEGER, [2, -1, 3])
    assert values(run(f("repeat", VARCHAR, c(0, VARCHAR), c(1, INTEGER)), s, times)) == ["abab", "", None]


# ---------------------------------------------------------------- regular expressions


def test_regex_runs_once_per_distinct_value(monkeypatch):
    calls = []
    real = regex_functions._distinct

    def spy(column):
        words, codes = real(column)
        calls.append(len(words))
        return words, codes

    monkeypatch.setattr(regex_functions, "_distinct", spy)
    s = col(VARCHAR, ["a1", "b22", "a1", "a1", "b22"] * 100)
    out = values(run(f("regexp_substr", VARCHAR, c(0, VARCHAR), k("[0-9]+", VARCHAR), k(1, INTEGER),
                       k(1, INTEGER), k("c", VARCHAR)), s))
    assert out == ["1", "22", "1", "1", "22"] * 100
    assert calls == [2]


def test_posix_classes_and_similar_to_translation():
    assert regex_functions.posix_to_python("[[:digit:][:upper:]]+") == "[0-9A-Z]+"
    assert regex_functions.similar_to_regex("a_%.") == "a..*\\."
    s = col(VARCHAR, ["abc", "ABC", "a.c", None], dictionary=True)
    out = run(f("similar_to", BOOLEAN, c(0, VARCHAR), k("a_c", VARCHAR)), s)
    assert values(out) == [True, False, True, None]


# ---------------------------------------------------------------- kernels


def test_md5_kernel_matches_hashlib_on_block_boundaries():
    texts = ["x" * n for n in (0, 1, 55, 56, 63, 64, 65, 119, 120, 200)] + ["héllo", "日本語"]
    assert md5_hex(StringArray.from_pylist(texts)).to_pylist() == [hashlib.md5(t.encode()).hexdigest() for t in texts]


def test_pad_kernel_counts_characters_not_bytes():
    sa = StringArray.from_pylist(["é", "abc", "日本"])
    assert pad(sa, np.array([3, 1, 4]), "ü-", True).to_pylist() == ["ü-é", "a", "ü-日本"]
    assert pad(sa, 2, "", False).to_pylist() == ["é", "ab", "日本"]


def test_initcap_kernel_flags_non_ascii_rows():
    out, redo = initcap_ascii(StringArray.from_pylist(["hello WORLD", "3rd place", "über"]))
    assert out.to_pylist()[:2] == ["Hello World", "3rd Place"]
    assert redo.tolist() == [False, False, True]


def test_math_domain_errors_ignore_null_rows():
    x = col(DOUBLE, [4.0, None, 9.0])
    x.data[1] = -1.0  # a NULL slot holding a negative number must not raise
    assert values(run(f("sqrt", DOUBLE, c(0, DOUBLE)), x)) == [2.0, None, 3.0]
    y = Column(DOUBLE, np.array([-1.0]))
    with pytest.raises(DataError, match="square root"):
        run(f("sqrt", DOUBLE, c(0, DOUBLE)), y)


@pytest.mark.parametrize("name", ["string_pad", "md5"])
def test_kernel_doctests(name):
    import doctest
    import importlib

    module = importlib.import_module(f"columnar.kernels.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_to_char_number_matches_python_formatting():
    from decimal import Decimal

    rng = np.random.default_rng(7)
    raw = rng.integers(-10**11, 10**11, 300).tolist() + [0, 5, -5, 99, -100]
    x = col(DataType.decimal(12, 2), [str(Decimal(v).scaleb(-2)) for v in raw])
    out = values(run(f("to_char", VARCHAR, c(0, x.type), part("999999990.00")), x))
    assert out == [format(Decimal(v).scaleb(-2), ">13.2f") for v in raw]
    grouped = values(run(f("to_char", VARCHAR, c(0, x.type), part("FM999,999,990.00")), x))
    assert grouped == [format(Decimal(v).scaleb(-2), ",.2f") for v in raw]
