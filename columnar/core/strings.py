"""String column layouts: Arrow-like offsets + bytes, and dictionary encoding.

Role: how CHAR/VARCHAR values sit in memory so that kernels never touch Python
``str`` objects per row.

* :class:`StringArray`: ``offsets`` (int64, n + 1) into one ``data`` buffer of
  UTF-8 bytes (uint8), exactly Arrow's ``large_string`` layout. Value ``i`` is
  ``data[offsets[i]:offsets[i + 1]]``.
* :class:`DictArray`: ``codes`` (int32, n) into a ``dictionary`` StringArray of
  distinct values. Low-cardinality columns (flags, modes, nations) are stored
  this way; predicates then run once per distinct value instead of per row,
  and GROUP BY / JOIN keys are the codes themselves.

Both are immutable by convention. NULLs live in the column's validity mask
(:mod:`columnar.core.chunk`); a NULL slot holds an empty string here.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np


class StringArray:
    """Strings as offsets + bytes.

    Example:
        >>> s = StringArray.from_pylist(["ab", "", "héllo"])
        >>> len(s), s.offsets.tolist()
        (3, [0, 2, 2, 8])
        >>> s.to_pylist()
        ['ab', '', 'héllo']
    """

    __slots__ = ("offsets", "data")

    def __init__(self, offsets: np.ndarray, data: np.ndarray):
        self.offsets = offsets
        self.data = data

    @staticmethod
    def from_pylist(values: Iterable[str | None]) -> "StringArray":
        encoded = [b"" if v is None else v.encode("utf-8") for v in values]
        lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
        return StringArray(offsets, data)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def nbytes(self) -> int:
        return self.offsets.nbytes + self.data.nbytes

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def value(self, i: int) -> str:
        return bytes(self.data[self.offsets[i] : self.offsets[i + 1]]).decode("utf-8")

    def to_pylist(self) -> list[str]:
        raw = self.data.tobytes()
        o = self.offsets.tolist()
        return [raw[o[i] : o[i + 1]].decode("utf-8") for i in range(len(o) - 1)]

    def to_numpy_bytes(self) -> np.ndarray:
        """Values as a fixed-width ``S`` array (used for sorting and unique)."""
        width = int(self.lengths().max()) if len(self) else 1
        out = np.zeros(len(self), dtype=f"S{max(width, 1)}")
        raw = self.data.tobytes()
        o = self.offsets.tolist()
        for i in range(len(o) - 1):  # only for small arrays (dictionaries, literals)
            out[i] = raw[o[i] : o[i + 1]]
        return out


class DictArray:
    """Dictionary-encoded strings: int32 codes into distinct values.

    Example:
        >>> d = DictArray(np.array([1, 0, 1], dtype=np.int32), StringArray.from_pylist(["N", "R"]))
        >>> d.to_pylist()
        ['R', 'N', 'R']
    """

    __slots__ = ("codes", "dictionary")

    def __init__(self, codes: np.ndarray, dictionary: StringArray):
        self.codes = codes
        self.dictionary = dictionary

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def nbytes(self) -> int:
        return self.codes.nbytes + self.dictionary.nbytes

    def to_pylist(self) -> list[str]:
        words = self.dictionary.to_pylist()
        return [words[c] for c in self.codes.tolist()]


def concat_string_arrays(parts: Sequence[StringArray]) -> StringArray:
    """Concatenate plain string arrays (offsets are rebased)."""
    if len(parts) == 1:
        return parts[0]
    offsets = [np.zeros(1, dtype=np.int64)]
    base = 0
    for p in parts:
        offsets.append(p.offsets[1:] - p.offsets[0] + base)
        base += int(p.offsets[-1] - p.offsets[0])
    data = np.concatenate([p.data[p.offsets[0] : p.offsets[-1]] for p in parts]) if parts else np.zeros(0, np.uint8)
    return StringArray(np.concatenate(offsets), data)
