"""The PEP 249 exception tree, plus the finer classes columnar raises.

Every error a user can cause surfaces as one of these classes, never as a bare
Python exception from deep inside the engine. The layout follows PEP 249
(``Error`` ⊃ ``InterfaceError``, ``DatabaseError`` ⊃ ``DataError`` ...) and
adds DuckDB-style subclasses so callers can catch precisely:

======================  =====================  ======================================
class                   PEP 249 parent         raised for
======================  =====================  ======================================
ParserError             ProgrammingError       SQL syntax errors (line, column, caret)
CatalogError            ProgrammingError       unknown / duplicate tables and columns
BinderError             ProgrammingError       type errors, bad references
NumericOverflowError    DataError              integer / decimal overflow
DivisionByZeroError     DataError              x / 0
ConversionError         DataError              failed casts, bad literals, bad files
======================  =====================  ======================================
"""

from __future__ import annotations


class Warning(Exception):  # noqa: A001 - the name is fixed by PEP 249
    """Important warnings (PEP 249)."""


class Error(Exception):
    """Base class of every columnar error (PEP 249)."""


class InterfaceError(Error):
    """Misuse of the database interface, e.g. a closed connection or cursor."""


class DatabaseError(Error):
    """Errors related to the database."""


class DataError(DatabaseError):
    """Problems with the processed data: overflow, division by zero, bad casts."""


class OperationalError(DatabaseError):
    """Errors in the database's operation, e.g. an unreadable file."""


class IntegrityError(DatabaseError):
    """Relational integrity violated, e.g. NULL into a NOT NULL column."""


class InternalError(DatabaseError):
    """An internal inconsistency: a bug in columnar."""


class ProgrammingError(DatabaseError):
    """Errors in the SQL: syntax errors, unknown tables, wrong argument counts."""


class NotSupportedError(DatabaseError):
    """A feature columnar does not (yet) support."""


class ParserError(ProgrammingError):
    """A SQL syntax error, pointing at line and column with a caret.

    Example:
        >>> e = ParserError("unexpected token", "SELECT FROM", 1, 8)
        >>> print(e)
        syntax error at line 1, column 8: unexpected token
          SELECT FROM
                 ^
    """

    def __init__(self, message: str, sql: str = "", line: int = 0, column: int = 0):
        self.message = message
        self.sql = sql
        self.line = line
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        if not self.line:
            return f"syntax error: {self.message}"
        lines = self.sql.splitlines() or [""]
        text = lines[self.line - 1] if self.line - 1 < len(lines) else ""
        caret = " " * (self.column - 1) + "^"
        return (
            f"syntax error at line {self.line}, column {self.column}: {self.message}\n"
            f"  {text}\n  {caret}"
        )


class CatalogError(ProgrammingError):
    """A table or column that does not exist, or already exists."""


class BinderError(ProgrammingError):
    """A semantically invalid statement: type mismatch, misplaced aggregate, ..."""


class NumericOverflowError(DataError):
    """A value does not fit its type (Redshift: 'Numeric data overflow')."""


class DivisionByZeroError(DataError):
    """Division by zero (Redshift raises, it never returns NULL or infinity)."""


class ConversionError(DataError):
    """A value could not be converted: bad literal, failed CAST, malformed file."""


__all__ = [
    "Warning",
    "Error",
    "InterfaceError",
    "DatabaseError",
    "DataError",
    "OperationalError",
    "IntegrityError",
    "InternalError",
    "ProgrammingError",
    "NotSupportedError",
    "ParserError",
    "CatalogError",
    "BinderError",
    "NumericOverflowError",
    "DivisionByZeroError",
    "ConversionError",
]
