"""External schemas, tables and partitions end to end, for what ``.slt`` files cannot do.

* the catalog survives reopening a database folder (``columnar.connect(path)``);
* Spectrum's listing rules on files with arbitrary names (``_SUCCESS``, ``.hidden``,
  ``#x``, ``backup~``: UNLOAD cannot write those names), checklist 34;
* the bill of a query, ``Result.metrics.external_cost_usd``, which SQL cannot see:
  the 10 MB minimum, whole-MB rounding, free DDL / partition management / failed
  queries (checklist 38, reference §6.5);
* MSCK REPAIR TABLE never drops a partition whose folder was deleted (checklist 39);
* the scan counters of ``Result.metrics`` (partitions, files, row groups, bytes).

The ``.slt`` side of the same checklist items is ``tests/sql/spectrum/``.
"""

from __future__ import annotations

import datetime
import math
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import columnar
from columnar.core.errors import Error
from columnar.storage.pricing import charge

MB = 2**20
MINIMUM_CHARGE = 5 * 10 / 2**20  # $5 per TB (2**40 bytes) for the 10 MB minimum


def rows(conn, sql):
    return conn.sql(sql).fetchall()


def metrics(conn, sql):
    result = conn.sql(sql)
    result.fetchall()
    return result.metrics


def write_parquet(path, columns: dict, row_group_size=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)


def write_text(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def conn():
    c = columnar.connect(nodes=2, slices_per_node=2)
    yield c
    c.close()


# ------------------------------------------------------------------------------------ persistence


CATALOG_VIEWS = [
    "SELECT * FROM svv_external_schemas ORDER BY schemaname",
    "SELECT * FROM svv_external_tables ORDER BY schemaname, tablename",
    "SELECT * FROM svv_external_columns ORDER BY schemaname, tablename, columnnum",
    "SELECT * FROM svv_external_partitions ORDER BY schemaname, tablename, location",
]


@pytest.fixture
def lake(tmp_path):
    """A partitioned Parquet folder: dt (DATE) x region (VARCHAR, one NULL) partitions."""
    root = tmp_path / "lake" / "sales"
    parts = {
        ("2020-01-01", "eu"): [1, 2],
        ("2020-01-01", "us"): [3],
        ("2020-01-02", "eu"): [4],
        ("2020-01-02", "__HIVE_DEFAULT_PARTITION__"): [5, 6],
    }
    for (dt, region), ids in parts.items():
        write_parquet(root / f"dt={dt}" / f"region={region}" / "part-0.parquet",
                      {"id": pa.array(ids, pa.int32()), "amount": pa.array([i * 10 for i in ids], pa.int64())})
    write_text(root / "_SUCCESS", "")
    return root


def _build_catalog(conn, lake):
    conn.sql("CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'lake' "
             "IAM_ROLE 'arn:aws:iam::123456789012:role/spectrum' REGION 'eu-west-1'")
    conn.sql("CREATE EXTERNAL SCHEMA other FROM HIVE METASTORE DATABASE 'hive' IAM_ROLE default")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.sales (id INT, amount BIGINT) "
             f"PARTITIONED BY (dt DATE, region VARCHAR(10)) STORED AS PARQUET LOCATION '{lake}/' "
             f"TABLE PROPERTIES ('numRows'='6')")
    added = rows(conn, "MSCK REPAIR TABLE spectrum.sales")
    assert len(added) == 4
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.logs (line VARCHAR(100)) ROW FORMAT DELIMITED "
             f"FIELDS TERMINATED BY '|' STORED AS TEXTFILE LOCATION '{lake.parent}/logs/' "
             f"TBLPROPERTIES ('skip.header.line.count'='1')")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.proj (id INT, amount BIGINT) PARTITIONED BY (dt DATE) "
             f"STORED AS PARQUET LOCATION '{lake}/' TBLPROPERTIES ('projection.enabled'='true', "
             f"'projection.dt.type'='date', 'projection.dt.range'='2020-01-01,2020-01-03', "
             f"'projection.dt.format'='yyyy-MM-dd', "
             f"'storage.location.template'='{lake}/dt=${{dt}}/region=eu/')")
    conn.sql(f"CREATE EXTERNAL TABLE other.gone (a INT) LOCATION '{lake.parent}/gone/'")
    conn.sql("DROP TABLE other.gone")
    conn.sql(f"ALTER TABLE spectrum.sales ADD PARTITION (dt='2020-01-03', region='ap') "
             f"LOCATION '{lake.parent}/extra/'")
    conn.sql("ALTER TABLE spectrum.sales DROP PARTITION (dt='2020-01-01', region='us')")


