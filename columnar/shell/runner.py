"""The shell's read-run-print loop over one connection.

Role: the middle of the shell. :class:`Shell` holds the state a psql session
has (display flags, variables, the last statement's metrics, whether anything
failed) and runs sources (:mod:`columnar.shell.sources`): each line goes
through the :class:`~columnar.shell.splitter.StatementSplitter`; a statement
goes to ``Connection.sql`` and its result is printed, a backslash command to
:mod:`columnar.shell.metacommands`.

What is printed where, psql's way:

* a result with columns: an aligned table (or ``\\x`` records) and ``(N rows)``,
  NULL as an empty cell, then an empty line;
* a statement without rows: its command tag (``CREATE TABLE``, ``INSERT 0 3``);
* ``Time: 1.234 ms`` after each statement when ``\\timing`` is on (the time
  ``Connection.sql`` took, not the printing);
* errors on stderr as ``ERROR:  message`` (a syntax error adds the statement
  line and a caret), prefixed ``columnar:FILE:LINE:`` in files and piped input.

Errors never end the program by themselves: a ``columnar.Error`` is the
user's, anything else is reported as ``ERROR:  internal error: ...`` (never a
traceback). With ``ON_ERROR_STOP`` set, a failing statement in a script raises
:class:`StopOnError` (exit status 3); at the terminal it only aborts an ``\\i``
in progress. ``\\q`` raises :class:`Quit`.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

from columnar.core.errors import Error
from columnar.shell import grid as grids
from columnar.shell.sources import Source
from columnar.shell.splitter import MetaCommand, Statement, StatementSplitter
from columnar.shell.variables import Variables

MAX_INCLUDE_DEPTH = 16  # \i inside \i inside ...: a file including itself stops here


def timing_text(seconds: float) -> str:
    """psql's ``\\timing`` line; from a second on, also as [[hh:]mm:]ss.

    Example:
        >>> timing_text(0.0123456), timing_text(75.5)
        ('Time: 12.346 ms', 'Time: 75500.000 ms (01:15.500)')
    """
    text = f"Time: {seconds * 1000:.3f} ms"
    if seconds < 1:
        return text
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:06.3f}" if hours else f"{minutes:02d}:{secs:06.3f}"
    return f"{text} ({clock})"


class Quit(Exception):
    """``\\q``: leave the shell."""


class StopOnError(Exception):
    """A statement failed in a script while ``ON_ERROR_STOP`` is on."""


class Shell:
    """One session of the shell on an open ``columnar.Connection``."""

    def __init__(self, db, out: TextIO, err: TextIO, variables: Variables | None = None, read_only: bool = False):
        self.db = db
        self.read_only = read_only  # opened with --read-only (shown by \conninfo)
        self.out = out
        self.err = err
        self.variables = variables or Variables()
        self.expanded = "off"  # \x: off | on | auto
        self.timing = False  # \timing
        self.last_metrics = None  # Result.metrics of the last statement that succeeded
        self.last_failed = False  # did the last statement fail? (then \metrics has nothing)
        self.failed = False  # has any statement or command failed?
        self._sources: list[Source] = []

    # -- running sources ------------------------------------------------------------
    @property
    def source(self) -> Source | None:
        """The source being run (the innermost ``\\i``)."""
        return self._sources[-1] if self._sources else None

    def run_source(self, source: Source) -> None:
        """Run every statement and command of ``source``."""
        if len(self._sources) >= MAX_INCLUDE_DEPTH:
            source.close()
            self.error(f"too many nested \\i files (more than {MAX_INCLUDE_DEPTH})")
            return
        splitter = StatementSplitter()
        self._sources.append(source)
        try:
            for lineno, line in source.lines(splitter):
                for piece in splitter.feed(line, lineno):
                    self._run_piece(piece, source)
            if not source.interactive:
                for piece in splitter.finish():
                    self._run_piece(piece, source)
        finally:
            self._sources.pop()
            source.close()

    def _run_piece(self, piece: Statement | MetaCommand, source: Source) -> None:
        if not source.interactive:
            self._dispatch(piece)
            return
        try:  # at the terminal, Ctrl-C cancels the statement and ON_ERROR_STOP an \i
            self._dispatch(piece)
        except KeyboardInterrupt:  # psql's words
            self.notice("Cancel request sent")
            self.error("canceling statement due to user request", piece.line)
        except StopOnError:
            pass

    def _dispatch(self, piece: Statement | MetaCommand) -> None:
        if isinstance(piece, MetaCommand):
            from columnar.shell import metacommands

            metacommands.run(self, piece)
        else:
            self.run_statement(piece)

    # -- statements -----------------------------------------------------------------
    def run_statement(self, stmt: Statement) -> None:
        """Run one SQL statement and print its result (or its error)."""
        try:
            start = time.perf_counter()
            result = self.db.sql(stmt.text)
            elapsed = time.perf_counter() - start
            text = self.render_result(result)
        except Error as e:
            self.last_metrics, self.last_failed = None, True
            self.error(str(e), stmt.line)
            return
        except Exception as e:  # a bug: say so in one line and carry on
            self.last_metrics, self.last_failed = None, True
            self.error(f"internal error: {type(e).__name__}: {e}", stmt.line)
            return
        self.last_metrics, self.last_failed = result.metrics, False
        if text is not None:
            self.write(text)
        if self.timing:
            self.write(timing_text(elapsed))

    def render_result(self, result) -> str | None:
        """The text psql would print for ``result``: a table, or the command tag."""
        if not result.columns:
            return result.message
        return self.render_grid(grids.result_grid(result))

    def render_grid(self, grid: grids.Grid) -> str:
        """A table in the current display mode (``\\x``), followed by an empty line."""
        if self.expanded == "on":
            return grids.expanded(grid) + "\n"
        text = grids.aligned(grid)
        if self.expanded == "auto" and grids.width(text) > self._terminal_width():
            return grids.expanded(grid) + "\n"
        return text + "\n"

    def _terminal_width(self) -> int:
        try:
            if self.out.isatty():
                return shutil.get_terminal_size().columns
        except (AttributeError, ValueError, OSError):
            pass
        return 1 << 30  # not a terminal: nothing is too wide

    def connection_text(self) -> str:
        """``an in-memory database on a simulated cluster of 2 nodes x 2 slices``."""
        db, topo = self.db, self.db.topology
        where = f'database folder "{db.path}"' if db.path else "an in-memory database"
        read_only = " (read-only)" if self.read_only else ""
        kind = f" {topo.node_type}" if topo.node_type else ""
        nodes = f"{topo.nodes} node{'s' if topo.nodes != 1 else ''}"
        slices = f"{topo.slices_per_node} slice{'s' if topo.slices_per_node != 1 else ''} per node"
        return f"{where}{read_only} on a simulated{kind} cluster of {nodes} x {slices}"

    # -- output ---------------------------------------------------------------------
    def write(self, text: str) -> None:
        """A line (or lines) on standard output."""
        self.out.write(text + "\n")

    def notice(self, text: str) -> None:
        """A message on stderr that is not a failure (psql's notices)."""
        self.out.flush()
        self.err.write(text + "\n")
        self.err.flush()

    def error(self, message: str, line: int | None = None) -> None:
        """Report a failure: ``ERROR:  message`` on stderr; stop if ON_ERROR_STOP says so."""
        self.failed = True
        source = self.source
        prefix = ""
        if source is not None and source.name is not None and line is not None:
            prefix = f"columnar:{source.name}:{line}: "
        self.out.flush()
        self.err.write(f"{prefix}ERROR:  {message}\n")
        self.err.flush()
        if self.variables.on_error_stop and source is not None and not source.interactive:
            raise StopOnError(message)
