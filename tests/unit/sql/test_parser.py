"""Unit tests of the SQL parser (columnar.sql.parser): text → AST, positions, errors.

Trees are compared with constructed AST nodes; ``pos`` takes no part in equality, so the
position tests check it explicitly.
"""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.tpch import queries
from columnar.core.errors import ParserError
from columnar.core.types import _NAME_TO_ID
from columnar.sql import ast as A
from columnar.sql import parser as parser_module
from columnar.sql.parser import parse, parse_expression, parse_one

# --------------------------------------------------------------------------- helpers


def col(*parts):
    return A.ColumnRef(tuple(parts))


def lit(value):
    if value is None:
        return A.Literal(None, "null")
    if isinstance(value, bool):
        return A.Literal(value, "bool")
    if isinstance(value, int):
        return A.Literal(value, "int")
    if isinstance(value, float):
        return A.Literal(value, "float")
    return A.Literal(value, "string")


def dec(text):
    return A.Literal(text, "decimal")


def binop(op, left, right):
    return A.BinaryOp(op, left, right)


def call(name, *args, **kw):
    return A.FunctionCall(name, tuple(args), **kw)


def item(expr, alias=None):
    return A.SelectItem(expr, alias)


def select(*items, **kw):
    return A.Select(tuple(i if isinstance(i, A.SelectItem) else item(i) for i in items), **kw)


def table(name, alias=None):
    return A.TableName(name, alias)


def expr(sql):
    return parse_expression(sql)


def where(sql_condition):
    """The WHERE expression of SELECT * FROM t WHERE <condition>."""
    return parse_one(f"SELECT * FROM t WHERE {sql_condition}").where


def error(sql, func=parse) -> ParserError:
    with pytest.raises(ParserError) as info:
        func(sql)
    return info.value


# --------------------------------------------------------------------------- literals


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("42", lit(42)),
        ("0", lit(0)),
        ("1.5", dec("1.5")),
        (".5", dec(".5")),
        ("1.", dec("1.")),
        ("0.0001000000", dec("0.0001000000")),
        ("1e3", lit(1000.0)),
        ("1.5E-2", lit(0.015)),
        ("2e+2", lit(200.0)),
        ("'abc'", lit("abc")),
        ("'it''s'", lit("it's")),
        ("''", lit("")),
        ("'multi\nline'", lit("multi\nline")),
        ("TRUE", lit(True)),
        ("false", lit(False)),
        ("NULL", lit(None)),
        ("?", A.Parameter(0)),
    ],
)
def test_literals(sql, expected):
    assert expr(sql) == expected


def test_literal_kinds():
    assert expr("12").kind == "int" and isinstance(expr("12").value, int)
    assert expr("0.06").kind == "decimal" and expr("0.06").value == "0.06"
    assert expr("1e3").kind == "float" and isinstance(expr("1e3").value, float)


def test_big_integer_keeps_exact_value():
    assert expr("9223372036854775808") == lit(9223372036854775808)


def test_typed_literals():
    assert expr("DATE '1998-12-01'") == A.TypedLiteral(A.TypeName("DATE"), "1998-12-01")
    assert expr("timestamp '2020-01-01 10:00:00'") == A.TypedLiteral(
        A.TypeName("TIMESTAMP"), "2020-01-01 10:00:00"
    )


@pytest.mark.parametrize(
    "sql, value, unit",
    [
        ("INTERVAL '90 days'", "90 days", None),
        ("interval '90' day", "90", "DAY"),
        ("interval '90' day (3)", "90", "DAY"),
        ("interval '3' MONTH", "3", "MONTH"),
        ("interval '1' year", "1", "YEAR"),
        ("interval '2' years", "2", "YEAR"),
        ("interval '2' weeks", "2", "WEEK"),
        ("interval '5' hours", "5", "HOUR"),
        ("interval '5' mins", "5", "MINUTE"),
        ("interval '5' second", "5", "SECOND"),
        ("interval '5' secs", "5", "SECOND"),
        ("interval '1-2' year to month", "1-2", "YEAR TO MONTH"),
        ("interval '1 2:03' day to minute", "1 2:03", "DAY TO MINUTE"),
    ],
)
def test_interval_literals(sql, value, unit):
    assert expr(sql) == A.IntervalLiteral(value, unit)


def test_date_minus_interval():
    assert expr("date '1998-12-01' - interval '90' day (3)") == binop(
        "-", A.TypedLiteral(A.TypeName("DATE"), "1998-12-01"), A.IntervalLiteral("90", "DAY")
    )


# --------------------------------------------------------------------------- identifiers


def test_unquoted_identifiers_are_lower_cased():
    assert parse_one("SELECT MyCol FROM MyTable") == select(col("mycol"), from_=(table("mytable"),))


def test_quoted_identifiers_keep_case_and_escape_quotes():
    assert expr('"MyCol"') == col("MyCol")
    assert expr('"a""b"') == col('a"b')
    assert expr('"select"') == col("select")
    assert parse_one('SELECT "Weird Name" AS "Alias" FROM "Tbl"') == select(
        item(col("Weird Name"), "Alias"), from_=(table("Tbl"),)
    )


def test_qualified_column_references():
    assert expr("t.a") == col("t", "a")
    assert expr("s.t.a") == col("s", "t", "a")
    assert expr('T."A"') == col("t", "A")


def test_too_many_column_parts():
    e = error("SELECT a.b.c.d FROM t")
    assert "at most three parts" in e.message
    assert (e.line, e.column) == (1, 8)


def test_qualified_table_names():
    assert parse_one("SELECT * FROM public.lineitem l").from_ == (table("public.lineitem", "l"),)
    assert parse_one("SELECT * FROM db.public.lineitem").from_ == (table("db.public.lineitem"),)


@pytest.mark.parametrize(
    "name",
    ["date", "year", "month", "day", "value", "name", "comment", "key", "type", "position",
     "count", "first", "last", "rows", "range", "timestamp", "format", "region", "partition",
     "over", "within", "current", "row", "temp", "auto", "even", "backup", "encode", "quote",
     "recursive", "analyze", "verbose", "transaction", "work", "max", "time", "zone", "precision",
     "unknown", "escape", "begin", "values", "set", "copy"],
)
def test_unreserved_keywords_work_as_names(name):
    sql = f"SELECT {name}, t.{name}, max({name}) AS {name} FROM t WHERE {name} = 1 ORDER BY {name}"
    stmt = parse_one(sql)
    assert stmt.items == (
        item(col(name)), item(col("t", name)), item(call("max", col(name)), name)
    )
    assert stmt.where == binop("=", col(name), lit(1))
    assert stmt.order_by == (A.OrderItem(col(name)),)
    # as table, column definition and bare alias too
    assert parse_one(f"SELECT 1 FROM {name}").from_ == (table(name),)
    assert parse_one(f"CREATE TABLE t ({name} INT)").columns[0].name == name
    assert parse_one(f"SELECT a {name} FROM t").items == (item(col("a"), name),)
    assert parse_one(f"UPDATE t SET {name} = 1").assignments == ((name, lit(1)),)
    if name != "values":  # INSERT INTO t (values ...: VALUES may start a query there, the keyword wins
        assert parse_one(f"INSERT INTO t ({name}) VALUES (1)").columns == (name,)
    assert parse_one(f'INSERT INTO t ("{name}") VALUES (1)').columns == (name,)


def test_keyword_wins_where_both_readings_fit():
    # In `INTERVAL '1' day`, day is the unit, never an alias.
    assert parse_one("SELECT interval '1' day").items == (item(A.IntervalLiteral("1", "DAY")),)
    assert parse_one("SELECT interval '1' x").items == (item(A.IntervalLiteral("1"), "x"),)


def test_reserved_words_need_quotes():
    e = error("SELECT a FROM select")
    assert 'unexpected "SELECT"' in e.message
    assert "reserved word" in e.message
    assert parse_one('SELECT a FROM "select"').from_ == (table("select"),)


def test_keywords_are_case_insensitive():
    a = parse_one("SELECT DISTINCT a FROM t WHERE a IS NOT NULL ORDER BY a DESC LIMIT 1")
    b = parse_one("select distinct a from t where a is not null order by a desc limit 1")
    c = parse_one("SeLeCt DiStInCt A fRoM T wHeRe A iS nOt NuLl OrDeR bY a DeSc LiMiT 1")
    assert a == b == c


