"""Benchmarks, run from the repository root; never part of ``make test``'s collection.

* ``python -m benchmarks``: the distribution benchmark suite (TPC-H and SSB under
  every layout and cluster shape; see ``benchmarks/README.md``), and
  ``python -m benchmarks.demo`` (``make demo``): its TPC-H SF0.1 run on a 2x2 cluster;
* ``python -m benchmarks.tpch``, ``benchmarks.cluster_overhead``,
  ``benchmarks.storage``: timings against DuckDB and of the simulation itself;
* ``benchmarks/micro``: pytest-benchmark micro-benchmarks of kernels and operators.
"""
