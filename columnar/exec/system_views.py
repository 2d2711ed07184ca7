"""System views (SVV_TABLE_INFO, STV_TBL_PERM, STL_QUERY, ...): filled in by issue #3."""

from __future__ import annotations


def register(session) -> None:
    """Register every system view on ``session.catalog``."""
