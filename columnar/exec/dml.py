"""Writing rows into a table: placement on slices per DISTSTYLE.

Role: the write path of INSERT, CREATE TABLE AS and COPY. Rows arrive at the
leader as one batch already cast to the table's column types; this module
checks NOT NULL, decides each row's slice (``cluster.distribution``) and
appends the per-slice chunks to the table.

AUTO tables start as AUTO(ALL) and switch to AUTO(EVEN) the first time a load
takes them past ``auto_all_max_rows`` rows (Redshift does this later, in the
background, at an undocumented size; our threshold is a setting).
"""

from __future__ import annotations

import numpy as np

from columnar.cluster.distribution import even_slices, key_slices, split_by_slice
from columnar.cluster.topology import Topology
from columnar.core.chunk import Column
from columnar.core.errors import IntegrityError
from columnar.kernels.columns import concat_columns
from columnar.storage.catalog import DistStyle
from columnar.storage.table import Table


def check_not_null(table: Table, columns: list[Column]) -> None:
    for f, c in zip(table.fields, columns):
        if f.name in table.definition.not_null and c.validity is not None and not c.validity.all():
            raise IntegrityError(f'null value in column "{f.name}" violates not-null constraint')


def place_rows(table: Table, columns: list[Column], topology: Topology, auto_all_max_rows: int) -> None:
    """Append rows to ``table``'s slices according to its distribution style."""
    n = len(columns[0]) if columns else 0
    if n == 0:
        return
    if table.is_auto and table.effective_style is DistStyle.ALL:
        if table.row_count() + n > auto_all_max_rows:
            existing = table.slice_columns(topology.first_slices[0])
            table.clear()
            table.effective_style = DistStyle.EVEN
            if existing is not None:
                columns = [concat_columns([e, c]) for e, c in zip(existing, columns)]
                n = len(columns[0])
    style = table.effective_style
    if style is DistStyle.ALL:
        for s in topology.first_slices:
            table.append(s, columns)
        return
    if style is DistStyle.KEY:
        key = columns[table.definition.index_of(table.definition.distkey)]
        slices = key_slices([key], topology.n_slices)
    else:
        slices = even_slices(n, table.next_row_id, topology.n_slices)
        table.next_row_id += n
    for s, part in enumerate(split_by_slice(columns, np.asarray(slices), topology.n_slices)):
        if part is not None:
            table.append(s, part)
