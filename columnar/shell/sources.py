"""Where the shell's lines come from: ``-c`` text, a file, a pipe, or a terminal.

Role: each source yields numbered lines to :meth:`Shell.run_source
<columnar.shell.runner.Shell.run_source>` and says how errors in it are
reported and handled:

=================  ===========  ===============  ===============================
source             ``name``     final statement  on a failing statement
=================  ===========  ===============  ===============================
``-c`` text        None         runs             go on (stop: ``ON_ERROR_STOP``)
``-f`` / ``\\i``    the path     runs             go on (stop: ``ON_ERROR_STOP``)
piped stdin        ``<stdin>``  runs             go on (stop: ``ON_ERROR_STOP``)
terminal           None         discarded        always go on
=================  ===========  ===============  ===============================

An error in a named source is prefixed ``columnar:NAME:LINE:`` as psql does
(``psql:file.sql:3: ERROR: ...``), LINE being where the statement starts.

:class:`TerminalSource` is the interactive prompt: ``columnar=> `` for a new
statement, ``columnar-> `` while one continues (``'>``, ``">``, ``*>`` inside a
string, quoted name or comment, as psql's ``%R``), line editing and history
through :mod:`readline` when it can be imported (history kept in
``~/.columnar_history``, or the file ``$COLUMNAR_HISTORY`` names). Ctrl-C at
the prompt drops the statement being typed; Ctrl-D ends the session.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Iterator, TextIO

from columnar.shell.splitter import IN_COMMENT, IN_IDENTIFIER, IN_STRING, StatementSplitter

PROMPT = "columnar"
HISTORY_FILE = "~/.columnar_history"
HISTORY_LENGTH = 2000
_CONTINUATION = {IN_STRING: "'", IN_IDENTIFIER: '"', IN_COMMENT: "*"}


class Source:
    """A stream of lines the shell runs."""

    name: str | None = None  # shown in error messages; None for -c and the terminal
    directory: str = "."  # what \ir paths are relative to
    interactive = False  # errors never stop it; a statement left without ';' at the end is dropped

    def lines(self, splitter: StatementSplitter) -> Iterator[tuple[int, str]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the source opened (a file)."""


class TextSource(Source):
    """The text of a ``-c`` option."""

    def __init__(self, text: str):
        self.text = text

    def lines(self, splitter):
        yield from enumerate(self.text.splitlines(keepends=True) or [""], 1)


class StreamSource(Source):
    """An open text stream: piped standard input, or a file."""

    def __init__(self, stream: TextIO, name: str | None, directory: str = ".", owned: bool = False):
        self.stream, self.name, self.directory, self.owned = stream, name, directory, owned

    def lines(self, splitter):
        yield from enumerate(self.stream, 1)

    def close(self) -> None:
        if self.owned:
            self.stream.close()


def open_file(path: str, stdin: TextIO | None = None) -> StreamSource:
    """A file as a source (``-`` is ``stdin``); raises OSError when unreadable."""
    if path == "-":
        return StreamSource(stdin or sys.stdin, "<stdin>")
    stream = open(os.path.expanduser(path), encoding="utf-8", errors="replace")
    return StreamSource(stream, path, os.path.dirname(os.path.abspath(os.path.expanduser(path))), owned=True)


class TerminalSource(Source):
    """The interactive prompt (use as a context manager: history is loaded and saved)."""

    interactive = True

    def __init__(self, out: TextIO, input_fn: Callable[[str], str] | None = None, use_readline: bool = True):
        self.out = out
        self.input_fn = input_fn or (lambda prompt: input(prompt))
        self.history = os.path.expanduser(os.environ.get("COLUMNAR_HISTORY") or HISTORY_FILE)
        self._readline = _load_readline(self.history) if use_readline else None

    def __enter__(self) -> "TerminalSource":
        return self

    def __exit__(self, *exc) -> None:
        if self._readline is not None:
            try:
                self._readline.set_history_length(HISTORY_LENGTH)
                self._readline.write_history_file(self.history)
            except OSError:
                pass  # an unwritable home is no reason to fail

    @staticmethod
    def prompt(splitter: StatementSplitter) -> str:
        """``columnar=> `` for a new statement, ``columnar-> `` (or ``'>``, ``">``, ``*>``) inside one."""
        if not splitter.pending:
            return f"{PROMPT}=> "
        return f"{PROMPT}{_CONTINUATION.get(splitter.state, '-')}> "

    def lines(self, splitter):
        lineno = 0
        while True:
            try:
                line = self.input_fn(self.prompt(splitter))
            except KeyboardInterrupt:  # Ctrl-C: forget the statement being typed
                self.out.write("\n")
                self.out.flush()
                splitter.reset()
                continue
            except EOFError:  # Ctrl-D
                self.out.write("\n")
                self.out.flush()
                return
            lineno += 1
            yield lineno, line


def _load_readline(history: str):
    """The readline module with the history file read, or None where there is no readline."""
    try:
        import readline
    except ImportError:
        return None
    try:
        readline.read_history_file(history)
    except OSError:
        pass  # no history yet
    readline.set_history_length(HISTORY_LENGTH)
    return readline
