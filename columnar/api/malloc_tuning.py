"""Keep freed memory for reuse: glibc malloc settings for an analytic process.

Role: called once by the first :func:`columnar.connect`. A query allocates and
frees arrays of megabytes (a slice's join output, a gathered column); numba
kernels allocate theirs through ``malloc``. With glibc's defaults each large
block is a fresh ``mmap``, returned to the system when freed, so the next
query pays a page fault per 4 KB again. On this project's build machine (a
VM with nested paging) that was 20,000-40,000 faults per TPC-H SF1 query and
up to half its time: Q5 ran 85-130 ms depending on the faults, 57-64 ms
without them.

So the process keeps freed memory: ``M_MMAP_THRESHOLD`` (blocks this large and
above get their own mapping) is raised to 1 GiB and ``M_TRIM_THRESHOLD``
(free memory at the top of the heap before it is returned) to 1 GiB. The cost
is resident memory: after a big query the process stays near its peak, as
DuckDB's buffer pool or any database server does. Peak memory itself does not
change. Set ``COLUMNAR_MALLOC_TUNING=0`` before the first ``connect()`` to keep
glibc's defaults. Elsewhere than Linux with glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers
M_MMAP_THRESHOLD = -3
KEEP_BYTES = 1 << 30

_done = False


def tune_malloc() -> bool:
    """Apply the settings once per process; True when glibc accepted them."""
    global _done
    if _done:
        return False
    _done = True
    if not sys.platform.startswith("linux") or os.environ.get("COLUMNAR_MALLOC_TUNING", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another C library
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, KEEP_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_BYTES))