def test_external_catalog_survives_reopening_the_database_folder(tmp_path, lake):
    path = tmp_path / "db"
    with columnar.connect(path) as conn:
        _build_catalog(conn, lake)
        before = [rows(conn, sql) for sql in CATALOG_VIEWS]
        answer = rows(conn, "SELECT id, amount, dt, region FROM spectrum.sales ORDER BY id")
    assert len(before[0]) == 2 and len(before[1]) == 3 and len(before[3]) == 4

    with columnar.connect(path) as conn:
        after = [rows(conn, sql) for sql in CATALOG_VIEWS]
        assert after == before
        assert rows(conn, "SELECT id, amount, dt, region FROM spectrum.sales ORDER BY id") == answer
        # partition values keep their types: DATE pruning, the NULL partition
        got = conn.sql("SELECT id FROM spectrum.sales WHERE dt = '2020-01-02' AND region IS NULL ORDER BY id")
        assert got.fetchall() == [(5,), (6,)]
        assert (got.metrics.partitions_scanned, got.metrics.partitions_pruned) == (1, 3)
        # the dropped partition stays dropped, the added one (no folder) is still registered
        assert rows(conn, "SELECT COUNT(*) FROM spectrum.sales WHERE region = 'us'") == [(0,)]
        assert rows(conn, "SELECT values FROM svv_external_partitions WHERE location LIKE '%/extra/'") \
            == [('["2020-01-03", "ap"]',)]
        # table properties: the projection still works
        day1, day2 = datetime.date(2020, 1, 1), datetime.date(2020, 1, 2)
        assert rows(conn, "SELECT id, dt FROM spectrum.proj ORDER BY id") == [(1, day1), (2, day1), (4, day2)]
        # the dropped table is gone, its schema remains
        with pytest.raises(Error, match='relation "other.gone" does not exist'):
            conn.sql("SELECT * FROM other.gone")
        # the catalog keeps accepting changes that persist in turn
        assert rows(conn, "MSCK REPAIR TABLE spectrum.sales") == [
            ("Repair: Added partition to metastore sales:dt=2020-01-01/region=us",)]
        conn.sql("DROP SCHEMA other")

    with columnar.connect(path, read_only=True) as conn:
        assert rows(conn, "SELECT schemaname FROM svv_external_schemas") == [("spectrum",)]
        assert rows(conn, "SELECT COUNT(*) FROM svv_external_partitions") == [(5,)]
        assert rows(conn, "SELECT COUNT(*), SUM(amount) FROM spectrum.sales") == [(6, 210)]


def test_rolled_back_external_ddl_does_not_reach_the_folder(tmp_path, lake):
    path = tmp_path / "db"
    with columnar.connect(path) as conn:
        conn.sql("CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default")
        conn.sql(f"CREATE EXTERNAL TABLE spectrum.sales (id INT, amount BIGINT) "
                 f"PARTITIONED BY (dt DATE, region VARCHAR(10)) STORED AS PARQUET LOCATION '{lake}/'")
        conn.sql("BEGIN")
        conn.sql("ALTER TABLE spectrum.sales ADD PARTITION (dt='2020-01-01', region='eu')")
        conn.sql("ROLLBACK")
    with columnar.connect(path) as conn:
        assert rows(conn, "SELECT COUNT(*) FROM svv_external_partitions") == [(0,)]
        assert rows(conn, "SELECT tablename FROM svv_external_tables") == [("sales",)]


# ------------------------------------------------------------------------------------ listing


