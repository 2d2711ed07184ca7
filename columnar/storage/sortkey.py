"""Sort keys: the order rows are stored in on each slice.

Role: when rows land in an empty slice of a table with a COMPOUND sort key,
they are stored sorted on the sort key columns, in the listed order, forming
the slice's *sorted region* (Redshift: "When you run an initial load into a
new or truncated table, all of the data is loaded directly into the sorted
region"). Rows added to a non-empty slice are appended after it, in the
*unsorted region*; ``Table.unsorted_fraction`` measures it, and merge joins
are only planned while it stays under 20 %.

Order used: each column ascending, NULLs last (NULL sorts as the largest
value, as in Redshift's ORDER BY); strings by their UTF-8 bytes.

Simplified versus Redshift (issue #5 completes this): INTERLEAVED sort keys
are not yet laid out on a z-order curve (their rows stay in load order), each
load is not sorted within the unsorted region, and VACUUM does not exist yet.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.kernels.strings import string_ranks


def _key(col: Column) -> np.ndarray:
    data = col.data
    if isinstance(data, DictArray):
        return string_ranks(data.dictionary)[0][data.codes]
    if isinstance(data, StringArray):
        return string_ranks(data)[0]
    if data.dtype == object:
        _, inv = np.unique(np.where(col.is_valid(), data, 0), return_inverse=True)
        return inv.astype(np.int64)
    return data


def sort_order(columns: list[Column]) -> np.ndarray:
    """Row order sorting ``columns`` (first column most significant), NULLs last.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> a = Column(INTEGER, np.array([2, 1, 2, 0]), np.array([True, True, True, False]))
        >>> b = Column(INTEGER, np.array([5, 9, 4, 1]))
        >>> sort_order([a, b]).tolist()
        [1, 2, 0, 3]
    """
    keys = []
    for col in reversed(columns):  # lexsort: the last key is the primary one
        v = _key(col)
        if col.validity is not None:
            keys.append(np.where(col.validity, v, v.dtype.type(0)))
            keys.append(~col.validity)
        else:
            keys.append(v)
    return np.lexsort(keys)
