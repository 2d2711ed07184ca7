"""Regular expressions: REGEXP_SUBSTR / COUNT / INSTR / REPLACE and SIMILAR TO.

Role: part of the scalar function table (:data:`REGEX_FUNCTIONS` is merged
into :data:`columnar.exec.functions.FUNCTIONS`); ``x SIMILAR TO p`` is bound
as the function ``similar_to(x, p)`` (wrapped in NOT for NOT SIMILAR TO).

How it runs -- the one place where Python code meets values: Redshift's
regular expressions are POSIX (with PCRE as an option), and no vectorised
engine at hand speaks that dialect with positions, occurrences and
back-references, so each function runs Python's :mod:`re` once per
*distinct* string value: the column is dictionary-encoded (a DictArray
already is), the distinct values are matched, and the results are gathered
back through the codes. A column of few distinct values costs as many
matches; a column of all-distinct values costs one match per row. A pattern
that varies per row is handled by
:func:`~columnar.exec.string_functions.by_parameters`, once per distinct
pattern.

Semantics (Redshift's function pages):

* ``REGEXP_SUBSTR(s, pattern [, position [, occurrence [, parameters]]])``:
  the ``occurrence``-th match searching from character ``position``; ``''``
  when there is none.
* ``REGEXP_COUNT(s, pattern [, position [, parameters]])``: the number of
  (non-overlapping) matches.
* ``REGEXP_INSTR(s, pattern [, position [, occurrence [, option [, parameters]]]])``:
  the 1-based character position of the match (``option`` 0) or just after it
  (1); 0 when there is none.
* ``REGEXP_REPLACE(s, pattern [, replacement [, position [, parameters]]])``:
  every match from ``position`` on replaced; ``\\1`` .. ``\\9`` in the
  replacement are the groups, ``\\&`` the whole match.
* ``parameters``: ``c`` case-sensitive (default), ``i`` case-insensitive,
  ``e`` return the first sub-expression (REGEXP_SUBSTR / REGEXP_INSTR),
  ``p`` PCRE (accepted: Python's syntax is PCRE-like anyway).
* ``position`` and ``occurrence`` must be >= 1, ``option`` 0 or 1; an
  invalid pattern raises :class:`DataError`.
* ``s SIMILAR TO p``: the SQL-standard pattern matched against the *whole*
  string, case-sensitively: ``%`` is ``.*``, ``_`` is ``.``, ``|`` ``*``
  ``+`` ``?`` ``{m,n}`` ``( )`` ``[ ]`` are regular-expression operators, any
  other character (``.`` included) is literal, ``\\`` escapes the next one.

Translation from POSIX: bracket classes (``[[:alpha:]]``, ``[[:digit:]]``
...) become their ASCII ranges and ``\\y`` a word boundary; ``.`` also
matches a newline (as in PostgreSQL). Simplified versus Redshift: POSIX
alternation is leftmost-*longest*, Python's is leftmost-*first*, so ``a|ab``
may match a shorter text; other rare POSIX-only syntax is not translated.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from columnar.core.chunk import Column
from columnar.core.errors import DataError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import DataType
from columnar.exec.const_column import ConstColumn, bool_column
from columnar.exec.string_columns import dedupe, plain
from columnar.exec.string_functions import by_parameters
from columnar.kernels import columns as kcols

_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "xdigit": "0-9A-Fa-f", "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
    "word": r"\w",
}


def _bracket(p: str, i: int, out: list) -> int:
    """Copy the bracket expression starting at ``p[i] == '['``; return the index after it."""
    out.append("[")
    i += 1
    if i < len(p) and p[i] == "^":
        out.append("^")
        i += 1
    if i < len(p) and p[i] == "]":
        out.append(r"\]")
        i += 1
    while i < len(p) and p[i] != "]":
        m = re.match(r"\[:([a-z]+):\]", p[i:])
        if m and m.group(1) in _CLASSES:
            out.append(_CLASSES[m.group(1)])
            i += m.end()
        elif p[i] == "\\" and i + 1 < len(p):
            out.append(p[i : i + 2])
            i += 2
        else:
            out.append("\\" + p[i] if p[i] in "[&~|" else p[i])  # never a nested-set lookalike
            i += 1
    if i >= len(p):
        raise DataError(f"invalid regular expression: brackets [] not balanced in '{p}'")
    out.append("]")
    return i + 1


def posix_to_python(p: str) -> str:
    """A POSIX (ERE/ARE) pattern in Python's syntax.

    Example:
        >>> posix_to_python(r"[[:alpha:]]+\\y")
        '[a-zA-Z]+\\\\b'
    """
    out: list[str] = []
    i = 0
    while i < len(p):
        ch = p[i]
        if ch == "[":
            i = _bracket(p, i, out)
            continue
        if ch == "\\" and i + 1 < len(p):
            nxt = p[i + 1]
            out.append({"y": r"\b", "m": r"\b(?=\w)", "M": r"\b(?<=\w)"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def similar_to_regex(p: str) -> str:
    """A SIMILAR TO pattern as a Python regular expression (to ``fullmatch``).

    Example:
        >>> similar_to_regex("%(b|d)_.x")
        '.*(b|d).\\\\.x'
    """
    out: list[str] = []
    i = 0
    while i < len(p):
        ch = p[i]
        if ch == "\\" and i + 1 < len(p):
            out.append(re.escape(p[i + 1]))
            i += 2
        elif ch == "[":
            i = _bracket(p, i, out)
        elif ch == "%":
            out.append(".*")
            i += 1
        elif ch == "_":
            out.append(".")
            i += 1
        elif ch in "|*+?{}(),0123456789":
            out.append(ch)
            i += 1
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _compile(pattern: str, flags: int, similar: bool = False) -> re.Pattern:
    try:
        text = similar_to_regex(pattern) if similar else posix_to_python(pattern)
        return re.compile(text, flags | re.DOTALL)
    except re.error as e:
        raise DataError(f"invalid regular expression '{pattern}': {e}") from None


def _parameters(params: str) -> tuple[int, bool]:
    """(re flags, extract-the-subexpression) of a Redshift parameters string."""
    flags, extract = 0, False
    for ch in params:
        if ch == "i":
            flags |= re.IGNORECASE
        elif ch == "c":
            flags &= ~re.IGNORECASE
        elif ch == "e":
            extract = True
        elif ch != "p":
            raise DataError(f'invalid regular expression parameter "{ch}" (use c, i, e or p)')
    return flags, extract


def _check_at_least_one(value: int, what: str) -> int:
    if value < 1:
        raise DataError(f"{what} must be greater than zero, got {value}")
    return value


def _distinct(col: Column) -> tuple[list[str], np.ndarray]:
    """(distinct values, codes) of a string column."""
    data = col.data
    if not isinstance(data, DictArray) or not len(data.dictionary):
        data = kcols.dictionary_encode(plain(data))
    return data.dictionary.to_pylist(), data.codes


def _strings_out(col: Column, fn, result_type: DataType) -> Column:
    words, codes = _distinct(col)
    values = StringArray.from_pylist([fn(w) for w in words])  # once per distinct value
    return Column(result_type, dedupe(codes, values) if len(values) else values)


def _ints_out(col: Column, fn, result_type: DataType) -> Column:
    words, codes = _distinct(col)
    values = np.array([fn(w) for w in words], dtype=np.int64)  # once per distinct value
    return Column(result_type, values[codes] if len(values) else np.zeros(len(col), dtype=np.int64))


def _nth(rx: re.Pattern, text: str, occurrence: int):
    for k, m in enumerate(rx.finditer(text), 1):
        if k == occurrence:
            return m
    return None


def _span(m: re.Match, extract: bool) -> tuple[int, int]:
    if extract and m.re.groups:
        return m.span(1) if m.start(1) >= 0 else m.span()
    return m.span()


def regexp_substr(args: list, result_type: DataType, nrows: int) -> Column:
    """REGEXP_SUBSTR(s, pattern, position, occurrence, parameters); '' if no match."""

    def run(data, values):
        pattern, position, occurrence, params = values
        flags, extract = _parameters(str(params))
        rx = _compile(str(pattern), flags)
        pos = _check_at_least_one(int(position), "position") - 1
        occ = _check_at_least_one(int(occurrence), "occurrence")

        def one(w: str) -> str:
            m = _nth(rx, w[pos:], occ)
            if m is None:
                return ""
            a, b = _span(m, extract)
            return m.string[a:b]

        return _strings_out(data[0], one, result_type)

    return by_parameters(args, 1, run, result_type, nrows)


def regexp_count(args: list, result_type: DataType, nrows: int) -> Column:
    """REGEXP_COUNT(s, pattern, position, parameters): the number of matches."""

    def run(data, values):
        pattern, position, params = values
        rx = _compile(str(pattern), _parameters(str(params))[0])
        pos = _check_at_least_one(int(position), "position") - 1
        return _ints_out(data[0], lambda w: sum(1 for _ in rx.finditer(w[pos:])), result_type)

    return by_parameters(args, 1, run, result_type, nrows)


def regexp_instr(args: list, result_type: DataType, nrows: int) -> Column:
    """REGEXP_INSTR(s, pattern, position, occurrence, option, parameters); 0 if no match."""

    def run(data, values):
        pattern, position, occurrence, option, params = values
        flags, extract = _parameters(str(params))
        rx = _compile(str(pattern), flags)
        pos = _check_at_least_one(int(position), "position") - 1
        occ = _check_at_least_one(int(occurrence), "occurrence")
        if int(option) not in (0, 1):
            raise DataError(f"option must be 0 or 1, got {option}")

        def one(w: str) -> int:
            m = _nth(rx, w[pos:], occ)
            if m is None:
                return 0
            a, b = _span(m, extract)
            return pos + (b if int(option) else a) + 1

        return _ints_out(data[0], one, result_type)

    return by_parameters(args, 1, run, result_type, nrows)


def _template(replacement: str) -> list:
    """A replacement as pieces: literal strings and group numbers (``\\1``, ``\\&`` = 0)."""
    pieces: list = []
    i = 0
    text = []
    while i < len(replacement):
        ch = replacement[i]
        if ch == "\\" and i + 1 < len(replacement) and (replacement[i + 1].isdigit() or replacement[i + 1] == "&"):
            if text:
                pieces.append("".join(text))
                text = []
            nxt = replacement[i + 1]
            pieces.append(0 if nxt == "&" else int(nxt))
            i += 2
            continue
        if ch == "\\" and i + 1 < len(replacement) and replacement[i + 1] == "\\":
            text.append("\\")
            i += 2
            continue
        text.append(ch)
        i += 1
    if text:
        pieces.append("".join(text))
    return pieces


def regexp_replace(args: list, result_type: DataType, nrows: int) -> Column:
    """REGEXP_REPLACE(s, pattern, replacement, position, parameters): every match replaced."""

    def run(data, values):
        pattern, replacement, position, params = values
        rx = _compile(str(pattern), _parameters(str(params))[0])
        pos = _check_at_least_one(int(position), "position") - 1
        pieces = _template(str(replacement))
        if any(isinstance(g, int) and g > rx.groups for g in pieces):
            raise DataError(f"invalid back reference in the replacement '{replacement}'")

        def expand(m: re.Match) -> str:
            return "".join(p if isinstance(p, str) else (m.group(p) or "") for p in pieces)

        return _strings_out(data[0], lambda w: w[:pos] + rx.sub(expand, w[pos:]), result_type)

    return by_parameters(args, 1, run, result_type, nrows)


def similar_to(args: list, result_type: DataType, nrows: int) -> Column:
    """``s SIMILAR TO pattern``: the whole string matches (case-sensitive)."""

    def run(data, values):
        rx = _compile(str(values[0]), 0, similar=True)
        words, codes = _distinct(data[0])
        hits = np.array([rx.fullmatch(w) is not None for w in words], dtype=np.bool_)
        return Column(result_type, hits[codes] if len(hits) else np.zeros(len(data[0]), dtype=np.bool_))

    out = by_parameters(args, 1, run, result_type, nrows)
    if isinstance(out, ConstColumn):  # a NULL argument
        return out
    return bool_column(np.asarray(out.data, dtype=np.bool_), out.validity, result_type)


REGEX_FUNCTIONS = {
    "regexp_substr": regexp_substr,
    "regexp_count": regexp_count,
    "regexp_instr": regexp_instr,
    "regexp_replace": regexp_replace,
    "similar_to": similar_to,
}

__all__ = ["REGEX_FUNCTIONS", "posix_to_python", "similar_to_regex"]
