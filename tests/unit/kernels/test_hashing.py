"""columnar.kernels.hashing against pure-Python references."""

import math
import struct

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from columnar.kernels import hashing as H

from ._strategies import SETTINGS, as_strings, first_appearance_codes, int64_arrays, text_lists

M64 = 2**64 - 1


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def ref_hash_int(x):
    return _mix((x + 0x9E3779B97F4A7C15) & M64)


def ref_hash_bytes(b):
    h = 0xCBF29CE484222325
    for c in b:
        h = ((h ^ c) * 0x100000001B3) & M64
    return _mix(h)


@SETTINGS
@given(int64_arrays())
def test_hash_int64_matches_reference(v):
    assert H.hash_int64(v).tolist() == [ref_hash_int(int(x)) for x in v]


@SETTINGS
@given(text_lists)
def test_hash_strings_matches_reference(values):
    assert H.hash_strings(as_strings(values)).tolist() == [ref_hash_bytes(s.encode()) for s in values]


def test_hashes_are_fixed_values():
    # DISTSTYLE KEY placement depends on these exact numbers.
    assert H.hash_int64(np.array([42], np.int64))[0] == ref_hash_int(42)
    assert int(H.hash_strings(as_strings(["AMERICA"]))[0]) == ref_hash_bytes(b"AMERICA")


def _check_factorize(v):
    codes, k = H.factorize_int64(v)
    ref, rk = first_appearance_codes(v.tolist())
    assert codes.dtype == np.int64
    assert codes.tolist() == ref and k == rk


@SETTINGS
@given(int64_arrays())
def test_factorize_int64_any_keys(v):
    _check_factorize(v)


@SETTINGS
@given(int64_arrays(max_size=60, elements=st.integers(-3, 40)))
def test_factorize_int64_dense_keys(v):
    _check_factorize(v)


@SETTINGS
@given(st.integers(0, 2**32), st.integers(1, 3000), st.integers(0, 2**32))
def test_factorize_int64_many_sparse_keys_grow_the_table(seed, n, step):
    rng = np.random.default_rng(seed)
    v = rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64)
    v = np.concatenate([v, v[::-1], v * 0 + step])  # repeats, and one extra key
    _check_factorize(v)


def test_factorize_int64_empty_and_extremes():
    codes, k = H.factorize_int64(np.zeros(0, np.int64))
    assert codes.tolist() == [] and k == 0
    _check_factorize(np.array([2**63 - 1, -(2**63), 2**63 - 1, 0], np.int64))


floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, math.nan, -math.nan, math.inf, 1.5]),
)


@SETTINGS
@given(st.lists(floats, max_size=30))
def test_factorize_float64(values):
    def key(x):
        if math.isnan(x):
            return "nan"
        return struct.pack("<d", x + 0.0)

    codes, k = H.factorize_float64(np.array(values, dtype=np.float64))
    ref, rk = first_appearance_codes([key(x) for x in values])
    assert codes.tolist() == ref and k == rk


def test_factorize_float64_nan_payloads_are_one_value():
    a = np.array([np.nan, 0.0, -0.0], dtype=np.float64)
    weird = np.array([0x7FF8000000000001, -0x0008000000000001], dtype=np.int64).view(np.float64)
    codes, k = H.factorize_float64(np.concatenate([a, weird]))
    assert codes.tolist() == [0, 1, 1, 0, 0] and k == 2


@SETTINGS
@given(text_lists)
def test_factorize_strings(values):
    codes, k = H.factorize_strings(as_strings(values))
    ref, rk = first_appearance_codes(values)
    assert codes.tolist() == ref and k == rk


def test_factorize_strings_many_values_grow_the_table():
    values = [f"value-{i % 2500}" for i in range(6000)]
    codes, k = H.factorize_strings(as_strings(values))
    ref, rk = first_appearance_codes(values)
    assert codes.tolist() == ref and k == rk
    _, _, reps = H.factorize_strings_with_reps(as_strings(values))
    assert reps.tolist() == list(range(2500))


@st.composite
def code_columns(draw):
    n = draw(st.integers(0, 30))
    ncols = draw(st.integers(1, 4))
    cards, cols = [], []
    for _ in range(ncols):
        card = draw(st.sampled_from([1, 2, 3, 7, 2**20, 2**40, 2**62]))
        col = draw(st.lists(st.integers(0, min(card - 1, 5) if card < 2**20 else card - 1), min_size=n, max_size=n))
        cards.append(card)
        cols.append(np.array(col, dtype=np.int64))
    return cols, cards


@SETTINGS
@given(code_columns())
def test_combine_codes(data):
    cols, cards = data
    codes, k = H.combine_codes(cols, cards)
    tuples = list(zip(*[c.tolist() for c in cols])) if len(cols[0]) else []
    ref, rk = first_appearance_codes(tuples)
    assert codes.tolist() == ref and k == rk


@SETTINGS
@given(code_columns())
def test_factorize_pair(data):
    cols, cards = data
    a, b = cols[0], cols[-1]
    codes, k = H.factorize_pair(a, cards[0], b, cards[-1])
    ref, rk = first_appearance_codes(list(zip(a.tolist(), b.tolist())))
    assert codes.tolist() == ref and k == rk


def test_factorize_pair_beyond_int64_product():
    a = np.array([2**62, 5, 2**62, 5], dtype=np.int64)
    b = np.array([2**61, 2**61, 2**61, 0], dtype=np.int64)
    codes, k = H.factorize_pair(a, 2**62 + 1, b, 2**62)
    assert codes.tolist() == [0, 1, 0, 2] and k == 3


@SETTINGS
@given(st.lists(st.integers(0, 6), max_size=30))
def test_first_occurrence(codes):
    k = 8
    first = H.first_occurrence(np.array(codes, dtype=np.int64), k)
    ref = [codes.index(c) if c in codes else -1 for c in range(k)]
    assert first.tolist() == ref


def test_tables_grow_from_the_smallest_size():
    # The public functions size their tables from a sample; start the
    # kernels at the minimum size here so that every regrowth path runs.
    rng = np.random.default_rng(5)
    v = rng.integers(-(2**63), 2**63 - 1, size=3000, dtype=np.int64)
    v = np.concatenate([v, v[:100]])
    with np.errstate(over="ignore"):
        codes, k, uniq, tab, bits = H._factorize_hash(v, 10)
        assert codes.tolist() == first_appearance_codes(v.tolist())[0] and k == 3000
        assert bits > 10
        assert (H._lookup_hash(v, tab, bits) == codes).all()
        assert H._lookup_hash(np.array([12345], np.int64), tab, bits).tolist() == [-1]

        values = [f"s{i}" for i in range(3000)] + ["s1", "s2999"]
        sa = as_strings(values)
        codes, k, reps = H._factorize_strings_kernel(sa.offsets, sa.data, 10)
        assert codes.tolist() == first_appearance_codes(values)[0] and k == 3000

        a = rng.integers(0, 2**62, size=2500, dtype=np.int64)
        b = a % 7
        codes, k = H._factorize_pair_kernel(np.concatenate([a, a]), np.concatenate([b, b]), 10)
        assert codes.tolist() == list(range(2500)) * 2 and k == 2500


def test_estimate_distinct():
    assert H.estimate_distinct(10, 100, 100) == 10
    assert H.estimate_distinct(10, 32768, 10**6) == 10
    assert H.estimate_distinct(32768, 32768, 10**6) == 10**6 // 2
