"""The supervision API (``/api/v1``): the card board, one card with its timeline, acknowledgement,
rectification reports with evidence files, review and closure, manual cards and the monitoring rules
in force (tag ``cards``); performance scores (tag ``scores``).

Who may do what, checked on every route (role) and in every query (unit): unit heads see and act on
their own unit's cards only (another unit's card answers 404, like one that does not exist);
supervisors see every card and alone review, close and issue cards; administrators read everything and
change nothing here. State changes go through :mod:`yangguang.supervision.service` only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yangguang.approval.queries import case_number_of
from yangguang.approval.service import get_case
from yangguang.core.errors import InvalidInput, NotFound
from yangguang.core.org import Person, Role
from yangguang.core.settings import get_settings
from yangguang.core.validation import NO_NUL
from yangguang.supervision import queries, scoring, service
from yangguang.supervision.models import Card, CardState, Evidence
from yangguang.supervision.registry import Level
from yangguang.supervision.schemas import (
    ERRORS,
    MAX_ID,
    CardDetail,
    CardPage,
    Category,
    EvidenceOut,
    ManualCardIn,
    NoteIn,
    ReportIn,
    ReportOut,
    RequiredNoteIn,
    RulePage,
    ScorePage,
    TimelineEntry,
)
from yangguang.web.deps import Db, Paging, is_overseer, page_of, paginate, require_roles

router = APIRouter()

CardReader = Annotated[Person, Depends(require_roles(Role.UNIT_HEAD, Role.SUPERVISOR, Role.ADMIN))]
Acknowledger = Annotated[Person, Depends(require_roles(Role.UNIT_HEAD, Role.SUPERVISOR))]
UnitHead = Annotated[Person, Depends(require_roles(Role.UNIT_HEAD))]
Supervisor = Annotated[Person, Depends(require_roles(Role.SUPERVISOR))]
Overseer = Annotated[Person, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN))]

CardNumber = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[^\x00-\x1f/]+$",
                                 description="card number, e.g. JC2026-000001")]
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
Day = Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="local day, YYYY-MM-DD (included)")]
PERIOD = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2]|[Qq][1-4])$"
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", service.DOCX: ".docx"}


def unit_scope(person: Person) -> int | None:
    """The one unit whose cards ``person`` may see, or None for an overseer (every unit)."""
    return None if is_overseer(person) else person.unit_id


def _now() -> datetime:
    return datetime.now(UTC)


def current_period() -> str:
    """This month in local time, ``YYYY-MM``."""
    return datetime.now(get_settings().zone).strftime("%Y-%m")


def card_path(number: str) -> str:
    return f"/api/v1/cards/{quote(number, safe='')}"


def _evidence(card: Card, evidence: Evidence) -> dict[str, Any]:
    return {"id": evidence.id, "filename": evidence.filename, "content_type": evidence.content_type,
            "size": evidence.size, "sha256": evidence.sha256, "uploaded_at": evidence.uploaded_at,
            "uploaded_by": evidence.uploaded_by, "rectification_id": evidence.rectification_id,
            "url": f"{card_path(card.number)}/evidence/{evidence.id}"}


def card_view(session: Session, card: Card) -> dict[str, Any]:
    """Everything about one card its readers see: the card, the case it is about, its reports with
    their files and the supervisor's verdicts, files not yet reported, and the notifications sent."""
    files: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for evidence in queries.evidence_of(session, card):
        files[evidence.rectification_id].append(_evidence(card, evidence))
    reports = [{"id": r.id, "submitted_at": r.submitted_at, "submitted_by": r.submitted_by, "text": r.text,
                "evidence": r.evidence, "files": files.get(r.id, []), "verdict": r.verdict,
                "reviewed_by": r.reviewed_by, "reviewed_at": r.reviewed_at, "review_note": r.review_note}
               for r in queries.reports(session, card)]
    return {**service.card_dict(session, card), "case_number": case_number_of(session, card.subject, card.subject_id),
            "rectification_required": card.rectification_obligation_id is not None, "reports": reports,
            "unreported_files": files.get(None, []), "notifications": queries.notifications(session, card)}


def case_obligation(session: Session, number: str) -> int:
    """The supervised obligation of the approval case numbered ``number`` (for a manual card)."""
    try:
        case = get_case(session, number)
    except NotFound as exc:
        raise NotFound("case_number", exc.reason) from exc
    if case.obligation_id is None:
        raise InvalidInput("case_number", f"办件 {number} 尚未受理，不在监察之中")
    return case.obligation_id


