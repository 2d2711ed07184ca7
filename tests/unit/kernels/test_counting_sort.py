"""columnar.kernels.counting_sort against numpy's stable argsort."""

import numpy as np
import pytest

from columnar.kernels.counting_sort import MAX_RANGE, counting_order


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("lo,hi", [(0, 5), (-1000, 1000), (8000, 10_600)])
def test_matches_stable_argsort(dtype, lo, hi):
    keys = np.random.default_rng(7).integers(lo, hi, 5000).astype(dtype)
    assert counting_order(keys).tolist() == np.argsort(keys, kind="stable").tolist()


def test_wide_range_and_non_integers_decline():
    assert counting_order(np.array([0, MAX_RANGE], dtype=np.int64)) is None
    assert counting_order(np.array([0.5, 1.5])) is None
    assert counting_order(np.zeros(0, dtype=np.int64)) is None


def test_sorted_load_uses_it_and_keeps_ties_in_load_order():
    from columnar.core.chunk import Column
    from columnar.core.types import DATE
    from columnar.storage.sortkey import sort_order

    days = np.array([3, 1, 3, 2, 1], dtype=np.int32)
    assert sort_order([Column(DATE, days)]).tolist() == [1, 4, 3, 0, 2]
