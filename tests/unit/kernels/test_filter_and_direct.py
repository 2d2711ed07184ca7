"""``filter_columns``, ``strings_equal_rows`` and the direct-address / hash
paths of ``factorize_int64`` and ``hash_join_int64`` against Python references.

Arrays are kept small (these tests also run with ``NUMBA_DISABLE_JIT=1``);
the key *ranges* are what pick a path: up to ``max(4 * n, 2**23) + 1024``
distinct values get a direct-address (int32) table, wider ranges hashing.
"""

from __future__ import annotations

import numpy as np
import pytest

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import BIGINT, DOUBLE, VARCHAR
from columnar.kernels import hashing as H
from columnar.kernels import join as J
from columnar.kernels.columns import filter_column, filter_columns

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
DIRECT = 1 << 23


# --------------------------------------------------------------------------- references


def values_of(col: Column) -> list:
    d = col.data
    vals = d.to_pylist() if isinstance(d, (StringArray, DictArray)) else d.tolist()
    if col.validity is None:
        return vals
    return [v if ok else None for v, ok in zip(vals, col.validity.tolist())]


def ref_factorize(values) -> tuple[list, int]:
    seen: dict = {}
    codes = [seen.setdefault(v, len(seen)) for v in values]
    return codes, len(seen)


def ref_join(build, probe) -> tuple[list, list]:
    rows: dict = {}
    for i, k in enumerate(build):
        rows.setdefault(k, []).append(i)
    b_out, p_out = [], []
    for j, k in enumerate(probe):
        for i in rows.get(k, ()):
            b_out.append(i)
            p_out.append(j)
    return b_out, p_out


@pytest.fixture
def paths(monkeypatch):
    """Record which table (``direct`` / ``hash``) each call built."""
    taken = []

    def spy(module, name, label):
        original = getattr(module, name)

        def wrapper(*args):
            out = original(*args)
            taken.append(label)
            if label == "direct":
                assert out[2].dtype == np.int32  # the lookup table is int32
            return out

        monkeypatch.setattr(module, name, wrapper)

    for module in (H, J):
        spy(module, "_factorize_direct", "direct")
        spy(module, "_factorize_hash", "hash")
    return taken


# --------------------------------------------------------------------------- filter_columns


def make_columns(n: int, rng) -> list[Column]:
    ints = rng.integers(-1000, 1000, n)
    floats = rng.standard_normal(n)
    objs = np.empty(n, dtype=object)
    objs[:] = [int(v) * 2**70 for v in ints]
    words = ["", "a", "héllo", "中文", "x" * 40, "a "]
    strs = StringArray.from_pylist([words[i] for i in rng.integers(0, len(words), n)])
    dictionary = StringArray.from_pylist(["R", "N", "A", "unused"])
    dcodes = rng.integers(0, 3, n).astype(np.int32)
    validity = rng.random(n) < 0.8
    return [
        Column(BIGINT, ints),
        Column(BIGINT, ints.copy(), validity),
        Column(DOUBLE, floats, ~validity),
        Column(BIGINT, objs, validity),
        Column(VARCHAR, strs),
        Column(VARCHAR, strs, validity),
        Column(VARCHAR, DictArray(dcodes, dictionary)),
        Column(VARCHAR, DictArray(dcodes.copy(), dictionary), ~validity),
    ]


@pytest.mark.parametrize("keep", ["random", "none", "all", "first_last"])
def test_filter_columns_against_reference(keep):
    rng = np.random.default_rng(1)
    n = 2000
    cols = make_columns(n, rng)
    mask = {
        "random": rng.random(n) < 0.6,
        "none": np.zeros(n, dtype=np.bool_),
        "all": np.ones(n, dtype=np.bool_),
        "first_last": np.isin(np.arange(n), [0, n - 1]),
    }[keep]
    out = filter_columns(cols, mask)
    assert len(out) == len(cols)
    kept = np.flatnonzero(mask).tolist()
    for src, got in zip(cols, out):
        assert got.type == src.type
        assert len(got) == len(kept)
        expected = values_of(src)
        assert values_of(got) == [expected[i] for i in kept]
        assert (got.validity is None) == (src.validity is None)
        if isinstance(src.data, DictArray):
            assert isinstance(got.data, DictArray) and got.data.dictionary is src.data.dictionary
            assert got.data.codes.dtype == np.int32
        if isinstance(src.data, StringArray):
            assert isinstance(got.data, StringArray)
            assert got.data.offsets[0] == 0 and got.data.offsets[-1] == len(got.data.data)


def test_filter_columns_accepts_non_bool_mask_and_matches_filter_column():
    rng = np.random.default_rng(2)
    cols = make_columns(50, rng)
    mask01 = (rng.random(50) < 0.5).astype(np.int8)
    together = filter_columns(cols, mask01)
    for src, got in zip(cols, together):
        alone = filter_column(src, mask01.astype(bool))
        assert values_of(got) == values_of(alone)


def test_filter_columns_empty_input():
    cols = [Column(BIGINT, np.zeros(0, np.int64)), Column(VARCHAR, StringArray.from_pylist([])),
            Column(VARCHAR, DictArray(np.zeros(0, np.int32), StringArray.from_pylist(["a"])))]
    out = filter_columns(cols, np.zeros(0, dtype=np.bool_))
    assert [len(c) for c in out] == [0, 0, 0]
    assert filter_columns([], np.ones(3, dtype=np.bool_)) == []


# --------------------------------------------------------------------------- strings_equal_rows


