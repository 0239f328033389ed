"""The supervision workspace (pages): the card board with htmx filters, a card with its timeline and
the actions its reader may take, and the manual card form.

Authorisation is the API's (:mod:`yangguang.supervision.api`): the same role dependencies and the same
unit scope in every query. An action posts a form; success redirects to the card with a notice, a
refusal the reader can mend (bad input, wrong state) shows the card again with the reason, and nothing
of the failed action is kept (it ran in a savepoint).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.errors import Conflict, InvalidInput, NotFound
from yangguang.core.org import Person, Role, Unit
from yangguang.core.validation import NO_NUL
from yangguang.supervision import engine, queries, scoring, service
from yangguang.supervision.api import (
    FIRST_DAY,
    LAST_DAY,
    PERIOD,
    Acknowledger,
    CardNumber,
    CardReader,
    Overseer,
    Supervisor,
    UnitHead,
    card_view,
    case_obligation,
    current_period,
    unit_scope,
)
from yangguang.supervision.engine import due_text
from yangguang.supervision.models import CARD_STATE_LABELS, Card, CardState
from yangguang.supervision.registry import CATEGORIES, LEVEL_LABELS, Level
from yangguang.web.deps import Db, Paging, is_htmx, paginate
from yangguang.web.templating import render

router = APIRouter()

Text = Annotated[str, Form(max_length=5000, pattern=NO_NUL)]
Note = Annotated[str, Form(max_length=1000, pattern=NO_NUL)]
Filter = Annotated[str, Query(max_length=80, pattern=NO_NUL)]
MENDABLE = (InvalidInput, Conflict, NotFound)  # shown on the page; Forbidden goes to the audited error page
DONE = {"issued": "监察牌已发出。", "acknowledged": "已签收。", "reported": "整改情况已报送，等待纪检监察审核。",
        "accepted": "整改已审核通过，监察牌已办结。", "rejected": "整改报告已退回，责任单位须重新报送。",
        "closed": "监察牌已办结。"}


def _now() -> datetime:
    return datetime.now(UTC)


# -- the board ----------------------------------------------------------------------------------------
def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(field, f"{value!r} 不是日期（YYYY-MM-DD）") from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(field, f"日期须在 {FIRST_DAY.year} 至 {LAST_DAY.year} 年之间")
    return day


def _board_filters(person: Person, values: dict[str, str]) -> dict[str, Any]:
    """The board's query parameters as filters of :func:`queries.cards_query` (InvalidInput when bad)."""
    if values["level"] and values["level"] not in {level.value for level in Level}:
        raise InvalidInput("level", f"未知的级别 {values['level']!r}")
    if values["state"] and values["state"] not in {state.value for state in CardState}:
        raise InvalidInput("state", f"未知的状态 {values['state']!r}")
    scope = unit_scope(person)
    return {"unit_scope": scope, "level": values["level"] or None, "state": values["state"] or None,
            "unit": (values["unit"] or None) if scope is None else None, "rule": values["rule"] or None,
            "issued_from": _day(values["issued_from"], "issued_from"),
            "issued_to": _day(values["issued_to"], "issued_to")}


@router.get("/staff/cards", include_in_schema=False)
def board(request: Request, session: Db, person: CardReader, paging: Paging, level: Filter = "",
          unit: Filter = "", state: Filter = "", rule: Filter = "", issued_from: Filter = "",
          issued_to: Filter = "") -> Response:
    values = {"level": level, "unit": unit, "state": state, "rule": rule, "issued_from": issued_from,
              "issued_to": issued_to}
    context: dict[str, Any] = {"values": values, "error": None, "items": [], "total": 0, "page": paging.page,
                               "per_page": paging.per_page, "counts": {lv.value: 0 for lv in Level},
                               "query": urlencode({k: v for k, v in values.items() if v}), "due_text": due_text}
    status = 200
    try:
        filters = _board_filters(person, values)
        context.update(paginate(session, queries.cards_query(session, **filters), paging,
                                lambda c: service.card_dict(session, c)))
        context["counts"] = queries.level_counts(session, **filters)
    except InvalidInput as exc:
        context["error"], status = exc.reason, exc.http_status
    if is_htmx(request):
        response = render(request, "cards/_board.html", context, status=status)
        response.headers["Vary"] = "HX-Request"  # the same address answers a page or its list
        return response
    overseer = unit_scope(person) is None
    units = list(session.scalars(select(Unit).order_by(Unit.code))) if overseer else []
    context.update(overseer=overseer, units=units, rules=queries.rule_choices(), levels=LEVEL_LABELS,
                   states=CARD_STATE_LABELS)
    response = render(request, "cards/board.html", context, status=status)
    response.headers["Vary"] = "HX-Request"
    return response


