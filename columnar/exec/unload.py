"""UNLOAD: a query's rows written to files, one per slice.

Role: the execution half of ``UNLOAD ('select ...') TO 'folder/prefix' ...``
(the statement is bound by :mod:`columnar.api.unload`).

* :func:`run_per_slice` runs a physical plan **without gathering at the
  leader**: a plan's final ``Gather`` (XN Network, send to leader) is skipped
  and each slice keeps its rows, as Redshift's compute nodes write their own
  files. A plan that must finish at the leader (ORDER BY, a final aggregate,
  LIMIT ...) leaves its rows on slice 0, so it unloads to one file; a
  replicated (DISTSTYLE ALL) result counts each row once, on the first slice.
* :func:`write_unload` writes the per-slice rows: with ``PARALLEL ON`` (the
  default) one file per non-empty slice, named as Redshift does,
  ``{prefix}{slice:04d}_part_00`` (+ ``.parquet``); with ``PARALLEL OFF`` the
  slices are concatenated in slice order into one file ``{prefix}000``.
  One file per slice is our model of "according to the number of slices"
  (reference §6.7, checklist 42); MAXFILESIZE splitting is not modelled.
  ``PARTITION BY (cols)`` writes Hive folders ``col=value/`` (NULL →
  ``__HIVE_DEFAULT_PARTITION__``) nested in the listed order, and drops the
  partition columns from the files unless ``INCLUDE``.

Formats: PARQUET (pyarrow, SNAPPY), CSV (``"``-quoted when needed) and the
default TEXT (delimited, unquoted; default delimiter ``|``). NULL is written
as the NULL AS string, empty by default.

The target is a local folder or an ``s3://bucket/prefix`` (written through
the LOCATION resolver's file system, :mod:`columnar.storage.lake_fs`, with
the connection's S3 options); either way, existing files under the prefix
make UNLOAD fail unless ALLOWOVERWRITE or CLEANPATH.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from urllib.parse import quote

from columnar.cluster.network import concat_batches
from columnar.cluster.topology import Topology
from columnar.core.chunk import Batch
from columnar.core.errors import NotSupportedError, OperationalError, ProgrammingError
from columnar.exec.metrics import MetricsCollector
from columnar.exec.operators.base import ExecContext, PhysicalOp
from columnar.exec.operators.exchange import Gather, _as_slices

HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
FORMATS = ("PARQUET", "CSV", "TEXT")

NOT_EMPTY = (
    "Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, "
    "manually removing the target files in S3, or using the ALLOWOVERWRITE option."
)


def run_per_slice(plan: PhysicalOp, topology: Topology, metrics: MetricsCollector, threads: int = 1,
                  steps: list | None = None) -> list[Batch]:
    """Run ``plan`` and return one batch per slice (each row once), skipping the
    final gather to the leader."""
    if isinstance(plan, Gather):
        plan = plan.children[0]
    ctx = ExecContext(topology, metrics, threads)
    try:
        out = ctx.run(plan)
        return _as_slices(out, ctx)
    finally:
        ctx.close()
        for name, value in ctx.network.counters.items():
            metrics.add(name, value)
        if steps is not None:
            steps.extend(ctx.steps)


@dataclass
class UnloadOptions:
    format: str = "TEXT"
    partition_by: tuple = ()
    include: bool = False
    parallel: bool = True
    allow_overwrite: bool = False
    clean_path: bool = False
    header: bool = False
    delimiter: str | None = None
    null_as: str = ""
    s3: dict | None = None  # endpoint / credentials for an s3:// target (else the environment)
    max_partitions: int | None = None  # more partition folders than this fail before any file is written

    @classmethod
    def from_statement(cls, fmt: str, options) -> "UnloadOptions":
        """Checked options from the parser's (NAME, value) pairs."""
        opts = dict(options)
        fmt = fmt.upper()
        if fmt not in FORMATS:
            raise NotSupportedError(f"UNLOAD FORMAT {fmt} is not supported (use PARQUET, CSV or the default text)")
        o = cls(
            format=fmt,
            partition_by=tuple(opts.get("PARTITION_BY", ())),
            include=bool(opts.get("INCLUDE", False)),
            parallel=bool(opts.get("PARALLEL", True)),
            allow_overwrite=bool(opts.get("ALLOWOVERWRITE", False)),
            clean_path=bool(opts.get("CLEANPATH", False)),
            header=bool(opts.get("HEADER", False)),
            delimiter=opts.get("DELIMITER"),
            null_as=opts.get("NULL", ""),
        )
        if fmt == "PARQUET":
            for name in ("HEADER", "DELIMITER", "NULL"):
                if name in opts:
                    raise ProgrammingError(f"UNLOAD: {name} is not supported with FORMAT PARQUET")
        if o.allow_overwrite and o.clean_path:
            raise ProgrammingError("UNLOAD: ALLOWOVERWRITE and CLEANPATH cannot be used together")
        if o.delimiter is not None and len(o.delimiter) != 1:
            raise ProgrammingError(f"UNLOAD: DELIMITER must be a single character, not '{o.delimiter}'")
        return o


