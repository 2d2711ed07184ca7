"""Cutting the shell's input into SQL statements and backslash commands.

Role: the first stop of every line the shell reads (from a terminal, a pipe,
``-c`` or a file). Like psql's lexer, :class:`StatementSplitter` is fed one
line at a time and hands back the pieces that are complete:

* a :class:`Statement` ends at a ``;`` that stands outside string literals
  (``'it''s'``), quoted identifiers (``"a;b"``) and comments (``-- ...`` to the
  end of the line, ``/* ... */``). Several statements may share a line, one
  statement may span many; whatever is left when the input ends is a last
  statement without ``;`` (:meth:`StatementSplitter.finish`);
* a :class:`MetaCommand` starts at a backslash outside quotes and comments and
  takes the rest of its line (``\\d lineitem``). Text typed before it stays in
  the buffer, as in psql, so ``SELECT 1; \\x`` runs the query, then toggles.

The splitter only finds boundaries; it never parses SQL. Empty statements
(``;;``, a comment alone) are dropped, and comments in front of a statement are
not kept with it, so a statement's first line is its first line of SQL (that
is the line an error message names).

Simplified versus psql: ``;`` inside parentheses ends a statement (psql waits
for the parenthesis to close); block comments do not nest, and there are no
``E'...'`` escapes or ``$$`` quotes, exactly as in the engine's own lexer
(``columnar.sql.lexer``), so shell and engine agree on where text is quoted.

Example:
    >>> s = StatementSplitter()
    >>> s.feed("SELECT ';' AS semi; -- a comment; still a comment\\n", 1)
    [Statement(text="SELECT ';' AS semi", line=1)]
    >>> s.feed("SELECT 2\\n", 2), s.pending
    ([], True)
    >>> s.feed("  /* ; */ ; \\\\x on\\n", 3)
    [Statement(text='SELECT 2\\n  /* ; */', line=2), MetaCommand(text='\\\\x on', line=3)]
"""

from __future__ import annotations

from dataclasses import dataclass

# Where the scan is between two characters.
NORMAL, IN_STRING, IN_IDENTIFIER, IN_COMMENT = "normal", "string", "identifier", "comment"


@dataclass(frozen=True)
class Statement:
    """One SQL statement, without its ``;``; ``line`` is where it starts in its source."""

    text: str
    line: int


@dataclass(frozen=True)
class MetaCommand:
    """A backslash command and its arguments, e.g. ``\\d lineitem``."""

    text: str
    line: int


class StatementSplitter:
    """Incremental splitter: :meth:`feed` lines, collect complete pieces."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the statement being typed (Ctrl-C at the prompt)."""
        self._buffer: list[str] = []
        self._state = NORMAL
        self._start_line: int | None = None  # line of the buffer's first character of SQL

    # -- what the prompt shows ----------------------------------------------------------
    @property
    def pending(self) -> bool:
        """Is a statement (or a comment) partly typed?"""
        return self._start_line is not None or self._state != NORMAL

    @property
    def state(self) -> str:
        """``normal``, ``string``, ``identifier`` or ``comment``: where the next line starts."""
        return self._state

    # -- scanning -------------------------------------------------------------------------
    def feed(self, line: str, lineno: int) -> list[Statement | MetaCommand]:
        """Scan one line (with or without its newline); return the pieces it completes."""
        if not line.endswith("\n"):
            line += "\n"
        pieces: list[Statement | MetaCommand] = []
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            state = self._state
            if state == IN_STRING or state == IN_IDENTIFIER:
                quote = "'" if state == IN_STRING else '"'
                j = line.find(quote, i)
                if j < 0:  # the literal goes on to the next line
                    self._buffer.append(line[i:])
                    return pieces
                if line.startswith(quote * 2, j):  # '' or "": an escaped quote, still inside
                    self._buffer.append(line[i : j + 2])
                    i = j + 2
                    continue
                self._buffer.append(line[i : j + 1])
                self._state = NORMAL
                i = j + 1
            elif state == IN_COMMENT:
                j = line.find("*/", i)
                if j < 0:
                    self._keep(line[i:])
                    return pieces
                self._keep(line[i : j + 2])
                self._state = NORMAL
                i = j + 2
            elif c == ";":
                pieces += self._complete()
                i += 1
            elif c == "'" or c == '"':
                self._start(lineno)
                self._buffer.append(c)
                self._state = IN_STRING if c == "'" else IN_IDENTIFIER
                i += 1
            elif line.startswith("--", i):
                self._keep(line[i:])  # to the end of the line, newline included
                return pieces
            elif line.startswith("/*", i):
                self._keep("/*")
                self._state = IN_COMMENT
                i += 2
            elif c == "\\":
                command = line[i:].rstrip("\r\n")
                pieces.append(MetaCommand(command, lineno))
                if self._start_line is not None:
                    self._buffer.append("\n")
                return pieces
            else:
                if not c.isspace():
                    self._start(lineno)
                if self._start_line is not None:
                    self._buffer.append(c)
                i += 1
        return pieces

    def finish(self) -> list[Statement]:
        """End of input: the statement still in the buffer, if any, runs without ``;``."""
        pieces = self._complete()
        self.reset()
        return pieces

    # -- helpers ----------------------------------------------------------------------
    def _start(self, lineno: int) -> None:
        if self._start_line is None:
            self._start_line = lineno

    def _keep(self, comment: str) -> None:
        """A comment inside a statement stays in its text; one before it is dropped."""
        if self._start_line is not None:
            self._buffer.append(comment)

    def _complete(self) -> list[Statement]:
        text = "".join(self._buffer).rstrip()
        start = self._start_line
        self._buffer, self._start_line = [], None
        if start is None or not text:
            return []
        return [Statement(text, start)]
