"""Moving rows: gather (take), filter, concatenate, slice, decode and encode columns.

Role: the data-movement primitives under every operator. A filter keeps rows
(``filter_column``), a join or a sort gathers them by index (``take``), an
exchange or a union concatenates batches (``concat_columns``). They work on a
:class:`~columnar.core.chunk.Column` whatever its layout:

* numpy values (including ``object`` arrays of exact Python ints): numpy's own
  fancy indexing, which is already a tight C loop;
* :class:`~columnar.core.strings.StringArray`: two compiled passes, one that
  sums the selected lengths into new offsets, one that copies the bytes into
  an exactly sized buffer;
* :class:`~columnar.core.strings.DictArray`: only the int32 codes move, the
  dictionary is shared.

``take`` also implements the NULL-extension of outer joins: an index of ``-1``
produces a NULL row (validity False; the value slot holds 0, an empty string
or dictionary code 0).
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray, concat_string_arrays
from columnar.kernels._jit import njit
from columnar.kernels.hashing import factorize_strings_with_reps


_BLOCK = 64  # rows whose source bytes are requested together in _take_strings


@njit
def _take_strings(offsets, data, idx):
    """Gather strings at ``idx`` (an index < 0 gives an empty string).

    Pass 1 computes source starts and output offsets. Pass 2 copies in blocks:
    a first loop touches the first and last byte of each source string of the
    block (short iterations, so the cache misses overlap), then a second loop
    copies from cache. Copying row by row would wait out one miss per row.
    """
    n = len(idx)
    src = np.empty(n, np.int64)
    out_off = np.empty(n + 1, np.int64)
    out_off[0] = 0
    total = 0
    for i in range(n):
        j = idx[i]
        a = offsets[j] if j >= 0 else 0
        b = offsets[j + 1] if j >= 0 else 0
        src[i] = a
        total += b - a
        out_off[i + 1] = total
    out = np.empty(total, np.uint8)
    touched = 0
    for b0 in range(0, n, _BLOCK):
        b1 = min(b0 + _BLOCK, n)
        for i in range(b0, b1):
            length = out_off[i + 1] - out_off[i]
            if length > 0:
                touched += np.int64(data[src[i]]) + np.int64(data[src[i] + length - 1])
        for i in range(b0, b1):
            s = src[i]
            d = out_off[i]
            length = out_off[i + 1] - d
            out[d : d + length] = data[s : s + length]
    # Returning the touch sum keeps the compiler from deleting the touch loop.
    return out_off, out, touched


@njit
def _filter_strings(offsets, data, mask):
    n = len(mask)
    m = 0
    total = 0
    for i in range(n):
        if mask[i]:
            m += 1
            total += offsets[i + 1] - offsets[i]
    out_off = np.empty(m + 1, np.int64)
    out_off[0] = 0
    out = np.empty(total, np.uint8)
    r = 0
    pos = 0
    for i in range(n):
        if mask[i]:
            src = offsets[i]
            length = offsets[i + 1] - src
            out[pos : pos + length] = data[src : src + length]
            pos += length
            r += 1
            out_off[r] = pos
    return out_off, out


def _index_array(idx) -> np.ndarray:
    return np.ascontiguousarray(idx, dtype=np.int64)


def take_strings(sa: StringArray, idx: np.ndarray) -> StringArray:
    """Gather strings by index; ``-1`` gives an empty string.

    Example:
        >>> take_strings(StringArray.from_pylist(["a", "bc", "d"]), np.array([2, -1, 1])).to_pylist()
        ['d', '', 'bc']
    """
    off, data, _ = _take_strings(sa.offsets, sa.data, _index_array(idx))
    return StringArray(off, data)


def take(col: Column, idx: np.ndarray) -> Column:
    """Gather rows by int64 indices; ``-1`` yields a NULL row.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> c = take(Column(INTEGER, np.array([10, 20, 30])), np.array([2, -1, 0]))
        >>> c.data.tolist(), c.validity.tolist()
        ([30, 0, 10], [True, False, True])
    """
    idx = _index_array(idx)
    nulls = None
    if len(idx) and idx.min() < 0:
        nulls = idx < 0
    if nulls is None:
        validity = None if col.validity is None else col.validity[idx]
    else:
        safe = np.where(nulls, 0, idx) if len(col) else np.zeros(len(idx), np.int64)
        validity = ~nulls if col.validity is None or not len(col) else col.validity[safe] & ~nulls
    data = col.data
    if isinstance(data, StringArray):
        out = take_strings(data, idx)
    elif isinstance(data, DictArray):
        if nulls is None:
            codes = data.codes[idx]
        else:
            # Code 0 in NULL slots keeps every code a valid dictionary index;
            # an empty dictionary has no valid code, so -1 marks the slot.
            fill = 0 if len(data.dictionary) else -1
            codes = data.codes[safe] if len(data.codes) else np.zeros(len(idx), np.int32)
            codes = np.where(nulls, np.int32(fill), codes).astype(np.int32, copy=False)
        out = DictArray(codes, data.dictionary)
    else:
        if nulls is None:
            out = data[idx]
        elif len(data):
            out = data[safe]
            out[nulls] = None if data.dtype == object else 0
        else:
            out = np.zeros(len(idx), dtype=data.dtype)
            if data.dtype == object:
                out[:] = None
    return Column(col.type, out, validity)


def filter_column(col: Column, mask: np.ndarray) -> Column:
    """Keep the rows where ``mask`` is True.

    Example:
        >>> from columnar.core.types import VARCHAR
        >>> c = Column(VARCHAR, StringArray.from_pylist(["a", "b", "c"]))
        >>> filter_column(c, np.array([True, False, True])).data.to_pylist()
        ['a', 'c']
    """
    return filter_columns([col], mask)[0]


def filter_columns(cols: list[Column], mask: np.ndarray) -> list[Column]:
    """Keep the rows where ``mask`` is True, in every column of ``cols``.

    The kept positions are found once and each column is gathered through
    them: numpy's boolean indexing costs several times more per row than an
    integer gather when the mask is irregular (about 6.5 ms against 0.6 +
    0.7 ms for 1.5M int64 rows keeping 60 %). Strings are copied in one
    sequential pass over the mask. When the kept rows are one run (a range
    on a sorted column), every column is a view of that run.
    """
    mask = np.asarray(mask, dtype=np.bool_)
    rows = np.flatnonzero(mask)
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        # one run of rows (a range on the sort key): views, no copy
        return [slice_column(c, int(rows[0]), int(rows[-1]) + 1) for c in cols]
    out = []
    for col in cols:
        data = col.data
        if isinstance(data, StringArray):
            off, buf = _filter_strings(data.offsets, data.data, mask)
            out.append(Column(col.type, StringArray(off, buf), None if col.validity is None else col.validity[mask]))
            continue
        if isinstance(data, DictArray):
            data = DictArray(data.codes[rows], data.dictionary)
        else:
            data = data[rows]
        out.append(Column(col.type, data, None if col.validity is None else col.validity[rows]))
    return out


def decode_strings(d: DictArray) -> StringArray:
    """The plain strings of a dictionary-encoded array (a code < 0 decodes to '')."""
    return take_strings(d.dictionary, d.codes)


def decode(col: Column) -> Column:
    """DictArray → StringArray; any other column is returned unchanged.

    Example:
        >>> from columnar.core.types import VARCHAR
        >>> d = DictArray(np.array([1, 0, 1], np.int32), StringArray.from_pylist(["N", "R"]))
        >>> decode(Column(VARCHAR, d)).data.to_pylist()
        ['R', 'N', 'R']
    """
    if isinstance(col.data, DictArray):
        return Column(col.type, decode_strings(col.data), col.validity)
    return col


def concat_columns(cols: list[Column]) -> Column:
    """Concatenate same-typed columns.

    DictArrays sharing one dictionary object concatenate their codes; any other
    mix of string layouts is decoded to one StringArray. The validity is None
    only if every part has None.

    Example:
        >>> from columnar.core.types import BIGINT
        >>> a = Column(BIGINT, np.array([1, 2]))
        >>> b = Column(BIGINT, np.array([3]), np.array([False]))
        >>> c = concat_columns([a, b])
        >>> c.data.tolist(), c.validity.tolist()
        ([1, 2, 3], [True, True, False])
    """
    if not cols:
        raise ValueError("concat_columns needs at least one column")
    if len(cols) == 1:
        return cols[0]
    first = cols[0]
    datas = [c.data for c in cols]
    if any(isinstance(d, (StringArray, DictArray)) for d in datas):
        if all(isinstance(d, DictArray) for d in datas) and all(
            d.dictionary is datas[0].dictionary for d in datas
        ):
            data = DictArray(np.concatenate([d.codes for d in datas]).astype(np.int32, copy=False), datas[0].dictionary)
        else:
            data = concat_string_arrays([decode_strings(d) if isinstance(d, DictArray) else d for d in datas])
    else:
        data = np.concatenate(datas)
    if all(c.validity is None for c in cols):
        validity = None
    else:
        validity = np.concatenate([c.is_valid() for c in cols])
    return Column(first.type, data, validity)


def slice_strings(sa: StringArray, start: int, stop: int) -> StringArray:
    """Rows ``start:stop``: rebased offsets, the bytes as a view (no copy)."""
    off = sa.offsets[start : stop + 1]
    base = off[0]
    return StringArray(off - base, sa.data[base : off[-1]])


def slice_column(col: Column, start: int, stop: int) -> Column:
    """Rows ``start:stop`` (Python slice semantics, clipped to the column).

    Example:
        >>> from columnar.core.types import VARCHAR
        >>> c = Column(VARCHAR, StringArray.from_pylist(["a", "bb", "c"]))
        >>> slice_column(c, 1, 3).data.to_pylist()
        ['bb', 'c']
    """
    start, stop, _ = slice(start, stop).indices(len(col))
    stop = max(stop, start)
    data = col.data
    if isinstance(data, StringArray):
        out = slice_strings(data, start, stop)
    elif isinstance(data, DictArray):
        out = DictArray(data.codes[start:stop], data.dictionary)
    else:
        out = data[start:stop]
    validity = None if col.validity is None else col.validity[start:stop]
    return Column(col.type, out, validity)


def dictionary_encode(sa: StringArray) -> DictArray:
    """Dictionary-encode strings; the dictionary is in first-appearance order.

    Example:
        >>> d = dictionary_encode(StringArray.from_pylist(["R", "N", "R"]))
        >>> d.codes.tolist(), d.dictionary.to_pylist()
        ([0, 1, 0], ['R', 'N'])
    """
    codes, _, reps = factorize_strings_with_reps(sa)
    return DictArray(codes.astype(np.int32), take_strings(sa, reps))


__all__ = [
    "concat_columns",
    "decode",
    "decode_strings",
    "dictionary_encode",
    "filter_column",
    "filter_columns",
    "slice_column",
    "slice_strings",
    "take",
    "take_strings",
]
