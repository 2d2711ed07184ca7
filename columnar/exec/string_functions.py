"""String functions: LEFT/RIGHT, REPLACE, SPLIT_PART, LPAD/RPAD, REPEAT, REVERSE, INITCAP, ASCII, CHR, MD5.

Role: part of the scalar function table (:data:`STRING_FUNCTIONS` is merged
into :data:`columnar.exec.functions.FUNCTIONS`). Every function is
vectorised: pyarrow.compute (REPLACE, SPLIT_PART, REPEAT, REVERSE), the
compiled kernels of :mod:`columnar.kernels.string_pad` (LPAD/RPAD, INITCAP)
and :mod:`columnar.kernels.md5`, or numpy (ASCII, CHR, LEFT/RIGHT through the
SUBSTRING kernel). A :class:`~columnar.core.strings.DictArray` argument with
constant parameters is transformed once per *distinct* dictionary value and
keeps its codes (:func:`~columnar.exec.string_columns.map_strings`).

Parameters (REPLACE's strings, SPLIT_PART's delimiter, LPAD's fill, the
regular expressions of :mod:`columnar.exec.regex_functions`) are usually
constants; when one varies per row, :func:`by_parameters` runs the function
once per *distinct combination* of parameter values on the rows that share it
(as the evaluator does for a per-row LIKE pattern).

Semantics (Redshift, which follows PostgreSQL here):

* ``LEFT(s, n)`` / ``RIGHT(s, n)``: the first / last ``n`` characters; a
  negative ``n`` means all but the last / first ``|n|`` (PostgreSQL's rule;
  Redshift documents only positive ``n``).
* ``REPLACE(s, from, to)``: every occurrence; an empty ``from`` changes nothing.
* ``SPLIT_PART(s, delimiter, n)``: the n-th field (1-based); ``''`` past the
  last field; ``n <= 0`` raises; an empty delimiter makes ``s`` its only field.
* ``LPAD/RPAD(s, n [, fill=' '])``: see :mod:`columnar.kernels.string_pad`.
* ``REPEAT(s, n)``: ``n <= 0`` gives ``''``; REPEAT and LPAD/RPAD refuse a
  result that could pass VARCHAR(MAX) (65535 bytes) with a DataError.
* ``INITCAP(s)``: first letter of every word upper case, the rest lower case;
  words are runs of letters and digits.
* ``ASCII(s)``: the code point of the first character, 0 for ``''``.
* ``CHR(n)``: the character with code point ``n``; ``CHR(0)`` is ``''``; a
  negative or non-Unicode code point raises.
* ``MD5(s)``: 32 lower-case hex digits of the UTF-8 bytes.

Simplified versus Redshift: INITCAP's Unicode letters (bytes >= 0x80) are
case-mapped by Python's ``str`` methods, on the distinct values that hold
them only.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import DataError
from columnar.core.strings import DictArray, StringArray, concat_string_arrays
from columnar.core.types import MAX_VARCHAR, DataType
from columnar.exec.const_column import ConstColumn, and_validity, null_column, scalar_of
from columnar.exec.string_columns import from_arrow, from_text, map_strings, map_values, plain, to_arrow
from columnar.kernels import columns as kcols
from columnar.kernels import strings as kstr
from columnar.kernels.md5 import md5_hex
from columnar.kernels.string_pad import initcap_ascii, pad


# ------------------------------------------------------------------ plumbing


def _has_null_const(args: list) -> bool:
    return any(isinstance(a, ConstColumn) and a.is_null for a in args)


def _group_codes(col: Column, rows: np.ndarray) -> np.ndarray:
    """Dense codes of ``col``'s values at ``rows`` (equal values, equal codes)."""
    sub = kcols.take(col, rows)
    if col.type.is_string:
        return kcols.dictionary_encode(plain(sub.data)).codes.astype(np.int64)
    return np.unique(np.asarray(sub.data), return_inverse=True)[1].astype(np.int64)