def test_identifier_with_dollar_and_digits():
    assert expr("col_1$x") == col("col_1$x")


# --------------------------------------------------------------------------- comments


def test_comments_are_ignored():
    sql = """
    -- a line comment
    SELECT a, /* inline */ b -- trailing
    /* a block
       over lines */
    FROM t
    """
    assert parse_one(sql) == select(col("a"), col("b"), from_=(table("t"),))


def test_comment_markers_inside_strings_are_text():
    assert expr("'-- not a comment /* nor this */'") == lit("-- not a comment /* nor this */")


def test_positions_after_comments():
    stmt = parse_one("/* one\ntwo */ SELECT\n  -- x\n  a FROM t")
    assert stmt.pos == (2, 8)
    assert stmt.items[0].expr.pos == (4, 3)


# --------------------------------------------------------------------------- parameters


def test_parameters_are_numbered_in_order():
    stmt = parse_one("SELECT ?, a + ? FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?")
    found = [stmt.items[0].expr, stmt.items[1].expr.right, stmt.where.left.right,
             *stmt.where.right.items, stmt.limit]
    assert found == [A.Parameter(i) for i in range(6)]


def test_parameters_across_subqueries_and_values():
    stmt = parse_one("INSERT INTO t VALUES (?, ?), (?, (SELECT ? + 1))")
    rows = stmt.source.rows
    assert rows[0] == (A.Parameter(0), A.Parameter(1))
    assert rows[1][0] == A.Parameter(2)
    assert rows[1][1].query.items[0].expr.left == A.Parameter(3)


def test_parameters_restart_for_each_statement():
    first, second = parse("SELECT ?, ?; SELECT ?")
    assert [i.expr for i in first.items] == [A.Parameter(0), A.Parameter(1)]
    assert second.items[0].expr == A.Parameter(0)


def test_parameter_in_expression():
    assert expr("? = ?") == binop("=", A.Parameter(0), A.Parameter(1))


# --------------------------------------------------------------------------- precedence


def test_multiplication_binds_tighter_than_addition():
    assert expr("1 + 2 * 3") == binop("+", lit(1), binop("*", lit(2), lit(3)))
    assert expr("(1 + 2) * 3") == binop("*", binop("+", lit(1), lit(2)), lit(3))


def test_left_associativity():
    assert expr("a - b - c") == binop("-", binop("-", col("a"), col("b")), col("c"))
    assert expr("a / b * c % d") == binop("%", binop("*", binop("/", col("a"), col("b")), col("c")), col("d"))


def test_and_binds_tighter_than_or():
    assert expr("a OR b AND c") == binop("OR", col("a"), binop("AND", col("b"), col("c")))
    assert expr("a AND b OR c") == binop("OR", binop("AND", col("a"), col("b")), col("c"))


def test_not_is_below_comparison():
    assert expr("NOT a = b") == A.UnaryOp("NOT", binop("=", col("a"), col("b")))
    assert expr("NOT a AND b") == binop("AND", A.UnaryOp("NOT", col("a")), col("b"))
    assert expr("NOT NOT a") == A.UnaryOp("NOT", A.UnaryOp("NOT", col("a")))


def test_cast_binds_tighter_than_unary_minus():
    assert expr("-x::int") == A.UnaryOp("-", A.Cast(col("x"), A.TypeName("INT")))
    assert expr("+1") == A.UnaryOp("+", lit(1))
    assert expr("- -1") == A.UnaryOp("-", A.UnaryOp("-", lit(1)))


def test_cast_chains():
    assert expr("a::int::varchar(10)") == A.Cast(
        A.Cast(col("a"), A.TypeName("INT")), A.TypeName("VARCHAR", (10,))
    )


def test_concat_between_additive_and_comparison():
    assert expr("a || b + c") == binop("||", col("a"), binop("+", col("b"), col("c")))
    assert expr("a || b = c") == binop("=", binop("||", col("a"), col("b")), col("c"))


def test_comparison_operators():
    for op in ["=", "<>", "<", "<=", ">", ">="]:
        assert expr(f"a {op} 1") == binop(op, col("a"), lit(1))
    assert expr("a != 1") == binop("<>", col("a"), lit(1))


def test_arithmetic_in_comparison():
    assert expr("a + 1 > b * 2") == binop(">", binop("+", col("a"), lit(1)), binop("*", col("b"), lit(2)))


def test_unary_minus_binds_tighter_than_multiplication():
    assert expr("-a * b") == binop("*", A.UnaryOp("-", col("a")), col("b"))


# --------------------------------------------------------------------------- predicates


def test_is_null():
    assert expr("a IS NULL") == A.IsNull(col("a"))
    assert expr("a IS NOT NULL") == A.IsNull(col("a"), negated=True)
    assert expr("a IS UNKNOWN") == A.IsNull(col("a"))


def test_is_true_false():
    assert expr("a IS TRUE") == A.IsBool(col("a"), True)
    assert expr("a IS NOT FALSE") == A.IsBool(col("a"), False, negated=True)


def test_between():
    assert expr("a BETWEEN 1 AND 2") == A.Between(col("a"), lit(1), lit(2))
    assert expr("a NOT BETWEEN 1 AND 2 AND b") == binop(
        "AND", A.Between(col("a"), lit(1), lit(2), negated=True), col("b")
    )
    assert expr("l_discount between .06 - 0.01 and .06 + 0.01") == A.Between(
        col("l_discount"), binop("-", dec(".06"), dec("0.01")), binop("+", dec(".06"), dec("0.01"))
    )


def test_in_list_and_subquery():
    assert expr("a IN (1, 2, 3)") == A.InList(col("a"), (lit(1), lit(2), lit(3)))
    assert expr("a NOT IN ('x')") == A.InList(col("a"), (lit("x"),), negated=True)
    sub = select(col("b"), from_=(table("u"),))
    assert expr("a IN (SELECT b FROM u)") == A.InSubquery(col("a"), sub)
    assert expr("a NOT IN (SELECT b FROM u)") == A.InSubquery(col("a"), sub, negated=True)


def test_in_list_holding_a_scalar_subquery():
    assert expr("a IN ((SELECT 1), 2)") == A.InList(
        col("a"), (A.ScalarSubquery(select(lit(1))), lit(2))
    )


def test_like_family():
    assert expr("a LIKE '%x%'") == A.Like(col("a"), lit("%x%"))
    assert expr("a NOT LIKE 'x'") == A.Like(col("a"), lit("x"), negated=True)
    assert expr("a ILIKE 'x'") == A.Like(col("a"), lit("x"), case_insensitive=True)
    assert expr("a NOT ILIKE 'x'") == A.Like(col("a"), lit("x"), True, True)
    assert expr("a LIKE 'x!%' ESCAPE '!'") == A.Like(col("a"), lit("x!%"), escape=lit("!"))
    assert expr("a SIMILAR TO '(a|b)%'") == A.SimilarTo(col("a"), lit("(a|b)%"))
    assert expr("a NOT SIMILAR TO 'b'") == A.SimilarTo(col("a"), lit("b"), negated=True)


def test_exists():
    sub = select(A.Star(), from_=(table("u"),))
    assert expr("EXISTS (SELECT * FROM u)") == A.Exists(sub)
    assert expr("NOT EXISTS (SELECT * FROM u)") == A.Exists(sub, negated=True)
    assert expr("NOT EXISTS (SELECT * FROM u) AND a") == binop("AND", A.Exists(sub, negated=True), col("a"))


def test_scalar_subqueries():
    assert expr("(SELECT 1)") == A.ScalarSubquery(select(lit(1)))
    assert expr("((SELECT 1))") == A.ScalarSubquery(select(lit(1)))
    assert expr("(SELECT 1) + 1") == binop("+", A.ScalarSubquery(select(lit(1))), lit(1))
    assert expr("(SELECT 1 UNION SELECT 2)") == A.ScalarSubquery(
        A.SetOperation("UNION", select(lit(1)), select(lit(2)))
    )
    assert expr("(WITH c AS (SELECT 1) SELECT * FROM c)").query.ctes[0].name == "c"


# --------------------------------------------------------------------------- functions


