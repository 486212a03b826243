"""The fixed sets of values of the domain. Vocabularies that a community may replace
(assistance types, thematic areas, modalities) are data, not enums: see core.vocabularies."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    government = "government"
    intergovernmental = "intergovernmental"
    ngo = "ngo"  # NGO or civil society
    private_sector = "private_sector"
    academic = "academic"
    national_authority = "national_authority"


class VerificationStatus(StrEnum):
    pending = "pending"
    verified = "verified"
    rejected = "rejected"


class ContactScope(StrEnum):
    national = "national"
    regional = "regional"


class Role(StrEnum):
    field_contact = "field_contact"
    donor = "donor"
    coordinator = "coordinator"
    admin = "admin"


class Platform(StrEnum):
    telegram = "telegram"
    slack = "slack"
    console = "console"


class ListingKind(StrEnum):
    need = "need"
    offer = "offer"


class ListingStatus(StrEnum):
    open = "open"
    matched = "matched"
    fulfilled = "fulfilled"
    withdrawn = "withdrawn"
    expired = "expired"


class Coverage(StrEnum):
    """Where a listing applies: a need is in a country or a region, an offer may be global."""

    country = "country"
    region = "region"
    world = "global"


class Priority(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class Visibility(StrEnum):
    public = "public"
    restricted = "restricted"  # needs only: coordinators and owners of matching offers


class Decision(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class MatchStatus(StrEnum):
    proposed = "proposed"
    accepted = "accepted"  # both sides accepted
    declined = "declined"  # one side declined
    expired = "expired"


class PartnershipStatus(StrEnum):
    draft = "draft"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"


class Disaggregation(StrEnum):
    none = "none"
    sex = "sex"
    age = "age"
    sex_age = "sex_age"


class CommitmentKind(StrEnum):
    financial = "financial"
    in_kind = "in_kind"


class Frequency(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    half_yearly = "half_yearly"
    yearly = "yearly"


class ReportStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    returned = "returned"


class NotificationStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # permanent: the recipient cannot be reached
    dropped = "dropped"  # no longer true when its time came (its period was reported)
