"""Athena partition projection (storage.projection): reference 6.3, checklist item 40."""

import datetime as dt

import pytest

from columnar.core.errors import ProgrammingError
from columnar.core.types import BIGINT, DATE, INTEGER, TIMESTAMP, VARCHAR, DataType
from columnar.storage.projection import (
    MAX_PARTITIONS,
    DateFormat,
    Projection,
    hive_escape,
    projection_enabled,
)

STRING = VARCHAR
LOC = "s3://bucket/tbl/"
NOW = dt.datetime(2024, 3, 15, 13, 45, 12)


def build(props, columns, location=LOC, **kw):
    props = {"projection.enabled": "true", **props}
    return Projection.from_properties(props, columns, location, **kw)


def values(p, col, constraints=None, **kw):
    return [v[col] for v, _ in p.partitions(constraints or {}, **kw)]


def locations(p, constraints=None, **kw):
    return [loc for _, loc in p.partitions(constraints or {}, **kw)]


# -- projection.enabled -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "props, expected",
    [
        ({"projection.enabled": "true"}, True),
        ({"projection.enabled": "True"}, True),
        ({"projection.enabled": " TRUE "}, True),
        ({"projection.enabled": "false"}, False),
        ({"projection.enabled": "yes"}, False),
        ({}, False),
    ],
)
def test_projection_enabled(props, expected):
    assert projection_enabled(props) is expected


# -- integer ----------------------------------------------------------------------------------
def test_integer_range_is_inclusive_and_typed_int_on_int_column():
    p = build({"projection.y.type": "integer", "projection.y.range": "2019,2021"}, [("y", INTEGER)])
    assert p.partitions({}) == [
        ({"y": 2019}, "s3://bucket/tbl/y=2019/"),
        ({"y": 2020}, "s3://bucket/tbl/y=2020/"),
        ({"y": 2021}, "s3://bucket/tbl/y=2021/"),
    ]


def test_integer_interval_skips_values():
    p = build(
        {"projection.n.type": "integer", "projection.n.range": "1,3", "projection.n.interval": "2"},
        [("n", BIGINT)],
    )
    assert values(p, "n") == [1, 3]


def test_integer_digits_zero_pad_on_string_column():
    p = build(
        {"projection.m.type": "INTEGER ", "projection.m.range": " 1 , 3 ", "projection.m.digits": "2"},
        [("m", STRING)],
    )
    assert values(p, "m") == ["01", "02", "03"]
    assert locations(p)[0] == "s3://bucket/tbl/m=01/"


def test_integer_digits_on_int_column_pads_the_path_only():
    p = build(
        {"projection.m.type": "integer", "projection.m.range": "8,10", "projection.m.digits": "2"},
        [("m", INTEGER)],
    )
    assert p.partitions({"m": {9}}) == [({"m": 9}, "s3://bucket/tbl/m=09/")]


def test_integer_negative_and_leading_zero_ranges():
    p = build({"projection.n.type": "integer", "projection.n.range": "-2,1"}, [("n", INTEGER)])
    assert values(p, "n") == [-2, -1, 0, 1]
    # leading zeros in the range alone do not pad (digits defaults to none)
    p = build({"projection.n.type": "integer", "projection.n.range": "0001,0003"}, [("n", STRING)])
    assert values(p, "n") == ["1", "2", "3"]


def test_integer_constraints_intersect_and_out_of_range_gives_zero_partitions():
    p = build(
        {"projection.n.type": "integer", "projection.n.range": "0,10", "projection.n.interval": "5"},
        [("n", INTEGER)],
    )
    assert values(p, "n", {"n": {10, 5, 3, 11}}) == [5, 10]
    assert p.partitions({"n": {42}}) == []  # checklist 40: no error, zero partitions
    assert p.partitions({"n": {3}}) == []  # in range but not on the interval grid
    assert p.partitions({"n": set()}) == []


def test_integer_string_column_compares_formatted_text():
    p = build(
        {"projection.m.type": "integer", "projection.m.range": "1,12", "projection.m.digits": "2"},
        [("m", STRING)],
    )
    assert values(p, "m", {"m": {"02", "2", "13", "x"}}) == ["02"]


def test_integer_huge_range_with_equality_is_cheap():
    p = build({"projection.id.type": "integer", "projection.id.range": "1,1000000000000"}, [("id", BIGINT)])
    assert p.partitions({"id": {123456789}}) == [({"id": 123456789}, "s3://bucket/tbl/id=123456789/")]


