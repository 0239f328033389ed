"""Performance evaluation (绩效评估) with figures computed by hand.

Defaults (defaults.toml [scoring]): weights on-time 0.5, early 0.1, time saved 0.1, satisfaction 0.3
(re-normalised over the components available); deductions warning 0, yellow 2, red 5; satisfaction
1 → 100 … 5 → 0; grades 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60 [DESIGN.md "Performance evaluation";
approval-and-supervision.md "Levels and timing"].
"""

from __future__ import annotations

import pytest

from tests.factories import at, make_person, make_unit, make_window
from yangguang.core import clocks
from yangguang.core.errors import InvalidInput
from yangguang.core.events import Event, emit
from yangguang.supervision import service
from yangguang.supervision.scoring import period_bounds, scores


def _done(db, unit, start: str, end: str, *, limit: int = 5, kind: str = "approval.case", clock_kind: str = "promised",
          window=None, person=None, n: list[int] = [0]):  # noqa: B006 - a counter for subject ids
    n[0] += 1
    obligation = clocks.open_obligation(db, kind=kind, subject="case", subject_id=n[0], title=f"办件{n[0]}",
                                        unit_id=unit.id, person_id=person.id if person else None,
                                        window_id=window.id if window else None, at=at(start), actor="test")
    clocks.start_clock(db, obligation, kind=clock_kind, unit="workdays", limit=limit, start_at=at(start), actor="test")
    if end:
        clocks.close_obligation(db, obligation, at=at(end), actor="test")
    db.flush()  # ids are assigned at flush
    return obligation


@pytest.fixture
def hall(db):
    a = make_unit(db, code="A", name="甲局")
    b = make_unit(db, code="B", name="乙局")
    oversight = make_unit(db, code="JW", name="县纪委监委")
    make_person(db, oversight, "wang", ["supervisor"])
    w1 = make_window(db, a, "A01", "甲局窗口一")
    w2 = make_window(db, a, "A02", "甲局窗口二")
    # Unit A, March 2026, 5 working days from Mon 2 Mar (due end of Mon 9 Mar):
    c1 = _done(db, a, "2026-03-02 10:00", "2026-03-04 10:00", window=w1)  # used 2: on time, early, 0.4
    _done(db, a, "2026-03-02 10:00", "2026-03-09 15:00", window=w1)  # used 5: on time, not early, 1.0
    _done(db, a, "2026-03-02 10:00", "2026-03-11 10:00", window=w2)  # used 7: late, 1.4
    _done(db, a, "2026-03-02 10:00", "2026-03-03 10:00", window=w2)  # used 1: on time, early, 0.2
    _done(db, a, "2026-02-02 10:00", "2026-02-27 10:00")  # closed in February: not counted
    _done(db, a, "2026-03-30 10:00", "2026-04-01 10:00")  # closed in April: not counted
    _done(db, a, "2026-03-02 10:00", None)  # still open: not counted
    _done(db, a, "2026-03-02 10:00", "2026-03-03 10:00", kind="other.kind")  # another kind: not counted
    # Unit B: one case, used 1 of 5
    _done(db, b, "2026-03-02 10:00", "2026-03-03 10:00")
    for code, when in (("1", "2026-03-05 10:00"), ("2", "2026-03-06 10:00"), ("5", "2026-04-01 10:00")):
        emit(db, Event(type="approval.rated", subject="case", subject_id=str(c1.subject_id), obligation_id=c1.id,
                       data={"rating": code}, at=at(when)))
    service.issue_manual_card(db, actor="wang", level="yellow", unit="A", reason="窗口服务不规范", obligation_id=c1.id,
                              at=at("2026-03-20 10:00"))
    service.issue_manual_card(db, actor="wang", level="red", unit="A", reason="四月的卡", at=at("2026-04-02 10:00"))
    return {"a": a, "b": b, "w1": w1, "w2": w2}


def test_unit_scores(db, hall):
    rows = {r["code"]: r for r in scores(db, "2026-03", "unit")}
    a, b = rows["A"], rows["B"]
    # A: 4 completed, 3 on time (75 %), 2 early (50 %), mean ratio (0.4+1+1.4+0.2)/4 = 0.75 → time saved 25;
    # ratings 1 and 2 in March → (100 + 75) / 2 = 87.5; base 0.5·75 + 0.1·50 + 0.1·25 + 0.3·87.5 = 71.25;
    # one yellow card in March: − 2 → 69.25 → 合格 (the April red and rating are not in March)
    assert (a["completed"], a["on_time"], a["on_time_rate"], a["early"], a["early_rate"], a["time_ratio"]) == (
        4, 3, 75.0, 2, 50.0, 0.75)
    assert (a["ratings"], a["satisfaction"], a["yellow"], a["red"], a["score"], a["grade"]) == (
        2, 87.5, 1, 0, 69.25, "合格")
    # B: 1 completed, on time and early, ratio 0.2 → time saved 80; no ratings, so the weights
    # re-normalise over 0.7: (50 + 10 + 8) / 0.7 = 97.14 → 优秀
    assert (b["completed"], b["time_ratio"], b["satisfaction"], b["score"], b["grade"]) == (1, 0.2, None, 97.14, "优秀")
    assert (b["rank"], a["rank"]) == (1, 2)


