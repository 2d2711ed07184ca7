"""The backslash commands: ``\\q``, ``\\dt``, ``\\d``, ``\\x``, ``\\timing``, ``\\i``, ``\\metrics`` ...

Role: what the shell does with a :class:`~columnar.shell.splitter.MetaCommand`.
A command is a backslash, a name and arguments up to the end of the line;
arguments split on blanks, ``'single quotes'`` group words (``''`` is a
quote), ``"double quotes"`` are kept for names (``\\d "MixedCase"``). A ``+``
after a name (``\\dt+``) and a trailing ``;`` are accepted and ignored. Every
command is a function ``(shell, args)`` in :data:`COMMANDS`; an unknown name
is an error (``Try \\? for help.``) and the shell carries on.

``\\metrics`` is columnar's own: the non-zero counters of the last statement's
``Result.metrics`` (rows and bytes moved between slices, blocks scanned and
skipped by zone maps, partitions and row groups pruned, bytes scanned from S3
and their cost), then the time of each phase of the pipeline.
"""

from __future__ import annotations

import os
from dataclasses import fields
from typing import Callable

from columnar.core.errors import Error, ProgrammingError
from columnar.shell import describe
from columnar.shell.grid import Grid
from columnar.shell.runner import Quit, Shell, StopOnError
from columnar.shell.sources import open_file
from columnar.shell.splitter import MetaCommand
from columnar.shell.variables import parse_bool

HELP = r"""General
  \q                     quit columnar
  \?                     show help on backslash commands

Input
  \i FILE                execute the statements and commands of FILE
  \ir FILE               as \i, but relative to the location of the current script
  \echo [TEXT]           write TEXT to standard output

Informational
  \d[t] [PATTERN]        list relations: tables (DISTSTYLE, rows) and external tables (\d: views too)
  \d NAME                describe a table (type, encoding, distkey, sortkey), view or external table
  \conninfo              show the database and the simulated cluster

Formatting
  \x [on|off|auto]       toggle expanded output (one "-[ RECORD n ]-" block per row)
  \timing [on|off]       toggle printing the time each statement takes

Metrics
  \metrics               non-zero counters of the last statement's Result.metrics

Variables
  \set [NAME [VALUE]]    set a variable, or list them all (ON_ERROR_STOP: stop a script at its first error)
  \unset NAME            unset a variable
"""


def split_args(text: str) -> list[str]:
    """Arguments of a backslash command, psql-style.

    Example:
        >>> split_args("'my file.sql'  x \\"Mixed Name\\" 'it''s'")
        ['my file.sql', 'x', '"Mixed Name"', "it's"]
    """
    args, i, n = [], 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        word = []
        while i < n and not text[i].isspace():
            c = text[i]
            if c in "'\"":
                j = i + 1
                while j < n:
                    if text[j] == c:
                        if text.startswith(c * 2, j):
                            j += 2
                            continue
                        break
                    j += 1
                inner = text[i + 1 : j]
                word.append(inner.replace("''", "'") if c == "'" else c + inner + c)
                i = j + 1
            else:
                word.append(c)
                i += 1
        args.append("".join(word))
    return args


def run(shell: Shell, command: MetaCommand) -> None:
    """Run one backslash command on ``shell``."""
    body = command.text[1:].strip()
    name, _, rest = body.partition(" ")
    name = name.rstrip(";")
    args = split_args(rest.strip().rstrip(";"))
    handler = COMMANDS.get(name.rstrip("+") or name)
    if handler is None:
        shell.error(f"invalid command \\{name}\nTry \\? for help.", command.line)
        return
    try:
        handler(shell, args)
    except (Quit, StopOnError):
        raise
    except Error as e:
        shell.error(str(e), command.line)
    except OSError as e:  # \i of a missing or unreadable file
        shell.error(f"{e.filename}: {e.strerror}" if e.filename else str(e), command.line)
    except Exception as e:  # a bug: one line, never a traceback
        shell.error(f"internal error: {type(e).__name__}: {e}", command.line)


# ----------------------------------------------------------------------------- the commands


def _quit(shell: Shell, args: list[str]) -> None:
    raise Quit()


def _help(shell: Shell, args: list[str]) -> None:
    shell.write(HELP)


