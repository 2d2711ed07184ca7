"""Small builders for the evaluator tests: columns from Python values and back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext

import numpy as np

from columnar.core.chunk import Batch, Column
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import DataType, TypeId, physical_dtype
from columnar.exec.evaluate import evaluate

EPOCH = dt.date(1970, 1, 1)


def _physical(t: DataType, v):
    if v is None:
        return 0
    if t.is_decimal:
        with localcontext() as ctx:
            ctx.prec = 200
            return int(Decimal(str(v)).scaleb(t.scale).to_integral_value())
    if t.id is TypeId.DATE and isinstance(v, str):
        return (dt.date.fromisoformat(v) - EPOCH).days
    if t.id is TypeId.TIMESTAMP and isinstance(v, str):
        d = dt.datetime.fromisoformat(v) - dt.datetime(1970, 1, 1)
        return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds
    return v


def col(t: DataType, values: list, *, dictionary: bool = False) -> Column:
    """A column of ``t`` from Python values (None = NULL).

    DECIMAL values are written as numbers or strings ('12.50'); DATE and
    TIMESTAMP values as ISO strings or physical ints.
    """
    validity = np.array([v is not None for v in values], dtype=np.bool_)
    validity = None if validity.all() else validity
    if t.is_string:
        texts = ["" if v is None else v for v in values]
        if dictionary:
            words = sorted(set(texts))
            codes = np.array([words.index(v) for v in texts], dtype=np.int32)
            return Column(t, DictArray(codes, StringArray.from_pylist(words)), validity)
        return Column(t, StringArray.from_pylist(texts), validity)
    phys = [_physical(t, v) for v in values]
    if t.is_decimal and any(not -(2**63) <= p < 2**63 for p in phys):
        data = np.empty(len(phys), dtype=object)
        data[:] = phys
    else:
        data = np.array(phys, dtype=physical_dtype(t))
    return Column(t, data, validity)


def values(c: Column) -> list:
    """Physical Python values of a column (None = NULL; strings as str)."""
    n = len(c)
    valid = c.is_valid()
    data = c.data
    if isinstance(data, (StringArray, DictArray)):
        raw = data.to_pylist()
    else:
        raw = [v.item() if isinstance(v, np.generic) else v for v in data]
    assert len(raw) == n
    return [r if ok else None for r, ok in zip(raw, valid)]


def decimals(c: Column) -> list:
    """DECIMAL column values as Python Decimals with the column's scale."""
    with localcontext() as ctx:
        ctx.prec = 200
        return [None if v is None else Decimal(v).scaleb(-c.type.scale) for v in values(c)]


def dates(c: Column) -> list:
    return [None if v is None else (EPOCH + dt.timedelta(days=v)).isoformat() for v in values(c)]


def run(expr, *cols: Column, n: int | None = None) -> Column:
    batch = Batch.of(list(cols)) if cols else Batch([], n or 0)
    out = evaluate(expr, batch)
    assert len(out) == len(batch)
    return out