def test_function_calls():
    assert expr("f()") == call("f")
    assert expr("COALESCE(a, b, 0)") == call("coalesce", col("a"), col("b"), lit(0))
    assert expr("NVL(a, 0)") == call("nvl", col("a"), lit(0))
    assert expr("nullif(a, b)") == call("nullif", col("a"), col("b"))
    assert expr("DECODE(a, 1, 'one', 'other')") == call("decode", col("a"), lit(1), lit("one"), lit("other"))
    assert expr("left(s, 2) || right(s, 1)") == binop(
        "||", call("left", col("s"), lit(2)), call("right", col("s"), lit(1))
    )


def test_aggregates():
    assert expr("count(*)") == call("count", star=True)
    assert expr("COUNT(DISTINCT ps_suppkey)") == call("count", col("ps_suppkey"), distinct=True)
    assert expr("sum(ALL x)") == call("sum", col("x"))
    assert expr("APPROXIMATE COUNT(DISTINCT x)") == call("count", col("x"), distinct=True, approximate=True)


def test_listagg_within_group():
    assert expr("LISTAGG(name, ', ') WITHIN GROUP (ORDER BY name DESC)") == call(
        "listagg", col("name"), lit(", "), within_group=(A.OrderItem(col("name"), desc=True),)
    )


def test_window_functions():
    assert expr("row_number() OVER ()") == call("row_number", over=A.WindowSpec())
    assert expr("sum(x) OVER (PARTITION BY a, b ORDER BY c DESC)") == call(
        "sum", col("x"),
        over=A.WindowSpec((col("a"), col("b")), (A.OrderItem(col("c"), desc=True),)),
    )


@pytest.mark.parametrize(
    "frame, text",
    [
        ("ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"),
        ("rows between 2 preceding and 2 following", "ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING"),
        ("rows unbounded preceding", "ROWS UNBOUNDED PRECEDING"),
        ("range between current row and unbounded following", "RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING"),
    ],
)
def test_window_frames_keep_normalised_text(frame, text):
    call_ = expr(f"sum(x) OVER (ORDER BY y {frame})")
    assert call_.over.frame == text


def test_cast_forms():
    t = A.TypeName("DECIMAL", (10, 2))
    assert expr("CAST(a AS DECIMAL(10,2))") == A.Cast(col("a"), t)
    assert expr("a::decimal(10, 2)") == A.Cast(col("a"), t)
    assert expr("CONVERT(decimal(10,2), a)") == A.Cast(col("a"), t)


def test_extract_and_date_part():
    assert expr("extract(year from o_orderdate)") == A.Extract("year", col("o_orderdate"))
    assert expr("EXTRACT(YEAR FROM d)") == A.Extract("year", col("d"))
    assert expr("extract('Month' from d)") == A.Extract("month", col("d"))
    assert expr('extract("dow" from d)') == A.Extract("dow", col("d"))
    assert expr("DATE_PART('dow', d)") == A.Extract("dow", col("d"))
    assert expr("date_part(Year, d)") == A.Extract("year", col("d"))
    assert expr("DATEPART(month, d)") == A.Extract("month", col("d"))


def test_datepart_first_argument_becomes_a_string():
    assert expr("DATEADD(day, 1, d)") == call("dateadd", lit("day"), lit(1), col("d"))
    assert expr("dateadd('Month', -1, d)") == call("dateadd", lit("month"), A.UnaryOp("-", lit(1)), col("d"))
    assert expr("DATEDIFF(month, a, b)") == call("datediff", lit("month"), col("a"), col("b"))
    assert expr("DATE_TRUNC('week', d)") == call("date_trunc", lit("week"), col("d"))


def test_substring_forms():
    expected = call("substring", col("c_phone"), lit(1), lit(2))
    assert expr("substring(c_phone from 1 for 2)") == expected
    assert expr("SUBSTRING(c_phone, 1, 2)") == expected
    assert expr("substring(s from 3)") == call("substring", col("s"), lit(3))
    assert expr("substring(s, 3)") == call("substring", col("s"), lit(3))


def test_position():
    assert expr("POSITION('a' IN s)") == call("position", lit("a"), col("s"))
    assert expr("position(a || b in c) > 0") == binop(
        ">", call("position", binop("||", col("a"), col("b")), col("c")), lit(0)
    )


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("TRIM(s)", call("btrim", col("s"))),
        ("trim(both from s)", call("btrim", col("s"))),
        ("trim('x' from s)", call("btrim", col("s"), lit("x"))),
        ("trim(both 'x' from s)", call("btrim", col("s"), lit("x"))),
        ("trim(leading 'x' from s)", call("ltrim", col("s"), lit("x"))),
        ("trim(trailing from s)", call("rtrim", col("s"))),
    ],
)
def test_trim(sql, expected):
    assert expr(sql) == expected


def test_niladic_date_functions():
    assert expr("date(ts)") == call("date", col("ts"))
    assert expr("CURRENT_DATE") == call("current_date")
    assert expr("sysdate") == call("sysdate")
    assert expr("CURRENT_TIMESTAMP") == call("current_timestamp")
    assert expr("GETDATE()") == call("getdate")


def test_case_expressions():
    assert expr("CASE WHEN a = 1 THEN 'one' WHEN a = 2 THEN 'two' ELSE 'many' END") == A.Case(
        None,
        ((binop("=", col("a"), lit(1)), lit("one")), (binop("=", col("a"), lit(2)), lit("two"))),
        lit("many"),
    )
    assert expr("case a when 1 then 'one' end") == A.Case(col("a"), ((lit(1), lit("one")),))


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize("name", sorted(_NAME_TO_ID))
def test_every_supported_type_name_parses(name):
    cast = expr(f"CAST(a AS {name.lower()})")
    assert cast.type == A.TypeName(name)
    assert expr(f"a::{name}").type == A.TypeName(name)
    assert parse_one(f"CREATE TABLE t (c {name})").columns[0].type == A.TypeName(name)


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("DECIMAL(10,2)", A.TypeName("DECIMAL", (10, 2))),
        ("numeric(38)", A.TypeName("NUMERIC", (38,))),
        ("VARCHAR(20)", A.TypeName("VARCHAR", (20,))),
        ("varchar(max)", A.TypeName("VARCHAR", ("MAX",))),
        ("CHAR(1)", A.TypeName("CHAR", (1,))),
        ("character varying(30)", A.TypeName("CHARACTER VARYING", (30,))),
        ("character(2)", A.TypeName("CHARACTER", (2,))),
        ("double   precision", A.TypeName("DOUBLE PRECISION")),
        ("timestamp with time zone", A.TypeName("TIMESTAMP WITH TIME ZONE")),
        ("timestamp(6)", A.TypeName("TIMESTAMP", (6,))),
        ("date", A.TypeName("DATE")),
        ("int4", A.TypeName("INT4")),
    ],
)
def test_type_parameters(sql, expected):
    assert expr(f"CAST(x AS {sql})").type == expected


# --------------------------------------------------------------------------- SELECT


def test_select_without_from():
    assert parse_one("SELECT 1, 'a' AS b") == select(lit(1), item(lit("a"), "b"))


def test_select_star_and_qualified_star():
    assert parse_one("SELECT * FROM t") == select(A.Star(), from_=(table("t"),))
    assert parse_one("SELECT t.*, u.a FROM t, u").items == (item(A.Star("t")), item(col("u", "a")))
    assert parse_one("SELECT s.t.* FROM s.t").items == (item(A.Star("s.t")),)


def test_aliases_with_and_without_as():
    assert parse_one("SELECT a AS x, b y, c + 1 z FROM t AS u").items == (
        item(col("a"), "x"), item(col("b"), "y"), item(binop("+", col("c"), lit(1)), "z"),
    )
    assert parse_one("SELECT a FROM t u").from_ == (table("t", "u"),)
    assert parse_one("SELECT a FROM t AS u").from_ == (table("t", "u"),)


def test_distinct_and_top():
    assert parse_one("SELECT DISTINCT a FROM t").distinct
    assert not parse_one("SELECT ALL a FROM t").distinct
    stmt = parse_one("SELECT TOP 10 a FROM t")
    assert stmt.top == lit(10) and stmt.limit is None
    stmt = parse_one("SELECT TOP 5 DISTINCT a FROM t")
    assert stmt.top == lit(5) and stmt.distinct
    stmt = parse_one("SELECT DISTINCT TOP 5 a FROM t")
    assert stmt.top == lit(5) and stmt.distinct


def test_top_with_limit_is_an_error():
    e = error("SELECT TOP 5 a FROM t LIMIT 3")
    assert e.message == "TOP and LIMIT cannot be used together"
    assert (e.line, e.column) == (1, 23)


