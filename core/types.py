"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from core.clock import as_utc


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend. SQLite has no timezone type, so the value is
    stored as naive UTC there and given its timezone back when read."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EnumText(sa.TypeDecorator[StrEnum]):
    """A StrEnum stored as a short string, not a native enum type, so that adding a status
    needs no schema change; values come back as enum members, not bare strings."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


def code_column(length: int = 32) -> sa.String:
    """Vocabulary codes are data that a community may replace: plain short strings."""
    return sa.String(length)