def test_window_scores(db, hall):
    rows = {r["code"]: r for r in scores(db, "2026-03", "window")}
    w1, w2 = rows["A01"], rows["A02"]
    # A01: cases used 2 and 5 → on time 100 %, early 50 %, ratio 0.7 → 30; ratings 87.5; the yellow card's
    # obligation is c1 at A01: 50 + 5 + 3 + 26.25 − 2 = 82.25 → 良好
    assert (w1["completed"], w1["on_time_rate"], w1["early_rate"], w1["time_ratio"], w1["yellow"]) == (
        2, 100.0, 50.0, 0.7, 1)
    assert (w1["score"], w1["grade"], w1["rank"]) == (82.25, "良好", 1)
    # A02: used 7 (late) and 1 → on time 50 %, early 50 %, ratio 0.8 → 20: (25 + 5 + 2) / 0.7 = 45.71 → 不合格
    assert (w2["on_time_rate"], w2["time_ratio"], w2["score"], w2["grade"], w2["rank"]) == (
        50.0, 0.8, 45.71, "不合格", 2)


def test_person_scores_use_step_clocks(db):
    unit = make_unit(db)
    p1 = make_person(db, unit, "p1", ["approver"])
    p2 = make_person(db, unit, "p2", ["approver"])
    # 2-working-day steps from Mon 2 Mar: p1 done on the 3rd (used 1: on time, early, 0.5 → (50+10+5)/0.7),
    # p2 on the 5th (used 3: late, 1.5 → 0)
    _done(db, unit, "2026-03-02 10:00", "2026-03-03 10:00", limit=2, kind="approval.step", clock_kind="step", person=p1)
    _done(db, unit, "2026-03-02 10:00", "2026-03-05 10:00", limit=2, kind="approval.step", clock_kind="step", person=p2)
    rows = {r["code"]: r for r in scores(db, "2026-03", "person")}
    assert (rows["p1"]["score"], rows["p1"]["grade"], rows["p1"]["rank"]) == (92.86, "优秀", 1)
    assert (rows["p2"]["score"], rows["p2"]["grade"], rows["p2"]["on_time_rate"]) == (0.0, "不合格", 0.0)


def test_weights_and_grades_come_from_configuration(db, hall, tmp_path, monkeypatch):
    from yangguang.core.settings import reset_settings

    path = tmp_path / "c.toml"
    path.write_text("[scoring.weights]\non_time = 1.0\nearly = 0\ntime_saved = 0\nsatisfaction = 0\n"
                    "[scoring.deductions]\nyellow = 10\n[scoring.grades]\npass = 70\n", "utf-8")
    monkeypatch.setenv("YANGGUANG_CONFIG", str(path))
    reset_settings()
    try:
        a = {r["code"]: r for r in scores(db, "2026-03")}["A"]
        assert (a["score"], a["grade"]) == (65.0, "不合格")  # 75 − 10
    finally:
        monkeypatch.delenv("YANGGUANG_CONFIG")
        reset_settings()


def test_quarter_and_bad_periods(db, hall):
    # Q1 adds A's February case: 2 Feb → 27 Feb used 14 working days of 5 (the Spring Festival 15–23 Feb
    # not counted, Sat 14 Feb worked), late: on time 3/5 = 60, early 2/5 = 40, mean ratio (3.0 + 2.8)/5 = 1.16
    # → time saved 0; 0.5·60 + 0.1·40 + 0 + 0.3·87.5 − 2 = 58.25
    quarter = {r["code"]: r for r in scores(db, "2026-Q1")}
    assert (quarter["A"]["completed"], quarter["A"]["time_ratio"], quarter["A"]["score"]) == (5, 1.16, 58.25)
    assert quarter["B"]["score"] == 97.14
    assert period_bounds("2026-12") == (at("2026-12-01 00:00"), at("2027-01-01 00:00"))
    for bad in ("2026-13", "2026/03", "", "March"):
        with pytest.raises(InvalidInput) as error:
            scores(db, bad)
        assert error.value.field == "period"
    with pytest.raises(InvalidInput) as error:
        scores(db, "2026-03", "department")
    assert error.value.field == "by"
