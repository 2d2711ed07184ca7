"""Crash safety of database folders: ``kill -9`` a writer anywhere, reopen, check.

The deterministic sweep (always run) kills the writer at *every* durable step
of the commit protocol (:func:`columnar.storage.database.crash_point`: each
data file written, the manifest written, renamed, the folder synced, each
dead file deleted) while it runs :data:`crash_writer.WORKLOAD` (INSERT, COPY,
DELETE, UPDATE, a BEGIN ... COMMIT block, VACUUM, CTAS, a view, DROP,
TRUNCATE). After each crash the folder must reopen for writing (the lock died
with the process), pass the integrity check, hold no file the manifest does
not name, and hold exactly the state after the last statement the writer
reported done, or after the next one (its commit may have landed before the
writer could say so).

``COLUMNAR_CRASH_RANDOM=n`` adds ``n`` runs that kill a separate writer
process from outside after a random delay.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import columnar

sys.path.insert(0, str(Path(__file__).parent))
from crash_writer import WORKLOAD  # noqa: E402

WRITER = str(Path(__file__).parent / "crash_writer.py")


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_text("".join(f"{k},val{k},2024-02-{k % 28 + 1:02d}\n" for k in range(4, 200)))
    return str(path)


def fingerprint(db) -> tuple:
    """Every table's rows (as a sorted multiset) and every view's rows."""
    out = []
    for name in db.tables():
        out.append((name, sorted(map(repr, db.sql(f"SELECT * FROM {name}").fetchall()))))
    for view in db.session.catalog.view_names():
        out.append(("view " + view, sorted(map(repr, db.sql(f"SELECT * FROM {view}").fetchall()))))
    return tuple(out)


@pytest.fixture(scope="module")
def states(csv_file) -> list:
    """states[i + 1]: the committed state after WORKLOAD[i]; states[0]: the empty database."""
    db = columnar.connect()
    out = [fingerprint(db)]
    for sql in WORKLOAD:
        db.sql(sql.format(csv=csv_file))
        out.append(fingerprint(db))
    return out


def _last_done(log: str) -> int:
    done = [int(line.split()[1]) for line in log.splitlines() if line.startswith("done ")]
    return done[-1] if done else -1


def check_recovered(folder: Path, last_done: int, states: list) -> None:
    db = columnar.connect(folder)  # opens for writing: the dead writer's lock is gone
    try:
        assert db.check_integrity() == []
        data = set(os.listdir(folder / "data"))
        assert data == db.session.transactions.database.referenced_files(), "unnamed files survived the sweep"
        got = fingerprint(db)
        allowed = states[last_done + 1: last_done + 3]
        assert got in allowed, f"state after a crash is neither state {last_done + 1} nor {last_done + 2}"
        db.sql("CREATE TABLE after_crash (x INT)")  # still writable
        db.sql("INSERT INTO after_crash VALUES (1)")
    finally:
        db.close()
    with columnar.connect(folder) as again:
        assert again.sql("SELECT x FROM after_crash").fetchall() == [(1,)]


def test_workload_without_crash_matches_memory(tmp_path, csv_file, states):
    out = subprocess.run([sys.executable, WRITER, "run", str(tmp_path / "db"), csv_file],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert _last_done(out.stdout) == len(WORKLOAD) - 1
    with columnar.connect(tmp_path / "db") as db:
        assert fingerprint(db) == states[-1]
        assert db.check_integrity() == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the sweep forks one writer per crash point")
def test_kill_at_every_durable_step(tmp_path, csv_file, states):
    out = subprocess.run([sys.executable, WRITER, "run", str(tmp_path / "count"), csv_file],
                         capture_output=True, text=True, timeout=300)
    points = int(out.stdout.strip().splitlines()[-1].split()[1])
    assert points > 3 * len(WORKLOAD)  # files, manifest, rename, folder sync: several per statement
    base = tmp_path / "sweep"
    base.mkdir()
    subprocess.run([sys.executable, WRITER, "sweep", str(base), csv_file, "1", str(points)],
                   check=True, timeout=600)
    outcomes = set()
    for k in range(1, points + 1):
        log = (base / f"{k}.log").read_text()
        assert "points" not in log, f"the writer did not die at step {k}"
        last = _last_done(log)
        outcomes.add(last)
        check_recovered(base / str(k), last, states)
    assert len(outcomes) == len(WORKLOAD)  # crashes happened during every statement


@pytest.mark.skipif(not os.environ.get("COLUMNAR_CRASH_RANDOM"), reason="set COLUMNAR_CRASH_RANDOM=n to run")
def test_kill_at_random_times(tmp_path, csv_file, states):
    rng = random.Random(int(os.environ.get("COLUMNAR_CRASH_SEED", "0")))
    start = time.perf_counter()
    subprocess.run([sys.executable, WRITER, "run", str(tmp_path / "timing"), csv_file], check=True,
                   capture_output=True, timeout=300)
    full = time.perf_counter() - start
    for run in range(int(os.environ["COLUMNAR_CRASH_RANDOM"])):
        folder = tmp_path / f"r{run}"
        proc = subprocess.Popen([sys.executable, WRITER, "run", str(folder), csv_file],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0, full))
        proc.send_signal(signal.SIGKILL)
        log, _ = proc.communicate()
        if not folder.exists():
            continue  # killed before it created anything
        check_recovered(folder, _last_done(log), states)