# -- a manual card ------------------------------------------------------------------------------------
def _new_card_page(request: Request, session: Session, values: dict[str, str], error: str | None = None,
                   status: int = 200) -> Response:
    units = list(session.scalars(select(Unit).where(Unit.active).order_by(Unit.code)))
    return render(request, "cards/new.html", {"values": values, "error": error, "units": units,
                                              "levels": LEVEL_LABELS, "categories": CATEGORIES}, status=status)


@router.get("/staff/cards/new", include_in_schema=False)
def new_card_form(request: Request, session: Db, person: Supervisor) -> Response:
    return _new_card_page(request, session, {"level": "yellow", "category": "其他"})


@router.post("/staff/cards/new", include_in_schema=False)
def new_card(request: Request, session: Db, person: Supervisor,
             level: Annotated[str, Form(max_length=10, pattern=NO_NUL)] = "",
             unit: Annotated[str, Form(max_length=20, pattern=NO_NUL)] = "",
             responsible: Annotated[str, Form(max_length=60, pattern=NO_NUL)] = "",
             category: Annotated[str, Form(max_length=10, pattern=NO_NUL)] = "",
             reason: Annotated[str, Form(max_length=2000, pattern=NO_NUL)] = "",
             case_number: Annotated[str, Form(max_length=40, pattern=NO_NUL)] = "") -> Response:
    values = {"level": level, "unit": unit, "responsible": responsible, "category": category, "reason": reason,
              "case_number": case_number}
    try:
        with session.begin_nested():
            if not unit:
                raise InvalidInput("unit", "请选择责任单位")
            obligation_id = case_obligation(session, case_number.strip()) if case_number.strip() else None
            card = service.issue_manual_card(session, actor=person.login, level=level, unit=unit, reason=reason,
                                             person=responsible.strip() or None, category=category,
                                             obligation_id=obligation_id, at=_now())
    except MENDABLE as exc:
        return _new_card_page(request, session, values, exc.reason, exc.http_status)
    return RedirectResponse(f"{engine.card_link(card.number)}?done=issued", status_code=303)


# -- one card -----------------------------------------------------------------------------------------
def _permissions(person: Person, card: Card) -> dict[str, bool]:
    """Which action forms the page offers (the routes and the service check again)."""
    supervisor = person.has_role(Role.SUPERVISOR)
    own_head = person.has_role(Role.UNIT_HEAD) and person.unit_id == card.unit_id
    return {"acknowledge": card.state == CardState.ISSUED and (supervisor or own_head),
            "report": own_head and card.rectification_obligation_id is not None
            and card.state in service.OPEN_FOR_REPORT,
            "review": supervisor and card.state == CardState.RECTIFIED,
            "close": supervisor and card.state != CardState.CLOSED}


