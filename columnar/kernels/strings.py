"""String kernels over offsets + UTF-8 bytes: the public facade.

Role: the one import point for the string kernels of the expression evaluator
(``from columnar.kernels import strings as kstr``). They run on the Arrow-like
:class:`~columnar.core.strings.StringArray` (int64 offsets + one uint8 buffer)
or a :class:`~columnar.core.strings.DictArray`, never on Python ``str``
objects per row. Values are UTF-8; character positions count characters,
comparisons and ordering are byte-wise (= code-point order). The code lives
in one module per concept, each documenting its algorithms:

* :mod:`.string_match` -- predicates: ``like_match`` (LIKE / ILIKE),
  ``compare_scalar``, ``compare_arrays``; also the helpers the other string
  modules share.
* :mod:`.string_transform` -- string functions: ``concat``,
  ``concat_scalar_left``, ``concat_scalar_right``, ``substring``, ``upper``,
  ``lower``, ``char_lengths``, ``byte_lengths``.
* :mod:`.string_trim` -- ``trim`` (TRIM / LTRIM / RTRIM) and ``rtrim_spaces``
  (CHAR(n) trailing blanks).
* :mod:`.string_order` -- ``string_ranks`` and ``sort_distinct_strings``
  (MSD radix sort on 7-byte chunks).

Byte equality is shared with factorizing: ``hashing._bytes_equal``.
"""

from __future__ import annotations

from columnar.kernels.string_match import compare_arrays, compare_scalar, like_match
from columnar.kernels.string_order import sort_distinct_strings, string_ranks
from columnar.kernels.string_transform import (
    byte_lengths,
    char_lengths,
    concat,
    concat_scalar_left,
    concat_scalar_right,
    lower,
    substring,
    upper,
)
from columnar.kernels.string_trim import rtrim_spaces, trim

__all__ = [
    "byte_lengths",
    "char_lengths",
    "compare_arrays",
    "compare_scalar",
    "concat",
    "concat_scalar_left",
    "concat_scalar_right",
    "like_match",
    "lower",
    "rtrim_spaces",
    "sort_distinct_strings",
    "string_ranks",
    "substring",
    "trim",
    "upper",
]