def _detail(session: Session, card: Card) -> CardDetail:
    return CardDetail.model_validate(card_view(session, card))


# -- the board and one card ---------------------------------------------------------------------------
@router.get("/api/v1/cards", response_model=CardPage, tags=["cards"], responses=ERRORS)
def list_cards(session: Db, person: CardReader, paging: Paging, level: Level | None = None,
               unit: Annotated[str | None, Query(max_length=20, pattern=NO_NUL, description="unit code")] = None,
               rule: Annotated[str | None, Query(max_length=80, pattern=NO_NUL, description="rule code")] = None,
               state: CardState | None = None, issued_from: Day = None, issued_to: Day = None) -> CardPage:
    """The card board, newest first: a unit head sees the own unit's cards only. ``counts`` gives the
    cards per level matching the other filters."""
    filters = {"unit_scope": unit_scope(person), "level": level, "unit": unit, "state": state, "rule": rule,
               "issued_from": issued_from, "issued_to": issued_to}
    page = paginate(session, queries.cards_query(session, **filters), paging, lambda c: service.card_dict(session, c))
    return CardPage(**page, counts=queries.level_counts(session, **filters))


@router.post("/api/v1/cards", response_model=CardDetail, status_code=201, tags=["cards"], responses=ERRORS)
def issue_card(body: ManualCardIn, session: Db, person: Supervisor) -> CardDetail:
    """Issue a card by hand (supervisor): level, unit, optional responsible person, reason, category and
    optionally the approval case (or obligation) it is about. Yellow and red cards demand rectification."""
    obligation_id = body.obligation_id
    if body.case_number is not None:
        if obligation_id is not None:
            raise InvalidInput("case_number", "办件编号与受监察事项编号只能填写其一")
        obligation_id = case_obligation(session, body.case_number)
    card = service.issue_manual_card(session, actor=person.login, level=body.level, unit=body.unit,
                                     reason=body.reason, person=body.person, category=body.category,
                                     obligation_id=obligation_id, at=_now())
    return _detail(session, card)


@router.get("/api/v1/cards/{number}", response_model=CardDetail, tags=["cards"], responses=ERRORS)
def card_detail(number: CardNumber, session: Db, person: CardReader) -> CardDetail:
    """One card with its reports, evidence files, the case it is about and the notifications sent."""
    return _detail(session, queries.visible_card(session, number, unit_scope(person)))


@router.get("/api/v1/cards/{number}/timeline", response_model=list[TimelineEntry], tags=["cards"],
            responses=ERRORS)
def card_timeline(number: CardNumber, session: Db, person: CardReader) -> list[TimelineEntry]:
    """The card's history from the audit trail, oldest first."""
    card = queries.visible_card(session, number, unit_scope(person))
    return [TimelineEntry.model_validate(entry) for entry in queries.timeline(session, card)]


# -- acting on a card ---------------------------------------------------------------------------------
@router.post("/api/v1/cards/{number}/acknowledge", response_model=CardDetail, tags=["cards"], responses=ERRORS)
def acknowledge(number: CardNumber, session: Db, person: Acknowledger, body: NoteIn | None = None) -> CardDetail:
    """签收: the head of the card's unit (or a supervisor) acknowledges an issued card."""
    card = queries.visible_card(session, number, unit_scope(person))
    service.acknowledge(session, card, actor=person.login, note=body.note if body else "", at=_now())
    return _detail(session, card)


@router.post("/api/v1/cards/{number}/evidence", response_model=EvidenceOut, status_code=201, tags=["cards"],
             responses=ERRORS)
def upload_evidence(number: CardNumber, session: Db, person: UnitHead,
                    file: Annotated[UploadFile, File(description="PDF, JPEG, PNG or DOCX, at most 5 MB")]
                    ) -> EvidenceOut:
    """Upload one evidence file (整改证明材料) for the next rectification report; the type is judged by
    the content. Submit it with the report by listing its id in ``evidence_files``."""
    card = queries.visible_card(session, number, unit_scope(person))
    content = file.file.read(service.MAX_EVIDENCE_BYTES + 1)
    evidence = service.add_evidence(session, card, actor=person.login, filename=file.filename or "",
                                    content=content, declared_type=file.content_type, at=_now())
    return EvidenceOut.model_validate(_evidence(card, evidence))


