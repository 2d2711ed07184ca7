"""HyperLogLog: the sketch behind ``APPROXIMATE COUNT(DISTINCT x)``.

Role: per-group distinct counts that merge across slices. Each slice reduces
its rows to one small *sketch* per group; sketches travel through the
DIST/gather step of a two-phase aggregate and merge by a per-register max,
so an approximate distinct count never moves the distinct values themselves
(an exact COUNT(DISTINCT) must redistribute every row on the group key).

The algorithm (Flajolet, Fusy, Gandouet, Meunier 2007):

* every value has a 64-bit hash (``kernels.hashing``); we remix it once more
  (splitmix64 with another seed) so the sketch's bits are independent of the
  ``hash % slices`` bits that placed the row on its slice under DISTSTYLE KEY;
* the top ``p`` bits pick one of ``m = 2**p`` *registers*; the register keeps
  the largest *rank* seen, the position of the first 1-bit among the
  remaining ``64 - p`` bits (a rank ``r`` happens with probability ``2**-r``);
* the estimate is ``alpha_m * m**2 / sum(2**-register)``, a harmonic mean; for
  small counts (estimate <= 2.5 m with empty registers left) *linear counting*
  ``m * ln(m / empty)`` is used instead, which is nearly exact for a few
  values. With 64-bit hashes no large-range correction is needed.

``p = 12`` (4096 registers): the relative standard error is ``1.04 / sqrt(m)``
~ 1.6 %, close to the "relative error of around 2 %" Redshift documents for
its own HyperLogLog. A register takes a byte.

Sketch layout (one binary string per group, carried in a VARCHAR column):
a *sparse* sketch lists the non-empty registers as 3-byte little-endian
words ``index << 6 | rank`` (``3 * nnz`` bytes); once that would reach
``m`` bytes the sketch is *dense*: exactly ``m`` bytes, register ``j`` at byte
``j``. The length tells them apart (``m`` is not a multiple of 3). Small
groups therefore ship a few bytes, not 4 KB.

Everything between rows and sketches works on *triplets* ``(group, register,
rank)``, sorted and reduced to the maximum rank per (group, register), so
building, merging and estimating are sorts and array arithmetic, never a
dense ``groups x m`` matrix.
"""

from __future__ import annotations

import numpy as np

from columnar.core.strings import StringArray
from columnar.kernels._jit import njit

PRECISION = 12
M = 1 << PRECISION
STANDARD_ERROR = 1.04 / np.sqrt(M)  # ~0.016
_RANK_BITS = 6  # ranks are 1..64-p+1 <= 53 < 64
_SEED = np.uint64(0xD6E8FEB86659FD93)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit
def _index_rank_kernel(hashes, p):
    n = len(hashes)
    idx = np.empty(n, np.int64)
    rank = np.empty(n, np.int64)
    shift = np.uint64(64 - p)
    top = np.uint64(1) << np.uint64(63)
    max_rank = 64 - p + 1
    for i in range(n):
        z = hashes[i] ^ _SEED
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
        idx[i] = np.int64(z >> shift)
        w = z << np.uint64(p)
        r = 1
        while r < max_rank and (w & top) == 0:
            w = w << np.uint64(1)
            r += 1
        rank[i] = r
    return idx, rank


def index_rank(hashes: np.ndarray, p: int = PRECISION) -> tuple[np.ndarray, np.ndarray]:
    """Register index (top ``p`` bits) and rank (first 1-bit after them) of each hash.

    Example:
        >>> idx, rank = index_rank(np.array([0, 1, 2**63], dtype=np.uint64))
        >>> bool((idx < M).all() and (rank >= 1).all())
        True
    """
    with np.errstate(over="ignore"):
        return _index_rank_kernel(np.ascontiguousarray(hashes, dtype=np.uint64), p)


