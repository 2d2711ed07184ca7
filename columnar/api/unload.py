"""UNLOAD, the statement half: parse and bind the quoted query, then hand the
per-slice rows to :mod:`columnar.exec.unload`, which writes the files.

The query runs without the final gather to the leader: each slice's rows go
to that slice's file (see :func:`columnar.exec.unload.run_per_slice`).
Errors in the query are reported with the query text, since positions in it
are not positions in the UNLOAD statement.
"""

from __future__ import annotations

from columnar.api.result import Result
from columnar.core.errors import Error, ParserError, ProgrammingError
from columnar.exec.unload import UnloadOptions, run_per_slice, write_unload
from columnar.sql import ast
from columnar.sql.binder import Binder
from columnar.sql.parser import parse_one

_QUERIES = (ast.Select, ast.SetOperation, ast.With, ast.Values)


def run_unload(session, stmt: ast.Unload, metrics) -> Result:
    """Run ``UNLOAD ('query') TO 'folder/prefix' ...`` in ``session``."""
    opts = UnloadOptions.from_statement(stmt.format, stmt.options)
    opts.s3 = session.external_options["s3"]
    text = stmt.query_text
    try:
        query = parse_one(text)
    except ParserError as e:
        raise ParserError(f"in the UNLOAD query: {e.message}", e.sql, e.line, e.column) from None
    if not isinstance(query, _QUERIES):
        raise ProgrammingError(f"UNLOAD needs a SELECT query, not {type(query).__name__.upper()}: '{text}'")
    try:
        with metrics.phase("bind"):
            bq = Binder(session.catalog, None, text).bind_query(query)
        _, physical = session._physical(bq, metrics)
        steps: list = []
        if session._record is not None:
            session._record.plan, session._record.steps = physical, steps
        with metrics.phase("execute"):
            slices = run_per_slice(physical, session.topology, metrics, session.settings.threads, steps)
    except Error as e:
        raise _with_query(e, text) from e
    with metrics.phase("write"):
        n, _files = write_unload(list(bq.names), slices, stmt.target, opts)
    return Result([], [], metrics.freeze(), rowcount=n, message=f"UNLOAD {n}")


def _with_query(e: Error, text: str) -> Error:
    """``e`` with the UNLOAD query appended to its message, same class when possible."""
    msg = f"{e} (in the UNLOAD query: {text})"
    try:
        new = type(e)(msg)
    except TypeError:
        new = ProgrammingError(msg)
    for k, v in vars(e).items():
        if not hasattr(new, k):
            setattr(new, k, v)
    return new


__all__ = ["run_unload"]
