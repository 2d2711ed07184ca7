"""pytest glue: every ``tests/sql/**/*.slt`` file is one test item.

This is pytest's "Working with non-python tests" pattern: ``pytest_collect_file`` returns an
:class:`SltFile` for each ``.slt`` file under ``tests/sql``, which yields one :class:`SltItem`
running the whole file on a fresh ``columnar.connect()`` (2 nodes x 2 slices unless
``--slt-cluster`` says otherwise) through :mod:`columnar.testing.slt`.

Options:

* ``--slt-complete`` rewrites the expected blocks of the selected files in place with the
  engine's actual output (review the diff before committing it!).
* ``--slt-cluster NxS`` runs the files on an N-node, S-slices-per-node cluster.
* ``--run-slow`` also runs tests marked ``slow`` (every file under ``tests/sql/slow/`` is);
  ``-m slow`` selects them too. Otherwise they are deselected.

The ``# group: [a, b]`` header of a file becomes the markers ``a`` and ``b`` (registered on
the fly, so ``--strict-markers`` accepts them), so ``-m join`` runs the join files, and
``-k`` filters by path as usual.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from columnar.testing import slt

SQL_DIR = Path(__file__).parent / "sql"
SLOW_DIR = SQL_DIR / "slow"
MAX_REPORTED = 10  # failures shown in full per file; the rest are counted
ENGINE_FLAG = "columnar"  # for `onlyif columnar` / `skipif columnar`


def pytest_addoption(parser):
    group = parser.getgroup("slt", "sqllogictest (.slt) specification files")
    group.addoption("--slt-complete", action="store_true", default=False,
                    help="rewrite the expected results of the selected .slt files in place")
    group.addoption("--slt-cluster", default="2x2", metavar="NxS",
                    help="cluster shape the .slt files run on (default 2x2)")
    group.addoption("--run-slow", action="store_true", default=False,
                    help="also run tests marked slow (tests/sql/slow/ and others)")


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix == ".slt" and SQL_DIR in file_path.parents:
        return SltFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow") or "slow" in (config.getoption("markexpr") or ""):
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]


def _marker_name(group: str) -> str:
    return re.sub(r"\W", "_", group)


def _register_marker(config, name: str) -> None:
    registered = config.stash.setdefault(_registered_key, set())
    if name not in registered:
        config.addinivalue_line("markers", f"{name}: sqllogictest group (# group: header)")
        registered.add(name)


_registered_key = pytest.StashKey[set]()


class SltFailure(Exception):
    """Raised by an SltItem whose file had failing records."""

    def __init__(self, outcome: slt.Outcome, path: str):
        super().__init__(f"{len(outcome)} failing records in {path}")
        self.outcome = outcome
        self.path = path


class SltFile(pytest.File):
    def collect(self):
        script = slt.parse_file(self.path)  # a malformed file is a collection error
        item = SltItem.from_parent(self, name=self.path.stem, script=script)
        names = [_marker_name(g) for g in script.groups]
        if SLOW_DIR in self.path.parents:
            names.append("slow")
        for name in dict.fromkeys(names):
            _register_marker(self.config, name)
            item.add_marker(name)
        yield item


class SltItem(pytest.Item):
    def __init__(self, *, script: slt.Script, **kwargs):
        super().__init__(**kwargs)
        self.script = script

    def runtest(self):
        import columnar  # imported late: collecting the files does not need the engine

        nodes, slices = _cluster_shape(self.config.getoption("--slt-cluster"))
        complete = self.config.getoption("--slt-complete")
        outcome = slt.run(
            self.script,
            lambda: columnar.connect(nodes=nodes, slices_per_node=slices),
            complete=complete,
            flags={ENGINE_FLAG, f"nodes{nodes}", f"slices{slices}"},
        )
        if complete and outcome.text is not None and outcome.text != self.script.text:
            self.path.write_text(outcome.text, encoding="utf-8")
        if outcome:
            raise SltFailure(outcome, self._relpath())

    def _relpath(self) -> str:
        try:
            return str(self.path.relative_to(self.config.rootpath))
        except ValueError:
            return str(self.path)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, SltFailure):
            failures = excinfo.value.outcome
            head = (f"{len(failures)} of {failures.executed} records failed in "
                    f"{excinfo.value.path}")
            if self.script.description:
                head += f" ({self.script.description})"
            parts = [head, ""]
            for failure in failures[:MAX_REPORTED]:
                failure = slt.Failure(self._relpath(), failure.line, failure.sql,
                                      failure.message, failure.expected, failure.actual)
                parts += ["-" * 72, str(failure)]
            if len(failures) > MAX_REPORTED:
                parts.append(f"... and {len(failures) - MAX_REPORTED} more failing records")
            return "\n".join(parts)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, 0, f"slt: {self._relpath()}"


def _cluster_shape(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text or "")
    if not m:
        raise pytest.UsageError(f"--slt-cluster wants NxS (e.g. 2x2), got {text!r}")
    return int(m.group(1)), int(m.group(2))
