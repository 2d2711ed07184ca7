"""XN Hash Intersect Distinct / XN SetOp Except: INTERSECT and EXCEPT [ALL], per slice.

Role: on each slice, compare the rows of the left input with the rows of the
right one. Both inputs' columns are concatenated and reduced to one group
code per distinct row (:func:`columnar.exec.keys.group_codes`: NULL equals
NULL, strings compare without trailing blanks), then each group is counted
on each side (``l`` rows on the left, ``r`` on the right):

=================  =============================================
INTERSECT          the group once if ``l > 0`` and ``r > 0``
INTERSECT ALL      ``min(l, r)`` of the group's left rows
EXCEPT             the group once if ``l > 0`` and ``r == 0``
EXCEPT ALL         ``max(l - r, 0)`` of the group's left rows
=================  =============================================

Rows come out in left-input order; what comes out is always left rows.

Correct per slice only when equal rows of both inputs meet on one slice: the
physical planner redistributes both inputs on the same columns with the same
hash (or only one input, when the other is already distributed on a column
of the set operation; or nothing, at the leader).

Simplified versus Redshift: Redshift has INTERSECT and EXCEPT (MINUS) without
ALL only; the ALL variants are the SQL standard's, kept for completeness.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Batch
from columnar.exec.keys import group_codes
from columnar.exec.operators.base import Dist, ExecContext, Partitioned, PhysicalOp
from columnar.exec.operators.unique import distinct_rows
from columnar.kernels.columns import concat_columns, take
from columnar.kernels.hashing import first_occurrence


class HashSetOp(PhysicalOp):
    def __init__(self, left: PhysicalOp, right: PhysicalOp, op: str, all_: bool, schema: list, dist: Dist):
        if op not in ("intersect", "except"):
            raise ValueError(f"HashSetOp does {op!r}: only intersect or except")
        self.children, self.op, self.all = [left, right], op, all_
        self.schema, self.dist = schema, dist

    def describe(self) -> str:
        if self.op == "intersect":
            return "XN Hash Intersect " + ("All" if self.all else "Distinct")
        return "XN SetOp Except" + (" All" if self.all else "")

    def run(self, ctx: ExecContext) -> Partitioned:
        left = ctx.run(self.children[0])
        right = ctx.run(self.children[1])
        if left.at_leader:
            return Partitioned([self.combine(left.batches[0], right.batches[0])], self.dist)
        return Partitioned(ctx.map_pairs(self.combine, left.batches, right.batches), self.dist)

    def combine(self, lb: Batch, rb: Batch) -> Batch:
        """The set operation on one slice's rows."""
        nl, nr = len(lb), len(rb)
        if nl == 0:
            return lb
        if nr == 0:
            if self.op == "intersect":
                return Batch([take(c, np.zeros(0, np.int64)) for c in lb.columns], 0)
            return lb if self.all else distinct_rows(lb)
        cols = [concat_columns([a, b]) for a, b in zip(lb.columns, rb.columns)]
        codes, k = group_codes(cols, nl + nr)
        left_codes = codes[:nl]
        on_left = np.bincount(left_codes, minlength=k)
        on_right = np.bincount(codes[nl:], minlength=k)
        if self.all:
            if self.op == "intersect":
                quota = np.minimum(on_left, on_right)
            else:
                quota = np.maximum(on_left - on_right, 0)
            rows = np.flatnonzero(rank_in_group(left_codes) < quota[left_codes])
        else:
            if self.op == "intersect":
                keep = (on_left > 0) & (on_right > 0)
            else:
                keep = (on_left > 0) & (on_right == 0)
            rows = np.sort(first_occurrence(left_codes, k)[keep])
        if len(rows) == nl:
            return lb
        return Batch([take(c, rows) for c in lb.columns], len(rows))


def rank_in_group(codes: np.ndarray) -> np.ndarray:
    """For each row, how many earlier rows carry the same code (0 for the first).

    Example:
        >>> rank_in_group(np.array([3, 1, 3, 3, 1])).tolist()
        [0, 0, 1, 2, 1]
    """
    n = len(codes)
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    positions = np.arange(n)
    starts = np.zeros(n, dtype=bool)
    if n:
        starts[0] = True
        starts[1:] = ordered[1:] != ordered[:-1]
    group_start = np.maximum.accumulate(np.where(starts, positions, 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = positions - group_start
    return rank