def write_unload(names: list[str], slices: list[Batch], target: str, opts: UnloadOptions) -> tuple[int, list[str]]:
    """Write ``slices`` (one batch per slice) under ``target`` ('folder/prefix').

    Returns:
        (rows written, paths of the files written, in writing order).

    Raises:
        ProgrammingError: the destination holds files and neither ALLOWOVERWRITE
            nor CLEANPATH is given; a PARTITION BY column is not in the query; more
            partition folders than ``opts.max_partitions`` (nothing is written then).
    """
    from columnar.storage.arrow_convert import columns_to_table  # pyarrow loads on first use

    target = os.fspath(target)
    if target.startswith("s3://"):
        folder, prefix = target.rsplit("/", 1)
        out = _S3Folder(folder, opts.s3)
    else:
        folder, prefix = os.path.split(target)
        out = _LocalFolder(folder or ".")
    lowered = [n.lower() for n in names]
    part_idx = []
    for col in opts.partition_by:
        if col.lower() not in lowered:
            raise ProgrammingError(f"UNLOAD PARTITION BY column \"{col}\" is not a column of the query "
                                   f"(its columns: {', '.join(names)})")
        part_idx.append(lowered.index(col.lower()))
    if part_idx and not opts.include and len(set(part_idx)) == len(names):
        raise ProgrammingError("UNLOAD PARTITION BY cannot name every column of the query unless INCLUDE is given")
    keep = [i for i in range(len(names)) if opts.include or i not in part_idx]

    if opts.parallel:
        groups = [(f"{s:04d}_part_00", b) for s, b in enumerate(slices)]
    else:
        groups = [("000", concat_batches(slices))]
    ext = ".parquet" if opts.format == "PARQUET" else ""
    pieces, total = [], 0  # (partition folders, file name, rows): everything is split before anything is written
    for suffix, batch in groups:
        if len(batch) == 0:
            continue
        table = columns_to_table(list(names), list(batch.columns))
        total += table.num_rows
        for subdir, part in _partitions(table, [names[i] for i in part_idx]):
            pieces.append((subdir, f"{prefix}{suffix}{ext}", part.select(keep)))
    if opts.max_partitions is not None and len({subdir for subdir, _, _ in pieces}) > opts.max_partitions:
        raise ProgrammingError(f"HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of {opts.max_partitions} open "
                               "writers for partitions/buckets")

    existing = out.existing(prefix)
    if existing:
        if opts.clean_path:
            for path in existing:
                out.remove(path)
        elif not opts.allow_overwrite:
            raise ProgrammingError(f"{NOT_EMPTY} (destination '{target}' holds {len(existing)} file(s))")
    written = []
    for subdir, name, part in pieces:
        path = out.path(*subdir, name)
        with out.open(path) as f:
            _write(part, f, opts)
        written.append(path)
    return total, written