def _card_page(request: Request, session: Session, person: Person, card: Card, *, error: str | None = None,
               done: str | None = None, status: int = 200) -> Response:
    view = card_view(session, card)
    due = view["rectification_due"]
    overdue = due is not None and due <= _now() and card.state in service.OPEN_FOR_REPORT
    context = {"card": view, "timeline": queries.timeline(session, card), "can": _permissions(person, card),
               "due_text": due_text(due) if due else None, "overdue": overdue, "error": error,
               "notice": DONE.get(done or ""), "max_mb": service.MAX_EVIDENCE_BYTES // (1024 * 1024)}
    return render(request, "cards/detail.html", context, status=status)


@router.get("/staff/cards/{number}", include_in_schema=False)
def card_page(request: Request, number: CardNumber, session: Db, person: CardReader,
              done: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    card = queries.visible_card(session, number, unit_scope(person))
    return _card_page(request, session, person, card, done=done)


def _act(request: Request, session: Session, person: Person, number: str, action: Callable[[Card], object],
         done: str) -> Response:
    card = queries.visible_card(session, number, unit_scope(person))
    try:
        with session.begin_nested():
            action(card)
    except MENDABLE as exc:
        return _card_page(request, session, person, card, error=exc.reason, status=exc.http_status)
    return RedirectResponse(f"{engine.card_link(card.number)}?done={done}", status_code=303)


@router.post("/staff/cards/{number}/acknowledge", include_in_schema=False)
def acknowledge(request: Request, number: CardNumber, session: Db, person: Acknowledger, note: Note = "") -> Response:
    return _act(request, session, person, number,
                lambda card: service.acknowledge(session, card, actor=person.login, note=note, at=_now()),
                "acknowledged")


@router.post("/staff/cards/{number}/rectification", include_in_schema=False)
def report(request: Request, number: CardNumber, session: Db, person: UnitHead, text: Text = "",
           files: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    def submit(card: Card) -> None:
        now = _now()
        chosen = [f for f in files or [] if f.filename]  # an empty file input still sends a nameless part
        ids = [service.add_evidence(session, card, actor=person.login, filename=f.filename,
                                    content=f.file.read(service.MAX_EVIDENCE_BYTES + 1),
                                    declared_type=f.content_type, at=now).id for f in chosen]
        service.submit_rectification(session, card, actor=person.login, text=text, evidence_files=ids, at=now)

    return _act(request, session, person, number, submit, "reported")


@router.post("/staff/cards/{number}/accept", include_in_schema=False)
def accept(request: Request, number: CardNumber, session: Db, person: Supervisor, note: Note = "") -> Response:
    return _act(request, session, person, number,
                lambda card: service.accept_rectification(session, card, actor=person.login, note=note,
                                                          at=_now()), "accepted")


@router.post("/staff/cards/{number}/reject", include_in_schema=False)
def reject(request: Request, number: CardNumber, session: Db, person: Supervisor, note: Note = "") -> Response:
    return _act(request, session, person, number,
                lambda card: service.reject_rectification(session, card, actor=person.login, note=note,
                                                          at=_now()), "rejected")


@router.post("/staff/cards/{number}/close", include_in_schema=False)
def close(request: Request, number: CardNumber, session: Db, person: Supervisor, note: Note = "") -> Response:
    return _act(request, session, person, number,
                lambda card: service.close_card(session, card, actor=person.login, note=note, at=_now()), "closed")


# -- scores and rules ---------------------------------------------------------------------------------
BY_LABELS = {"unit": "单位", "window": "窗口", "person": "人员"}


@router.get("/staff/scores", include_in_schema=False)
def scores_page(request: Request, session: Db, person: Overseer, period: Filter = "", by: Filter = "unit") -> Response:
    """Monthly (or quarterly) performance evaluation per unit, window or person, ranked and graded."""
    period = (period.strip() or current_period()).upper()
    rows: list[dict[str, Any]] = []
    error = None
    if by not in BY_LABELS:
        error = f"未知的评估对象 {by!r}（单位、窗口或人员）"
    elif not re.fullmatch(PERIOD, period):
        error = f"{period!r} 不是有效的期间：请填写 YYYY-MM（月）或 YYYY-Qn（季度）"
    else:
        rows = scoring.scores(session, period, by)
    chart = {"names": [r["name"] for r in rows if r["score"] is not None],
             "scores": [r["score"] for r in rows if r["score"] is not None]}
    return render(request, "cards/scores.html", {"period": period, "by": by, "by_labels": BY_LABELS, "rows": rows,
                                                 "chart": chart, "error": error}, status=422 if error else 200)


@router.get("/staff/rules", include_in_schema=False)
def rules_page(request: Request, session: Db, person: CardReader) -> Response:
    """The monitoring rules in force (read-only; an administrator changes them elsewhere)."""
    return render(request, "cards/rules.html", {"rules": queries.rule_rows(session)})
