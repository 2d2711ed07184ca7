"""What queries did: STL_QUERY, SVL_QUERY_REPORT, SVL_QUERY_SUMMARY and STL_SCAN.

Role: the views computed from the session's query log
(:mod:`columnar.exec.querylog`), each time a statement names them (reference
``redshift_spectrum_semantics.md`` §4.2 "STL_SCAN", §4.3 "SVL_QUERY_SUMMARY /
SVL_QUERY_REPORT"; checklist item 17). The segment / step model they share is
:mod:`columnar.exec.system_views_steps`.

* ``stl_query``: one row per *finished* statement, failed ones included
  (``aborted`` 1). ``userid`` 100, ``label`` ``default``, ``xid`` = the query
  id (every statement commits on its own), ``pid`` a fixed session id,
  ``database`` ``dev``, ``querytxt`` the statement's SQL cut to 4000
  characters (a multi-statement string is logged whole for each statement).
  The statement being run is not listed yet (STL tables are written when a
  query completes).
* ``svl_query_report``: one row per slice per step of each query that ran on
  the compute nodes; ``elapsed_time`` in microseconds; ``rows_pre_filter``
  the rows read by a table scan, 0 for other steps.
* ``svl_query_summary``: the report summed over slices per (query, seg, step):
  ``maxtime``/``avgtime`` (µs; equal, as time is per operator), ``rows`` and
  ``bytes`` summed, ``rate_row``/``rate_byte`` per second (NULL when the step
  took 0 µs); ``stm`` is always 0.
* ``stl_scan``: one row per slice per scan step: table scans (``type`` 2,
  "permanent user tables") and network scans opening a segment after an
  exchange (``type`` 1, "data from the network", ``tbl`` a transient id,
  ``perm_table_name`` ``Internal Worktable``, ``rows_pre_filter`` 0 as in the
  doc sample). ``rows_pre_filter`` counts the rows read from the blocks
  scanned, ghost rows (marked by DELETE/UPDATE, not yet vacuumed) included;
  ``rows_pre_user_filter`` the same rows less the ghost rows, so their
  difference is "the number of ghost rows in the scan", as the doc says.

``is_rrscan`` is ``t`` for a range-restricted table scan (a filter on the
scanned table let zone maps skip blocks: :mod:`columnar.storage.zonemap`).

Simplified versus Redshift: one user (100); ``is_diskbased``,
``is_delayed_scan`` are ``f`` and ``workmem``/``tasknum``/``fetches`` 0 (no
spilling). Statements that touch no user table
(``SELECT 1``, ``INSERT ... VALUES``, queries on system views) run on the
leader only and have no steps.
"""

from __future__ import annotations

from columnar.exec.system_views_relation import (
    CHAR1, FLOAT8, INT, INT8, TEXT, TS, char, make_relation,
)
from columnar.exec.explain import plan_nodes
from columnar.exec.system_views_steps import query_steps

USERID = 100
PID = 1073
DATABASE = "dev"
LABEL = "default"
MAX_QUERYTXT = 4000

STL_QUERY = [
    ("userid", INT), ("query", INT), ("label", char(320)), ("xid", INT8), ("pid", INT),
    ("database", char(32)), ("querytxt", char(4000)), ("starttime", TS), ("endtime", TS),
    ("aborted", INT), ("insert_pristine", INT), ("concurrency_scaling_status", INT),
]

SVL_QUERY_REPORT = [
    ("userid", INT), ("query", INT), ("slice", INT), ("segment", INT), ("step", INT),
    ("start_time", TS), ("end_time", TS), ("elapsed_time", INT8), ("rows", INT8), ("bytes", INT8),
    ("label", char(256)), ("is_diskbased", CHAR1), ("workmem", INT8), ("is_rrscan", CHAR1),
    ("is_delayed_scan", CHAR1), ("rows_pre_filter", INT8),
]

