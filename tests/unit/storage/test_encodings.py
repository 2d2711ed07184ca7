"""Sizes under each modelled encoding follow from the encoding's definition."""

from __future__ import annotations

import numpy as np
import pytest

from columnar.core.chunk import Column
from columnar.core.errors import BinderError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import BIGINT, DATE, VARCHAR, DataType, Field, TypeId
from columnar.storage.encodings import SUPPORTED, assign_defaults, check_encoding, encoded_bytes


def test_delta_counts_small_differences():
    c = Column(BIGINT, np.array([100, 101, 103, 1000, 1001], dtype=np.int64))
    # the first value whole, then 1 byte per difference under 128, 9 for the jump of 897
    assert encoded_bytes(c, "DELTA") == 8 + 3 * 1 + 1 * 9
    assert encoded_bytes(c, "DELTA32K") == 8 + 4 * 2  # every difference fits 2 bytes


def test_mostly_and_runlength():
    c = Column(BIGINT, np.array([1, 2, 300, 2, 2], dtype=np.int64))
    assert encoded_bytes(c, "MOSTLY8") == 4 * 1 + 1 * 9
    assert encoded_bytes(c, "MOSTLY16") == 5 * 2
    assert encoded_bytes(c, "RUNLENGTH") == 4 * (8 + 4)  # runs: 1 | 2 | 300 | 2 2


def test_bytedict_on_strings_and_its_256_limit():
    few = Column(VARCHAR, DictArray(np.array([0, 1, 0, 1] * 100, np.int32), StringArray.from_pylist(["ab", "cd"])))
    assert encoded_bytes(few, "BYTEDICT") < few.nbytes
    many = Column(VARCHAR, StringArray.from_pylist([str(i) for i in range(1000)]))
    assert encoded_bytes(many, "BYTEDICT") == many.nbytes  # more than 256 distinct values: stored raw


def test_unmodelled_encodings_keep_the_raw_size():
    c = Column(DATE, np.arange(100, dtype=np.int32))
    for enc in ("RAW", "AZ64", "LZO", "ZSTD", None):
        assert encoded_bytes(c, enc) == c.nbytes


def test_nulls_break_runs():
    c = Column(BIGINT, np.array([5, 5, 5, 5]), np.array([True, False, True, True]))
    assert encoded_bytes(c, "RUNLENGTH") == int(3 * (c.nbytes / 4 + 4))  # runs: 5 | NULL | 5 5


def test_type_table():
    assert TypeId.BOOLEAN not in SUPPORTED["LZO"] and TypeId.VARCHAR in SUPPORTED["LZO"]
    with pytest.raises(BinderError, match="of type varchar"):
        check_encoding("v", VARCHAR, "delta")
    assert check_encoding("d", DataType.decimal(10, 2), "mostly32") == "MOSTLY32"


def test_defaults_once_one_column_is_encoded():
    fields = [Field("k", BIGINT), Field("v", VARCHAR), Field("f", DataType(TypeId.DOUBLE)), Field("d", DATE)]
    assert assign_defaults(fields, ("k",), {}) == {}
    assert assign_defaults(fields, ("k",), {"d": "DELTA"}) == {"k": "RAW", "v": "LZO", "f": "RAW", "d": "DELTA"}