def test_listing_skips_hidden_underscore_hash_and_tilde_names(conn, tmp_path):
    """Checklist 34 with the exact names: `_SUCCESS`, `.hidden`, `#x`, `backup~`."""
    root = tmp_path / "lst"
    write_text(root / "data.csv", "1,top\n")
    write_text(root / "sub" / "deeper" / "more.csv", "2,nested\n")
    write_text(root / "x_y#z~1.csv", "3,odd but visible\n")
    write_text(root / "_SUCCESS", "10,success marker\n")
    write_text(root / ".hidden", "11,hidden\n")
    write_text(root / "#x", "12,hash\n")
    write_text(root / "backup~", "13,editor backup\n")
    write_text(root / "sub" / "data.csv~", "14,nested backup\n")
    write_text(root / "sub" / "_temporary" / "0" / "part.csv", "15,temporary folder\n")
    write_text(root / ".git" / "objects.csv", "16,hidden folder\n")
    write_text(root / "#drafts" / "d.csv", "17,hash folder\n")
    write_text(root / "old~" / "o.csv", "18,tilde folder\n")
    conn.sql("CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.lst (id INT, note VARCHAR(30)) ROW FORMAT DELIMITED "
             f"FIELDS TERMINATED BY ',' LOCATION '{root}/'")
    got = rows(conn, f"SELECT id, note, REPLACE(\"$path\", '{root}', '') FROM spectrum.lst ORDER BY id")
    assert got == [(1, "top", "/data.csv"), (2, "nested", "/sub/deeper/more.csv"),
                   (3, "odd but visible", "/x_y#z~1.csv")]
    m = metrics(conn, "SELECT * FROM spectrum.lst")
    assert m.files_scanned == 3
    assert m.external_bytes_scanned == len("1,top\n") + len("2,nested\n") + len("3,odd but visible\n")


def test_msck_ignores_hidden_partition_folders(conn, tmp_path):
    root = tmp_path / "t"
    write_text(root / "y=2020" / "a.csv", "1\n")
    write_text(root / "_y=2021" / "a.csv", "2\n")
    write_text(root / ".y=2022" / "a.csv", "3\n")
    write_text(root / "y=2023~" / "a.csv", "4\n")
    write_text(root / "y=2024" / "_SUCCESS", "")
    conn.sql("CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.t (id INT) PARTITIONED BY (y INT) LOCATION '{root}/'")
    added = [r[0] for r in rows(conn, "MSCK REPAIR TABLE spectrum.t")]
    assert "Repair: Added partition to metastore t:y=2020" in added
    assert not any(k in line for line in added for k in ("2021", "2022", "2023"))
    assert rows(conn, "SELECT id, y FROM spectrum.t ORDER BY id") == [(1, 2020)]


# ------------------------------------------------------------------------------------ MSCK never drops


def test_msck_never_drops_a_partition_whose_folder_was_deleted(conn, tmp_path):
    root = tmp_path / "t"
    for y, ids in {2020: [1, 2], 2021: [3], 2022: [4, 5]}.items():
        write_parquet(root / f"y={y}" / "part-0.parquet", {"id": pa.array(ids, pa.int32())})
    conn.sql("CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.t (id INT) PARTITIONED BY (y INT) STORED AS PARQUET "
             f"LOCATION '{root}/'")
    assert len(rows(conn, "MSCK REPAIR TABLE spectrum.t")) == 3

    shutil.rmtree(root / "y=2021")
    write_parquet(root / "y=2023" / "part-0.parquet", {"id": pa.array([6], pa.int32())})

    # only the new folder is added; nothing is dropped
    assert rows(conn, "MSCK REPAIR TABLE spectrum.t") == [("Repair: Added partition to metastore t:y=2023",)]
    assert rows(conn, "SELECT values FROM svv_external_partitions ORDER BY values") == [
        ('["2020"]',), ('["2021"]',), ('["2022"]',), ('["2023"]',)]
    # the partition whose folder is gone reads as empty, without error
    result = conn.sql("SELECT COUNT(*) FROM spectrum.t WHERE y = 2021")
    assert result.fetchall() == [(0,)]
    assert (result.metrics.partitions_scanned, result.metrics.files_scanned) == (1, 0)
    assert rows(conn, "SELECT y, COUNT(*) FROM spectrum.t GROUP BY y ORDER BY y") == [
        (2020, 2), (2022, 2), (2023, 1)]

    # it goes only when dropped explicitly
    conn.sql("ALTER TABLE spectrum.t DROP PARTITION (y=2021)")
    assert rows(conn, "MSCK REPAIR TABLE spectrum.t") == []
    assert rows(conn, "SELECT COUNT(*) FROM svv_external_partitions") == [(3,)]


