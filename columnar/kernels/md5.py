"""MD5 of every string value, compiled: the kernel behind Redshift's MD5().

Role: :func:`md5_hex` hashes each value of a
:class:`~columnar.core.strings.StringArray` (its UTF-8 bytes) and returns the
32-character lower-case hexadecimal digests as a new StringArray, with no
Python object per row (:mod:`hashlib` would need one ``bytes`` per value).

The algorithm is RFC 1321: the message is padded with one ``0x80`` byte,
zeros, and its bit length as a little-endian uint64 to a multiple of 64
bytes; each 64-byte block runs 64 steps that mix four 32-bit words with the
sine-derived constants ``K`` and the rotations ``S``. 32-bit arithmetic is
done in uint64 and masked, so numba never wraps a signed integer.
"""

from __future__ import annotations

import math

import numpy as np

from columnar.core.strings import StringArray
from columnar.kernels._jit import njit

_S = np.array([7, 12, 17, 22] * 4 + [5, 9, 14, 20] * 4 + [4, 11, 16, 23] * 4 + [6, 10, 15, 21] * 4,
              dtype=np.uint64)
_K = np.array([int(abs(math.sin(i + 1)) * 2**32) & 0xFFFFFFFF for i in range(64)], dtype=np.uint64)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8).copy()


@njit
def _md5_kernel(offsets, data, S, K, hexdigits):
    n = len(offsets) - 1
    out = np.empty(n * 32, np.uint8)
    block = np.empty(64, np.uint8)
    M = np.empty(16, np.uint64)
    mask = np.uint64(0xFFFFFFFF)
    for i in range(n):
        s = offsets[i]
        length = offsets[i + 1] - s
        total = ((length + 8) // 64 + 1) * 64
        bits = np.uint64(length) * np.uint64(8)
        a0 = np.uint64(0x67452301)
        b0 = np.uint64(0xEFCDAB89)
        c0 = np.uint64(0x98BADCFE)
        d0 = np.uint64(0x10325476)
        for blk in range(total // 64):
            for j in range(64):
                p = blk * 64 + j
                if p < length:
                    block[j] = data[s + p]
                elif p == length:
                    block[j] = 0x80
                elif p >= total - 8:
                    block[j] = np.uint8((bits >> np.uint64(8 * (p - (total - 8)))) & np.uint64(0xFF))
                else:
                    block[j] = 0
            for w in range(16):
                M[w] = (np.uint64(block[4 * w]) | (np.uint64(block[4 * w + 1]) << np.uint64(8))
                        | (np.uint64(block[4 * w + 2]) << np.uint64(16)) | (np.uint64(block[4 * w + 3]) << np.uint64(24)))
            A, B, C, D = a0, b0, c0, d0
            for k in range(64):
                if k < 16:
                    F = (B & C) | ((~B & mask) & D)
                    g = k
                elif k < 32:
                    F = (D & B) | ((~D & mask) & C)
                    g = (5 * k + 1) % 16
                elif k < 48:
                    F = B ^ C ^ D
                    g = (3 * k + 5) % 16
                else:
                    F = C ^ (B | (~D & mask))
                    g = (7 * k) % 16
                F = (F + A + K[k] + M[g]) & mask
                A = D
                D = C
                C = B
                r = S[k]
                B = (B + (((F << r) | (F >> (np.uint64(32) - r))) & mask)) & mask
            a0 = (a0 + A) & mask
            b0 = (b0 + B) & mask
            c0 = (c0 + C) & mask
            d0 = (d0 + D) & mask
        q = i * 32
        for word in (a0, b0, c0, d0):
            for byte in range(4):
                v = (word >> np.uint64(8 * byte)) & np.uint64(0xFF)
                out[q] = hexdigits[v >> np.uint64(4)]
                out[q + 1] = hexdigits[v & np.uint64(0xF)]
                q += 2
    return out


def md5_hex(sa: StringArray) -> StringArray:
    """MD5 digests of the values, as 32 lower-case hex characters each.

    Example:
        >>> md5_hex(StringArray.from_pylist(["", "Amazon Redshift"])).to_pylist()[0]
        'd41d8cd98f00b204e9800998ecf8427e'
    """
    out = _md5_kernel(sa.offsets, sa.data, _S, _K, _HEX)
    offsets = np.arange(len(sa) + 1, dtype=np.int64) * 32
    return StringArray(offsets, out)


__all__ = ["md5_hex"]