def test_full_select():
    stmt = parse_one(
        "SELECT a, sum(b) FROM t WHERE c > 0 GROUP BY a, 2 HAVING sum(b) > 1 "
        "QUALIFY row_number() OVER (ORDER BY a) = 1 ORDER BY 2 DESC, a LIMIT 10 OFFSET 5"
    )
    assert stmt == A.Select(
        items=(item(col("a")), item(call("sum", col("b")))),
        from_=(table("t"),),
        where=binop(">", col("c"), lit(0)),
        group_by=(col("a"), lit(2)),
        having=binop(">", call("sum", col("b")), lit(1)),
        qualify=binop("=", call("row_number", over=A.WindowSpec(order_by=(A.OrderItem(col("a")),))), lit(1)),
        order_by=(A.OrderItem(lit(2), desc=True), A.OrderItem(col("a"))),
        limit=lit(10),
        offset=lit(5),
    )


def test_order_by_directions_and_nulls():
    stmt = parse_one("SELECT a FROM t ORDER BY a ASC, b DESC, c NULLS FIRST, d DESC NULLS LAST")
    assert stmt.order_by == (
        A.OrderItem(col("a")),
        A.OrderItem(col("b"), desc=True),
        A.OrderItem(col("c"), nulls_first=True),
        A.OrderItem(col("d"), desc=True, nulls_first=False),
    )


@pytest.mark.parametrize(
    "tail, limit, offset",
    [
        ("LIMIT 10", lit(10), None),
        ("LIMIT 10 OFFSET 5", lit(10), lit(5)),
        ("OFFSET 5 LIMIT 10", lit(10), lit(5)),
        ("OFFSET 5", None, lit(5)),
        ("LIMIT ALL", None, None),
        ("LIMIT ALL OFFSET 2", None, lit(2)),
    ],
)
def test_limit_and_offset(tail, limit, offset):
    stmt = parse_one(f"SELECT a FROM t {tail}")
    assert (stmt.limit, stmt.offset) == (limit, offset)


# --------------------------------------------------------------------------- FROM and joins


def test_comma_joins():
    assert parse_one("SELECT * FROM a, b x, c").from_ == (table("a"), table("b", "x"), table("c"))


@pytest.mark.parametrize(
    "sql_kind, kind",
    [("JOIN", "inner"), ("INNER JOIN", "inner"), ("LEFT JOIN", "left"), ("LEFT OUTER JOIN", "left"),
     ("RIGHT JOIN", "right"), ("RIGHT OUTER JOIN", "right"), ("FULL JOIN", "full"),
     ("FULL OUTER JOIN", "full")],
)
def test_join_kinds(sql_kind, kind):
    stmt = parse_one(f"SELECT * FROM a {sql_kind} b ON a.x = b.x")
    assert stmt.from_ == (A.Join(table("a"), table("b"), kind, binop("=", col("a", "x"), col("b", "x"))),)


def test_cross_natural_and_using_joins():
    assert parse_one("SELECT * FROM a CROSS JOIN b").from_ == (A.Join(table("a"), table("b"), "cross"),)
    assert parse_one("SELECT * FROM a NATURAL JOIN b").from_ == (
        A.Join(table("a"), table("b"), "inner", natural=True),
    )
    assert parse_one("SELECT * FROM a NATURAL LEFT JOIN b").from_ == (
        A.Join(table("a"), table("b"), "left", natural=True),
    )
    assert parse_one("SELECT * FROM a JOIN b USING (x, y)").from_ == (
        A.Join(table("a"), table("b"), "inner", using=("x", "y")),
    )


def test_joins_are_left_deep():
    stmt = parse_one("SELECT * FROM a JOIN b ON p LEFT JOIN c ON q")
    assert stmt.from_ == (
        A.Join(A.Join(table("a"), table("b"), "inner", col("p")), table("c"), "left", col("q")),
    )


def test_parenthesised_joins():
    stmt = parse_one("SELECT * FROM a JOIN (b JOIN c ON q) ON p")
    assert stmt.from_ == (
        A.Join(table("a"), A.Join(table("b"), table("c"), "inner", col("q")), "inner", col("p")),
    )
    assert parse_one("SELECT * FROM (a)").from_ == (table("a"),)


def test_join_with_comma_list():
    stmt = parse_one("SELECT * FROM a LEFT JOIN b ON p, c")
    assert stmt.from_ == (A.Join(table("a"), table("b"), "left", col("p")), table("c"))


def test_subqueries_in_from():
    sub = select(col("a"), from_=(table("t"),))
    assert parse_one("SELECT * FROM (SELECT a FROM t) AS s").from_ == (A.SubqueryRef(sub, "s"),)
    assert parse_one("SELECT * FROM (SELECT a FROM t) s (x)").from_ == (A.SubqueryRef(sub, "s", ("x",)),)
    assert parse_one("SELECT * FROM ((SELECT a FROM t)) s").from_ == (A.SubqueryRef(sub, "s"),)
    assert parse_one("SELECT * FROM ((SELECT a FROM t) s JOIN u ON p)").from_ == (
        A.Join(A.SubqueryRef(sub, "s"), table("u"), "inner", col("p")),
    )


def test_subquery_in_from_needs_an_alias():
    e = error("SELECT * FROM (SELECT 1)")
    assert "unexpected end of input" in e.message and "AS" in e.message


def test_values_in_from():
    stmt = parse_one("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v (n, s)")
    assert stmt.from_ == (
        A.SubqueryRef(A.Values(((lit(1), lit("a")), (lit(2), lit("b")))), "v", ("n", "s")),
    )


# --------------------------------------------------------------------------- set operations


def s1(n):
    return select(lit(n))


@pytest.mark.parametrize(
    "sql_op, op, all_",
    [("UNION", "UNION", False), ("UNION ALL", "UNION", True), ("UNION DISTINCT", "UNION", False),
     ("INTERSECT", "INTERSECT", False), ("INTERSECT ALL", "INTERSECT", True),
     ("EXCEPT", "EXCEPT", False), ("EXCEPT ALL", "EXCEPT", True), ("MINUS", "EXCEPT", False)],
)
def test_set_operations(sql_op, op, all_):
    assert parse_one(f"SELECT 1 {sql_op} SELECT 2") == A.SetOperation(op, s1(1), s1(2), all_)


def test_intersect_binds_tighter():
    assert parse_one("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3") == A.SetOperation(
        "UNION", s1(1), A.SetOperation("INTERSECT", s1(2), s1(3))
    )
    assert parse_one("SELECT 1 INTERSECT SELECT 2 EXCEPT SELECT 3") == A.SetOperation(
        "EXCEPT", A.SetOperation("INTERSECT", s1(1), s1(2)), s1(3)
    )
    assert parse_one("SELECT 1 EXCEPT SELECT 2 UNION SELECT 3") == A.SetOperation(
        "UNION", A.SetOperation("EXCEPT", s1(1), s1(2)), s1(3)
    )


def test_order_and_limit_apply_to_the_whole_set_operation():
    stmt = parse_one("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 3")
    assert isinstance(stmt, A.SetOperation)
    assert stmt.order_by == (A.OrderItem(lit(1)),) and stmt.limit == lit(3)
    assert stmt.left.order_by == () and stmt.right.limit is None


def test_parenthesised_queries():
    assert parse_one("(SELECT 1)") == s1(1)
    assert parse_one("((SELECT 1))") == s1(1)
    stmt = parse_one("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u LIMIT 2)")
    assert stmt.left.limit == lit(1) and stmt.left.order_by == (A.OrderItem(col("a")),)
    assert stmt.right.limit == lit(2) and stmt.order_by == ()
    assert parse_one("SELECT 1 UNION (SELECT 2 UNION SELECT 3)") == A.SetOperation(
        "UNION", s1(1), A.SetOperation("UNION", s1(2), s1(3))
    )


def test_order_by_after_a_parenthesised_select_goes_into_it():
    assert parse_one("(SELECT a FROM t) ORDER BY a LIMIT 1") == select(
        col("a"), from_=(table("t"),), order_by=(A.OrderItem(col("a")),), limit=lit(1)
    )


def test_two_order_bys_are_an_error():
    e = error("(SELECT a FROM t ORDER BY a) ORDER BY a")
    assert "multiple ORDER BY" in e.message


