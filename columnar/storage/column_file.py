"""Part files: one load's rows of one slice, as an Arrow IPC file.

Role: the immutable data files of a database folder
(:mod:`columnar.storage.database`). Each file holds one
:class:`~columnar.storage.table.Part`: every column of the table for the rows
one statement added to one slice. Files are written once, fsynced, and never
changed; a newer state of the table is a new file named in a new manifest.

Format: an Arrow IPC *file* (the random-access format), uncompressed, so any
Arrow tool can open it (``pyarrow.ipc.open_file(path).read_all()``). The Arrow
types are chosen so that the engine's physical layout (:mod:`columnar.core.types`)
*is* the file's layout, and reading maps the buffers instead of converting:

=================  ==================================================
engine column      Arrow column (field metadata ``columnar_type``)
=================  ==================================================
int64 / DECIMAL    ``int64`` (a DECIMAL stays a scaled integer)
DATE               ``date32``; TIMESTAMP: ``timestamp[us]``
DOUBLE / REAL      ``float64``
BOOLEAN            ``uint8`` (0/1: byte-wide, like numpy's ``bool``)
StringArray        ``large_string`` (int64 offsets + bytes, as in memory)
DictArray          ``dictionary<int32, large_string>``
big DECIMAL        ``large_string`` of the integer's digits (rare: values
                   beyond int64 are Python ints in memory)
=================  ==================================================

Reading (:func:`read_part`) maps each buffer of the file with ``numpy.memmap``
in copy-on-write mode: nothing is read until a kernel touches it, and the
arrays are writable, as numba's compiled kernels expect (a read-only array is
a different numba type, hence another compilation). Validity bitmaps are
unpacked to bytes on read (a copy, only for columns with NULLs).

Simplified versus Redshift: Redshift stores each column in 1 MB blocks with
its own compression encoding; a part file stores whole columns, and blocks
exist only as zone maps (:mod:`columnar.storage.zonemap`).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pyarrow as pa

from columnar.core.chunk import Column
from columnar.core.errors import OperationalError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import TypeId
from columnar.storage.database import type_from_json, type_to_json


def _validity_buffer(col: Column):
    if col.validity is None:
        return None
    return pa.py_buffer(np.packbits(col.validity, bitorder="little"))


def _null_count(col: Column) -> int:
    return col.null_count


def _string_array(s: StringArray, validity, nulls: int) -> pa.Array:
    offsets = s.offsets
    if len(offsets) and offsets[0] != 0:
        offsets = offsets - offsets[0]
        data = s.data[s.offsets[0]: s.offsets[-1]]
    else:
        data = s.data[: offsets[-1]] if len(offsets) else s.data
    return pa.Array.from_buffers(pa.large_string(), len(offsets) - 1,
                                 [validity, pa.py_buffer(np.ascontiguousarray(offsets)),
                                  pa.py_buffer(np.ascontiguousarray(data))], null_count=nulls)


def _to_arrow(col: Column) -> tuple[pa.Array, str]:
    """The Arrow array holding ``col``'s physical values, and its storage kind."""
    validity, nulls, n = _validity_buffer(col), _null_count(col), len(col)
    data = col.data
    if isinstance(data, DictArray):
        dictionary = _string_array(data.dictionary, None, 0)
        indices = pa.Array.from_buffers(pa.int32(), n, [validity, pa.py_buffer(np.ascontiguousarray(data.codes))],
                                        null_count=nulls)
        return pa.DictionaryArray.from_arrays(indices, dictionary), "dict"
    if isinstance(data, StringArray):
        return _string_array(data, validity, nulls), "string"
    if data.dtype == object:  # DECIMAL values beyond int64: exact digits
        digits = StringArray.from_pylist([str(int(v)) if v is not None else "" for v in data.tolist()])
        return _string_array(digits, validity, nulls), "bigint"
    if data.dtype == np.bool_:
        arrow_type = pa.uint8()
        data = data.view(np.uint8)
    elif col.type.id is TypeId.DATE:
        arrow_type = pa.date32()
    elif col.type.id is TypeId.TIMESTAMP:
        arrow_type = pa.timestamp("us")
    else:
        arrow_type = pa.from_numpy_dtype(data.dtype)
    return pa.Array.from_buffers(arrow_type, n, [validity, pa.py_buffer(np.ascontiguousarray(data))],
                                 null_count=nulls), "plain"


