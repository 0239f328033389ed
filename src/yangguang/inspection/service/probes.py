"""Availability probes (站点无法访问): one GET of each active homepage with the 15-second limit, stored; every
inspection judges the probes of the 7 days before it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import aiohttp
from sqlalchemy import select
from sqlalchemy.orm import Session

from yangguang.core.db import reading, transaction
from yangguang.core.errors import InvalidInput
from yangguang.core.validation import aware
from yangguang.inspection.checks.availability import WINDOW
from yangguang.inspection.checks.availability import Probe as ProbeValue
from yangguang.inspection.crawl_config import DEFAULT_USER_AGENT
from yangguang.inspection.models import Probe, Site
from yangguang.inspection.service._common import get_site, settings


def record_probe(session: Session, site: Site | int | str, *, at: datetime, seconds: float | None,
                 status: int | None = None, error: str = "") -> Probe:
    """Store one probe of the homepage; ``seconds`` None: it did not load."""
    aware(at)
    site = get_site(session, site)
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0):
        raise InvalidInput("seconds", f"用时应为不小于 0 的秒数，输入值为 {seconds!r}")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        raise InvalidInput("status", f"HTTP 状态码应为 100–599，输入值为 {status!r}")
    probe = Probe(site_id=site.id, at=at, seconds=None if seconds is None else float(seconds), status=status,
                  error=(error or "")[:300])
    session.add(probe)
    return probe


def window_probes(session: Session, site: Site, now: datetime) -> list[ProbeValue]:
    """The probes of the monitoring window before ``now`` (7 days), for the 站点无法访问 veto."""
    rows = session.execute(select(Probe.at, Probe.seconds).where(
        Probe.site_id == site.id, Probe.at > now - WINDOW, Probe.at <= now).order_by(Probe.at))
    return [ProbeValue(at, seconds) for at, seconds in rows]


async def _probe(http: aiohttp.ClientSession, url: str, limit: asyncio.Semaphore,
                 at: datetime | None) -> dict[str, Any]:
    async with limit:
        moment = at or datetime.now(UTC)
        loop = asyncio.get_running_loop()
        started = loop.time()
        status, seconds, error = None, None, ""
        try:
            async with http.get(url, allow_redirects=True) as response:
                await response.content.read(5 * 2**20)
                status = response.status
                if status < 400:
                    seconds = round(loop.time() - started, 3)
                else:
                    error = f"HTTP {status}"
        except TimeoutError:
            error = "超时未能打开"
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        return {"at": moment, "seconds": seconds, "status": status, "error": error}


async def probe_once(site_ids: Iterable[int | str] | None = None, *, at: datetime | None = None,
                     url: str | None = None) -> list[dict[str, Any]]:
    """GET the homepage of every active site (or of ``site_ids``) once with the 15-second limit and store each
    probe. ``at`` stamps the probes (default: when each started). Returns one dict per site."""
    if at is not None:
        aware(at)
    with reading(url) as session:
        if site_ids is None:
            sites = list(session.scalars(select(Site).where(Site.active).order_by(Site.id)))
        else:
            sites = [get_site(session, ref) for ref in site_ids]
        targets = [(site.id, site.name, site.url) for site in sites]
    values = settings()
    timeout = aiohttp.ClientTimeout(total=float(values["probe_timeout_seconds"]))
    limit = asyncio.Semaphore(int(values["probe_concurrency"]))
    async with aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": DEFAULT_USER_AGENT}) as http:
        outcomes = await asyncio.gather(*(_probe(http, target, limit, at) for _, _, target in targets))
    results = []
    with transaction(url) as session:
        for (site_id, name, target), outcome in zip(targets, outcomes, strict=True):
            record_probe(session, site_id, **outcome)
            results.append({"site_id": site_id, "site": name, "url": target, **outcome})
    return results