# --------------------------------------------------------------------------- WITH and VALUES


def test_with():
    stmt = parse_one("WITH a AS (SELECT 1), b (x, y) AS (SELECT 1, 2) SELECT * FROM a, b")
    assert stmt == A.With(
        (A.CommonTableExpr("a", s1(1)), A.CommonTableExpr("b", select(lit(1), lit(2)), ("x", "y"))),
        select(A.Star(), from_=(table("a"), table("b"))),
    )


def test_with_recursive():
    stmt = parse_one(
        "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r"
    )
    assert stmt.recursive and stmt.ctes[0].column_aliases == ("n",)
    assert isinstance(stmt.ctes[0].query, A.SetOperation)


def test_with_order_by_applies_to_the_body():
    stmt = parse_one("WITH a AS (SELECT 1 x) SELECT x FROM a UNION SELECT 2 ORDER BY 1 LIMIT 1")
    assert isinstance(stmt, A.With)
    assert stmt.body.order_by == (A.OrderItem(lit(1)),) and stmt.body.limit == lit(1)


def test_values_statement():
    assert parse_one("VALUES (1, 'a'), (2, NULL)") == A.Values(((lit(1), lit("a")), (lit(2), lit(None))))


def test_values_order_by_is_rejected():
    assert "VALUES" in error("VALUES (1) ORDER BY 1").message


# --------------------------------------------------------------------------- CREATE / DROP


def test_create_table_minimal():
    assert parse_one("CREATE TABLE t (a INT, b VARCHAR(10))") == A.CreateTable(
        "t",
        (A.ColumnDef("a", A.TypeName("INT")), A.ColumnDef("b", A.TypeName("VARCHAR", (10,)))),
    )


def test_create_table_column_constraints():
    stmt = parse_one(
        """CREATE TABLE t (
            a INT NOT NULL DEFAULT 0 ENCODE az64 DISTKEY SORTKEY,
            b VARCHAR(MAX) NULL UNIQUE,
            c BIGINT PRIMARY KEY REFERENCES other (id),
            d BIGINT IDENTITY(1, 1),
            e BIGINT GENERATED BY DEFAULT AS IDENTITY(0, -1),
            f DATE DEFAULT CURRENT_DATE,
            g DECIMAL(12,2) DEFAULT -1.5 NOT NULL
        )"""
    )
    a, b, c, d, e, f, g = stmt.columns
    assert a == A.ColumnDef("a", A.TypeName("INT"), not_null=True, default=lit(0), encode="az64",
                            distkey=True, sortkey=True)
    assert b == A.ColumnDef("b", A.TypeName("VARCHAR", ("MAX",)), unique=True)
    assert c == A.ColumnDef("c", A.TypeName("BIGINT"), primary_key=True)
    assert d.identity == (1, 1) and e.identity == (0, -1)
    assert f.default == call("current_date")
    assert g.default == A.UnaryOp("-", dec("1.5")) and g.not_null


def test_create_table_table_constraints():
    stmt = parse_one(
        "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b), UNIQUE (b), "
        "CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (x))"
    )
    assert stmt.primary_key == ("a", "b")
    assert [c.name for c in stmt.columns] == ["a", "b"]


def test_two_primary_keys_are_an_error():
    e = error("CREATE TABLE t (a INT PRIMARY KEY, PRIMARY KEY (a))")
    assert "multiple primary keys" in e.message
    assert e.column == 36


def test_create_table_flags():
    stmt = parse_one("CREATE TEMP TABLE IF NOT EXISTS s.t (a INT)")
    assert stmt.temporary and stmt.if_not_exists and stmt.name == "s.t"
    assert parse_one("create temporary table t (a int)").temporary


def test_create_table_attributes_in_any_order():
    expected = A.TableAttributes(diststyle="KEY", distkey="a", sortkey=("a", "b"),
                                 sortkey_style="COMPOUND", encode_auto=False, backup=False)
    a = parse_one("CREATE TABLE t (a INT, b INT) DISTSTYLE KEY DISTKEY (a) COMPOUND SORTKEY (a, b) BACKUP NO")
    b = parse_one("CREATE TABLE t (a INT, b INT) BACKUP NO COMPOUND SORTKEY (a, b) DISTKEY (a) DISTSTYLE KEY")
    assert a.attributes == expected == b.attributes


@pytest.mark.parametrize(
    "text, attributes",
    [
        ("DISTSTYLE AUTO", A.TableAttributes(diststyle="AUTO")),
        ("DISTSTYLE EVEN", A.TableAttributes(diststyle="EVEN")),
        ("DISTSTYLE ALL", A.TableAttributes(diststyle="ALL")),
        ("DISTKEY(a)", A.TableAttributes(distkey="a")),
        ("SORTKEY (a)", A.TableAttributes(sortkey=("a",))),
        ("INTERLEAVED SORTKEY (a, b)", A.TableAttributes(sortkey=("a", "b"), sortkey_style="INTERLEAVED")),
        ("SORTKEY AUTO", A.TableAttributes(sortkey_style="AUTO")),
        ("ENCODE AUTO", A.TableAttributes(encode_auto=True)),
        ("BACKUP YES", A.TableAttributes(backup=True)),
        ("", A.TableAttributes()),
    ],
)
def test_table_attributes(text, attributes):
    assert parse_one(f"CREATE TABLE t (a INT, b INT) {text}").attributes == attributes


def test_repeated_table_attribute_is_an_error():
    assert "DISTSTYLE is specified more than once" in error(
        "CREATE TABLE t (a INT) DISTSTYLE ALL DISTSTYLE EVEN").message


def test_create_table_as():
    q = select(col("a"), from_=(table("u"),))
    assert parse_one("CREATE TABLE t AS SELECT a FROM u") == A.CreateTableAs("t", q)
    stmt = parse_one("CREATE TEMP TABLE t (x) DISTSTYLE EVEN SORTKEY (x) AS SELECT a FROM u")
    assert stmt == A.CreateTableAs(
        "t", q, A.TableAttributes(diststyle="EVEN", sortkey=("x",)), ("x",), temporary=True
    )
    assert isinstance(parse_one("CREATE TABLE t AS WITH c AS (SELECT 1) SELECT * FROM c").query, A.With)
    assert isinstance(parse_one("CREATE TABLE t AS (SELECT 1) UNION SELECT 2").query, A.SetOperation)


def test_drop_table():
    assert parse_one("DROP TABLE t") == A.DropTable(("t",))
    assert parse_one("DROP TABLE IF EXISTS a, s.b CASCADE") == A.DropTable(("a", "s.b"), True, True)
    assert parse_one("DROP TABLE a RESTRICT") == A.DropTable(("a",))


def test_truncate():
    assert parse_one("TRUNCATE t") == A.Truncate("t")
    assert parse_one("TRUNCATE TABLE s.t") == A.Truncate("s.t")


# --------------------------------------------------------------------------- DML


def test_insert_values():
    assert parse_one("INSERT INTO t VALUES (1, 'a'), (2, 'b')") == A.Insert(
        "t", (), A.Values(((lit(1), lit("a")), (lit(2), lit("b"))))
    )
    assert parse_one("INSERT INTO t (a, b) VALUES (1, 2)") == A.Insert(
        "t", ("a", "b"), A.Values(((lit(1), lit(2)),))
    )


def test_insert_query():
    q = select(col("x"), from_=(table("u"),))
    assert parse_one("INSERT INTO t SELECT x FROM u") == A.Insert("t", (), q)
    assert parse_one("INSERT INTO t (a) (SELECT x FROM u)") == A.Insert("t", ("a",), q)
    assert parse_one("INSERT INTO t (SELECT x FROM u)") == A.Insert("t", (), q)
    assert isinstance(parse_one("INSERT INTO t WITH c AS (SELECT 1) SELECT * FROM c").source, A.With)


def test_delete():
    assert parse_one("DELETE FROM t") == A.Delete("t")
    assert parse_one("DELETE FROM t WHERE a = 1") == A.Delete("t", binop("=", col("a"), lit(1)))
    assert parse_one("DELETE t WHERE a") == A.Delete("t", col("a"))
    assert parse_one("DELETE FROM t x WHERE x.a") == A.Delete("t", col("x", "a"), "x")


