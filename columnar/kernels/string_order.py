"""String ordering: byte-wise sort permutations and dense ranks.

Role: ``string_ranks`` turns a string column into dense int64 ranks (equal
values share a rank, byte-wise order -- for UTF-8 that is code-point order),
so sort keys and comparisons of dictionary-encoded columns can work on
integers; ``sort_distinct_strings`` orders a chosen set of rows. A
:class:`~columnar.core.strings.DictArray` ranks its dictionary and re-densifies
over the codes actually used.

Algorithm: an MSD radix sort on 7-byte big-endian chunks packed with the chunk
length into one uint64 key (shorter prefixes sort first). Each level sorts the
keys of all unresolved runs at once with numpy's argsort, separates the runs
again with a counting sort, and refines runs of equal keys on the next chunk;
runs of <= 16 finish with an insertion sort (the byte-wise compare
:func:`.string_match._cmp`, past the known-equal prefix). Columns with many
repeats are factorized first (:mod:`.hashing`) and only their distinct values
are sorted.
"""

from __future__ import annotations

import numpy as np

from columnar.core.strings import DictArray, StringArray
from columnar.kernels._jit import njit
from columnar.kernels.hashing import _bytes_equal, estimate_distinct_strings, factorize_strings_with_reps
from columnar.kernels.string_match import _as_strings, _cmp


# ---------------------------------------------------------------- ordering


_CHUNK = 7  # bytes per sort key: 7 data bytes + 1 length byte in a uint64
_SMALL_RUN = 16  # runs this short finish with an insertion sort


@njit
def _chunk_key(data, s, e, pos):
    """Bytes data[pos:pos+7] big-endian in the top 56 bits, their count (0..7) in the low 8."""
    cnt = min(max(e - pos, np.int64(0)), np.int64(_CHUNK))
    key = np.uint64(0)
    for t in range(_CHUNK):
        key = key << np.uint64(8)
        if t < cnt:
            key = key | np.uint64(data[pos + t])
    return (key << np.uint64(8)) | np.uint64(cnt)


@njit
def _prepare_level(data, perm, sp, ep, seg_lo, seg_hi, skip):
    """One MSD level: insertion-sort the short runs, emit chunk keys of the long ones.

    ``sp``/``ep`` hold the byte range of the string at each position (they
    move with ``perm``, so reading them is sequential). Returns (positions,
    keys, run id) of the elements still to sort.
    """
    total = 0
    for j in range(len(seg_lo)):
        if seg_hi[j] - seg_lo[j] > _SMALL_RUN:
            total += seg_hi[j] - seg_lo[j]
    act = np.empty(total, np.int64)
    keys = np.empty(total, np.uint64)
    seg = np.empty(total, np.int64)
    r = 0
    for j in range(len(seg_lo)):
        lo = seg_lo[j]
        hi = seg_hi[j]
        if hi - lo <= _SMALL_RUN:  # compare past the known-equal prefix
            for t in range(lo + 1, hi):
                x = perm[t]
                xs = sp[t]
                xe = ep[t]
                u = t - 1
                while u >= lo:
                    if _cmp(data, xs + skip, xe, data, sp[u] + skip, ep[u]) >= 0:
                        break
                    perm[u + 1] = perm[u]
                    sp[u + 1] = sp[u]
                    ep[u + 1] = ep[u]
                    u -= 1
                perm[u + 1] = x
                sp[u + 1] = xs
                ep[u + 1] = xe
            continue
        for t in range(lo, hi):
            act[r] = t
            keys[r] = _chunk_key(data, sp[t], ep[t], sp[t] + skip)
            seg[r] = j
            r += 1
    return act, keys, seg


