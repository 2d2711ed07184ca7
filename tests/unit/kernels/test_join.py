"""columnar.kernels.join against a nested-loop reference."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from columnar.kernels import join as J

from ._strategies import SETTINGS, int64_arrays, int64s


def ref_join(build, probe):
    pairs = [(b, p) for p, pk in enumerate(probe) for b, bk in enumerate(build) if bk == pk]
    return [b for b, _ in pairs], [p for _, p in pairs]


key_sets = st.sampled_from(
    [
        st.integers(0, 10),  # dense, duplicates likely: direct addressing
        st.integers(-(2**40), 2**40),  # sparse: hashing
        int64s,  # anything, including the int64 extremes
    ]
)


@SETTINGS
@given(st.data())
def test_hash_join_int64(data):
    keys = data.draw(key_sets)
    build = data.draw(int64_arrays(elements=keys))
    probe = data.draw(int64_arrays(elements=st.one_of(keys, st.sampled_from(build.tolist() or [0]))))
    b, p = J.hash_join_int64(build, probe)
    rb, rp = ref_join(build.tolist(), probe.tolist())
    assert b.dtype == np.int64 and p.dtype == np.int64
    assert b.tolist() == rb and p.tolist() == rp


@SETTINGS
@given(st.data())
def test_hash_semi_int64(data):
    keys = data.draw(key_sets)
    build = data.draw(int64_arrays(elements=keys))
    probe = data.draw(int64_arrays(elements=keys))
    out = J.hash_semi_int64(build, probe)
    s = set(build.tolist())
    assert out.tolist() == [k in s for k in probe.tolist()]


def test_join_far_keys_against_direct_table():
    # Probe keys far outside a dense build range must not wrap into it.
    build = np.array([-5, -4, -3], dtype=np.int64)
    probe = np.array([2**63 - 1, -(2**63), -4], dtype=np.int64)
    b, p = J.hash_join_int64(build, probe)
    assert b.tolist() == [1] and p.tolist() == [2]


def test_join_many_duplicates_and_growth():
    rng = np.random.default_rng(1)
    build = rng.integers(-(2**62), 2**62, size=3000)
    build = np.concatenate([build, build[:500]])
    probe = np.concatenate([build[::7], rng.integers(0, 10, size=50)])
    b, p = J.hash_join_int64(build, probe)
    assert (build[b] == probe[p]).all()
    # every match is found: count per probe row equals the multiplicity of its key
    values, counts = np.unique(build, return_counts=True)
    mult = dict(zip(values.tolist(), counts.tolist()))
    assert len(b) == sum(mult.get(k, 0) for k in probe.tolist())
    assert (np.diff(p) >= 0).all()


def test_empty_sides():
    e = np.zeros(0, np.int64)
    b, p = J.hash_join_int64(e, np.array([1, 2]))
    assert b.tolist() == [] and p.tolist() == []
    assert J.hash_semi_int64(e, np.array([1])).tolist() == [False]
    assert J.hash_semi_int64(np.array([1]), e).tolist() == []
