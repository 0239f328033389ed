"""Shared set-up of the web tests of proactive disclosure and the annual report: two organs with disclosure
staff who can log in, and items driven through the service."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.factories import make_unit
from tests.web.conftest import staff
from yangguang.core import db
from yangguang.core.audit import AuditEntry
from yangguang.core.clocks import local_day
from yangguang.disclosure.models import Publication, PublicationReview
from yangguang.disclosure.service import publications as service

DRAFTER, REVIEWER, HEAD, CLERK, OUTSIDER, SUPERVISOR, ADMIN = "gk1", "gk2", "head", "clerk", "zj1", "jc", "admin"
ORGAN, ORGAN_NAME, OTHER = "SCJ", "县市场监督管理局", "ZJJ"
CREDIT_CODE = "113301000024912353"
VALID_ID = "11010519491231002X"
NEAR_MISS = "110105194912310021"  # wrong check character (X)
TITLE = "关于开展食品安全专项检查的通知"


def build_organs(db_url: str) -> None:
    with db.transaction(db_url) as session:
        unit = make_unit(session, code=ORGAN, name=ORGAN_NAME, credit_code=CREDIT_CODE)
        other = make_unit(session, code=OTHER, name="县住房和城乡建设局")
        staff(session, unit, DRAFTER, ["disclosure"], name="公开员甲")
        staff(session, unit, REVIEWER, ["disclosure"], name="公开员乙")
        staff(session, unit, HEAD, ["unit_head"], name="张局长")
        staff(session, unit, CLERK, ["clerk"], name="李窗口")
        staff(session, other, OUTSIDER, ["disclosure"], name="住建公开员")
        staff(session, other, "zj2", ["disclosure"], name="住建审查员")
        staff(session, other, SUPERVISOR, ["supervisor"], name="王监察")
        staff(session, other, ADMIN, ["admin"], name="管理员")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> str:
    return local_day(now()).isoformat()


def draft(db_url: str, *, login: str = DRAFTER, body: str = "各乡镇市场监管所：现将专项检查工作安排通知如下。",
          title: str = TITLE, **kw) -> int:
    with db.transaction(db_url) as session:
        publication = service.create_draft(session, login, title=title, category=kw.pop("category", "02"),
                                           formed_on=today(), body=body, at=now(), **kw)
        return publication.id


def submitted(db_url: str, **kw) -> int:
    publication_id = draft(db_url, **kw)
    with db.transaction(db_url) as session:
        service.submit_for_review(session, DRAFTER, publication_id, at=now())
    return publication_id


def approved(db_url: str, **kw) -> int:
    publication_id = submitted(db_url, **kw)
    with db.transaction(db_url) as session:
        service.review(session, REVIEWER, publication_id, verdict="approve", reasons="可以公开", at=now())
    return publication_id


def published(db_url: str, **kw) -> str:
    publication_id = approved(db_url, **kw)
    with db.transaction(db_url) as session:
        return service.publish(session, DRAFTER, publication_id, at=now()).index_number


def snapshot(db_url: str) -> tuple:
    """What a refused request must leave as it was."""
    with db.reading(db_url) as session:
        return (session.scalar(select(func.count()).select_from(AuditEntry)),
                session.scalar(select(func.count()).select_from(Publication)),
                session.scalar(select(func.count()).select_from(PublicationReview)),
                tuple(session.execute(select(Publication.id, Publication.state, Publication.title,
                                             Publication.index_number).order_by(Publication.id)).all()))
