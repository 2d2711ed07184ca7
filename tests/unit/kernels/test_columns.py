"""columnar.kernels.columns against list-based references."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import BIGINT, DOUBLE, VARCHAR
from columnar.kernels import columns as C

from ._strategies import SETTINGS, as_strings, int64s, texts


def values_of(col: Column) -> list:
    """Python values with None for NULL."""
    d = col.data
    if isinstance(d, (StringArray, DictArray)):
        vals = d.to_pylist()
    else:
        vals = d.tolist()
    if col.validity is None:
        return vals
    return [v if ok else None for v, ok in zip(vals, col.validity.tolist())]


@st.composite
def columns(draw, min_size=0, max_size=20):
    """A random column: int64, float, object ints, StringArray or DictArray, maybe with NULLs."""
    n = draw(st.integers(min_size, max_size))
    kind = draw(st.sampled_from(["int", "float", "object", "str", "dict"]))
    if kind == "int":
        data = np.array(draw(st.lists(int64s, min_size=n, max_size=n)), dtype=np.int64)
        typ = BIGINT
    elif kind == "float":
        data = np.array(draw(st.lists(st.floats(-1e6, 1e6), min_size=n, max_size=n)), dtype=np.float64)
        typ = DOUBLE
    elif kind == "object":
        data = np.empty(n, dtype=object)
        data[:] = draw(st.lists(st.integers(-(2**100), 2**100), min_size=n, max_size=n))
        typ = BIGINT
    elif kind == "str":
        data = as_strings(draw(st.lists(texts, min_size=n, max_size=n)))
        typ = VARCHAR
    else:
        words = draw(st.lists(texts, min_size=1, max_size=5, unique=True))
        codes = draw(st.lists(st.integers(0, len(words) - 1), min_size=n, max_size=n))
        data = DictArray(np.array(codes, dtype=np.int32), as_strings(words))
        typ = VARCHAR
    validity = None
    if draw(st.booleans()):
        validity = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=np.bool_)
    return Column(typ, data, validity)


@SETTINGS
@given(st.data())
def test_take(data):
    col = data.draw(columns())
    n = len(col)
    idx = data.draw(st.lists(st.integers(-1, n - 1) if n else st.just(-1), max_size=25))
    out = C.take(col, np.array(idx, dtype=np.int64))
    src = values_of(col)
    assert values_of(out) == [None if i < 0 else src[i] for i in idx]
    assert type(out.data) is type(col.data)
    if isinstance(col.data, DictArray):
        assert out.data.dictionary is col.data.dictionary
    if col.validity is None and -1 not in idx:
        assert out.validity is None


@SETTINGS
@given(st.data())
def test_filter_column(data):
    col = data.draw(columns())
    mask = data.draw(st.lists(st.booleans(), min_size=len(col), max_size=len(col)))
    out = C.filter_column(col, np.array(mask, dtype=np.bool_))
    assert values_of(out) == [v for v, m in zip(values_of(col), mask) if m]


@SETTINGS
@given(st.lists(columns(), min_size=1, max_size=4), st.booleans())
def test_concat_columns(cols, share_dictionary):
    # Same layout family per call: numeric kinds concatenated with numeric ones.
    is_str = isinstance(cols[0].data, (StringArray, DictArray))
    cols = [c for c in cols if isinstance(c.data, (StringArray, DictArray)) == is_str]
    if not is_str:
        dtype = cols[0].data.dtype
        cols = [c for c in cols if c.data.dtype == dtype]
    if share_dictionary and all(isinstance(c.data, DictArray) for c in cols):
        d = cols[0].data.dictionary
        cols = [Column(c.type, DictArray(c.data.codes % len(d), d), c.validity) for c in cols]
    out = C.concat_columns(cols)
    assert values_of(out) == [v for c in cols for v in values_of(c)]
    if all(c.validity is None for c in cols):
        assert out.validity is None
    if all(isinstance(c.data, DictArray) for c in cols) and all(
        c.data.dictionary is cols[0].data.dictionary for c in cols
    ):
        assert isinstance(out.data, DictArray)


@SETTINGS
@given(columns(), st.integers(-25, 25), st.integers(-25, 25))
def test_slice_column(col, start, stop):
    out = C.slice_column(col, start, stop)
    assert values_of(out) == values_of(col)[start:stop]
    if isinstance(out.data, StringArray):
        assert out.data.offsets[0] == 0


@SETTINGS
@given(st.lists(texts, max_size=25))
def test_dictionary_encode_and_decode(values):
    d = C.dictionary_encode(as_strings(values))
    assert d.codes.dtype == np.int32
    assert d.dictionary.to_pylist() == list(dict.fromkeys(values))
    assert d.to_pylist() == values
    out = C.decode(Column(VARCHAR, d))
    assert isinstance(out.data, StringArray) and out.data.to_pylist() == values


def test_decode_leaves_other_columns():
    col = Column(BIGINT, np.array([1, 2]))
    assert C.decode(col) is col


def test_take_from_empty_column_gives_nulls():
    for data in (np.zeros(0, np.int64), as_strings([]), DictArray(np.zeros(0, np.int32), as_strings([]))):
        out = C.take(Column(VARCHAR, data), np.array([-1, -1]))
        assert out.validity.tolist() == [False, False]
        assert len(out) == 2


def test_take_object_nulls_are_none():
    data = np.empty(2, dtype=object)
    data[:] = [2**70, 3]
    out = C.take(Column(BIGINT, data), np.array([1, -1, 0]))
    assert out.data.tolist() == [3, None, 2**70]


def test_take_strings_on_sliced_offsets():
    sa = as_strings(["xx", "ab", "é", "cd"])
    sliced = StringArray(sa.offsets[1:], sa.data)  # offsets need not start at 0
    assert C.take_strings(sliced, np.array([2, 0, 1])).to_pylist() == ["cd", "ab", "é"]