def test_update():
    assert parse_one("UPDATE t SET a = 1, b = b + 1 WHERE c IS NULL") == A.Update(
        "t", (("a", lit(1)), ("b", binop("+", col("b"), lit(1)))), A.IsNull(col("c"))
    )
    assert parse_one("UPDATE t AS x SET a = DEFAULT_VAL") == A.Update("t", (("a", col("default_val")),), None, "x")


def test_copy_minimal_defaults_to_text():
    assert parse_one("COPY t FROM 'data/t.txt'") == A.Copy("t", (), "data/t.txt", "TEXT")


def test_copy_parquet():
    stmt = parse_one("COPY t FROM 's3://bucket/p/' IAM_ROLE 'arn:aws:iam::1:role/R' FORMAT AS PARQUET")
    assert stmt == A.Copy("t", (), "s3://bucket/p/", "PARQUET", (("IAM_ROLE", "arn:aws:iam::1:role/R"),))


def test_copy_csv_with_every_option():
    stmt = parse_one(
        """COPY s.t (a, b) FROM 'f.csv'
           IAM_ROLE default CREDENTIALS 'aws_iam_role=x' REGION AS 'us-east-1'
           CSV QUOTE AS '"' IGNOREHEADER AS 1 DELIMITER ',' NULL AS '\\N'
           EMPTYASNULL BLANKSASNULL DATEFORMAT 'auto' TIMEFORMAT AS 'epochsecs' MAXERROR 10
           GZIP REMOVEQUOTES TRUNCATECOLUMNS ACCEPTINVCHARS FILLRECORD"""
    )
    assert stmt.table == "s.t" and stmt.columns == ("a", "b") and stmt.format == "CSV"
    assert stmt.options == (
        ("IAM_ROLE", "default"), ("CREDENTIALS", "aws_iam_role=x"), ("REGION", "us-east-1"),
        ("QUOTE", '"'), ("IGNOREHEADER", 1), ("DELIMITER", ","), ("NULL", "\\N"),
        ("EMPTYASNULL", True), ("BLANKSASNULL", True), ("DATEFORMAT", "auto"),
        ("TIMEFORMAT", "epochsecs"), ("MAXERROR", 10), ("GZIP", True), ("REMOVEQUOTES", True),
        ("TRUNCATECOLUMNS", True), ("ACCEPTINVCHARS", True), ("FILLRECORD", True),
    )


@pytest.mark.parametrize(
    "text, fmt, options",
    [
        ("FORMAT CSV", "CSV", ()),
        ("FORMAT AS csv", "CSV", ()),
        ("CSV", "CSV", ()),
        ("PARQUET", "PARQUET", ()),
        ("FORMAT AS ORC", "ORC", ()),
        ("FORMAT AS JSON 'auto'", "JSON", (("JSON", "auto"),)),
        ("JSON 'auto ignorecase'", "JSON", (("JSON", "auto ignorecase"),)),
        ("DELIMITER '|' ACCEPTINVCHARS AS '?'", "TEXT", (("DELIMITER", "|"), ("ACCEPTINVCHARS", "?"))),
        ("COMPUPDATE OFF STATUPDATE", "TEXT", (("COMPUPDATE", False), ("STATUPDATE", True))),
    ],
)
def test_copy_formats(text, fmt, options):
    stmt = parse_one(f"COPY t FROM 'x' {text}")
    assert (stmt.format, stmt.options) == (fmt, options)


def test_copy_two_formats_is_an_error():
    assert "more than one data format" in error("COPY t FROM 'x' CSV PARQUET").message


def test_explain():
    q = select(lit(1))
    assert parse_one("EXPLAIN SELECT 1") == A.Explain(q)
    assert parse_one("EXPLAIN VERBOSE SELECT 1") == A.Explain(q, verbose=True)
    assert parse_one("EXPLAIN ANALYZE SELECT 1") == A.Explain(q, analyze=True)
    assert parse_one("EXPLAIN ANALYZE VERBOSE SELECT 1") == A.Explain(q, verbose=True, analyze=True)
    assert parse_one("EXPLAIN INSERT INTO t SELECT 1") == A.Explain(A.Insert("t", (), q))


@pytest.mark.parametrize(
    "sql, name, value",
    [
        ("SET search_path TO public", "search_path", "public"),
        ("SET datestyle = 'ISO, MDY'", "datestyle", lit("ISO, MDY")),
        ("SET statement_timeout = 1000", "statement_timeout", lit(1000)),
        ("SET enable_result_cache_for_session TO off", "enable_result_cache_for_session", "off"),
        ("SET enable_result_cache_for_session TO on", "enable_result_cache_for_session", "on"),
        ("SET x TO DEFAULT", "x", "default"),
        ("SET flag = true", "flag", lit(True)),
        ("SET search_path TO '$user', public", "search_path", (lit("$user"), "public")),
    ],
)
def test_set(sql, name, value):
    assert parse_one(sql) == A.SetVariable(name, value)


@pytest.mark.parametrize(
    "sql, action",
    [("BEGIN", "begin"), ("BEGIN TRANSACTION", "begin"), ("begin work", "begin"),
     ("START TRANSACTION", "begin"), ("COMMIT", "commit"), ("COMMIT WORK", "commit"),
     ("END", "commit"), ("END TRANSACTION", "commit"), ("ROLLBACK", "rollback"),
     ("ROLLBACK TRANSACTION", "rollback"), ("ABORT", "rollback")],
)
def test_transactions(sql, action):
    assert parse_one(sql) == A.Transaction(action)


# --------------------------------------------------------------------------- scripts


def test_script_with_empty_statements():
    stmts = parse(";; CREATE TABLE t (a INT);\n\n;INSERT INTO t VALUES (1); SELECT a FROM t;;")
    assert [type(s).__name__ for s in stmts] == ["CreateTable", "Insert", "Select"]


def test_empty_script():
    assert parse("") == []
    assert parse("  -- only a comment\n ; ;") == []


def test_parse_one_requires_exactly_one_statement():
    assert parse_one("SELECT 1;") == s1(1)
    e = error("SELECT 1; SELECT 2", parse_one)
    assert "found 2" in e.message and (e.line, e.column) == (1, 11)
    assert "found none" in error(" ; ", parse_one).message


def test_parse_expression_rejects_statements():
    assert error("SELECT 1", parse_expression)
    assert error("1 2", parse_expression)


# --------------------------------------------------------------------------- positions


def test_positions_of_nodes():
    stmt = parse_one("SELECT a,\n       b + 1 AS c\nFROM t x\nWHERE d IN (1, 2)")
    assert stmt.pos == (1, 1)
    assert stmt.items[0].pos == (1, 8)
    assert stmt.items[1].pos == (2, 8)
    assert stmt.items[1].expr.pos == (2, 8)
    assert stmt.items[1].expr.right.pos == (2, 12)
    assert stmt.from_[0].pos == (3, 6)
    assert stmt.where.pos == (4, 7)
    assert stmt.where.items[1].pos == (4, 16)


def test_positions_of_keyword_led_nodes():
    e = expr("1 + CASE WHEN x THEN CAST(y AS int) END")
    assert e.right.pos == (1, 5)
    assert e.right.whens[0][1].pos == (1, 22)
    assert e.right.whens[0][1].type.pos == (1, 32)
    assert expr("  ?").pos == (1, 3)
    assert expr("NOT EXISTS (SELECT 1)").pos == (1, 1)
    assert expr("count(*) OVER (ORDER BY a)").over.pos == (1, 10)


def test_positions_of_statements_in_a_script():
    first, second = parse("SELECT 1;\n  INSERT INTO t VALUES (1)")
    assert first.pos == (1, 1) and second.pos == (2, 3)
    assert second.source.pos == (2, 17)


def test_positions_in_ddl():
    stmt = parse_one("CREATE TABLE t (\n  a INT,\n  b INT\n) DISTSTYLE ALL")
    assert stmt.columns[1].pos == (3, 3)
    assert stmt.columns[1].type.pos == (3, 5)
    assert stmt.attributes.pos == (4, 3)


def test_positions_count_unicode_characters():
    stmt = parse_one("SELECT 'héllo', x")
    assert stmt.items[1].pos == (1, 17)


