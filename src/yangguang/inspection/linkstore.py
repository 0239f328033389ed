"""Link targets, their check results and the places they occur, in the crawl database.

Each distinct target (by :func:`~yangguang.inspection.urls.url_key`) has one row. Its role says how
its status is learnt: ``PAGE`` targets take the outcome of fetching them as pages; ``CHECK`` targets
(resources, non-HTML files, everything out of scope) get one HEAD/GET check; ``MALFORMED`` hrefs are
broken from the start.

Memory stays bounded because occurrences are compact — (target key, source page key, link text),
the source's URL being in the ``pages`` table — and kept only while they may be needed: a target's
occurrences are stored until it proves fine, then deleted, and occurrences met later of a target
known to be fine are never stored (the crawler keeps the 64-bit keys of fine targets in a set). What
is left at the end are the occurrences of broken targets, one per (target, source page). Results are
read back through :class:`LinkStatuses` and :meth:`LinkStore.broken`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from yangguang.inspection.fetched import LinkStatus
from yangguang.inspection.frontier import Outcome
from yangguang.inspection.urls import url_key

PAGE, CHECK, MALFORMED = 0, 1, 2
PENDING, CHECKING, CHECKED, SKIPPED = 0, 1, 2, 3
_BROKEN = "(t.error IS NOT NULL OR t.status IS NULL OR t.status >= 400)"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS targets (
    key INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    internal INTEGER NOT NULL,
    role INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    status INTEGER,
    error TEXT,
    final_url TEXT,
    method TEXT
);
CREATE INDEX IF NOT EXISTS targets_queue ON targets (role, state);
CREATE TABLE IF NOT EXISTS occurrences (
    key INTEGER NOT NULL, source INTEGER NOT NULL, text TEXT NOT NULL, UNIQUE (key, source)
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS errors (id INTEGER PRIMARY KEY, url TEXT NOT NULL, error TEXT NOT NULL);
"""


def malformed_key(href: str) -> int:
    """The key of a malformed href (kept apart from URL keys)."""
    return url_key("malformed:" + href)


class BrokenLink(NamedTuple):
    """One occurrence of a broken link: the page it is on, its target and why it is broken."""

    source: str
    target: str
    status: int | None
    text: str
    error: str | None


@dataclass(frozen=True, slots=True)
class CheckEntry:
    """A target waiting for its HEAD/GET check."""

    key: int
    target: str
    internal: bool


