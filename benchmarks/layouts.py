"""The layout scenarios: which DISTSTYLE, DISTKEY and SORTKEY each table gets.

Role: the independent variable of the suite. A :class:`Layout` is a name, a
one-line description and, per table, the attributes appended to its ``CREATE
TABLE`` (``DISTSTYLE KEY DISTKEY (c) SORTKEY (d)``). Every workload has the same
five scenarios, the designs the Redshift documentation compares (reference
``redshift_spectrum_semantics.md`` §1.3 and §2.1):

=============  ==============================================================
``even``       every table EVEN: every join must redistribute or broadcast
               (DS_DIST_BOTH / DS_BCAST_INNER); nothing is skewed
``auto``       every table AUTO: small tables start as ALL and turn into
               AUTO(KEY(first primary-key column)) past ``auto_all_max_rows``
               (1,000 rows; ``columnar.exec.dml``)
``key_all``    facts KEY on their join key, collocated with the largest
               dimension (DS_DIST_NONE), the other dimensions ALL
               (DS_DIST_ALL_NONE: nothing broadcast)
``key_all_sort``  ``key_all`` plus a SORTKEY on the date columns, so that
               date-range predicates skip blocks (zone maps)
``key_poor``   ``key_all`` with the facts on a poor key: a skewed one (the
               line number: 7 values, the first 7 times as frequent as the
               last) or one no join uses (TPC-H ``orders`` on its date)
=============  ==============================================================

``key_all`` follows the Redshift guide: "Distribute the fact table and its
largest dimension table on their common columns" and give small dimensions
DISTSTYLE ALL ([DG:t_designating_distribution_styles],
[DG:c_best-practices-best-dist-key]). TPC-H's facts are ``lineitem`` and
``orders`` (both on the order key, ``orders`` being ``lineitem``'s largest
"dimension"; ``partsupp`` on the part key); SSB's is ``lineorder``, on
``lo_partkey`` with ``part`` on ``p_partkey``, as Amazon's SSB table-design
tutorial does. ``customer`` and ``part`` are ALL although they are not small:
the layout shows what ALL buys (no broadcast) and what it costs (a copy per
node: SVV_TABLE_INFO.size).

The first layout of a run is the baseline every other layout's answers are
checked against; ``even`` comes first because it is the plainest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from benchmarks.workloads import Workload

LAYOUT_NAMES = ("even", "auto", "key_all", "key_all_sort", "key_poor")


@dataclass(frozen=True)
class Layout:
    """One scenario: table attributes per table (tables not named get none, i.e. AUTO)."""

    name: str
    description: str
    attributes: Mapping[str, str] = field(default_factory=dict)

    def ddl(self, table: str) -> str:
        """The attributes of ``table``'s CREATE TABLE under this layout."""
        return self.attributes.get(table, "")


def _key(column: str) -> str:
    return f"DISTSTYLE KEY DISTKEY ({column})"


def _sorted(attributes: Mapping[str, str], date_columns: Mapping[str, str]) -> dict[str, str]:
    return {t: (a + f" SORTKEY ({date_columns[t]})" if t in date_columns else a) for t, a in attributes.items()}


def _tpch(workload: Workload) -> list[Layout]:
    dims_all = {t: "DISTSTYLE ALL" for t in ("region", "nation", "supplier", "customer", "part")}
    key_all = {**dims_all, "partsupp": _key("ps_partkey"), "orders": _key("o_orderkey"),
               "lineitem": _key("l_orderkey")}
    poor = {**key_all, "orders": _key("o_orderdate"), "lineitem": _key("l_linenumber")}
    return [
        Layout("even", "every table DISTSTYLE EVEN", {t: "DISTSTYLE EVEN" for t in workload.tables}),
        Layout("auto", "every table DISTSTYLE AUTO (primary keys declared)",
               {t: "DISTSTYLE AUTO" for t in workload.tables}),
        Layout("key_all", "lineitem, orders KEY(orderkey); partsupp KEY(ps_partkey); other tables ALL", key_all),
        Layout("key_all_sort", "key_all + SORTKEY lineitem(l_shipdate), orders(o_orderdate)",
               _sorted(key_all, workload.date_columns)),
        Layout("key_poor", "key_all but lineitem KEY(l_linenumber) (skewed), orders KEY(o_orderdate) (unjoined)",
               poor),
    ]


def _ssb(workload: Workload) -> list[Layout]:
    key_all = {"dwdate": "DISTSTYLE ALL", "customer": "DISTSTYLE ALL", "supplier": "DISTSTYLE ALL",
               "part": _key("p_partkey"), "lineorder": _key("lo_partkey")}
    return [
        Layout("even", "every table DISTSTYLE EVEN", {t: "DISTSTYLE EVEN" for t in workload.tables}),
        Layout("auto", "every table DISTSTYLE AUTO (primary keys declared)",
               {t: "DISTSTYLE AUTO" for t in workload.tables}),
        Layout("key_all", "lineorder KEY(lo_partkey), part KEY(p_partkey); dwdate, customer, supplier ALL",
               key_all),
        Layout("key_all_sort", "key_all + SORTKEY lineorder(lo_orderdate), dwdate(d_datekey)",
               _sorted(key_all, workload.date_columns)),
        Layout("key_poor", "key_all but lineorder KEY(lo_linenumber) (skewed, unjoined)",
               {**key_all, "lineorder": _key("lo_linenumber")}),
    ]


_BUILDERS = {"tpch": _tpch, "ssb": _ssb}


def layouts_for(workload: Workload, names: list[str] | tuple[str, ...] | None = None) -> list[Layout]:
    """The layouts of ``workload``: all of them in the standard order, or those in
    ``names`` in the order given (the first is the baseline of the answer check).

    Example:
        >>> from benchmarks.workloads import SSB
        >>> [l.name for l in layouts_for(SSB, ["key_poor", "even"])]
        ['key_poor', 'even']
        >>> layouts_for(SSB, ["key_all"])[0].ddl("dwdate")
        'DISTSTYLE ALL'
    """
    every = {layout.name: layout for layout in _BUILDERS[workload.name](workload)}
    if not names:
        return list(every.values())
    unknown = [n for n in names if n not in every]
    if unknown:
        raise ValueError(f"unknown layouts {unknown}; choose from {list(every)}")
    return [every[n] for n in names]
