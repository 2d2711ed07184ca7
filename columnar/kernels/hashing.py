"""Hashing and factorizing: turning keys into dense integer codes.

Role: every GROUP BY, JOIN, DISTINCT and DISTSTYLE KEY placement starts here.
A *factorization* maps each row's key to a dense code ``0..k-1`` (codes given
in first-appearance order), so that later kernels (:mod:`.aggregate`,
:mod:`.join`) can use plain arrays indexed by code instead of hash tables.

Algorithms:

* Integers (``factorize_int64``): *direct addressing* when the key range is
  small relative to the row count (``max - min <= 4 * n + 1024``; TPC-H keys are
  dense, so this is the common case): a lookup table indexed by ``key - min``.
  Otherwise an open-addressing table with linear probing, slots addressed by
  *Fibonacci hashing* (``(key * 0x9E3779B97F4A7C15) >> (64 - bits)``, the top
  bits of a multiplicative hash), key and code side by side in one slot so a
  probe touches one cache line. The table starts small and doubles when half
  full, so a few distinct values never allocate a table sized for all rows.
* Floats: bitwise on the float after normalising ``-0.0`` to ``0.0`` and every
  NaN to one NaN, then the integer path on the bit pattern.
* Strings: open addressing over the FNV-1a/splitmix hash of the bytes; a
  candidate slot is confirmed by comparing the stored hash, then the bytes.
* Several key columns (``combine_codes``): mixed radix (``c0 * card1 + c1``)
  while the product of cardinalities fits int64, refactorizing densely when it
  would not, then one final dense refactorization.

The public hashes ``hash_int64`` / ``hash_strings`` place rows on slices for
DISTSTYLE KEY (``slice = hash % nslices``), so they are fixed functions, stable
across runs and platforms (no seeds, no Python ``hash``).
"""

from __future__ import annotations

import numpy as np

from columnar.core.strings import StringArray
from columnar.kernels._jit import njit

# splitmix64 (Steele, Lea, Flood 2014) constants.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)
# FNV-1a 64-bit constants.
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
# Fibonacci hashing multiplier: 2**64 / golden ratio.
_FIB = np.uint64(0x9E3779B97F4A7C15)

_INT64_MAX = 2**63 - 1
_MIN_BITS = 10  # smallest hash table: 1024 slots


# ---------------------------------------------------------------- hash functions


@njit
def _mix64(z):
    """splitmix64's output function on a uint64."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit
def _hash_bytes(data, start, stop):
    """FNV-1a 64 over ``data[start:stop]``, then splitmix64's output function."""
    h = _FNV_OFFSET
    for j in range(start, stop):
        h = (h ^ np.uint64(data[j])) * _FNV_PRIME
    return _mix64(h)


@njit
def _hash_int64_kernel(values):
    n = len(values)
    out = np.empty(n, np.uint64)
    for i in range(n):
        out[i] = _mix64(np.uint64(values[i]) + _GAMMA)
    return out


@njit
def _hash_strings_kernel(offsets, data):
    n = len(offsets) - 1
    out = np.empty(n, np.uint64)
    for i in range(n):
        out[i] = _hash_bytes(data, offsets[i], offsets[i + 1])
    return out


def hash_int64(values: np.ndarray) -> np.ndarray:
    """Stable 64-bit hash of each integer: ``splitmix64(x)``.

    Exactly: ``z = uint64(x) + 0x9E3779B97F4A7C15`` (mod 2**64), then
    ``z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9``,
    ``z = (z ^ (z >> 27)) * 0x94D049BB133111EB``, ``z ^ (z >> 31)``
    (all mod 2**64) -- the first output of a splitmix64 generator seeded with x.

    Example:
        >>> hash_int64(np.array([0, 1, -1], dtype=np.int64)).tolist()
        [16294208416658607535, 10451216379200822465, 16490336266968443936]
    """
    v = np.ascontiguousarray(values, dtype=np.int64)
    with np.errstate(over="ignore"):
        return _hash_int64_kernel(v)


