"""Date and time functions: EXTRACT fields, DATEADD, DATEDIFF, DATE_TRUNC, month arithmetic.

Role: part of the scalar function table (:data:`DATETIME_FUNCTIONS` is merged
into :data:`columnar.exec.functions.FUNCTIONS`). Inputs are DATE columns
(int32 days since 1970-01-01) and TIMESTAMP columns (int64 microseconds);
everything is computed with integer arithmetic over whole arrays (the
civil-from-days algorithm, see :func:`civil`), never with a Python
``datetime`` per row. Negative (pre-1970) values floor correctly:
``np.floor_divide`` / ``np.mod`` round toward minus infinity.

Functions (``extract_<field>`` for EXTRACT / DATE_PART):

=====================  ===================================================
``extract_year``       year; ``month`` 1-12; ``day`` 1-31; ``quarter`` 1-4
``extract_dow``        0 = Sunday ... 6 = Saturday; ``isodow`` 1 = Monday
``extract_doy``        day of year, 1-366
``extract_week``       ISO 8601 week (weeks start Monday; week 1 holds the
                       year's first Thursday)
``extract_hour``       hour, ``minute``, ``second`` (with the fraction when
                       the result type is a float), ``millisecond``,
                       ``microsecond`` (including the seconds, as PostgreSQL)
``extract_epoch``      seconds since 1970-01-01 00:00:00
``date_add_interval``  DATE/TIMESTAMP + constant Interval → TIMESTAMP
``date_add_days``      DATE + integer → DATE
``date_add_months``    DATEADD(month, n, d) → TIMESTAMP (day clamped)
``date_add_years``     DATEADD(year, n, d) → TIMESTAMP (Feb 29 → Mar 1)
``add_months``         ADD_MONTHS(d, n) → TIMESTAMP (last day → last day)
``date_diff_days``     DATE - DATE → INTEGER
``dateadd``            DATEADD(datepart, n, d) → TIMESTAMP, any datepart
``datediff``           DATEDIFF(datepart, a, b) → BIGINT boundaries crossed
``date_trunc``         DATE_TRUNC('datepart', d) → TIMESTAMP (week: Monday)
``last_day``           LAST_DAY(d) → DATE
``months_between``     MONTHS_BETWEEN(a, b) → DOUBLE (fraction over 31 days)
=====================  ===================================================

The datepart of ``dateadd`` / ``datediff`` / ``date_trunc`` is a constant
canonical name (the binder maps Redshift's abbreviations: ``m`` is minute,
``mon`` month). DATEDIFF subtracts running counts of the datepart, so it
counts boundaries crossed: ``datediff(year, '2008-12-31', '2009-01-01')`` is
1, ``datediff(hour, '08:30', '10:00')`` is 2. Weeks start on Monday for
DATEDIFF as for DATE_TRUNC (Redshift documents Monday for DATE_TRUNC; DATEDIFF
is taken to agree). Decades, centuries and millennia follow PostgreSQL's
numbering (the 21st century and the 3rd millennium start on 2001-01-01).
Results outside the int64-microsecond range raise ``timestamp out of range``.

Month arithmetic keeps the day of month when it exists and otherwise clamps
to the month's last day (``2008-01-31 + 1 month = 2008-02-29``), then adds
the interval's days and microseconds, as Redshift's DATEADD does.
Simplified versus Redshift: TIMESTAMPTZ and time zones are not modelled;
an interval must be a constant.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.errors import DataError, NotSupportedError
from columnar.core.types import DataType, TypeId
from columnar.exec.const_column import ConstColumn, and_validity, null_column
from columnar.sql.expr import Interval

US_PER_DAY = 86_400_000_000
US_PER_SECOND = 1_000_000


def _split(col: Column) -> tuple[np.ndarray, np.ndarray | None]:
    """(days since epoch as int64, microseconds into the day or None for DATE)."""
    data = np.asarray(col.data)
    if col.type.id is TypeId.DATE:
        return data.astype(np.int64), None
    if col.type.id is TypeId.TIMESTAMP:
        days = np.floor_divide(data, US_PER_DAY)
        return days, data - days * US_PER_DAY
    raise NotSupportedError(f"date/time function on {col.type.sql()} is not supported")


def civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month 1-12, day 1-31) of day numbers, vectorised.

    Integer arithmetic on the proleptic Gregorian calendar (H. Hinnant's
    ``civil_from_days``): the calendar is shifted to start on March 1st so
    that the leap day is the last day of a "year", and 400-year eras repeat
    exactly. A dozen int64 numpy passes, no datetime objects.

    Example:
        >>> [a.tolist() for a in civil(np.array([-1, 0, 59, -719162]))]
        [[1969, 1970, 1970, 1], [12, 1, 3, 1], [31, 1, 1, 1]]
    """
    z = np.asarray(days, dtype=np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097  # day of era, 0 .. 146096
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365  # 0 .. 399
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)  # day of the March-based year
    mp = (5 * doy + 2) // 153  # March = 0
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def days_from_civil(year, month, day) -> np.ndarray:
    """Day numbers of (year, month, day) arrays: the inverse of :func:`civil`.

    Example:
        >>> days_from_civil(np.array([1969, 2008]), np.array([12, 2]), np.array([31, 29])).tolist()
        [-1, 13938]
    """
    year = np.asarray(year, dtype=np.int64) - (np.asarray(month) <= 2)
    era = np.floor_divide(year, 400)
    yoe = year - era * 400
    mp = np.mod(np.asarray(month, dtype=np.int64) + 9, 12)
    doy = (153 * mp + 2) // 5 + np.asarray(day, dtype=np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _year_start(days: np.ndarray) -> np.ndarray:
    year, _, _ = civil(days)
    return days_from_civil(year, 1, 1)