def test_integer_huge_range_unconstrained_hits_the_partition_limit():
    p = build({"projection.id.type": "integer", "projection.id.range": "1,1000000000000"}, [("id", BIGINT)], table="db.t")
    with pytest.raises(ProgrammingError, match="HIVE_EXCEEDED_PARTITION_LIMIT: Query over table 'db.t'"):
        p.partitions({})


def test_partition_product_explosion_guard():
    props = {
        "projection.a.type": "integer", "projection.a.range": "1,1001",
        "projection.b.type": "integer", "projection.b.range": "1,1000",
    }
    p = build(props, [("a", INTEGER), ("b", INTEGER)])
    assert 1001 * 1000 > MAX_PARTITIONS
    with pytest.raises(ProgrammingError, match=f"more than {MAX_PARTITIONS} partitions"):
        p.partitions({})
    assert len(p.partitions({"a": {1, 2}})) == 2000  # constrained: fine


@pytest.mark.parametrize(
    "extra",
    [
        {"projection.n.range": "1"},
        {"projection.n.range": "1,2,3"},
        {"projection.n.range": "a,b"},
        {"projection.n.range": "1,2", "projection.n.interval": "0"},
        {"projection.n.range": "1,2", "projection.n.interval": "x"},
        {"projection.n.range": "1,2", "projection.n.digits": "-1"},
        {},
    ],
)
def test_integer_invalid_configuration(extra):
    with pytest.raises(ProgrammingError, match="INVALID_TABLE_PROPERTY"):
        build({"projection.n.type": "integer", **extra}, [("n", INTEGER)])


# -- enum -------------------------------------------------------------------------------------
def test_enum_whitespace_is_part_of_the_value():
    p = build({"projection.r.type": "enum", "projection.r.values": "us-east-1, eu-west-1"}, [("r", STRING)])
    assert values(p, "r") == [" eu-west-1", "us-east-1"]  # ascending, space kept
    assert p.partitions({"r": {"eu-west-1"}}) == []
    assert p.partitions({"r": {" eu-west-1"}}) == [({"r": " eu-west-1"}, "s3://bucket/tbl/r= eu-west-1/")]


def test_enum_values_come_out_ascending_and_distinct():
    p = build({"projection.c.type": "enum", "projection.c.values": "b,a,c,a"}, [("c", STRING)])
    assert values(p, "c") == ["a", "b", "c"]
    assert values(p, "c", {"c": {"c", "z"}}) == ["c"]


def test_enum_on_int_column_is_typed_and_numerically_ordered():
    p = build({"projection.c.type": "enum", "projection.c.values": "10,9,100"}, [("c", INTEGER)])
    assert values(p, "c") == [9, 10, 100]
    with pytest.raises(ProgrammingError, match="not a valid INTEGER"):
        build({"projection.c.type": "enum", "projection.c.values": "1, 2"}, [("c", INTEGER)])


def test_enum_without_values_uses_athenas_message():
    with pytest.raises(ProgrammingError) as e:
        build({"projection.env.type": "enum", "projection.env.values": ""}, [("env", STRING)])
    assert str(e.value) == (
        "INVALID_TABLE_PROPERTY: Must provide a comma-separated enumeration to build a projected "
        "enum partition column! (property: projection.env.values)"
    )


# -- date -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt, rng, expected",
    [
        ("yyyy-MM-dd", "2020-12-30,2021-01-02", ["2020-12-30", "2020-12-31", "2021-01-01", "2021-01-02"]),
        ("yyyy/MM/dd", "2020/02/28,2020/03/01", ["2020/02/28", "2020/02/29", "2020/03/01"]),
        ("yyyyMMdd", "20210101,20210103", ["20210101", "20210102", "20210103"]),
        ("yyyy-MM", "2020-11,2021-02", ["2020-11", "2020-12", "2021-01", "2021-02"]),  # 1 MONTH default
        ("yyyyMM", "202011,202101", ["202011", "202012", "202101"]),
        ("yyyy", "2019,2021", ["2019", "2020", "2021"]),  # [INF] 1 YEAR default
        ("dd-MM-yyyy", "30-12-2020,01-01-2021", ["30-12-2020", "31-12-2020", "01-01-2021"]),
        ("yyyy-MM-dd'T'", "2021-01-01T,2021-01-02T", ["2021-01-01T", "2021-01-02T"]),
    ],
)
def test_date_formats_with_default_step(fmt, rng, expected):
    p = build(
        {"projection.dt.type": "date", "projection.dt.format": fmt, "projection.dt.range": rng},
        [("dt", STRING)],
    )
    assert values(p, "dt") == expected  # chronological (ascending) order


