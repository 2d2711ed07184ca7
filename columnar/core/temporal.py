"""Scalar date, timestamp and interval helpers (parsing, formatting, folding).

Role: turns literal text (``DATE '1998-12-01'``, ``INTERVAL '90 days'``) into
the physical values of :mod:`columnar.core.types` (int32 days / int64
microseconds since 1970-01-01) and back, and folds constant date arithmetic
at bind time. Column-wise date arithmetic is vectorised elsewhere
(``columnar.exec.functions``); this module works on single Python values.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from columnar.core.errors import ConversionError

EPOCH = dt.date(1970, 1, 1)
EPOCH_TS = dt.datetime(1970, 1, 1)
MICROS_PER_DAY = 86_400_000_000


def date_to_days(d: dt.date) -> int:
    return (d - EPOCH).days


def days_to_date(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


def datetime_to_micros(t: dt.datetime) -> int:
    t = t.replace(tzinfo=None)
    delta = t - EPOCH_TS
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def micros_to_datetime(us: int) -> dt.datetime:
    return EPOCH_TS + dt.timedelta(microseconds=int(us))


def parse_date(text: str) -> int:
    """Days since epoch of an ISO date literal.

    Example:
        >>> parse_date("1970-01-02")
        1
    """
    s = text.strip()
    if len(s) > 10 and s[10] in " T":  # a timestamp's text: keep the date part
        s = s[:10]
    try:
        return date_to_days(dt.date.fromisoformat(s))
    except ValueError:
        raise ConversionError(f'invalid input syntax for type date: "{text}"') from None


def parse_timestamp(text: str) -> int:
    """Microseconds since epoch of a timestamp literal (a bare date is midnight).

    Example:
        >>> parse_timestamp("1970-01-01 00:00:01")
        1000000
    """
    s = text.strip()
    try:
        if len(s) == 10:
            return date_to_days(dt.date.fromisoformat(s)) * MICROS_PER_DAY
        return datetime_to_micros(dt.datetime.fromisoformat(s))
    except ValueError:
        raise ConversionError(f'invalid input syntax for type timestamp: "{text}"') from None


_UNITS = {
    "year": ("months", 12), "years": ("months", 12), "y": ("months", 12), "yr": ("months", 12), "yrs": ("months", 12),
    "month": ("months", 1), "months": ("months", 1), "mon": ("months", 1), "mons": ("months", 1),
    "week": ("days", 7), "weeks": ("days", 7), "w": ("days", 7),
    "day": ("days", 1), "days": ("days", 1), "d": ("days", 1),
    "hour": ("micros", 3_600_000_000), "hours": ("micros", 3_600_000_000), "h": ("micros", 3_600_000_000),
    "minute": ("micros", 60_000_000), "minutes": ("micros", 60_000_000), "min": ("micros", 60_000_000),
    "mins": ("micros", 60_000_000), "m": ("micros", 60_000_000),
    "second": ("micros", 1_000_000), "seconds": ("micros", 1_000_000), "sec": ("micros", 1_000_000),
    "secs": ("micros", 1_000_000), "s": ("micros", 1_000_000),
}


def parse_interval(text: str, unit: str | None = None) -> tuple[int, int, int]:
    """``(months, days, micros)`` of an interval literal.

    Example:
        >>> parse_interval("90", "DAY")
        (0, 90, 0)
        >>> parse_interval("1 year 2 months")
        (14, 0, 0)
        >>> parse_interval("3 hours")
        (0, 0, 10800000000)
    """
    parts = {"months": 0, "days": 0, "micros": 0}
    s = text.strip().lower()
    if unit is not None:
        s = f"{s} {unit.lower()}"
    tokens = re.findall(r"[-+]?\d+(?:\.\d+)?|[a-z]+", s)
    if not tokens:
        raise ConversionError(f'invalid input syntax for type interval: "{text}"')
    i = 0
    while i < len(tokens):
        num = tokens[i]
        if not re.fullmatch(r"[-+]?\d+(?:\.\d+)?", num):
            raise ConversionError(f'invalid input syntax for type interval: "{text}"')
        u = tokens[i + 1] if i + 1 < len(tokens) else "seconds"
        if u not in _UNITS:
            raise ConversionError(f'invalid input syntax for type interval: "{text}"')
        field, factor = _UNITS[u]
        value = float(num) * factor if "." in num else int(num) * factor
        parts[field] += int(round(value))
        i += 2
    return parts["months"], parts["days"], parts["micros"]


def add_months(d: dt.date, months: int) -> dt.date:
    """Add months, clamping the day to the month's end (2008-01-31 + 1 month → 2008-02-29)."""
    total = d.year * 12 + (d.month - 1) + months
    y, m = divmod(total, 12)
    last = calendar.monthrange(y, m + 1)[1]
    return dt.date(y, m + 1, min(d.day, last))


def add_interval_micros(ts_micros: int, months: int, days: int, micros: int) -> int:
    """A timestamp (µs) plus an interval, months first (clamped), then days, then µs."""
    t = micros_to_datetime(ts_micros)
    if months:
        d = add_months(t.date(), months)
        t = dt.datetime.combine(d, t.time())
    t = t + dt.timedelta(days=days, microseconds=micros)
    return datetime_to_micros(t)


def format_date(days: int) -> str:
    return days_to_date(days).isoformat()


def format_timestamp(us: int) -> str:
    t = micros_to_datetime(us)
    text = t.strftime("%Y-%m-%d %H:%M:%S")
    if t.microsecond:
        text += f".{t.microsecond:06d}".rstrip("0")
    return text