# --------------------------------------------------------------------------- ALTER TABLE


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("ALTER TABLE t ALTER DISTSTYLE EVEN", A.AlterTable("t", diststyle="EVEN")),
        ("alter table t alter diststyle all", A.AlterTable("t", diststyle="ALL")),
        ("ALTER TABLE public.t ALTER DISTSTYLE AUTO", A.AlterTable("public.t", diststyle="AUTO")),
        ("ALTER TABLE t ALTER DISTSTYLE KEY DISTKEY a", A.AlterTable("t", diststyle="KEY", distkey="a")),
        # ALTER DISTKEY c means ALTER DISTSTYLE KEY DISTKEY c
        ("ALTER TABLE t ALTER DISTKEY \"Key\"", A.AlterTable("t", diststyle="KEY", distkey="Key")),
        ("ALTER TABLE t ALTER DISTKEY key", A.AlterTable("t", diststyle="KEY", distkey="key")),
        ("ALTER TABLE t ALTER SORTKEY (a)", A.AlterTable("t", sortkey=("a",))),
        ("ALTER TABLE t ALTER COMPOUND SORTKEY (b, a)",
         A.AlterTable("t", sortkey=("b", "a"), sortkey_style="COMPOUND")),
        ("ALTER TABLE t ALTER SORTKEY AUTO", A.AlterTable("t", sortkey=(), sortkey_style="AUTO")),
        ("ALTER TABLE t ALTER SORTKEY NONE", A.AlterTable("t", sortkey=())),
    ],
)
def test_alter_table(sql, expected):
    stmt = parse_one(sql)
    assert stmt == expected
    assert stmt.pos == (1, 1)


def test_alter_table_leaves_alter_and_none_usable_as_names():
    stmt = parse_one("SELECT alter, none FROM t")
    assert [i.expr for i in stmt.items] == [col("alter"), col("none")]
    assert parse_one("ALTER TABLE alter ALTER DISTKEY none") == A.AlterTable("alter", "KEY", "none")


def test_alter_table_position_on_a_later_line():
    stmts = parse("SELECT 1;\n  ALTER TABLE t ALTER DISTSTYLE ALL")
    assert stmts[1].pos == (2, 3)


@pytest.mark.parametrize(
    "sql, column, fragment",
    [
        ("ALTER TABLE t ALTER DISTSTYLE KEY", 34, "unexpected end of input, expected DISTKEY"),
        ("ALTER TABLE t ALTER DISTSTYLE", 30, "expected one of ALL, AUTO, EVEN, KEY"),
        ("ALTER TABLE t ALTER DISTSTYLE KEY DISTKEY (a)", 43, 'unexpected "("'),
        ("ALTER TABLE t ALTER DISTKEY a, b", 30, 'unexpected ","'),
        # only compound sort keys can be given to ALTER SORTKEY (as in Redshift)
        ("ALTER TABLE t ALTER INTERLEAVED SORTKEY (a)", 21, 'unexpected "INTERLEAVED"'),
        ("ALTER TABLE t ALTER SORTKEY ()", 30, 'unexpected ")", expected identifier'),
        ("ALTER TABLE t ALTER SORTKEY", 28, "unexpected end of input"),
        ("ALTER TABLE t DISTKEY a", 15, 'unexpected "DISTKEY", expected one of ADD, ALTER, DROP'),
        ("ALTER t ALTER DISTKEY a", 7, 'unexpected "t", expected TABLE'),
    ],
)
def test_alter_table_syntax_errors(sql, column, fragment):
    e = error(sql)
    assert fragment in e.message
    assert (e.line, e.column) == (1, column)
    assert e.sql == sql


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "sql, line, column, fragment",
    [
        ("SELECT FROM t", 1, 8, 'unexpected "FROM", expected an expression'),
        ("select a, from t", 1, 11, 'unexpected "FROM"'),
        ("SELECT a FROM", 1, 14, "unexpected end of input"),
        ("SELECT a FROM t WHERE", 1, 22, "unexpected end of input, expected an expression"),
        ("SELECT (a FROM t", 1, 11, 'unexpected "FROM", expected ")"'),
        ("SELECT a\nFROM t\nWHERE a = = 1", 3, 11, 'unexpected "="'),
        ("SELECT a b c FROM t", 1, 12, 'unexpected "c"'),
        ("selec 1", 1, 1, 'unexpected "selec"'),
        ("SELECT 'abc", 1, 8, "unterminated string literal"),
        ('SELECT "abc', 1, 8, "unterminated quoted identifier"),
        ("SELECT 1 /* x", 1, 10, "unterminated /* comment"),
        ("SELECT @", 1, 8, 'unexpected character "@"'),
        ('SELECT ""', 1, 8, "zero-length quoted identifier"),
        ("SELECT CAST(a AS ) FROM t", 1, 18, 'unexpected ")", expected a type name'),
        ("CREATE TABLE t (a)", 1, 19, "unexpected end of input"),
        ("SELECT * FROM a JOIN b", 1, 23, "expected one of ON, USING"),
        ("INSERT INTO t VALUES (1", 1, 24, 'expected one of ")", ","'),
        ("SELECT a FROM t ORDER a", 1, 23, 'unexpected "a", expected BY'),
        ("DROP t", 1, 6, 'unexpected "t", expected one of SCHEMA, TABLE, VIEW'),
        ("SELECT 1\n  UNION\n  FROM t", 3, 3, 'unexpected "FROM"'),
        ("SELECT 1 )", 1, 10, 'unexpected ")", expected end of input'),
        ("DROP TABLE t x", 1, 14, 'expected one of CASCADE, RESTRICT, ",", end of input'),
    ],
)
def test_syntax_errors(sql, line, column, fragment):
    e = error(sql)
    assert fragment in e.message
    assert (e.line, e.column) == (line, column)
    assert e.sql == sql


def test_error_rendering_has_a_caret_under_the_token():
    e = error("SELECT a\nFROM t\nWHERE a = = 1")
    assert str(e) == (
        "syntax error at line 3, column 11: unexpected \"=\", expected an expression\n"
        "  WHERE a = = 1\n"
        "            ^"
    )


def test_error_at_end_of_input_points_past_the_last_token():
    e = error("SELECT a FROM t WHERE a =   ")
    assert (e.line, e.column) == (1, 26)
    assert str(e).endswith("\n" + " " * (2 + 25) + "^")


def test_reserved_word_hint():
    e = error("CREATE TABLE t (select INT)")
    assert "reserved word" in e.message and '"select"' in e.message


def test_keyword_in_message_is_upper_case():
    assert 'unexpected "FROM"' in error("select from t").message


def test_parser_error_is_a_programming_error():
    from columnar.core.errors import ProgrammingError

    assert isinstance(error("SELECT"), ProgrammingError)


def test_long_or_chain_does_not_hit_the_recursion_limit():
    stmt = parse_one("SELECT * FROM t WHERE " + " OR ".join(["a = ?"] * 3000))
    node, depth = stmt.where, 0
    assert node.right == binop("=", col("a"), A.Parameter(2999))
    while isinstance(node, A.BinaryOp) and node.op == "OR":
        node, depth = node.left, depth + 1
    assert depth == 2999 and node == binop("=", col("a"), A.Parameter(0))


def test_deeply_parenthesised_expression():
    assert expr("(" * 500 + "1" + ")" * 500) == lit(1)


def test_non_string_input():
    assert "must be a str" in error(b"SELECT 1").message


_WORDS = ["SELECT", "FROM", "WHERE", "a", "t", "1", "'x'", "(", ")", ",", "*", "+", "=", "AND",
          "OR", "NOT", "IN", "IS", "NULL", "JOIN", "ON", "GROUP", "BY", "ORDER", "LIMIT", "UNION",
          "CASE", "WHEN", "THEN", "END", "::", "int", "date", "interval", "?", ";", ".", "AS",
          "CREATE", "TABLE", "INSERT", "INTO", "VALUES", "COPY", "--", "/*", "*/", '"q"', "1.5"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=20))
def test_token_soup_never_raises_anything_but_parser_error(words):
    try:
        parse(" ".join(words))
    except ParserError as e:
        assert e.line >= 0 and e.column >= 0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_never_raises_anything_but_parser_error(text):
    try:
        parse(text)
    except ParserError:
        pass


# --------------------------------------------------------------------------- TPC-H

# The 22 TPC-H queries, from the files the benchmarks and differential tests use.
TPCH = {int(name[1:]): sql for name, sql in queries().items()}


@pytest.mark.parametrize("number", sorted(TPCH))
def test_tpch_query_parses(number):
    stmt = parse_one(TPCH[number])
    assert isinstance(stmt, (A.Select, A.With))
    assert stmt.pos is not None