def reduce_triplets(groups: np.ndarray, idx: np.ndarray, rank: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep the largest rank per (group, register); sorted by group, then register.

    One sort of ``(group * m + register) * 64 + rank``: the last entry of each
    (group, register) run holds its maximum.

    Example:
        >>> g, i, r = reduce_triplets(np.array([1, 0, 1]), np.array([5, 5, 5]), np.array([2, 7, 4]))
        >>> g.tolist(), i.tolist(), r.tolist()
        ([0, 1], [5, 5], [7, 4])
    """
    comb = (np.asarray(groups, np.int64) * M + np.asarray(idx, np.int64)) << _RANK_BITS
    comb = np.unique(comb | np.asarray(rank, np.int64))
    cell = comb >> _RANK_BITS
    last = np.ones(len(comb), dtype=np.bool_)
    last[:-1] = cell[1:] != cell[:-1]
    comb, cell = comb[last], cell[last]
    return cell // M, cell % M, comb & ((1 << _RANK_BITS) - 1)


def build(groups: np.ndarray, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Triplets of the values with these hashes, one group code per value."""
    idx, rank = index_rank(hashes)
    return reduce_triplets(groups, idx, rank)


@njit
def _encode_kernel(groups, idx, rank, k, m):
    counts = np.zeros(k, np.int64)
    for i in range(len(groups)):
        counts[groups[i]] += 1
    offsets = np.zeros(k + 1, np.int64)
    for g in range(k):
        size = 3 * counts[g]
        if size >= m:
            size = m
        offsets[g + 1] = offsets[g] + size
    out = np.zeros(offsets[k], np.uint8)
    pos = offsets[:k].copy()
    for i in range(len(groups)):
        g = groups[i]
        if offsets[g + 1] - offsets[g] == m:
            out[offsets[g] + idx[i]] = rank[i]
        else:
            word = (idx[i] << 6) | rank[i]
            p = pos[g]
            out[p] = word & 0xFF
            out[p + 1] = (word >> 8) & 0xFF
            out[p + 2] = (word >> 16) & 0xFF
            pos[g] = p + 3
    return offsets, out


def encode(groups: np.ndarray, idx: np.ndarray, rank: np.ndarray, k: int) -> StringArray:
    """One sketch per group ``0..k-1`` (an empty string for a group without values).

    Example:
        >>> s = encode(np.array([0, 0, 2]), np.array([3, 9, 1]), np.array([1, 2, 5]), 3)
        >>> s.lengths().tolist()
        [6, 0, 3]
    """
    offsets, data = _encode_kernel(np.asarray(groups, np.int64), np.asarray(idx, np.int64),
                                   np.asarray(rank, np.int64), int(k), M)
    return StringArray(offsets, data)


@njit
def _decode_kernel(offsets, data, codes, m):
    n = len(codes)
    total = 0
    for i in range(n):
        size = offsets[i + 1] - offsets[i]
        total += m if size == m else size // 3
    groups = np.empty(total, np.int64)
    idx = np.empty(total, np.int64)
    rank = np.empty(total, np.int64)
    t = 0
    for i in range(n):
        a, b = offsets[i], offsets[i + 1]
        if b - a == m:
            for j in range(m):
                if data[a + j] != 0:
                    groups[t] = codes[i]
                    idx[t] = j
                    rank[t] = data[a + j]
                    t += 1
        else:
            for p in range(a, b, 3):
                word = np.int64(data[p]) | (np.int64(data[p + 1]) << 8) | (np.int64(data[p + 2]) << 16)
                groups[t] = codes[i]
                idx[t] = word >> 6
                rank[t] = word & 63
                t += 1
    return groups[:t], idx[:t], rank[:t]


def decode(sketches: StringArray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Triplets of several sketches, sketch ``i`` belonging to group ``codes[i]``
    (not reduced: call :func:`reduce_triplets` to merge them).

    Example:
        >>> s = encode(np.array([0, 0]), np.array([3, 9]), np.array([1, 2]), 1)
        >>> [a.tolist() for a in decode(s, np.array([4]))]
        [[4, 4], [3, 9], [1, 2]]
    """
    return _decode_kernel(sketches.offsets, sketches.data, np.asarray(codes, np.int64), M)


def estimate(groups: np.ndarray, rank: np.ndarray, k: int) -> np.ndarray:
    """The distinct-count estimate of each group from its reduced triplets.

    Example:
        >>> g, i, r = build(np.zeros(3, np.int64), np.array([11, 22, 33], dtype=np.uint64))
        >>> estimate(g, r, 1).tolist()
        [3]
    """
    nonzero = np.bincount(groups, minlength=k).astype(np.float64)
    # (np.bincount of no values returns int64 even with weights)
    inverse = np.bincount(groups, weights=np.exp2(-np.asarray(rank, np.float64)), minlength=k).astype(np.float64)
    inverse += M - nonzero  # empty registers count 2**-0 = 1
    alpha = 0.7213 / (1.0 + 1.079 / M)
    raw = alpha * M * M / inverse
    empty = M - nonzero
    small = (raw <= 2.5 * M) & (empty > 0)
    linear = M * np.log(M / np.where(empty > 0, empty, 1))
    return np.rint(np.where(small, linear, raw)).astype(np.int64)


__all__ = ["M", "PRECISION", "STANDARD_ERROR", "build", "decode", "encode", "estimate",
           "index_rank", "reduce_triplets"]
