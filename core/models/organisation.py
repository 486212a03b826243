from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import ContactScope, OrganisationKind, VerificationStatus
from core.types import EnumText, UTCDateTime


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # The name folded for comparison: two organisations never differ only by case or spacing.
    name_key: str = Field(max_length=200, unique=True)
    kind: OrganisationKind = Field(sa_type=EnumText(OrganisationKind, 24))
    country: str | None = Field(default=None, max_length=2, index=True)  # ISO 3166-1 alpha-2
    region: str | None = Field(default=None, max_length=3)  # UN M49 code
    verification: VerificationStatus = Field(
        default=VerificationStatus.pending, sa_type=EnumText(VerificationStatus, 16), index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The organisation's holidays, set by a coordinator: time away for all its people.
    holiday_from: date | None = Field(default=None)
    holiday_until: date | None = Field(default=None)


class ContactPoint(SQLModel, table=True):
    """National and regional contact points facilitate match-making for an organisation."""

    __tablename__ = "contact_point"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    scope: ContactScope = Field(sa_type=EnumText(ContactScope, 16))
    name: str = Field(max_length=200)
    # The name folded for comparison: two organisations never differ only by case or spacing.
    name_key: str = Field(max_length=200, unique=True)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    country: str | None = Field(default=None, max_length=2)
    region: str | None = Field(default=None, max_length=3)
    # Consent to show it on the public web directory; partners matched with the organisation
    # receive it either way.
    published: bool = Field(default=False)
