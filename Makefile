# columnar: the two commands a newcomer runs.
#   make demo   set up .venv and run the main job (TPC-H on a simulated cluster)
#   make test   set up .venv and run the whole test suite

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test venv lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m benchmarks.demo

lint: $(STAMP)
	$(VENV)/bin/lint-imports

test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -p no:cacheprovider tests columnar --doctest-modules --ignore=columnar/kernels
	# the teaching notebooks, executed top to bottom (their assert cells check the counters they show)
	$(PY) -m pytest -q -p no:cacheprovider --nbmake notebooks
	# the kernels once more as plain Python: their non-compiled reading must be right too
	NUMBA_DISABLE_JIT=1 $(PY) -m pytest -q -p no:cacheprovider tests/unit/kernels

bench: $(STAMP)
	$(PY) -m benchmarks.tpch --scale 1

clean:
	rm -rf $(VENV) .data .pytest_cache
