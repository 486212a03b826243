"""Who a consultation asks: everyone, or the people of a role, of a kind of organisation, of
a country or a region, or of the partner organisations of given partnerships. Only people
the bot can still reach are counted: the size the coordinator sees is the size invited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.errors import InvalidInput
from core.models import (
    ChannelIdentity,
    Organisation,
    Partnership,
    PartnershipMember,
    Stakeholder,
    StakeholderRole,
)
from core.models.consultation import AudienceKind
from core.models.enums import OrganisationKind, Role
from core.validation import check_country, check_region
from core.vocabularies import Vocabularies


@dataclass(frozen=True)
class Audience:
    kind: AudienceKind
    values: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, data: dict[str, Any]) -> Audience:
        return cls(AudienceKind(data.get("kind", "everyone")), tuple(data.get("values") or ()))

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "values": list(self.values)}

    def checked(self, session: Session, vocab: Vocabularies) -> Audience:
        """The same audience with its values checked: known codes, existing partnerships."""
        if self.kind == AudienceKind.everyone:
            return Audience(self.kind)
        if not self.values:
            raise InvalidInput("invalid.required", field="audience")
        values = list(dict.fromkeys(self.values))
        if self.kind == AudienceKind.role:
            _known(values, {r.value for r in Role})
        elif self.kind == AudienceKind.organisation_kind:
            _known(values, {k.value for k in OrganisationKind})
        elif self.kind == AudienceKind.country:
            values = [check_country(vocab, v, "audience") for v in values]
        elif self.kind == AudienceKind.region:
            values = [check_region(vocab, v, "audience") for v in values]
        else:
            ids = [int(v) for v in values if str(v).isdecimal() and len(str(v)) < 10]
            found = session.exec(select(Partnership.id).where(col(Partnership.id).in_(ids)))
            if len(ids) != len(values) or set(found) != set(ids):
                raise InvalidInput("invalid.partnerships", field="audience")
            values = [str(i) for i in ids]
        return Audience(self.kind, tuple(values))


def _known(values: list[str], known: set[str]) -> None:
    for value in values:
        if value not in known:
            raise InvalidInput("invalid.choice", field="audience", value=str(value)[:80])


def audience_ids(
    session: Session, vocab: Vocabularies, audience: Audience
) -> list[tuple[int, str]]:
    """The people asked, with their time zones (for quiet hours), in id order."""
    reachable = sa.exists().where(
        ChannelIdentity.stakeholder_id == Stakeholder.id,
        col(ChannelIdentity.unreachable_at).is_(None),
    )
    query = sa.select(Stakeholder.id, Stakeholder.timezone).where(reachable)
    values = list(audience.values)
    organisation = col(Stakeholder.organisation_id)
    if audience.kind == AudienceKind.role:
        query = query.where(
            sa.exists().where(
                StakeholderRole.stakeholder_id == Stakeholder.id,
                col(StakeholderRole.role).in_(values),
            )
        )
    elif audience.kind == AudienceKind.organisation_kind:
        query = query.where(organisation.in_(_organisations(Organisation.kind, values)))
    elif audience.kind == AudienceKind.country:
        query = query.where(organisation.in_(_organisations(Organisation.country, values)))
    elif audience.kind == AudienceKind.region:
        countries = {c for region in values for c in vocab.countries_in(region)}
        query = query.where(
            organisation.in_(
                select(Organisation.id).where(
                    sa.or_(
                        col(Organisation.country).in_(sorted(countries)),
                        col(Organisation.region).in_(values),
                    )
                )
            )
        )
    elif audience.kind == AudienceKind.partnerships:
        members = select(PartnershipMember.organisation_id).where(
            col(PartnershipMember.partnership_id).in_([int(v) for v in values])
        )
        query = query.where(organisation.in_(members))
    rows = session.execute(query.order_by(col(Stakeholder.id))).all()
    return [(int(pid), timezone) for pid, timezone in rows]


def _organisations(column: Any, values: list[str]) -> Any:
    return select(Organisation.id).where(col(column).in_(values))
