"""Shared fixtures of the differential tests: TPC-H data, loaded engines, result comparison.

* ``tpch_dir``: TPC-H scale 0.01 as one Parquet file per table, generated once with the
  ``tpchgen-cli`` executable that sits next to the Python interpreter and cached in
  ``.data/tpch-sf0.01`` (or ``$COLUMNAR_TPCH_DIR``).
* ``duck_tpch``: a DuckDB connection (the oracle) holding the same tables.
* ``tpch_cluster(layout, nodes, slices)``: a columnar connection with TPC-H loaded by
  CREATE TABLE (``tpch_schema.tpch_ddl``) + ``COPY ... FORMAT AS PARQUET``, cached for the
  session so each layout and cluster shape is loaded once.
* ``tpch_loader(...)``: the same, uncached, for tests that manage their own connections.
* ``compare``: :func:`compare_rows`, the oracle comparison (see its docstring).
* :func:`examples`: the number of hypothesis examples a test runs, scaled by
  ``$COLUMNAR_FUZZ_EXAMPLES``. Every hypothesis test here writes
  ``settings(max_examples=examples(n), ...)`` (imported with ``from conftest import examples``),
  so ``COLUMNAR_FUZZ_EXAMPLES=10 pytest tests/differential`` runs ten times as many examples
  of each (a multiplier: a positive integer or decimal, default 1; the result is at least 1).

Every test module here sets ``pytestmark = pytest.mark.differential``.
"""

from __future__ import annotations

import datetime
import math
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tpch_schema, tpch_queries

import tpch_schema  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCALE = "0.01"
DATA_DIR = Path(os.environ.get("COLUMNAR_TPCH_DIR", ROOT / ".data" / f"tpch-sf{SCALE}"))
TPCHGEN = Path(sys.executable).parent / "tpchgen-cli"


# --------------------------------------------------------------------------- fuzzing budget

FUZZ_EXAMPLES_ENV = "COLUMNAR_FUZZ_EXAMPLES"


def fuzz_multiplier() -> float:
    """The ``$COLUMNAR_FUZZ_EXAMPLES`` multiplier (default 1)."""
    raw = os.environ.get(FUZZ_EXAMPLES_ENV, "").strip()
    if not raw:
        return 1.0
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"${FUZZ_EXAMPLES_ENV} must be a number, not {raw!r}") from None
    if not value > 0 or not math.isfinite(value):
        raise ValueError(f"${FUZZ_EXAMPLES_ENV} must be a positive number, not {raw!r}")
    return value


def examples(n: int) -> int:
    """``n`` hypothesis examples scaled by ``$COLUMNAR_FUZZ_EXAMPLES`` (at least 1)."""
    return max(1, round(n * fuzz_multiplier()))


# --------------------------------------------------------------------------- data


def _complete(directory: Path) -> bool:
    return all((directory / f"{t}.parquet").is_file() for t in tpch_schema.TABLES)


