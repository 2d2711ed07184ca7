"""Fast paths of ``columnar.exec.keys``: packed multi-column integer join keys
(``_packed_int_keys``) and string GROUP BY columns fixed by earlier columns
(``group_codes`` / ``_fixed_by``), checked against tuple references."""

from __future__ import annotations

import numpy as np
import pytest

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import BIGINT, INTEGER, VARCHAR
from columnar.exec import keys as K


# --------------------------------------------------------------------------- helpers


def int_col(values, dtype=np.int64, type_=BIGINT, null_fill=0) -> Column:
    """A column from Python ints / None (NULL slots hold ``null_fill``)."""
    data = np.array([null_fill if v is None else v for v in values], dtype=dtype)
    valid = np.array([v is not None for v in values], dtype=np.bool_)
    return Column(type_, data, None if valid.all() else valid)


def str_col(values) -> Column:
    valid = np.array([v is not None for v in values], dtype=np.bool_)
    return Column(VARCHAR, StringArray.from_pylist(values), None if valid.all() else valid)


def dict_col(values, dictionary) -> Column:
    """A DictArray column; ``values`` are indices into ``dictionary`` or None."""
    codes = np.array([0 if v is None else v for v in values], dtype=np.int32)
    valid = np.array([v is not None for v in values], dtype=np.bool_)
    return Column(VARCHAR, DictArray(codes, StringArray.from_pylist(dictionary)), None if valid.all() else valid)


def tuples_of(cols_values) -> list[tuple]:
    return list(zip(*cols_values))


def check_join_codes(lc, rc, left_rows, right_rows):
    """Codes are -1 exactly for rows with a NULL, and equal exactly for equal
    non-NULL tuples, within and across the two sides."""
    assert len(lc) == len(left_rows) and len(rc) == len(right_rows)
    codes = list(lc.tolist()) + list(rc.tolist())
    rows = list(left_rows) + list(right_rows)
    for c, r in zip(codes, rows):
        if any(v is None for v in r):
            assert c == -1, (r, c)
        else:
            assert c >= 0, (r, c)
    valid = [(c, r) for c, r in zip(codes, rows) if c != -1]
    for c1, r1 in valid:
        for c2, r2 in valid:
            assert (c1 == c2) == (r1 == r2), (r1, c1, r2, c2)


def normalize(v):
    # Redshift compares strings ignoring trailing blanks
    return v.rstrip(" ") if isinstance(v, str) else v


def check_partition(codes, k, rows):
    """``codes`` (dense 0..k-1) number exactly the distinct tuples of ``rows``."""
    rows = [tuple(normalize(v) for v in r) for r in rows]
    codes = codes.tolist()
    assert k == len(set(rows))
    assert sorted(set(codes)) == list(range(k))
    by_tuple = {}
    for c, r in zip(codes, rows):
        assert by_tuple.setdefault(r, c) == c, f"tuple {r} got two codes"
    assert len(set(by_tuple.values())) == len(by_tuple), "two tuples share a code"


@pytest.fixture
def no_factorize(monkeypatch):
    """Make the generic (factorize-based) join path fail: the packed path must be taken."""
    def boom(*a, **kw):
        raise AssertionError("factorize called: the packed integer path was not taken")
    monkeypatch.setattr(K, "factorize", boom)


# --------------------------------------------------------------------------- join_codes


def test_join_codes_two_int_keys_with_nulls_and_negatives(no_factorize):
    l1 = [1, -5, 3, None, 1, -5, 7, 0]
    l2 = [10, -20, None, 4, 10, 9, -1, 0]
    r1 = [1, -5, 3, 2, -5, None, 0, 7]
    r2 = [10, -20, 30, 4, 9, 4, 0, -2]
    left = [int_col(l1), int_col(l2, dtype=np.int32, type_=INTEGER)]
    right = [int_col(r1, dtype=np.int32, type_=INTEGER), int_col(r2)]
    lc, rc = K.join_codes(left, right)
    assert lc.dtype == np.int64 and rc.dtype == np.int64
    check_join_codes(lc, rc, tuples_of([l1, l2]), tuples_of([r1, r2]))
    # spot checks: (1, 10) on both sides, (-5, 9) left row 5 = right row 4
    assert lc[0] == lc[4] == rc[0]
    assert lc[5] == rc[4]
    assert lc[6] not in rc.tolist()  # (7, -1) has no partner; (7, -2) differs


