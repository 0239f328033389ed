"""The information-processing fee [政府信息公开信息处理费管理办法, 国办函〔2020〕109号], at every band edge."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yangguang.core.errors import InvalidInput
from yangguang.disclosure.fees import compute_fee, per_request_fee_fen, per_volume_fee_fen


@pytest.mark.parametrize(("nth", "fen"), [
    (1, 0), (10, 0),  # 10 requests a month or fewer: free
    (11, 10_000), (30, 10_000),  # 11–30: ¥100 each
    (31, 20_000), (40, 20_000),  # 31 on: +¥100 per band of 10
    (41, 30_000), (50, 30_000),
    (51, 40_000), (60, 40_000), (61, 50_000),
])
def test_per_request_fee_by_rank_in_the_month(nth, fen):
    """按件计收 [国办函〔2020〕109号 Art. 4]: 1–10 free; 11–30 ¥100; from 31 on +¥100 per band of 10."""
    assert per_request_fee_fen(nth) == fen


@pytest.mark.parametrize(("pages", "fen"), [
    (1, 0), (30, 0),  # 30 pages or fewer: free
    (31, 1_000), (100, 70_000),  # pages 31–100: ¥10 a page
    (101, 72_000), (200, 270_000),  # pages 101–200: ¥20 a page on top of the ¥700 of the band before
    (201, 274_000), (250, 470_000),  # from page 201: ¥40 a page
])
def test_per_volume_fee_is_progressive_by_band(pages, fen):
    """按量计收 [国办函〔2020〕109号 Art. 5]: each band of pages at its own rate (超额累进, Art. 3)."""
    assert per_volume_fee_fen(pages) == fen


@given(st.integers(min_value=1, max_value=5_000))
def test_each_further_page_costs_its_bands_rate(pages):
    """超额累进 [国办函〔2020〕109号 Arts. 3, 5]: page n+1 adds exactly the rate of the band it falls in."""
    page = pages + 1
    rate = 0 if page <= 30 else 1_000 if page <= 100 else 2_000 if page <= 200 else 4_000
    assert per_volume_fee_fen(page) - per_volume_fee_fen(pages) == rate


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "3", None])
def test_counts_must_be_positive_integers(bad):
    with pytest.raises(InvalidInput) as request_error:
        per_request_fee_fen(bad)
    with pytest.raises(InvalidInput) as volume_error:
        per_volume_fee_fen(bad)
    assert (request_error.value.field, volume_error.value.field) == ("nth_in_month", "pages")


def test_compute_fee_by_the_chosen_method():
    assert compute_fee("per_request", nth_in_month=31) == 20_000
    assert compute_fee("per_volume", pages=101) == 72_000


@pytest.mark.parametrize("method", ["per_request", "per_volume", "both"])
def test_both_inputs_at_once_are_refused_whatever_the_method(method):
    """One request is never charged by both methods [国办函〔2020〕109号 Art. 3]."""
    with pytest.raises(InvalidInput) as caught:
        compute_fee(method, nth_in_month=11, pages=40)
    assert caught.value.field == "method" and "同时" in caught.value.reason


@pytest.mark.parametrize(("method", "kw", "field"), [
    ("per_request", {"pages": 40}, "nth_in_month"),
    ("per_volume", {"nth_in_month": 11}, "pages"),
    ("per_word", {"pages": 40}, "method"),
])
def test_a_method_with_the_wrong_input_or_an_unknown_method_is_refused(method, kw, field):
    with pytest.raises(InvalidInput) as caught:
        compute_fee(method, **kw)
    assert caught.value.field == field