def hash_strings(sa: StringArray) -> np.ndarray:
    """Stable 64-bit hash of each string's UTF-8 bytes.

    Exactly: FNV-1a 64 (``h = 0xCBF29CE484222325``; per byte ``h = (h ^ b) *
    0x100000001B3`` mod 2**64), followed by splitmix64's output function
    (the three xor-shift-multiply steps of :func:`hash_int64`, without the
    initial increment).

    Example:
        >>> hash_strings(StringArray.from_pylist(["", "a"])).tolist()
        [17665956581633026203, 198367012849983736]
    """
    with np.errstate(over="ignore"):
        return _hash_strings_kernel(sa.offsets, sa.data)


# ---------------------------------------------------------------- integer factorize


@njit
def _factorize_direct(values, mn, size):
    """Codes via a lookup table indexed by ``value - mn`` (``size`` entries;
    int32, as there are fewer than 2**31 rows: half the memory to clear)."""
    n = len(values)
    lut = np.full(size, -1, np.int32)
    codes = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        j = values[i] - mn
        c = np.int64(lut[j])
        if c < 0:
            c = k
            lut[j] = k
            k += 1
        codes[i] = c
    return codes, k, lut


@njit
def _slot(v, shift):
    """Fibonacci hash of an int64 key: the top ``64 - shift`` bits of ``v * FIB``."""
    return np.int64((np.uint64(v) * _FIB) >> shift)


@njit
def _int_table(uniq, k, bits):
    """An open-addressing table holding ``uniq[:k]``: slot s is (code, key) at 2s, 2s+1."""
    size = np.int64(1) << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    tab = np.full(2 * size, -1, np.int64)
    for g in range(k):
        v = uniq[g]
        s = _slot(v, shift)
        while tab[2 * s] >= 0:
            s = (s + 1) & mask
        tab[2 * s] = g
        tab[2 * s + 1] = v
    return tab


@njit
def _factorize_hash(values, bits):
    """Codes via a growing open-addressing table; returns (codes, k, uniq, table, bits)."""
    n = len(values)
    size = np.int64(1) << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    tab = np.full(2 * size, -1, np.int64)
    uniq = np.empty(n, np.int64)
    codes = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        v = values[i]
        s = _slot(v, shift)
        while True:
            g = tab[2 * s]
            if g < 0:
                tab[2 * s] = k
                tab[2 * s + 1] = v
                uniq[k] = v
                codes[i] = k
                k += 1
                if 2 * k > size:  # keep the load factor <= 1/2
                    bits += 1
                    size <<= 1
                    mask = size - 1
                    shift = np.uint64(64 - bits)
                    tab = _int_table(uniq, k, bits)
                break
            if tab[2 * s + 1] == v:
                codes[i] = g
                break
            s = (s + 1) & mask
    return codes, k, uniq, tab, bits


@njit
def _lookup_hash(keys, tab, bits):
    """Code of each key in a table built by ``_factorize_hash`` (-1 if absent)."""
    n = len(keys)
    mask = (np.int64(1) << bits) - 1
    shift = np.uint64(64 - bits)
    out = np.empty(n, np.int64)
    for i in range(n):
        v = keys[i]
        s = _slot(v, shift)
        while True:
            g = tab[2 * s]
            if g < 0 or tab[2 * s + 1] == v:
                out[i] = g
                break
            s = (s + 1) & mask
    return out


@njit
def _lookup_direct(keys, mn, mx, lut):
    """Code of each key in a direct-address table over ``[mn, mx]`` (-1 if absent)."""
    n = len(keys)
    out = np.empty(n, np.int64)
    for i in range(n):
        v = keys[i]
        # Bounds first: ``v - mn`` could overflow for far-away keys.
        out[i] = lut[v - mn] if (v >= mn) & (v <= mx) else -1
    return out


def _int_range(values: np.ndarray) -> tuple[int, int]:
    return int(values.min()), int(values.max())


#: Key ranges up to this many values always get a direct-address table (32 MB
#: of int32 to clear, cheaper than hashing a million keys): a slice holds a
#: quarter of TPC-H SF1's order keys spread over the whole 1..6M range.
_DIRECT_MIN = 1 << 23


