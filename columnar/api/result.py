"""The materialised result of one statement: what ``db.sql(...)`` returns.

Role: the last stop of the pipeline. The executor gathers every slice's rows
at the leader (Redshift's ``Send to leader`` step), and the leader hands the
columns, their names and the query's :class:`~columnar.exec.metrics.Metrics`
to a :class:`Result`. From there the rows leave the engine in whatever shape
the user asks for:

* Arrow: ``arrow()`` / ``to_arrow_table()`` (a cached ``pyarrow.Table``, never
  a one-shot reader), ``to_arrow_reader()``, and ``__arrow_c_stream__`` so
  ``pa.table(r)``, ``polars.DataFrame(r)`` and ``duckdb.sql("from r")`` work
  without a copy through Python;
* DataFrames: ``df()`` (pandas), ``pl()`` (polars), imported lazily;
* DB-API rows: ``fetchone()`` / ``fetchmany()`` / ``fetchall()`` with Python
  values (``int``, exact ``decimal.Decimal`` at the column's scale, ``float``,
  ``bool``, ``str``, ``datetime.date``, ``datetime.datetime``, ``None``),
  converted column-wise, and ``description`` in PEP 249 form;
* people: ``repr()`` / ``show()`` print a box table with a metrics footer,
  Jupyter gets an escaped, bounded HTML table (:mod:`columnar.api.format`).

Simplified versus a Redshift client: results are fully materialised (there
is no server-side cursor), so fetching never blocks and ``rowcount`` is exact.
``description`` type codes are Redshift's type names as strings.

Example:
    >>> import numpy as np
    >>> from columnar.core.chunk import Column
    >>> from columnar.core.types import DataType, INTEGER
    >>> r = Result(["n", "price"], [Column(INTEGER, np.array([1, 2])),
    ...                             Column(DataType.decimal(5, 2), np.array([1250, 5]))])
    >>> r.fetchone()
    (1, Decimal('12.50'))
    >>> r.fetchall()
    [(2, Decimal('0.05'))]
    >>> print(r)
    ┌─────────┬──────────────┐
    │    n    │    price     │
    │ integer │ decimal(5,2) │
    ├─────────┼──────────────┤
    │       1 │        12.50 │
    │       2 │         0.05 │
    └─────────┴──────────────┘
      2 rows
"""

from __future__ import annotations

import decimal
import shutil
import sys
from typing import Any

import numpy as np

from columnar.api import format as fmt
from columnar.core.chunk import Column
from columnar.core.errors import InternalError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import DataType, TypeId
from columnar.exec.metrics import Metrics

# PEP 249 type codes: the names Redshift's catalog (format_type) uses.
_TYPE_CODES = {
    TypeId.SMALLINT: "smallint", TypeId.INTEGER: "integer", TypeId.BIGINT: "bigint",
    TypeId.DECIMAL: "numeric", TypeId.REAL: "real", TypeId.DOUBLE: "double precision",
    TypeId.BOOLEAN: "boolean", TypeId.CHAR: "character", TypeId.VARCHAR: "character varying",
    TypeId.DATE: "date", TypeId.TIMESTAMP: "timestamp without time zone",
    TypeId.INTERVAL: "interval", TypeId.NULL: "unknown",
}
_DECIMAL_CTX = decimal.Context(prec=80)  # exact for every DECIMAL(38, s)


