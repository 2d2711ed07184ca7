"""Compression encodings: which ENCODE a column may have, and what it would take on disk.

Role: CREATE TABLE checks each ``ENCODE`` against Redshift's table of
encodings and the data types they support (:func:`check_encoding`), and,
when any column names an encoding (so the table is no longer ``ENCODE
AUTO``), gives the others Redshift's defaults (:func:`assign_defaults`):
sort-key columns and BOOLEAN / REAL / DOUBLE PRECISION ``RAW``, integers,
DECIMAL, DATE and TIMESTAMP ``AZ64``, CHAR / VARCHAR ``LZO``
([DG:c_Compression_encodings]).

SVV_TABLE_INFO's ``size`` (:mod:`columnar.exec.system_views_storage`) counts
a column's blocks from :func:`encoded_bytes`: the bytes the column would take
under its encoding. Where the encoding's effect follows from its definition,
we compute it exactly from the data:

==============  ==============================================================
RAW             the values as the engine holds them (8 bytes per number, 4
                per date; a string's bytes and its 8-byte offset)
BYTEDICT        per 1 MB block a dictionary of at most 256 values and one byte
                per row: modelled per column chunk: 1 byte per row plus the
                distinct values, when there are at most 256; else RAW
DELTA/DELTA32K  1 byte (DELTA32K: 2 bytes) per row whose difference from the
                row before fits, the full value otherwise (numbers and dates)
MOSTLY8/16/32   1/2/4 bytes per value that fits, the full value otherwise
RUNLENGTH       one value and a 4-byte count per run of equal values
==============  ==============================================================

AZ64, LZO, ZSTD, TEXT255 and TEXT32K compress by algorithms whose ratio
depends on the bytes themselves; we do not model them (RAW size)
[ours]. The engine itself stores every column in its own layout whatever the
encoding (strings dictionary-encoded when they have few distinct values);
encodings only change the size Redshift would report.
"""

from __future__ import annotations

import numpy as np

from columnar.core.chunk import Column
from columnar.core.errors import BinderError
from columnar.core.strings import DictArray, StringArray
from columnar.core.types import TypeId

_INTS = {TypeId.SMALLINT, TypeId.INTEGER, TypeId.BIGINT}
_NUMBERS = _INTS | {TypeId.DECIMAL}
_TEMPORAL = {TypeId.DATE, TypeId.TIMESTAMP}
_TEXT = {TypeId.CHAR, TypeId.VARCHAR}
_FLOATS = {TypeId.REAL, TypeId.DOUBLE}
_ALL = _NUMBERS | _TEMPORAL | _TEXT | _FLOATS | {TypeId.BOOLEAN}

#: Encoding -> the types it supports (Redshift's "Compression encodings" table).
SUPPORTED = {
    "RAW": _ALL,
    "AZ64": _NUMBERS | _TEMPORAL,
    "BYTEDICT": _NUMBERS | _FLOATS | _TEXT | _TEMPORAL,
    "DELTA": _NUMBERS | _TEMPORAL,
    "DELTA32K": {TypeId.INTEGER, TypeId.BIGINT, TypeId.DECIMAL} | _TEMPORAL,
    "LZO": _NUMBERS | _TEXT | _TEMPORAL,
    "MOSTLY8": _NUMBERS,
    "MOSTLY16": {TypeId.INTEGER, TypeId.BIGINT, TypeId.DECIMAL},
    "MOSTLY32": {TypeId.BIGINT, TypeId.DECIMAL},
    "RUNLENGTH": _ALL,
    "TEXT255": {TypeId.VARCHAR},
    "TEXT32K": {TypeId.VARCHAR},
    "ZSTD": _ALL,
}


