"""XN S3 Query Scan: read an external table's files into the cluster (Redshift Spectrum).

Role: the leaf operator for an external table. Redshift hands the scan of
S3 files to the Spectrum layer, whose filtered rows then enter the cluster;
here:

1. choose the partitions and list their files (:mod:`columnar.exec.spectrum`);
2. spread the files over the slices (file ``i`` to slice ``i mod slices``,
   the output is distributed like EVEN) and read each with projection: only
   the data columns the query uses, and, for Parquet, only the row groups
   whose min/max may match the filter's ranges
   (:mod:`columnar.storage.external_read`);
3. add the partition columns (constant per partition) and the pseudo-columns
   ``"$path"`` / ``"$size"`` (constant per file).

A missing folder: an S3 prefix holding no object is simply empty (S3 has no
folders), and so is a partition folder never written (partition projection
generates many); but the LOCATION of an unpartitioned table on this machine
that does not exist is most likely a typo: a clear error.

The filter above the scan still applies to every row, so pruning never
changes an answer. What was read is counted for the bill and the system
views: partitions scanned / pruned, files, row groups scanned / pruned,
bytes scanned (``external_bytes_scanned``: projected column chunks of the row
groups read for Parquet, whole files for text), kept on the operator for
SVL_S3QUERY_SUMMARY and SVL_S3PARTITION.

Simplified versus Redshift: no Spectrum-side aggregation (``S3 Aggregate``):
rows are aggregated in the cluster; files are read whole by one slice (no
split of big files).
"""

from __future__ import annotations

import time

from columnar.core.chunk import Batch, empty_batch
from columnar.exec.operators.base import ANY, ExecContext, Partitioned, PhysicalOp
from columnar.exec.spectrum import choose_partitions, constant, missing_folder
from columnar.kernels.columns import concat_columns
from columnar.storage.external import PATH_COLUMN, SIZE_COLUMN


class S3Scan(PhysicalOp):
    def __init__(self, table, columns: list[int], schema: list, alias: str = "", predicate=None,
                 ranges: dict | None = None, options: dict | None = None):
        self.table, self.columns, self.schema, self.alias = table, columns, schema, alias
        self.predicate = predicate  # the filter above: partition pruning
        self.ranges = {c: r for c, r in (ranges or {}).items() if 0 <= c < len(table.columns)}
        self.options = dict(options or {})  # base_dir, s3 (endpoint and credentials)
        self.dist = ANY
        self.children = []
        self.report: dict = {}  # what the last run read (SVL_S3QUERY_SUMMARY, SVL_S3PARTITION)

    @property
    def shown_name(self) -> str:
        """The alias, or the table's own name (without its schema), as EXPLAIN prints it."""
        return self.alias if self.alias and self.alias != self.table.name else self.table.table

    def describe(self) -> str:
        return f"XN S3 Query Scan {self.shown_name}"

    def run(self, ctx: ExecContext) -> Partitioned:
        from columnar.storage import external_read, lake_fs  # pyarrow: on the first external scan only

        t0 = time.perf_counter()
        table = self.table
        choice = choose_partitions(table, self.columns, self.predicate)
        files = []  # (partition, FileInfo, fs)
        for part in choice.chosen:
            loc = lake_fs.resolve(part.location, s3=self.options.get("s3"))
            if lake_fs.exists(loc):
                files += [(part, f, loc.fs) for f in lake_fs.list_files(loc)]
            elif not choice.partitioned and not loc.uri.startswith("s3://"):
                raise missing_folder(table.name, loc.uri)
            # else: an S3 prefix without objects, or a partition never written, reads as empty
        n_data = len(table.columns)
        needed = sorted({c for c in self.columns if 0 <= c < n_data})
        rf = table.row_format
        fmt = external_read.text_format_from(table.stored_as, {
            "serde": rf.get("SERDE"), "serde_properties": table.serde_properties,
            "fields_terminated_by": rf.get("FIELDS"), "lines_terminated_by": rf.get("LINES"),
            "escaped_by": rf.get("ESCAPED"), "null_defined_as": rf.get("NULL"),
        }, table.properties)
        counters = external_read.ScanCounters()
        n_slices = ctx.topology.n_slices
        per_slice: list[list[Batch]] = [[] for _ in range(n_slices)]
        for i, (part, info, fs) in enumerate(files):
            cols, n = external_read.read_file(info, fs, fmt, table.columns, needed, self.ranges, counters)
            data = dict(zip(needed, cols))
            out = []
            for c, f in zip(self.columns, self.schema):
                if c in data:
                    out.append(data[c])
                elif c == PATH_COLUMN:
                    out.append(constant(f.type, info.uri, n))
                elif c == SIZE_COLUMN:
                    out.append(constant(f.type, info.size, n))
                else:
                    out.append(constant(f.type, part.values[c - n_data], n))
            per_slice[i % n_slices].append(Batch(out, n))
        batches = [_concat(bs, self.types) for bs in per_slice]
        m = ctx.metrics
        if choice.partitioned:
            m.add("partitions_scanned", len(choice.chosen))
            m.add("partitions_pruned", choice.total - len(choice.chosen))
        m.add("files_scanned", len(files))
        m.add("row_groups_scanned", counters.row_groups_scanned)
        m.add("row_groups_pruned", counters.row_groups_pruned)
        m.add("external_bytes_scanned", counters.bytes_scanned)
        m.add("rows_scanned", counters.rows_scanned)
        self.report = {
            "partitioned": choice.partitioned, "total_partitions": choice.total,
            "qualified_partitions": len(choice.chosen), "files": len(files),
            "files_max": -(-len(files) // n_slices),  # files are dealt round-robin to the slices
            "bytes": counters.bytes_scanned, "rows": counters.rows_scanned,
            "returned_rows": sum(len(b) for b in batches), "returned_bytes": sum(b.nbytes for b in batches),
            "row_groups_scanned": counters.row_groups_scanned, "row_groups_pruned": counters.row_groups_pruned,
            "seconds": time.perf_counter() - t0,
        }
        return Partitioned(batches, self.dist)


def _concat(batches: list[Batch], types: list) -> Batch:
    if not batches:
        return empty_batch(types)
    if len(batches) == 1:
        return batches[0]
    cols = [concat_columns([b.columns[i] for b in batches]) for i in range(len(types))]
    return Batch(cols, sum(len(b) for b in batches))
