"""A writer process for the crash tests: runs WORKLOAD on a database folder.

``python crash_writer.py run <folder> <csv file>`` runs the statements one by
one and prints ``done <i>`` (flushed) after statement ``i`` returns, then
``points <n>``: the durable steps it passed (:func:`crash_points_passed`). Run
with ``COLUMNAR_CRASH_AT=k`` it kills itself (SIGKILL) at step ``k``.

``python crash_writer.py sweep <base folder> <csv file> <first> <last>`` does
that for every step ``k`` in ``first..last`` cheaply: it imports columnar and
warms the kernels once, then forks one child per ``k`` that sets the crash
step and runs the workload on ``<base>/<k>``, writing its ``done`` lines to
``<base>/<k>.log``. Each child dies by SIGKILL, as a ``kill -9`` would.
"""

from __future__ import annotations

import os
import sys

# Each entry commits on its own (autocommit), or is one BEGIN ... COMMIT block.
# Together they cover INSERT, COPY, DELETE, UPDATE, VACUUM, CTAS, TRUNCATE and DROP.
WORKLOAD = [
    "CREATE TABLE t (k INT NOT NULL, v VARCHAR(20), d DATE) DISTSTYLE KEY DISTKEY (k) SORTKEY (k)",
    "CREATE TABLE a (x BIGINT, y DECIMAL(10,2)) DISTSTYLE ALL",
    "INSERT INTO t VALUES (1, 'one', '2024-01-01'), (2, 'two', NULL), (3, NULL, '2024-03-03')",
    "COPY t FROM '{csv}' FORMAT CSV",
    "INSERT INTO a VALUES (10, 1.50), (20, NULL), (30, 3.25)",
    "DELETE FROM t WHERE k % 3 = 0",
    "UPDATE t SET v = 'updated' WHERE k < 20",
    "BEGIN; INSERT INTO t VALUES (1000, 'txn', NULL); DELETE FROM a WHERE x = 20; COMMIT",
    "VACUUM t TO 100 PERCENT",
    "CREATE TABLE c AS SELECT k, v FROM t WHERE k > 50",
    "CREATE VIEW w AS SELECT k FROM c",
    "DROP TABLE a",
    "TRUNCATE c",
    "INSERT INTO c SELECT k, v FROM t WHERE k < 10",
]


def run(folder: str, csv: str, out) -> None:
    import columnar
    from columnar.storage.database import crash_points_passed

    db = columnar.connect(folder)
    for i, sql in enumerate(WORKLOAD):
        db.sql(sql.format(csv=csv))
        print(f"done {i}", file=out, flush=True)
    db.close()
    print(f"points {crash_points_passed()}", file=out, flush=True)


def sweep(base: str, csv: str, first: int, last: int) -> None:
    import columnar.storage.database as database

    run(os.path.join(base, "warmup"), csv, open(os.devnull, "w"))  # compile / load every kernel once
    for k in range(first, last + 1):
        pid = os.fork()
        if pid == 0:  # the child: crash at step k
            database._crash_at, database._crash_count = k, 0
            with open(os.path.join(base, f"{k}.log"), "w") as log:
                try:
                    run(os.path.join(base, str(k)), csv, log)
                finally:
                    os._exit(0)
        os.waitpid(pid, 0)


def main() -> None:
    mode = sys.argv[1]
    if mode == "run":
        run(sys.argv[2], sys.argv[3], sys.stdout)
    else:
        sweep(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))


if __name__ == "__main__":
    main()
