"""Formatting functions: TO_CHAR(date, timestamp or number, format), TO_DATE and TO_TIMESTAMP.

Role: part of the scalar function table (:data:`FORMAT_FUNCTIONS` is merged
into :data:`columnar.exec.functions.FUNCTIONS`). The format is a constant
(the binder requires it); it is parsed once into tokens, then every token is
computed for the whole column at once:

* TO_CHAR of a date/timestamp runs on the *distinct* values (``np.unique``),
  builds each token's text with numpy's vectorised string functions
  (``np.strings.zfill`` / ``add`` ...), and returns a dictionary-encoded
  column whose codes map the rows to their distinct text.
* TO_CHAR of a number puts the output characters in an ``n x width`` array
  of code points (digit by digit, with integer arithmetic), then views each
  row as one string.
* TO_DATE / TO_TIMESTAMP compile the format into one regular expression with
  a named group per field and let pyarrow (RE2, in C) extract the fields of
  every value; the fields become numbers with ``pc.cast``.

Datetime patterns (Redshift's "Datetime format strings", PostgreSQL's rules):
``YYYY YYY YY Y Y,YYY IYYY IYY IY`` years, ``CC`` century, ``Q`` quarter,
``MM``, ``MONTH Month month`` (blank-padded to 9), ``MON Mon mon``, ``RM rm``
(Roman), ``W`` week of month, ``WW`` week of year (from Jan 1), ``IW`` ISO
week, ``DAY Day day`` (padded to 9), ``DY Dy dy``, ``DDD`` day of year,
``IDDD`` ISO day of year, ``DD``, ``D`` (Sunday = 1), ``ID`` (Monday = 1),
``J`` Julian day, ``HH24``, ``HH``/``HH12``, ``MI``, ``SS``, ``MS``, ``US``,
``SSSS`` (seconds past midnight), ``AM PM A.M. P.M.`` (and lower case),
``AD BC A.D. B.C.``, ``TZ`` (``UTC``) and ``OF`` (``+00``). ``FM`` before a
pattern drops its padding, ``TH``/``th`` after a number adds the ordinal
suffix, ``"text"`` is literal and any other character is copied.

Number patterns: ``9`` (a digit, blank when a leading zero), ``0`` (a
digit, zero-padded from there on), ``.``/``D`` decimal point, ``,``/``G``
group separator (blank where no digit precedes it), ``S`` (sign, anchored
to the number at the start), ``MI`` (minus at that position), ``PR``
(negative in angle brackets), ``FM`` (no padding blanks, no trailing
fractional zeros from ``9``). Without a sign pattern one leading position
holds ``-`` (or a blank), right before the first digit. The value is rounded
half away from zero to the fractional digits; a value too wide prints ``#``
in every digit position. Not supported (``NotSupportedError``): ``L``,
``RN``, ``V``, ``EEEE``, ``PL``, ``SG``, ``TH`` on numbers.

TO_DATE(s, format [, is_strict]) / TO_TIMESTAMP(s, format) read ``YYYY``,
``YY`` (00-69 → 20xx, 70-99 → 19xx), ``MM``, ``MON``, ``MONTH``, ``DD``,
``DDD``, ``J``, ``HH24``, ``HH``/``HH12`` with ``AM``/``PM``, ``MI``,
``SS``, ``MS``, ``US``; day names are accepted and ignored. A run of
separators in the format matches any run of non-alphanumeric characters;
text after the last field is ignored (PostgreSQL). A value that does not
match raises :class:`ConversionError`. Month and time fields must be in
range; a day past the month's end rolls over into the next month
(``to_date('20010631', 'YYYYMMDD')`` is 2001-07-01) unless ``is_strict`` is
true, which raises instead (Redshift's documented example).

Simplified versus Redshift: years before 1 AD print as negative numbers
(no BC conversion); TO_CHAR of a float rounds its binary value half away
from zero.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import ConversionError, NotSupportedError
from columnar.core.strings import DictArray
from columnar.core.types import DataType, TypeId
from columnar.exec.arith_eval import clean, rescale, scale_of
from columnar.exec.const_column import ConstColumn, null_column
from columnar.exec.datetime_functions import US_PER_DAY, civil, days_from_civil, iso_week
from columnar.exec.string_columns import dedupe, from_text, plain, to_arrow

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

_DT_PATTERNS = sorted([
    "HH24", "HH12", "HH", "MI", "SSSS", "SS", "MS", "US", "A.M.", "P.M.", "AM", "PM", "B.C.", "A.D.",
    "BC", "AD", "Y,YYY", "YYYY", "YYY", "YY", "Y", "IYYY", "IYY", "IY", "IDDD", "ID", "IW", "MONTH",
    "MON", "MM", "DAY", "DDD", "DD", "DY", "D", "WW", "W", "Q", "CC", "J", "RM", "TZ", "OF",
], key=len, reverse=True)
_NUMERIC = {"YYYY", "YYY", "YY", "Y", "IYYY", "IYY", "IY", "IDDD", "ID", "IW", "MM", "DDD", "DD", "D",
            "WW", "W", "Q", "CC", "J", "HH24", "HH12", "HH", "MI", "SS", "SSSS", "MS", "US"}


# ------------------------------------------------------------------ tokenizing


def tokenize_datetime(fmt: str) -> list[tuple]:
    """The format as tokens ``(pattern or None, text, fill_mode, ordinal)``;
    ``pattern`` is the upper-case pattern, ``None`` for literal ``text``.

    Example:
        >>> [t[:2] for t in tokenize_datetime('FMDay, DD "of" Mon')]
        [('DAY', 'Day'), (None, ', '), ('DD', 'DD'), (None, ' '), (None, 'of'), (None, ' '), ('MON', 'Mon')]
    """
    out: list[tuple] = []
    i, fm = 0, False
    while i < len(fmt):
        if fmt[i] == '"':
            end = fmt.find('"', i + 1)
            end = len(fmt) if end < 0 else end
            out.append((None, fmt[i + 1 : end], False, None))
            i = end + 1
            continue
        if fmt[i : i + 2].upper() == "FM":
            fm, i = True, i + 2
            continue
        hit = next((p for p in _DT_PATTERNS if fmt[i : i + len(p)].upper() == p), None)
        if hit is None:
            if out and out[-1][0] is None and not fmt[i].isalnum() and not out[-1][1].isalnum():
                out[-1] = (None, out[-1][1] + fmt[i], False, None)
            else:
                out.append((None, fmt[i], False, None))
            i += 1
            continue
        text = fmt[i : i + len(hit)]
        i += len(hit)
        ordinal = None
        if hit in _NUMERIC and fmt[i : i + 2] in ("TH", "th"):
            ordinal, i = fmt[i : i + 2], i + 2
        out.append((hit, text, fm, ordinal))
        fm = False
    return out


def _style(text: str, word: np.ndarray) -> np.ndarray:
    """Upper, capitalised or lower case words, as the pattern's own case."""
    letters = [c for c in text if c.isalpha()]
    if all(c.isupper() for c in letters):
        return np.strings.upper(word)
    if letters and letters[0].isupper():
        return word
    return np.strings.lower(word)


