"""Key columns to dense integer codes: the common step of GROUP BY, JOIN and sort.

Role: a GROUP BY on ``(l_returnflag, l_linestatus)`` or a join on
``(ps_partkey, ps_suppkey)`` reduces each key column to dense codes
(``kernels.hashing``), combines them into one code per distinct tuple, and
then works on plain int64 arrays. Dictionary-encoded strings are already
codes; NULL gets a code of its own (GROUP BY keeps a NULL group) or -1
(joins, where NULL never matches).
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.kernels.columns import concat_columns
from columnar.kernels.columns import take_strings
from columnar.kernels.hashing import (
    combine_codes, factorize_float64, factorize_int64, factorize_strings, first_occurrence, strings_equal_rows,
)
from columnar.kernels.strings import rtrim_spaces, string_ranks


def factorize(col: Column, null_code: bool = True) -> tuple[np.ndarray, int]:
    """Dense codes of one column. NULLs get code ``k`` (an extra group) when
    ``null_code`` is True, else -1."""
    data = _comparable(col.data)
    if isinstance(data, DictArray):
        codes, k = data.codes.astype(np.int64), len(data.dictionary)
        if k > 0 and len(codes) and np.bincount(codes, minlength=k).min() == 0:
            codes, k = factorize_int64(codes)  # unused dictionary entries: make dense
    elif isinstance(data, StringArray):
        codes, k = factorize_strings(data)
    elif data.dtype == object:
        _, codes = np.unique(np.where(col.is_valid(), data, 0), return_inverse=True)
        codes = codes.astype(np.int64)
        k = int(codes.max()) + 1 if len(codes) else 0
    elif data.dtype.kind == "f":
        codes, k = factorize_float64(data)
    else:
        codes, k = factorize_int64(data.astype(np.int64, copy=False))
    if col.validity is not None and not col.validity.all():
        codes = codes.copy()
        if null_code:
            codes[~col.validity] = k
            # the NULL rows' placeholder values may have taken a code: re-densify
            codes, k = factorize_int64(codes)
        else:
            codes[~col.validity] = -1
    return codes, k


def _comparable(data):
    """Strings without trailing blanks: Redshift compares CHAR and VARCHAR values
    ignoring them, so GROUP BY, DISTINCT, joins and ORDER BY must too."""
    if isinstance(data, StringArray):
        return rtrim_spaces(data)
    if isinstance(data, DictArray):
        trimmed = rtrim_spaces(data.dictionary)
        if trimmed is data.dictionary:
            return data
        words, k = factorize_strings(trimmed)  # trimming may merge dictionary entries
        first = first_occurrence(words, k)
        return DictArray(words[data.codes].astype(np.int32), take_strings(trimmed, first))
    return data


def group_codes(cols: list[Column], n_rows: int) -> tuple[np.ndarray, int]:
    """One dense code per distinct tuple of ``cols`` (NULLs form groups).

    String columns come last, and one whose value is the same in every group
    of the columns before it adds nothing and is not hashed: Q10 groups by
    ``c_custkey, c_name, c_address, c_phone, c_comment, ...``, all fixed by
    ``c_custkey``. Checking is one byte comparison per row against the group's
    first row; hashing the strings would cost several times that.
    """
    if not cols:
        return np.zeros(n_rows, dtype=np.int64), 1
    cols = sorted(cols, key=lambda c: isinstance(c.data, StringArray))
    codes, k = factorize(cols[0])
    for col in cols[1:]:
        if isinstance(col.data, StringArray) and _fixed_by(col, codes, k):
            continue
        c, kc = factorize(col)
        codes, k = combine_codes([codes, c], [k, kc])
    return codes, k


def _fixed_by(col: Column, codes: np.ndarray, k: int) -> bool:
    """Whether each group of ``codes`` holds one value (or NULL) of string column ``col``."""
    rep = first_occurrence(codes, k)[codes]
    if col.validity is not None and not np.array_equal(col.validity, col.validity[rep]):
        return False
    return strings_equal_rows(col.data, rep)


def run_codes(cols: list[Column], n_rows: int) -> tuple[np.ndarray, int]:
    """Group codes of rows already ordered on ``cols``: a new code wherever a
    key differs from the previous row's (GroupAggregate). NULL equals NULL.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> c = Column(INTEGER, np.array([1, 1, 2, 2, 2, 5]))
        >>> run_codes([c], 6)[0].tolist()
        [0, 0, 1, 1, 1, 2]
    """
    if n_rows == 0:
        return np.zeros(0, dtype=np.int64), 0
    change = np.zeros(n_rows, dtype=np.bool_)
    for col in cols:
        key = sort_key(col)
        valid = col.is_valid()
        key = np.where(valid, key, 0)
        change[1:] |= (key[1:] != key[:-1]) | (valid[1:] != valid[:-1])
    codes = np.cumsum(change)
    return codes.astype(np.int64), int(codes[-1]) + 1


def join_codes(left: list[Column], right: list[Column]) -> tuple[np.ndarray, np.ndarray]:
    """Codes for both sides of an equi-join, comparable across sides; -1 marks
    a NULL key (never matches)."""
    nl = len(left[0])
    if len(left) == 1 and _is_plain_int(left[0]) and _is_plain_int(right[0]):
        # NULL keys are excluded by the caller (key_valid); values are used as is
        return left[0].data.astype(np.int64, copy=False), right[0].data.astype(np.int64, copy=False)
    packed = _packed_int_keys(left, right)
    if packed is not None:
        return packed
    code_parts, cards = [], []
    valid = None
    for l, r in zip(left, right):
        both = concat_columns([l, r])
        codes, k = factorize(both, null_code=False)
        code_parts.append(codes)
        cards.append(k)
        v = codes >= 0
        valid = v if valid is None else (valid & v)
    if len(code_parts) == 1:
        codes = code_parts[0]
    else:
        codes, _ = combine_codes([np.where(c >= 0, c, 0) for c in code_parts], cards)
        codes = np.where(valid, codes, -1)
    return codes[:nl], codes[nl:]


def _packed_int_keys(left: list[Column], right: list[Column]):
    """Several integer keys packed into one int64 per row (mixed radix over
    each key's value range on both sides), when the ranges' product fits:
    Q5's ``(o_custkey, s_nationkey) = (c_custkey, c_nationkey)`` without
    hashing both sides' values into a shared dictionary. None otherwise."""
    if not all(_is_plain_int(c) for c in left + right):
        return None
    spans = []
    for lcol, rcol in zip(left, right):
        values = [c.data for c in (lcol, rcol) if len(c.data)]
        if not values:
            return None
        lo = min(int(v.min()) for v in values)
        hi = max(int(v.max()) for v in values)
        spans.append((lo, hi - lo + 1))
    total = 1
    for _, width in spans:
        total *= width
    if total >= 1 << 62:
        return None
    result = []
    for side in (left, right):
        codes = np.zeros(len(side[0]), np.int64)
        valid = None
        for col, (lo, width) in zip(side, spans):
            codes *= np.int64(width)
            codes += col.data.astype(np.int64, copy=False) - np.int64(lo)
            if col.validity is not None:
                valid = col.validity if valid is None else valid & col.validity
        if valid is not None:
            codes[~valid] = -1
        result.append(codes)
    return result[0], result[1]


def _is_plain_int(col: Column) -> bool:
    return isinstance(col.data, np.ndarray) and col.data.dtype.kind in "iub"


def key_valid(cols: list[Column]) -> np.ndarray | None:
    """Rows whose key has no NULL (None: all rows)."""
    out = None
    for c in cols:
        if c.validity is not None:
            out = c.validity if out is None else (out & c.validity)
    return out


def sort_key(col: Column) -> np.ndarray:
    """An int64/float64 array whose order is the column's SQL order."""
    data = _comparable(col.data)
    if isinstance(data, (StringArray, DictArray)):
        if isinstance(data, DictArray):
            ranks, _ = string_ranks(data.dictionary)
            return ranks[data.codes]
        return string_ranks(data)[0]
    if data.dtype == object:
        if col.validity is not None:
            data = np.where(col.validity, data, 0)
        _, inv = np.unique(data, return_inverse=True)
        return inv.astype(np.int64)
    if data.dtype.kind == "f":
        return data
    return data.astype(np.int64, copy=False)
