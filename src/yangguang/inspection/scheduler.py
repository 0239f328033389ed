"""Hands jobs to the crawl's workers: pages before link checks, and never more jobs on one host than its
concurrency limit, so a worker never waits on a busy host while another host has work.

Jobs are read from the crawl database in small batches into per-host queues (the rows are marked in
flight; a crash sends them back to the queue). Pages are taken only while the page budget
(``max_pages``) lasts. The crawl is over when nothing is running, nothing is buffered and the database
has nothing left to hand out.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from dataclasses import dataclass

from yangguang.inspection.frontier import Frontier, FrontierEntry
from yangguang.inspection.linkstore import CheckEntry, LinkStore
from yangguang.inspection.urls import host_of

PAGE, CHECK = "page", "check"


@dataclass(frozen=True, slots=True)
class Job:
    kind: str  # PAGE or CHECK
    host: str
    entry: FrontierEntry | CheckEntry


class JobSource:
    """Per-host job queues over the frontier and the link store."""

    def __init__(self, frontier: Frontier, links: LinkStore, per_host: int, page_budget: int, buffer: int) -> None:
        self.frontier = frontier
        self.links = links
        self.per_host = per_host
        self.page_budget = page_budget  # pages that may still be taken from the frontier
        self.buffer = buffer
        self._ready: dict[str, dict[str, deque]] = {PAGE: {}, CHECK: {}}
        self._buffered = {PAGE: 0, CHECK: 0}
        self._active: Counter[str] = Counter()
        self._running = 0
        self._wakeup = asyncio.Event()

    def _put(self, kind: str, host: str, entry: FrontierEntry | CheckEntry) -> None:
        self._ready[kind].setdefault(host, deque()).append(entry)
        self._buffered[kind] += 1

    def _take(self, kind: str) -> Job | None:
        queues = self._ready[kind]
        for host, queue in queues.items():
            if self._active[host] < self.per_host:
                entry = queue.popleft()
                if not queue:
                    del queues[host]
                self._buffered[kind] -= 1
                self._active[host] += 1
                self._running += 1
                return Job(kind, host, entry)
        return None

    def _refill(self) -> bool:
        """Read more jobs from the database; False when it had none to give."""
        added = False
        wanted = min(self.buffer - self._buffered[PAGE], self.page_budget)
        if wanted > 0:
            for entry in self.frontier.pop(wanted):
                self._put(PAGE, host_of(entry.url), entry)
                self.page_budget -= 1
                added = True
        wanted = 4 * self.buffer - self._buffered[CHECK]
        if wanted > 0:
            for entry in self.links.pop_checks(wanted):
                self._put(CHECK, host_of(entry.target), entry)
                added = True
        return added

    def _next_now(self) -> Job | None:
        return self._take(PAGE) or self._take(CHECK)

    async def next(self) -> Job | None:
        """The next job to run, waiting while every host with work is busy; ``None`` when the crawl is over."""
        while True:
            job = self._next_now()
            if job is None and self._refill():
                job = self._next_now()
            if job is not None:
                return job
            if self._running == 0 and not any(self._buffered.values()):
                self._wake()
                return None
            wakeup = self._wakeup
            await wakeup.wait()

    def done(self, job: Job) -> None:
        """A job has finished (its results recorded): free its host slot and wake waiting workers."""
        self._active[job.host] -= 1
        if not self._active[job.host]:
            del self._active[job.host]
        self._running -= 1
        self._wake()

    def refund_page(self) -> None:
        """A page taken from the frontier was not fetched after all (robots.txt): it does not count."""
        self.page_budget += 1

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()