def test_join_codes_three_int_keys(no_factorize):
    rng = np.random.default_rng(7)
    n = 300
    cols_l = [rng.integers(-3, 4, n).tolist(), rng.integers(100, 103, n).tolist(), rng.integers(-2, 2, n).tolist()]
    cols_r = [rng.integers(-3, 4, n).tolist(), rng.integers(100, 103, n).tolist(), rng.integers(-2, 2, n).tolist()]
    for i in range(0, n, 17):
        cols_l[i % 3][i] = None
        cols_r[(i + 1) % 3][i] = None
    left = [int_col(c) for c in cols_l]
    right = [int_col(c, dtype=np.int32, type_=INTEGER) for c in cols_r]
    lc, rc = K.join_codes(left, right)
    lrows, rrows = tuples_of(cols_l), tuples_of(cols_r)
    assert (lc == -1).sum() == sum(any(v is None for v in r) for r in lrows) > 0
    # full check on a subset (the pairwise check is quadratic)
    check_join_codes(lc[:120], rc[:120], lrows[:120], rrows[:120])
    # and a dictionary check over all rows
    seen = {}
    for c, r in zip(lc.tolist() + rc.tolist(), lrows + rrows):
        if c >= 0:
            assert seen.setdefault(r, c) == c
    assert len(set(seen.values())) == len(seen)


def test_join_codes_null_slot_values_do_not_matter(no_factorize):
    # the value stored under a NULL (here a large number) must not make it match
    left = [int_col([1, None, 2], null_fill=2), int_col([5, 6, None], null_fill=5)]
    right = [int_col([1, 2, 2]), int_col([5, 6, 5])]
    lc, rc = K.join_codes(left, right)
    assert lc[1] == -1 and lc[2] == -1
    assert lc[0] == rc[0]
    assert rc[1] != rc[2]


def test_join_codes_empty_left_side(no_factorize):
    left = [int_col([]), int_col([])]
    right = [int_col([3, 3, -1]), int_col([1, 1, 2])]
    lc, rc = K.join_codes(left, right)
    assert len(lc) == 0
    assert rc[0] == rc[1] != rc[2] and (rc >= 0).all()


