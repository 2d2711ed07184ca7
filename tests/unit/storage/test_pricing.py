"""The bill of one query (storage.pricing): reference 6.5, checklist item 38."""

import pytest

from columnar.core.errors import InternalError
from columnar.storage import pricing
from columnar.storage.pricing import (
    DEFAULT_PRICE_PER_TB,
    MB_BYTES,
    TB_BYTES,
    billed_bytes,
    charge,
)

MB = 2**20


def test_constants():
    assert DEFAULT_PRICE_PER_TB == 5.0
    assert MB_BYTES == 2**20
    assert TB_BYTES == 2**40


@pytest.mark.parametrize(
    "scanned, billed_mb",
    [
        (1, 10),  # the 10 MB minimum
        (MB, 10),
        (10 * MB - 1, 10),
        (10 * MB, 10),
        (10 * MB + 1, 11),  # rounded up to the next MB
        (11 * MB, 11),
        (2**30, 1024),
        (2**40, 2**20),
        (2**40 + 1, 2**20 + 1),
    ],
)
def test_billed_bytes_round_up_to_whole_mb_with_a_10_mb_minimum(scanned, billed_mb):
    assert billed_bytes(scanned) == billed_mb * MB


def test_one_terabyte_costs_five_dollars():
    assert charge(2**40) == 5.0
    assert charge(2**40, price_per_tb=6.25) == 6.25
    assert charge(10 * 2**40) == 50.0


def test_small_queries_pay_the_minimum():
    assert charge(1) == 5.0 * 10 * MB / 2**40
    assert charge(1) == charge(10 * MB)
    assert charge(10 * MB + 1) == 5.0 * 11 / 2**20


def test_zero_bytes_scanned_bills_the_minimum():
    # documented choice: the minimum applies to every query that ran, see the module docstring
    assert billed_bytes(0) == 10 * MB
    assert charge(0) == charge(1)


def test_zero_bytes_switch(monkeypatch):
    monkeypatch.setattr(pricing, "BILL_MINIMUM_WHEN_NOTHING_SCANNED", False)
    assert billed_bytes(0) == 0
    assert charge(0) == 0.0
    assert billed_bytes(1) == 10 * MB


def test_charge_is_monotonic_in_bytes():
    sizes = [0, 1, 10 * MB, 10 * MB + 1, 123_456_789, 2**35, 2**40]
    costs = [charge(s) for s in sizes]
    assert costs == sorted(costs)


def test_free_price():
    assert charge(2**40, price_per_tb=0.0) == 0.0


def test_negative_inputs_are_internal_errors():
    with pytest.raises(InternalError):
        billed_bytes(-1)
    with pytest.raises(InternalError):
        charge(1, price_per_tb=-5.0)
