"""Benchmarks (run as scripts or ``python -m benchmarks.tpch``); never part of the test suite."""
