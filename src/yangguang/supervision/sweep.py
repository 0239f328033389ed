"""The incremental sweep: time passing (DESIGN.md, "Monitoring point and rule").

Each clock carries ``next_check_at``, the earliest rule threshold it has not yet been judged at. The
sweep reads only the clocks with ``next_check_at <= at`` — a range query on the index of that
column, in batches ordered by ``(next_check_at, id)`` with a keyset, so a million open cases cost
only the clocks actually due — and lets the engine judge each one, which raises the cards and moves
``next_check_at`` past ``at``. Running it again at the same moment finds nothing; cards are
deduplicated besides, so a clock judged twice never raises a card twice.

The ``SweepState`` row is locked for the run, which serialises concurrent sweeps on PostgreSQL.

Modules register with :func:`before_sweep` the work that time itself creates and that must be done
before the clocks are judged — e.g. opening, once the year has turned, the obligation of every organ's
annual disclosure report due on 31 January. Each hook runs at the start of every sweep, in its
transaction and after the lock, as ``hook(session, at)``; it must be idempotent and cheap when there
is nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from yangguang.core.clocks import Clock
from yangguang.supervision import engine
from yangguang.supervision.models import SweepState
from yangguang.supervision.registry import Level

SweepHook = Callable[[Session, datetime], object]
_before_sweep: list[SweepHook] = []


def before_sweep(hook: SweepHook) -> SweepHook:
    """Run ``hook(session, at)`` at the start of every sweep (see the module docstring)."""
    if hook not in _before_sweep:
        _before_sweep.append(hook)
    return hook


def due_clocks(at: datetime, batch: int, after: tuple[datetime, int] | None = None):
    """The query of one batch: clocks due for a check by ``at``, after the keyset ``after``."""
    query = (select(Clock).where(Clock.next_check_at <= at).options(joinedload(Clock.obligation))
             .order_by(Clock.next_check_at, Clock.id).limit(batch))
    if after is not None:
        # the lower bound lets the index range start at the keyset
        query = query.where(Clock.next_check_at >= after[0],
                            or_(Clock.next_check_at > after[0], Clock.id > after[1]))
    return query


def _state(session: Session) -> SweepState:
    state = session.get(SweepState, 1, with_for_update=True)
    if state is None:
        state = SweepState(id=1, runs=0, clocks_examined=0, cards_raised=0, last_counts={})
        session.add(state)
        session.flush()
    return state


def sweep(session: Session, at: datetime, *, batch: int | None = None) -> dict[str, Any]:
    """Judge every clock due for a check by ``at``; return what this run raised (it never commits)."""
    if at.tzinfo is None:
        raise ValueError("sweep needs an aware moment")
    batch = batch or int(engine.settings()["sweep_batch"])
    state = _state(session)
    for hook in list(_before_sweep):
        hook(session, at)
    session.flush()
    examined, after = 0, None
    with engine.collecting(session) as raised:
        while True:
            clocks = session.scalars(due_clocks(at, batch, after)).unique().all()
            if not clocks:
                break
            after = (clocks[-1].next_check_at, clocks[-1].id)
            for clock in clocks:
                engine.evaluate_clock(session, clock, at)
            examined += len(clocks)
            session.flush()
    levels = [card.level for card in raised]
    result = {"at": at, "clocks_examined": examined, "warnings": levels.count(Level.WARNING),
              "yellow": levels.count(Level.YELLOW), "red": levels.count(Level.RED),
              "cards": [card.number for card in raised]}
    state.last_at, state.last_run_at = at, datetime.now(UTC)
    state.runs += 1
    state.clocks_examined += examined
    state.cards_raised += len(raised)
    state.last_counts = {k: v for k, v in result.items() if k not in ("at", "cards")}
    session.flush()
    return result
