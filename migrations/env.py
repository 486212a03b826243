from __future__ import annotations

from typing import Literal

from alembic import context
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table on the metadata)
from core.storage import create_engine
from core.types import EnumText

config = context.config
target_metadata = SQLModel.metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | Literal[False]:
    """Enum columns are plain strings in the schema; the enum lives in the model only."""
    if type_ == "type" and isinstance(obj, EnumText):
        return f"sa.String(length={obj.impl_instance.length})"
    return False


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_item=_render_item,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        **kwargs,  # type: ignore[arg-type]
    )


if context.is_offline_mode():
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    else:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
        engine.dispose()