def use_direct_addressing(lo: int, hi: int, n: int) -> bool:
    """Whether keys in ``[lo, hi]`` over ``n`` rows get a direct-address table.

    Example:
        >>> use_direct_addressing(1, 6_000_000, 1_500_000), use_direct_addressing(0, 2**40, 10)
        (True, False)
    """
    return hi - lo <= max(4 * n, _DIRECT_MIN) + 1024



_SAMPLE = 32768  # rows looked at to size a hash table


def estimate_distinct(sample_distinct: int, sample_size: int, n: int) -> int:
    """A rough distinct count for n rows from a strided sample of them.

    A sample that repeats values has probably seen most of them; a sample of
    mostly distinct values scales up with n, halved because strided samples
    of clustered data (sorted keys with repeats) look more distinct than
    the column is. Underestimates only cost a table regrowth.

    Example:
        >>> estimate_distinct(7, 32768, 6_000_000), estimate_distinct(32768, 32768, 6_000_000)
        (7, 3000000)
    """
    if sample_size >= n:
        return sample_distinct
    if 2 * sample_distinct < sample_size:
        return sample_distinct
    return max(sample_distinct, n * sample_distinct // (2 * sample_size))


def _bits_for(distinct: int) -> int:
    """Table bits keeping the load factor <= 1/2 for ``distinct`` keys."""
    return max(_MIN_BITS, min((2 * max(distinct, 1) - 1).bit_length(), 40))


def _initial_bits(values: np.ndarray) -> int:
    n = len(values)
    step = max(1, n // _SAMPLE)
    sample = values[::step]
    return _bits_for(estimate_distinct(len(np.unique(sample)), len(sample), n))


@njit
def _hash_strings_strided(offsets, data, step):
    n = len(offsets) - 1
    m = (n + step - 1) // step
    out = np.empty(m, np.uint64)
    for t in range(m):
        i = t * step
        out[t] = _hash_bytes(data, offsets[i], offsets[i + 1])
    return out


def estimate_distinct_strings(sa: StringArray) -> int:
    """A rough distinct count of a string column from a strided sample of ~32k rows."""
    n = len(sa)
    if n == 0:
        return 0
    step = max(1, n // _SAMPLE)
    with np.errstate(over="ignore"):
        sample = _hash_strings_strided(sa.offsets, sa.data, step)
    return estimate_distinct(len(np.unique(sample)), len(sample), n)


def _initial_bits_strings(sa: StringArray) -> int:
    return _bits_for(estimate_distinct_strings(sa))


def factorize_int64(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense codes ``0..k-1`` in first-appearance order, and ``k``.

    Example:
        >>> codes, k = factorize_int64(np.array([7, -3, 7, 2**63 - 1], dtype=np.int64))
        >>> codes.tolist(), k
        ([0, 1, 0, 2], 3)
    """
    v = np.ascontiguousarray(values, dtype=np.int64)
    n = len(v)
    if n == 0:
        return np.zeros(0, np.int64), 0
    lo, hi = _int_range(v)
    if use_direct_addressing(lo, hi, n):
        codes, k, _ = _factorize_direct(v, np.int64(lo), hi - lo + 1)
        return codes, int(k)
    with np.errstate(over="ignore"):  # the hash wraps on purpose (pure-Python mode)
        codes, k, _, _, _ = _factorize_hash(v, _initial_bits(v))
    return codes, int(k)


def factorize_float64(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense codes of floats: ``-0.0`` equals ``0.0`` and all NaNs are one value.

    Example:
        >>> codes, k = factorize_float64(np.array([0.0, -0.0, np.nan, -np.nan, 1.5]))
        >>> codes.tolist(), k
        ([0, 0, 1, 1, 2], 3)
    """
    with np.errstate(invalid="ignore"):  # signalling NaNs
        v = np.ascontiguousarray(values, dtype=np.float64) + 0.0  # -0.0 + 0.0 == +0.0
    nan = np.isnan(v)
    if nan.any():
        v[nan] = np.nan
    return factorize_int64(v.view(np.int64))


# ---------------------------------------------------------------- string factorize


@njit
def _bytes_equal(da, a0, a1, db, b0, b1):
    """Whether bytes da[a0:a1] equal db[b0:b1] (the two buffers may be the same).

    Shared with the string kernels (:mod:`.string_match`, :mod:`.string_order`),
    which import it from here: they depend on this module, never the reverse.
    """
    if a1 - a0 != b1 - b0:
        return False
    for j in range(a1 - a0):
        if da[a0 + j] != db[b0 + j]:
            return False
    return True


@njit
def _strings_equal_rows(offsets, data, other):
    for i in range(len(other)):
        j = other[i]
        if not _bytes_equal(data, offsets[i], offsets[i + 1], data, offsets[j], offsets[j + 1]):
            return False
    return True


def strings_equal_rows(sa, other: np.ndarray) -> bool:
    """Whether every string ``i`` of ``sa`` has the same bytes as string ``other[i]``.

    Example:
        >>> from columnar.core.strings import StringArray
        >>> sa = StringArray.from_pylist(["a", "bc", "a"])
        >>> strings_equal_rows(sa, np.array([0, 1, 0])), strings_equal_rows(sa, np.array([0, 0, 0]))
        (True, False)
    """
    return bool(_strings_equal_rows(sa.offsets, sa.data, np.ascontiguousarray(other, dtype=np.int64)))


@njit
def _str_table(hashes, k, bits):
    size = np.int64(1) << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    tab = np.full(size, -1, np.int64)
    for g in range(k):
        s = np.int64(hashes[g] >> shift)
        while tab[s] >= 0:
            s = (s + 1) & mask
        tab[s] = g
    return tab


@njit
def _factorize_strings_kernel(offsets, data, bits):
    """Returns (codes, k, reps): reps[g] is the first row holding value g."""
    n = len(offsets) - 1
    size = np.int64(1) << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    tab = np.full(size, -1, np.int64)
    ghash = np.empty(n, np.uint64)  # hash of each distinct value, for regrowth
    reps = np.empty(n, np.int64)
    codes = np.empty(n, np.int64)
    # Hash in a pass of its own: the insert loop below is then short enough
    # for the CPU to overlap the cache misses of several rows.
    hashes = _hash_strings_kernel(offsets, data)
    k = 0
    for i in range(n):
        a0 = offsets[i]
        a1 = offsets[i + 1]
        h = hashes[i]
        s = np.int64(h >> shift)
        while True:
            g = tab[s]
            if g < 0:
                tab[s] = k
                ghash[k] = h
                reps[k] = i
                codes[i] = k
                k += 1
                if 2 * k > size:
                    bits += 1
                    size <<= 1
                    mask = size - 1
                    shift = np.uint64(64 - bits)
                    tab = _str_table(ghash, k, bits)
                break
            if ghash[g] == h:
                r = reps[g]
                if _bytes_equal(data, offsets[r], offsets[r + 1], data, a0, a1):
                    codes[i] = g
                    break
            s = (s + 1) & mask
    return codes, k, reps[:k].copy()


def factorize_strings_with_reps(sa: StringArray) -> tuple[np.ndarray, int, np.ndarray]:
    """Like :func:`factorize_strings`, also returning each code's first row."""
    with np.errstate(over="ignore"):
        codes, k, reps = _factorize_strings_kernel(sa.offsets, sa.data, _initial_bits_strings(sa))
    return codes, int(k), reps


def factorize_strings(sa: StringArray) -> tuple[np.ndarray, int]:
    """Dense codes of strings (byte-wise equality), first-appearance order.

    Example:
        >>> codes, k = factorize_strings(StringArray.from_pylist(["b", "a", "b", ""]))
        >>> codes.tolist(), k
        ([0, 1, 0, 2], 3)
    """
    codes, k, _ = factorize_strings_with_reps(sa)
    return codes, k


# ---------------------------------------------------------------- combining code columns


@njit
def _factorize_pair_kernel(a, b, bits):
    """Dense codes of (a, b) pairs: open addressing over the mixed pair."""
    n = len(a)
    size = np.int64(1) << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    tab = np.full(size, -1, np.int64)
    ua = np.empty(n, np.int64)
    ub = np.empty(n, np.int64)
    gh = np.empty(n, np.uint64)
    codes = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        x = a[i]
        y = b[i]
        h = _mix64(np.uint64(x) * _FIB + np.uint64(y))
        s = np.int64(h >> shift)
        while True:
            g = tab[s]
            if g < 0:
                tab[s] = k
                ua[k] = x
                ub[k] = y
                gh[k] = h
                codes[i] = k
                k += 1
                if 2 * k > size:
                    bits += 1
                    size <<= 1
                    mask = size - 1
                    shift = np.uint64(64 - bits)
                    tab = _str_table(gh, k, bits)
                break
            if ua[g] == x and ub[g] == y:
                codes[i] = g
                break
            s = (s + 1) & mask
    return codes, k


def factorize_pair(a_codes: np.ndarray, a_card: int, b_codes: np.ndarray, b_card: int) -> tuple[np.ndarray, int]:
    """Dense code per distinct ``(a, b)`` pair, first-appearance order.

    Codes must lie in ``0..card-1``.

    Example:
        >>> a = np.array([0, 1, 0, 1]); b = np.array([2, 0, 2, 1])
        >>> codes, k = factorize_pair(a, 2, b, 3)
        >>> codes.tolist(), k
        ([0, 1, 0, 2], 3)
    """
    a = np.ascontiguousarray(a_codes, dtype=np.int64)
    b = np.ascontiguousarray(b_codes, dtype=np.int64)
    if int(a_card) * int(b_card) <= _INT64_MAX:
        return factorize_int64(a * np.int64(b_card) + b)
    with np.errstate(over="ignore"):
        codes, k = _factorize_pair_kernel(a, b, _initial_bits(a * np.int64(7) ^ b))
    return codes, int(k)


def combine_codes(codes_list: list[np.ndarray], cardinalities: list[int]) -> tuple[np.ndarray, int]:
    """One dense code per distinct tuple of several code columns.

    Mixed radix (``acc * card + c``) while the product of cardinalities fits
    int64; when it would not, the accumulated codes are refactorized densely
    first. The result is in first-appearance order of the tuples.

    Example:
        >>> codes, k = combine_codes([np.array([1, 1, 0]), np.array([0, 0, 0]), np.array([3, 3, 1])], [2, 1, 4])
        >>> codes.tolist(), k
        ([0, 0, 1], 2)
    """
    if not codes_list:
        raise ValueError("combine_codes needs at least one code column")
    acc = np.array(codes_list[0], dtype=np.int64)  # a copy: updated in place below
    card = max(int(cardinalities[0]), 1)
    for c, cc in zip(codes_list[1:], cardinalities[1:]):
        cc = max(int(cc), 1)
        c = np.asarray(c, dtype=np.int64)
        if card * cc > _INT64_MAX:
            acc, card = factorize_int64(acc)
            card = max(card, 1)
        if card * cc > _INT64_MAX:
            acc, card = factorize_pair(acc, card, c, cc)
            continue
        acc *= np.int64(cc)
        acc += c
        card *= cc
    return factorize_int64(acc)


@njit
def _first_occurrence_kernel(codes, k):
    first = np.full(k, -1, np.int64)
    for i in range(len(codes) - 1, -1, -1):  # backwards: the last write is the first row
        first[codes[i]] = i
    return first


def first_occurrence(codes: np.ndarray, k: int) -> np.ndarray:
    """Index of the first row carrying each code (-1 for an unused code).

    Example:
        >>> first_occurrence(np.array([2, 0, 2, 1]), 3).tolist()
        [1, 3, 0]
    """
    return _first_occurrence_kernel(np.ascontiguousarray(codes, dtype=np.int64), int(k))


__all__ = [
    "strings_equal_rows",
    "combine_codes",
    "estimate_distinct",
    "estimate_distinct_strings",
    "factorize_float64",
    "factorize_int64",
    "factorize_pair",
    "factorize_strings",
    "factorize_strings_with_reps",
    "first_occurrence",
    "hash_int64",
    "hash_strings",
    "use_direct_addressing",
]
