"""``columnar [OPTION]... [DBFOLDER]``: the command line, in the manner of psql.

Role: the program's entry point (the ``columnar`` console script and
``python -m columnar``). :func:`main` parses the options, opens the database
(``columnar.connect``), and runs, in this order of choice:

1. every ``-c SQL`` and ``-f FILE`` in the order given, then exits. As in psql
   (9.6 and later), both options may repeat and mix, and standard input is not
   read. Unlike psql, a ``-c`` string may hold several statements and
   backslash commands, one per line, and each statement's result is printed;
2. otherwise standard input: an interactive session with prompts when it is a
   terminal, else a script (piped input: no prompts, only results).

Exit status, psql's: 0 when everything ran; 1 when a statement or command of
a script failed, or for bad options or an unreadable ``-f`` file; 2 when the
database cannot be opened (psql: the connection failed); 3 when a script
stopped at an error because ``ON_ERROR_STOP`` is on; 130 after Ctrl-C outside
an interactive session. An interactive session ends with 0.
"""

from __future__ import annotations

import argparse
import os
import sys

import columnar
from columnar.core.errors import Error
from columnar.shell.runner import Quit, Shell, StopOnError
from columnar.shell.sources import StreamSource, TerminalSource, TextSource, open_file
from columnar.shell.variables import Variables

USAGE = """\
columnar is the interactive SQL shell of columnar, a simulated Amazon Redshift cluster.

Usage:
  columnar [OPTION]... [DBFOLDER]

With no DBFOLDER the database lives in memory; a DBFOLDER is created, or reopened
with the cluster shape it was created with.

Options:
  -c, --command=SQL        run SQL (statements and backslash commands), then exit
  -f, --file=FILE          run the statements and commands of FILE ("-": standard input),
                           then exit; -c and -f may repeat and mix, and run in order
  -v, --set=NAME=VALUE     set a variable, e.g. -v ON_ERROR_STOP=1 (stop at the first error)
      --nodes=N            compute nodes of a new database (default 2)
      --slices-per-node=S  slices per node (default 2)
      --node-type=TYPE     a Redshift node type, e.g. ra3.4xlarge (sets the slices per node)
      --block-bytes=B      bytes of one column block (default 1048576; smaller shows zone maps)
      --read-only          open DBFOLDER read-only (another process may be writing it)
  -V, --version            print the version, then exit
  -h, --help               show this help, then exit

Without -c or -f, statements are read from standard input: with the prompt
"columnar=> " when it is a terminal (history in ~/.columnar_history), silently
when it is piped. A statement ends at ";" (outside quotes and comments); type
\\? for the backslash commands (\\dt, \\d, \\x, \\timing, \\i, \\metrics, \\q).

Exit status: 0 success; 1 a statement failed, bad options or an unreadable file;
2 the database could not be opened; 3 a script stopped by ON_ERROR_STOP."""

EXIT_OK, EXIT_FAILED, EXIT_NO_DATABASE, EXIT_STOPPED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class UsageError(Exception):
    """Bad command-line options (exit status 1, as psql's)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print its own usage and exit 2
        raise UsageError(message)


class _InOrder(argparse.Action):
    """``-c`` and ``-f`` go to one list, in the order given."""

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.actions = [*getattr(namespace, "actions", []), (self.dest, values)]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = _Parser(prog="columnar", add_help=False)
    p.add_argument("database", nargs="?")
    p.add_argument("-c", "--command", dest="command", action=_InOrder)
    p.add_argument("-f", "--file", dest="file", action=_InOrder)
    p.add_argument("-v", "--set", "--variable", dest="variables", action="append", default=[])
    p.add_argument("--nodes", type=_positive)
    p.add_argument("--slices-per-node", type=_positive)
    p.add_argument("--node-type")
    p.add_argument("--block-bytes", type=_positive, default=1 << 20)
    p.add_argument("--read-only", action="store_true")
    p.add_argument("-V", "--version", action="store_true")
    p.add_argument("-h", "--help", action="store_true")
    p.set_defaults(actions=[])
    opts = p.parse_args(argv)
    if opts.read_only and opts.database is None:
        raise UsageError("--read-only needs a database folder")
    return opts


def _variables(assignments: list[str]) -> Variables:
    variables = Variables()
    for text in assignments:
        name, eq, value = text.partition("=")
        if not name:
            raise UsageError(f"invalid variable assignment {text!r}; expected NAME=VALUE")
        try:
            variables.set(name, value) if eq else variables.unset(name)
        except Error as e:
            raise UsageError(str(e)) from None
    return variables


def main(argv: list[str] | None = None) -> int:
    """Run the shell; returns the exit status (see the module docstring)."""
    stdin, stdout, stderr = sys.stdin, sys.stdout, sys.stderr
    try:
        opts = parse_args(sys.argv[1:] if argv is None else list(argv))
        variables = _variables(opts.variables)
    except UsageError as e:
        stderr.write(f"columnar: error: {e}\nTry \"columnar --help\" for more information.\n")
        return EXIT_FAILED
    if opts.help:
        stdout.write(USAGE + "\n")
        return EXIT_OK
    if opts.version:
        stdout.write(f"columnar {columnar.__version__}\n")
        return EXIT_OK
    try:
        db = columnar.connect(opts.database, nodes=opts.nodes, slices_per_node=opts.slices_per_node,
                              node_type=opts.node_type, block_bytes=opts.block_bytes, read_only=opts.read_only)
    except (Error, OSError) as e:
        stderr.write(f"columnar: error: cannot open the database: {e}\n")
        return EXIT_NO_DATABASE
    shell = Shell(db, stdout, stderr, variables, read_only=opts.read_only)
    interactive = not opts.actions and _isatty(stdin)
    try:
        if opts.actions:
            for kind, value in opts.actions:
                if kind == "command":
                    shell.run_source(TextSource(value))
                    continue
                try:
                    source = open_file(value, stdin)
                except OSError as e:
                    stdout.flush()
                    stderr.write(f"columnar: error: {value}: {e.strerror or e}\n")
                    return EXIT_FAILED
                shell.run_source(source)
        elif interactive:
            _banner(shell)
            with TerminalSource(stdout) as terminal:
                shell.run_source(terminal)
        else:
            _tolerate_bad_bytes(stdin)
            shell.run_source(StreamSource(stdin, "<stdin>"))
    except Quit:
        pass
    except StopOnError:
        return EXIT_STOPPED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `columnar -c ... | head`: the reader left
        _silence(stdout)
        return EXIT_FAILED
    except Exception as e:  # a bug in the shell itself: one line, never a traceback
        _flush(stdout)
        stderr.write(f"columnar: internal error: {type(e).__name__}: {e}\n")
        return EXIT_FAILED
    finally:
        _flush(stdout)
        db.close()
    return EXIT_FAILED if shell.failed and not interactive else EXIT_OK


def _banner(shell: Shell) -> None:
    shell.write(f"columnar {columnar.__version__}: {shell.connection_text()}.")
    shell.write('Type "\\?" for help, "\\q" to quit.')
    shell.write("")


def _tolerate_bad_bytes(stream) -> None:
    """Undecodable input bytes become U+FFFD (files are read the same way), not an exception."""
    try:
        stream.reconfigure(errors="replace")
    except (AttributeError, ValueError, OSError):
        pass


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _flush(stream) -> None:
    try:
        stream.flush()
    except (OSError, ValueError):
        _silence(stream)


def _silence(stream) -> None:
    """After a broken pipe, point the stream's descriptor at /dev/null so the
    interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError, AttributeError):
        pass
