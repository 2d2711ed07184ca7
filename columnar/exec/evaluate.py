"""The vectorised expression evaluator: bound expression + Batch → Column.

Role: every operator that computes something (Filter, Project, the hash
join's residual condition, aggregate arguments, ORDER BY keys) calls
:func:`evaluate` or :func:`evaluate_predicate` with a bound expression from
:mod:`columnar.sql.expr` and a :class:`~columnar.core.chunk.Batch`. One call
processes the whole batch with numpy and the compiled kernels; there is no
Python loop per row (the only loops are over expression nodes, CASE
branches, IN-list constants or the distinct values of a dictionary).

Pipeline position::

    binder → BoundExpr ─┐
                        ├─ evaluate(expr, batch) → Column (len(batch) rows)
    operator → Batch ───┘

How it works:

* Post-order dispatch on the node type. A :class:`~columnar.sql.expr.Const`
  becomes a lazily materialised
  :class:`~columnar.exec.const_column.ConstColumn`, so ``x > 5``, ``x * 2``,
  ``s LIKE 'a%'`` and ``x IN (1, 2)`` work against the Python scalar. A node
  whose inputs are all constants is computed on one row and stays a constant.
* Three-valued logic: a BOOLEAN column is read as two masks, *true* and
  *false*; NULL is neither. ``AND`` is true where both are true and false
  where either is false; ``OR`` dually; ``NOT`` swaps the masks.
* Laziness (the :mod:`columnar.sql.expr` contract): the right side of
  ``AND`` runs only on rows where the left is not FALSE, of ``OR`` where it
  is not TRUE; a CASE result runs only on the rows its condition selected;
  a COALESCE argument only on rows still NULL. The evaluator gathers those
  rows (``take``), evaluates the sub-expression on that smaller batch and
  scatters the pieces back. So ``CASE WHEN x <> 0 THEN 10 / x END`` never
  divides by zero.
* Operators are delegated: arithmetic to :mod:`columnar.exec.arith_eval`,
  comparisons to :mod:`columnar.exec.compare_eval`, CAST to
  :mod:`columnar.exec.cast`, functions to :mod:`columnar.exec.functions`.

Simplified versus Redshift: a non-constant LIKE pattern is matched once per
distinct pattern; IN with non-constant items is evaluated as an OR of
equalities (all items are evaluated, not lazily).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from columnar.core.chunk import Batch, Column
from columnar.core.errors import NotSupportedError
from columnar.core.strings import DictArray
from columnar.core.types import BOOLEAN, DataType, TypeId, physical_dtype
from columnar.exec.arith_eval import arithmetic, clean, negate
from columnar.exec.cast import cast_column
from columnar.exec.compare_eval import compare, strip_blanks
from columnar.exec.const_column import ConstColumn, and_validity, bool_column, null_column, scalar_of
from columnar.exec.functions import LAZY_FUNCTIONS, call_function, concat_strings
from columnar.exec.string_columns import plain, to_arrow
from columnar.kernels import columns as kcols
from columnar.kernels import strings as kstr
from columnar.sql.expr import (
    ARITHMETIC_OPS,
    COMPARISON_OPS,
    Binary,
    BoundExpr,
    Case,
    Cast,
    ColumnIndex,
    Const,
    Func,
    InList,
    IsNull,
    Like,
    Unary,
    columns_used,
)

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def evaluate(expr: BoundExpr, batch: Batch) -> Column:
    """Evaluate ``expr`` over every row of ``batch``.

    The result may be a column of the batch itself (for a bare column
    reference) or a :class:`ConstColumn`; treat it as read-only.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> b = Batch.of([Column(INTEGER, np.array([4, 0, 6]))])
        >>> x = ColumnIndex(0, INTEGER)
        >>> e = Case(((Binary("<>", x, Const(0, INTEGER), BOOLEAN),
        ...            Binary("/", Const(12, INTEGER), x, INTEGER)),), Const(None, INTEGER), INTEGER)
        >>> r = evaluate(e, b)
        >>> r.data.tolist(), r.validity.tolist()
        ([3, 0, 2], [True, False, True])
    """
    handler = _HANDLERS.get(type(expr))
    if handler is None:
        raise NotSupportedError(f"cannot evaluate {type(expr).__name__} expressions")
    return handler(expr, batch)


def evaluate_predicate(expr: BoundExpr, batch: Batch) -> np.ndarray:
    """A fresh bool mask, True only where ``expr`` is TRUE (NULL drops the row).

    ``AND`` chains narrow as they go: the right side is evaluated only on the
    rows the left side kept.

    Example:
        >>> from columnar.core.types import INTEGER
        >>> b = Batch.of([Column(INTEGER, np.array([1, 2, 3]), np.array([True, False, True]))])
        >>> evaluate_predicate(Binary(">", ColumnIndex(0, INTEGER), Const(1, INTEGER), BOOLEAN), b).tolist()
        [False, False, True]
    """
    n = len(batch)
    if isinstance(expr, Binary) and expr.op.lower() == "and":
        mask = evaluate_predicate(expr.left, batch)
        if not mask.any():
            return mask
        if mask.all():
            return evaluate_predicate(expr.right, batch)
        rows = np.flatnonzero(mask)
        mask[rows] = evaluate_predicate(expr.right, _sub_batch(expr.right, batch, rows))
        return mask
    col = evaluate(expr, batch)
    if isinstance(col, ConstColumn):
        return np.full(n, col.value is True, dtype=np.bool_)
    true, _ = _truth(col)
    return true


# ------------------------------------------------------------------ row subsets


def _take(col: Column, rows: np.ndarray) -> Column:
    if isinstance(col, ConstColumn):
        return col.resized(len(rows))
    return kcols.take(col, rows)


def _sub_batch(expr: BoundExpr, batch: Batch, rows: np.ndarray) -> Batch:
    """The rows ``rows`` of the columns ``expr`` reads (other slots stay None)."""
    cols: list = [None] * len(batch.columns)
    for i in columns_used(expr):
        cols[i] = _take(batch.columns[i], rows)
    return Batch(cols, len(rows))


def _eval_rows(expr: BoundExpr, batch: Batch, rows: np.ndarray | None) -> Column:
    """Evaluate ``expr`` on the given row positions only (None: all rows)."""
    if rows is None:
        return evaluate(expr, batch)
    if isinstance(expr, Const):
        return ConstColumn(expr.type, expr.value, len(rows))
    return evaluate(expr, _sub_batch(expr, batch, rows))


def _assemble(pieces: list, n: int, t: DataType) -> Column:
    """Scatter evaluated pieces back into one column of ``n`` rows.

    ``pieces`` holds ``(rows, col, local)``: row ``rows[i]`` of the result is
    row ``local[i]`` of ``col`` (``local`` None: row ``i``; ``rows`` None: all
    rows). Rows no piece covers are NULL.
    """
    if not pieces:
        return null_column(t, n)
    rows, col, local = pieces[0]
    if len(pieces) == 1 and rows is None and local is None:
        return col
    if t.is_string:
        return _assemble_strings(pieces, n, t)
    big = t.is_decimal and any(_needs_object(c) for _, c, _ in pieces)
    dtype = object if big else (np.dtype(object) if t.id is TypeId.INTERVAL else physical_dtype(t))
    out = np.zeros(n, dtype=dtype)
    valid = np.zeros(n, dtype=np.bool_)
    for rows, col, local in pieces:
        at = slice(None) if rows is None else rows
        if isinstance(col, ConstColumn):
            if not col.is_null:
                out[at] = col.value
                valid[at] = True
            continue
        data, v = clean(col.data, col.validity), col.validity
        out[at] = data if local is None else data[local]
        valid[at] = True if v is None else (v if local is None else v[local])
    return Column(t, out, None if valid.all() else valid)


def _needs_object(col: Column) -> bool:
    if isinstance(col, ConstColumn):
        return col.value is not None and not _INT64_MIN <= col.value <= _INT64_MAX
    return isinstance(col.data, np.ndarray) and col.data.dtype == object


def _assemble_strings(pieces: list, n: int, t: DataType) -> Column:
    """Strings: concatenate the pieces, then gather them into row order."""
    perm = np.full(n, -1, dtype=np.int64)
    parts, offset = [], 0
    for rows, col, local in pieces:
        count = n if rows is None else len(rows)
        at = slice(None) if rows is None else rows
        if isinstance(col, ConstColumn):
            if col.is_null:
                continue
            col, src = col.resized(1), np.zeros(count, dtype=np.int64)
        else:
            src = np.arange(count, dtype=np.int64) if local is None else local
        perm[at] = offset + src
        parts.append(Column(t, col.data, col.validity))
        offset += len(col)
    if not parts:
        return null_column(t, n)
    return kcols.take(kcols.concat_columns(parts), perm)


# ------------------------------------------------------------------ leaves


def _column_index(expr: ColumnIndex, batch: Batch) -> Column:
    return batch.columns[expr.index]


def _const(expr: Const, batch: Batch) -> Column:
    return ConstColumn(expr.type, expr.value, len(batch))


def _folded(fn, cols: list, n: int) -> Column:
    """``fn(cols)``; when every input is a constant, computed on one row and
    returned as a constant."""
    if cols and n != 1 and all(isinstance(c, ConstColumn) for c in cols):
        one = fn([c.resized(1) for c in cols])
        return ConstColumn(one.type, scalar_of(one), n)
    return fn(cols)


# ------------------------------------------------------------------ logic


def _truth(col: Column) -> tuple[np.ndarray, np.ndarray]:
    """(TRUE mask, FALSE mask) of a BOOLEAN column; NULL rows are in neither."""
    if isinstance(col, ConstColumn):
        n = len(col)
        return np.full(n, col.value is True), np.full(n, col.value is False)
    data = np.asarray(col.data, dtype=np.bool_)
    if col.validity is None:
        return data.copy(), ~data
    return data & col.validity, ~data & col.validity


def _from_truth(true: np.ndarray, false: np.ndarray) -> Column:
    valid = true | false
    return Column(BOOLEAN, true, None if valid.all() else valid)


def _logic(expr: Binary, batch: Batch) -> Column:
    is_and = expr.op.lower() == "and"
    n = len(batch)
    left = evaluate(expr.left, batch)
    lt, lf = _truth(left)
    decided = lf if is_and else lt  # FALSE decides an AND, TRUE an OR
    if decided.all():
        return ConstColumn(BOOLEAN, not is_and, n)
    rows = np.flatnonzero(~decided) if decided.any() else None
    rt, rf = _truth(_eval_rows(expr.right, batch, rows))
    if rows is not None:
        full_t, full_f = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
        full_t[rows], full_f[rows] = rt, rf
        rt, rf = full_t, full_f
    if is_and:
        return _from_truth(lt & rt, lf | rf)
    return _from_truth(lt | rt, lf & rf)


def _unary(expr: Unary, batch: Batch) -> Column:
    col = evaluate(expr.operand, batch)
    if expr.op.lower() == "not":
        if isinstance(col, ConstColumn):
            return ConstColumn(BOOLEAN, None if col.is_null else not col.value, len(col))
        t, f = _truth(col)
        return _from_truth(f, t)
    if expr.op.lower() == "neg":
        return _folded(lambda c: negate(c[0], expr.type), [col], len(batch))
    raise NotSupportedError(f"unary operator {expr.op} is not supported")


def _binary(expr: Binary, batch: Batch) -> Column:
    op = expr.op.lower()
    if op in ("and", "or"):
        return _logic(expr, batch)
    cols = [evaluate(expr.left, batch), evaluate(expr.right, batch)]
    n = len(batch)
    if op in COMPARISON_OPS:
        return compare(op, cols[0], cols[1])
    if op in ARITHMETIC_OPS:
        return _folded(lambda c: arithmetic(op, c[0], c[1], expr.type), cols, n)
    if op == "||":
        return concat_strings(cols[0], cols[1], expr.type)
    raise NotSupportedError(f"operator {expr.op} is not supported")


def _is_null(expr: IsNull, batch: Batch) -> Column:
    col = evaluate(expr.operand, batch)
    n = len(batch)
    if isinstance(col, ConstColumn):
        return ConstColumn(BOOLEAN, col.is_null != expr.negated, n)
    if col.validity is None:
        return ConstColumn(BOOLEAN, expr.negated, n)
    return Column(BOOLEAN, col.validity.copy() if expr.negated else ~col.validity)


# ------------------------------------------------------------------ CASE, COALESCE


def _case(expr: Case, batch: Batch) -> Column:
    n = len(batch)
    remaining = None  # positions not yet claimed by a branch (None: all rows)
    pieces = []
    for cond, result in expr.whens:
        count = n if remaining is None else len(remaining)
        if count == 0:
            break
        hit, _ = _truth(_eval_rows(cond, batch, remaining))
        if not hit.any():
            continue
        if hit.all():
            chosen, remaining = remaining, np.zeros(0, dtype=np.int64)
        else:
            local_hit, local_miss = np.flatnonzero(hit), np.flatnonzero(~hit)
            chosen = local_hit if remaining is None else remaining[local_hit]
            remaining = local_miss if remaining is None else remaining[local_miss]
        pieces.append((chosen, _eval_rows(result, batch, chosen), None))
    if remaining is None or len(remaining):
        pieces.append((remaining, _eval_rows(expr.else_, batch, remaining), None))
    return _assemble(pieces, n, expr.type)


def _coalesce(expr: Func, batch: Batch) -> Column:
    n = len(batch)
    remaining = None
    pieces = []
    for arg in expr.args:
        if remaining is not None and len(remaining) == 0:
            break
        col = _eval_rows(arg, batch, remaining)
        if isinstance(col, ConstColumn) and col.is_null:
            continue
        if col.validity is None:  # fills every remaining row
            pieces.append((remaining, col, None))
            break
        good, bad = np.flatnonzero(col.validity), np.flatnonzero(~col.validity)
        if len(good):
            pieces.append((good if remaining is None else remaining[good], col, good))
        remaining = bad if remaining is None else remaining[bad]
    return _assemble(pieces, n, expr.type)


def _func(expr: Func, batch: Batch) -> Column:
    name = expr.name.lower()
    if name in LAZY_FUNCTIONS:
        return _coalesce(expr, batch)
    n = len(batch)
    args = [evaluate(a, batch) for a in expr.args]
    return _folded(lambda cols: call_function(name, cols, expr.type, len(cols[0]) if cols else n), args, n)


def _cast(expr: Cast, batch: Batch) -> Column:
    return cast_column(evaluate(expr.operand, batch), expr.type)


# ------------------------------------------------------------------ IN, LIKE


def _in_list(expr: InList, batch: Batch) -> Column:
    n = len(batch)
    x = evaluate(expr.operand, batch)
    items = [evaluate(i, batch) for i in expr.items]
    if isinstance(x, ConstColumn):
        if x.is_null:
            return null_column(BOOLEAN, n)
        x = Column(x.type, x.data, None)
    if all(isinstance(c, ConstColumn) for c in items):
        values = [c.value for c in items if not c.is_null]
        maybe = len(values) < len(items)  # a NULL item: a miss is NULL, not FALSE
        match = _isin(x, values)
    else:
        match = np.zeros(n, dtype=np.bool_)
        maybe = np.zeros(n, dtype=np.bool_)
        for item in items:
            t, f = _truth(compare("=", x, item))
            match |= t
            maybe |= ~(t | f)
    xv = x.is_valid()
    valid = xv & (match | ~np.asarray(maybe))
    data = match if not expr.negated else ~match
    return bool_column(data, None if valid.all() else valid, BOOLEAN)


def _isin(x: Column, values: list) -> np.ndarray:
    n = len(x)
    if not values:
        return np.zeros(n, dtype=np.bool_)
    if x.type.is_string:
        # Trailing blanks are insignificant in string comparisons (= in IN too).
        values = [str(v).rstrip(" ") for v in values]
        data = strip_blanks(x.data)
        if isinstance(data, DictArray) and len(data.dictionary):
            return _isin_strings(data.dictionary, values)[data.codes]
        return _isin_strings(plain(data), values)
    data = clean(x.data, x.validity)
    if data.dtype == object or any(isinstance(v, int) and not _INT64_MIN <= v <= _INT64_MAX for v in values):
        match = np.zeros(n, dtype=np.bool_)
        for v in values:  # few constants, exact Python-int comparison
            match |= np.asarray(data == v, dtype=np.bool_)
        return match
    match = np.isin(data, np.array(values, dtype=data.dtype if data.dtype != np.int32 else np.int64))
    if data.dtype == np.float64 and any(v != v for v in values):  # NaN IN (NaN): true
        match |= np.isnan(data)
    return match


def _isin_strings(sa, values: list) -> np.ndarray:
    if len(values) <= 8:
        match = kstr.compare_scalar(sa, values[0], "=")
        for v in values[1:]:
            match |= kstr.compare_scalar(sa, v, "=")
        return match
    found = pc.is_in(to_arrow(sa), value_set=pa.array([str(v) for v in values], type=pa.large_string()))
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def _like(expr: Like, batch: Batch) -> Column:
    n = len(batch)
    x = evaluate(expr.operand, batch)
    pattern = evaluate(expr.pattern, batch)
    if any(isinstance(c, ConstColumn) and c.is_null for c in (x, pattern)):
        return null_column(BOOLEAN, n)
    if isinstance(x, ConstColumn) and isinstance(pattern, ConstColumn):
        one = _like_on(Column(x.type, x.resized(1).data), pattern, expr)
        return ConstColumn(BOOLEAN, bool(one[0]) != expr.negated, n)
    if isinstance(x, ConstColumn):
        x = Column(x.type, x.data, None)
    match = _like_on(x, pattern, expr)
    data = match if not expr.negated else ~match
    return bool_column(data, and_validity(x, pattern), BOOLEAN)


def _like_on(x: Column, pattern: Column, expr: Like) -> np.ndarray:
    if isinstance(pattern, ConstColumn):
        return kstr.like_match(x.data, str(pattern.value), expr.case_insensitive, expr.escape)
    # A per-row pattern: one vectorised match per *distinct* pattern.
    out = np.zeros(len(x), dtype=np.bool_)
    encoded = kcols.dictionary_encode(plain(pattern.data))
    for k, word in enumerate(encoded.dictionary.to_pylist()):  # distinct patterns, not rows
        rows = np.flatnonzero(encoded.codes == k)
        out[rows] = kstr.like_match(kcols.take(x, rows).data, word, expr.case_insensitive, expr.escape)
    return out


_HANDLERS = {
    ColumnIndex: _column_index,
    Const: _const,
    Binary: _binary,
    Unary: _unary,
    IsNull: _is_null,
    Case: _case,
    Cast: _cast,
    InList: _in_list,
    Like: _like,
    Func: _func,
}
