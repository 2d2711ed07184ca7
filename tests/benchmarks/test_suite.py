"""The distribution benchmark suite (``benchmarks/``) end to end, on tiny data.

Runs TPC-H and SSB at scale 0.01 on one 2x2 cluster, every layout, a handful
of queries, one warm run, with 4 KB column blocks (so that zone maps have
blocks to skip at this scale), into ``tmp_path``; then checks that the counters
say what the reference (``redshift_spectrum_semantics.md`` §2.1, §3.1)
predicts, that every layout gives the same answers, and that the report files
and charts exist. Counters only: no timing is asserted (DESIGN.md).
"""

from __future__ import annotations

import doctest
import json

import pyarrow.parquet as pq
import pytest

import benchmarks.answers
import benchmarks.layouts
import benchmarks.plans
import benchmarks.suite
import benchmarks.summary
import benchmarks.workloads
from benchmarks import report
from benchmarks.__main__ import config_from, parser
from benchmarks.findings import findings
from benchmarks.suite import COLLOCATED, Cluster, SuiteConfig, run

TPCH_QUERIES = ("q03", "q04", "q05", "q06", "q14")  # collocated joins, ALL dimensions, date ranges
SSB_QUERIES = ("q1.1", "q2.1", "q3.1")
LAYOUTS = ("even", "auto", "key_all", "key_all_sort", "key_poor")


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    config = SuiteConfig(workloads=("tpch", "ssb"), scale=0.01, clusters=(Cluster(2, 2),),
                         queries=TPCH_QUERIES + SSB_QUERIES, runs=1, block_bytes=4096,
                         data_root=tmp_path_factory.mktemp("data"), progress=False)
    result = run(config)
    paths = report.write(result, tmp_path_factory.mktemp("report"))
    return result, paths


def one(result, workload: str, layout: str, query: str) -> dict:
    (row,) = [q for q in result.queries
              if q["workload"] == workload and q["layout"] == layout and q["query"] == query]
    assert row["status"] == "ok", row["error"]
    return row


def table(result, workload: str, layout: str, name: str) -> dict:
    (row,) = [t for t in result.tables if t["workload"] == workload and t["layout"] == layout and t["table"] == name]
    return row


def test_every_query_ran_under_every_layout(suite):
    result, _ = suite
    assert len(result.queries) == len(LAYOUTS) * (len(TPCH_QUERIES) + len(SSB_QUERIES))
    assert all(q["status"] == "ok" for q in result.queries), [q["error"] for q in result.queries if q["error"]]
    assert all(q["counters_stable"] for q in result.queries)


def test_collocated_key_join_moves_nothing(suite):
    result, _ = suite
    q03 = one(result, "tpch", "key_all", "q03")  # lineitem KEY(l_orderkey) JOIN orders KEY(o_orderkey)
    assert "DS_DIST_NONE" in q03["ds_labels"].split()
    assert set(q03["ds_labels"].split()) <= COLLOCATED
    assert q03["rows_redistributed"] == q03["rows_broadcast"] == q03["bytes_moved"] == 0
    q04 = one(result, "tpch", "key_all", "q04")  # EXISTS on the collocated key
    assert q04["ds_labels"] == "DS_DIST_NONE"
    assert q04["rows_net_join"] == q04["rows_broadcast"] == 0
    assert q04["rows_redistributed"] == q04["rows_dist_aggr"]  # only its GROUP BY moved rows
    for q in result.queries:  # whenever every join is collocated, no join receives a row
        if q["layout"] == "key_all" and q["joins"] and q["joins_collocated"] == q["joins"]:
            assert q["rows_net_join"] == 0, q["query"]


def test_all_dimensions_are_not_broadcast(suite):
    result, _ = suite
    q05 = one(result, "tpch", "key_all", "q05")
    assert q05["ds_labels"].split().count("DS_DIST_ALL_NONE") == 4  # region, nation, supplier, customer
    assert q05["rows_broadcast"] == q05["bytes_broadcast"] == 0
    assert one(result, "tpch", "even", "q05")["rows_broadcast"] > 0
    for query in SSB_QUERIES:  # SSB key_all: dimensions ALL, part collocated with lineorder
        q = one(result, "ssb", "key_all", query)
        assert "DS_DIST_ALL_NONE" in q["ds_labels"].split()
        assert set(q["ds_labels"].split()) <= COLLOCATED
        assert q["rows_broadcast"] == 0 and q["rows_net_join"] == 0
    for workload in ("tpch", "ssb"):  # every join whose inner input is an ALL table
        joins = [j for q in result.queries if q["workload"] == workload and q["layout"] == "key_all"
                 for j in q["_joins"]]
        replicated = {t["table"] for t in result.tables
                      if t["workload"] == workload and t["layout"] == "key_all" and t["diststyle"] == "ALL"}
        inner_all = [j for j in joins if j.inner_tables and not j.inner_derived and set(j.inner_tables) <= replicated]
        assert inner_all and {j.label for j in inner_all} == {"DS_DIST_ALL_NONE"}


