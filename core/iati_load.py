"""What the IATI file says of each partnership, read in a few queries for all of them at once
(not a handful per partnership), and only what may be published: partnerships drafted from a
restricted need are left out, a withdrawn or unverified listing lends nothing, an
organisation a coordinator rejected is not named, and only the values of approved reports are
read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.models import (
    Commitment,
    Indicator,
    IndicatorValue,
    Listing,
    ListingArea,
    Match,
    Objective,
    Organisation,
    Partnership,
    PartnershipMember,
    ProgressReport,
    ReportingSchedule,
    Stakeholder,
    StakeholderRole,
)
from core.models.enums import (
    CommitmentKind,
    ListingKind,
    ListingStatus,
    OrganisationKind,
    PartnershipStatus,
    ReportStatus,
    Role,
    VerificationStatus,
    Visibility,
)

# ActivityStatus codelist. Only active partnerships are published for now; completed ones would
# be "4" (Closed), one line here.
ACTIVITY_STATUS = {PartnershipStatus.active: "2"}  # Implementation
FUNDING, IMPLEMENTING = "1", "4"  # OrganisationRole codelist
# Who stands on which side when nothing more telling is known: mine-affected states' national
# authorities and operators implement, donor governments, IGOs and companies fund.
SIDE_OF_KIND = {
    OrganisationKind.national_authority: IMPLEMENTING,
    OrganisationKind.ngo: IMPLEMENTING,
    OrganisationKind.academic: IMPLEMENTING,
    OrganisationKind.government: FUNDING,
    OrganisationKind.intergovernmental: FUNDING,
    OrganisationKind.private_sector: FUNDING,
}
SIDE_OF_ROLE = {Role.donor: FUNDING, Role.field_contact: IMPLEMENTING}


@dataclass
class Report:
    """An approved report: its period and, per indicator, its values (a total has neither
    sex nor age group)."""

    report: ProgressReport
    values: dict[int, list[IndicatorValue]] = field(default_factory=dict)


@dataclass
class Published:
    """One partnership as the IATI file may tell it."""

    partnership: Partnership
    members: list[Organisation] = field(default_factory=list)
    roles: dict[int, set[str]] = field(default_factory=dict)  # organisation id -> role codes
    objectives: list[tuple[Objective, list[Indicator]]] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    schedule: ReportingSchedule | None = None
    reports: list[Report] = field(default_factory=list)
    need: Listing | None = None  # only when it may lend its text, place and areas
    offer: Listing | None = None
    areas: list[str] = field(default_factory=list)
    # The side each organisation took in the match it was drafted from, withdrawn or not.
    drafted: dict[int, str] = field(default_factory=dict)
    # The language its title was written in: its author's (the need's, or the coordinator's).
    language: str | None = None

    def organisation(self, organisation_id: int) -> Organisation | None:
        return next((o for o in self.members if o.id == organisation_id), None)

    def with_role(self, role: str) -> list[Organisation]:
        return [o for o in self.members if role in self.roles.get(o.id or 0, set())]

    @property
    def last_updated(self) -> datetime | None:
        moments = [self.partnership.activated_at] + [r.report.reviewed_at for r in self.reports]
        return max((m for m in moments if m is not None), default=None)


def _exported() -> sa.Select[tuple[int]]:
    """The ids of the partnerships whose status is published, as a subquery, so that no
    query below carries a long list of ids."""
    return sa.select(Partnership.id).where(col(Partnership.status).in_(list(ACTIVITY_STATUS)))


def _usable(listing: Listing) -> bool:
    """Whether a listing may lend its text, place and areas: not taken back by its owner,
    and seen by others (verified)."""
    return listing.status != ListingStatus.withdrawn and listing.verified


def load_published(session: Session) -> list[Published]:
    """Every partnership to publish, by id. Each query below reads the partnerships
    published at its own moment (PostgreSQL reads committed rows statement by statement):
    a row that appears between two of them waits for the next file instead of failing
    this one."""
    found = {
        p.id or 0: Published(p)
        for p in session.exec(
            select(Partnership)
            .where(col(Partnership.id).in_(_exported()))
            .order_by(col(Partnership.id))
        )
    }
    for partnership_id in _listings(session, found):
        # Its need was asked to stay among coordinators: the partnership's title and place
        # would tell it to everyone.
        del found[partnership_id]
    member_roles = _members(session, found)
    _plans(session, found)
    _reports(session, found)
    _languages(session, found)
    for item in found.values():
        item.roles = _sides(item, member_roles)
    # IATI requires a participating organisation.
    return [item for item in found.values() if item.members]


def _listings(session: Session, found: dict[int, Published]) -> set[int]:
    """The need and offer a partnership was drafted from, where they may lend their text,
    and its areas; returns the partnerships drafted from a restricted need."""
    restricted: set[int] = set()
    usable: set[int] = set()
    rows = session.exec(
        select(Partnership.id, Listing, Stakeholder.language)
        .join(Match, col(Match.id) == Partnership.match_id)
        .join(Listing, sa.or_(col(Listing.id) == Match.need_id, col(Listing.id) == Match.offer_id))
        .outerjoin(Stakeholder, col(Stakeholder.id) == Listing.created_by_id)
        .where(col(Partnership.id).in_(_exported()))
        .order_by(col(Partnership.id), col(Listing.kind))  # the need first
    )
    for partnership_id, listing, language in rows:
        item = found.get(partnership_id or 0)
        if item is None:
            continue  # became active since the first query: it waits for the next file
        side = IMPLEMENTING if listing.kind == ListingKind.need else FUNDING
        item.drafted.setdefault(listing.organisation_id, side)
        if listing.kind == ListingKind.need:
            if listing.visibility == Visibility.restricted:
                restricted.add(partnership_id or 0)
            item.language = language  # the title was the need's
        if not _usable(listing):
            continue
        usable.add(listing.id or 0)
        if listing.kind == ListingKind.need:
            item.need = listing
        else:
            item.offer = listing
    areas = session.exec(
        select(Partnership.id, ListingArea.listing_id, ListingArea.area)
        .join(Match, col(Match.id) == Partnership.match_id)
        .join(
            ListingArea,
            sa.or_(
                col(ListingArea.listing_id) == Match.need_id,
                col(ListingArea.listing_id) == Match.offer_id,
            ),
        )
        .where(col(Partnership.id).in_(_exported()))
    )
    for partnership_id, listing_id, area in areas:
        item = found.get(partnership_id or 0)
        if item is not None and listing_id in usable and area not in item.areas:
            item.areas.append(area)
    return restricted


def _members(session: Session, found: dict[int, Published]) -> dict[tuple[int, int], set[Role]]:
    """The partner organisations, and the roles of the people who speak for them."""
    rejected = VerificationStatus.rejected
    for member, organisation in session.exec(
        select(PartnershipMember, Organisation)
        .join(Organisation, col(Organisation.id) == PartnershipMember.organisation_id)
        .where(col(PartnershipMember.partnership_id).in_(_exported()))
        .order_by(col(PartnershipMember.id))
    ):
        # A coordinator rejected it as not bona fide: the directory does not name it either.
        if member.partnership_id in found and organisation.verification != rejected:
            found[member.partnership_id].members.append(organisation)
    roles: dict[tuple[int, int], set[Role]] = defaultdict(set)
    for partnership_id, organisation_id, role in session.exec(
        select(
            PartnershipMember.partnership_id,
            PartnershipMember.organisation_id,
            StakeholderRole.role,
        )
        .join(
            StakeholderRole, col(StakeholderRole.stakeholder_id) == PartnershipMember.stakeholder_id
        )
        .where(col(PartnershipMember.partnership_id).in_(_exported()))
    ):
        roles[(partnership_id, organisation_id)].add(Role(role))
    return roles


def _plans(session: Session, found: dict[int, Published]) -> None:
    """Objectives with their indicators, commitments and schedules."""
    objectives: dict[int, tuple[Objective, list[Indicator]]] = {}
    for objective in session.exec(
        select(Objective)
        .where(col(Objective.partnership_id).in_(_exported()))
        .order_by(col(Objective.id))
    ):
        objectives[objective.id or 0] = (objective, [])
        if objective.partnership_id in found:
            found[objective.partnership_id].objectives.append(objectives[objective.id or 0])
    for indicator in session.exec(
        select(Indicator)
        .join(Objective, col(Objective.id) == Indicator.objective_id)
        .where(col(Objective.partnership_id).in_(_exported()))
        .order_by(col(Indicator.id))
    ):
        if indicator.objective_id in objectives:  # not an objective added meanwhile
            objectives[indicator.objective_id][1].append(indicator)
    for commitment in session.exec(
        select(Commitment)
        .where(col(Commitment.partnership_id).in_(_exported()))
        .order_by(col(Commitment.id))
    ):
        if commitment.partnership_id in found:
            found[commitment.partnership_id].commitments.append(commitment)
    for schedule in session.exec(
        select(ReportingSchedule).where(col(ReportingSchedule.partnership_id).in_(_exported()))
    ):
        if schedule.partnership_id in found:
            found[schedule.partnership_id].schedule = schedule


def _reports(session: Session, found: dict[int, Published]) -> None:
    """Approved reports only: a figure nobody has reviewed is not published."""
    approved = (
        select(ProgressReport)
        .where(
            col(ProgressReport.partnership_id).in_(_exported()),
            ProgressReport.status == ReportStatus.approved,
        )
        .order_by(col(ProgressReport.period_end))
    )
    reports: dict[int, Report] = {}
    for report in session.exec(approved):
        reports[report.id or 0] = Report(report)
        if report.partnership_id in found:
            found[report.partnership_id].reports.append(reports[report.id or 0])
    for value in session.exec(
        select(IndicatorValue)
        .join(ProgressReport, col(ProgressReport.id) == IndicatorValue.report_id)
        .where(
            col(ProgressReport.partnership_id).in_(_exported()),
            ProgressReport.status == ReportStatus.approved,
        )
        .order_by(col(IndicatorValue.sex), col(IndicatorValue.age_group))
    ):
        if value.report_id in reports:  # not a report approved meanwhile
            reports[value.report_id].values.setdefault(value.indicator_id, []).append(value)


def _languages(session: Session, found: dict[int, Published]) -> None:
    """A partnership a coordinator created bears a title the coordinator wrote."""
    for partnership_id, language in session.exec(
        select(Partnership.id, Stakeholder.language)
        .join(Stakeholder, col(Stakeholder.id) == Partnership.coordinator_id)
        .where(col(Partnership.id).in_(_exported()))
    ):
        item = found.get(partnership_id or 0)
        if item is not None and item.language is None:
            item.language = language


def _sides(item: Published, member_roles: dict[tuple[int, int], set[Role]]) -> dict[int, set[str]]:
    """Each partner's roles: the side it took in the match (the need's implements, the
    offer's funds), else the role of the person who speaks for it, else its kind; and
    funding besides for whoever commits money."""
    roles: dict[int, set[str]] = {}
    for organisation in item.members:
        organisation_id = organisation.id or 0
        people = member_roles.get((item.partnership.id or 0, organisation_id), set())
        by_role = [SIDE_OF_ROLE[r] for r in sorted(people) if r in SIDE_OF_ROLE]
        side = item.drafted.get(organisation_id) or (
            by_role[0] if len(set(by_role)) == 1 else SIDE_OF_KIND[organisation.kind]
        )
        roles[organisation_id] = {side}
    for commitment in item.commitments:
        if commitment.kind == CommitmentKind.financial and commitment.organisation_id in roles:
            roles[commitment.organisation_id].add(FUNDING)
    return roles


def ordered(codes: Iterable[str], order: list[str]) -> list[str]:
    """Codes in the order of their vocabulary, unknown ones last, each once."""
    unique = list(dict.fromkeys(codes))
    rank = {code: n for n, code in enumerate(order)}
    return sorted(unique, key=lambda code: rank.get(code, len(rank)))