def test_date_hourly_format_needs_interval_unit():
    props = {
        "projection.h.type": "date",
        "projection.h.format": "yyyy-MM-dd-HH",
        "projection.h.range": "2021-01-01-22,2021-01-02-01",
    }
    with pytest.raises(ProgrammingError, match="interval.unit is required"):
        build(props, [("h", STRING)])
    p = build({**props, "projection.h.interval.unit": "hours"}, [("h", STRING)])
    assert values(p, "h") == ["2021-01-01-22", "2021-01-01-23", "2021-01-02-00", "2021-01-02-01"]
    p = build({**props, "projection.h.interval": "2", "projection.h.interval.unit": "HOURS"}, [("h", STRING)])
    assert values(p, "h") == ["2021-01-01-22", "2021-01-02-00"]


def test_date_firehose_template_example():
    # [ATH:partition-projection-kinesis-firehose-example]: yyyy/MM/dd/HH in a custom template
    p = build(
        {
            "projection.datehour.type": "date",
            "projection.datehour.format": "yyyy/MM/dd/HH",
            "projection.datehour.range": "2021/01/01/00,NOW",
            "projection.datehour.interval": "1",
            "projection.datehour.interval.unit": "HOURS",
            "storage.location.template": "s3://bucket/prefix/${datehour}/",
        },
        [("datehour", STRING)],
        now=dt.datetime(2021, 1, 1, 2, 30),
    )
    assert locations(p) == [
        "s3://bucket/prefix/2021/01/01/00/",
        "s3://bucket/prefix/2021/01/01/01/",
        "s3://bucket/prefix/2021/01/01/02/",
    ]


def test_date_weekly_and_monthly_intervals():
    base = {"projection.d.type": "date", "projection.d.format": "yyyy-MM-dd"}
    p = build({**base, "projection.d.range": "2021-01-01,2021-01-20", "projection.d.interval.unit": "WEEKS"}, [("d", STRING)])
    assert values(p, "d") == ["2021-01-01", "2021-01-08", "2021-01-15"]
    p = build(
        {**base, "projection.d.range": "2021-01-31,2021-04-30", "projection.d.interval.unit": "MONTHS"},
        [("d", STRING)],
    )
    # start + k months, month ends clamp without drifting
    assert values(p, "d") == ["2021-01-31", "2021-02-28", "2021-03-31", "2021-04-30"]


def test_date_step_finer_than_format_gives_one_partition_per_text():
    p = build(
        {
            "projection.m.type": "date", "projection.m.format": "yyyy-MM",
            "projection.m.range": "2021-01,2021-03", "projection.m.interval.unit": "DAYS",
        },
        [("m", STRING)],
    )
    assert values(p, "m") == ["2021-01", "2021-02", "2021-03"]


@pytest.mark.parametrize(
    "fmt, rng, expected",
    [
        ("yyyy-MM-dd", "NOW-3DAYS,NOW", ["2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15"]),
        ("yyyy-MM-dd", "NOW-1DAY,NOW+1DAY", ["2024-03-14", "2024-03-15", "2024-03-16"]),
        ("yyyy-MM-dd", " NOW - 2 DAYS , NOW ", ["2024-03-13", "2024-03-14", "2024-03-15"]),
        ("yyyy-MM-dd", "2024-03-14,NOW", ["2024-03-14", "2024-03-15"]),
        ("yyyy", "NOW-3YEARS,NOW", ["2021", "2022", "2023", "2024"]),
        ("yyyy-MM", "NOW-2MONTHS,NOW", ["2024-01", "2024-02", "2024-03"]),
        ("yyyy-MM-dd", "NOW-1WEEK,NOW-6DAYS", ["2024-03-08", "2024-03-09"]),
    ],
)
def test_date_relative_now_ranges(fmt, rng, expected):
    p = build(
        {"projection.d.type": "date", "projection.d.format": fmt, "projection.d.range": rng},
        [("d", STRING)],
        now=NOW,
    )
    assert values(p, "d") == expected


def test_date_relative_hours_truncate_to_the_format():
    p = build(
        {
            "projection.h.type": "date", "projection.h.format": "yyyy-MM-dd-HH",
            "projection.h.range": "NOW-2HOURS,NOW+1HOUR", "projection.h.interval.unit": "HOURS",
        },
        [("h", STRING)],
        now=NOW,
    )
    assert values(p, "h") == ["2024-03-15-11", "2024-03-15-12", "2024-03-15-13", "2024-03-15-14"]


