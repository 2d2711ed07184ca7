"""The single place numba is imported: ``njit`` with the project's defaults.

Every kernel is compiled with ``cache=True`` (compiled code is reused across
processes, so a fresh process pays ~5 ms per kernel instead of ~0.1-1 s) and
``nogil=True`` (slice fragments may run in threads). ``NUMBA_DISABLE_JIT=1``
turns every kernel back into plain Python, which the test suite uses to check
that the Python reading of a kernel is also right.
"""

from __future__ import annotations

import numba

njit = numba.njit(cache=True, nogil=True)  # decorator: @njit
njit_options = dict(cache=True, nogil=True)

__all__ = ["njit", "njit_options", "numba"]
