"""Shared data for the micro-benchmarks: seeded numpy arrays and small clusters.

Each fixture builds its data once per module; a benchmark then times one call.
The sizes (``ROWS`` probe/fact rows) keep one round of the whole folder near a
minute on two cores.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import columnar

ROWS = 1_000_000
DIM_ROWS = 100_000


@pytest.fixture(scope="session")
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def cluster_with(tables: dict[str, tuple[pa.Table, str]], nodes: int = 2, slices_per_node: int = 2,
                 block_bytes: int = 1 << 20):
    """A connection holding ``{name: (arrow table, table attributes)}``, each created
    with CREATE TABLE AS from a registered staging copy (so attributes, sort
    order and zone maps are those of a real load)."""
    db = columnar.connect(nodes=nodes, slices_per_node=slices_per_node, block_bytes=block_bytes)
    for name, (data, attributes) in tables.items():
        db.register(f"stage_{name}", data)
        db.execute(f"CREATE TABLE {name} {attributes} AS SELECT * FROM stage_{name}")
        db.execute(f"DROP TABLE stage_{name}")
    return db


def label_of(db, sql: str) -> list[str]:
    """The DS_* labels of ``sql``'s plan."""
    import re

    return re.findall(r"\bDS_[A-Z_]+\b", db.explain(sql))
