"""Constant columns: a literal broadcast to ``n`` rows, materialised lazily.

Role: the expression evaluator (:mod:`columnar.exec.evaluate`) turns every
:class:`~columnar.sql.expr.Const` into a :class:`ConstColumn`. It *is* a
:class:`~columnar.core.chunk.Column` (so any consumer can read ``.data`` and
``.validity``), but it also keeps the scalar in ``.value``, which lets
comparisons, arithmetic, LIKE, IN and the scalar functions take a fast path
(``x > 5`` compares against the Python int, it never builds an array of
fives). ``.data`` is only built when somebody asks for it.

A string constant materialises as a one-entry :class:`DictArray` (codes all
zero): n rows of the same string cost 4 bytes each instead of a copy.

This module also holds the two tiny helpers every evaluator file needs:
:func:`scalar_of` (row 0 of a column as a physical Python value) and
:func:`and_validity` (the NULL mask of a strict operation).
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import DataType, TypeId, physical_dtype

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class ConstColumn(Column):
    """A constant of ``type`` repeated ``n`` times; ``value`` is physical
    (see :mod:`columnar.sql.expr`), ``None`` for NULL.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> c = ConstColumn(INTEGER, 7, 3)
        >>> len(c), c.value, c.data.tolist(), c.validity
        (3, 7, [7, 7, 7], None)
        >>> ConstColumn(INTEGER, None, 2).validity.tolist()
        [False, False]
    """

    def __init__(self, type: DataType, value: object, n: int):  # noqa: A002 - mirrors Column
        self.type = type
        self.value = value
        self.n = int(n)
        self._data = None
        self._validity = None

    def __len__(self) -> int:
        return self.n

    @property
    def data(self):
        if self._data is None:
            self._data = _materialise(self.type, self.value, self.n)
        return self._data

    @data.setter
    def data(self, value) -> None:  # Column's dataclass machinery may assign it
        self._data = value

    @property
    def validity(self):
        if self.value is not None:
            return None
        if self._validity is None:
            self._validity = np.zeros(self.n, dtype=np.bool_)
        return self._validity

    @validity.setter
    def validity(self, value) -> None:
        self._validity = value

    @property
    def is_null(self) -> bool:
        return self.value is None

    def resized(self, n: int) -> "ConstColumn":
        """The same constant for ``n`` rows."""
        return ConstColumn(self.type, self.value, n)


def _materialise(t: DataType, value: object, n: int):
    if t.is_string:
        if value is None:
            return StringArray(np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8))
        return DictArray(np.zeros(n, dtype=np.int32), StringArray.from_pylist([str(value)]))
    if t.id is TypeId.INTERVAL:
        out = np.empty(n, dtype=object)
        out[:] = [value] * n
        return out
    dtype = physical_dtype(t)
    if value is None:
        return np.zeros(n, dtype=dtype)
    if t.is_decimal and not (_INT64_MIN <= value <= _INT64_MAX):
        out = np.empty(n, dtype=object)
        out[:] = value
        return out
    return np.full(n, value, dtype=dtype)


def null_column(t: DataType, n: int) -> ConstColumn:
    """An all-NULL column of type ``t`` (lazily materialised)."""
    return ConstColumn(t, None, n)


def scalar_of(col: Column, i: int = 0):
    """Row ``i`` of ``col`` as a physical Python value (``None`` if NULL).

    Example:
        >>> from columnar.core.types import VARCHAR
        >>> scalar_of(ConstColumn(VARCHAR, "x", 4))
        'x'
    """
    if isinstance(col, ConstColumn):
        return col.value
    if col.validity is not None and not col.validity[i]:
        return None
    data = col.data
    if isinstance(data, StringArray):
        return data.value(i)
    if isinstance(data, DictArray):
        return data.dictionary.value(int(data.codes[i]))
    v = data[i]
    return v.item() if isinstance(v, np.generic) else v


def and_validity(*cols: Column) -> np.ndarray | None:
    """The validity of a strict operation: valid only where every input is.

    ``None`` when no input has NULLs (the common, cheap case).
    """
    out = None
    for c in cols:
        v = c.validity
        if v is None:
            continue
        out = v.copy() if out is None else (out & v)
    return out


def bool_column(values: np.ndarray, validity: np.ndarray | None, t: DataType) -> Column:
    """A BOOLEAN-like result column; data is forced to False at NULL rows so
    that consumers which forget the mask still never see a stray TRUE."""
    if validity is not None:
        values = values & validity
    return Column(t, values, validity)