SVL_QUERY_SUMMARY = [
    ("userid", INT), ("query", INT), ("stm", INT), ("seg", INT), ("step", INT),
    ("maxtime", INT8), ("avgtime", INT8), ("rows", INT8), ("bytes", INT8),
    ("rate_row", FLOAT8), ("rate_byte", FLOAT8), ("label", TEXT), ("is_diskbased", CHAR1),
    ("workmem", INT8), ("is_rrscan", CHAR1), ("is_delayed_scan", CHAR1), ("rows_pre_filter", INT8),
]

STL_SCAN = [
    ("userid", INT), ("query", INT), ("slice", INT), ("segment", INT), ("step", INT),
    ("starttime", TS), ("endtime", TS), ("tasknum", INT), ("rows", INT8), ("bytes", INT8),
    ("fetches", INT8), ("type", INT), ("tbl", INT), ("is_rrscan", CHAR1), ("is_delayed_scan", CHAR1),
    ("rows_pre_filter", INT8), ("rows_pre_user_filter", INT8), ("perm_table_name", char(136)),
    ("is_rlf_scan", CHAR1),
]


STL_EXPLAIN = [
    ("userid", INT), ("query", INT), ("nodeid", INT), ("parentid", INT),
    ("plannode", char(400)), ("info", char(400)),
]


def stl_explain(session):
    """One row per node of each query's Redshift-format plan ([DG:r_STL_EXPLAIN])."""
    rows = []
    for rec in _finished(session):
        if rec.plan is None:
            continue
        for nodeid, parentid, plannode, info in plan_nodes(rec.plan, topology=session.topology):
            rows.append((USERID, rec.query, nodeid, parentid, plannode[:400], info[:400]))
    return make_relation("stl_explain", STL_EXPLAIN, rows, session.topology.n_slices)


def stl_query(session):
    rows = [
        (USERID, r.query, LABEL, r.query, PID, DATABASE, r.text[:MAX_QUERYTXT], r.start, r.end,
         int(r.aborted), 0, 0)
        for r in _finished(session)
    ]
    return make_relation("stl_query", STL_QUERY, rows, session.topology.n_slices)


def svl_query_report(session):
    rows = []
    for rec, steps in _steps(session):
        for st in steps:
            for sl in sorted(st.slices):
                n, nbytes = st.slices[sl]
                rows.append((USERID, rec.query, sl, st.segment, st.step, st.start, st.end, st.elapsed_us,
                             n, nbytes, st.label, "f", 0, _tf(st.is_rrscan), "f", st.rows_pre_filter.get(sl, 0)))
    return make_relation("svl_query_report", SVL_QUERY_REPORT, rows, session.topology.n_slices)


def svl_query_summary(session):
    rows = []
    for rec, steps in _steps(session):
        for st in steps:
            n = sum(r for r, _ in st.slices.values())
            nbytes = sum(b for _, b in st.slices.values())
            us = st.elapsed_us
            rate_row = n / (us / 1e6) if us else None
            rate_byte = nbytes / (us / 1e6) if us else None
            rows.append((USERID, rec.query, 0, st.segment, st.step, us, us, n, nbytes, rate_row, rate_byte,
                         st.label, "f", 0, _tf(st.is_rrscan), "f", sum(st.rows_pre_filter.values())))
    return make_relation("svl_query_summary", SVL_QUERY_SUMMARY, rows, session.topology.n_slices)


def _tf(flag: bool) -> str:
    return "t" if flag else "f"


def stl_scan(session):
    rows = []
    for rec, steps in _steps(session):
        for st in steps:
            if st.scan_type is None:
                continue
            for sl in sorted(st.slices):
                n, nbytes = st.slices[sl]
                pre = st.rows_pre_filter.get(sl, 0)
                pre_user = st.rows_pre_user_filter.get(sl, pre)
                rows.append((USERID, rec.query, sl, st.segment, st.step, st.start, st.end, 0, n, nbytes, 0,
                             st.scan_type, st.tbl, _tf(st.is_rrscan), "f", pre, pre_user, st.table_name, "f"))
    return make_relation("stl_scan", STL_SCAN, rows, session.topology.n_slices)


def _finished(session) -> list:
    return [r for r in session.querylog.records if r.end is not None]


def _steps(session):
    for rec in _finished(session):
        steps = query_steps(rec, session.topology)
        if steps:
            yield rec, steps