@pytest.mark.parametrize("values, other", [
    (["a", "bc", "a"], [0, 1, 0]),
    (["a", "bc", "a"], [0, 0, 0]),
    (["", "", "x"], [1, 0, 2]),
    (["", "x", ""], [0, 0, 0]),
    (["ab", "abc"], [0, 0]),
    (["abc", "ab"], [1, 1]),
    (["a ", "a"], [1, 1]),
    (["héllo", "héllo", "hèllo"], [0, 0, 0]),
    (["中文", "中文"], [1, 0]),
    ([], []),
])
def test_strings_equal_rows(values, other):
    sa = StringArray.from_pylist(values)
    expected = all(values[i] == values[j] for i, j in enumerate(other))
    assert H.strings_equal_rows(sa, np.array(other, dtype=np.int64)) is expected


def test_strings_equal_rows_larger():
    rng = np.random.default_rng(5)
    groups = rng.integers(0, 50, 3000)
    values = [f"value-{g}" for g in groups]
    first = {}
    rep = np.array([first.setdefault(g, i) for i, g in enumerate(groups)], dtype=np.int64)
    sa = StringArray.from_pylist(values)
    assert H.strings_equal_rows(sa, rep)
    # a change in the last byte of a non-representative row is seen
    victim = next(i for i in range(2999, -1, -1) if rep[i] != i)
    values[victim] = values[victim][:-1] + "#"
    assert not H.strings_equal_rows(StringArray.from_pylist(values), rep)
    # and a longer string too
    values[victim] = f"value-{groups[victim]}" + "!"
    assert not H.strings_equal_rows(StringArray.from_pylist(values), rep)


# --------------------------------------------------------------------------- direct addressing


def test_use_direct_addressing_boundaries():
    assert H._DIRECT_MIN == DIRECT
    assert H.use_direct_addressing(0, DIRECT + 1024, 10)
    assert not H.use_direct_addressing(0, DIRECT + 1025, 10)
    assert H.use_direct_addressing(-5, -5 + DIRECT, 1)
    n = 3 * DIRECT  # large n: the 4 * n rule takes over
    assert H.use_direct_addressing(0, 4 * n + 1024, n)
    assert not H.use_direct_addressing(0, 4 * n + 1025, n)
    assert not H.use_direct_addressing(I64_MIN, I64_MAX, 10)


# key sets of ~2000 rows: (lo, hi, path); ranges well above 4 * n
RANGES = [
    (-3_000_000, 3_000_000, "direct"),  # 6M wide: between 4n and 2**23
    (10**12, 10**12 + DIRECT + 1024, "direct"),  # exactly the limit, far from zero
    (0, DIRECT + 1025, "hash"),  # one past the limit
    (-(2**40), 2**40, "hash"),
    (I64_MIN, I64_MAX, "hash"),
]


def keys_in(lo: int, hi: int, n: int, rng, distinct: int = 600) -> np.ndarray:
    """``n`` keys from ``distinct`` values spread over [lo, hi], both ends included."""
    pool = np.unique(np.concatenate([[lo, hi], rng.integers(lo, hi, distinct, endpoint=True, dtype=np.int64)]))
    return rng.choice(pool, n).astype(np.int64)


@pytest.mark.parametrize("lo, hi, path", RANGES)
def test_factorize_int64_paths(paths, lo, hi, path):
    rng = np.random.default_rng(abs(lo) % 1000 + 1)
    values = keys_in(lo, hi, 2000, rng)
    codes, k = H.factorize_int64(values)
    assert paths == [path]
    ref_codes, ref_k = ref_factorize(values.tolist())
    assert k == ref_k
    assert codes.tolist() == ref_codes


@pytest.mark.parametrize("lo, hi, path", RANGES)
@pytest.mark.parametrize("unique_build", [False, True])
def test_hash_join_int64_paths(paths, lo, hi, path, unique_build):
    rng = np.random.default_rng(abs(hi) % 997 + 3)
    build = keys_in(lo, hi, 1500, rng)
    if unique_build:
        build = np.unique(build)
        rng.shuffle(build)
    hits = rng.choice(build, 1000)
    misses = keys_in(lo, hi, 500, rng, distinct=300)
    # far-away keys: below / above the build range (direct lookups check bounds first)
    extremes = np.array([I64_MIN, I64_MAX, lo - 1 if lo > I64_MIN else 0, hi + 1 if hi < I64_MAX else 0],
                        dtype=np.int64)
    probe = np.concatenate([hits, misses, extremes])
    rng.shuffle(probe)
    b, p = J.hash_join_int64(build, probe)
    assert paths == [path]
    ref_b, ref_p = ref_join(build.tolist(), probe.tolist())
    assert b.tolist() == ref_b
    assert p.tolist() == ref_p
    assert len(ref_b) >= 1000

    paths.clear()
    semi = J.hash_semi_int64(build, probe)
    assert paths == [path]
    members = set(build.tolist())
    assert semi.tolist() == [v in members for v in probe.tolist()]


def test_direct_and_hash_paths_agree():
    rng = np.random.default_rng(9)
    base = keys_in(0, 5_000_000, 1200, rng)
    # the same keys shifted past the direct range by one outlier in the build side
    build_direct = base
    build_hash = np.concatenate([base, [DIRECT * 4]])
    probe = np.concatenate([rng.choice(base, 800), keys_in(0, 5_000_000, 200, rng)])
    b1, p1 = J.hash_join_int64(build_direct, probe)
    b2, p2 = J.hash_join_int64(build_hash, probe)
    assert b1.tolist() == b2.tolist() and p1.tolist() == p2.tolist()
    c1, k1 = H.factorize_int64(build_direct)
    c2, k2 = H.factorize_int64(build_hash)
    assert c1.tolist() == c2[:-1].tolist() and k2 == k1 + 1