def check_encoding(column: str, t, encoding: str) -> str:
    """The encoding's canonical name, or a BinderError when it does not exist or
    does not support the column's type.

    Example:
        >>> from columnar.core.types import DATE
        >>> check_encoding("d", DATE, "delta32k")
        'DELTA32K'
        >>> check_encoding("d", DATE, "text255")
        Traceback (most recent call last):
        ...
        columnar.core.errors.BinderError: invalid encoding type "TEXT255" for column "d" of type date
    """
    name = encoding.upper()
    if name not in SUPPORTED:
        known = ", ".join(sorted(SUPPORTED))
        raise BinderError(f'invalid encoding type "{name}" for column "{column}" (encodings: {known})')
    if t.id not in SUPPORTED[name]:
        raise BinderError(f'invalid encoding type "{name}" for column "{column}" of type {t.sql().lower()}')
    return name


def assign_defaults(fields: list, sortkey: tuple, given: dict) -> dict:
    """Every column's encoding once some are given (Redshift's defaults for the rest);
    ``{}`` when none is given (the table stays ENCODE AUTO)."""
    if not given:
        return {}
    out = {}
    for f in fields:
        if f.name in given:
            out[f.name] = given[f.name]
        elif f.name in sortkey or f.type.id in _FLOATS or f.type.id is TypeId.BOOLEAN:
            out[f.name] = "RAW"
        elif f.type.id in _TEXT:
            out[f.name] = "LZO"
        else:
            out[f.name] = "AZ64"
    return out


def encoded_bytes(col: Column, encoding: str | None) -> int:
    """Bytes ``col`` would take under ``encoding`` (see the module docstring).

    Example:
        >>> from columnar.core.types import BIGINT
        >>> c = Column(BIGINT, np.repeat(np.arange(4), 250))  # 4 runs of 250
        >>> encoded_bytes(c, "RAW"), encoded_bytes(c, "RUNLENGTH"), encoded_bytes(c, "MOSTLY8")
        (8000, 48, 1000)
    """
    raw = col.nbytes
    n = len(col)
    if n == 0 or encoding in (None, "RAW", "AZ64", "LZO", "ZSTD", "TEXT255", "TEXT32K"):
        return raw
    data = col.data
    if encoding == "RUNLENGTH":
        runs = _runs(col)
        return int(runs * (raw / n + 4))
    if encoding == "BYTEDICT":
        keys = _keys(col)
        distinct = np.unique(keys)
        if len(distinct) > 256:
            return raw
        return n + int(len(distinct) * raw / n)
    if isinstance(data, (StringArray, DictArray)) or data.dtype == object:
        return raw
    width = data.dtype.itemsize
    if encoding in ("DELTA", "DELTA32K"):
        small = 1 if encoding == "DELTA" else 2
        diffs = np.diff(data.astype(np.int64))
        fits = np.abs(diffs) < (1 << (8 * small - 1))
        return int(width + np.count_nonzero(fits) * small + np.count_nonzero(~fits) * (width + 1))
    if encoding.startswith("MOSTLY"):
        small = {"MOSTLY8": 1, "MOSTLY16": 2, "MOSTLY32": 4}[encoding]
        fits = np.abs(data.astype(np.int64)) < (1 << (8 * small - 1))
        return int(np.count_nonzero(fits) * small + np.count_nonzero(~fits) * (width + 1))
    return raw


def _keys(col: Column) -> np.ndarray:
    """A number per row, equal exactly when the values are equal (strings by content)."""
    data = col.data
    if isinstance(data, (DictArray, StringArray)):
        from columnar.kernels.strings import string_ranks  # numba: only when sizes are computed

        return string_ranks(data)[0]
    if data.dtype == object:
        _, inverse = np.unique(data.astype(str), return_inverse=True)
        return inverse
    return data


def _runs(col: Column) -> int:
    keys = _keys(col)
    if col.validity is not None:
        keys = np.where(col.validity, keys, -1 if keys.dtype.kind in "iu" else np.nan)
    return 1 + int(np.count_nonzero(keys[1:] != keys[:-1]))
