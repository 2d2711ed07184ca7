"""Which partitions and files of an external table a query reads.

Role: the Spectrum / Athena planning step of an S3 scan
(:mod:`columnar.exec.operators.s3_scan`). From the filter above the scan:

1. **partition pruning**: the conjuncts of the filter that read only
   partition columns are evaluated, with the engine's own evaluator, on a
   batch holding one row per candidate partition; a partition is read only
   when every such conjunct is TRUE for it. So ``=``, ``IN``, ranges,
   ``AND`` / ``OR``, ``LIKE`` and functions of partition columns all prune
   (SVL_S3PARTITION: ``qualified_partitions`` < ``total_partitions``).
   Candidates are the registered partitions (``ALTER TABLE ADD PARTITION``,
   ``MSCK REPAIR TABLE``) or, with Athena partition projection
   (``projection.enabled``), the partitions the projection generates under the
   equality / IN constraints of the filter (:mod:`columnar.storage.projection`;
   the registered ones are then ignored, as Athena does).
2. **files**: each qualified partition's folder (or the table's LOCATION) is
   listed with Spectrum's rules (:mod:`columnar.storage.lake_fs`).

Simplified versus Redshift / Athena: Athena does not prune on a partition
filter inside a subquery's WHERE; we prune on whatever filter the optimizer
pushes down to the scan (the subquery case included).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from columnar.core.chunk import Batch, Column
from columnar.core.errors import OperationalError
from columnar.core.strings import StringArray
from columnar.core.temporal import date_to_days, days_to_date
from columnar.core.types import DataType, physical_dtype
from columnar.exec.const_column import ConstColumn
from columnar.exec.evaluate import evaluate_predicate
from columnar.sql.expr import Binary, ColumnIndex, Const, InList, columns_used
from columnar.sql.rewrite import conjuncts, remap_columns
from columnar.storage.external import ExternalTable, Partition


@dataclass
class PartitionChoice:
    """The partitions a scan reads: ``chosen`` of ``total`` candidates."""

    chosen: list  # Partition
    total: int
    partitioned: bool


def partition_columns_used(table: ExternalTable, columns: list[int]) -> dict[int, int]:
    """Scan output position -> partition column index, for the partition columns read."""
    n = len(table.columns)
    return {i: c - n for i, c in enumerate(columns) if n <= c < n + len(table.partition_columns)}


def choose_partitions(table: ExternalTable, columns: list[int], predicate) -> PartitionChoice:
    if not table.is_partitioned:
        return PartitionChoice([Partition((), table.location)], 0, False)
    positions = partition_columns_used(table, columns)
    only_partitions = [c for c in conjuncts(predicate) if _reads_only(c, positions)]
    candidates = _candidates(table, only_partitions, positions)
    if not only_partitions or not candidates:
        return PartitionChoice(candidates, len(candidates), True)
    # one row per candidate partition, one column per partition column
    batch = Batch([values_column([p.values[j] for p in candidates], f.type)
                   for j, f in enumerate(table.partition_columns)], len(candidates))
    keep = np.ones(len(candidates), dtype=np.bool_)
    for c in only_partitions:
        keep &= evaluate_predicate(remap_columns(c, positions), batch)
    return PartitionChoice([p for p, k in zip(candidates, keep) if k], len(candidates), True)


def _reads_only(expr, positions: dict) -> bool:
    used = columns_used(expr)
    return bool(used) and used <= set(positions)


def _candidates(table: ExternalTable, conjuncts_: list, positions: dict) -> list:
    from columnar.storage.projection import Projection, projection_enabled

    if not projection_enabled(table.properties):
        return list(table.partitions)
    proj = Projection.from_properties(table.properties, [(f.name, f.type) for f in table.partition_columns],
                                      table.location, table=table.name)
    constraints: dict = {f.name: None for f in table.partition_columns}
    for c in conjuncts_:
        got = _equality_values(c, positions)
        if got is not None:
            j, values = got
            name = table.partition_columns[j].name
            constraints[name] = values if constraints[name] is None else constraints[name] & values
    out = []
    for values, location in proj.partitions(constraints):
        out.append(Partition(tuple(_physical(values[f.name], f) for f in table.partition_columns), location))
    return out


def _equality_values(c, positions: dict):
    """``(partition column index, {values})`` for ``col = const`` / ``col IN (consts)``."""
    if isinstance(c, Binary) and c.op == "=":
        col, const = (c.left, c.right) if isinstance(c.left, ColumnIndex) else (c.right, c.left)
        if isinstance(col, ColumnIndex) and isinstance(const, Const) and col.index in positions:
            return positions[col.index], {_python(const)}
    if isinstance(c, InList) and not c.negated and isinstance(c.operand, ColumnIndex):
        if c.operand.index in positions and all(isinstance(i, Const) for i in c.items):
            return positions[c.operand.index], {_python(i) for i in c.items}
    return None


def _python(const: Const):
    """A constant as the projection compares values: dates as ``datetime.date``."""
    if const.type.id.name == "DATE" and isinstance(const.value, int):
        return days_to_date(const.value)
    return const.value


def _physical(value, f):
    """A projected value as the engine stores it (dates as days)."""
    if isinstance(value, datetime.date) and f.type.id.name == "DATE":
        return date_to_days(value)
    return value


def values_column(values: list, t: DataType) -> Column:
    """A column of physical values (None: NULL) of type ``t``."""
    valid = np.array([v is not None for v in values], dtype=np.bool_)
    validity = None if valid.all() else valid
    if t.is_string:
        return Column(t, StringArray.from_pylist([None if v is None else str(v) for v in values]), validity)
    dtype = physical_dtype(t)
    if t.is_decimal and any(v is not None and abs(v) >= 2**63 for v in values):
        dtype = np.dtype(object)
    return Column(t, np.array([0 if v is None else v for v in values], dtype=dtype), validity)


def constant(t: DataType, value, n: int) -> Column:
    """``n`` rows of one value (a partition value or a pseudo-column of one file)."""
    c = ConstColumn(t, value, n)
    return Column(t, c.data, c.validity)


def bill_external_scans(plan, metrics) -> None:
    """The Spectrum / Athena charge of a query that read external tables: on the
    bytes all its S3 scans read (:func:`columnar.storage.pricing.charge`). Queries on
    local tables only, DDL and failed queries are free: nothing is billed."""
    from columnar.exec.operators.s3_scan import S3Scan
    from columnar.storage.pricing import charge

    stack = [plan]
    while stack:
        op = stack.pop()
        if isinstance(op, S3Scan):
            metrics.add("external_cost_usd", charge(metrics.counts.get("external_bytes_scanned", 0)))
            return
        stack.extend(op.children)


def missing_folder(table: str, uri: str) -> OperationalError:
    return OperationalError(f"LOCATION {uri} of external table {table} does not exist (a folder on this machine: "
                            "create it, or fix the LOCATION)")
