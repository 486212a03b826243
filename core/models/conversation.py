from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.types import UTCDateTime


class Conversation(SQLModel, table=True):
    """A dialog in progress with one account: which dialog, which step, the answers so far.
    Committed with every answer, so a restart loses nothing and the next message resumes."""

    id: int | None = Field(default=None, primary_key=True)
    identity_id: int = Field(foreign_key="channel_identity.id", unique=True, ondelete="CASCADE")
    dialog: str = Field(max_length=48)
    # A fresh random nonce per dialog, and a revision bumped at every change: together they
    # tell a current button from one left over from an earlier question or dialog.
    nonce: str = Field(max_length=12)
    revision: int = Field(default=0)
    mode: str = Field(default="ask", max_length=16)
    step: str | None = Field(default=None, max_length=48)
    # Change-tracked: the engine changes them in place and the row is saved with them.
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=MutableDict.as_mutable(sa.JSON))
    history: list[str] = Field(default_factory=list, sa_type=MutableList.as_mutable(sa.JSON))
    context: dict[str, Any] = Field(default_factory=dict, sa_type=MutableDict.as_mutable(sa.JSON))
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @classmethod
    def begin(
        cls,
        *,
        answers: dict[str, Any] | None = None,
        history: list[str] | None = None,
        context: dict[str, Any] | None = None,
        **values: Any,
    ) -> Conversation:
        """A new conversation whose dictionaries are change-tracked from the start (SQLModel
        keeps plain ones on a new row until it is loaded again)."""
        return cls(
            answers=MutableDict(answers or {}),
            history=MutableList(history or []),
            context=MutableDict(context or {}),
            **values,
        )


class SetAsideDialog(SQLModel, table=True):
    """A dialog left unfinished for another one: started again, it offers to continue
    where it stopped. One per account: a newer one replaces it."""

    __tablename__ = "set_aside_dialog"

    id: int | None = Field(default=None, primary_key=True)
    identity_id: int = Field(foreign_key="channel_identity.id", unique=True, ondelete="CASCADE")
    dialog: str = Field(max_length=48)
    step: str | None = Field(default=None, max_length=48)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    history: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    context: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    set_aside_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
