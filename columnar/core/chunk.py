"""Column chunks and batches: the unit of data every operator consumes.

Role: a :class:`Column` is one column's values for some rows, with a validity
mask for NULLs (``True`` = present, ``None`` = no NULLs at all, the common
case that kernels can skip). A :class:`Batch` is a list of same-length columns,
positionally matching a plan node's output schema.

The data layout per type is fixed by :mod:`columnar.core.types`; strings use
:mod:`columnar.core.strings`. Operations that move data (take, filter,
concatenate) live in :mod:`columnar.kernels.columns` because they are hot and
compiled; this module only holds and describes data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import numpy as np

from columnar.core.strings import DictArray, StringArray
from columnar.core.types import DataType

ColumnData = Union[np.ndarray, StringArray, DictArray]


@dataclass(eq=False)
class Column:
    """One column of values with an optional validity mask.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> c = Column(INTEGER, np.array([1, 2, 3]), np.array([True, False, True]))
        >>> len(c), c.null_count
        (3, 1)
    """

    type: DataType
    data: ColumnData
    validity: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.data)

    @property
    def null_count(self) -> int:
        return 0 if self.validity is None else int(len(self.validity) - np.count_nonzero(self.validity))

    @property
    def nbytes(self) -> int:
        """Bytes a copy of this column would move over the (simulated) network."""
        data = self.data.nbytes if not isinstance(self.data, np.ndarray) or self.data.dtype != object else 16 * len(self.data)
        return data + (0 if self.validity is None else len(self.validity) // 8 + 1)

    def is_valid(self) -> np.ndarray:
        """The validity mask, materialised (all True when there are no NULLs)."""
        return np.ones(len(self), dtype=np.bool_) if self.validity is None else self.validity


@dataclass(eq=False)
class Batch:
    """Same-length columns; ``length`` is kept for zero-column batches."""

    columns: list[Column] = field(default_factory=list)
    length: int = 0

    @staticmethod
    def of(columns: list[Column]) -> "Batch":
        n = len(columns[0]) if columns else 0
        return Batch(list(columns), n)

    def __len__(self) -> int:
        return self.length

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self.columns)


def empty_column(t: DataType) -> Column:
    """A zero-row column of type ``t`` (empty slices still carry their schema)."""
    from columnar.core.types import physical_dtype

    if t.is_string:
        return Column(t, StringArray(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)))
    return Column(t, np.zeros(0, dtype=physical_dtype(t)))


def empty_batch(types: list[DataType]) -> Batch:
    return Batch([empty_column(t) for t in types], 0)
