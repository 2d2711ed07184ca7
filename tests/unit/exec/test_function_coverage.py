"""Every function name the binder can emit has an implementation in the evaluator.

The binder (``columnar.sql``) sits below the executor and cannot import its
function table, so the two lists are checked against each other here.
"""

import pytest

from columnar.core.types import DATE, TIMESTAMP, DataType, Field
from columnar.exec.functions import FUNCTIONS
from columnar.sql.bind_expr import EXTRACT_FIELDS
from columnar.sql.binder import Binder
from columnar.sql.expr import Func, walk
from columnar.sql.parser import parse_one
from columnar.storage.catalog import Catalog, TableDef

FIELDS = [Field("s", DataType.varchar(10)), Field("d", DATE), Field("ts", TIMESTAMP)]

EXPRESSIONS = [
    "COALESCE(1, 2)", "NVL(1, 2, 3)", "NULLIF(1, 2)", "ABS(-1)", "ROUND(1.5)", "ROUND(1.55, 1)",
    "FLOOR(1.5)", "CEIL(1.5)", "CEILING(1.5)", "UPPER(s)", "LOWER(s)", "LENGTH(s)", "LEN(s)",
    "CHAR_LENGTH(s)", "OCTET_LENGTH(s)", "SUBSTRING(s, 1, 2)", "SUBSTR(s, 2)", "TRIM(s)",
    "BTRIM(s)", "LTRIM(s)", "RTRIM(s)", "POSITION('a' IN s)", "STRPOS(s, 'a')",
    "d + INTERVAL '1 day'", "d + 1", "d - d",
] + [f"EXTRACT({f} FROM ts)" for f in sorted(EXTRACT_FIELDS)]


class _Table:
    name = "t"
    fields = FIELDS


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_bound_functions_exist_in_the_evaluator(text):
    catalog = Catalog()
    catalog.create(TableDef("t", FIELDS), storage=_Table())
    bound = Binder(catalog).bind_query(parse_one(f"SELECT {text} FROM t"))
    names = {e.name for e in walk(bound.plan.exprs[0]) if isinstance(e, Func)}
    assert names <= set(FUNCTIONS), names - set(FUNCTIONS)
