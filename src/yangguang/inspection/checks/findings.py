"""What every check returns: findings against the national checklist, each with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from yangguang.inspection.html_text import EXCERPT_CHARS

VETO = "veto"  # a single-veto item (单项否决) is met
DEDUCTION = "deduction"  # one occurrence of a deduction indicator (扣分指标)
INFO = "info"  # worth a look, not scored


@dataclass(frozen=True)
class Finding:
    check: str  # the check that found it, e.g. "links.broken"
    checklist_item: str  # a code of yangguang.inspection.checklist
    url: str  # the page it concerns
    severity: str  # veto | deduction | info
    detail: str  # one sentence in Chinese
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "checklist_item": self.checklist_item, "url": self.url,
                "severity": self.severity, "detail": self.detail, "evidence": dict(self.evidence)}


def evidence(*, page: str | None = None, link: str | None = None, text: str | None = None,
             found_date: date | None = None, excerpt: str | None = None, **extra: Any) -> dict[str, Any]:
    """The evidence of a finding: the page, the link and its text, the date found, a text excerpt
    (at most 200 characters), and any other values; absent ones are left out."""
    values = {"page": page, "link": link, "text": text,
              "date": found_date.isoformat() if found_date is not None else None,
              "excerpt": excerpt[:EXCERPT_CHARS] if excerpt is not None else None, **extra}
    return {key: value for key, value in values.items() if value is not None}