# ------------------------------------------------------------------------------------ billing


@pytest.fixture
def billed(conn, tmp_path):
    """A small text table, a partitioned Parquet table (3 row groups of 2 rows per file), a CSV
    table with a bad value, a projected table with an injected column, a local table."""
    write_text(tmp_path / "txt" / "a.txt", "1|one\n2|two\n")
    for y in (2020, 2021):
        write_parquet(tmp_path / "pq" / f"y={y}" / "part-0.parquet",
                      {"id": pa.array([1, 2, 3, 4, 5, 6], pa.int32()),
                       "name": pa.array(["a", "b", "c", "d", "e", "f"])}, row_group_size=2)
    write_text(tmp_path / "bad" / "b.csv", "1,x\nnot a number,y\n")
    conn.sql("CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.txt (id INT, name VARCHAR(10)) ROW FORMAT DELIMITED "
             f"FIELDS TERMINATED BY '|' LOCATION '{tmp_path}/txt/'")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.pq (id INT, name VARCHAR(10)) PARTITIONED BY (y INT) "
             f"STORED AS PARQUET LOCATION '{tmp_path}/pq/'")
    conn.sql("MSCK REPAIR TABLE spectrum.pq")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.bad (id INT, name VARCHAR(10)) ROW FORMAT SERDE "
             f"'org.apache.hadoop.hive.serde2.OpenCSVSerde' LOCATION '{tmp_path}/bad/'")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.inj (id INT, name VARCHAR(10)) PARTITIONED BY (y VARCHAR(4)) "
             f"STORED AS PARQUET LOCATION '{tmp_path}/pq/' "
             f"TBLPROPERTIES ('projection.enabled'='true', 'projection.y.type'='injected')")
    conn.sql("CREATE TABLE local_t (id INT, label VARCHAR(10))")
    conn.sql("INSERT INTO local_t VALUES (1, 'L1'), (2, 'L2')")
    return conn


def test_a_tiny_scan_costs_exactly_the_10_mb_minimum(billed):
    m = metrics(billed, "SELECT * FROM spectrum.txt")
    assert m.external_bytes_scanned == 12
    assert m.external_cost_usd == MINIMUM_CHARGE == 5 * 10 / 2**20
    assert m.external_cost_usd == charge(12)


def test_a_scan_that_reads_no_bytes_still_bills_the_minimum(billed):
    # COUNT(*) on Parquet reads the footers only; every partition pruned reads nothing at all
    # (pricing.BILL_MINIMUM_WHEN_NOTHING_SCANNED, our reading of "10 MB minimum per query")
    for sql in ("SELECT COUNT(*) FROM spectrum.pq", "SELECT * FROM spectrum.pq WHERE y = 1999"):
        m = metrics(billed, sql)
        assert m.external_bytes_scanned == 0
        assert m.external_cost_usd == MINIMUM_CHARGE


def test_bytes_are_rounded_up_to_whole_megabytes(conn, tmp_path):
    lines = 1_500_000
    write_text(tmp_path / "big" / "big.txt", "".join(f"{i:07d}\n" for i in range(lines)))
    size = (tmp_path / "big" / "big.txt").stat().st_size
    assert size == 8 * lines and 11 * MB < size < 12 * MB
    conn.sql("CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default")
    conn.sql(f"CREATE EXTERNAL TABLE spectrum.big (n INT) LOCATION '{tmp_path}/big/'")
    result = conn.sql("SELECT COUNT(*) FROM spectrum.big")
    assert result.fetchall() == [(lines,)]
    assert result.metrics.external_bytes_scanned == size
    assert result.metrics.external_cost_usd == 5 * math.ceil(size / MB) / 2**20 == 5 * 12 / 2**20