def test_tpch_q1_tree():
    stmt = parse_one(TPCH[1])
    assert stmt.items[2] == item(call("sum", col("l_quantity")), "sum_qty")
    assert stmt.items[-1] == item(call("count", star=True), "count_order")
    assert stmt.where == binop(
        "<=", col("l_shipdate"),
        binop("-", A.TypedLiteral(A.TypeName("DATE"), "1998-12-01"), A.IntervalLiteral("90", "DAY")),
    )
    assert stmt.group_by == (col("l_returnflag"), col("l_linestatus"))
    assert stmt.order_by == (A.OrderItem(col("l_returnflag")), A.OrderItem(col("l_linestatus")))


def test_tpch_q13_subquery_with_column_aliases():
    ref = parse_one(TPCH[13]).from_[0]
    assert isinstance(ref, A.SubqueryRef)
    assert (ref.alias, ref.column_aliases) == ("c_orders", ("c_custkey", "c_count"))
    join = ref.query.from_[0]
    assert join.kind == "left" and isinstance(join.condition.right, A.Like) and join.condition.right.negated


def test_tpch_q15_is_a_with_query():
    stmt = parse_one(TPCH[15])
    assert isinstance(stmt, A.With)
    assert stmt.ctes[0].name == "revenue0"
    assert stmt.ctes[0].column_aliases == ("supplier_no", "total_revenue")
    assert isinstance(stmt.body.where.right.right, A.ScalarSubquery)


def test_tpch_q16_not_in_subquery_and_count_distinct():
    stmt = parse_one(TPCH[16])
    assert stmt.items[3] == item(call("count", col("ps_suppkey"), distinct=True), "supplier_cnt")
    assert isinstance(stmt.where.right, A.InSubquery) and stmt.where.right.negated


def test_tpch_q22_substring():
    sub = parse_one(TPCH[22]).from_[0].query
    assert sub.items[0] == item(call("substring", col("c_phone"), lit(1), lit(2)), "cntrycode")


def test_all_tpch_queries_as_one_script():
    script = ";\n".join(TPCH[n].strip().rstrip(";") for n in sorted(TPCH)) + ";"
    assert len(parse(script)) == 22


# --------------------------------------------------------------------------- tree hygiene

_SAMPLES = [
    "SELECT DISTINCT TOP 3 a AS x, t.*, count(*) OVER (PARTITION BY b ORDER BY c ROWS 2 PRECEDING) "
    "FROM s.t AS u LEFT JOIN v USING (a) WHERE a NOT IN (1) AND b ILIKE 'x' ESCAPE '!' "
    "GROUP BY 1 HAVING sum(x) > 0 QUALIFY true ORDER BY a DESC NULLS LAST",
    "SELECT 1 MINUS SELECT 2 INTERSECT ALL SELECT 3 ORDER BY 1 OFFSET 1",
    "SELECT CAST(a AS double precision), convert(varchar(max), b), date_part('y', d), "
    "dateadd(day, 1, d), trim(leading 'x' from s), position('a' in s), substring(s, 1, 2), "
    "interval '1' day to second, x::timestamp with time zone, approximate count(distinct a), "
    "listagg(a, ',') within group (order by a), case when a then 1 end, current_date, left(s, 1)",
    "CREATE TEMP TABLE IF NOT EXISTS t (a INT NOT NULL DEFAULT 1 ENCODE zstd IDENTITY(1, 1) "
    "DISTKEY SORTKEY UNIQUE REFERENCES u (b), PRIMARY KEY (a)) BACKUP YES DISTSTYLE KEY DISTKEY (a) "
    "INTERLEAVED SORTKEY (a) ENCODE AUTO",
    "CREATE TABLE t (a) SORTKEY AUTO AS SELECT 1",
    "DROP TABLE IF EXISTS a, b RESTRICT",
    "COPY t (a) FROM 'x' FORMAT AS JSON 'auto' IAM_ROLE default NULL AS '' COMPUPDATE ON",
    "UPDATE t x SET a = 1 WHERE b", "DELETE t x WHERE y", "TRUNCATE t", "SET a TO b",
    "ALTER TABLE public.t ALTER DISTSTYLE KEY DISTKEY a", "ALTER TABLE t ALTER COMPOUND SORTKEY (a, b)",
    "EXPLAIN ANALYZE VERBOSE WITH RECURSIVE c (x) AS (VALUES (1)) SELECT * FROM c",
    "BEGIN", "COMMIT", "ABORT",
]


def _walk(node, path="stmt"):
    from dataclasses import fields, is_dataclass

    from lark import Token, Tree

    assert not isinstance(node, (Tree, Token)), f"lark object at {path}: {node!r}"
    if is_dataclass(node):
        for f in fields(node):
            _walk(getattr(node, f.name), f"{path}.{f.name}")
    elif isinstance(node, (tuple, list)):
        for i, child in enumerate(node):
            _walk(child, f"{path}[{i}]")
    else:
        assert node is None or type(node) in (str, int, float, bool), f"{path}: {type(node)}"


@pytest.mark.parametrize("sql", _SAMPLES + [TPCH[n] for n in sorted(TPCH)])
def test_no_lark_objects_leak_into_the_ast(sql):
    _walk(parse_one(sql))


def test_dataclass_nodes_have_positions():
    from dataclasses import fields, is_dataclass

    def check(node):
        if is_dataclass(node):
            if not isinstance(node, A.TableAttributes) or node != A.TableAttributes():
                assert node.pos is not None, node
            for f in fields(node):
                check(getattr(node, f.name))
        elif isinstance(node, tuple):
            for child in node:
                check(child)

    for sql in _SAMPLES + [TPCH[n] for n in sorted(TPCH)]:
        check(parse_one(sql))


# --------------------------------------------------------------------------- grammar


def test_grammar_is_conflict_free():
    """strict=True turns every LALR shift/reduce conflict into an error."""
    from lark import Lark

    Lark(
        parser_module._GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr", lexer=parser_module._SqlLexer, start=["script", "expression"],
        propagate_positions=True, maybe_placeholders=True, strict=True,
    )


def test_reserved_words_are_grammar_keywords():
    lexer = parser_module._get_parser().parser.lexer
    assert parser_module.RESERVED <= lexer.keywords.keys()


# --------------------------------------------------------------------------- doctests


def test_module_doctests():
    result = doctest.testmod(parser_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_insert_default_in_values_and_default_values():
    stmt = parse_one("INSERT INTO t (a, b) VALUES (1, DEFAULT), (DEFAULT, 2)")
    assert stmt.source.rows == (
        (A.Literal(1, "int"), A.Default()),
        (A.Default(), A.Literal(2, "int")),
    )
    assert parse_one("INSERT INTO t DEFAULT VALUES") == A.Insert("t", (), None)


# --------------------------------------------------------------------------- UNLOAD


def test_unload_with_every_option():
    stmt = parse_one(
        "UNLOAD ('select * from t where s = ''x''') TO 's3://b/p_' IAM_ROLE 'arn' FORMAT AS PARQUET "
        "PARTITION BY (a, b) INCLUDE PARALLEL OFF ALLOWOVERWRITE"
    )
    assert stmt == A.Unload(
        "select * from t where s = 'x'", "s3://b/p_", "PARQUET",
        (("IAM_ROLE", "arn"), ("PARTITION_BY", ("a", "b")), ("INCLUDE", True), ("PARALLEL", False),
         ("ALLOWOVERWRITE", True)),
    )
    assert isinstance(parse_one(stmt.query_text), A.Select)


def test_unload_csv_defaults_and_text():
    assert parse_one("unload ('select 1') to 'x/' csv header delimiter as ';' parallel") == A.Unload(
        "select 1", "x/", "CSV", (("HEADER", True), ("DELIMITER", ";"), ("PARALLEL", True)))
    assert parse_one("UNLOAD ('select 1') TO 'x/'") == A.Unload("select 1", "x/", "TEXT", ())


def test_unload_errors_and_keywords_as_names():
    with pytest.raises(ParserError, match="more than one data format"):
        parse_one("UNLOAD ('select 1') TO 'x/' PARQUET CSV")
    with pytest.raises(ParserError):
        parse_one("UNLOAD (select 1) TO 'x/'")
    stmt = parse_one("SELECT header, include, parallel, allowoverwrite FROM unload")
    assert isinstance(stmt, A.Select)