def generate_tpch(directory: Path = DATA_DIR, scale: str = SCALE) -> Path:
    """Generate TPC-H Parquet files into ``directory`` unless they are already there."""
    if _complete(directory):
        return directory
    exe = TPCHGEN if TPCHGEN.exists() else shutil.which("tpchgen-cli")
    if not exe:
        pytest.skip("tpchgen-cli is not installed (pip install tpchgen-cli)")
    tmp = directory.with_name(directory.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    subprocess.run([str(exe), "parquet", "--scale-factor", scale, "--output-dir", str(tmp),
                    "--quiet"], check=True, capture_output=True)
    if not _complete(tmp):
        raise RuntimeError(f"tpchgen-cli did not write all tables into {tmp}")
    shutil.rmtree(directory, ignore_errors=True)
    tmp.rename(directory)  # publish atomically: a half-written cache is never reused
    return directory


@pytest.fixture(scope="session")
def tpch_dir() -> Path:
    return generate_tpch()


@pytest.fixture(scope="session")
def duck_tpch(tpch_dir):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    for table in tpch_schema.TABLES:
        con.execute(tpch_schema.duckdb_load_sql(table, tpch_dir))
    yield con
    con.close()


def load_tpch(data_dir: Path, layout: str = "key", nodes: int = 2, slices: int = 2,
              **connect_kwargs):
    """A fresh columnar connection with the eight TPC-H tables loaded by COPY."""
    import columnar

    db = columnar.connect(nodes=nodes, slices_per_node=slices, **connect_kwargs)
    for ddl in tpch_schema.tpch_ddl(layout):
        db.execute(ddl)
    for table in tpch_schema.TABLES:
        db.execute(tpch_schema.copy_sql(table, data_dir))
    return db


@pytest.fixture(scope="session")
def tpch_loader(tpch_dir):
    """``tpch_loader(layout, nodes, slices, **connect_kwargs)`` → a new loaded connection."""
    return lambda *args, **kwargs: load_tpch(tpch_dir, *args, **kwargs)


@pytest.fixture(scope="session")
def tpch_cluster(tpch_dir):
    """``tpch_cluster(layout="key", nodes=2, slices=2)`` → a loaded connection (cached)."""
    cache: dict[tuple[str, int, int], object] = {}

    def get(layout: str = "key", nodes: int = 2, slices: int = 2):
        key = (layout, nodes, slices)
        if key not in cache:
            cache[key] = load_tpch(tpch_dir, layout, nodes, slices)
        return cache[key]

    yield get
    for db in cache.values():
        db.close()


@pytest.fixture(scope="session")
def tpch_db(tpch_cluster):
    """TPC-H on the default 2 x 2 cluster with the "key" layout."""
    return tpch_cluster("key", 2, 2)


# --------------------------------------------------------------------------- comparison

REL_TOL = 1e-9


def _is_number(v) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def _as_decimal(v) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


def values_match(actual, expected, rel_tol: float = REL_TOL) -> bool:
    """Whether one columnar value matches the oracle's value.

    * NULLs match only NULLs; booleans, dates and timestamps compare exactly;
    * strings compare ignoring trailing blanks (CHAR(n) semantics);
    * two DECIMALs of the same scale compare exactly;
    * any other pair of numbers (a DECIMAL average against DuckDB's DOUBLE, a DECIMAL
      quotient, floats) matches within a relative tolerance of ``rel_tol``, or within one
      unit in the last place of a DECIMAL result (Redshift gives AVG(DECIMAL(p,s)) scale s,
      DuckDB the full double).
    """
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    if _is_number(actual) and _is_number(expected):
        if isinstance(actual, float) and math.isnan(actual):
            return isinstance(expected, float) and math.isnan(expected)
        if isinstance(actual, Decimal) and isinstance(expected, Decimal) \
                and actual.as_tuple().exponent == expected.as_tuple().exponent:
            return actual == expected
        if isinstance(actual, int) and isinstance(expected, int):
            return actual == expected
        a, e = _as_decimal(actual), _as_decimal(expected)
        diff = abs(a - e)
        bound = Decimal(rel_tol) * max(abs(a), abs(e))
        for v in (actual, expected):
            if isinstance(v, Decimal) and v.as_tuple().exponent < 0:
                bound = max(bound, Decimal(1).scaleb(v.as_tuple().exponent))
        return diff <= max(bound, Decimal("1e-12"))
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.rstrip(" ") == expected.rstrip(" ")
    if isinstance(actual, datetime.datetime) or isinstance(expected, datetime.datetime):
        return type(actual) is type(expected) and actual == expected
    return actual == expected


def _sort_key(row):
    key = []
    for v in row:
        if v is None:
            key.append((0, ""))
        elif isinstance(v, bool):
            key.append((1, int(v)))
        elif _is_number(v):
            f = float(v)
            key.append((2, float(f"{f:.6g}") if math.isfinite(f) else f))
        elif isinstance(v, str):
            key.append((3, v.rstrip(" ")))
        elif isinstance(v, (datetime.date, datetime.datetime)):
            key.append((4, v.isoformat()))
        else:
            key.append((5, str(v)))
    return key


def compare_rows(actual: list, expected: list, *, ordered: bool, ncols: int | None = None,
                 expected_ncols: int | None = None, context: str = "",
                 rel_tol: float = REL_TOL) -> None:
    """Assert two results are equal: as multisets (sorted), or row by row if ``ordered``.

    Raises AssertionError naming the first differing rows, with ``context`` (the SQL).
    """
    head = f"{context}\n" if context else ""
    if ncols is not None and expected_ncols is not None and ncols != expected_ncols:
        raise AssertionError(f"{head}column count: columnar {ncols}, oracle {expected_ncols}")
    actual = [tuple(r) for r in actual]
    expected = [tuple(r) for r in expected]
    if len(actual) != len(expected):
        raise AssertionError(
            f"{head}row count: columnar {len(actual)}, oracle {len(expected)}\n"
            f"columnar first rows: {actual[:5]}\noracle first rows:   {expected[:5]}")
    if not ordered:
        actual = sorted(actual, key=_sort_key)
        expected = sorted(expected, key=_sort_key)
    bad = []
    for i, (a, e) in enumerate(zip(actual, expected)):
        if len(a) != len(e):
            raise AssertionError(f"{head}row {i}: columnar has {len(a)} values, oracle {len(e)}")
        if not all(values_match(x, y, rel_tol) for x, y in zip(a, e)):
            bad.append((i, a, e))
    if bad:
        lines = [f"{head}{len(bad)} of {len(actual)} rows differ"
                 f" ({'in order' if ordered else 'as sorted multisets'}):"]
        for i, a, e in bad[:8]:
            lines += [f"  row {i}:", f"    columnar: {a!r}", f"    oracle:   {e!r}"]
        raise AssertionError("\n".join(lines))


@pytest.fixture(scope="session")
def compare():
    return compare_rows


# --------------------------------------------------------------------------- twin tables


def sql_literal(v) -> str:
    """A Python value as a SQL literal both engines read the same way."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str):
        return "'" + v + "'"
    if isinstance(v, float):
        return f"CAST({v!r} AS DOUBLE PRECISION)"
    return str(v)


class TwinTables:
    """Table ``t`` with the same rows on a columnar cluster and in DuckDB, plus a
    unique row number ``k`` (a deterministic tie-breaker)."""

    def __init__(self, columns: list, rows, layout: str, shape: tuple[int, int]):
        import columnar
        import duckdb

        defs = ", ".join(f"{c} {t}" for c, t in columns) + ", k INT"
        self.db = columnar.connect(nodes=shape[0], slices_per_node=shape[1])
        self.db.execute(f"CREATE TABLE t ({defs}) {layout}")
        self.duck = duckdb.connect()
        self.duck.execute(f"CREATE TABLE t ({defs})")
        if rows:
            values = ", ".join("(" + ", ".join(map(sql_literal, row)) + f", {k})" for k, row in enumerate(rows))
            self.db.execute(f"INSERT INTO t VALUES {values}")
            self.duck.execute(f"INSERT INTO t VALUES {values}")
        self.context = f"{layout or 'DISTSTYLE AUTO'} on {shape[0]}x{shape[1]}"