def test_even_layout_moves_rows_at_every_join(suite):
    result, _ = suite
    even = [q for q in result.queries if q["layout"] == "even" and q["joins"]]
    assert even
    for q in even:
        assert q["joins_collocated"] == 0, q["query"]
        assert q["rows_redistributed"] + q["rows_broadcast"] > 0, q["query"]
        assert q["rows_net_join"] > 0, q["query"]
    for workload in ("tpch", "ssb"):
        sums = {t["layout"]: t for t in benchmarks.summary.totals(result) if t["workload"] == workload}
        assert sums["even"]["bytes_moved"] > sums["key_all"]["bytes_moved"]


def test_skewed_key_shows_skew(suite):
    result, _ = suite
    for workload, fact in (("tpch", "lineitem"), ("ssb", "lineorder")):
        poor = table(result, workload, "key_poor", fact)
        assert poor["diststyle"].endswith("linenumber)")
        assert poor["skew_rows"] > 1.5 and poor["slice_max_mean"] > 1.5
        assert table(result, workload, "key_all", fact)["skew_rows"] < 1.3
        assert table(result, workload, "even", fact)["skew_rows"] == pytest.approx(1.0, abs=0.01)
        slices = json.loads(poor["slice_rows"])
        assert len(slices) == 4 and max(slices) > 1.5 * sum(slices) / 4
        row = one(result, workload, "key_poor", "q06" if workload == "tpch" else "q1.1")
        assert row["fact_skew_rows"] == poor["skew_rows"]
    # an ALL table sits whole on the first slice of each node
    assert json.loads(table(result, "tpch", "key_all", "customer")["slice_rows"]) == [1500, 0, 1500, 0]


def test_date_sort_key_skips_blocks(suite):
    result, _ = suite
    for query in ("q06", "q14"):  # one-year and one-month ranges on l_shipdate
        unsorted, sorted_ = one(result, "tpch", "key_all", query), one(result, "tpch", "key_all_sort", query)
        assert unsorted["blocks_skipped"] == 0
        assert sorted_["blocks_skipped"] > sorted_["blocks_scanned"] > 0
        assert sorted_["rows_moved"] == unsorted["rows_moved"]  # same distribution, same movement


def test_answers_agree_across_layouts(suite):
    result, _ = suite
    assert all(q["answer_ok"] for q in result.queries), [q["answer_note"] for q in result.queries]
    assert sum(q["answer_note"] == "baseline" for q in result.queries) == len(TPCH_QUERIES) + len(SSB_QUERIES)
    assert {q["layout"] for q in result.queries if q["answer_note"] == "baseline"} == {"even"}


def test_report_files_and_charts(suite):
    result, paths = suite
    for name in ("results.csv", "results.parquet", "tables.csv", "totals.csv", "report.md"):
        assert paths[name].stat().st_size > 0, name
    table = pq.read_table(paths["results.parquet"])
    assert table.num_rows == len(result.queries)
    assert {"ds_labels", "bytes_redistributed", "blocks_skipped", "warm_s", "cold_s", "answer_ok"} <= set(
        table.column_names)
    charts = [p for k, p in paths.items() if k.startswith("charts/")]
    assert len(charts) == 10  # five per workload
    assert all(p.suffix == ".png" and p.read_bytes()[:4] == b"\x89PNG" for p in charts)
    text = paths["report.md"].read_text()
    assert "What this shows" in text and "DS_DIST_ALL_NONE" in text and "![" in text
    assert (paths["report.md"].parent / "plans" / "tpch_2x2_key_all.txt").read_text().count("-- q") == 5


def test_findings_state_the_predictions(suite):
    result, _ = suite
    notes = {w: "\n".join(lines) for w, lines in findings(result).items()}
    assert "no join received a row over the network" in notes["tpch"]
    assert "which all read DS_DIST_ALL_NONE and broadcast nothing" in notes["ssb"]
    assert "is skewed" in notes["tpch"] and "zone maps skipped" in notes["tpch"]
    assert "answers agree" in notes["tpch"]


def test_cli_arguments():
    config = config_from(parser().parse_args(
        ["--workload", "ssb", "--scale", "0.01", "--clusters", "1x1,4x2", "--layouts", "key_all,even",
         "--runs", "2", "--no-progress"]))
    assert config.workloads == ("ssb",) and config.clusters == (Cluster(1, 1), Cluster(4, 2))
    assert config.layouts == ("key_all", "even") and config.runs == 2 and not config.progress
    with pytest.raises(SystemExit):
        config_from(parser().parse_args(["--clusters", "2by2"]))


@pytest.mark.parametrize("module", [benchmarks.answers, benchmarks.layouts, benchmarks.plans, benchmarks.suite,
                                    benchmarks.summary, benchmarks.workloads])
def test_doctests(module):
    failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
