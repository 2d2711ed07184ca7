"""Cluster topology: a leader, compute nodes, and the slices inside them.

Role: answers "how many slices, and which node owns slice *s*?" for placement
(:mod:`columnar.cluster.distribution`), the network model and the planner.

Slices are numbered contiguously per node: node *k* owns slices
``k*s .. k*s+s-1`` (the numbering AWS's DISTSTYLE ALL example shows: rows of an
ALL table sit on slices 0 and 2 of a 2-node x 2-slice cluster). Node types
carry their documented default slices per node (Management Guide,
"Clusters and nodes").

Simplified versus Redshift: the leader is not a separate machine; it is the
Python thread that gathers results. A single-node cluster is modelled the
same way (leader and compute share the node).
"""

from __future__ import annotations

from dataclasses import dataclass

from columnar.core.errors import ProgrammingError

# Default slices per node, per node type (AWS Management Guide).
NODE_TYPE_SLICES = {
    "dc2.large": 2,
    "dc2.8xlarge": 16,
    "ds2.xlarge": 2,
    "ds2.8xlarge": 16,
    "ra3.xlplus": 2,
    "ra3.4xlarge": 4,
    "ra3.16xlarge": 16,
    "dc1.8xlarge": 32,
}


@dataclass(frozen=True)
class Topology:
    """A cluster shape.

    Example:
        >>> t = Topology(nodes=2, slices_per_node=2)
        >>> t.n_slices, t.node_of(3), t.first_slices
        (4, 1, (0, 2))
        >>> Topology.for_node_type("ra3.4xlarge", nodes=2).n_slices
        8
    """

    nodes: int = 2
    slices_per_node: int = 2
    node_type: str | None = None

    def __post_init__(self):
        if not isinstance(self.nodes, int) or self.nodes < 1:
            raise ProgrammingError(f"nodes must be a positive integer, got {self.nodes!r}")
        if not isinstance(self.slices_per_node, int) or self.slices_per_node < 1:
            raise ProgrammingError(f"slices_per_node must be a positive integer, got {self.slices_per_node!r}")

    def shape(self) -> dict:
        """``nodes``, ``slices_per_node`` and ``node_type``: what a database folder records."""
        return {"nodes": self.nodes, "slices_per_node": self.slices_per_node, "node_type": self.node_type}

    @staticmethod
    def for_node_type(node_type: str, nodes: int = 2) -> "Topology":
        try:
            per_node = NODE_TYPE_SLICES[node_type.lower()]
        except KeyError:
            known = ", ".join(sorted(NODE_TYPE_SLICES))
            raise ProgrammingError(f"unknown node_type {node_type!r}; known types: {known}") from None
        return Topology(nodes, per_node, node_type.lower())

    @property
    def n_slices(self) -> int:
        return self.nodes * self.slices_per_node

    def node_of(self, slice_id: int) -> int:
        return slice_id // self.slices_per_node

    def slices_of(self, node: int) -> range:
        return range(node * self.slices_per_node, (node + 1) * self.slices_per_node)

    @property
    def first_slices(self) -> tuple:
        """The first slice of every node: where DISTSTYLE ALL copies live."""
        return tuple(n * self.slices_per_node for n in range(self.nodes))

    def __str__(self) -> str:
        kind = f" {self.node_type}" if self.node_type else ""
        return f"{self.nodes}x{self.slices_per_node}{kind}"