def test_date_now_month_arithmetic_clamps_month_ends():
    p = build(
        {
            "projection.d.type": "date", "projection.d.format": "yyyy-MM-dd",
            "projection.d.range": "NOW-1MONTH,NOW", "projection.d.interval.unit": "MONTHS",
        },
        [("d", STRING)],
        now=dt.datetime(2024, 3, 31),
    )
    # NOW-1MONTH clamps 03-31 to 02-29; steps then run from that start: 02-29, 03-29 (<= 03-31)
    assert values(p, "d") == ["2024-02-29", "2024-03-29"]


def test_now_is_injectable_per_call_and_timezone_aware_values_are_utc():
    p = build(
        {"projection.d.type": "date", "projection.d.format": "yyyy-MM-dd", "projection.d.range": "NOW,NOW"},
        [("d", STRING)],
        now=NOW,
    )
    assert values(p, "d") == ["2024-03-15"]
    assert values(p, "d", now=dt.datetime(2025, 1, 1)) == ["2025-01-01"]
    tokyo = dt.timezone(dt.timedelta(hours=9))
    # 2024-03-16 01:00 in Tokyo is still 2024-03-15 in UTC
    assert values(p, "d", now=dt.datetime(2024, 3, 16, 1, 0, tzinfo=tokyo)) == ["2024-03-15"]
    assert values(p, "d", now=dt.date(2023, 7, 4)) == ["2023-07-04"]


def test_now_defaults_to_the_current_utc_time():
    p = build(
        {"projection.d.type": "date", "projection.d.format": "yyyy-MM-dd", "projection.d.range": "NOW,NOW"},
        [("d", STRING)],
    )
    before = dt.datetime.now(dt.timezone.utc).date()
    (got,) = values(p, "d")
    after = dt.datetime.now(dt.timezone.utc).date()
    assert got in {before.isoformat(), after.isoformat()}


def test_date_projection_on_date_column_is_typed_and_constrained():
    p = build(
        {
            "projection.d.type": "date", "projection.d.format": "yyyy/MM/dd",
            "projection.d.range": "2021/01/01,2021/01/05",
        },
        [("d", DATE)],
    )
    assert values(p, "d")[:2] == [dt.date(2021, 1, 1), dt.date(2021, 1, 2)]
    assert p.partitions({"d": {dt.date(2021, 1, 3)}}) == [
        ({"d": dt.date(2021, 1, 3)}, "s3://bucket/tbl/d=2021%2F01%2F03/")
    ]
    days = (dt.date(2021, 1, 4) - dt.date(1970, 1, 1)).days  # the engine's physical DATE value
    assert values(p, "d", {"d": {days}}) == [dt.date(2021, 1, 4)]
    # out of range: zero partitions, no error (checklist 40)
    assert p.partitions({"d": {dt.date(2019, 2, 2)}}) == []


def test_date_projection_on_timestamp_column():
    p = build(
        {
            "projection.t.type": "date", "projection.t.format": "yyyy-MM-dd HH:mm:ss",
            "projection.t.range": "2021-01-01 00:00:00,2021-01-01 00:00:02",
            "projection.t.interval.unit": "SECONDS",
            "storage.location.template": "s3://b/${t}/",
        },
        [("t", TIMESTAMP)],
    )
    assert p.partitions({"t": {dt.datetime(2021, 1, 1, 0, 0, 1)}}) == [
        ({"t": dt.datetime(2021, 1, 1, 0, 0, 1)}, "s3://b/2021-01-01 00:00:01/")
    ]


def test_date_string_column_constrained_by_text():
    p = build(
        {"projection.d.type": "date", "projection.d.format": "yyyy-MM-dd", "projection.d.range": "2020-01-01,NOW"},
        [("d", STRING)],
        now=NOW,
    )
    assert values(p, "d", {"d": {"2024-03-01", "2019-02-02", "2030-01-01", "2024-3-1"}}) == ["2024-03-01"]