class _LocalFolder:
    """Where UNLOAD writes on the local disk."""

    def __init__(self, folder: str):
        self.folder = folder

    def existing(self, prefix: str) -> list[str]:
        """Files under the folder (recursively, so partition folders count) whose names start with ``prefix``."""
        if not os.path.isdir(self.folder):
            if os.path.exists(self.folder):
                raise OperationalError(f"UNLOAD destination folder '{self.folder}' is a file")
            return []
        found = []
        for root, _dirs, files in os.walk(self.folder):
            found.extend(os.path.join(root, f) for f in sorted(files) if f.startswith(prefix))
        return found

    def remove(self, path: str) -> None:
        os.remove(path)

    def path(self, *parts: str) -> str:
        return os.path.join(self.folder, *parts)

    def open(self, path: str):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return open(path, "wb")


class _S3Folder:
    """Where UNLOAD writes in S3 (through the LOCATION resolver's file system)."""

    def __init__(self, folder: str, s3: dict | None):
        from columnar.storage import lake_fs

        self.lake_fs = lake_fs
        self.loc = lake_fs.resolve(folder + "/", s3=s3)
        self.root = folder

    def existing(self, prefix: str) -> list[str]:
        try:
            files = self.lake_fs.list_files(self.loc)
        except OperationalError:
            return []
        return [f.uri for f in files if f.uri.rsplit("/", 1)[-1].startswith(prefix)]

    def remove(self, uri: str) -> None:
        self.loc.fs.delete_file(self._fs_path(uri))

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def open(self, uri: str):
        return self.loc.fs.open_output_stream(self._fs_path(uri))

    def _fs_path(self, uri: str) -> str:
        return self.loc.path.rstrip("/") + uri[len(self.root):]


def _partition_value(v) -> str:
    if v is None:
        return HIVE_NULL
    if isinstance(v, bool):
        return "true" if v else "false"
    return quote(str(v), safe=" -_.:+")


def _partitions(table, part_names: list[str]):
    """(sub-folders, rows) per distinct partition value tuple, in first-seen order
    (grouped by Arrow: one pass over the rows, then one ``take`` per partition)."""
    if not part_names:
        yield (), table
        return
    import numpy as np
    import pyarrow as pa

    rows = "__columnar_row"
    keyed = table.select(part_names).append_column(rows, pa.array(np.arange(table.num_rows)))
    groups = keyed.group_by(part_names, use_threads=False).aggregate([(rows, "list")])
    values = [groups.column(n).to_pylist() for n in part_names]
    for g, idx in enumerate(groups.column(f"{rows}_list").combine_chunks()):
        yield (tuple(f"{n}={_partition_value(v[g])}" for n, v in zip(part_names, values)),
               table.take(idx.values))


def _write(table, f, opts: UnloadOptions) -> None:
    """Write ``table`` to the open binary file ``f``."""
    if opts.format == "PARQUET":
        import pyarrow.parquet as pq

        pq.write_table(table, f, compression="snappy")
        return
    delim = opts.delimiter or ("," if opts.format == "CSV" else "|")
    buf = io.StringIO()
    if opts.format == "CSV":
        w = csv.writer(buf, delimiter=delim, quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        if opts.header:
            w.writerow(table.column_names)
        for row in zip(*(c.to_pylist() for c in table.columns)):
            w.writerow([opts.null_as if v is None else _text(v) for v in row])
    else:
        if opts.header:
            buf.write(delim.join(table.column_names) + "\n")
        for row in zip(*(c.to_pylist() for c in table.columns)):
            buf.write(delim.join(opts.null_as if v is None else _text(v) for v in row) + "\n")
    f.write(buf.getvalue().encode("utf-8"))


def _text(v) -> str:
    if isinstance(v, bool):
        return "t" if v else "f"
    return str(v)


__all__ = ["run_per_slice", "write_unload", "UnloadOptions", "HIVE_NULL", "NOT_EMPTY"]
