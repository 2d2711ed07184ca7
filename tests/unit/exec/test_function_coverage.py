"""Every function name the binder can emit has an implementation in the evaluator.

The binder (``columnar.sql``) sits below the executor and cannot import its
function table, so the two lists are checked against each other here.
"""

import pytest

from columnar.core.types import DATE, TIMESTAMP, DataType, Field
from columnar.exec.functions import FUNCTIONS
from columnar.sql.bind_functions import DATEPART_ALIASES, EXTRACT_FIELDS, INTERVAL_PARTS
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
    # conditional
    "GREATEST(1, 2, NULL)", "LEAST(s, 'a')", "NVL2(s, 1, 2)", "DECODE(s, 'a', 1, 2)",
    # dates and times
    "DATEADD(month, 1, d)", "DATEADD(h, 2, ts)", "DATEDIFF(week, d, ts)", "DATE_TRUNC('week', ts)",
    "ADD_MONTHS(d, 1)", "LAST_DAY(ts)", "MONTHS_BETWEEN(d, ts)", "TRUNC(ts)", "TO_CHAR(ts, 'YYYY-MM')",
    "TO_CHAR(1.5, '9.9')", "TO_DATE(s, 'YYYY-MM-DD')", "TO_DATE(s, 'YYYYMMDD', true)",
    "TO_TIMESTAMP(s, 'YYYY-MM-DD HH24:MI')", "DATE_PART('y', d)", "DATE_PART('mins', ts)",
    # strings
    "LEFT(s, 2)", "RIGHT(s, 2)", "REPLACE(s, 'a', 'b')", "CHARINDEX('a', s)", "SPLIT_PART(s, ',', 2)",
    "LPAD(s, 5)", "RPAD(s, 5, 'x')", "REVERSE(s)", "REPEAT(s, 2)", "INITCAP(s)", "ASCII(s)", "CHR(65)",
    "MD5(s)", "REGEXP_SUBSTR(s, 'a+')", "REGEXP_COUNT(s, 'a', 2)", "REGEXP_INSTR(s, 'a', 1, 1, 1)",
    "REGEXP_REPLACE(s, 'a', 'b')", "s SIMILAR TO 'a%'", "s NOT SIMILAR TO '(a|b)_'",
    # math
    "TRUNC(1.55, 1)", "TRUNC(2.5::float)", "SIGN(-2)", "POWER(2, 3)", "POW(2, 3)", "SQRT(4)", "CBRT(8)",
    "LN(2)", "LOG(100)", "EXP(1)", "DEGREES(1)", "RADIANS(1)", "SIN(1)", "COS(1)", "TAN(1)", "COT(1)",
    "ASIN(1)", "ACOS(1)", "ATAN(1)", "ATAN2(1, 2)", "DEXP(1)", "DLOG1(1)", "DLOG10(1)", "DPOW(1, 2)",
] + [f"EXTRACT({f} FROM ts)" for f in sorted(EXTRACT_FIELDS)] + [
    f"DATE_PART('{alias}', ts)" for alias in sorted(DATEPART_ALIASES) if DATEPART_ALIASES[alias] in EXTRACT_FIELDS
] + [f"DATEDIFF({part}, d, ts)" for part in sorted(INTERVAL_PARTS)]


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