@pytest.mark.parametrize("spans", [
    [(-(2**40), 2**40), (-(2**40), 2**40)],  # 2**81 combinations
    [(0, 2**21), (0, 2**21), (0, 2**21)],  # 2**63 > 2**62
    [(-(2**63), 2**63 - 1), (0, 1)],  # int64 extremes
])
def test_join_codes_range_product_overflow_falls_back(spans):
    rng = np.random.default_rng(3)
    n = 60
    cols_l, cols_r = [], []
    for lo, hi in spans:
        pool = np.array([lo, hi, lo + 1, hi - 1, (lo + hi) // 2], dtype=np.int64)
        cols_l.append(rng.choice(pool, n).tolist())
        cols_r.append(rng.choice(pool, n).tolist())
    cols_l[0][5] = None
    cols_r[-1][7] = None
    left = [int_col(c) for c in cols_l]
    right = [int_col(c) for c in cols_r]
    assert K._packed_int_keys(left, right) is None
    lc, rc = K.join_codes(left, right)
    check_join_codes(lc, rc, tuples_of(cols_l), tuples_of(cols_r))
    assert lc[5] == -1 and rc[7] == -1


def test_packed_keys_at_the_limit_still_pack():
    # product of spans just below 2**62 packs into int64 without overflow
    a = [0, 2**31 - 1, 5]
    b = [0, 2**31 - 2, 7]  # spans 2**31 * (2**31 - 1) < 2**62
    left = [int_col(a), int_col(b)]
    right = [int_col(list(reversed(a))), int_col(list(reversed(b)))]
    packed = K._packed_int_keys(left, right)
    assert packed is not None
    lc, rc = packed
    check_join_codes(lc, rc, tuples_of([a, b]), tuples_of([a[::-1], b[::-1]]))
    assert lc.max() < 2**62


def test_join_codes_string_key_column_takes_generic_path():
    left = [int_col([1, 1, 2, None]), str_col(["a", "b", "a", "a"])]
    right = [int_col([1, 2, 1]), str_col(["b", "a", "a "])]
    assert K._packed_int_keys(left, right) is None
    lc, rc = K.join_codes(left, right)
    assert lc[3] == -1
    assert lc[1] == rc[0] and lc[2] == rc[1]
    assert lc[0] == rc[2]  # trailing blanks are ignored
    assert lc[0] != lc[1]


# --------------------------------------------------------------------------- group_codes


@pytest.fixture
def string_factorize_calls(monkeypatch):
    """Count the string columns ``group_codes`` factorizes (hashes)."""
    calls = []
    original = K.factorize

    def spy(col, null_code=True):
        if isinstance(col.data, StringArray):
            calls.append(col)
        return original(col, null_code)

    monkeypatch.setattr(K, "factorize", spy)
    return calls


def test_group_codes_skips_string_fixed_by_int(string_factorize_calls):
    ids = [3, 1, 3, 2, 1, 3, 2]
    names = {1: "one", 2: "two", 3: "three"}
    name = [names[i] for i in ids]
    addr = [names[i] * 2 for i in ids]
    # string columns first in the list: they are moved after the int column
    codes, k = K.group_codes([str_col(name), int_col(ids), str_col(addr)], len(ids))
    check_partition(codes, k, tuples_of([name, ids, addr]))
    assert k == 3
    assert string_factorize_calls == []  # both string columns fixed by the int column


def test_group_codes_string_not_fixed_still_splits(string_factorize_calls):
    ids = [1, 1, 2, 2, 1]
    s = ["a", "b", "x", "x", "a"]
    codes, k = K.group_codes([int_col(ids), str_col(s)], len(ids))
    check_partition(codes, k, tuples_of([ids, s]))
    assert k == 3
    assert codes[0] == codes[4] != codes[1]
    assert len(string_factorize_calls) == 1


def test_group_codes_null_and_empty_string_are_different_groups():
    ids = [1, 1, 1, 1, 2, 2]
    s = [None, "", None, "", "", ""]
    codes, k = K.group_codes([int_col(ids), str_col(s)], len(ids))
    check_partition(codes, k, tuples_of([ids, s]))
    assert k == 3
    assert codes[0] == codes[2] != codes[1] == codes[3]


def test_group_codes_null_only_groups_are_fixed(string_factorize_calls):
    ids = [1, 1, 2, 2, 3]
    s = [None, None, "", "", "z"]
    codes, k = K.group_codes([int_col(ids), str_col(s)], len(ids))
    check_partition(codes, k, tuples_of([ids, s]))
    assert k == 3
    assert string_factorize_calls == []


def test_group_codes_null_string_with_different_slot_bytes():
    # a NULL whose slot holds bytes: same group as another NULL of its group
    sa = StringArray.from_pylist(["junk", "", "q", "q"])
    col = Column(VARCHAR, sa, np.array([False, False, True, True]))
    ids = [5, 5, 6, 6]
    codes, k = K.group_codes([int_col(ids), col], 4)
    assert k == 2 and codes[0] == codes[1] != codes[2] == codes[3]


def test_group_codes_trailing_blanks_same_group():
    ids = [1, 1, 2]
    s = ["a", "a  ", "a"]
    codes, k = K.group_codes([int_col(ids), str_col(s)], 3)
    check_partition(codes, k, tuples_of([ids, s]))
    assert k == 2 and codes[0] == codes[1]


def test_group_codes_string_fixed_by_int_with_null_ints(string_factorize_calls):
    ids = [None, 1, None, 1, 2]
    s = ["n", "one", "n", "one", "two"]
    codes, k = K.group_codes([str_col(s), int_col(ids)], len(ids))
    check_partition(codes, k, tuples_of([s, ids]))
    assert k == 3
    assert string_factorize_calls == []


def test_group_codes_dict_array_columns():
    dictionary = ["R", "N", "A", "unused"]
    flag = [0, 1, 0, 2, None, 1, 0]
    status = [1, 1, 0, 0, 1, None, 1]
    text = ["x", "y", "x", "w", "v", "y", "x"]  # fixed by (flag, status)
    cols = [str_col(text), dict_col(flag, dictionary), dict_col(status, ["O", "F"])]
    codes, k = K.group_codes(cols, len(text))
    ref_flag = [None if f is None else dictionary[f] for f in flag]
    ref_status = [None if s is None else ["O", "F"][s] for s in status]
    check_partition(codes, k, tuples_of([text, ref_flag, ref_status]))
    assert k == 6


def test_group_codes_dict_array_does_not_fix_varying_string():
    dictionary = ["a", "b"]
    flag = [0, 0, 1, 1]
    s = ["p", "q", "r", "r"]
    codes, k = K.group_codes([dict_col(flag, dictionary), str_col(s)], 4)
    check_partition(codes, k, tuples_of([flag, s]))
    assert k == 3


def test_group_codes_only_strings():
    a = ["x", "x", "y", None, "y"]
    b = ["1", "1", "2", "3", "4"]
    codes, k = K.group_codes([str_col(a), str_col(b)], 5)
    check_partition(codes, k, tuples_of([a, b]))
    assert k == 4


def test_group_codes_empty_input():
    codes, k = K.group_codes([int_col([]), str_col([])], 0)
    assert len(codes) == 0 and k == 0


def test_group_codes_random_against_reference():
    rng = np.random.default_rng(11)
    n = 500
    ids = rng.integers(0, 20, n).tolist()
    fixed = [f"name{i}" if i % 7 else None for i in ids]  # fixed by ids (NULL for some groups)
    varying = [["", "a", "a ", None][j] for j in rng.integers(0, 4, n)]
    for cols_values in ([ids, fixed], [ids, fixed, varying], [fixed, varying]):
        cols = [int_col(v) if isinstance(next(x for x in v if x is not None), int) else str_col(v)
                for v in cols_values]
        codes, k = K.group_codes(cols, n)
        check_partition(codes, k, tuples_of(cols_values))