def test_ddl_and_partition_management_cost_nothing(conn, tmp_path):
    write_parquet(tmp_path / "t" / "y=2020" / "p.parquet", {"id": pa.array([1], pa.int32())})
    statements = [
        "CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'lake' IAM_ROLE default",
        f"CREATE EXTERNAL TABLE spectrum.t (id INT) PARTITIONED BY (y INT) STORED AS PARQUET LOCATION '{tmp_path}/t/'",
        "MSCK REPAIR TABLE spectrum.t",
        f"ALTER TABLE spectrum.t ADD PARTITION (y=2021) LOCATION '{tmp_path}/t/other/'",
        "ALTER TABLE spectrum.t ADD IF NOT EXISTS PARTITION (y=2021)",
        "ALTER TABLE spectrum.t DROP PARTITION (y=2021)",
        "EXPLAIN SELECT * FROM spectrum.t WHERE y = 2020",
        "SELECT * FROM svv_external_partitions",
        "SELECT * FROM svl_s3query_summary",
        "DROP TABLE spectrum.t",
        "DROP SCHEMA spectrum",
    ]
    for sql in statements:
        m = metrics(conn, sql)
        assert m.external_cost_usd == 0, sql
        assert m.external_bytes_scanned == 0, sql


def test_queries_on_local_tables_only_cost_nothing(billed):
    assert metrics(billed, "SELECT * FROM local_t").external_cost_usd == 0


def test_a_failed_query_is_not_billed(billed):
    # a value that does not convert fails the scan (OpenCSVSerDe: HIVE_BAD_DATA) ...
    with pytest.raises(Error, match="not a number|b.csv"):
        billed.sql("SELECT * FROM spectrum.bad").fetchall()
    # ... an injected projection column without equality filter fails before reading anything ...
    with pytest.raises(Error, match="CONSTRAINT_VIOLATION"):
        billed.sql("SELECT * FROM spectrum.inj").fetchall()
    # ... a bind error never reaches S3
    with pytest.raises(Error, match="does not exist"):
        billed.sql("SELECT nosuch FROM spectrum.txt").fetchall()
    # no charge is carried over to the next query: it pays its own minimum only
    assert metrics(billed, "SELECT * FROM spectrum.txt").external_cost_usd == MINIMUM_CHARGE
    # the failed queries are logged as aborted and have no S3 scan to bill
    aborted = rows(billed, "SELECT query FROM stl_query WHERE aborted = 1 ORDER BY query")
    assert len(aborted) == 3
    scanned = {q for (q,) in rows(billed, "SELECT query FROM svl_s3query_summary")}
    assert not scanned & {q for (q,) in aborted}


def test_one_query_with_several_scans_is_billed_once_on_their_sum(billed):
    m = metrics(billed, "SELECT t.id, p.name, l.label FROM spectrum.txt t JOIN spectrum.pq p ON p.id = t.id "
                        "JOIN local_t l ON l.id = t.id WHERE p.y = 2020")
    assert m.external_bytes_scanned > 12
    assert m.external_cost_usd == charge(m.external_bytes_scanned) == MINIMUM_CHARGE
    summary = rows(billed, "SELECT SUM(s3_scanned_bytes) FROM svl_s3query_summary "
                           "WHERE query = (SELECT MAX(query) FROM svl_s3query_summary)")
    assert summary == [(m.external_bytes_scanned,)]


# ------------------------------------------------------------------------------------ scan counters


def test_scan_counters_partitions_files_row_groups(billed):
    # y = 2021: 1 of 2 partitions, 1 file; id >= 5 keeps the last of its 3 row groups
    result = billed.sql("SELECT id, name FROM spectrum.pq WHERE y = 2021 AND id >= 5 ORDER BY id")
    assert result.fetchall() == [(5, "e"), (6, "f")]
    m = result.metrics
    assert (m.partitions_scanned, m.partitions_pruned) == (1, 1)
    assert m.files_scanned == 1
    assert (m.row_groups_scanned, m.row_groups_pruned) == (1, 2)
    assert 0 < m.external_bytes_scanned

    # all row groups of both partitions: three times the row groups, six times the rows
    full = metrics(billed, "SELECT id, name FROM spectrum.pq")
    assert (full.partitions_scanned, full.partitions_pruned, full.files_scanned) == (2, 0, 2)
    assert (full.row_groups_scanned, full.row_groups_pruned) == (6, 0)
    assert full.external_bytes_scanned > m.external_bytes_scanned

    # an unpartitioned table counts no partitions
    txt = metrics(billed, "SELECT * FROM spectrum.txt")
    assert (txt.partitions_scanned, txt.partitions_pruned, txt.files_scanned) == (0, 0, 1)
