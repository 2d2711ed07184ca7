"""The lark grammar analysis is cached in the user's cache folder (columnar.sql.parser)."""

import os
import subprocess
import sys

PARSE = "import columnar; print(columnar.connect().sql('SELECT 1 + 1').fetchall())"


def _run(tmp_path, **env):
    out = subprocess.run([sys.executable, "-c", PARSE], capture_output=True, text=True,
                         env={**os.environ, "XDG_CACHE_HOME": str(tmp_path), **env})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_cache_file_written_then_reused(tmp_path):
    assert _run(tmp_path) == "[(2,)]"
    (cache,) = (tmp_path / "columnar").glob("sql-parser-*.lark")
    first = cache.stat().st_mtime_ns
    assert _run(tmp_path) == "[(2,)]"
    assert cache.stat().st_mtime_ns == first  # loaded, not rebuilt


def test_corrupt_cache_is_rebuilt(tmp_path):
    cache_dir = tmp_path / "columnar"
    cache_dir.mkdir()
    bad = cache_dir / f"sql-parser-py{sys.version_info[0]}{sys.version_info[1]}.lark"
    bad.write_bytes(b"not a pickle")
    assert _run(tmp_path) == "[(2,)]"
    assert bad.read_bytes() != b"not a pickle"


def test_cache_can_be_turned_off(tmp_path):
    assert _run(tmp_path, COLUMNAR_PARSER_CACHE="0") == "[(2,)]"
    assert not list(tmp_path.glob("columnar/*.lark"))