def _ordinal_suffix(v: np.ndarray, upper: bool) -> np.ndarray:
    last, tens = np.mod(v, 10), np.mod(v, 100)
    suffix = np.where((tens >= 11) & (tens <= 13), "th",
             np.where(last == 1, "st", np.where(last == 2, "nd", np.where(last == 3, "rd", "th"))))
    return np.strings.upper(suffix) if upper else suffix


# ------------------------------------------------------------------ TO_CHAR(date/timestamp)


class _Fields:
    """Calendar fields of day numbers and times of day, computed on first use."""

    def __init__(self, days: np.ndarray, tod: np.ndarray):
        self.days, self.tod = days, tod
        self._cache: dict = {}

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._cache:
            self._cache[name] = getattr(self, f"_compute_{name}")()
        return self._cache[name]

    def _compute_ymd(self):
        return civil(self.days)

    def _compute_year(self):
        return self.ymd[0]

    def _compute_month(self):
        return self.ymd[1]

    def _compute_day(self):
        return self.ymd[2]

    def _compute_doy(self):
        return self.days - days_from_civil(self.year, 1, 1) + 1

    def _compute_dow(self):  # 0 = Sunday
        return np.mod(self.days + 4, 7)

    def _compute_isodow(self):
        return np.mod(self.days + 3, 7) + 1

    def _compute_iso_year(self):
        thursday = self.days - np.mod(self.days + 3, 7) + 3
        return civil(thursday)[0]

    def _compute_iso_doy(self):
        jan4 = days_from_civil(self.iso_year, 1, 4)
        week1_monday = jan4 - np.mod(jan4 + 3, 7)
        return self.days - week1_monday + 1

    def _compute_hour(self):
        return self.tod // 3_600_000_000

    def _compute_minute(self):
        return (self.tod // 60_000_000) % 60

    def _compute_second(self):
        return (self.tod // 1_000_000) % 60


def _num(v: np.ndarray, width: int, fm: bool) -> np.ndarray:
    text = np.asarray(v).astype(np.int64).astype(str)
    return text if fm else np.strings.zfill(text, width)


def _piece(tok: tuple, f: _Fields) -> np.ndarray:
    pat, text, fm, ordinal = tok
    n = len(f.days)
    if pat is None:
        return np.full(n, text)
    value = {
        "YYYY": (lambda: f.year, 4), "YYY": (lambda: np.mod(f.year, 1000), 3),
        "YY": (lambda: np.mod(f.year, 100), 2), "Y": (lambda: np.mod(f.year, 10), 1),
        "IYYY": (lambda: f.iso_year, 4), "IYY": (lambda: np.mod(f.iso_year, 1000), 3),
        "IY": (lambda: np.mod(f.iso_year, 100), 2), "Q": (lambda: (f.month - 1) // 3 + 1, 1),
        "MM": (lambda: f.month, 2), "W": (lambda: (f.day - 1) // 7 + 1, 1),
        "WW": (lambda: (f.doy - 1) // 7 + 1, 2), "IW": (lambda: iso_week(f.days), 2),
        "DDD": (lambda: f.doy, 3), "IDDD": (lambda: f.iso_doy, 3), "DD": (lambda: f.day, 2),
        "D": (lambda: f.dow + 1, 1), "ID": (lambda: f.isodow, 1), "J": (lambda: f.days + 2_440_588, 1),
        "CC": (lambda: np.where(f.year > 0, (f.year + 99) // 100, f.year // 100), 2),
        "HH24": (lambda: f.hour, 2), "HH": (lambda: (f.hour + 11) % 12 + 1, 2),
        "HH12": (lambda: (f.hour + 11) % 12 + 1, 2), "MI": (lambda: f.minute, 2), "SS": (lambda: f.second, 2),
        "MS": (lambda: (f.tod // 1000) % 1000, 3), "US": (lambda: f.tod % 1_000_000, 6),
        "SSSS": (lambda: f.tod // 1_000_000, 1),
    }.get(pat)
    if value is not None:
        v = value[0]()
        out = _num(v, value[1], fm)
        if ordinal:
            out = np.strings.add(out, _ordinal_suffix(v, ordinal == "TH"))
        return out
    if pat in ("MONTH", "DAY"):
        names = np.array(MONTHS if pat == "MONTH" else DAYS)
        word = _style(text, names[f.month - 1 if pat == "MONTH" else f.dow])
        return word if fm else np.strings.ljust(word, 9)
    if pat in ("MON", "DY"):
        names = np.array([m[:3] for m in (MONTHS if pat == "MON" else DAYS)])
        return _style(text, names[f.month - 1 if pat == "MON" else f.dow])
    if pat == "RM":
        word = _style(text, np.array(ROMAN)[f.month - 1])
        return word if fm else np.strings.ljust(word, 4)
    if pat in ("AM", "PM", "A.M.", "P.M."):
        dotted = "." in pat
        word = np.where(f.hour < 12, "A.M." if dotted else "AM", "P.M." if dotted else "PM")
        return _style(text, word)
    if pat in ("AD", "BC", "A.D.", "B.C."):
        dotted = "." in pat
        word = np.where(f.year > 0, "A.D." if dotted else "AD", "B.C." if dotted else "BC")
        return _style(text, word)
    if pat == "Y,YYY":
        return np.strings.add(np.strings.add(_num(f.year // 1000, 1, True), ","), _num(np.mod(f.year, 1000), 3, False))
    if pat == "TZ":
        return np.full(n, "UTC" if text.isupper() else "utc")
    if pat == "OF":
        return np.full(n, "+00")
    raise NotSupportedError(f'format pattern "{text}" is not supported')


def format_datetime(days: np.ndarray, tod: np.ndarray, fmt: str) -> np.ndarray:
    """Format day numbers + times of day (µs) as a numpy unicode array.

    Example:
        >>> format_datetime(np.array([19782]), np.array([49530_000000]), "FMDay, DD Mon YYYY HH12:MI AM").tolist()
        ['Thursday, 29 Feb 2024 01:45 PM']
    """
    if len(days) == 0:  # numpy's string functions reject empty arrays
        return np.zeros(0, dtype="<U1")
    f = _Fields(np.asarray(days, dtype=np.int64), np.asarray(tod, dtype=np.int64))
    out = np.full(len(days), "")
    for tok in tokenize_datetime(fmt):
        out = np.strings.add(out, _piece(tok, f))
    return out


def _to_char_datetime(x: Column, fmt: str, result_type: DataType) -> Column:
    data = np.asarray(clean(x.data, x.validity))
    distinct, codes = np.unique(data, return_inverse=True)
    if x.type.id is TypeId.DATE:
        days, tod = distinct.astype(np.int64), np.zeros(len(distinct), dtype=np.int64)
    else:
        days = np.floor_divide(distinct, US_PER_DAY)
        tod = distinct - days * US_PER_DAY
    text = from_text(format_datetime(days, tod, fmt))
    return Column(result_type, dedupe(codes.reshape(-1).astype(np.int32), text), x.validity)


# ------------------------------------------------------------------ TO_CHAR(number)


def _parse_number_format(fmt: str) -> tuple[list, bool]:
    """(items, fill mode); an item is ('9'|'0'|'.'|','|'S'|'MI'|'PR', ) or ('lit', text)."""
    items: list = []
    fm = False
    i = 0
    while i < len(fmt):
        two, ch = fmt[i : i + 2].upper(), fmt[i]
        if two == "FM":
            fm, i = True, i + 2
        elif two in ("MI", "PR"):
            items.append((two,))
            i += 2
        elif two in ("PL", "SG", "RN", "TH") or fmt[i : i + 4].upper() == "EEEE" or ch.upper() in "LV":
            raise NotSupportedError(f'number format pattern "{fmt[i:i + 2]}" is not supported by TO_CHAR')
        elif ch in "90":
            items.append((ch,))
            i += 1
        elif ch in ".Dd":
            if any(it[0] == "." for it in items):
                raise ConversionError(f'multiple decimal points in the format "{fmt}"')
            items.append((".",))
            i += 1
        elif ch in ",Gg":
            items.append((",",))
            i += 1
        elif ch in "Ss":
            items.append(("S",))
            i += 1
        elif ch == '"':
            end = fmt.find('"', i + 1)
            end = len(fmt) if end < 0 else end
            items.append(("lit", fmt[i + 1 : end]))
            i = end + 1
        else:
            items.append(("lit", ch))
            i += 1
    return items, fm


def _magnitudes(x: Column, frac: int, digits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(|value| scaled to ``frac`` fractional digits and rounded, negative?, too wide?)."""
    data = clean(x.data, x.validity)
    limit = 10**digits
    if x.type.is_float:
        v = np.asarray(data, dtype=np.float64)
        with np.errstate(all="ignore"):
            scaled = np.floor(np.abs(v) * 10.0**frac + 0.5)
        wide = ~np.isfinite(scaled) | (scaled >= float(limit))
        scaled = np.where(wide, 0.0, scaled)
        mag = scaled.astype(np.int64) if digits <= 18 else np.array([int(s) for s in scaled], dtype=object)
        return mag, v < 0, wide
    s = scale_of(x.type)
    scaled = rescale(data, s, frac, len(x))  # half away from zero
    if digits > 18 and np.asarray(scaled).dtype != object:
        scaled = np.asarray(scaled).astype(object)
    neg = np.asarray(data < 0, dtype=np.bool_)
    mag = np.where(neg, -scaled, scaled) if np.asarray(scaled).dtype != object else np.abs(scaled)
    wide = np.asarray(mag >= limit, dtype=np.bool_)
    return np.where(wide, 0, mag), neg, wide


def format_number(x: Column, fmt: str) -> np.ndarray:
    """Format a numeric column with a number pattern, as a numpy unicode array."""
    items, fm = _parse_number_format(fmt)
    if len(x) == 0:
        return np.zeros(0, dtype="<U1")
    slots = [k for k, it in enumerate(items) if it[0] in "90"]
    point = next((k for k, it in enumerate(items) if it[0] == "."), None)
    n_int = sum(1 for k in slots if point is None or k < point)
    n_frac = len(slots) - n_int
    mag, neg, wide = _magnitudes(x, n_frac, len(slots))
    n = len(mag)
    blank, gone = np.uint32(32), np.uint32(1)  # 1: a deleted position (FM)
    pad = gone if fm else blank
    has_sign = any(it[0] in ("S", "MI", "PR") for it in items)
    lead_sign = not has_sign or items[0][0] in ("S",) or any(it[0] == "PR" for it in items)
    columns: list[np.ndarray] = []
    visible: list[np.ndarray] = []  # per column: does it hold a digit-ish character?
    if not has_sign or any(it[0] == "PR" for it in items):
        columns.append(np.full(n, pad, dtype=np.uint32))
        visible.append(np.zeros(n, dtype=np.bool_))
    zero_anchor = False
    last_digit_visible = np.zeros(n, dtype=np.bool_)
    digit_index = 0
    for k, it in enumerate(items):
        kind = it[0]
        if kind in "90":
            power = len(slots) - 1 - digit_index
            digit = (mag // 10**power) % 10
            if digit_index < n_int:
                zero_anchor = zero_anchor or kind == "0"
                vis = (mag >= 10**power) | zero_anchor | (point is None and digit_index == n_int - 1)
                vis = np.asarray(vis, dtype=np.bool_) | wide
                fill = pad
            else:
                later_zero = any(items[j][0] == "0" for j in slots if j >= k)
                vis = np.ones(n, dtype=np.bool_) if (not fm or later_zero) else np.asarray(mag % 10 ** (power + 1) != 0, dtype=np.bool_)
                vis = vis | wide
                fill = gone
            chars = np.where(wide, ord("#"), 48 + np.asarray(digit, dtype=np.int64)).astype(np.uint32)
            columns.append(np.where(vis, chars, fill).astype(np.uint32))
            visible.append(vis)
            last_digit_visible = vis
            digit_index += 1
        elif kind == ".":
            columns.append(np.full(n, ord("."), dtype=np.uint32))
            visible.append(np.ones(n, dtype=np.bool_))
        elif kind == ",":
            columns.append(np.where(last_digit_visible, np.uint32(ord(",")), pad).astype(np.uint32))
            visible.append(last_digit_visible.copy())
        elif kind == "S" and k == 0:
            columns.append(np.full(n, pad, dtype=np.uint32))  # anchored below
            visible.append(np.zeros(n, dtype=np.bool_))
        elif kind == "S":
            columns.append(np.where(neg, ord("-"), ord("+")).astype(np.uint32))
            visible.append(np.ones(n, dtype=np.bool_))
        elif kind == "MI":
            columns.append(np.where(neg, np.uint32(ord("-")), pad).astype(np.uint32))
            visible.append(neg.copy())
        elif kind == "PR":
            columns.append(np.where(neg, np.uint32(ord(">")), pad).astype(np.uint32))
            visible.append(neg.copy())
        else:
            for ch in it[1]:
                columns.append(np.full(n, ord(ch), dtype=np.uint32))
                visible.append(np.ones(n, dtype=np.bool_))
    matrix = np.stack(columns, axis=1) if columns else np.zeros((n, 0), dtype=np.uint32)
    if lead_sign and n and matrix.shape[1] > 1:
        # the sign sits right before the first visible character (column 0 is its slot)
        first = np.argmax(np.stack(visible[1:], axis=1), axis=1) + 1
        first = np.where(np.stack(visible[1:], axis=1).any(axis=1), first, matrix.shape[1])
        if any(it[0] == "PR" for it in items):
            sign = np.where(neg, ord("<"), pad)
        elif items and items[0][0] == "S":
            sign = np.where(neg, ord("-"), ord("+"))
        else:
            sign = np.where(neg, ord("-"), pad)
        matrix[np.arange(n), first - 1] = sign.astype(np.uint32)
    width = matrix.shape[1]
    if width == 0:
        return np.full(n, "")
    text = np.ascontiguousarray(matrix).view(f"<U{width}").reshape(n)
    return np.strings.replace(text, "\x01", "")


# ------------------------------------------------------------------ TO_CHAR


def to_char(args: list, result_type: DataType, nrows: int) -> Column:
    """TO_CHAR(date, timestamp or number, 'format') → VARCHAR."""
    x, fmt = args
    if (isinstance(x, ConstColumn) and x.is_null) or fmt.value is None:
        return null_column(result_type, nrows)
    if x.type.is_temporal:
        return _to_char_datetime(x, str(fmt.value), result_type)
    data = clean(x.data, x.validity)
    distinct, codes = np.unique(np.asarray(data), return_inverse=True)
    text = from_text(format_number(Column(x.type, distinct), str(fmt.value)))
    return Column(result_type, dedupe(codes.reshape(-1).astype(np.int32), text), x.validity)


# ------------------------------------------------------------------ TO_DATE, TO_TIMESTAMP

_PARSE_WIDTH = {"YYYY": 4, "YY": 2, "MM": 2, "DD": 2, "DDD": 3, "J": 7, "HH24": 2, "HH": 2, "HH12": 2,
                "MI": 2, "SS": 2, "MS": 3, "US": 6}
_PARSE_WORDS = {"MON": "[A-Za-z]{3}", "MONTH": "[A-Za-z]+", "DY": "[A-Za-z]{3}", "DAY": "[A-Za-z]+",
                "AM": r"[AaPp]\.?[Mm]\.?", "PM": r"[AaPp]\.?[Mm]\.?", "A.M.": r"[AaPp]\.?[Mm]\.?",
                "P.M.": r"[AaPp]\.?[Mm]\.?"}


def _parse_regex(fmt: str) -> tuple[str, list[str]]:
    """The RE2 pattern of a TO_DATE format and the pattern of each group ``g<i>``."""
    tokens = tokenize_datetime(fmt)
    parts, groups = [r"^\s*"], []
    for i, (pat, text, _, _) in enumerate(tokens):
        if pat is None:
            run = []
            for ch in text:
                if ch.isalnum():
                    run.append(re.escape(ch))
                elif not run or run[-1] != "[^0-9A-Za-z]*":
                    run.append("[^0-9A-Za-z]*")
            parts.append("".join(run))
            continue
        if pat in _PARSE_WIDTH:
            w = _PARSE_WIDTH[pat]
            nxt = tokens[i + 1][0] if i + 1 < len(tokens) else None
            body = rf"\d{{{w}}}" if nxt in _PARSE_WIDTH else (r"\d+" if pat == "J" else rf"\d{{1,{w}}}")
        elif pat in _PARSE_WORDS:
            body = _PARSE_WORDS[pat]
        else:
            raise NotSupportedError(f'format pattern "{text}" is not supported by TO_DATE / TO_TIMESTAMP')
        parts.append(f"(?P<g{len(groups)}>{body})")
        groups.append(pat)
    return "".join(parts), groups


def _first_bad(arr: pa.Array, bad: np.ndarray) -> str:
    return arr[int(np.flatnonzero(bad)[0])].as_py()


def parse_datetime(arr: pa.Array, fmt: str, strict: bool, with_time: bool) -> np.ndarray:
    """Day numbers (or µs when ``with_time``) of the strings of ``arr`` read
    with ``fmt``; NULL entries give 0."""
    pattern, groups = _parse_regex(fmt)
    n = len(arr)
    found = pc.extract_regex(arr, pattern) if groups else None
    present = arr.is_valid().to_numpy(zero_copy_only=False)
    if found is not None:
        matched = found.is_valid().to_numpy(zero_copy_only=False)
    else:
        matched = pc.match_substring_regex(arr, pattern).fill_null(False).to_numpy(zero_copy_only=False)
    bad = present & ~matched
    if bad.any():
        raise ConversionError(f'invalid value for the format "{fmt}": "{_first_bad(arr, bad)}"')
    ok = present
    fields: dict[str, np.ndarray] = {}
    for g, pat in enumerate(groups):
        col = pc.struct_field(found, [g])
        if pat in _PARSE_WIDTH:
            values = pc.cast(col, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
        elif pat in ("MON", "MONTH"):
            names = [m[:3].upper() for m in MONTHS] if pat == "MON" else [m.upper() for m in MONTHS]
            idx = pc.index_in(pc.utf8_upper(col), value_set=pa.array(names))
            values = idx.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
            if np.any(ok & (values == 0)):
                raise ConversionError(f'invalid month name in "{_first_bad(arr, ok & (values == 0))}"')
            pat = "MM"
        elif pat in ("AM", "PM", "A.M.", "P.M."):
            values = pc.starts_with(pc.utf8_upper(col), "P").fill_null(False).to_numpy(zero_copy_only=False)
            pat = "PM?"
        else:
            continue  # day names: read and ignored
        fields[pat] = np.asarray(values)

    def field(name, default):
        return fields.get(name, np.full(n, default, dtype=np.int64))

    def check(cond, what):
        wrong = ok & ~np.asarray(cond, dtype=np.bool_)
        if wrong.any():
            raise ConversionError(f'date/time field {what} out of range in "{_first_bad(arr, wrong)}"')

    if "YYYY" in fields:
        year = fields["YYYY"]
    elif "YY" in fields:
        year = np.where(fields["YY"] < 70, 2000, 1900) + fields["YY"]
    else:
        year = np.ones(n, dtype=np.int64)
    month, day = field("MM", 1), field("DD", 1)
    check((month >= 1) & (month <= 12), "month")
    check((day >= 1) & (day <= 31), "day")
    days = days_from_civil(year, month, day)
    if strict:
        wrong = ok & (civil(days)[2] != day)
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise ConversionError(f"date/time field date value out of range: {year[i]}-{month[i]}-{day[i]}")
    if "DDD" in fields:
        days = days_from_civil(year, 1, 1) + fields["DDD"] - 1
    if "J" in fields:
        days = fields["J"] - 2_440_588
    if not with_time:
        return np.where(ok, days, 0)
    hour = field("HH24", 0)
    for twelve in ("HH", "HH12"):
        if twelve in fields:
            h = fields[twelve]
            check((h >= 1) & (h <= 12), "hour")
            hour = np.mod(h, 12) + np.where(fields.get("PM?", np.zeros(n, dtype=np.bool_)), 12, 0)
    minute, second = field("MI", 0), field("SS", 0)
    check(hour <= 23, "hour")
    check(minute <= 59, "minute")
    check(second <= 59, "second")
    frac = field("MS", 0) * 1000 + field("US", 0)
    us = days * US_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1_000_000 + frac
    return np.where(ok, us, 0)


def _to_date_or_timestamp(with_time: bool):
    def impl(args: list, result_type: DataType, nrows: int) -> Column:
        x, fmt, strict = args
        if (isinstance(x, ConstColumn) and x.is_null) or fmt.value is None:
            return null_column(result_type, nrows)
        data = x.data
        dtype = np.int64 if with_time else np.int32
        if isinstance(data, DictArray) and len(data.dictionary):
            present = np.zeros(len(data.dictionary), dtype=np.bool_)
            present[data.codes if x.validity is None else data.codes[x.validity]] = True
            values = parse_datetime(to_arrow(data.dictionary, present), str(fmt.value), bool(strict.value), with_time)
            return Column(result_type, values[data.codes].astype(dtype), x.validity)
        values = parse_datetime(to_arrow(plain(data), x.validity), str(fmt.value), bool(strict.value), with_time)
        return Column(result_type, values.astype(dtype), x.validity)

    impl.__name__ = "to_timestamp" if with_time else "to_date"
    impl.__doc__ = f"{impl.__name__.upper()}(string, 'format') read with a datetime format."
    return impl


FORMAT_FUNCTIONS = {
    "to_char": to_char,
    "to_date": _to_date_or_timestamp(False),
    "to_timestamp": _to_date_or_timestamp(True),
}

__all__ = ["FORMAT_FUNCTIONS", "format_datetime", "format_number", "parse_datetime", "tokenize_datetime"]
