"""A database folder: the catalog and every table's data on disk, committed atomically.

Role: what makes ``columnar.connect("path/")`` durable. The in-memory catalog
(:mod:`columnar.storage.catalog`) stays the working copy; at each commit
:meth:`Database.commit` writes what changed and then swaps the manifest.

Layout of the folder::

    path/
      manifest.json      the committed state: topology, tables, views, and per
                         table and slice the files holding its rows
      LOCK               held (flock) by the one writing process
      data/
        <table>_<slice>_<n>.arrow   one Part: rows one statement added to a slice
                                    (Arrow IPC, :mod:`columnar.storage.column_file`)
        <table>_<slice>_<n>.del     a slice's deletion mask (ghost rows), packed bits

Commit protocol (the manifest is the only thing ever overwritten):

1. write each new part / mask file under a name never used before
   (``next_file`` in the manifest counts up), and fsync it;
2. write ``manifest.json.tmp``, fsync it, ``rename`` it over ``manifest.json``
   (atomic on POSIX), fsync the folder: this rename *is* the commit;
3. delete the files the new manifest no longer names (dropped, truncated or
   vacuumed data).

A crash before step 2 leaves the old manifest and some unnamed files; a crash
after it leaves the new manifest and perhaps some dead files. Opening sweeps
the unnamed files either way (:meth:`Database.sweep`), so every state seen on
disk is a committed one.

Opening reads only the manifest: each part is read (memory-mapped) when a
query first scans its slice.

Concurrency: one writer per folder, enforced with an exclusive ``flock`` on
``LOCK`` (released by the OS if the process dies, ``kill -9`` included); a
second writer gets :class:`~columnar.core.errors.OperationalError`. Read-only
connections take no lock and see the last committed state; they reload the
manifest when it changes between statements.

Testing hook: ``COLUMNAR_CRASH_AT=n`` makes the process kill itself
(SIGKILL) at the n-th durable step of this module (each file written, the
manifest written, renamed, the folder synced, each file deleted), which is how
the crash tests visit every point of the protocol deterministically.

Simplified versus Redshift: Redshift's storage is per-node block files with
MVCC; here one process owns the folder and readers in other processes may
fail on a file a later commit has deleted (they then reopen).
"""

from __future__ import annotations

import datetime
import json
import os
import signal

import numpy as np

from columnar.core.errors import OperationalError, ProgrammingError
from columnar.core.types import DataType, Field, TypeId
from columnar.storage.catalog import Catalog, DistStyle, TableDef
from columnar.storage.external import ExternalSchema, ExternalTable, Partition
from columnar.storage.statistics import stats_from_json, stats_to_json
from columnar.storage.table import Part, Table

FORMAT = "columnar-database"
VERSION = 1
MANIFEST = "manifest.json"
LOCK = "LOCK"
DATA = "data"

_crash_at = int(os.environ.get("COLUMNAR_CRASH_AT", "0") or 0)
_crash_count = 0


def crash_point() -> None:
    """One durable step; with ``COLUMNAR_CRASH_AT=n`` the n-th one kills the process."""
    global _crash_count
    _crash_count += 1
    if _crash_count == _crash_at:
        os.kill(os.getpid(), signal.SIGKILL)


def crash_points_passed() -> int:
    """Durable steps taken so far by this process (the crash tests count them)."""
    return _crash_count


