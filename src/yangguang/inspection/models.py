"""Tables of website inspection (网站自查): the registry of sites and their columns, stored inspections with
their findings, the problems they turn into rectification obligations, availability probes and baselines.

* :class:`Site` — a government website or new-media account registered by the county's site administrator,
  with the organ responsible for it (``unit_id``: cards and rectification go there).
* :class:`SiteColumn` — a column (栏目) of a site with its required update frequency, discovered from the
  navigation and/or confirmed by the administrator.
* :class:`Inspection` — one inspection: counts, score (None when vetoed), vetoes and the deduction summary;
  its findings are rows of :class:`InspectionFinding`.
* :class:`Problem` — a veto or deduction finding followed across inspections by its fingerprint, supervised
  as an obligation ``inspection.problem`` with a ``rectify`` clock.
* :class:`Probe` — one availability probe of a homepage (the 站点无法访问 veto's window).
* :class:`Baseline` — the visible text of a page at the last inspection (the tampering check compares).

Codes are those of :mod:`yangguang.inspection.codes`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yangguang.core.db import Base, UTCDateTime
from yangguang.core.org import Unit

URL_LENGTH = 2000


class Site(Base):
    """A government website or new-media account under inspection."""

    __tablename__ = "inspection_site"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the responsible organ (主办单位)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))  # codes.SiteKind
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)  # the homepage, normalised
    scope_hosts: Mapped[list] = mapped_column(JSON, default=list)  # host[:port]; empty: the homepage's host
    scope_prefixes: Mapped[list] = mapped_column(JSON, default=list)  # path prefixes; empty: "/"
    has_services: Mapped[bool] = mapped_column(Boolean, default=True)  # offers external services (办事服务)
    is_portal: Mapped[bool] = mapped_column(Boolean, default=False)  # a government portal (bonus items)
    inspect_every_days: Mapped[int] = mapped_column(Integer)
    max_pages: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit: Mapped[Unit] = relationship()
    columns: Mapped[list[SiteColumn]] = relationship(back_populates="site", order_by="SiteColumn.id")


class SiteColumn(Base):
    """A column (栏目) and how often it must be updated (``update_days``)."""

    __tablename__ = "inspection_column"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("inspection_site.id"))
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    kind: Mapped[str] = mapped_column(String(10))  # codes.ColumnKind: news | notice | other
    update_days: Mapped[int] = mapped_column(Integer)  # the required update frequency in days
    discovered: Mapped[bool] = mapped_column(Boolean, default=False)  # found in the navigation
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # the administrator confirmed the settings
    monitored: Mapped[bool] = mapped_column(Boolean, default=True)  # False: not a column (a link list, a service)
    blank_allowed: Mapped[bool] = mapped_column(Boolean, default=False)  # may be empty, explained below
    blank_reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    site: Mapped[Site] = relationship(back_populates="columns")


class Inspection(Base):
    """One inspection of a site and its national-checklist score."""

    __tablename__ = "inspection"
    __table_args__ = (Index("ix_inspection_site_started", "site_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("inspection_site.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the reference moment of the checks
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    trigger: Mapped[str] = mapped_column(String(10))  # codes.Trigger
    actor: Mapped[str] = mapped_column(String(100))
    pages_checked: Mapped[int] = mapped_column(Integer, default=0)
    links_checked: Mapped[int] = mapped_column(Integer, default=0)
    broken_count: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))  # None: vetoed (单项否决), not scored
    qualified: Mapped[bool] = mapped_column(Boolean)
    vetoes: Mapped[list] = mapped_column(JSON, default=list)  # the veto findings, as dicts
    deductions: Mapped[list] = mapped_column(JSON, default=list)  # per indicator with findings (no finding lists)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # deduction score, bonus, columns, crawl figures
    site: Mapped[Site] = relationship()


class InspectionFinding(Base):
    """One finding of one inspection (every severity), with its evidence."""

    __tablename__ = "inspection_finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_problem.id"), index=True)
    check: Mapped[str] = mapped_column(String(40))
    checklist_item: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    severity: Mapped[str] = mapped_column(String(10))  # veto | deduction | info
    detail: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64))


class Problem(Base):
    """A veto or deduction finding followed across inspections, to be rectified by the site's organ."""

    __tablename__ = "inspection_problem"
    __table_args__ = (Index("ix_inspection_problem_site_state", "site_id", "state"),
                      Index("ix_inspection_problem_site_fingerprint", "site_id", "fingerprint"),
                      Index("ix_inspection_problem_unit_state", "unit_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("inspection_site.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # responsible when found
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))  # first seen
    last_seen_inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))
    resolved_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    check: Mapped[str] = mapped_column(String(40))
    checklist_item: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    severity: Mapped[str] = mapped_column(String(10))  # veto | deduction
    detail: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))  # codes.ProblemState
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    report_note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dismiss_reason: Mapped[str] = mapped_column(Text, default="")
    dismissed_by: Mapped[str | None] = mapped_column(String(100))
    site: Mapped[Site] = relationship()


class Probe(Base):
    """One availability probe: a GET of the homepage with the 15-second limit."""

    __tablename__ = "inspection_probe"
    __table_args__ = (Index("ix_inspection_probe_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("inspection_site.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    seconds: Mapped[float | None] = mapped_column(Float)  # None: the homepage did not load
    status: Mapped[int | None] = mapped_column(Integer)  # HTTP status; None: no answer
    error: Mapped[str] = mapped_column(String(300), default="")


class Baseline(Base):
    """The visible text of a page at the last inspection that fetched it."""

    __tablename__ = "inspection_baseline"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("inspection_site.id"))
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
