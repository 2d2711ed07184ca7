"""columnar: a columnar SQL engine that models an Amazon Redshift cluster on one machine.

    import columnar
    db = columnar.connect(nodes=2, slices_per_node=2)
    db.execute("CREATE TABLE t (a INT, b DECIMAL(10,2)) DISTSTYLE KEY DISTKEY(a)")
    db.sql("SELECT a, SUM(b) FROM t GROUP BY a").arrow()

The life of a query: parse (lark) → bind → logical plan → optimize → physical
plan (where rows move: DS_DIST_NONE, DS_BCAST_INNER, ...) → execute on every
slice (numpy + numba kernels) → gather at the leader. ``columnar.api.session``
walks through it step by step.
"""

from importlib.metadata import PackageNotFoundError, version

# ``columnar.sql`` is both the SQL front-end subpackage and, as in DuckDB, a function running a
# query on the default connection. Importing the subpackage first and binding the function
# afterwards keeps ``columnar.sql(...)`` callable: Python sets a package attribute for a
# subpackage only when the subpackage is first loaded.
import columnar.sql as _sql_package  # noqa: F401  (loaded before the function below)
from columnar.api.connection import Connection, Cursor, connect, default_connection, sql
from columnar.core.errors import (
    BinderError, CatalogError, ConversionError, DatabaseError, DataError, DivisionByZeroError, Error,
    IntegrityError, InterfaceError, InternalError, NotSupportedError, NumericOverflowError,
    OperationalError, ParserError, ProgrammingError, Warning,
)

try:
    __version__ = version("columnar-engine")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

apilevel = "2.0"
threadsafety = 1
paramstyle = "qmark"

__all__ = [
    "connect", "sql", "default_connection", "Connection", "Cursor",
    "apilevel", "threadsafety", "paramstyle", "__version__",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
    "ParserError", "CatalogError", "BinderError", "NumericOverflowError", "DivisionByZeroError",
    "ConversionError",
]