def by_parameters(args: list, n_data: int, fn, result_type: DataType, nrows: int) -> Column:
    """``fn(data_columns, parameter_values) -> Column`` with the parameters
    ``args[n_data:]`` as Python scalars.

    When every parameter is a constant, ``fn`` runs once on the whole columns;
    otherwise once per distinct combination of parameter values, on the valid
    rows sharing it, and the pieces are put back in row order. A row where
    any argument is NULL is NULL.
    """
    if _has_null_const(args):
        return null_column(result_type, nrows)
    data, params = args[:n_data], args[n_data:]
    validity = and_validity(*args)
    if all(isinstance(p, ConstColumn) for p in params):
        out = fn(data, [p.value for p in params])
        return Column(result_type, out.data, validity)
    rows = np.arange(nrows, dtype=np.int64) if validity is None else np.flatnonzero(validity)
    if not len(rows):
        return null_column(result_type, nrows)
    keys = [_group_codes(p, rows) for p in params if not isinstance(p, ConstColumn)]
    _, group = np.unique(np.stack(keys, axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)
    pieces, order = [], []
    for g in range(int(group.max()) + 1):  # distinct parameter combinations, not rows
        sel = rows[group == g]
        values = [scalar_of(p, int(sel[0])) for p in params]
        sub = [c.resized(len(sel)) if isinstance(c, ConstColumn) else kcols.take(c, sel) for c in data]
        piece = fn(sub, values)
        pieces.append(Column(result_type, piece.data))
        order.append(sel)
    joined = kcols.concat_columns(pieces)
    perm = np.full(nrows, -1, dtype=np.int64)
    perm[np.concatenate(order)] = np.arange(len(rows), dtype=np.int64)
    return kcols.take(joined, perm)


def _ints(col: Column) -> np.ndarray | int:
    """An integer argument: a Python int if constant, else int64 values (0 at NULLs)."""
    if isinstance(col, ConstColumn):
        return int(col.value)
    data = np.asarray(col.data, dtype=np.int64)
    return data if col.validity is None else np.where(col.validity, data, 0)


def _arrow_map(fn):
    """A pyarrow.compute string → string function as a StringArray transform."""
    return lambda sa: from_arrow(fn(to_arrow(sa)))[0]


def _strings_with(x: Column, k, fn, result_type: DataType) -> Column:
    """``fn(strings, k)`` where k is a scalar (the dictionary is mapped) or per row."""
    if np.ndim(k) == 0:
        return Column(result_type, map_strings(x.data, lambda sa: fn(sa, k)), x.validity)
    return Column(result_type, fn(plain(x.data), k), x.validity)


def _check_size(nbytes, what: str) -> None:
    """Refuse results past VARCHAR(MAX) before allocating them."""
    if np.size(nbytes) and int(np.max(nbytes)) > MAX_VARCHAR:
        raise DataError(f"{what} result exceeds the maximum VARCHAR length of {MAX_VARCHAR} bytes")


# ------------------------------------------------------------------ LEFT, RIGHT


def _left(sa: StringArray, k) -> StringArray:
    if np.ndim(k) == 0 and k >= 0:
        return kstr.substring(sa, 1, k)
    k = np.asarray(k, dtype=np.int64)
    n = kstr.char_lengths(sa)
    return kstr.substring(sa, 1, np.where(k >= 0, k, np.maximum(n + k, 0)))


def _right(sa: StringArray, k) -> StringArray:
    n = kstr.char_lengths(sa)
    k = np.asarray(k, dtype=np.int64)
    return kstr.substring(sa, np.where(k >= 0, np.maximum(n - k, 0) + 1, 1 - k))


def _left_right(fn):
    def impl(args: list, result_type: DataType, nrows: int) -> Column:
        if _has_null_const(args):
            return null_column(result_type, nrows)
        x, k = args
        out = _strings_with(x, _ints(k), fn, result_type)
        return Column(result_type, out.data, and_validity(x, k))

    return impl


left = _left_right(_left)
left.__doc__ = "LEFT(s, n): the first n characters (all but the last |n| if n < 0)."
right = _left_right(_right)
right.__doc__ = "RIGHT(s, n): the last n characters (all but the first |n| if n < 0)."


# ------------------------------------------------------------------ REPLACE, SPLIT_PART, REPEAT


def replace(args: list, result_type: DataType, nrows: int) -> Column:
    """REPLACE(s, from, to): every occurrence of ``from`` (an empty one changes nothing)."""

    def run(data, values):
        (x,), (old, new) = data, values
        if old == "":
            return x
        return Column(result_type, map_strings(x.data, _arrow_map(
            lambda a: pc.replace_substring(a, pattern=old, replacement=new))))

    return by_parameters(args, 1, run, result_type, nrows)


def _split_field(sa: StringArray, delim: str, k) -> StringArray:
    k = np.asarray(k, dtype=np.int64)
    if delim == "":  # the whole value is the only field
        return kcols.take_strings(sa, np.where(k == 1, np.arange(len(sa)), -1))
    parts = pc.split_pattern(to_arrow(sa), pattern=delim)
    counts = pc.list_value_length(parts).to_numpy(zero_copy_only=False).astype(np.int64)
    starts = np.asarray(parts.offsets)[:-1].astype(np.int64)
    flat = from_arrow(parts.flatten())[0]
    pick = np.where(k <= counts, starts + k - 1, -1)
    return kcols.take_strings(flat, pick)


def split_part(args: list, result_type: DataType, nrows: int) -> Column:
    """SPLIT_PART(s, delimiter, n): the n-th field, ``''`` past the last one."""

    def run(data, values):
        x, k = data
        (delim,) = values
        kk = _ints(k)
        valid = and_validity(x, k)
        bad = np.asarray(kk) <= 0
        if np.ndim(kk) and valid is not None:
            bad = bad & valid
        if np.any(bad):
            raise DataError("field position must be greater than zero")
        return _strings_with(x, kk, lambda sa, kk_: _split_field(sa, str(delim), kk_), result_type)

    s, delim, k = args
    return by_parameters([s, k, delim], 2, run, result_type, nrows)


def repeat(args: list, result_type: DataType, nrows: int) -> Column:
    """REPEAT(s, n): ``s`` n times (``''`` for n <= 0)."""
    if _has_null_const(args):
        return null_column(result_type, nrows)
    x, k = args
    kk = np.maximum(_ints(k), 0)
    _check_size(plain(x.data).lengths() * (kk if np.ndim(kk) == 0 else np.where(x.is_valid(), kk, 0)), "REPEAT")

    def run(sa, times):
        counts = times if np.ndim(times) == 0 else pa.array(times, type=pa.int64())
        return from_arrow(pc.binary_repeat(to_arrow(sa), counts))[0]

    out = _strings_with(x, kk, run, result_type)
    return Column(result_type, out.data, and_validity(x, k))


# ------------------------------------------------------------------ LPAD, RPAD


def _pad(left_side: bool):
    def impl(args: list, result_type: DataType, nrows: int) -> Column:
        def run(data, values):
            x, k = data
            fill = str(values[0]) if values else " "
            _check_size(np.asarray(_ints(k)), impl.__name__.upper())  # >= 1 byte per character
            return _strings_with(x, _ints(k), lambda sa, kk: pad(sa, kk, fill, left_side), result_type)

        return by_parameters(args, 2, run, result_type, nrows)

    impl.__name__ = "lpad" if left_side else "rpad"
    impl.__doc__ = f"{impl.__name__.upper()}(s, n [, fill]): exactly n characters."
    return impl


# ------------------------------------------------------------------ one-argument functions


def _unary(name: str, transform, injective: bool = False):
    def impl(args: list, result_type: DataType, nrows: int) -> Column:
        (x,) = args
        if _has_null_const(args):
            return null_column(result_type, nrows)
        return Column(result_type, map_strings(x.data, transform, injective), x.validity)

    impl.__name__ = name
    return impl


def _python_initcap(s: str) -> str:
    out, in_word = [], False
    for ch in s:
        if ch.isalnum():
            mapped = ch.lower() if in_word else ch.upper()
            out.append(mapped if len(mapped) == 1 else ch)
            in_word = True
        else:
            out.append(ch)
            in_word = False
    return "".join(out)


def _initcap(sa: StringArray) -> StringArray:
    out, redo = initcap_ascii(sa)
    if not redo.any():
        return out
    # Non-ASCII values: Python's Unicode case mapping, once per distinct value.
    rows = np.flatnonzero(redo)
    enc = kcols.dictionary_encode(kcols.take_strings(sa, rows))
    fixed = StringArray.from_pylist([_python_initcap(v) for v in enc.dictionary.to_pylist()])
    pick = np.arange(len(sa), dtype=np.int64)
    pick[rows] = len(sa) + np.arange(len(rows))
    both = kcols.take_strings(fixed, enc.codes)
    return kcols.take_strings(concat_string_arrays([out, both]), pick)


def _first_code_point(sa: StringArray) -> np.ndarray:
    """The code point of each value's first character (0 for ``''``), decoded with numpy."""
    n = len(sa)
    starts, lengths = sa.offsets[:-1], np.diff(sa.offsets)
    data = np.concatenate([sa.data, np.zeros(4, dtype=np.uint8)]).astype(np.int64)
    b = [data[np.minimum(starts + j, len(data) - 1)] for j in range(4)]
    cp = np.where(b[0] < 0x80, b[0],
         np.where(b[0] < 0xE0, ((b[0] & 0x1F) << 6) | (b[1] & 0x3F),
         np.where(b[0] < 0xF0, ((b[0] & 0x0F) << 12) | ((b[1] & 0x3F) << 6) | (b[2] & 0x3F),
                  ((b[0] & 0x07) << 18) | ((b[1] & 0x3F) << 12) | ((b[2] & 0x3F) << 6) | (b[3] & 0x3F))))
    return np.where(lengths > 0, cp, 0) if n else np.zeros(0, dtype=np.int64)


def ascii_(args: list, result_type: DataType, nrows: int) -> Column:
    """ASCII(s): the code point of the first character, 0 for the empty string."""
    (x,) = args
    if _has_null_const(args):
        return null_column(result_type, nrows)
    return Column(result_type, map_values(x.data, _first_code_point), x.validity)


def chr_(args: list, result_type: DataType, nrows: int) -> Column:
    """CHR(n): the character of code point n (``''`` for 0)."""
    (x,) = args
    if _has_null_const(args):
        return null_column(result_type, nrows)
    codes = np.asarray(x.data, dtype=np.int64)
    valid = x.is_valid()
    bad = valid & ((codes < 0) | (codes > 0x10FFFF) | ((codes >= 0xD800) & (codes <= 0xDFFF)))
    if bad.any():
        raise DataError(f"requested character is not a valid code point: {int(codes[bad][0])}")
    chars = np.where(valid, codes, 0).astype(np.uint32).view("<U1")
    return Column(result_type, from_text(chars), x.validity)


def md5(args: list, result_type: DataType, nrows: int) -> Column:
    """MD5(s): the hex digest of the value's UTF-8 bytes."""
    (x,) = args
    if _has_null_const(args):
        return null_column(result_type, nrows)
    data = x.data
    if isinstance(data, DictArray) and len(data.dictionary):
        return Column(result_type, DictArray(data.codes, md5_hex(data.dictionary)), x.validity)
    return Column(result_type, md5_hex(plain(data)), x.validity)


STRING_FUNCTIONS = {
    "left": left,
    "right": right,
    "replace": replace,
    "split_part": split_part,
    "repeat": repeat,
    "lpad": _pad(True),
    "rpad": _pad(False),
    "reverse": _unary("reverse", _arrow_map(pc.utf8_reverse), injective=True),
    "initcap": _unary("initcap", _initcap),
    "ascii": ascii_,
    "chr": chr_,
    "md5": md5,
}

__all__ = ["STRING_FUNCTIONS", "by_parameters"]