def write_part(path: str, columns: list[Column]) -> int:
    """Write ``columns`` to a new Arrow IPC file at ``path`` and fsync it; returns its size."""
    arrays, fields = [], []
    for i, col in enumerate(columns):
        arr, kind = _to_arrow(col)
        meta = {"columnar_type": json.dumps(type_to_json(col.type)), "columnar_kind": kind,
                "columnar_dtype": "" if kind != "plain" else col.data.dtype.str}
        arrays.append(arr)
        fields.append(pa.field(f"c{i}", arr.type, metadata=meta))
    batch = pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))
    with open(path, "xb") as f:
        with pa.ipc.new_file(f, batch.schema) as writer:
            writer.write_batch(batch)
        f.flush()
        os.fsync(f.fileno())
        return f.tell()


class _Mapper:
    """Maps Arrow buffers of one IPC file to writable numpy arrays (copy-on-write)."""

    def __init__(self, path: str, whole: pa.Buffer):
        self.path, self.base = path, whole.address

    def array(self, buf: pa.Buffer, dtype, count: int, offset_items: int = 0) -> np.ndarray:
        dtype = np.dtype(dtype)
        if count == 0:
            return np.zeros(0, dtype)
        start = buf.address - self.base + offset_items * dtype.itemsize
        return np.memmap(self.path, dtype=dtype, mode="c", offset=start, shape=(count,)).view(np.ndarray)


def _validity(arr: pa.Array) -> np.ndarray | None:
    if arr.null_count == 0:
        return None
    bits = np.frombuffer(arr.buffers()[0], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little", count=arr.offset + len(arr))[arr.offset:].astype(np.bool_)


def _strings(m: _Mapper, arr: pa.Array) -> StringArray:
    n = len(arr)
    offsets = m.array(arr.buffers()[1], np.int64, n + 1, arr.offset)
    data = m.array(arr.buffers()[2], np.uint8, int(offsets[-1])) if n else np.zeros(0, np.uint8)
    if len(data) == 0:
        data = np.zeros(0, np.uint8)
    return StringArray(offsets, data)


def read_part(path: str) -> list[Column]:
    """The columns stored in the part file at ``path`` (buffers mapped, not read)."""
    try:
        mm = pa.memory_map(path, "r")
        whole = mm.read_buffer(mm.size())
        batch = pa.ipc.open_file(whole).get_batch(0)
    except (OSError, pa.ArrowInvalid) as e:
        raise OperationalError(f"cannot read data file {path}: {e}") from None
    m = _Mapper(path, whole)
    out = []
    for field, arr in zip(batch.schema, batch.columns):
        meta = {k.decode(): v.decode() for k, v in field.metadata.items()}
        t = type_from_json(json.loads(meta["columnar_type"]))
        kind, n = meta["columnar_kind"], len(arr)
        validity = _validity(arr)
        if kind == "dict":
            codes = m.array(arr.indices.buffers()[1], np.int32, n, arr.indices.offset)
            data = DictArray(codes, _strings(m, arr.dictionary))
        elif kind == "string":
            data = _strings(m, arr)
        elif kind == "bigint":
            text = _strings(m, arr).to_pylist() if n else []
            data = np.array([int(v) if v else 0 for v in text] if n else [], dtype=object)
        else:
            dtype = np.dtype(meta["columnar_dtype"])
            stored = np.uint8 if dtype == np.bool_ else dtype
            data = m.array(arr.buffers()[1], stored, n, arr.offset)
            if dtype == np.bool_:
                data = data.view(np.bool_)
        out.append(Column(t, data, validity))
    return out
