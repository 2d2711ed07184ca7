"""Top-N selection returns the same key values as a full sort cut to n rows."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from columnar.core.chunk import Batch, Column
from columnar.core.types import BIGINT, DOUBLE
from columnar.exec.operators.sort import sort_batch
from columnar.exec.operators.top_n import top_n
from columnar.sql.expr import ColumnIndex
from columnar.sql.logical import SortKey


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=60),
    n=st.integers(0, 70),
    desc=st.booleans(),
    as_float=st.booleans(),
)
def test_top_n_matches_full_sort(values, n, desc, as_float):
    t = DOUBLE if as_float else BIGINT
    data = np.array(values, dtype=np.float64 if as_float else np.int64)
    b = Batch([Column(t, data)], len(data))
    keys = [SortKey(ColumnIndex(0, t, "v"), desc, desc)]
    got = top_n(b, keys, n).columns[0].data.tolist()
    want = sort_batch(b, keys, n).columns[0].data.tolist()
    assert got == want
