"""The relation behind a system view: Python rows turned into a scannable table.

Role: every system view (:mod:`columnar.exec.system_views`) computes its rows
as plain Python tuples when a query names it; :func:`make_relation` turns them
into a real :class:`~columnar.storage.table.Table` (DISTSTYLE EVEN, every row
on slice 0) so the binder, planner and executor treat a view exactly like a
user table: it can be filtered, aggregated and joined with other views.

Values use the physical layouts of :mod:`columnar.core.types`: ``None`` is
NULL (a validity mask), DECIMAL values (``int``, ``float`` or
``decimal.Decimal``) are rounded half-up to the column's scale and stored as
scaled ``int64``, TIMESTAMP values are ``datetime`` objects stored as
microseconds since the epoch, strings go into a
:class:`~columnar.core.strings.StringArray`.

Simplified versus Redshift: STL/STV tables live on every node and SVV/SVL
views are SQL views over them; here a view is one in-memory table on slice 0,
rebuilt from the session's state each time a statement names it. A view's
``table_id`` is 0 and it is marked ``is_system_view`` so the step views can
leave queries on system views out (see ``system_views_querylog``).
"""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np

from columnar.core.chunk import Column
from columnar.core.strings import StringArray
from columnar.core.types import BIGINT, BOOLEAN, DOUBLE, INTEGER, TIMESTAMP, DataType, Field, TypeId
from columnar.storage.catalog import DistStyle, TableDef
from columnar.storage.table import Table

# The column types the AWS pages give (text = VARCHAR(65535), character(n) = CHAR(n)).
TEXT = DataType.varchar(65535)
CHAR1 = DataType.char(1)
INT = INTEGER
INT8 = BIGINT
FLOAT8 = DOUBLE
BOOL = BOOLEAN
TS = TIMESTAMP


def char(n: int) -> DataType:
    return DataType.char(n)


def numeric(precision: int, scale: int) -> DataType:
    return DataType.decimal(precision, scale)


_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_DATE = dt.date(1970, 1, 1)
_ONE_US = dt.timedelta(microseconds=1)


def make_relation(name: str, schema: list[tuple[str, DataType]], rows: list[tuple], n_slices: int) -> Table:
    """A DISTSTYLE EVEN table holding ``rows`` on slice 0 (no rows: just the schema).

    Example:
        >>> t = make_relation("v", [("a", INT), ("s", TEXT)], [(1, "x"), (None, "y")], 4)
        >>> t.rows_per_slice(), t.slice_columns(0)[0].validity.tolist()
        ([2, 0, 0, 0], [True, False])
    """
    fields = [Field(col, t) for col, t in schema]
    table = Table(TableDef(name, fields, DistStyle.EVEN), n_slices)
    table.is_system_view = True
    if rows:
        columns = [to_column(t, [r[i] for r in rows]) for i, (_, t) in enumerate(schema)]
        table.append(0, columns)
    return table


def to_column(t: DataType, values: list) -> Column:
    """One column of type ``t`` from Python values (``None`` = NULL)."""
    valid = np.fromiter((v is not None for v in values), dtype=np.bool_, count=len(values))
    validity = None if valid.all() else valid
    if t.is_string:
        return Column(t, StringArray.from_pylist(values), validity)
    if t.is_decimal:
        data = np.array([0 if v is None else scaled(v, t.scale) for v in values], dtype=np.int64)
    elif t.id is TypeId.TIMESTAMP:
        data = np.array([0 if v is None else (v - _EPOCH) // _ONE_US for v in values], dtype=np.int64)
    elif t.id is TypeId.DATE:
        data = np.array([0 if v is None else (v - _EPOCH_DATE).days for v in values], dtype=np.int32)
    elif t.id is TypeId.BOOLEAN:
        data = np.array([False if v is None else bool(v) for v in values], dtype=np.bool_)
    elif t.is_float:
        data = np.array([0.0 if v is None else float(v) for v in values], dtype=np.float64)
    else:
        data = np.array([0 if v is None else int(v) for v in values], dtype=np.int64)
    return Column(t, data, validity)


def scaled(value, scale: int) -> int:
    """``value`` rounded half-up to ``scale`` digits, as the scaled integer DECIMAL stores.

    Example:
        >>> scaled(1.005, 2), scaled(decimal.Decimal("2.5"), 0), scaled(7, 2)
        (101, 3, 700)
    """
    d = value if isinstance(value, decimal.Decimal) else decimal.Decimal(repr(value) if isinstance(value, float) else value)
    q = d.quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)
    return int(q.scaleb(scale))
