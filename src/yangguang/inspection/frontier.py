"""The queue of pages to fetch, kept in SQLite: in memory for a one-off crawl, in a file to bound memory
on large sites and to resume after a crash.

Every in-scope page URL the crawl meets gets one row, keyed by :func:`~yangguang.inspection.urls.url_key`
(64-bit, UNIQUE): the table is the seen set, so de-duplication at enqueue time costs no Python memory
per URL. States: queued → in flight → done, or skipped (with a reason: ``robots``, ``trap``,
``max_depth``). Pages are popped breadth first (lowest depth, then order of discovery). On resume,
rows left in flight by a crash go back to the queue.

A redirect chain claims each in-scope URL it passes through, so a page reached both by a link and by a
redirect is fetched once. A chain that stops at a URL another task has claimed records a pointer
(``redirect_to``); the pointer is replaced by that page's outcome when it finishes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from yangguang.inspection.urls import url_key

QUEUED, IN_FLIGHT, DONE, SKIPPED = 0, 1, 2, 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    key INTEGER NOT NULL UNIQUE,
    url TEXT NOT NULL,
    depth INTEGER NOT NULL,
    referrer TEXT,
    state INTEGER NOT NULL,
    reason TEXT,
    status INTEGER,
    final_url TEXT,
    error TEXT,
    redirect_to INTEGER
);
CREATE INDEX IF NOT EXISTS pages_queue ON pages (state, depth, id);
CREATE INDEX IF NOT EXISTS pages_pointer ON pages (redirect_to) WHERE redirect_to IS NOT NULL;
"""


