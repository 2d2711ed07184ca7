"""Transactions: every statement all-or-nothing, BEGIN/COMMIT/ROLLBACK, commits to the folder.

Role: the wrapper :class:`~columnar.api.session.Session` runs each statement
through (:meth:`Transactions.run`).

* **Autocommit** (no BEGIN): a statement that changes the database commits
  when it succeeds (for a database folder: :meth:`Database.commit
  <columnar.storage.database.Database.commit>`, files then manifest swap). If
  it fails, the catalog is restored to its state before the statement, so a
  failing INSERT, COPY, UPDATE ... leaves nothing behind.
* **BEGIN ... COMMIT | END**: the statements' changes are visible to the
  session at once and committed together at COMMIT (one manifest swap).
  ROLLBACK | ABORT restores the state at BEGIN. As in PostgreSQL and Redshift,
  an error inside the block aborts the transaction: later statements fail
  with "current transaction is aborted, commands ignored until end of
  transaction block" until ROLLBACK (COMMIT of an aborted transaction rolls
  back and says ``ROLLBACK``).
* Redshift's exceptions: TRUNCATE "commits the transaction in which it is
  run" (so it ends the block first); VACUUM cannot run inside a block
  (:mod:`columnar.api.vacuum` checks ``in_block``).
* A read-only connection to a folder rejects statements that would write.

Snapshots are cheap: tables share their column data with them
(:meth:`columnar.storage.table.Table.snapshot`).

Simplified versus Redshift: one session per database object, so there is no
isolation between concurrent transactions to model (Redshift: serializable);
BEGIN inside a block and COMMIT outside one are accepted silently
(PostgreSQL only warns).
"""

from __future__ import annotations

from columnar.api.result import Result
from columnar.core.errors import Error, InternalError, OperationalError
from columnar.sql import ast

# Statements that never change the database.
READ_ONLY = (ast.Select, ast.SetOperation, ast.With, ast.Values, ast.Explain, ast.SetVariable, ast.Unload)


class Transactions:
    """Transaction state of one session."""

    def __init__(self, session, database=None):
        self.session = session
        self.database = database  # columnar.storage.database.Database, or None in memory
        self.in_block = False
        self.aborted = False
        self._begin_state = None

    @property
    def catalog(self):
        return self.session.catalog

    def run(self, stmt, execute) -> Result:
        """Run ``execute()`` (the statement's work) under the transaction rules."""
        if isinstance(stmt, ast.Transaction):
            return self._control(stmt.action)
        if self.aborted:
            raise InternalError("current transaction is aborted, commands ignored until end of transaction block")
        writes = not isinstance(stmt, READ_ONLY)
        if writes and self.database is not None and self.database.read_only:
            raise OperationalError(f"cannot run {type(stmt).__name__.upper()} on a read-only connection")
        if not self.in_block and self.database is not None and self.database.read_only and self.database.changed():
            self.session.load_database()  # another process committed: see its state
        if isinstance(stmt, ast.Truncate) and self.in_block:
            self._commit()  # Redshift: TRUNCATE commits the transaction it runs in
        if not writes:
            try:
                return execute()
            except Error:
                self.aborted = self.in_block
                raise
        return self.write(execute)

    def write(self, execute):
        """Run ``execute()``, a change to the database: committed now (autocommit) or
        with the block; undone if it fails. Also the path of ``Connection.register``."""
        if self.database is not None and self.database.read_only:
            raise OperationalError("cannot change the database on a read-only connection")
        before = None if self.in_block else self.catalog.snapshot()
        try:
            result = execute()
        except BaseException:
            if self.in_block:
                self.aborted = True
            else:
                self.catalog.restore(before)
            raise
        if not self.in_block:
            self._persist(before)
        return result

    # -- BEGIN / COMMIT / ROLLBACK ------------------------------------------------------
    def _control(self, action: str) -> Result:
        if action == "begin":
            if not self.in_block:
                self.in_block, self.aborted = True, False
                self._begin_state = self.catalog.snapshot()
            return _message("BEGIN")
        if action == "commit":
            if self.aborted:
                self._rollback()
                return _message("ROLLBACK")
            if self.in_block:
                self._commit()
            return _message("COMMIT")
        self._rollback()
        return _message("ROLLBACK")

    def _commit(self) -> None:
        state = self._begin_state
        self.in_block, self.aborted, self._begin_state = False, False, None
        self._persist(state)

    def _rollback(self) -> None:
        if self.in_block:
            self.catalog.restore(self._begin_state)
        self.in_block, self.aborted, self._begin_state = False, False, None

    def _persist(self, previous) -> None:
        """Commit the current state to the folder; on failure go back to ``previous``."""
        if self.database is None:
            return
        try:
            self.database.commit(self.catalog, self.session.topology.shape())
        except OSError as e:
            if previous is not None:
                self.catalog.restore(previous)
            raise OperationalError(f"could not commit to {self.database.path}: {e}") from None

    def close(self) -> None:
        """Closing the connection rolls back an open transaction."""
        self._rollback()


def _message(text: str) -> Result:
    from columnar.exec.metrics import Metrics

    return Result([], [], Metrics(), message=text)
