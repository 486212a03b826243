from __future__ import annotations

import zlib
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import Coverage, ListingKind, ListingStatus, Priority, Visibility
from core.types import EnumText, UTCDateTime, code_column

MONEY = sa.Numeric(18, 2)


class Listing(SQLModel, table=True):
    """A need (request for assistance) or an offer (assistance available, not assistance
    already given). One table for both: they share every field but priority and visibility,
    and one table lets the use cases, search and matching treat them alike."""

    __table_args__ = (
        # Covering the matching filters, so candidates are found without reading the rows.
        sa.Index(
            "ix_listing_match_type",
            "kind",
            "status",
            "assistance_type",
            "available_until",
            "available_from",
            "organisation_id",
            "coverage",
            "country",
            "region",
            "currency",
            "remaining_amount",
            "area_mask",
            "verified",
        ),
        sa.Index("ix_listing_match_country", "kind", "status", "country"),
        sa.Index("ix_listing_match_region", "kind", "status", "region"),
        sa.Index("ix_listing_staleness", "status", "last_confirmed_at"),
        # The public directory's filters (core.directory): its pages count and list from
        # the index alone.
        sa.Index(
            "ix_listing_public",
            "kind",
            "visibility",
            "verified",
            "status",
            "coverage",
            "country",
            "region",
            "available_until",
            "organisation_id",
            "assistance_type",
            "modality",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: ListingKind = Field(sa_type=EnumText(ListingKind, 8))
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_by_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", index=True, ondelete="SET NULL"
    )
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=4000)
    assistance_type: str = Field(sa_type=code_column(32))
    coverage: Coverage = Field(sa_type=EnumText(Coverage, 8))
    country: str | None = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2
    region: str | None = Field(default=None, max_length=3)  # UN M49; for a country, its sub-region
    amount: Decimal | None = Field(default=None, sa_type=MONEY)
    currency: str | None = Field(default=None, max_length=3)  # ISO 4217
    remaining_amount: Decimal | None = Field(default=None, sa_type=MONEY)
    quantity: Decimal | None = Field(default=None, sa_type=MONEY)
    unit: str | None = Field(default=None, max_length=32)
    remaining_quantity: Decimal | None = Field(default=None, sa_type=MONEY)
    available_from: date | None = Field(default=None)
    available_until: date | None = Field(default=None)
    priority: Priority | None = Field(default=None, sa_type=EnumText(Priority, 8))  # needs only
    modality: str | None = Field(default=None, sa_type=code_column(32))
    visibility: Visibility = Field(default=Visibility.public, sa_type=EnumText(Visibility, 12))
    # The thematic areas as bits (see area_bit), so matching can weigh area overlap from
    # the index alone; listing_area stays the record of the areas.
    area_mask: int = Field(default=0, sa_type=sa.BigInteger)
    # Seen by others only once a coordinator has verified the organisation and its author
    # (where verification is required; otherwise every listing is verified from the start).
    verified: bool = Field(default=True)
    status: ListingStatus = Field(default=ListingStatus.open, sa_type=EnumText(ListingStatus, 12))
    last_confirmed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def area_bit(area: str) -> int:
    """A stable bit for an area code, whatever the vocabulary: a hash, not a position, so a
    replaced vocabulary needs no recomputation. Two codes may share a bit; the mask only
    orders candidates before exact scoring, so a shared bit costs precision, not matches."""
    return 1 << (zlib.crc32(area.encode()) % 62)


def area_mask(areas: list[str] | set[str] | frozenset[str]) -> int:
    mask = 0
    for area in areas:
        mask |= area_bit(area)
    return mask


class ListingArea(SQLModel, table=True):
    """The thematic areas of a listing, one row each, so that matching can select by area
    through an index."""

    __tablename__ = "listing_area"
    __table_args__ = (sa.Index("ix_listing_area_area", "area", "listing_id"),)

    listing_id: int = Field(foreign_key="listing.id", primary_key=True, ondelete="CASCADE")
    area: str = Field(sa_type=code_column(48), primary_key=True)
