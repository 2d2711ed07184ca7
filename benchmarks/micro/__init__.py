"""pytest-benchmark micro-benchmarks of the kernels and operators (never part of ``make test``).

    .venv/bin/python -m pytest benchmarks/micro --benchmark-only                       # run, grouped
    .venv/bin/python -m pytest benchmarks/micro --benchmark-only --benchmark-autosave  # run and save
    .venv/bin/python -m pytest benchmarks/micro --benchmark-only --benchmark-compare   # against the last save
    .venv/bin/python -m pytest benchmarks/micro --benchmark-only --benchmark-compare=0001 \\
        --benchmark-compare-fail=median:10%                                             # fail on a 10% regression

Every benchmark sets ``benchmark.group`` (``hash join kernel``, ``hash join
operator``, ``aggregate kernel``, ``aggregate operator``, ``zone map kernel``,
``scan with zone maps``, ``exchange kernel``, ``exchange operator``), so the
tables pytest-benchmark prints and compares are one per group. Saved runs go to
``.benchmarks/`` (git-ignored).

Kernel benchmarks call the engine's internal functions directly (numba kernels,
zone maps, the simulated network): they measure the code under one operator
and change when those signatures change. Operator benchmarks go through the
public API (SQL on a small cluster) with data shaped so that one operator
dominates, and check once, outside the timing, that the plan is the intended
one (the DS_* label, blocks skipped). ``make test`` runs ``pytest tests
columnar``, which never collects this folder.
"""
