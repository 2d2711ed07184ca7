"""Row placement: which slice each row of a table (or an exchange) goes to.

Role: the behaviour behind DISTSTYLE. Used by INSERT/COPY to place rows, and
by the network model when a join or aggregate redistributes rows on a key.

* **KEY**: ``slice = hash(distkey) mod n_slices``. Redshift does not document
  its hash, so ours is fixed and documented: integers, dates, timestamps,
  booleans and scaled decimals hash their int64 value with the splitmix64
  finalizer; floats hash their IEEE bits (-0.0 as 0.0); strings hash their
  UTF-8 bytes (trailing blanks removed, as comparisons ignore them) with
  FNV-1a then the same finalizer (``kernels.hashing``).
  Equal values therefore land on the same slice in every table whose key has
  the same physical type, which is what makes DS_DIST_NONE joins possible.
  NULL keys go to slice 0 (undocumented in Redshift; our choice).
* **EVEN**: round-robin by row id, continuing from the table's last row, so
  per-slice counts never differ by more than one.
* **ALL**: a full copy on the first slice of every node.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.kernels.counting_sort import counting_order
from columnar.kernels.columns import take
from columnar.kernels.hashing import hash_int64, hash_strings
from columnar.kernels.strings import rtrim_spaces

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def hash_column(col: Column) -> np.ndarray:
    """uint64 hash per row, 0 for NULL rows (see the module docstring)."""
    data = col.data
    # trailing blanks are insignificant in string comparisons, so not in the hash either
    if isinstance(data, DictArray):
        h = hash_strings(rtrim_spaces(data.dictionary))[data.codes]
    elif isinstance(data, StringArray):
        h = hash_strings(rtrim_spaces(data))
    elif data.dtype == object:  # decimals beyond int64: hash the low 64 bits
        low = np.array([int(v) & 0xFFFFFFFFFFFFFFFF for v in data], dtype=np.uint64)
        h = hash_int64(low.view(np.int64))
    elif data.dtype.kind == "f":
        h = hash_int64((data + 0.0).astype(np.float64).view(np.int64))
    else:
        h = hash_int64(data.astype(np.int64, copy=False))
    if col.validity is not None:
        h = np.where(col.validity, h, np.uint64(0))
    return h


def hash_columns(cols: list[Column]) -> np.ndarray:
    """Combined hash of a multi-column key (order matters)."""
    h = hash_column(cols[0])
    for c in cols[1:]:
        with np.errstate(over="ignore"):
            h = h * _GOLDEN + hash_column(c)
    return h


def key_slices(cols: list[Column], n_slices: int) -> np.ndarray:
    """The slice of each row for a KEY placement on ``cols``."""
    return (hash_columns(cols) % np.uint64(n_slices)).astype(np.int64)


def even_slices(n_rows: int, first_row_id: int, n_slices: int) -> np.ndarray:
    """Round-robin slices for rows numbered ``first_row_id ..``."""
    return (np.arange(first_row_id, first_row_id + n_rows, dtype=np.int64)) % n_slices


#: Loads of at least this many rows gather their columns on several threads.
PARALLEL_GATHER_ROWS = 100_000


def split_by_slice(columns: list[Column], slices: np.ndarray, n_slices: int,
                   within: np.ndarray | None = None) -> list[list[Column] | None]:
    """Partition rows by their slice id; None for slices that get no rows.

    ``within`` is a row order to keep inside each slice (a sort on the sort key),
    so that a bulk load sorts and splits with one gather per column.
    """
    def by_slice(keys: np.ndarray) -> np.ndarray:  # stable; slice ids are a small range
        order = counting_order(keys)
        return order if order is not None else np.argsort(keys, kind="stable")

    if within is None:
        order = by_slice(slices)
    else:
        order = within[by_slice(slices[within])]
    counts = np.bincount(slices, minlength=n_slices)
    bounds = np.concatenate(([0], np.cumsum(counts)))
    jobs = [(s, i) for s in range(n_slices) if counts[s] for i in range(len(columns))]

    def gather(job):
        s, i = job
        return take(columns[i], order[bounds[s]: bounds[s + 1]])

    if len(order) >= PARALLEL_GATHER_ROWS and len(jobs) > 1:  # the gathers release the GIL
        with ThreadPoolExecutor(min(os.cpu_count() or 1, len(jobs))) as pool:
            gathered = list(pool.map(gather, jobs))
    else:
        gathered = [gather(j) for j in jobs]
    out: list[list[Column] | None] = [None] * n_slices
    for (s, i), col in zip(jobs, gathered):
        if out[s] is None:
            out[s] = []
        out[s].append(col)
    return out