@njit
def _finish_level(perm, sp, ep, act, keys, seg, order, nseg):
    """Apply a key order within each run; return the runs of equal full chunks."""
    m = len(order)
    fill = np.zeros(nseg + 1, np.int64)
    for i in range(m):
        fill[seg[order[i]] + 1] += 1
    for j in range(nseg):
        fill[j + 1] += fill[j]
    grouped = np.empty(m, np.int64)  # stable by run: keeps key order inside a run
    for i in range(m):
        g = seg[order[i]]
        grouped[fill[g]] = order[i]
        fill[g] += 1
    vp = np.empty(m, np.int64)
    vs = np.empty(m, np.int64)
    ve = np.empty(m, np.int64)
    ks = np.empty(m, np.uint64)
    for i in range(m):
        t = act[grouped[i]]
        vp[i] = perm[t]
        vs[i] = sp[t]
        ve[i] = ep[t]
        ks[i] = keys[grouped[i]]
    for i in range(m):  # act enumerates the runs' positions in order
        t = act[i]
        perm[t] = vp[i]
        sp[t] = vs[i]
        ep[t] = ve[i]
    new_lo = np.empty(m // 2 + 1, np.int64)
    new_hi = np.empty(m // 2 + 1, np.int64)
    c = 0
    i = 0
    while i < m:
        g = seg[grouped[i]]
        u = i + 1
        while u < m and ks[u] == ks[i] and seg[grouped[u]] == g:
            u += 1
        # Equal full chunks: the strings go on, refine them on the next chunk.
        if u - i > 1 and (ks[i] & np.uint64(0xFF)) == np.uint64(_CHUNK):
            new_lo[c] = act[i]
            new_hi[c] = act[i] + (u - i)
            c += 1
        i = u
    return new_lo[:c].copy(), new_hi[:c].copy()


@njit
def _dense_ranks(data, perm, sp, ep):
    """Ranks of sorted strings, equal neighbours sharing a rank: (ranks, k)."""
    k = len(perm)
    ranks = np.empty(k, np.int64)
    r = -1
    for i in range(k):
        if i == 0 or not _bytes_equal(data, sp[i], ep[i], data, sp[i - 1], ep[i - 1]):
            r += 1
        ranks[perm[i]] = r
    return ranks, r + 1


def _sort_rows(sa: StringArray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(perm, sp, ep): perm orders ``rows`` by their bytes; sp/ep are the sorted byte ranges."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    sp = sa.offsets[rows]
    ep = sa.offsets[rows + 1]
    perm = np.arange(len(rows), dtype=np.int64)
    seg_lo = np.zeros(1 if len(rows) > 1 else 0, dtype=np.int64)
    seg_hi = np.full(len(seg_lo), len(rows), dtype=np.int64)
    depth = 0
    while len(seg_lo):
        act, keys, seg = _prepare_level(sa.data, perm, sp, ep, seg_lo, seg_hi, depth * _CHUNK)
        if not len(act):
            break
        order = np.argsort(keys)  # numpy's (SIMD) sort; the runs are separated after
        seg_lo, seg_hi = _finish_level(perm, sp, ep, act, keys, seg, order, len(seg_lo))
        depth += 1
    return perm, sp, ep


def sort_distinct_strings(sa: StringArray, rows: np.ndarray) -> np.ndarray:
    """Permutation of ``rows`` putting their strings in byte-wise ascending order.

    Example:
        >>> sort_distinct_strings(StringArray.from_pylist(["b", "ab", "a"]), np.array([0, 1, 2])).tolist()
        [2, 1, 0]
    """
    return _sort_rows(sa, rows)[0]


def string_ranks(sa) -> tuple[np.ndarray, int]:
    """Dense 0-based rank of each value among the sorted distinct values, and k.

    Mostly-distinct columns are sorted row by row; columns with repeats are
    factorized first and only their distinct values are sorted.

    Example:
        >>> ranks, k = string_ranks(StringArray.from_pylist(["b", "a", "b", "", "ab"]))
        >>> ranks.tolist(), k
        ([3, 1, 3, 0, 2], 4)
    """
    if isinstance(sa, DictArray) and len(sa.dictionary):
        # Rank the dictionary, then re-densify over the codes actually used.
        dranks, dk = string_ranks(sa.dictionary)
        r = dranks[sa.codes]
        present = np.zeros(dk, dtype=np.int64)
        present[r] = 1
        remap = np.cumsum(present) - 1
        return remap[r], int(present.sum())
    sa = _as_strings(sa)
    n = len(sa)
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0
    if 2 * estimate_distinct_strings(sa) >= n:
        perm, sp, ep = _sort_rows(sa, np.arange(n, dtype=np.int64))
        ranks, k = _dense_ranks(sa.data, perm, sp, ep)
        return ranks, int(k)
    codes, k, reps = factorize_strings_with_reps(sa)
    perm = sort_distinct_strings(sa, reps)
    rank_of_code = np.empty(k, dtype=np.int64)
    rank_of_code[perm] = np.arange(k, dtype=np.int64)
    return rank_of_code[codes], k


__all__ = ["sort_distinct_strings", "string_ranks"]
