"""Shared hypothesis strategies and pure-Python references for the kernel tests."""

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

from columnar.core.strings import StringArray

I64_MIN = -(2**63)
I64_MAX = 2**63 - 1

SETTINGS = settings(max_examples=60, deadline=None)

EXTREMES = [I64_MIN, I64_MIN + 1, -1, 0, 1, I64_MAX - 1, I64_MAX, 2**31, -(2**31), 2**32 - 1, 2**62]

int64s = st.one_of(st.integers(I64_MIN, I64_MAX), st.sampled_from(EXTREMES), st.integers(-5, 5))


def int64_arrays(min_size=0, max_size=40, elements=int64s):
    return st.lists(elements, min_size=min_size, max_size=max_size).map(lambda v: np.array(v, dtype=np.int64))


# Texts over a small alphabet (so that LIKE patterns and equal values actually
# occur), with multi-byte characters of every UTF-8 length.
ALPHABET = "abAB _%\\xé中😀 "
texts = st.text(alphabet=ALPHABET, max_size=8)
text_lists = st.lists(texts, max_size=25)


def as_strings(values) -> StringArray:
    return StringArray.from_pylist(values)


@st.composite
def masks(draw, n):
    """None, or a bool validity mask of length n."""
    if draw(st.booleans()):
        return None
    return np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=np.bool_)


def first_appearance_codes(keys):
    seen = {}
    codes = [seen.setdefault(k, len(seen)) for k in keys]
    return codes, len(seen)
