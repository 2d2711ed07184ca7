"""``columnar.connect()``: the Connection, the DB-API cursor, the default connection.

Role: the public face of the engine (DESIGN.md's API contract). A
:class:`Connection` owns a :class:`~columnar.api.session.Session` (catalog,
topology, settings) and offers both the DuckDB-style calls (``sql``,
``execute``, ``register``, ``explain``) and the PEP 249 ones (``cursor``,
``commit``, ``rollback``, ``close``).

The executor, numba and pyarrow are imported on first use, so that
``import columnar`` stays fast.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Sequence

from columnar.core.errors import InterfaceError, ProgrammingError


class Connection:
    """A simulated Redshift cluster holding an in-memory database.

    Example:
        >>> import columnar
        >>> db = columnar.connect(nodes=2, slices_per_node=2)
        >>> db.sql("SELECT 1 + 1 AS two").fetchall()
        [(2,)]
    """

    def __init__(self, database: str | os.PathLike | None = None, *, nodes: int | None = None,
                 slices_per_node: int | None = None, node_type: str | None = None,
                 block_bytes: int = 1 << 20, threads: int | None = None, auto_all_max_rows: int = 1000,
                 read_only: bool = False, s3: dict | None = None):
        from columnar.api.malloc_tuning import tune_malloc
        from columnar.api.settings import Settings
        from columnar.cluster.topology import Topology

        tune_malloc()
        self._database = None
        if database not in (None, ":memory:", ""):
            from columnar.storage.database import Database

            self._database = Database(database, read_only=read_only)
            stored = self._database.topology_shape()
            if stored is not None:  # the folder's cluster wins; a different one asked for is an error
                asked = {"nodes": nodes, "slices_per_node": slices_per_node, "node_type": node_type}
                clash = {k: v for k, v in asked.items() if v is not None and v != stored[k]}
                if clash:
                    self._database.close()
                    raise ProgrammingError(
                        f"database folder {self._database.path} holds a cluster of {stored['nodes']} node(s) x "
                        f"{stored['slices_per_node']} slices; it cannot be opened as "
                        + ", ".join(f"{k}={v!r}" for k, v in clash.items())
                    )
                nodes, slices_per_node, node_type = stored["nodes"], stored["slices_per_node"], stored["node_type"]
        elif read_only:
            raise ProgrammingError("read_only=True needs a database folder")
        if nodes is None:
            nodes = 2
        if node_type is not None:
            topology = Topology.for_node_type(node_type, nodes)
            if slices_per_node is not None and slices_per_node != topology.slices_per_node:
                topology = Topology(nodes, slices_per_node, node_type)
        else:
            topology = Topology(nodes, 2 if slices_per_node is None else slices_per_node)
        if not isinstance(block_bytes, int) or block_bytes < 1024:
            raise ProgrammingError(f"block_bytes must be an integer of at least 1024, got {block_bytes!r}")
        self.block_bytes = block_bytes
        if threads is None:  # slice fragments use every core of the machine
            threads = min(os.cpu_count() or 1, topology.n_slices)
        if not isinstance(threads, int) or threads < 1:
            raise ProgrammingError(f"threads must be a positive integer, got {threads!r}")
        self._settings = Settings(threads=threads, auto_all_max_rows=auto_all_max_rows, block_bytes=block_bytes)
        self._topology = topology
        self._s3 = s3  # endpoint_url / access_key / secret_key / region for s3:// LOCATIONs
        if self._database is not None and self._database.manifest is None:  # a new folder: record its cluster
            from columnar.storage.catalog import Catalog

            self._database.commit(Catalog(), topology.shape())
        self._session = None
        self._closed = False

    # -- plumbing ------------------------------------------------------------------------
    @property
    def session(self):
        if self._closed:
            raise InterfaceError("connection is closed")
        if self._session is None:
            from columnar.api.session import Session

            self._session = Session(self._topology, self._settings, self._database, self._s3)
        return self._session

    @property
    def topology(self):
        return self._topology

    def __repr__(self) -> str:
        return f"<columnar.Connection cluster={self._topology} {'closed' if self._closed else 'open'}>"

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- DuckDB-style API -----------------------------------------------------------------
    def sql(self, query: str, params: Sequence[Any] | None = None):
        """Run ``query`` (one or more statements); returns the last one's Result."""
        if not isinstance(query, str):
            raise ProgrammingError(f"query must be a string, got {type(query).__name__}")
        return self.session.run(query, params)

    def execute(self, query: str, params: Sequence[Any] | None = None) -> "Cursor":
        """Run ``query`` and return a DB-API cursor over its result."""
        cur = self.cursor()
        cur.execute(query, params)
        return cur

    def executemany(self, query: str, seq_of_params: Iterable[Sequence[Any]]) -> "Cursor":
        cur = self.cursor()
        cur.executemany(query, seq_of_params)
        return cur

    def explain(self, query: str, *, verbose: bool = False, analyze: bool = False) -> str:
        """The EXPLAIN text of ``query`` (the same as the EXPLAIN statement)."""
        prefix = "EXPLAIN " + ("ANALYZE " if analyze else "") + ("VERBOSE " if verbose else "")
        rows = self.sql(prefix + query).fetchall()
        return "\n".join(r[0] for r in rows)

    def register(self, name: str, data, *, diststyle: str = "AUTO", distkey: str | None = None,
                 sortkey: Sequence[str] = ()) -> None:
        """Store ``data`` (a pyarrow Table, pandas/polars DataFrame, or anything
        with ``__arrow_c_stream__``) as table ``name``, replacing any table of
        that name."""
        from columnar.core.types import Field
        from columnar.storage import arrow_convert as ac

        table = ac.to_arrow_table_any(data)
        fields = [Field(n.lower(), ac.arrow_type_to_sql(t)) for n, t in zip(table.column_names, table.schema.types)]
        cols = [ac.arrow_to_column(table.column(i), f.type, name=f.name, dictionary_encode=f.type.is_string)
                for i, f in enumerate(fields)]
        self.session.register(name, cols, fields, diststyle, distkey, sortkey)

    def tables(self) -> list[str]:
        return self.session.catalog.names()

    # -- PEP 249 ----------------------------------------------------------------------------
    def cursor(self) -> "Cursor":
        if self._closed:
            raise InterfaceError("connection is closed")
        return Cursor(self)

    def commit(self) -> None:
        """Commit the open transaction (after BEGIN); outside one, statements have
        already committed (autocommit) and there is nothing to do."""
        self.sql("COMMIT")

    def rollback(self) -> None:
        """Roll back the open transaction (after BEGIN); nothing to do outside one."""
        self.sql("ROLLBACK")

    def check_integrity(self) -> list[str]:
        """Problems in the database folder's files (empty list when all is well):
        every file the manifest names exists and holds the rows it should."""
        if self._closed:
            raise InterfaceError("connection is closed")
        return [] if self._database is None else self._database.check_integrity()

    @property
    def path(self) -> str | None:
        """The database folder, or None for an in-memory database."""
        return None if self._database is None else self._database.path

    def close(self) -> None:
        """Close the connection; an open transaction is rolled back, the folder unlocked."""
        if self._closed:
            return
        if self._session is not None:
            self._session.transactions.close()
        if self._database is not None:
            self._database.close()
        self._closed = True
        self._session = None


