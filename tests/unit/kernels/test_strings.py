"""columnar.kernels.strings against Python string references."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from columnar.core.errors import DataError
from columnar.core.strings import DictArray
from columnar.kernels import strings as S
from columnar.kernels.columns import dictionary_encode

from ._strategies import ALPHABET, SETTINGS, as_strings, text_lists, texts

OPS = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def fold_ascii(s: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def ref_like(value: str, pattern: str, ci: bool, escape="\\") -> bool:
    rx, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            rx.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        rx.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    if ci:
        value = fold_ascii(value)
        rx = [fold_ascii(r) for r in rx]
    return re.fullmatch("".join(rx), value, flags=re.DOTALL) is not None


patterns = st.text(alphabet="ab%_\\é中😀A ", max_size=7).filter(
    lambda p: not re.search(r"(?<!\\)(\\\\)*\\$", p)  # must not end with a lone escape
)


@SETTINGS
@given(text_lists, patterns, st.booleans(), st.booleans())
def test_like_match(values, pattern, ci, as_dict):
    sa = as_strings(values)
    arg = dictionary_encode(sa) if as_dict else sa
    out = S.like_match(arg, pattern, case_insensitive=ci)
    assert out.dtype == np.bool_
    assert out.tolist() == [ref_like(v, pattern, ci) for v in values]


@pytest.mark.parametrize(
    "pattern",
    ["%express%requests%", "abc%", "%abc", "abc", "%a%b%", "%", "%%", "", "_", "__%", "%_b_%", "a\\%b", "a\\_%"],
)
def test_like_common_shapes(pattern):
    values = ["abc", "xabcx", "express requests", "a%b", "a_x", "ab", "", "axxbyy", "aéb", "abcabc", "expressrequests!"]
    out = S.like_match(as_strings(values), pattern)
    assert out.tolist() == [ref_like(v, pattern, False) for v in values]


def test_like_no_escape_and_errors():
    sa = as_strings(["a\\b", "ab"])
    assert S.like_match(sa, "a\\b", escape=None).tolist() == [True, False]
    assert S.like_match(sa, "a#%", escape="#").tolist() == [False, False]
    with pytest.raises(DataError):
        S.like_match(sa, "ab\\")


def test_like_does_not_explode_on_many_percents():
    value = "a" * 2000
    assert S.like_match(as_strings([value]), "%a%a%a%a%a%a%a%a%b%").tolist() == [False]


@SETTINGS
@given(text_lists, texts, st.sampled_from(sorted(OPS)))
def test_compare_scalar(values, value, op):
    out = S.compare_scalar(as_strings(values), value, op)
    vb = value.encode()
    assert out.tolist() == [OPS[op](v.encode(), vb) for v in values]


@SETTINGS
@given(st.lists(st.tuples(texts, texts), max_size=20), st.sampled_from(sorted(OPS)))
def test_compare_arrays(pairs, op):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    out = S.compare_arrays(as_strings(a), as_strings(b), op)
    assert out.tolist() == [OPS[op](x.encode(), y.encode()) for x, y in pairs]


@SETTINGS
@given(st.lists(st.tuples(texts, texts), max_size=20), texts)
def test_concat(pairs, s):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    assert S.concat(as_strings(a), as_strings(b)).to_pylist() == [x + y for x, y in pairs]
    assert S.concat_scalar_right(as_strings(a), s).to_pylist() == [x + s for x in a]
    assert S.concat_scalar_left(s, dictionary_encode(as_strings(a))).to_pylist() == [s + x for x in a]


@SETTINGS
@given(text_lists)
def test_lengths(values):
    assert S.char_lengths(as_strings(values)).tolist() == [len(v) for v in values]
    assert S.byte_lengths(as_strings(values)).tolist() == [len(v.encode()) for v in values]
    assert S.char_lengths(dictionary_encode(as_strings(values))).tolist() == [len(v) for v in values]


def ref_substring(s, start, length):
    if length is None:
        return s[max(start, 1) - 1 :]
    end = start + length
    first = max(start, 1)
    return s[first - 1 : end - 1] if end > first else ""


big = st.sampled_from([-(2**63), 2**63 - 1, -(2**62), 2**62])


@SETTINGS
@given(text_lists, st.one_of(st.integers(-5, 10), big), st.one_of(st.none(), st.integers(0, 10), st.just(2**63 - 1)))
def test_substring_scalar_args(values, start, length):
    out = S.substring(as_strings(values), start, length).to_pylist()
    assert out == [ref_substring(v, start, length) for v in values]


@SETTINGS
@given(st.lists(st.tuples(texts, st.integers(-5, 10), st.integers(0, 10)), max_size=20), st.booleans())
def test_substring_array_args(rows, ascii_only):
    values = [v.encode("ascii", "ignore").decode() if ascii_only else v for v, _, _ in rows]
    starts = np.array([s for _, s, _ in rows], dtype=np.int64)
    lengths = np.array([n for _, _, n in rows], dtype=np.int64)
    out = S.substring(as_strings(values), starts, lengths).to_pylist()
    assert out == [ref_substring(v, int(s), int(n)) for v, s, n in zip(values, starts, lengths)]


def test_substring_negative_length_raises():
    with pytest.raises(DataError):
        S.substring(as_strings(["abc"]), 1, -1)


def _simple_upper(s):
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in s)


def _simple_lower(s):
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


@SETTINGS
@given(st.lists(st.text(alphabet="abcXYZ 1éÉßİ中", max_size=6), max_size=15), st.booleans())
def test_upper_lower(values, as_dict):
    arg = dictionary_encode(as_strings(values)) if as_dict else as_strings(values)
    assert S.upper(arg).to_pylist() == [_simple_upper(v) for v in values]
    assert S.lower(arg).to_pylist() == [_simple_lower(v) for v in values]


@SETTINGS
@given(text_lists, st.text(alphabet=ALPHABET, max_size=3), st.sampled_from(["both", "leading", "trailing"]))
def test_trim(values, chars, side):
    fn = {"both": str.strip, "leading": str.lstrip, "trailing": str.rstrip}[side]
    out = S.trim(as_strings(values), chars, side).to_pylist()
    assert out == [fn(v, chars) if chars else v for v in values]


@SETTINGS
@given(text_lists)
def test_rtrim_spaces(values):
    assert S.rtrim_spaces(as_strings(values)).to_pylist() == [v.rstrip(" ") for v in values]


def ref_ranks(values):
    distinct = sorted(set(values), key=lambda v: v.encode())
    pos = {v: i for i, v in enumerate(distinct)}
    return [pos[v] for v in values], len(distinct)


@SETTINGS
@given(st.lists(st.text(alphabet="ab\x00é", max_size=20), max_size=60), st.booleans())
def test_string_ranks(values, as_dict):
    arg = dictionary_encode(as_strings(values)) if as_dict else as_strings(values)
    ranks, k = S.string_ranks(arg)
    assert ranks.dtype == np.int64
    assert (ranks.tolist(), k) == ref_ranks(values)


def test_string_ranks_long_shared_prefixes():
    rng = np.random.default_rng(7)
    values = [f"Customer#{int(x):012d}" + "x" * int(x % 9) for x in rng.integers(0, 3000, size=2000)]
    ranks, k = S.string_ranks(as_strings(values))
    assert (ranks.tolist(), k) == ref_ranks(values)


def test_string_ranks_dictionary_with_unused_values():
    d = DictArray(np.array([2, 2, 0], dtype=np.int32), as_strings(["b", "a", "c"]))
    ranks, k = S.string_ranks(d)
    assert ranks.tolist() == [1, 1, 0] and k == 2


def test_compare_rejects_unknown_operator():
    with pytest.raises(ValueError):
        S.compare_scalar(as_strings(["a"]), "a", "~")


def test_string_ranks_both_paths_agree():
    rng = np.random.default_rng(3)
    words = ["MAIL", "AIR", "REG AIR", "SHIP", "TRUCK", "RAIL", "FOB", "", "AIR "]
    few = [words[i] for i in rng.integers(0, len(words), size=5000)]  # factorize path
    many = [f"{w}{i}" for i, w in enumerate(few)]  # row-sort path
    for values in (few, many):
        ranks, k = S.string_ranks(as_strings(values))
        assert (ranks.tolist(), k) == ref_ranks(values)
