"""Zone maps: per-block min/max that let a scan skip blocks that cannot match.

Role: Redshift stores each column of each slice in 1 MB blocks and keeps, for
every block, the number of values and their minimum and maximum (the *zone
map*). A scan whose predicate restricts a column to a range reads only the
blocks whose ``[min, max]`` overlaps it: a *range-restricted scan*
(STL_SCAN.is_rrscan = 't'). On a column the rows are sorted by (a COMPOUND
sort key's first column) the blocks hold disjoint ranges and most are skipped;
on a randomly ordered column every block spans nearly the whole domain and
none is.

Blocks here
-----------
A slice's column is cut into blocks of as many rows as fit in ``block_bytes``
(the connection's ``block_bytes``, 1 MB by default): ``block_bytes //
itemsize`` rows for a fixed-width column; for strings, by cumulative byte
length (a row belongs to the block its first byte falls in, so every block
holds at least one row, and one long value may span several blocks' worth of
bytes). Blocks of different columns therefore have different row boundaries.

Worked example
--------------
Take ``o_orderdate`` sorted on one slice, 4 rows per block::

    block  rows     min         max         nulls
    0      0..3     2024-01-01  2024-01-09  0
    1      4..7     2024-01-10  2024-01-20  0
    2      8..11    2024-01-21  2024-02-03  1

``WHERE o_orderdate >= '2024-01-15' AND o_orderdate < '2024-01-21'`` becomes
the range ``[2024-01-15, 2024-01-21)`` (:mod:`columnar.storage.pruning`). A
block *may* hold a matching row iff ``max >= lo`` and ``min < hi`` and it has
a non-NULL value:

    block 0: max 01-09 >= 01-15?  no  -> skipped
    block 1: max 01-20 >= 01-15, min 01-10 < 01-21  -> read
    block 2: min 01-21 < 01-21?   no  -> skipped

Only rows 4..7 are read; the filter above the scan still evaluates the
predicate on them, so pruning never changes a result, it only saves reads.

Three-valued logic
------------------
A zone map answers "can this block contain a row for which the predicate is
TRUE?" with *no* (skip) or *maybe* (read); never *yes*. WHERE keeps only TRUE
rows and a comparison with NULL is UNKNOWN, so NULLs never make a block match
a comparison: a block of only NULLs (``nulls == rows``) is skipped by any
comparison, and ``IS NULL`` keeps exactly the blocks with ``nulls > 0``.
Anything the pruner cannot prove (a function or cast of the column, ``OR``,
``<>``, ``LIKE``, NaN in a float block) answers *maybe*.

Strings: the first 8 bytes
--------------------------
Redshift keeps only the first 8 bytes of a string as its zone-map value. Here
a string's *key* is the first 8 bytes of its UTF-8 encoding after trailing
blanks are stripped (comparisons ignore them), zero-padded and read as a
big-endian ``uint64``; zero-padding makes the integer order the byte order of
the prefixes. Truncation is monotone (``a <= b`` implies ``key(a) <=
key(b)``) but not strict: ``'abcdefgh1'`` and ``'abcdefgh2'`` share the key of
``'abcdefgh'``, so a block whose max key is ``'abcdefgh'`` may hold any value
extending that prefix. The rule therefore compares keys with every strict
comparison relaxed: ``col > 'abcdefghz'`` reads a block iff
``key(max) >= key('abcdefghz')``, ``col < c`` iff ``key(min) <= key(c)``,
``col = c`` iff ``key(min) <= key(c) <= key(max)``. Values sharing a long
common prefix (URLs, ``'customer#000…'``) thus prune poorly, as in Redshift.

Example:
    >>> import numpy as np
    >>> from columnar.core.chunk import Column
    >>> from columnar.core.types import BIGINT
    >>> from columnar.storage.pruning import AnyOf, ColumnRange
    >>> zm = build_zone_map(Column(BIGINT, np.arange(1000)), 4096)  # 512 rows per block
    >>> zm.starts.tolist(), zm.mins.tolist(), zm.maxs.tolist()
    ([0, 512], [0, 512], [511, 999])
    >>> zm.may_match(ColumnRange().restrict(">", 600)).tolist()
    [False, True]
    >>> zm.may_match(ColumnRange().with_null_only()).tolist()
    [False, False]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.storage.pruning import AnyOf, ColumnRange

KEY_BYTES = 8  # a string's zone-map value: its first 8 bytes
_BLANK = 0x20


@dataclass
class ZoneMap:
    """Per-block statistics of one column of one slice (arrays over blocks).

    ``kind`` is ``"num"`` (min/max are the values), ``"str"`` (min/max are
    8-byte prefix keys) or ``None`` (no statistics: every block may match).
    """

    starts: np.ndarray  # first row of each block
    rows: np.ndarray  # rows in each block
    nulls: np.ndarray  # NULLs in each block
    mins: np.ndarray | None
    maxs: np.ndarray | None
    kind: str | None

    @property
    def n_blocks(self) -> int:
        return len(self.starts)

    def row_mask(self, keep: np.ndarray) -> np.ndarray:
        """Per-row booleans from per-block ``keep``."""
        return np.repeat(keep, self.rows)

    def may_match(self, r: ColumnRange | AnyOf) -> np.ndarray:
        """Blocks that may hold a row whose value lies in ``r`` (see the module doc);
        for a union of ranges, the blocks that may match any of them."""
        if isinstance(r, AnyOf):
            keep = np.zeros(self.n_blocks, dtype=np.bool_)
            for one in r.ranges:
                keep |= self.may_match(one)
            return keep
        n = self.n_blocks
        if r.empty:
            return np.zeros(n, dtype=np.bool_)
        if r.null_only:
            return self.nulls > 0
        has_values = self.nulls < self.rows
        if self.kind is None or r.unrestricted:
            return has_values
        lo, hi, lo_closed, hi_closed = r.lo, r.hi, r.lo_closed, r.hi_closed
        points = r.points
        if self.kind == "str":  # keys: truncation is monotone, so strict comparisons relax
            lo = None if lo is None else string_key(lo)
            hi = None if hi is None else string_key(hi)
            lo_closed = hi_closed = True
            points = None if points is None else tuple(string_key(p) for p in points)
        keep = has_values.copy()
        if lo is not None:
            keep &= (self.maxs >= lo) if lo_closed else (self.maxs > lo)
        if hi is not None:
            keep &= (self.mins <= hi) if hi_closed else (self.mins < hi)
        if points is not None:
            any_point = np.zeros(n, dtype=np.bool_)
            for p in points:
                any_point |= (self.mins <= p) & (self.maxs >= p)
            keep &= any_point
        return keep


def string_key(s: str) -> int:
    """A string's zone-map key: its first 8 UTF-8 bytes (trailing blanks stripped),
    zero-padded, big-endian.

    Example:
        >>> string_key("abcdefgh1") == string_key("abcdefgh2") == string_key("abcdefgh")
        True
        >>> string_key("ab  ") == string_key("ab") < string_key("ab!")
        True
    """
    raw = s.rstrip(" ").encode("utf-8")[:KEY_BYTES]
    return int.from_bytes(raw.ljust(KEY_BYTES, b"\0"), "big")


# ------------------------------------------------------------------ building


def block_starts(col: Column, block_bytes: int) -> np.ndarray:
    """First row of each block of ``col`` (empty for an empty column)."""
    n = len(col)
    data = col.data
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if isinstance(data, (StringArray, DictArray)):
        lengths = _string_lengths(data)
        first_byte = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        block_id = first_byte // block_bytes
        new = np.empty(n, dtype=np.bool_)
        new[0] = True
        new[1:] = block_id[1:] != block_id[:-1]
        return np.flatnonzero(new).astype(np.int64)
    width = 16 if data.dtype == object else max(1, data.dtype.itemsize)
    per = max(1, block_bytes // width)
    return np.arange(0, n, per, dtype=np.int64)


def build_zone_map(col: Column, block_bytes: int) -> ZoneMap:
    """Blocks and their min/max/null count, vectorised over blocks (``reduceat``)."""
    n = len(col)
    starts = block_starts(col, block_bytes)
    rows = np.diff(np.append(starts, n)).astype(np.int64)
    valid = col.validity
    if valid is None or n == 0:
        nulls = np.zeros(len(starts), dtype=np.int64)
    else:
        nulls = np.add.reduceat((~valid).astype(np.int64), starts) if len(starts) else np.zeros(0, np.int64)
    data = col.data
    if n == 0:
        return ZoneMap(starts, rows, nulls, None, None, None)
    if isinstance(data, (StringArray, DictArray)):
        keys = _string_keys(data)
        lo_fill, hi_fill, kind = np.uint64(np.iinfo(np.uint64).max), np.uint64(0), "str"
    elif isinstance(data, np.ndarray) and data.dtype.kind in "iu":
        keys = data.astype(np.int64, copy=False)
        lo_fill, hi_fill, kind = np.iinfo(np.int64).max, np.iinfo(np.int64).min, "num"
    elif isinstance(data, np.ndarray) and data.dtype.kind == "f":
        keys = data.astype(np.float64, copy=False)
        lo_fill, hi_fill, kind = np.inf, -np.inf, "num"
    else:  # booleans, objects (SUPER, intervals ...): no statistics
        return ZoneMap(starts, rows, nulls, None, None, None)
    if valid is None:
        mins = np.minimum.reduceat(keys, starts)
        maxs = np.maximum.reduceat(keys, starts)
    else:
        mins = np.minimum.reduceat(np.where(valid, keys, lo_fill), starts)
        maxs = np.maximum.reduceat(np.where(valid, keys, hi_fill), starts)
    if keys.dtype.kind == "f":  # a NaN (greater than every number) makes a block unknowable
        nan = np.isnan(keys) if valid is None else (np.isnan(keys) & valid)
        if nan.any():
            has_nan = np.logical_or.reduceat(nan, starts)
            mins = np.where(has_nan, -np.inf, mins)
            maxs = np.where(has_nan, np.inf, maxs)
    return ZoneMap(starts, rows, nulls, mins, maxs, kind)


def _string_lengths(data) -> np.ndarray:
    if isinstance(data, DictArray):
        return data.dictionary.lengths()[data.codes]
    return data.lengths()


def _string_keys(data) -> np.ndarray:
    """``uint64`` keys of every row (see :func:`string_key`), vectorised: the
    stripped length of each value from the last non-blank byte (``reduceat``),
    then 8 passes, one per key byte."""
    if isinstance(data, DictArray):
        return _string_keys(data.dictionary)[data.codes]
    off = data.offsets.astype(np.int64, copy=False)
    base = int(off[0])
    d = data.data[base : int(off[-1])]
    starts = off[:-1] - base
    ends = off[1:] - base
    n = len(starts)
    last = np.full(n, -1, dtype=np.int64)
    nonempty = ends > starts
    if nonempty.any():
        pos = np.where(d != _BLANK, np.arange(len(d), dtype=np.int64), -1)
        last[nonempty] = np.maximum.reduceat(pos, starts[nonempty])
    slen = np.maximum(last - starts + 1, 0)
    keys = np.zeros(n, dtype=np.uint64)
    for j in range(KEY_BYTES):
        has = slen > j
        if not has.any():
            break
        byte = np.zeros(n, dtype=np.uint64)
        byte[has] = d[starts[has] + j]
        keys |= byte << np.uint64(8 * (KEY_BYTES - 1 - j))
    return keys
