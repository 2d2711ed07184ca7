"""Reading EXPLAIN text: the DS_* label of every join and what its inner input is.

Role: turns the plan a student reads (reference §2.3: ``XN <Operator>[
<DS_attr>]  (cost=...)`` lines, each level 6 columns deeper, a join's outer
child printed before its inner one) into data the suite records: the labels in
plan order, and for each join the tables under its inner (hashed) input. That
is what lets the report say *which* input a DS_BCAST_INNER broadcast: an ALL
dimension never is (its joins read DS_DIST_ALL_NONE), a KEY table or a
subquery's aggregate may be.

Only node lines are read (``XN ...`` at the start, or after ``->``); detail lines
(``Hash Cond:``, ``Filter:``, ``Send to leader``) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LABEL = re.compile(r"\bDS_[A-Z_]+\b")
_SCAN = re.compile(r"\bScan on (\w+)")


@dataclass
class Node:
    text: str
    children: list["Node"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Join:
    """One join of a plan: its DS_* label (``""`` if none), the tables its inner input
    reads, and whether that input is computed (an aggregate or a join) rather than a table."""

    label: str
    inner_tables: tuple[str, ...]
    inner_derived: bool

    def describe(self) -> str:
        """``DS_BCAST_INNER<-partsupp``; a computed input reads ``<-(aggregate of a,b)``."""
        tables = ",".join(self.inner_tables) or "values"
        return f"{self.label or 'join'}<-" + (f"(computed from {tables})" if self.inner_derived else tables)


def labels(explain: str) -> list[str]:
    """The DS_* labels of a plan, top to bottom.

    Example:
        >>> labels("XN Hash Join DS_DIST_NONE  (cost=0..1 rows=1 width=8)\\n  ->  XN Seq Scan on t")
        ['DS_DIST_NONE']
    """
    return _LABEL.findall(explain)


def parse(explain: str) -> Node | None:
    """The plan tree of an EXPLAIN text (None if it has no ``XN`` node)."""
    root, stack = None, []  # stack of (column, node)
    for line in explain.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("->"):
            stripped = stripped[2:].lstrip()
        elif root is not None:
            continue  # a detail line
        if not stripped.startswith("XN "):
            continue
        column = len(line) - len(stripped)
        node = Node(stripped.split("  (cost=")[0])
        while stack and stack[-1][0] >= column:
            stack.pop()
        if stack:
            stack[-1][1].children.append(node)
        elif root is None:
            root = node
        stack.append((column, node))
    return root


def joins(explain: str) -> list[Join]:
    """Every join of the plan, top to bottom, with its inner input described.

    Example:
        >>> plan = '''XN Hash Join DS_BCAST_INNER  (cost=1..2 rows=3 width=4)
        ...   Hash Cond: ("outer".a = "inner".a)
        ...   ->  XN Seq Scan on fact  (cost=0..1 rows=9 width=4)
        ...   ->  XN Hash  (cost=1..1 rows=3 width=4)
        ...         ->  XN Seq Scan on dim  (cost=0..1 rows=3 width=4)'''
        >>> [j.describe() for j in joins(plan)]
        ['DS_BCAST_INNER<-dim']
    """
    root = parse(explain)
    if root is None:
        return []
    out = []
    for node in root.walk():
        is_join = " Join" in node.text or "Nested Loop" in node.text or _LABEL.search(node.text)
        if not is_join or len(node.children) < 2:
            continue
        inner = node.children[1]
        if inner.text.startswith("XN Hash") and not inner.text.startswith("XN HashAggregate") and inner.children:
            inner = inner.children[0]
        texts = [n.text for n in inner.walk()]
        tables = tuple(dict.fromkeys(m.group(1) for t in texts for m in _SCAN.finditer(t)))
        derived = any(w in t for t in texts for w in ("Aggregate", " Join", "Nested Loop", "Window", "Unique"))
        label = _LABEL.search(node.text)
        out.append(Join(label.group(0) if label else "", tables, derived))
    return out
