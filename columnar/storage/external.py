"""External schemas and tables: what the data catalog knows of a data lake.

Role: the catalog side of Redshift Spectrum and Athena. ``CREATE EXTERNAL
SCHEMA`` registers an :class:`ExternalSchema` (the Glue / Hive database it
stands for and the IAM role, recorded, never checked); ``CREATE EXTERNAL
TABLE`` an :class:`ExternalTable`: its data columns (read from the files), its
partition columns (from the folder layout), how its files are stored, its
LOCATION, its table properties, and the partitions registered so far
(``ALTER TABLE ADD PARTITION``, ``MSCK REPAIR TABLE``). Reading the files is
:mod:`columnar.storage.external_read`; choosing which partitions and files a
query reads is :mod:`columnar.exec.operators.s3_scan`.

An external table answers the few questions the planner asks every table
(``fields``, ``row_count``, ``effective_style``), so a query binds it as a
``Scan`` like any table; the physical planner then reads it with an S3 scan.
It is distributed like EVEN: the files are spread over the slices.

Row estimate: the table property ``numRows`` when set (Redshift: "set the
numRows property to indicate the size of the table"); otherwise
:data:`DEFAULT_ROWS`, as "external tables are assumed to be larger than local
tables" [ours: the figure].

Simplified versus Redshift: one catalog per database (no Glue shared between
clusters), external schemas hold only external tables, no GRANT.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from columnar.core.temporal import format_date, format_timestamp
from columnar.core.types import BIGINT, VARCHAR, DataType, Field
from columnar.storage.catalog import DistStyle

#: Rows the planner assumes for an external table without ``numRows``.
DEFAULT_ROWS = 1_000_000_000

#: Scan column positions of the pseudo-columns ``"$path"`` and ``"$size"``.
PATH_COLUMN = -2
SIZE_COLUMN = -3
PSEUDO_COLUMNS = {"$path": (PATH_COLUMN, DataType(VARCHAR.id, length=1024)), "$size": (SIZE_COLUMN, BIGINT)}


@dataclass
class ExternalSchema:
    name: str
    source: str = "DATA CATALOG"
    database: str = ""
    iam_role: str = ""
    region: str | None = None
    created: datetime.datetime = field(default_factory=datetime.datetime.now)


@dataclass
class Partition:
    """One registered partition: its values (typed as the partition columns) and folder."""

    values: tuple
    location: str


@dataclass
class ExternalTable:
    schema: str
    table: str
    columns: list  # data columns (Field), in file order
    partition_columns: list = field(default_factory=list)  # Field
    stored_as: str = "TEXTFILE"
    row_format: dict = field(default_factory=dict)  # FIELDS / LINES / ESCAPED / NULL / SERDE
    serde_properties: dict = field(default_factory=dict)
    location: str = ""
    properties: dict = field(default_factory=dict)
    partitions: list = field(default_factory=list)  # Partition, in registration order
    table_id: int = 0
    created: datetime.datetime = field(default_factory=datetime.datetime.now)

    is_external = True
    effective_style = DistStyle.EVEN
    stats = None

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def fields(self) -> list[Field]:
        """Data columns, then partition columns: what ``SELECT *`` returns."""
        return list(self.columns) + list(self.partition_columns)

    @property
    def is_partitioned(self) -> bool:
        return bool(self.partition_columns)

    def row_count(self) -> int:
        try:
            return int(float(self.properties.get("numRows", DEFAULT_ROWS)))
        except ValueError:
            return DEFAULT_ROWS

    def partition_index(self, values: tuple) -> int | None:
        for i, p in enumerate(self.partitions):
            if p.values == values:
                return i
        return None

    def partition_path(self, values: tuple) -> str:
        """``year=2020/month=1``: the Hive folder of a partition."""
        return "/".join(f"{f.name}={partition_display(v, f.type)}" for f, v in zip(self.partition_columns, values))

    def snapshot(self) -> tuple:
        return (list(self.partitions), dict(self.properties))

    def restore(self, state: tuple) -> None:
        self.partitions, self.properties = list(state[0]), dict(state[1])


def partition_display(value, t: DataType) -> str:
    """A partition value as text (Hive's ``__HIVE_DEFAULT_PARTITION__`` for NULL).

    Example:
        >>> from columnar.core.types import DATE, INTEGER
        >>> partition_display(18262, DATE), partition_display(7, INTEGER), partition_display(None, INTEGER)
        ('2020-01-01', '7', '__HIVE_DEFAULT_PARTITION__')
    """
    if value is None:
        return "__HIVE_DEFAULT_PARTITION__"
    if t.id.name == "DATE":
        return format_date(value)
    if t.id.name == "TIMESTAMP":
        return format_timestamp(value)
    if t.is_decimal:
        return str(Decimal(value).scaleb(-t.scale))
    return str(value)
