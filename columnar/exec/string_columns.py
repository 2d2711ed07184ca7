"""String-column plumbing shared by the evaluator, CAST and the functions.

Role: small helpers that let :mod:`columnar.exec.cast`,
:mod:`columnar.exec.functions` and :mod:`columnar.exec.evaluate` treat a
string column the same whether it is a plain
:class:`~columnar.core.strings.StringArray` or a
:class:`~columnar.core.strings.DictArray`:

* :func:`map_strings` runs a string → string transform once per *distinct*
  value of a DictArray (keeping the codes), or once over a StringArray;
* :func:`used_dictionary` narrows a dictionary to the entries valid rows use,
  so that a CAST of a dictionary never fails on a value no row holds;
* :func:`dedupe` restores the "distinct dictionary values" invariant after a
  transform that may merge values (UPPER, SUBSTRING, truncation): GROUP BY
  and JOIN use the codes as keys, so two codes must never mean one string;
* :func:`to_arrow` / :func:`from_arrow` / :func:`from_text` move strings to
  and from pyarrow (zero-copy for the buffers) for the parsing and the
  vectorised text functions pyarrow.compute offers;
* :func:`truncate_bytes` cuts values to ``n`` bytes without splitting a
  UTF-8 character (VARCHAR(n) counts bytes, as in Redshift).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyarrow as pa

from columnar.core.strings import DictArray, StringArray
from columnar.kernels import columns as kcols


def plain(data) -> StringArray:
    """A StringArray whatever the layout."""
    return kcols.decode_strings(data) if isinstance(data, DictArray) else data


def dedupe(codes: np.ndarray, dictionary: StringArray) -> DictArray:
    """A DictArray whose dictionary values are distinct again.

    Example:
        >>> d = dedupe(np.array([0, 1, 2], np.int32), StringArray.from_pylist(["A", "A", "b"]))
        >>> d.codes.tolist(), d.dictionary.to_pylist()
        ([0, 0, 1], ['A', 'b'])
    """
    enc = kcols.dictionary_encode(dictionary)
    if len(enc.dictionary) == len(dictionary):
        return DictArray(codes, dictionary)
    return DictArray(enc.codes[codes].astype(np.int32, copy=False), enc.dictionary)


def map_strings(data, fn: Callable[[StringArray], StringArray], injective: bool = False):
    """Apply a string → string transform; DictArrays are mapped per distinct value.

    ``injective`` says that distinct inputs stay distinct (e.g. ``|| 'x'``),
    which spares the :func:`dedupe` pass.
    """
    if isinstance(data, DictArray):
        if len(data.dictionary) == 0:
            return fn(plain(data))
        mapped = fn(data.dictionary)
        return DictArray(data.codes, mapped) if injective else dedupe(data.codes, mapped)
    return fn(data)


def map_values(data, fn: Callable[[StringArray], np.ndarray]) -> np.ndarray:
    """Apply a string → per-row values function (numbers, booleans)."""
    if isinstance(data, DictArray) and len(data.dictionary):
        return fn(data.dictionary)[data.codes]
    return fn(plain(data))


def used_dictionary(d: DictArray, validity: np.ndarray | None) -> DictArray:
    """The same rows over only the dictionary entries some valid row uses.

    NULL rows get code 0 (their value is irrelevant). Returns ``d`` itself
    when every entry is used.
    """
    k = len(d.dictionary)
    codes = d.codes if validity is None else d.codes[validity]
    used = np.zeros(k, dtype=np.bool_)
    used[codes] = True
    if used.all():
        return d
    keep = np.flatnonzero(used)
    remap = np.zeros(k, dtype=np.int32)
    remap[keep] = np.arange(len(keep), dtype=np.int32)
    return DictArray(remap[d.codes], kcols.take_strings(d.dictionary, keep))


def to_arrow(sa: StringArray, validity: np.ndarray | None = None) -> pa.Array:
    """A pyarrow ``large_string`` array over the same buffers (no copy)."""
    sa = plain(sa)
    n = len(sa)
    bitmap = None
    if validity is not None:
        bitmap = pa.py_buffer(np.packbits(np.asarray(validity, dtype=np.bool_), bitorder="little"))
    offsets = np.ascontiguousarray(sa.offsets, dtype=np.int64)
    data = np.ascontiguousarray(sa.data, dtype=np.uint8)
    return pa.Array.from_buffers(
        pa.large_string(), n, [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)], null_count=-1
    )


def from_arrow(arr) -> tuple[StringArray, np.ndarray | None]:
    """A pyarrow string array as (StringArray, validity or None)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    if n and offsets[0] != 0:
        data = data[offsets[0] : offsets[-1]]
        offsets = offsets - offsets[0]
    validity = None
    if arr.null_count:
        validity = arr.is_valid().to_numpy(zero_copy_only=False)
    return StringArray(offsets.copy(), data.copy()), validity


def from_text(values: np.ndarray) -> StringArray:
    """A numpy unicode array (``<U``) as a StringArray, encoded by pyarrow in C."""
    if len(values) == 0:
        return StringArray(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8))
    return from_arrow(pa.array(values, type=pa.large_string()))[0]


def truncate_bytes(sa: StringArray, n: int) -> StringArray:
    """Cut every value to at most ``n`` bytes, backing off so that no UTF-8
    character is split.

    Example:
        >>> truncate_bytes(StringArray.from_pylist(["abcdef", "hé", "x"]), 2).to_pylist()
        ['ab', 'h', 'x']
    """
    lengths = np.diff(sa.offsets)
    if len(sa) == 0 or int(lengths.max()) <= n:
        return sa
    starts = sa.offsets[:-1]
    keep = np.minimum(lengths, n)
    for _ in range(3):  # a UTF-8 character has at most 3 continuation bytes
        cut = np.flatnonzero(keep < lengths)
        cont = (sa.data[starts[cut] + keep[cut]] & 0xC0) == 0x80
        if not cont.any():
            break
        keep[cut[cont]] -= 1
    offsets = np.zeros(len(sa) + 1, dtype=np.int64)
    np.cumsum(keep, out=offsets[1:])
    rows = np.repeat(np.arange(len(sa)), keep)
    positions = np.arange(int(offsets[-1]), dtype=np.int64) - offsets[rows] + starts[rows]
    return StringArray(offsets, sa.data[positions])
