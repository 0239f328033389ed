"""The information-processing fee (信息处理费) [政府信息公开信息处理费管理办法, 国办函〔2020〕109号].

Free in principle [条例 Art. 42]. Where the volume or frequency of requests clearly exceeds a
reasonable range, the organ may charge by one of two methods, each computed progressively ("超额累进")
and chosen per request, never both for the same request [办法 Art. 3]:

* per request (按件计收) [办法 Art. 4], by the request's rank among the applicant's requests of the
  calendar month: the 1st–10th are free; the 11th–30th cost ¥100 each; from the 31st on, the fee per
  request rises by ¥100 for each further band of 10 (31st–40th ¥200, 41st–50th ¥300, …);
* per volume (按量计收) [办法 Art. 5], by the pages of the information provided, each band at its own
  rate: pages 1–30 free; 31–100 ¥10 a page; 101–200 ¥20 a page; from 201 on ¥40 a page.

Pure functions; amounts in fen.
"""

from __future__ import annotations

from yangguang.core.errors import InvalidInput
from yangguang.disclosure.codes import FEE_METHOD_LABELS, FeeMethod

YUAN = 100  # fen
FREE_REQUESTS = 10
FLAT_BAND_LAST = 30  # the 11th–30th request: the first paying band
REQUEST_FEE_STEP_FEN = 100 * YUAN  # ¥100 a request, +¥100 for each band of 10 after the 30th
REQUEST_BAND = 10
# (first page of the band, fee per page in fen); the band runs to the page before the next one
PAGE_BANDS = ((1, 0), (31, 10 * YUAN), (101, 20 * YUAN), (201, 40 * YUAN))


def _positive(value: object, field: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(field, f"{what}应为正整数，输入值为 {value!r}")
    return value


def per_request_fee_fen(nth_in_month: int) -> int:
    """The fee for the applicant's ``nth_in_month`` request of a calendar month [办法 Art. 4]."""
    nth = _positive(nth_in_month, "nth_in_month", "本月累计申请件数")
    if nth <= FREE_REQUESTS:
        return 0
    if nth <= FLAT_BAND_LAST:
        return REQUEST_FEE_STEP_FEN
    extra_bands = (nth - FLAT_BAND_LAST - 1) // REQUEST_BAND + 1  # 31–40: 1, 41–50: 2, ...
    return REQUEST_FEE_STEP_FEN * (1 + extra_bands)


def per_volume_fee_fen(pages: int) -> int:
    """The fee for ``pages`` pages, each band of pages at its own rate [办法 Art. 5]."""
    pages = _positive(pages, "pages", "页数")
    total = 0
    for index, (first, rate) in enumerate(PAGE_BANDS):
        last = PAGE_BANDS[index + 1][0] - 1 if index + 1 < len(PAGE_BANDS) else pages
        if pages >= first:
            total += (min(pages, last) - first + 1) * rate
    return total


def compute_fee(method: str, *, nth_in_month: int | None = None, pages: int | None = None) -> int:
    """The fee by ``method`` from the one input that method takes; both inputs at once are refused,
    whatever the method: one request is never charged by both methods [办法 Art. 3]."""
    if nth_in_month is not None and pages is not None:
        raise InvalidInput("method", "同一申请不得同时按件和按量计收信息处理费（国办函〔2020〕109号第三条）")
    if method == FeeMethod.PER_REQUEST:
        if nth_in_month is None:
            raise InvalidInput("nth_in_month", "按件计收须给出申请人本自然月内的累计申请件数")
        return per_request_fee_fen(nth_in_month)
    if method == FeeMethod.PER_VOLUME:
        if pages is None:
            raise InvalidInput("pages", "按量计收须给出页数")
        return per_volume_fee_fen(pages)
    methods = "、".join(f"{m.value} {label}" for m, label in FEE_METHOD_LABELS.items())
    raise InvalidInput("method", f"未知的计收方式 {method!r}（{methods}）")