def open_database(path: str | Path | None) -> sqlite3.Connection:
    """A connection for the crawl state: ``None`` keeps it in memory, a path makes it durable (WAL)."""
    conn = sqlite3.connect(":memory:" if path is None else str(path), isolation_level=None, check_same_thread=False)
    if path is not None:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # survives a process crash; a power cut may lose the tail
    conn.execute("PRAGMA cache_size=-16000")  # at most about 16 MB of pages cached
    conn.executescript(_SCHEMA)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One atomic unit of work (nested uses join the outer one)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    """A page to fetch."""

    key: int
    url: str
    depth: int
    referrer: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What fetching a page (through its redirects) ended with."""

    status: int | None
    final_url: str | None
    error: str | None

    @property
    def fine(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400


class Frontier:
    """Pages to fetch and pages fetched, in the ``pages`` table of a crawl database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # whether any row points at another (skips the pointer pass of finish() on most sites)
        self._pointers = bool(conn.execute("SELECT 1 FROM pages WHERE redirect_to IS NOT NULL LIMIT 1").fetchone())

    def get_meta(self, name: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def add_many(self, pages: Iterable[tuple[str, int, str | None]]) -> int:
        """Queue (url, depth, referrer) rows not seen before; a row skipped for ``max_depth`` is queued
        again when met at an allowed depth. Returns how many rows were queued."""
        pages = list(pages)
        if not pages:
            return 0
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT INTO pages (key, url, depth, referrer, state) VALUES (?, ?, ?, ?, 0) "
            "ON CONFLICT (key) DO UPDATE SET state = 0, depth = excluded.depth, reason = NULL "
            "WHERE pages.state = 3 AND pages.reason = 'max_depth'",
            ((url_key(url), url, depth, referrer) for url, depth, referrer in pages),
        )
        return self.conn.total_changes - before

    def add(self, url: str, depth: int, referrer: str | None = None) -> bool:
        """Queue one page; False when it was already known."""
        return self.add_many([(url, depth, referrer)]) > 0

    def skip(self, url: str, depth: int, referrer: str | None, reason: str) -> bool:
        """Remember a page that will not be fetched (``trap``, ``max_depth``); False when already known."""
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO pages (key, url, depth, referrer, state, reason) VALUES (?, ?, ?, ?, 3, ?)",
            (url_key(url), url, depth, referrer, reason),
        )
        return cursor.rowcount > 0

    def mark_skipped(self, key: int, reason: str) -> None:
        """A popped page that will not be fetched after all (``robots``)."""
        self.conn.execute("UPDATE pages SET state = 3, reason = ? WHERE key = ?", (reason, key))

    def pop(self, limit: int) -> list[FrontierEntry]:
        """Up to ``limit`` queued pages, lowest depth first, now marked in flight."""
        rows = self.conn.execute(
            "UPDATE pages SET state = 1 WHERE id IN "
            "(SELECT id FROM pages WHERE state = 0 ORDER BY depth, id LIMIT ?) "
            "RETURNING depth, id, key, url, referrer",
            (limit,),
        ).fetchall()
        rows.sort()
        return [FrontierEntry(key, url, depth, referrer) for depth, _, key, url, referrer in rows]

    def claim(self, url: str, depth: int, referrer: str | None) -> bool:
        """Take a URL a redirect leads to: True when this chain may fetch it (new, queued or skipped),
        False when another task has it or has fetched it."""
        cursor = self.conn.execute(
            "INSERT INTO pages (key, url, depth, referrer, state) VALUES (?, ?, ?, ?, 1) "
            "ON CONFLICT (key) DO UPDATE SET state = 1, reason = NULL WHERE pages.state IN (0, 3)",
            (url_key(url), url, depth, referrer),
        )
        return cursor.rowcount > 0

    def _row(self, key: int) -> tuple | None:
        return self.conn.execute(
            "SELECT state, status, final_url, error, redirect_to FROM pages WHERE key = ?", (key,)
        ).fetchone()

    def finish(self, keys: list[int], outcome: Outcome, redirect_to: int | None = None) -> dict[int, Outcome]:
        """Mark the rows of a redirect chain done. ``redirect_to``: the chain stopped at a page another
        task claimed. Returns the rows whose outcome is now final: these and those pointing at them."""
        if redirect_to is not None and (row := self._row(redirect_to)) and row[0] == DONE:
            if row[4] is None:
                outcome, redirect_to = Outcome(row[1], row[2], row[3]), None
            else:
                redirect_to = row[4]
        self.conn.execute(
            "UPDATE pages SET state = 2, status = ?, final_url = ?, error = ?, redirect_to = ? "
            "WHERE key IN (SELECT value FROM json_each(?))",
            (outcome.status, outcome.final_url, outcome.error, redirect_to, json.dumps(keys)),
        )
        if redirect_to is not None:
            self._pointers = True
            return {}
        final = dict.fromkeys(keys, outcome)
        wave = keys if self._pointers else []
        while wave:
            wave = [
                key
                for (key,) in self.conn.execute(
                    "UPDATE pages SET status = ?, final_url = ?, error = ?, redirect_to = NULL "
                    "WHERE redirect_to IN (SELECT value FROM json_each(?)) RETURNING key",
                    (outcome.status, outcome.final_url, outcome.error, json.dumps(wave)),
                )
            ]
            final.update(dict.fromkeys(wave, outcome))
        return final

    def settle_pointers(self) -> dict[int, Outcome]:
        """At the end of a crawl: resolve the pointers left. A pointer cycle is a redirect loop; a
        pointer to a page never fetched keeps the redirect's own outcome."""
        pointers = dict(self.conn.execute("SELECT key, redirect_to FROM pages WHERE redirect_to IS NOT NULL"))
        settled: dict[int, Outcome] = {}
        for key in pointers:
            seen, current = {key}, pointers[key]
            while current in pointers and current not in seen:
                seen.add(current)
                current = pointers[current]
            _, status, final_url, error, _ = self._row(key)
            target = self._row(current)
            if current in seen:
                error = "redirect_loop"
            elif target and target[0] == DONE:
                status, final_url, error = target[1:4]
            settled[key] = Outcome(status, final_url, error)
        for key, outcome in settled.items():
            self.conn.execute(
                "UPDATE pages SET status = ?, final_url = ?, error = ?, redirect_to = NULL WHERE key = ?",
                (outcome.status, outcome.final_url, outcome.error, key),
            )
        return settled

    def requeue_in_flight(self) -> int:
        """Put pages left in flight (by a crash, or popped but not fetched) back in the queue."""
        return self.conn.execute("UPDATE pages SET state = 0 WHERE state = 1").rowcount

    def count(self, state: int) -> int:
        return self.conn.execute("SELECT count(*) FROM pages WHERE state = ?", (state,)).fetchone()[0]

    def skip_counts(self) -> dict[str, int]:
        """Skipped pages by reason."""
        return dict(self.conn.execute("SELECT reason, count(*) FROM pages WHERE state = 3 GROUP BY reason"))
