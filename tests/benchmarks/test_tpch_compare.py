"""``python -m benchmarks.tpch``: the comparison with DuckDB and its JSON record (SF0.01)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
ROOT = Path(__file__).resolve().parents[2]


def test_compare_prints_ratios_and_records_json(tmp_path, monkeypatch):
    from benchmarks.tpch import __main__ as cli

    monkeypatch.setattr(cli, "ROOT", ROOT)
    recorded = {}
    real_record = cli.history.record

    def fake_record(directory, args, result, extra):
        path = real_record(tmp_path, args, result, extra)  # not into the repository's history
        recorded["doc"] = json.loads(path.read_text())
        return ROOT / path.name

    monkeypatch.setattr(cli.history, "record", fake_record)
    monkeypatch.setattr(sys, "argv", ["benchmarks.tpch", "--scale", "0.01", "--runs", "1",
                                      "--queries", "q01,q06,q17"])
    cli.main()
    doc = recorded["doc"]
    assert doc["options"] == {"scale": 0.01, "layout": "key", "nodes": 2, "slices_per_node": 2,
                              "threads": 2, "runs": 1}
    assert [q["query"] for q in doc["queries"]] == ["q01", "q06", "q17"]
    for q in doc["queries"]:
        assert q["error"] is None
        assert q["columnar_s"] > 0 and q["duckdb_s"] > 0
        assert q["ratio"] == pytest.approx(q["columnar_s"] / q["duckdb_s"])
    assert doc["geomean"]["ratio"] > 0
    assert doc["load_s"]["columnar_copy"] > 0 and doc["load_s"]["duckdb_ctas"] > 0


def test_cli_output(tmp_path):
    out = subprocess.run([sys.executable, "-m", "benchmarks.tpch", "--scale", "0.01", "--runs", "1",
                          "--queries", "q06", "--no-record"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("loaded: columnar COPY") and "DuckDB CREATE TABLE AS" in line for line in lines)
    row = next(line for line in lines if line.startswith("q06"))
    assert row.count("ms") == 2  # DuckDB and columnar times, then the ratio
    assert any(line.startswith("geometric mean: columnar") and "ratio" in line for line in lines)
