"""Hash-chained audit trail [DESIGN.md, "Audit trail"]."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from tests.factories import at
from yangguang.core import audit
from yangguang.core import db as core_db
from yangguang.core.audit import AuditEntry, AuditHead


def write_entries(url: str, count: int) -> None:
    with core_db.transaction(url) as session:
        for n in range(count):
            audit.record(session, actor="clerk1", action="case.accept", entity="case", entity_id=n,
                         data={"n": n, "名称": "食品经营许可"}, at=at("2026-03-02 09:00"))


def test_intact_chain_verifies(db_url, run_cli):
    write_entries(db_url, 5)
    with core_db.reading(db_url) as session:
        report = audit.verify(session)
    assert report.ok and report.entries == 5
    result = run_cli("audit", "verify", "--json")
    assert result.code == 0 and '"ok": true' in result.out


def tamper(url: str, statement) -> None:
    with core_db.get_engine(url).begin() as conn:
        conn.execute(statement)


def test_an_altered_entry_is_named(db_url, run_cli):
    write_entries(db_url, 5)
    tamper(db_url, update(AuditEntry).where(AuditEntry.seq == 3).values(data='{"n":99}'))
    result = run_cli("audit", "verify")
    assert result.code == 1
    assert "entry 3" in result.err and "第 3 条记录已被改动" in result.err


def test_a_removed_entry_is_named(db_url, run_cli):
    write_entries(db_url, 5)
    tamper(db_url, delete(AuditEntry).where(AuditEntry.seq == 2))
    result = run_cli("audit", "verify", "--json")
    assert result.code == 1 and '"first_bad_seq": 2' in result.out


def test_removing_the_newest_entries_is_detected(db_url):
    write_entries(db_url, 5)
    tamper(db_url, delete(AuditEntry).where(AuditEntry.seq >= 4))
    with core_db.reading(db_url) as session:
        report = audit.verify(session)
    assert not report.ok and report.first_bad_seq == 4


def test_an_inserted_entry_is_named(db_url):
    write_entries(db_url, 4)
    with core_db.reading(db_url) as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        snapshot = [(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.data, r.prev_hash, r.hash) for r in rows]
    # Forge: shift entries 3..4 up by one and slip a self-consistent entry in at 3.
    tamper(db_url, delete(AuditEntry).where(AuditEntry.seq >= 3))
    forged_hash = audit.entry_hash(3, snapshot[2][1], "intruder", "case.delete", "case", "1", "{}", snapshot[1][8])
    with core_db.transaction(db_url) as session:
        session.add(AuditEntry(seq=3, at=snapshot[2][1], actor="intruder", action="case.delete", entity="case",
                               entity_id="1", data="{}", prev_hash=snapshot[1][8], hash=forged_hash))
        for seq, moment, actor, action, entity, entity_id, data, prev, digest in snapshot[2:]:
            session.add(AuditEntry(seq=seq + 1, at=moment, actor=actor, action=action, entity=entity,
                                   entity_id=entity_id, data=data, prev_hash=prev, hash=digest))
        session.get(AuditHead, 1).seq = 5
    with core_db.reading(db_url) as session:
        report = audit.verify(session)
    assert not report.ok and report.first_bad_seq == 4 and "第 4 条记录未链接到第 3 条" in report.problem


def test_an_entry_rolls_back_with_its_change(db_url):
    write_entries(db_url, 1)
    try:
        with core_db.transaction(db_url) as session:
            audit.record(session, actor="x", action="case.accept", entity="case", entity_id=1)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    with core_db.reading(db_url) as session:
        report = audit.verify(session)
    assert report.ok and report.entries == 1


def test_an_entry_names_a_row_by_the_id_its_flush_assigns(db_url):
    from yangguang.core.org import Unit

    with core_db.transaction(db_url) as session:
        unit = Unit(code="SCJ", name="县市场监督管理局")
        session.add(unit)
        audit.record(session, actor="x", action="org.unit_added", entity="unit", entity_id=unit,
                     data={"unit_id": unit, "code": "SCJ"}, at=at("2026-03-02 09:00"))
        assert unit.id is None  # nothing flushed yet: the entry waits for the id
    with core_db.reading(db_url) as session:
        [entry] = audit.history(session, "unit", unit.id)
        assert entry.data == f'{{"code":"SCJ","unit_id":{unit.id}}}'
        assert audit.verify(session).ok


def test_entries_of_a_rolled_back_savepoint_are_dropped(db_url):
    with core_db.transaction(db_url) as session:
        audit.record(session, actor="x", action="kept.before", entity="case", entity_id=1)
        session.flush()
        savepoint = session.begin_nested()
        audit.record(session, actor="x", action="dropped.queued", entity="case", entity_id=2)
        savepoint.rollback()
        savepoint = session.begin_nested()
        audit.record(session, actor="x", action="dropped.written", entity="case", entity_id=3)
        audit.write_entries(session)
        savepoint.rollback()
        audit.record(session, actor="x", action="kept.after", entity="case", entity_id=4)
    with core_db.reading(db_url) as session:
        report = audit.verify(session)
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert report.ok and actions == ["kept.before", "kept.after"]