@router.get("/api/v1/cards/{number}/evidence/{evidence_id}", response_class=Response, tags=["cards"],
            responses={**ERRORS, 200: {"description": "the file as uploaded",
                                       "content": {media: {} for media in EXTENSIONS}}})
def download_evidence(number: CardNumber, evidence_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: Db,
                      person: CardReader) -> Response:
    """An evidence file, to the card's unit and overseers only."""
    card = queries.visible_card(session, number, unit_scope(person))
    evidence = queries.get_evidence(session, card, evidence_id)
    fallback = f"evidence-{evidence.id}{EXTENSIONS.get(evidence.content_type, '')}"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(evidence.filename, safe='')}"
    return Response(evidence.content, media_type=evidence.content_type,
                    headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
                             "Cache-Control": "private, no-store"})


@router.post("/api/v1/cards/{number}/rectifications", response_model=ReportOut, status_code=201, tags=["cards"],
             responses=ERRORS)
def submit_report(number: CardNumber, body: ReportIn, session: Db, person: UnitHead) -> ReportOut:
    """报送整改情况: the head of the card's unit reports what was rectified, with uploaded evidence files."""
    card = queries.visible_card(session, number, unit_scope(person))
    report = service.submit_rectification(session, card, actor=person.login, text=body.text,
                                          evidence_files=body.evidence_files, at=_now())
    return ReportOut.model_validate(next(r for r in card_view(session, card)["reports"] if r["id"] == report.id))


@router.post("/api/v1/cards/{number}/rectification/accept", response_model=CardDetail, tags=["cards"],
             responses=ERRORS)
def accept_report(number: CardNumber, session: Db, person: Supervisor, body: NoteIn | None = None) -> CardDetail:
    """The supervisor accepts the report awaiting review: the card is closed."""
    card = queries.visible_card(session, number, unit_scope(person))
    service.accept_rectification(session, card, actor=person.login, note=body.note if body else "", at=_now())
    return _detail(session, card)


@router.post("/api/v1/cards/{number}/rectification/reject", response_model=CardDetail, tags=["cards"],
             responses=ERRORS)
def reject_report(number: CardNumber, body: RequiredNoteIn, session: Db, person: Supervisor) -> CardDetail:
    """The supervisor sends the report back with a note; the rectification deadline keeps running."""
    card = queries.visible_card(session, number, unit_scope(person))
    service.reject_rectification(session, card, actor=person.login, note=body.note, at=_now())
    return _detail(session, card)


@router.post("/api/v1/cards/{number}/close", response_model=CardDetail, tags=["cards"], responses=ERRORS)
def close_card(number: CardNumber, body: RequiredNoteIn, session: Db, person: Supervisor) -> CardDetail:
    """The supervisor closes a card (dealt with, or issued in error); it stays on record."""
    card = queries.visible_card(session, number, unit_scope(person))
    service.close_card(session, card, actor=person.login, note=body.note, at=_now())
    return _detail(session, card)


# -- scores and rules ---------------------------------------------------------------------------------
@router.get("/api/v1/scores", response_model=ScorePage, tags=["scores"], responses=ERRORS)
def scores(session: Db, person: Overseer, paging: Paging,
           period: Annotated[str | None, Query(pattern=PERIOD, description="YYYY-MM (a month) or YYYY-Qn (a "
                                                                           "quarter); this month by default")] = None,
           by: Literal["unit", "window", "person"] = "unit") -> ScorePage:
    """Performance evaluation (绩效评估) per unit, window or person for a period, ranked, with grades."""
    period = (period or current_period()).upper()
    return ScorePage(period=period, by=by, **page_of(scoring.scores(session, period, by), paging))


@router.get("/api/v1/rules", response_model=RulePage, tags=["cards"], responses=ERRORS)
def rules(session: Db, person: CardReader, paging: Paging, kind: Literal["clock", "event"] | None = None,
          category: Category | None = None, enabled: bool | None = None) -> RulePage:
    """The monitoring rules (监察规则) with the level, parameters and switch in force (read-only)."""
    rows = [r for r in queries.rule_rows(session) if (kind is None or r["kind"] == kind)
            and (category is None or r["category"] == category) and (enabled is None or r["enabled"] == enabled)]
    return RulePage(**page_of(rows, paging))