class Cursor:
    """A PEP 249 cursor. ``result()`` gives the full :class:`Result` (metrics, arrow)."""

    arraysize = 1

    def __init__(self, connection: Connection):
        self.connection = connection
        self._result = None
        self._closed = False
        self.rowcount = -1

    def _check(self) -> None:
        if self._closed:
            raise InterfaceError("cursor is closed")
        if self.connection._closed:
            raise InterfaceError("connection is closed")

    def execute(self, query: str, params: Sequence[Any] | None = None) -> "Cursor":
        self._check()
        self._result = self.connection.sql(query, params)
        self.rowcount = self._result.rowcount
        return self

    def executemany(self, query: str, seq_of_params: Iterable[Sequence[Any]]) -> "Cursor":
        self._check()
        total = 0
        for params in seq_of_params:
            self.execute(query, params)
            total += max(self.rowcount, 0)
        self.rowcount = total
        return self

    @property
    def description(self):
        if self._result is None or not self._result.columns:
            return None
        return self._result.description

    def _need_result(self):
        self._check()
        if self._result is None:
            raise ProgrammingError("no statement has been executed on this cursor")
        return self._result

    def fetchone(self):
        return self._need_result().fetchone()

    def fetchmany(self, size: int | None = None):
        return self._need_result().fetchmany(self.arraysize if size is None else size)

    def fetchall(self):
        return self._need_result().fetchall()

    def result(self):
        return self._need_result()

    def fetch_dataframe(self):
        """redshift_connector's name for ``result().df()``."""
        return self._need_result().df()

    def fetch_numpy_array(self):
        import numpy as np

        return np.array(self.fetchall(), dtype=object)

    def setinputsizes(self, sizes) -> None:
        pass

    def setoutputsize(self, size, column=None) -> None:
        pass

    def close(self) -> None:
        self._closed = True

    def __iter__(self):
        while True:
            row = self.fetchone()
            if row is None:
                return
            yield row


def connect(database: str | os.PathLike | None = None, **kwargs) -> Connection:
    """Open a simulated cluster: ``connect()`` is a 2-node x 2-slice in-memory
    database; ``connect(nodes=4, slices_per_node=2)``, ``connect(node_type="ra3.4xlarge")``.
    ``connect("path/")`` creates or reopens a database folder (its cluster shape is
    kept in the folder); ``connect("path/", read_only=True)`` reads one that another
    process may be writing."""
    return Connection(database, **kwargs)


_default: Connection | None = None


def default_connection() -> Connection:
    global _default
    if _default is None or _default._closed:
        _default = Connection()
    return _default


def sql(query: str, params: Sequence[Any] | None = None):
    """Run ``query`` on the default in-memory connection (like ``duckdb.sql``)."""
    return default_connection().sql(query, params)