class Result:
    """Rows, names, types and metrics of one statement; immutable except for the
    DB-API fetch position.

    Args:
        names: output column names (empty for statements without rows).
        columns: the columns, gathered at the leader, same length each.
        metrics: counters of the statement (None when not measured).
        rowcount: rows affected (INSERT/DELETE/...); -1 means "the number of rows".
        message: the status of a statement without rows, e.g. ``"CREATE TABLE"``.
    """

    def __init__(self, names: list[str], columns: list[Column], metrics: Metrics | None = None, *,
                 rowcount: int = -1, message: str | None = None):
        if len(names) != len(columns):
            raise InternalError(f"Result has {len(names)} names but {len(columns)} columns")
        self._names = list(names)
        self._cols = list(columns)
        self._nrows = len(self._cols[0]) if self._cols else 0
        if any(len(c) != self._nrows for c in self._cols):
            raise InternalError("Result columns differ in length")
        self._metrics_given = metrics is not None
        self._metrics = metrics if metrics is not None else Metrics(rows_returned=self._nrows)
        self._rowcount = self._nrows if rowcount == -1 and self._names else rowcount
        self._message = message
        self._pos = 0
        self._table = None
        self._words: dict[int, list[str]] = {}  # decoded dictionaries, per column

    # -- shape and schema ---------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        """Column names."""
        return list(self._names)

    @property
    def types(self) -> list[DataType]:
        return [c.type for c in self._cols]

    @property
    def description(self) -> list[tuple] | None:
        """PEP 249: ``(name, type_code, None, None, precision, scale, True)`` per column;
        None for statements without rows."""
        if not self._names:
            return None
        out = []
        for name, t in zip(self._names, self.types):
            precision, scale = (t.precision, t.scale) if t.is_decimal else (None, None)
            out.append((name, _TYPE_CODES.get(t.id, t.id.value.lower()), None, None, precision, scale, True))
        return out

    @property
    def metrics(self) -> Metrics:
        return self._metrics

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def message(self) -> str | None:
        return self._message

    def __len__(self) -> int:
        return self._nrows

    # -- Arrow and DataFrames -----------------------------------------------------

    def arrow(self):
        """The rows as a ``pyarrow.Table`` (built once, then cached)."""
        if self._table is None:
            from columnar.storage.arrow_convert import columns_to_table

            self._table = columns_to_table(self._names, self._cols)
        return self._table

    def to_arrow_table(self):
        """Same as :meth:`arrow` (DuckDB 1.5+ naming)."""
        return self.arrow()

    def to_arrow_reader(self, batch_size: int = 65536):
        """A fresh ``pyarrow.RecordBatchReader`` over the rows, ``batch_size`` rows a batch."""
        import pyarrow as pa

        table = self.arrow()
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=batch_size))

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """Arrow PyCapsule stream export; a new stream on every call."""
        return self.arrow().__arrow_c_stream__(requested_schema)

    def df(self):
        """The rows as a pandas DataFrame (DECIMAL columns hold exact ``Decimal`` values)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ImportError("pandas is required for Result.df(); pip install pandas") from None
        return self.arrow().to_pandas()

    def pl(self):
        """The rows as a polars DataFrame."""
        try:
            import polars
        except ImportError:
            raise ImportError("polars is required for Result.pl(); pip install polars") from None
        return polars.from_arrow(self.arrow())

    def fetchnumpy(self) -> dict[str, np.ndarray]:
        """Column name → numpy array (masked where NULL). DECIMAL becomes float64,
        DATE ``datetime64[D]``, TIMESTAMP ``datetime64[us]``, text an object array."""
        out = {}
        for name, col in zip(self._names, self._cols):
            values = _numpy_values(col)
            if col.validity is not None and not col.validity.all():
                values = np.ma.MaskedArray(values, mask=~col.validity)
            out[name] = values
        return out

    # -- DB-API fetching ----------------------------------------------------------

    def fetchone(self) -> tuple | None:
        """The next row, or None when all rows were fetched."""
        rows = self.fetchmany(1)
        return rows[0] if rows else None

    def fetchmany(self, size: int = 1) -> list[tuple]:
        """The next ``size`` rows (fewer at the end)."""
        stop = min(self._nrows, self._pos + max(0, size))
        rows = self._rows(self._pos, stop)
        self._pos = stop
        return rows

    def fetchall(self) -> list[tuple]:
        """All rows not fetched yet."""
        rows = self._rows(self._pos, self._nrows)
        self._pos = self._nrows
        return rows

    def _rows(self, start: int, stop: int) -> list[tuple]:
        if stop <= start or not self._cols:
            return []
        values = [self._pylist(i, start, stop) for i in range(len(self._cols))]
        return list(zip(*values))

    def _pylist(self, i: int, start: int, stop: int) -> list:
        col = self._cols[i]
        if isinstance(col.data, DictArray):
            words = self._words.get(i)
            if words is None:
                words = self._words[i] = _strings(col.data.dictionary, 0, len(col.data.dictionary))
            out = [words[c] for c in col.data.codes[start:stop].tolist()]
        else:
            out = _python_values(col, start, stop)
        if col.validity is not None:
            for k in np.flatnonzero(~np.asarray(col.validity[start:stop], dtype=np.bool_)).tolist():
                out[k] = None
        return out

    # -- display ------------------------------------------------------------------

    def _shown(self, max_rows: int) -> tuple[list[tuple], list[tuple]]:
        if self._nrows <= max_rows:
            return self._rows(0, self._nrows), []
        half = max(1, max_rows // 2)
        return self._rows(0, max_rows - half), self._rows(self._nrows - half, self._nrows)

    def _footer(self, shown: int, shown_cols: int | None = None) -> str:
        n = len(self._names)
        return fmt.footer(self._nrows, shown, n, n if shown_cols is None else shown_cols,
                          self._metrics if self._metrics_given else None)

    def _status(self) -> str:
        parts = [self._message or "OK"] + fmt.metrics_summary(self._metrics if self._metrics_given else None)
        return " · ".join(parts)

    def render(self, max_rows: int = 20, max_width: int | None = None) -> str:
        """The box table as text (what ``show()`` prints)."""
        if not self._names:
            return self._status()
        head, tail = self._shown(max_rows)
        return fmt.render_box(self._names, self.types, head, tail,
                              lambda shown_cols: self._footer(len(head) + len(tail), shown_cols), max_width)

    def show(self, max_rows: int = 20, max_width: int | None = None) -> None:
        """Print the first and last rows as a box table, with the metrics footer
        (as wide as the terminal unless ``max_width`` says otherwise)."""
        print(self.render(max_rows, max_width if max_width is not None else _terminal_width()))

    def __repr__(self) -> str:
        return self.render(max_width=_terminal_width())

    __str__ = __repr__

    def _repr_html_(self) -> str:
        import html

        if not self._names:
            return f"<pre>{html.escape(self._status())}</pre>"
        head, tail = self._shown(20)
        return fmt.render_html(self._names, self.types, head, tail, self._footer(len(head) + len(tail)))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": repr(self), "text/html": self._repr_html_()}
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle


def _terminal_width() -> int | None:
    """The terminal's width when printing to one; None (no limit) otherwise, so
    doctests, logs and notebooks get the whole, deterministic table."""
    try:
        if sys.stdout.isatty():
            return shutil.get_terminal_size().columns
    except (AttributeError, ValueError, OSError):
        pass
    return None


# ----------------------------------------------------------------------------- value conversion


def _strings(s: StringArray, start: int, stop: int) -> list[str]:
    """Decode values ``start:stop`` of a StringArray, touching only their bytes."""
    offsets = s.offsets[start : stop + 1]
    if len(offsets) < 2:
        return []
    base = int(offsets[0])
    raw = s.data[base : int(offsets[-1])].tobytes()
    o = (offsets - base).tolist()
    return [raw[o[k] : o[k + 1]].decode("utf-8", errors="replace") for k in range(len(o) - 1)]


def _python_values(col: Column, start: int, stop: int) -> list:
    """Python values of rows ``start:stop`` (NULL slots are fixed by the caller)."""
    t, data = col.type, col.data
    if isinstance(data, StringArray):
        return _strings(data, start, stop)
    part = data[start:stop]
    tid = t.id
    if tid is TypeId.NULL:
        return [None] * len(part)
    if tid is TypeId.DECIMAL:
        s = t.scale
        if s == 0:
            return [decimal.Decimal(v) for v in part.tolist()]
        scaleb, ctx = decimal.Decimal.scaleb, _DECIMAL_CTX
        return [scaleb(decimal.Decimal(v), -s, ctx) for v in part.tolist()]
    if tid is TypeId.DATE:
        return part.astype(np.int64).astype("datetime64[D]").tolist()
    if tid is TypeId.TIMESTAMP:
        return part.astype("datetime64[us]").tolist()
    return part.tolist()  # ints, floats, bools: numpy's tolist gives Python scalars


def _numpy_values(col: Column) -> np.ndarray:
    t, data = col.type, col.data
    if isinstance(data, (StringArray, DictArray)):
        return np.array(data.to_pylist(), dtype=object)
    tid = t.id
    if tid is TypeId.DECIMAL:
        f = float(10**t.scale)
        if data.dtype == object:
            return np.array([int(v) / 10**t.scale for v in data.tolist()], dtype=np.float64)
        return data / f
    widths = {TypeId.SMALLINT: np.int16, TypeId.INTEGER: np.int32, TypeId.BIGINT: np.int64,
              TypeId.REAL: np.float32, TypeId.DOUBLE: np.float64, TypeId.BOOLEAN: np.bool_}
    if tid in widths:
        return np.asarray(data).astype(widths[tid])
    if tid is TypeId.DATE:
        return data.astype(np.int64).astype("datetime64[D]")
    if tid is TypeId.TIMESTAMP:
        return data.astype("datetime64[us]")
    if tid is TypeId.NULL:
        return np.full(len(data), None, dtype=object)
    return np.asarray(data)


__all__ = ["Result"]
