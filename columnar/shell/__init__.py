"""The ``columnar`` SQL shell: psql's manners on a simulated Redshift cluster.

    $ columnar warehouse/                          # interactive, on a database folder
    columnar=> SELECT diststyle, tbl_rows FROM svv_table_info;
    columnar=> \\d lineitem
    $ columnar -c "SELECT 1" -f load.sql -v ON_ERROR_STOP=1
    $ columnar < script.sql                        # piped: only the results are printed

Role: the top layer (it imports ``columnar``, ``columnar.api`` and
``columnar.core`` only; import-linter checks it). The pieces, in the order a
line meets them:

* :mod:`~columnar.shell.cli`: options, opening the database, exit status;
* :mod:`~columnar.shell.sources`: ``-c`` text, files, piped input, the prompt;
* :mod:`~columnar.shell.splitter`: lines → statements and backslash commands;
* :mod:`~columnar.shell.runner`: runs them, prints results and errors;
* :mod:`~columnar.shell.metacommands`: ``\\q``, ``\\d``, ``\\x``, ``\\timing``, ...;
* :mod:`~columnar.shell.describe`: ``\\dt`` and ``\\d`` from the system views;
* :mod:`~columnar.shell.grid`: psql's aligned and expanded tables;
* :mod:`~columnar.shell.variables`: ``-v`` / ``\\set`` (``ON_ERROR_STOP``).
"""

from columnar.shell.cli import main

__all__ = ["main"]
