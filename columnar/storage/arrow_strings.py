"""Arrow text → string columns: zero-copy StringArrays, dictionaries, length checks.

Role: turns Arrow text (``string``, ``large_string``, ``string_view``,
dictionary-encoded text, or any other type cast to text) into the engine's
CHAR/VARCHAR layout: a :class:`~columnar.core.strings.StringArray` that views
the Arrow offsets and bytes where the layout already matches, or, for
dictionary arrays and low-cardinality text when asked, a
:class:`~columnar.core.strings.DictArray` with a unique, NULL-free dictionary
(so GROUP BY and JOIN can work on codes). Values longer than the declared
length raise a positioned :class:`~columnar.core.errors.ConversionError`.

Place in the pipeline: called by
:func:`columnar.storage.arrow_convert.arrow_to_column` whenever the target
type is text; :func:`_string_array` is also used to re-read exported text when
:func:`columnar.storage.arrow_convert.concat_columns` mixes plain and
dictionary parts.

Simplified versus Redshift: ``VARCHAR(n)``/``CHAR(n)`` lengths are checked in
bytes (as Redshift does) but never truncated (Redshift's TRUNCATECOLUMNS is not
modelled); CHAR values are stored without trailing blanks rather than padded;
whether to dictionary-encode is a cardinality heuristic (at most 2**16
distinct values and fewer than half the rows), not a column ENCODE setting.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Column
from columnar.core.errors import ConversionError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import DataType, TypeId
from columnar.storage.arrow_types import _is_text
from columnar.storage.arrow_values import _indices, _primitive, _show, _validity, _value_error

_DICT_MAX = 2**16  # most distinct values a DictArray is built for


def _to_strings(arr: pa.Array, target: DataType, name: str, dictionary_encode: bool) -> Column:
    t = arr.type
    if pa.types.is_dictionary(t):
        if _is_text(t.value_type):
            codes = _indices(arr)
            return _dict_column(codes, _validity(arr), arr.dictionary, target, name)
        arr, t = arr.dictionary_decode(), t.value_type
    if not _is_text(t):
        arr = pc.cast(arr, pa.large_string())  # numbers, dates, booleans as text
    if dictionary_encode:  # CHAR blanks are trimmed on the (small) dictionary
        encoded = _try_dictionary_encode(arr)
        if encoded is not None:
            return _to_strings(encoded, target, name, False)
    if pa.types.is_string_view(arr.type):
        arr = pc.cast(arr, pa.large_string())
    if target.id is TypeId.CHAR:
        arr = pc.utf8_rtrim(arr, characters=" ")
    validity = _validity(arr)
    strings = _string_array(arr)
    _check_length(strings, None, validity, target, name)
    return Column(target, strings, validity)


def _try_dictionary_encode(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray | None:
    """Dictionary-encode text with few distinct values, or return None."""
    n = len(arr)
    if n == 0:
        return None
    if n > 100_000:  # cheap early exit for high-cardinality text (comments, names)
        sample = arr.slice(0, 10_000)
        if pa.types.is_string_view(sample.type):
            sample = pc.cast(sample, pa.large_string())  # count_distinct has no string_view kernel
        if pc.count_distinct(sample).as_py() > 5_000:
            return None
    encoded = pc.dictionary_encode(arr)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries()
        distinct = len(encoded.chunk(0).dictionary) if encoded.num_chunks else 0
    else:
        distinct = len(encoded.dictionary)
    if distinct > _DICT_MAX or distinct >= 0.5 * n:
        return None
    return encoded


def _dict_column(codes: np.ndarray, validity: np.ndarray | None, dictionary: pa.Array,
                 target: DataType, name: str) -> Column:
    """A DictArray column with a unique, NULL-free dictionary of the target's text."""
    if not pa.types.is_large_string(dictionary.type):
        dictionary = pc.cast(dictionary, pa.large_string())
    if target.id is TypeId.CHAR:
        dictionary = pc.utf8_rtrim(dictionary, characters=" ")
    codes = np.asarray(codes, dtype=np.int32)
    if validity is not None:
        codes = np.where(validity, codes, 0).astype(np.int32)
    if dictionary.null_count:  # a code pointing at a NULL entry is a NULL value
        entry_valid = dictionary.is_valid().to_numpy(zero_copy_only=False)
        validity = entry_valid[codes] if validity is None else validity & entry_valid[codes]
        dictionary = dictionary.fill_null("")
    if len(dictionary) == 0:
        dictionary = pa.array([""], pa.large_string())
    if pc.count_distinct(dictionary).as_py() != len(dictionary):
        # Duplicate entries (allowed by Arrow, or created by CHAR trimming) would
        # break GROUP BY / JOIN on codes: re-encode the dictionary itself.
        re = pc.dictionary_encode(dictionary)
        codes = _primitive(re.indices, np.int32)[codes]
        dictionary = re.dictionary
    strings = _string_array(dictionary)
    _check_length(strings, codes, validity, target, name)
    return Column(target, DictArray(codes, strings), validity)


def _string_array(arr: pa.Array) -> StringArray:
    """Offsets + bytes of a string/large_string array; views of the Arrow buffers
    when possible, NULL slots guaranteed empty."""
    n = len(arr)
    bufs = arr.buffers()
    off_dtype = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    if bufs[1] is None or n == 0:
        return StringArray(np.zeros(n + 1, np.int64), np.zeros(0, np.uint8))
    offsets = np.frombuffer(bufs[1], dtype=off_dtype, count=arr.offset + n + 1)[arr.offset:]
    if arr.null_count:
        null = ~arr.is_valid().to_numpy(zero_copy_only=False)
        if np.diff(offsets)[null].any():  # NULL slots pointing at bytes: rebuild with ""
            return _string_array(arr.fill_null(""))
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    start, end = int(offsets[0]), int(offsets[-1])
    if start != 0 or off_dtype is np.int32:
        offsets = offsets.astype(np.int64) - start
    return StringArray(offsets, data[start:end])


def _check_length(strings: StringArray, codes: np.ndarray | None, validity: np.ndarray | None,
                  target: DataType, name: str) -> None:
    """ConversionError for the first value longer than VARCHAR(n)/CHAR(n) bytes.

    ``codes`` maps rows to entries of ``strings`` (a dictionary), None for plain text."""
    lengths = np.diff(strings.offsets)
    if not len(lengths) or lengths.max() <= target.length:
        return
    bad = lengths > target.length
    if codes is not None:
        bad = bad[codes]
    if validity is not None:
        bad &= validity
    if bad.any():
        row = int(np.argmax(bad))
        kind = "character varying" if target.id is TypeId.VARCHAR else "character"
        value = strings.value(row if codes is None else int(codes[row]))
        raise _value_error(ConversionError, name, f"value too long for type {kind}({target.length}), Value '{_show(value)}'", row, value)
