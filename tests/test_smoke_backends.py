from sqlalchemy import select

from tests.factories import make_unit
from yangguang.core.org import Unit


def test_both_backends_store_and_read(db):
    make_unit(db)
    assert db.scalar(select(Unit.name)) == "县市场监督管理局"