def test_date_range_starting_after_its_end_projects_nothing():
    p = build(
        {"projection.d.type": "date", "projection.d.format": "yyyy-MM-dd", "projection.d.range": "2030-01-01,NOW"},
        [("d", STRING)],
        now=NOW,
    )
    assert p.partitions({}) == []


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"projection.d.format": "yyyy-MM-dd", "projection.d.range": "2020-1-1,2020-01-05"}, "neither a date"),
        ({"projection.d.format": "yyyy-MM-dd", "projection.d.range": "2020-01-01 ,2020-01-05"}, "neither a date"),
        ({"projection.d.format": "yyyy-MM-dd", "projection.d.range": "now,NOW"}, "neither a date"),
        ({"projection.d.format": "yyyy-MM-dd", "projection.d.range": "2020-01-01"}, "two-element"),
        ({"projection.d.range": "2020-01-01,2020-01-02"}, "date format"),
        ({"projection.d.format": "yyyy-MMM-dd", "projection.d.range": "x,y"}, "'MMM' is not supported"),
        ({"projection.d.format": "yy-MM-dd", "projection.d.range": "x,y"}, "'yy' is not supported"),
        (
            {"projection.d.format": "yyyy-MM-dd", "projection.d.range": "NOW-1DAY,NOW", "projection.d.interval.unit": "FORTNIGHTS"},
            "interval.unit must be one of",
        ),
    ],
)
def test_date_invalid_configuration(extra, message):
    with pytest.raises(ProgrammingError, match=message):
        build({"projection.d.type": "date", **extra}, [("d", STRING)], now=NOW)


def test_date_range_too_long_hits_the_partition_limit():
    p = build(
        {
            "projection.t.type": "date", "projection.t.format": "yyyy-MM-dd HH:mm:ss",
            "projection.t.range": "2000-01-01 00:00:00,2001-01-01 00:00:00",
            "projection.t.interval.unit": "SECONDS",
        },
        [("t", STRING)],
    )
    with pytest.raises(ProgrammingError, match="HIVE_EXCEEDED_PARTITION_LIMIT"):
        p.partitions({})


def test_date_format_translation():
    assert DateFormat.from_java("yyyy-MM-dd").strftime == "%Y-%m-%d"
    assert DateFormat.from_java("yyyyMMdd").strftime == "%Y%m%d"
    assert DateFormat.from_java("uuuu/MM").precision == "MONTHS"
    assert DateFormat.from_java("'year='yyyy'/month='MM").strftime == "year=%Y/month=%m"
    assert DateFormat.from_java("yyyy''MM").strftime == "%Y'%m"
    assert DateFormat.from_java("yyyy%MM").strftime == "%Y%%%m"
    for bad in ("", "'x'", "yyyy-MM-dd[ HH]", "yyyy-MM-dd HH:mm:ss.SSS", "EEE"):
        with pytest.raises(ProgrammingError):
            DateFormat.from_java(bad)


# -- injected ---------------------------------------------------------------------------------
INJECTED = {"projection.device_id.type": "injected", "storage.location.template": "s3://b/prefix/${device_id}"}


def test_injected_requires_an_equality_filter():
    p = build(INJECTED, [("device_id", STRING)])
    expected = (
        "CONSTRAINT_VIOLATION: For the injected projected partition column device_id, the WHERE "
        "clause must contain only static equality conditions, and at least one such condition "
        "must be present."
    )
    for constraints in ({}, {"device_id": None}, None):
        with pytest.raises(ProgrammingError) as e:
            p.partitions(constraints)
        assert str(e.value) == expected


def test_injected_values_come_from_the_query():
    p = build(INJECTED, [("device_id", STRING)])
    assert p.partitions({"device_id": {"f71d", "4a77"}}) == [
        ({"device_id": "4a77"}, "s3://b/prefix/4a77"),
        ({"device_id": "f71d"}, "s3://b/prefix/f71d"),
    ]
    assert p.partitions({"device_id": set()}) == []  # contradictory filters: nothing to read


def test_injected_with_other_columns_fails_even_if_another_column_is_empty():
    p = build(
        {
            "projection.y.type": "integer", "projection.y.range": "2020,2021",
            "projection.id.type": "injected",
        },
        [("y", INTEGER), ("id", STRING)],
    )
    with pytest.raises(ProgrammingError, match="CONSTRAINT_VIOLATION"):
        p.partitions({"y": {1999}})
    assert locations(p, {"id": {"x"}}) == ["s3://bucket/tbl/y=2020/id=x/", "s3://bucket/tbl/y=2021/id=x/"]


# -- locations --------------------------------------------------------------------------------
PROPS2 = {
    "projection.year.type": "integer", "projection.year.range": "2020,2021",
    "projection.region.type": "enum", "projection.region.values": "us,eu",
}
COLS2 = [("year", INTEGER), ("region", STRING)]


