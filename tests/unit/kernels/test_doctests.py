"""Run the doctests of every kernel module under its real module name.

(``pytest --doctest-modules`` would import ``columnar/kernels/*.py`` under a
rootdir-relative name while ``columnar`` has no ``__init__.py``, and numba's
on-disk cache records the module name it compiled under.)
"""

import doctest
import importlib

import pytest

# ``strings`` is a re-exporting facade; its doctests live in the string_* modules.
MODULES = [
    "hashing",
    "columns",
    "aggregate",
    "join",
    "string_match",
    "string_transform",
    "string_trim",
    "string_order",
    "arith",
    "hyperloglog",
    "string_agg",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"columnar.kernels.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
