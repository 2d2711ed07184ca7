"""columnar.api.malloc_tuning: glibc keeps freed memory for reuse, once per process, opt-out by env."""

import os
import subprocess
import sys

import pytest

PROBE = """
import ctypes, columnar
from columnar.api import malloc_tuning as m
columnar.connect()
print(m._done, m.tune_malloc())  # a second call does nothing
"""


def _run(**env):
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         env={**os.environ, **env})
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_applied_once_at_first_connect():
    assert _run() == ["True", "False"]


def test_opt_out_leaves_defaults(monkeypatch):
    from columnar.api import malloc_tuning as m

    monkeypatch.setattr(m, "_done", False)
    monkeypatch.setenv("COLUMNAR_MALLOC_TUNING", "0")
    assert m.tune_malloc() is False
    assert m._done  # not retried by later connections


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_glibc_accepts_the_settings(monkeypatch):
    from columnar.api import malloc_tuning as m

    monkeypatch.setattr(m, "_done", False)
    monkeypatch.delenv("COLUMNAR_MALLOC_TUNING", raising=False)
    assert m.tune_malloc() is True
