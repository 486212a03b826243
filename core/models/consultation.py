"""Consultations: a coordinator's questionnaire to an audience, with a deadline. The
questions and the audience are kept with the consultation as it was sent (JSON: at most ten
questions, a few filters); each invited person has one response row, answered or not, so the
response rate and the reminders read one table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.types import EnumText, UTCDateTime


class ConsultationStatus(StrEnum):
    draft = "draft"  # being written: nobody invited yet
    open = "open"  # sent, until its deadline
    closed = "closed"  # past its deadline: the synthesis is final


class QuestionKind(StrEnum):
    text = "text"
    choice = "choice"  # one of the choices
    multi = "multi"  # several of the choices
    number = "number"
    yes_no = "yes_no"
    date = "date"


class AudienceKind(StrEnum):
    everyone = "everyone"
    role = "role"
    organisation_kind = "organisation_kind"
    country = "country"
    region = "region"
    partnerships = "partnerships"  # the partners of given partnerships


class Consultation(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_consultation_due", "status", "deadline"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    created_by_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", index=True, ondelete="SET NULL"
    )
    status: ConsultationStatus = Field(
        default=ConsultationStatus.draft, sa_type=EnumText(ConsultationStatus, 12)
    )
    anonymous: bool = Field(default=False)
    share_results: bool = Field(default=False)  # the participants receive the synthesis
    deadline: datetime = Field(sa_type=UTCDateTime)
    # [{"text": …, "kind": QuestionKind, "choices": [...]}]
    questions: list[dict[str, Any]] = Field(
        default_factory=list, sa_type=MutableList.as_mutable(sa.JSON())
    )
    # {"kind": AudienceKind, "values": [...]}
    audience: dict[str, Any] = Field(
        default_factory=dict, sa_type=MutableDict.as_mutable(sa.JSON())
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ConsultationResponse(SQLModel, table=True):
    """One invited person's answers ({"q0": …}), None until they answer. Kept with the person
    even when the consultation is anonymous: they may change and see their own answers; the
    syntheses and exports are what never name them."""

    __tablename__ = "consultation_response"
    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "stakeholder_id", name="uq_consultation_response"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True, ondelete="CASCADE")
    stakeholder_id: int = Field(foreign_key="stakeholder.id", index=True, ondelete="CASCADE")
    answers: dict[str, Any] | None = Field(default=None, sa_type=MutableDict.as_mutable(sa.JSON()))
    invited_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