def _fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # platforms without directory handles
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Database:
    """A database folder opened for writing (``read_only=False``, locked) or reading."""

    def __init__(self, path: str | os.PathLike, read_only: bool = False):
        self.path = os.path.abspath(os.fspath(path))
        self.read_only = read_only
        self.data = os.path.join(self.path, DATA)
        self._lock_fd = None
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise OperationalError(f"{self.path} is a file, not a database folder")
        if read_only:
            if not os.path.exists(os.path.join(self.path, MANIFEST)):
                raise OperationalError(f"no database in {self.path} (no {MANIFEST}); open it for writing to create it")
        else:
            try:
                os.makedirs(self.data, exist_ok=True)
            except OSError as e:
                raise OperationalError(f"cannot create database folder {self.path}: {e.strerror}") from None
            self._lock()
        self.manifest: dict | None = self._read_manifest()
        self._stamp = self._manifest_stamp()
        if not read_only and self.manifest is not None:
            self.sweep()

    # -- lock ----------------------------------------------------------------------
    def _lock(self) -> None:
        path = os.path.join(self.path, LOCK)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl
        except ImportError:  # no flock (Windows): single-writer use is the user's duty
            self._lock_fd = fd
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise OperationalError(
                f"database folder {self.path} is open for writing by process {holder}; "
                "open it with read_only=True to read it"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    # -- manifest ---------------------------------------------------------------------
    def _manifest_path(self) -> str:
        return os.path.join(self.path, MANIFEST)

    def _manifest_stamp(self):
        try:
            st = os.stat(self._manifest_path())
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _read_manifest(self) -> dict | None:
        try:
            with open(self._manifest_path(), encoding="utf-8") as f:
                m = json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise OperationalError(f"cannot read {self._manifest_path()}: {e}") from None
        if m.get("format") != FORMAT:
            raise OperationalError(f"{self._manifest_path()} is not a columnar database manifest")
        if m.get("version", 0) > VERSION:
            raise OperationalError(f"database format version {m.get('version')} is newer than this columnar "
                                   f"(reads version {VERSION}); upgrade columnar")
        return m

    def changed(self) -> bool:
        """Whether another process committed since this one last read the manifest."""
        return self._manifest_stamp() != self._stamp

    def reload(self) -> None:
        self.manifest = self._read_manifest()
        self._stamp = self._manifest_stamp()

    # -- topology ------------------------------------------------------------------------
    def topology_shape(self) -> dict | None:
        return None if self.manifest is None else dict(self.manifest["topology"])

    # -- loading ---------------------------------------------------------------------------
    def load_tables(self, catalog: Catalog, n_slices: int, make_default) -> list[dict]:
        """Fill ``catalog`` with the manifest's tables (data read lazily); returns the
        view records (``name``, ``sql``, ``column_names``) for the caller to parse.
        ``make_default(value, type)`` rebuilds a column DEFAULT (a bound constant)."""
        m = self.manifest
        if m is None:
            return []
        for t in m["tables"]:
            table = Table(_definition_from_json(t["definition"], make_default), n_slices)
            table.table_id = t["table_id"]
            table.created = datetime.datetime.fromisoformat(t["created"])
            table.effective_style = DistStyle(t["effective_style"])
            table.next_row_id = t["next_row_id"]
            table.changed_rows = t.get("changed_rows", 0)
            table.interleaved_index = t.get("interleaved_index", False)
            if t.get("last_reindex"):
                table.last_reindex = datetime.datetime.fromisoformat(t["last_reindex"])
            if t.get("stats"):
                table.stats = stats_from_json(t["stats"])
            for s, sl in enumerate(t["slices"]):
                parts = [Part(rows, loader=self._loader(name), files=(name,)) for name, rows in sl["parts"]]
                deleted = None
                if sl.get("deleted"):
                    deleted = self._read_mask(sl["deleted"], sum(rows for _, rows in sl["parts"]))
                table.load_slice(s, parts, sl["sorted_rows"], deleted, sl.get("deleted"))
            catalog.add_loaded(table, m["next_table_id"])
        for s in m.get("external_schemas", []):
            catalog.create_schema(ExternalSchema(s["name"], s["source"], s["database"], s["iam_role"], s["region"],
                                                 datetime.datetime.fromisoformat(s["created"])))
        for t in m.get("external_tables", []):
            catalog.create_external(_external_from_json(t))
        return list(m.get("views", []))

    def _loader(self, name: str):
        path = os.path.join(self.data, name)

        def load():
            from columnar.storage.column_file import read_part  # pyarrow on first read only

            return read_part(path)

        return load

    def _read_mask(self, name: str, rows: int) -> np.ndarray:
        path = os.path.join(self.data, name)
        try:
            bits = np.fromfile(path, dtype=np.uint8)
        except OSError as e:
            raise OperationalError(f"cannot read {path}: {e.strerror}") from None
        return np.unpackbits(bits, bitorder="little", count=rows).astype(np.bool_)

    # -- commit ----------------------------------------------------------------------------------
    def commit(self, catalog: Catalog, topology_shape: dict) -> None:
        """Write the catalog's new data files, then swap in a manifest naming them."""
        if self.read_only:
            raise ProgrammingError("this connection opened the database read-only")
        from columnar.storage.column_file import write_part

        next_file = 0 if self.manifest is None else self.manifest["next_file"]
        tables = []
        for table in catalog.tables():
            slices = []
            for s in range(table.n_slices):
                st = table.slice_state(s)
                parts = []
                for part in st.parts:
                    if not part.files:
                        name = f"{table.table_id}_{s}_{next_file}.arrow"
                        next_file += 1
                        write_part(os.path.join(self.data, name), part.columns)
                        crash_point()
                        part.files = (name,)
                    parts.append([part.files[0], part.rows])
                if st.deleted is not None and st.deleted_file is None:
                    name = f"{table.table_id}_{s}_{next_file}.del"
                    next_file += 1
                    _write_bytes(os.path.join(self.data, name), np.packbits(st.deleted, bitorder="little").tobytes())
                    crash_point()
                    st.deleted_file = name
                slices.append({"parts": parts, "sorted_rows": st.sorted_rows,
                               "deleted": st.deleted_file if st.deleted is not None else None})
            tables.append({
                "name": table.name, "table_id": table.table_id, "created": table.created.isoformat(),
                "definition": _definition_to_json(table.definition),
                "effective_style": table.effective_style.value, "next_row_id": table.next_row_id,
                "changed_rows": table.changed_rows, "interleaved_index": table.interleaved_index,
                "stats": None if table.stats is None else stats_to_json(table.stats),
                "last_reindex": None if table.last_reindex is None else table.last_reindex.isoformat(),
                "slices": slices,
            })
        views = [{"name": v.name, "sql": v.sql, "column_names": list(v.column_names)} for v in catalog.views()]
        schemas = [{"name": s.name, "source": s.source, "database": s.database, "iam_role": s.iam_role,
                    "region": s.region, "created": s.created.isoformat()} for s in catalog.schemas()]
        external = [_external_to_json(t) for t in catalog.external_tables()]
        manifest = {
            "format": FORMAT, "version": VERSION,
            "generation": 1 if self.manifest is None else self.manifest["generation"] + 1,
            "committed": datetime.datetime.now().isoformat(),
            "topology": topology_shape, "next_file": next_file, "next_table_id": catalog.next_table_id,
            "tables": tables, "views": views, "external_schemas": schemas, "external_tables": external,
        }
        tmp = self._manifest_path() + ".tmp"
        _write_bytes(tmp, json.dumps(manifest, indent=1).encode(), replace=True)
        crash_point()
        os.replace(tmp, self._manifest_path())
        crash_point()
        _fsync_dir(self.path)
        crash_point()
        self.manifest = manifest
        self._stamp = self._manifest_stamp()
        self.sweep()

    # -- garbage and integrity ----------------------------------------------------------------
    def referenced_files(self) -> set[str]:
        out: set[str] = set()
        for t in (self.manifest or {}).get("tables", []):
            for sl in t["slices"]:
                out.update(name for name, _ in sl["parts"])
                if sl.get("deleted"):
                    out.add(sl["deleted"])
        return out

    def sweep(self) -> int:
        """Delete data files the manifest does not name (left by a crash or replaced); returns how many."""
        if self.read_only:
            return 0
        keep = self.referenced_files()
        removed = 0
        for name in sorted(os.listdir(self.data)):
            if name not in keep:
                try:
                    os.remove(os.path.join(self.data, name))
                except OSError:
                    continue
                removed += 1
                crash_point()
        tmp = self._manifest_path() + ".tmp"
        if os.path.exists(tmp):
            os.remove(tmp)
        return removed

    def check_integrity(self) -> list[str]:
        """Problems found on disk (empty when none): every named file exists and
        holds the rows the manifest says, masks match, sorted regions fit."""
        from columnar.storage.column_file import read_part

        problems = []
        for t in (self.manifest or {}).get("tables", []):
            n_cols = len(t["definition"]["fields"])
            for s, sl in enumerate(t["slices"]):
                total = 0
                for name, rows in sl["parts"]:
                    path = os.path.join(self.data, name)
                    try:
                        cols = read_part(path)
                    except OperationalError as e:
                        problems.append(f"table {t['name']} slice {s}: {e}")
                        continue
                    if len(cols) != n_cols or any(len(c) != rows for c in cols):
                        problems.append(f"table {t['name']} slice {s}: {name} does not hold {rows} rows "
                                        f"of {n_cols} columns")
                    total += rows
                if sl["sorted_rows"] > total:
                    problems.append(f"table {t['name']} slice {s}: sorted region larger than the slice")
                if sl.get("deleted"):
                    path = os.path.join(self.data, sl["deleted"])
                    if not os.path.exists(path) or os.path.getsize(path) != (total + 7) // 8:
                        problems.append(f"table {t['name']} slice {s}: deletion mask {sl['deleted']} missing or "
                                        "of the wrong size")
        return problems


def _external_to_json(t: ExternalTable) -> dict:
    return {
        "schema": t.schema, "table": t.table, "table_id": t.table_id, "created": t.created.isoformat(),
        "columns": [{"name": f.name, "type": type_to_json(f.type)} for f in t.columns],
        "partition_columns": [{"name": f.name, "type": type_to_json(f.type)} for f in t.partition_columns],
        "stored_as": t.stored_as, "row_format": t.row_format, "serde_properties": t.serde_properties,
        "location": t.location, "properties": t.properties,
        "partitions": [{"values": list(p.values), "location": p.location} for p in t.partitions],
    }


def _external_from_json(j: dict) -> ExternalTable:
    def fields(items):
        return [Field(f["name"], type_from_json(f["type"])) for f in items]

    return ExternalTable(j["schema"], j["table"], fields(j["columns"]), fields(j["partition_columns"]),
                         j["stored_as"], dict(j["row_format"]), dict(j["serde_properties"]), j["location"],
                         dict(j["properties"]),
                         [Partition(tuple(p["values"]), p["location"]) for p in j["partitions"]],
                         j["table_id"], datetime.datetime.fromisoformat(j["created"]))


def _write_bytes(path: str, payload: bytes, replace: bool = False) -> None:
    with open(path, "wb" if replace else "xb") as f:
        f.write(payload)
        f.flush()
        os.fsync(f.fileno())


# -- table definitions as JSON -----------------------------------------------------------------
def type_to_json(t: DataType) -> dict:
    return {"id": t.id.value, "precision": t.precision, "scale": t.scale, "length": t.length}


def type_from_json(d: dict) -> DataType:
    return DataType(TypeId(d["id"]), d.get("precision", 0), d.get("scale", 0), d.get("length", 0))


def _definition_to_json(d: TableDef) -> dict:
    return {
        "name": d.name,
        "fields": [{"name": f.name, "type": type_to_json(f.type)} for f in d.fields],
        "diststyle": d.diststyle.value, "distkey": d.distkey,
        "sortkey": list(d.sortkey), "sortkey_style": d.sortkey_style,
        "not_null": sorted(d.not_null), "primary_key": list(d.primary_key), "encodings": dict(d.encodings),
        # defaults are constants (the binder checks it): their physical value and type
        "defaults": {k: {"value": c.value, "type": type_to_json(c.type)} for k, c in d.defaults.items()},
    }


def _definition_from_json(j: dict, make_default) -> TableDef:
    fields = [Field(f["name"], type_from_json(f["type"])) for f in j["fields"]]
    d = TableDef(j["name"], fields, DistStyle.KEY if j["distkey"] else DistStyle(j["diststyle"]), j["distkey"],
                 tuple(j["sortkey"]), j["sortkey_style"], frozenset(j["not_null"]),
                 {k: make_default(v["value"], type_from_json(v["type"])) for k, v in j["defaults"].items()},
                 tuple(j["primary_key"]), dict(j["encodings"]))
    d.diststyle = DistStyle(j["diststyle"])  # an AUTO table with a chosen key stays AUTO
    return d
