"""EXPLAIN output as a tree, for the end-to-end tests of the SQL rewrite rules.

:func:`plan_tree` turns the lines of ``EXPLAIN <sql>`` into :class:`Node` objects,
one per ``XN ...`` line: a node's parent is the closest node line above it that is
less indented, and the other lines (``Hash Cond:``, ``Filter:``, ...) are the
details of the node above them. The ``is_*`` predicates classify a node's label.

Imported by the test modules next to it as ``from explain_tree import ...``
(``tests/unit/sql`` is not a package, so pytest puts it on ``sys.path``).
"""

from __future__ import annotations

import re

_SEQ_SCAN = re.compile(r"XN Seq Scan on (\w+)")


class Node:
    """One ``XN ...`` line of a plan: ``label`` (the line from ``XN`` on),
    ``depth`` (the column ``XN`` starts at), ``parent``, ``children`` and
    ``details`` (the stripped non-node lines below it). The root also has
    ``text``, the whole EXPLAIN output, for assertion messages."""

    def __init__(self, label: str, depth: int, parent: Node | None):
        self.label, self.depth, self.parent = label, depth, parent
        self.children: list[Node] = []
        self.details: list[str] = []

    def walk(self):
        """This node and every node below it, depth first."""
        yield self
        for c in self.children:
            yield from c.walk()

    def ancestors(self):
        """The parent, its parent, ... up to the root."""
        p = self.parent
        while p is not None:
            yield p
            p = p.parent

    def detail(self, key: str) -> str:
        """The text of the detail line ``key: ...`` ('' when there is none)."""
        for d in self.details:
            if d.startswith(key + ":"):
                return d
        return ""

    def scanned(self) -> list[tuple[str, str]]:
        """(table, Filter detail) of every Seq Scan in the subtree, in plan order."""
        out = []
        for n in self.walk():
            m = _SEQ_SCAN.match(n.label)
            if m:
                out.append((m.group(1), n.detail("Filter")))
        return out

    def scans(self) -> set[str]:
        """Tables scanned in this subtree."""
        return {table for table, _ in self.scanned()}


def plan_tree(db, sql: str) -> Node:
    """The EXPLAIN output of ``sql`` on ``db`` as a tree of ``XN ...`` nodes (the root)."""
    lines = [r[0] for r in db.sql("EXPLAIN " + sql).fetchall()]
    root, stack = None, []
    for line in lines:
        at = line.find("XN ")
        if at < 0 or line[:at].strip() not in ("", "->"):
            if stack:
                stack[-1].details.append(line.strip())
            continue
        while stack and stack[-1].depth >= at:
            stack.pop()
        node = Node(line[at:], at, stack[-1] if stack else None)
        if node.parent is None:
            assert root is None, "\n".join(lines)
            root = node
        else:
            node.parent.children.append(node)
        stack.append(node)
    assert root is not None, "\n".join(lines)
    root.text = "\n".join(lines)
    return root


def is_join(label: str) -> bool:
    return " Join" in label or "Nested Loop" in label


def is_semi(label: str) -> bool:
    """A semi join (an anti join is not one)."""
    return is_join(label) and " Semi" in label


def is_semi_or_anti(label: str) -> bool:
    return is_join(label) and (" Semi" in label or " Anti" in label)


def is_inner(label: str) -> bool:
    return is_join(label) and not any(w in label for w in (" Semi", " Anti", " Left", " Full", " Right"))


def is_left(label: str) -> bool:
    return is_join(label) and " Left" in label
