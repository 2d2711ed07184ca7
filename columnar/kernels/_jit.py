"""The single place numba is imported: ``njit`` with the project's defaults.

Every kernel is compiled with ``cache=True`` (compiled code is reused across
processes, so a fresh process pays ~5 ms per kernel instead of ~0.1-1 s) and
``nogil=True`` (slice fragments may run in threads). ``NUMBA_DISABLE_JIT=1``
turns every kernel back into plain Python, which the test suite uses to check
that the Python reading of a kernel is also right.

Cache caveat for kernel authors: numba invalidates a cached function only when
*its own* source file changes. A kernel that calls a compiled helper from
another module (``string_order`` calls ``string_match._cmp``; the string
kernels call ``hashing._bytes_equal``) keeps its cached code when only the
helper's file is edited: delete ``columnar/kernels/__pycache__/*.nb*`` after
changing a shared helper.
"""

from __future__ import annotations

import numba

njit = numba.njit(cache=True, nogil=True)  # decorator: @njit
njit_options = dict(cache=True, nogil=True)

__all__ = ["njit", "njit_options", "numba"]