def test_default_hive_layout_cartesian_product_first_column_slowest():
    p = build(PROPS2, COLS2)
    assert p.partitions({}) == [
        ({"year": 2020, "region": "eu"}, "s3://bucket/tbl/year=2020/region=eu/"),
        ({"year": 2020, "region": "us"}, "s3://bucket/tbl/year=2020/region=us/"),
        ({"year": 2021, "region": "eu"}, "s3://bucket/tbl/year=2021/region=eu/"),
        ({"year": 2021, "region": "us"}, "s3://bucket/tbl/year=2021/region=us/"),
    ]


@pytest.mark.parametrize("location", ["s3://bucket/tbl", "s3://bucket/tbl/", "s3://bucket/tbl//"])
def test_default_layout_has_exactly_one_slash_between_parts(location):
    p = build(PROPS2, COLS2, location=location)
    assert locations(p, {"year": {2020}, "region": {"us"}}) == ["s3://bucket/tbl/year=2020/region=us/"]


def test_default_layout_escapes_like_hive():
    assert hive_escape("a=b/c:d") == "a%3Db%2Fc%3Ad"
    assert hive_escape("plain-value_1 x") == "plain-value_1 x"
    p = build({"projection.t.type": "enum", "projection.t.values": "10:00"}, [("t", STRING)])
    assert locations(p) == ["s3://bucket/tbl/t=10%3A00/"]


def test_storage_location_template_substitutes_every_placeholder():
    p = build(
        {**PROPS2, "storage.location.template": "s3://bucket/root/r=${region}/${year}/static/${REGION}/"},
        COLS2,
    )
    assert locations(p, {"year": {2021}, "region": {"eu"}}) == ["s3://bucket/root/r=eu/2021/static/eu/"]


def test_storage_location_template_must_name_every_partition_column():
    with pytest.raises(ProgrammingError) as e:
        build({**PROPS2, "storage.location.template": "s3://bucket/root/${year}/"}, COLS2)
    assert str(e.value) == (
        "INVALID_TABLE_PROPERTY: The 'storage.location.template' table property must contain "
        "templates for all partition columns!"
    )


# -- configuration errors ---------------------------------------------------------------------
def test_missing_projection_configuration_uses_athenas_message():
    with pytest.raises(ProgrammingError) as e:
        build(
            {"projection.year.type": "integer", "projection.year.range": "1,2"},
            [("year", INTEGER), ("month", STRING), ("day", STRING)],
            table="sales_db.orders",
        )
    assert str(e.value) == (
        "HIVE_METASTORE_ERROR: Table sales_db.orders is configured for partition projection, but "
        "the following partition columns are missing projection configuration: [month, day] "
        "(table sales_db.orders)"
    )


def test_unknown_projection_type():
    with pytest.raises(ProgrammingError, match="must be one of enum, integer, date, injected"):
        build({"projection.c.type": "bucket"}, [("c", STRING)])


@pytest.mark.parametrize(
    "props, dtype",
    [
        ({"projection.c.type": "integer", "projection.c.range": "1,2"}, DATE),
        ({"projection.c.type": "date", "projection.c.format": "yyyy", "projection.c.range": "2020,2021"}, INTEGER),
        ({"projection.c.type": "enum", "projection.c.values": "1.5"}, DataType.decimal(4, 1)),
    ],
)
def test_projection_type_must_suit_the_column_type(props, dtype):
    with pytest.raises(ProgrammingError, match="INVALID_TABLE_PROPERTY"):
        build(props, [("c", dtype)])


def test_property_keys_and_constraint_names_ignore_case():
    p = build({"projection.Year.Type": "integer", "PROJECTION.YEAR.RANGE": "1,3"}, [("year", INTEGER)])
    assert values(p, "year", {"YEAR": {2}}) == [2]


def test_unpartitioned_table_projects_its_location():
    p = build({}, [])
    assert p.partitions({}) == [({}, "s3://bucket/tbl/")]


def test_unconfigured_decimal_column_is_missing_configuration():
    with pytest.raises(ProgrammingError, match="missing projection configuration: \\[c\\]"):
        build({}, [("c", DataType.decimal(4, 1))])


def test_injected_on_int_column_takes_values_as_given():
    p = build({"projection.c.type": "injected"}, [("c", INTEGER)])
    assert p.partitions({"c": {7, 3}}) == [({"c": 3}, "s3://bucket/tbl/c=3/"), ({"c": 7}, "s3://bucket/tbl/c=7/")]
