"""Date and time functions: EXTRACT fields, date + interval, date differences.

Role: part of the scalar function table (:data:`DATETIME_FUNCTIONS` is merged
into :data:`columnar.exec.functions.FUNCTIONS`). Inputs are DATE columns
(int32 days since 1970-01-01) and TIMESTAMP columns (int64 microseconds);
everything is computed with numpy ``datetime64`` conversions and integer
arithmetic over whole arrays, never with a Python ``datetime`` per row.
Negative (pre-1970) values floor correctly: ``datetime64[D] -> [M] / [Y]``
conversions and ``np.floor_divide`` / ``np.mod`` round toward minus infinity.

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
``date_diff_days``     DATE - DATE → INTEGER
=====================  ===================================================

Month arithmetic keeps the day of month when it exists and otherwise clamps
to the month's last day (``2008-01-31 + 1 month = 2008-02-29``), then adds
the interval's days and microseconds, as Redshift's DATEADD does.
Simplified versus Redshift: TIMESTAMPTZ and time zones are not modelled;
an interval must be a constant.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.errors import NotSupportedError
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

    Example:
        >>> [a.tolist() for a in civil(np.array([-1, 0, 59]))]
        [[1969, 1970, 1970], [12, 1, 3], [31, 1, 1]]
    """
    dt = days.astype("datetime64[D]")
    months = dt.astype("datetime64[M]")
    year = dt.astype("datetime64[Y]").astype(np.int64) + 1970
    month = np.mod(months.astype(np.int64), 12) + 1
    day = (dt - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _year_start(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


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


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Day numbers shifted by whole months, clamping the day of month.

    Example:
        >>> d = np.array([13908, 13969])  # 2008-01-31, 2008-03-31
        >>> add_months(d, 1).astype("datetime64[D]").astype(str).tolist()
        ['2008-02-29', '2008-04-30']
    """
    dt = days.astype("datetime64[D]")
    start = dt.astype("datetime64[M]")
    day_of_month = (dt - start.astype("datetime64[D]")).astype(np.int64)  # 0-based
    target = start + np.timedelta64(int(months), "M")
    first = target.astype("datetime64[D]").astype(np.int64)
    month_len = (target + np.timedelta64(1, "M")).astype("datetime64[D]").astype(np.int64) - first
    return first + np.minimum(day_of_month, month_len - 1)


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
        days = add_months(days, interval.months)
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


_FIELDS = (
    "year", "month", "day", "quarter", "dow", "isodow", "doy", "week",
    "hour", "minute", "second", "millisecond", "microsecond", "epoch",
)

DATETIME_FUNCTIONS = {
    **{f"extract_{f}": _extract(f) for f in _FIELDS},
    "date_add_interval": date_add_interval,
    "date_add_days": date_add_days,
    "date_diff_days": date_diff_days,
}
