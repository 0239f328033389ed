from __future__ import annotations

from alembic import context

from yangguang.core.db import Base
from yangguang.registry import load_all

load_all()
config = context.config
engine = config.attributes["engine"]


def render_item(type_, obj, autogen_context):
    """Render our own column types with an import the generated script can use."""
    if type_ == "type" and obj.__class__.__module__.startswith("yangguang."):
        autogen_context.imports.add(f"import {obj.__class__.__module__}")
        return f"{obj.__class__.__module__}.{obj.__class__.__name__}()"
    return False


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