class LinkStore:
    """Targets, occurrences, counters and crawl errors in one crawl database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(_SCHEMA)

    def add(self, targets: list[tuple[int, str, str, bool, int]], occurrences: list[tuple[int, str, str]]) -> int:
        """Record targets (key, target, kind, internal, role) not seen before, and occurrences
        (key, source page key, text) of targets not yet known to be fine. Returns how many new targets
        await a check."""
        insert = "INSERT OR IGNORE INTO targets (key, target, kind, internal, role) VALUES (?, ?, ?, ?, ?)"
        if pages := [target for target in targets if target[4] != CHECK]:
            self.conn.executemany(insert, pages)
        new_checks = 0
        if checks := [target for target in targets if target[4] == CHECK]:
            before = self.conn.total_changes
            self.conn.executemany(insert, checks)
            new_checks = self.conn.total_changes - before
        if occurrences:
            self.conn.executemany("INSERT OR IGNORE INTO occurrences (key, source, text) VALUES (?, ?, ?)", occurrences)
        return new_checks

    def add_malformed(self, href: str, kind: str, source: int, text: str) -> None:
        """A link whose href is not a usable URL: a broken target of its own."""
        key = malformed_key(href)
        self.conn.execute(
            "INSERT OR IGNORE INTO targets (key, target, kind, internal, role, state, error) "
            "VALUES (?, ?, ?, 0, 2, 2, 'malformed_url')",
            (key, href, kind),
        )
        self.conn.execute("INSERT OR IGNORE INTO occurrences (key, source, text) VALUES (?, ?, ?)", (key, source, text))

    def resolve_pages(self, keys: list[int]) -> list[int]:
        """Give PAGE targets among ``keys`` the outcome of pages already fetched; returns the fine ones."""
        if not keys:
            return []
        rows = self.conn.execute(
            "UPDATE targets AS t SET state = 2, status = p.status, error = p.error, final_url = p.final_url, "
            "method = 'GET' FROM pages AS p WHERE t.key IN (SELECT value FROM json_each(?)) AND t.role = 0 "
            "AND t.state = 0 AND p.key = t.key AND p.state = 2 AND p.redirect_to IS NULL "
            "RETURNING key, status, error",
            (json.dumps(keys),),
        ).fetchall()
        return [key for key, status, error in rows if Outcome(status, None, error).fine]

    def page_outcomes(self, outcomes: dict[int, Outcome]) -> list[int]:
        """Record the outcomes of fetched pages on their PAGE targets; returns the keys of those that
        are targets and fine."""
        fine = []
        for key, outcome in outcomes.items():
            cursor = self.conn.execute(
                "UPDATE targets SET state = 2, status = ?, error = ?, final_url = ?, method = 'GET' "
                "WHERE key = ? AND role = 0",
                (outcome.status, outcome.error, outcome.final_url, key),
            )
            if cursor.rowcount and outcome.fine:
                fine.append(key)
        return fine

    def pop_checks(self, limit: int) -> list[CheckEntry]:
        """Up to ``limit`` targets waiting for a check, now marked in flight."""
        rows = self.conn.execute(
            "UPDATE targets SET state = 1 WHERE key IN "
            "(SELECT key FROM targets WHERE role = 1 AND state = 0 LIMIT ?) RETURNING key, target, internal",
            (limit,),
        ).fetchall()
        return [CheckEntry(key, target, bool(internal)) for key, target, internal in rows]

    def finish_check(self, key: int, result: LinkStatus) -> None:
        self.conn.execute(
            "UPDATE targets SET state = 2, status = ?, error = ?, final_url = ?, method = ? WHERE key = ?",
            (result.status, result.error, result.final_url, result.method, key),
        )

    def skip_check(self, key: int, reason: str) -> None:
        self.conn.execute("UPDATE targets SET state = 3, reason = ? WHERE key = ?", (reason, key))

    def forget_occurrences(self, keys: list[int]) -> None:
        """Drop the occurrences of targets that proved fine."""
        self.conn.execute("DELETE FROM occurrences WHERE key IN (SELECT value FROM json_each(?))", (json.dumps(keys),))

    def requeue_in_flight(self) -> None:
        self.conn.execute("UPDATE targets SET state = 0 WHERE state = 1")

    def fine_keys(self) -> Iterator[int]:
        """Keys of targets checked and fine (to rebuild the crawler's set on resume)."""
        rows = self.conn.execute(f"SELECT key FROM targets AS t WHERE state = 2 AND NOT {_BROKEN}")
        return (key for (key,) in rows)

    def count(self, role: int, state: int | None = None) -> int:
        if state is None:
            return self.conn.execute("SELECT count(*) FROM targets WHERE role = ?", (role,)).fetchone()[0]
        sql = "SELECT count(*) FROM targets WHERE role = ? AND state = ?"
        return self.conn.execute(sql, (role, state)).fetchone()[0]

    def bump(self, name: str, by: int = 1) -> None:
        """Add to a named counter (``pages``, ``non_http``...)."""
        self.conn.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + ?",
            (name, by, by),
        )

    def counter(self, name: str) -> int:
        row = self.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return row[0] if row else 0

    def add_error(self, url: str, error: str) -> None:
        self.conn.execute("INSERT INTO errors (url, error) VALUES (?, ?)", (url, error))

    def errors(self) -> list[tuple[str, str]]:
        return [tuple(row) for row in self.conn.execute("SELECT url, error FROM errors ORDER BY id")]

    def skip_counts(self) -> dict[str, int]:
        """Targets not checked by reason (``robots``), plus ``out_of_scope``: distinct targets outside the
        site, each checked once and never crawled."""
        counts = dict(self.conn.execute("SELECT reason, count(*) FROM targets WHERE state = 3 GROUP BY reason"))
        counts["out_of_scope"] = self.conn.execute(
            "SELECT count(*) FROM targets WHERE internal = 0 AND role = 1"
        ).fetchone()[0]
        return counts

    def finalise(self) -> None:
        """Keep only the occurrences of broken targets."""
        self.conn.execute(
            f"DELETE FROM occurrences WHERE key NOT IN (SELECT key FROM targets AS t WHERE state = 2 AND {_BROKEN})"
        )

    def broken(self) -> Iterator[BrokenLink]:
        """Every occurrence of a broken target, grouped by target."""
        rows = self.conn.execute(
            "SELECT p.url, t.target, t.status, o.text, t.error FROM targets AS t "
            "JOIN occurrences AS o ON o.key = t.key JOIN pages AS p ON p.key = o.source "
            f"WHERE t.state = 2 AND {_BROKEN} ORDER BY t.rowid, o.rowid"
        )
        return (BrokenLink(*row) for row in rows)


class LinkStatuses(Mapping[str, LinkStatus]):
    """Read-only mapping target → :class:`LinkStatus` of every checked target, read from the database."""

    _COLUMNS = "target, status, error, final_url, method"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getitem__(self, target: str) -> LinkStatus:
        row = self._conn.execute(
            f"SELECT {self._COLUMNS} FROM targets WHERE key IN (?, ?) AND state = 2",
            (url_key(target), malformed_key(target)),
        ).fetchone()
        if row is None:
            raise KeyError(target)
        return LinkStatus(row[0], row[1], row[2], row[3], row[4] or "GET")

    def __iter__(self) -> Iterator[str]:
        return (target for (target,) in self._conn.execute("SELECT target FROM targets WHERE state = 2 ORDER BY rowid"))

    def __len__(self) -> int:
        return self._conn.execute("SELECT count(*) FROM targets WHERE state = 2").fetchone()[0]