def _toggle(current: bool, args: list[str], what: str) -> bool:
    if not args:
        return not current
    value = parse_bool(args[0])
    if value is None:
        raise _usage(f'unrecognized value "{args[0]}" for "{what}": Boolean expected')
    return value


def _usage(message: str) -> Error:
    return ProgrammingError(message)


def _expanded(shell: Shell, args: list[str]) -> None:
    if args and args[0].lower() == "auto":
        shell.expanded = "auto"
        shell.write("Expanded display is used automatically.")
        return
    on = _toggle(shell.expanded == "on", args, "\\x")
    shell.expanded = "on" if on else "off"
    shell.write(f"Expanded display is {'on' if on else 'off'}.")


def _timing(shell: Shell, args: list[str]) -> None:
    shell.timing = _toggle(shell.timing, args, "\\timing")
    shell.write(f"Timing is {'on' if shell.timing else 'off'}.")


def _print(shell: Shell, grid: Grid) -> None:
    shell.write(shell.render_grid(grid))


def _list_tables(shell: Shell, args: list[str], with_views: bool = False) -> None:
    grid = describe.list_relations(shell.db, args[0] if args else None, with_views)
    if grid is None:
        shell.notice(f'Did not find any relation named "{args[0]}".' if args else "Did not find any relations.")
        return
    _print(shell, grid)


def _describe(shell: Shell, args: list[str]) -> None:
    if not args:
        _list_tables(shell, [], with_views=True)
        return
    for name in args:
        for grid in describe.describe(shell.db, name):
            _print(shell, grid)


def _include(shell: Shell, args: list[str], relative: bool = False) -> None:
    if not args:
        raise _usage("\\i: missing required argument")
    path = os.path.expanduser(args[0])
    if relative and not os.path.isabs(path) and shell.source is not None:
        path = os.path.join(shell.source.directory, path)
    shell.run_source(open_file(path))


def _include_relative(shell: Shell, args: list[str]) -> None:
    _include(shell, args, relative=True)


def _echo(shell: Shell, args: list[str]) -> None:
    shell.write(" ".join(args))


def _conninfo(shell: Shell, args: list[str]) -> None:
    shell.write(f"You are connected to {shell.connection_text()}.")


def _set(shell: Shell, args: list[str]) -> None:
    if not args:
        for name, value in shell.variables.items():
            shell.write(f"{name} = '{value}'")
        return
    shell.variables.set(args[0], "".join(args[1:]))


def _unset(shell: Shell, args: list[str]) -> None:
    if not args:
        raise _usage("\\unset: missing required argument")
    shell.variables.unset(args[0])


def metrics_grid(metrics) -> Grid:
    """The non-zero counters of ``metrics`` (a ``Result.metrics``), then the phase times."""
    names = [f.name for f in fields(metrics) if f.name != "phases"]
    if "bytes_broadcast" in names:  # the totals right after their parts
        at = names.index("bytes_broadcast") + 1
        names[at:at] = ["rows_moved", "bytes_moved"]
    rows = []
    for name in names:
        value = getattr(metrics, name)
        if value:
            rows.append([name, f"{value:.6f}" if isinstance(value, float) else str(value)])
    rows += [[f"{phase} time", f"{seconds * 1000:.3f} ms"] for phase, seconds in metrics.phases]
    if metrics.phases:
        rows.append(["elapsed", f"{metrics.elapsed * 1000:.3f} ms"])
    return Grid(["Counter", "Value"], rows, right=[False, True], count=False)


def _metrics(shell: Shell, args: list[str]) -> None:
    if shell.last_metrics is None:
        shell.notice("No metrics: the last statement failed." if shell.last_failed
                     else "No metrics: no statement has run yet.")
        return
    _print(shell, metrics_grid(shell.last_metrics))


COMMANDS: dict[str, Callable[[Shell, list[str]], None]] = {
    "q": _quit, "quit": _quit, "?": _help,
    "x": _expanded, "timing": _timing,
    "d": _describe, "dt": _list_tables,
    "i": _include, "include": _include, "ir": _include_relative, "include_relative": _include_relative,
    "echo": _echo, "conninfo": _conninfo, "set": _set, "unset": _unset,
    "metrics": _metrics,
}
