"""The benchmark history: one JSON record per ``python -m benchmarks.tpch`` run.

Role: keeps measured figures in the repository (``benchmarks/history/``) so a
later change can be compared with earlier ones: the git commit, the machine,
the options, load times, per-query times and ratios, geometric means and any
start-up or memory probes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def record(directory: Path, args, result, extra: dict) -> Path:
    now = dt.datetime.now(dt.timezone.utc)
    commit = _git("rev-parse", "--short", "HEAD")
    doc = {
        "when": now.isoformat(timespec="seconds"),
        "commit": commit,
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": os.getloadavg()[0]},
        "options": {"scale": args.scale, "layout": args.layout, "nodes": args.nodes,
                    "slices_per_node": args.slices_per_node, "threads": args.threads, "runs": args.runs},
        "load_s": {"columnar_copy": result.load_columnar_s, "duckdb_ctas": result.load_duckdb_s},
        "queries": [{"query": q.name, "columnar_s": q.columnar_s, "duckdb_s": q.duckdb_s,
                     "ratio": q.ratio, "error": q.error} for q in result.queries],
        "geomean": {"columnar_s": result.geomean("columnar_s"), "duckdb_s": result.geomean("duckdb_s"),
                    "ratio": result.geomean("ratio")},
        **extra,
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"tpch-sf{args.scale:g}-{args.nodes}x{args.slices_per_node}-t{args.threads}-" \
                       f"{now:%Y%m%dT%H%M%S}-{commit or 'nogit'}.json"
    path.write_text(json.dumps(doc, indent=1) + "\n")
    return path
