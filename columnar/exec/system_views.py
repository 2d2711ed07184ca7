"""System views: Redshift's STV/STL/SVV/SVL tables, queryable with SQL.

Role: :func:`register` (called by ``Session.__init__``) names every view in the
catalog with :meth:`~columnar.storage.catalog.Catalog.register_virtual`. When a
statement names a view, its factory computes the rows from the session's
state at that moment (catalog, topology, settings, query log) and returns a
fresh table the binder and planner scan like any other, so views can be
filtered, grouped and joined with each other::

    SELECT t."table", p.slice, p.rows
    FROM svv_table_info t JOIN stv_tbl_perm p ON p.id = t.table_id

==================  ==========================================  ==========================
view                one row per                                 module
==================  ==========================================  ==========================
stv_slices          slice (node -> slice map)                   ``system_views_storage``
stv_tbl_perm        user table x slice                          ``system_views_storage``
svv_table_info      non-empty user table                        ``system_views_storage``
pg_class_info       user table (releffectivediststyle codes)    ``system_views_storage``
stl_query           finished statement                          ``system_views_querylog``
svl_query_report    query x segment x step x slice              ``system_views_querylog``
svl_query_summary   query x segment x step                      ``system_views_querylog``
stl_scan            query x scan step x slice                   ``system_views_querylog``
stl_explain         query x plan node (Redshift EXPLAIN form)   ``system_views_querylog``
==================  ==========================================  ==========================

Column names and types follow the AWS Database Developer Guide pages
([DG:r_STV_SLICES], [DG:r_STV_TBL_PERM], [DG:r_SVV_TABLE_INFO], [DG:r_STL_QUERY],
[DG:r_SVL_QUERY_REPORT], [DG:r_SVL_QUERY_SUMMARY], [DG:r_STL_SCAN], [DG:r_STL_EXPLAIN]), keeping
the columns that mean something in the simulation; the modules say which and
how each value is modelled (reference ``redshift_spectrum_semantics.md`` §1
"Cluster model", §4 "System tables/views for teaching"). STL_EXPLAIN's node text comes from
``columnar.exec.explain.plan_nodes``.

Simplified versus Redshift: one database (``dev``), one schema (``public``),
one user (100); views show user tables only (no catalog or system tables) and
are visible to everyone (Redshift restricts several to superusers). The names
are reserved: CREATE TABLE / DROP TABLE of a view's name fails.
"""

from __future__ import annotations

from columnar.exec import system_views_querylog as querylog_views
from columnar.exec import system_views_load as load_views
from columnar.exec import system_views_interleaved as interleaved_views
from columnar.exec import system_views_spectrum as spectrum_views
from columnar.exec import system_views_storage as storage_views

VIEWS = {
    "stv_slices": storage_views.stv_slices,
    "stv_tbl_perm": storage_views.stv_tbl_perm,
    "svv_table_info": storage_views.svv_table_info,
    "svv_interleaved_columns": interleaved_views.svv_interleaved_columns,
    "pg_class_info": storage_views.pg_class_info,
    "stl_query": querylog_views.stl_query,
    "svl_query_report": querylog_views.svl_query_report,
    "svl_query_summary": querylog_views.svl_query_summary,
    "stl_scan": querylog_views.stl_scan,
    "stl_explain": querylog_views.stl_explain,
    "stl_load_errors": load_views.stl_load_errors,
    "svv_external_schemas": spectrum_views.svv_external_schemas,
    "svv_external_tables": spectrum_views.svv_external_tables,
    "svv_external_columns": spectrum_views.svv_external_columns,
    "svv_external_partitions": spectrum_views.svv_external_partitions,
    "svl_s3query_summary": spectrum_views.svl_s3query_summary,
    "svl_s3partition": spectrum_views.svl_s3partition,
}


def register(session) -> None:
    """Register every system view on ``session.catalog``."""
    for name, build in VIEWS.items():
        session.catalog.register_virtual(name, _factory(build, session))


def _factory(build, session):
    def factory():
        return build(session)

    return factory