def iso_week(days: np.ndarray) -> np.ndarray:
    """ISO 8601 week number: the week of the Thursday of the same Mon-Sun week.

    Example:
        >>> iso_week(np.array([14244, 14245, 13879])).tolist()  # 2008-12-31, 2009-01-01, 2008-01-01
        [1, 1, 1]
    """
    monday_based = np.mod(days + 3, 7)  # 1970-01-01 was a Thursday (3)
    thursday = days - monday_based + 3
    return (thursday - _year_start(thursday)) // 7 + 1


def _field(name: str, days: np.ndarray, tod: np.ndarray | None, as_float: bool):
    if name in ("year", "month", "day", "quarter"):
        year, month, day = civil(days)
        return {"year": year, "month": month, "day": day, "quarter": (month - 1) // 3 + 1}[name]
    if name in ("decade", "century", "millennium"):
        # PostgreSQL's definitions (no year 0 in our dates' range of interest):
        # decade = year / 10; the first century/millennium starts with year 1
        year = civil(days)[0]
        if name == "decade":
            return np.floor_divide(year, 10)
        span = 100 if name == "century" else 1000
        return np.where(year > 0, (year + span - 1) // span, -((span - year) // span))
    if name == "dow":
        return np.mod(days + 4, 7)
    if name == "isodow":
        return np.mod(days + 3, 7) + 1
    if name == "doy":
        return days - _year_start(days) + 1
    if name == "week":
        return iso_week(days)
    if tod is None:
        tod = np.zeros_like(days)
    if name == "hour":
        return tod // 3_600_000_000
    if name == "minute":
        return (tod // 60_000_000) % 60
    micros = tod % 60_000_000  # microseconds within the minute
    if name == "second":
        return micros / US_PER_SECOND if as_float else micros // US_PER_SECOND
    if name == "millisecond":
        return micros / 1000 if as_float else micros // 1000
    if name == "microsecond":
        return micros
    if name == "epoch":
        us = days * US_PER_DAY + tod
        return us / US_PER_SECOND if as_float else np.floor_divide(us, US_PER_SECOND)
    raise NotSupportedError(f"EXTRACT field {name} is not supported")


def _extract(name: str):
    def extract(args: list, result_type: DataType, nrows: int) -> Column:
        (x,) = args
        if isinstance(x, ConstColumn) and x.is_null:
            return null_column(result_type, nrows)
        days, tod = _split(x)
        values = _field(name, days, tod, result_type.is_float)
        dtype = np.float64 if result_type.is_float else np.int64
        return Column(result_type, np.asarray(values).astype(dtype), x.validity)

    extract.__name__ = f"extract_{name}"
    extract.__doc__ = f"EXTRACT({name.upper()} FROM date_or_timestamp)."
    return extract


def add_months(days: np.ndarray, months, last_to_last: bool = False) -> np.ndarray:
    """Day numbers shifted by whole months (a scalar or per-row), clamping
    the day of month; ``last_to_last`` maps a month's last day to the target
    month's last day (Redshift's ADD_MONTHS).

    Example:
        >>> d = np.array([13908, 13969])  # 2008-01-31, 2008-03-31
        >>> add_months(d, 1).astype("datetime64[D]").astype(str).tolist()
        ['2008-02-29', '2008-04-30']
        >>> add_months(np.array([13999]), 1, last_to_last=True).astype("datetime64[D]").astype(str).tolist()
        ['2008-05-31']
    """
    year, month, day = civil(days)
    index = year * 12 + (month - 1) + np.asarray(months, dtype=np.int64)  # months since year 0
    y, m = np.floor_divide(index, 12), np.mod(index, 12) + 1
    first = days_from_civil(y, m, 1)
    length = days_from_civil(y + (m == 12), np.where(m == 12, 1, m + 1), 1) - first
    if last_to_last:
        day = np.where(civil(np.asarray(days) + 1)[2] == 1, length, day)
    return first + np.minimum(day, length) - 1


def _shift(args: list, result_type: DataType, nrows: int, fn) -> Column:
    """DATE/TIMESTAMP ``x`` shifted by an integer ``k`` (constant or per row),
    keeping the time of day; ``fn(days, k)`` moves the day numbers."""
    x, k = args
    if any(isinstance(a, ConstColumn) and a.is_null for a in args):
        return null_column(result_type, nrows)
    days, tod = _split(x)
    step = k.value if isinstance(k, ConstColumn) else np.asarray(k.data, dtype=np.int64)
    if not isinstance(k, ConstColumn) and k.validity is not None:
        step = np.where(k.validity, step, 0)
    days = fn(days, step)
    us = days * US_PER_DAY + (0 if tod is None else tod)
    return Column(result_type, np.asarray(us, dtype=np.int64), and_validity(x, k))


def add_months_fn(args: list, result_type: DataType, nrows: int) -> Column:
    """ADD_MONTHS(date_or_ts, n) → TIMESTAMP; a month's last day stays last."""
    return _shift(args, result_type, nrows, lambda d, k: add_months(d, k, last_to_last=True))


def date_add_months(args: list, result_type: DataType, nrows: int) -> Column:
    """DATEADD(month, n, d) → TIMESTAMP: the day of month is clamped."""
    return _shift(args, result_type, nrows, add_months)


def date_add_years(args: list, result_type: DataType, nrows: int) -> Column:
    """DATEADD(year, n, d) → TIMESTAMP. Redshift moves Feb 29 to Mar 1 in a
    non-leap year (unlike ``+ INTERVAL '1 year'``, which clamps to Feb 28)."""

    def years(days, k):
        y, m, d = civil(days)
        return days_from_civil(y + k, m, d)  # (y, 2, 29) rolls over to March 1st

    return _shift(args, result_type, nrows, years)


def _interval_of(col: Column) -> Interval | None:
    if isinstance(col, ConstColumn):
        return col.value
    raise NotSupportedError("the interval of a date/time addition must be a constant")


def date_add_interval(args: list, result_type: DataType, nrows: int) -> Column:
    """DATE/TIMESTAMP + INTERVAL → TIMESTAMP: months (clamped), then days, then µs."""
    x, iv = args
    interval = _interval_of(iv)
    if interval is None or (isinstance(x, ConstColumn) and x.is_null):
        return null_column(result_type, nrows)
    days, tod = _split(x)
    if tod is None:
        tod = np.zeros_like(days)
    if interval.months:
        days = add_months(days, int(interval.months))
    us = (days + interval.days) * US_PER_DAY + tod + interval.micros
    return Column(result_type, us.astype(np.int64), x.validity)


def date_add_days(args: list, result_type: DataType, nrows: int) -> Column:
    """DATE + integer → DATE."""
    x, k = args
    if any(isinstance(a, ConstColumn) and a.is_null for a in args):
        return null_column(result_type, nrows)
    step = k.value if isinstance(k, ConstColumn) else np.asarray(k.data, dtype=np.int64)
    days = np.asarray(x.data, dtype=np.int64) + step
    return Column(result_type, days.astype(np.int32), and_validity(x, k))


def date_diff_days(args: list, result_type: DataType, nrows: int) -> Column:
    """DATE - DATE → INTEGER days."""
    a, b = args
    if any(isinstance(c, ConstColumn) and c.is_null for c in args):
        return null_column(result_type, nrows)
    other = b.value if isinstance(b, ConstColumn) else np.asarray(b.data, dtype=np.int64)
    diff = np.asarray(a.data, dtype=np.int64) - other
    return Column(result_type, np.asarray(diff, dtype=np.int64), and_validity(a, b))


# ------------------------------------------------------------------ DATEADD, DATEDIFF, DATE_TRUNC

#: Fixed-length dateparts in microseconds (DATEADD / DATEDIFF / DATE_TRUNC).
_MICROS = {
    "week": 7 * US_PER_DAY, "day": US_PER_DAY, "hour": 3_600_000_000, "minute": 60_000_000,
    "second": US_PER_SECOND, "millisecond": 1000, "microsecond": 1,
}
#: Calendar dateparts as whole months (DATEADD) or years.
_MONTHS = {"month": 1, "quarter": 3}
_YEARS = {"year": 1, "decade": 10, "century": 100, "millennium": 1000}
# Timestamps are int64 microseconds since 1970: about +-292,000 years.
_LIMIT_US = 9.2e18


def _part(col: Column) -> str:
    """The datepart constant (the binder passes a canonical lower-case name)."""
    if not isinstance(col, ConstColumn) or not isinstance(col.value, str):
        raise NotSupportedError("the datepart must be a constant")
    return col.value


def _range_error() -> DataError:
    return DataError("timestamp out of range")


def _timestamps(days: np.ndarray, tod, shift_us, valid) -> np.ndarray:
    """``days * D + tod + shift`` as int64 microseconds, checked against overflow."""
    tod = 0 if tod is None else tod
    approx = days.astype(np.float64) * US_PER_DAY + tod + np.asarray(shift_us, dtype=np.float64)
    if np.any((np.abs(approx) > _LIMIT_US) & valid):
        raise _range_error()
    safe = lambda a: np.where(valid, a, 0) if np.ndim(a) else a  # noqa: E731 - NULL rows hold garbage
    return safe(days) * US_PER_DAY + safe(tod) + safe(np.asarray(shift_us, dtype=np.int64))


def dateadd(args: list, result_type: DataType, nrows: int) -> Column:
    """DATEADD(datepart, n, date or timestamp) → TIMESTAMP.

    Months and quarters keep the day of month when it exists and otherwise
    clamp to the month's last day (``dateadd(month, 1, '2008-01-31')`` is
    2008-02-29); years, decades, centuries and millennia move Feb 29 to Mar 1
    when the target year is not a leap year (Redshift's documented
    ``dateadd(year, 1, '2016-02-29') = 2017-03-01``); the fixed-length parts
    add microseconds. A date gets the time 00:00:00.
    """
    part_col, k, x = args
    if any(isinstance(a, ConstColumn) and a.is_null for a in (k, x)):
        return null_column(result_type, nrows)
    part = _part(part_col)
    validity = and_validity(k, x)
    valid = np.ones(nrows, dtype=np.bool_) if validity is None else validity
    days, tod = _split(x)
    step = k.value if isinstance(k, ConstColumn) else np.where(valid, np.asarray(k.data, dtype=np.int64), 0)
    big = np.abs(np.asarray(step, dtype=np.float64))
    if part in _MONTHS or part in _YEARS:
        if np.any((big * _MONTHS.get(part, 12 * _YEARS.get(part, 1)) > 4_000_000) & valid):
            raise _range_error()
        if part in _MONTHS:
            days = add_months(days, np.asarray(step, dtype=np.int64) * _MONTHS[part])
        else:
            y, m, d = civil(days)
            days = days_from_civil(y + np.asarray(step, dtype=np.int64) * _YEARS[part], m, d)
        us = _timestamps(days, tod, 0, valid)
    else:
        if np.any((big * _MICROS[part] > _LIMIT_US) & valid):
            raise _range_error()
        us = _timestamps(days, tod, np.asarray(step, dtype=np.int64) * _MICROS[part], valid)
    return Column(result_type, np.asarray(us, dtype=np.int64), validity)


def _ordinal(part: str, days: np.ndarray, tod) -> np.ndarray:
    """A running count of ``part`` units whose differences count the boundaries crossed."""
    if part in _MICROS:
        if part == "week":  # weeks start on Monday: 1970-01-05 was one
            return np.floor_divide(days + 3, 7)
        if part == "day":
            return days
        us = days * US_PER_DAY + (0 if tod is None else tod)
        return np.floor_divide(us, _MICROS[part])
    year, month, _ = civil(days)
    if part == "month":
        return year * 12 + month - 1
    if part == "quarter":
        return year * 4 + (month - 1) // 3
    if part == "year":
        return year
    return _field(part, days, tod, False)  # decade, century, millennium


def datediff(args: list, result_type: DataType, nrows: int) -> Column:
    """DATEDIFF(datepart, a, b) → BIGINT: the ``datepart`` boundaries crossed
    going from ``a`` to ``b`` (negative when ``b`` is earlier). Weeks start on
    Monday, as DATE_TRUNC's."""
    part_col, a, b = args
    if any(isinstance(c, ConstColumn) and c.is_null for c in (a, b)):
        return null_column(result_type, nrows)
    part = _part(part_col)
    (da, ta), (db, tb) = _split(a), _split(b)
    diff = _ordinal(part, db, tb) - _ordinal(part, da, ta)
    return Column(result_type, np.asarray(diff, dtype=np.int64), and_validity(a, b))


def _truncated_days(part: str, days: np.ndarray) -> np.ndarray:
    if part == "week":
        return days - np.mod(days + 3, 7)  # back to Monday
    year, month, _ = civil(days)
    if part == "month":
        return days_from_civil(year, month, 1)
    if part == "quarter":
        return days_from_civil(year, month - (month - 1) % 3, 1)
    if part == "year":
        return days_from_civil(year, 1, 1)
    if part == "decade":
        return days_from_civil(np.floor_divide(year, 10) * 10, 1, 1)
    span = 100 if part == "century" else 1000  # PostgreSQL: the 21st century starts in 2001
    return days_from_civil(np.floor_divide(year - 1, span) * span + 1, 1, 1)


def date_trunc(args: list, result_type: DataType, nrows: int) -> Column:
    """DATE_TRUNC('datepart', date or timestamp) → TIMESTAMP, truncated to the
    start of the datepart; ``week`` is the Monday (Redshift), ``century`` and
    ``millennium`` start in years ending in 01 (PostgreSQL)."""
    part_col, x = args
    if isinstance(x, ConstColumn) and x.is_null:
        return null_column(result_type, nrows)
    part = _part(part_col)
    days, tod = _split(x)
    if part in _MICROS and part not in ("week", "day"):
        tod = np.zeros_like(days) if tod is None else tod
        us = days * US_PER_DAY + tod - np.mod(tod, _MICROS[part])
    else:
        start = days if part == "day" else _truncated_days(part, days)
        us = start * US_PER_DAY
    return Column(result_type, np.asarray(us, dtype=np.int64), x.validity)


def last_day(args: list, result_type: DataType, nrows: int) -> Column:
    """LAST_DAY(date or timestamp) → DATE: the last day of its month."""
    (x,) = args
    if isinstance(x, ConstColumn) and x.is_null:
        return null_column(result_type, nrows)
    days, _ = _split(x)
    year, month, _ = civil(days)
    last = days_from_civil(year + (month == 12), np.where(month == 12, 1, month + 1), 1) - 1
    return Column(result_type, last.astype(np.int32), x.validity)


def months_between(args: list, result_type: DataType, nrows: int) -> Column:
    """MONTHS_BETWEEN(a, b) → DOUBLE: whole months from the year and month
    fields; when the days of month differ (and are not both month ends) the
    fraction is (day and time difference) / 31 days, as Redshift documents."""
    a, b = args
    if any(isinstance(c, ConstColumn) and c.is_null for c in args):
        return null_column(result_type, nrows)
    (da, ta), (db, tb) = _split(a), _split(b)
    (ya, ma, qa), (yb, mb, qb) = civil(da), civil(db)
    whole = (ya - yb) * 12 + (ma - mb)
    both_last = (civil(da + 1)[2] == 1) & (civil(db + 1)[2] == 1)
    ta = 0 if ta is None else ta
    tb = 0 if tb is None else tb
    fraction = ((qa - qb) + (np.asarray(ta) - np.asarray(tb)) / US_PER_DAY) / 31.0
    out = np.where((qa == qb) | both_last, whole, whole + fraction)
    return Column(result_type, np.asarray(out, dtype=np.float64), and_validity(a, b))


_FIELDS = (
    "year", "month", "day", "quarter", "dow", "isodow", "doy", "week",
    "hour", "minute", "second", "millisecond", "microsecond", "epoch",
    "decade", "century", "millennium",
)

DATETIME_FUNCTIONS = {
    **{f"extract_{f}": _extract(f) for f in _FIELDS},
    "date_add_interval": date_add_interval,
    "date_add_months": date_add_months,
    "date_add_years": date_add_years,
    "add_months": add_months_fn,
    "date_add_days": date_add_days,
    "date_diff_days": date_diff_days,
    "dateadd": dateadd,
    "datediff": datediff,
    "date_trunc": date_trunc,
    "last_day": last_day,
    "months_between": months_between,
}
