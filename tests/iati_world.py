"""A database worth an IATI file, written through the real use cases: partnerships drafted
from matches and by a coordinator, with objectives, disaggregated indicators, commitments and
reports approved, returned and awaiting review; and what must never be published (a
partnership from a restricted need, a draft, a need withdrawn since its match)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from core.clock import utcnow
from core.listings import ListingDraft, create_listing, withdraw_listing
from core.matchmaking import decide, propose_matches
from core.models import Partnership, ReportingSchedule
from core.models.enums import (
    CommitmentKind,
    Coverage,
    Disaggregation,
    Frequency,
    ListingKind,
    OrganisationKind,
    Role,
    Visibility,
)
from core.partnerships import (
    add_commitment,
    add_objective,
    confirm,
    set_responsibilities,
    set_schedule,
)
from core.people import Actor
from core.reporting import (
    IndicatorAnswer,
    approve_report,
    indicators_of,
    return_report,
    submit_report,
)
from core.vocabularies import Vocabularies
from tests.factories import active_partnership, person

# What a spreadsheet or a careless serialiser would get wrong: markup, an ampersand, quotes
# and a formula.
TRICKY_TITLE = 'Mines <north> & "south" =HYPERLINK("http://x.example/?a=1&b=2","go")'
NEED_TEXT = "Survey and clearance of suspected hazardous areas around Battambang."
WITHDRAWN_TEXT = "Text of a need taken back by its owner"
RESTRICTED_TITLE = "Restricted clearance request"
RETURNED_VALUE, UNREVIEWED_VALUE = Decimal("999"), Decimal("888")


@dataclass(frozen=True)
class IatiWorld:
    matched_id: int  # from a public need in KH: every part, three reports
    coordinated_id: int  # created by a coordinator between two organisations
    regional_id: int  # from a need for a region (South-eastern Asia)
    withdrawn_id: int  # from a need withdrawn after the match
    restricted_id: int  # from a restricted need: never published
    draft_id: int  # not active: never published
    first_due: date


def _listing(kind: ListingKind, title: str, **values: object) -> ListingDraft:
    today = utcnow().date()
    defaults: dict[str, object] = dict(
        assistance_type="financial",
        areas=["survey_clearance"],
        coverage=Coverage.country if kind == ListingKind.need else Coverage.world,
        country="KH" if kind == ListingKind.need else None,
        amount=Decimal(500000) if kind == ListingKind.need else Decimal(100000),
        currency="USD",
        available_from=today,
        available_until=today + timedelta(days=365),
    )
    return ListingDraft(kind=kind, title=title, **{**defaults, **values})  # type: ignore[arg-type]


def _drafted(
    session: Session,
    vocab: Vocabularies,
    field: Actor,
    donor: Actor,
    need: ListingDraft,
    offer: ListingDraft,
) -> tuple[int, int]:
    """A need and an offer matched and accepted by both: the drafted partnership and the
    need's id."""
    need_id = create_listing(session, vocab, field, need).listing.id
    offer_id = create_listing(session, vocab, donor, offer).listing.id
    assert need_id is not None and offer_id is not None
    matches = propose_matches(session, vocab, need_id, threshold=0)
    [match] = [m for m in matches if m.offer_id == offer_id]
    assert match.id is not None
    decide(session, field, match.id, accept=True)
    decide(session, donor, match.id, accept=True)
    partnership_id = session.exec(
        select(Partnership.id).where(Partnership.match_id == match.id)
    ).one()
    assert partnership_id is not None
    return partnership_id, need_id


def _complete(
    session: Session,
    field: Actor,
    donor: Actor,
    partnership_id: int,
    first_due: date,
    *,
    disaggregation: Disaggregation = Disaggregation.none,
) -> None:
    for actor in (field, donor):
        set_responsibilities(session, actor, partnership_id, "Our part of the work")
    add_objective(
        session,
        field,
        partnership_id,
        title="Assist survivors",
        deadline=first_due + timedelta(days=500),
        target="300 survivors assisted",
        indicator="Survivors assisted",
        unit="people",
        baseline="25",
        indicator_target="300",
        disaggregation=disaggregation,
    )
    set_schedule(session, field, partnership_id, frequency=Frequency.quarterly, first_due=first_due)


def _matched(
    session: Session, vocab: Vocabularies, boss: Actor, first_due: date
) -> tuple[int, Actor, Actor]:
    field = person(session, vocab, country="KH")
    donor = person(
        session, vocab, roles=(Role.donor,), country="NO", kind=OrganisationKind.government
    )
    need = _listing(
        ListingKind.need,
        TRICKY_TITLE,
        areas=["victim_assistance", "risk_education"],
        description=NEED_TEXT,
    )
    offer = _listing(
        ListingKind.offer,
        "Funding for mine action",
        areas=["victim_assistance"],
        modality="bilateral",
    )
    pid, _ = _drafted(session, vocab, field, donor, need, offer)
    _complete(session, field, donor, pid, first_due, disaggregation=Disaggregation.sex_age)
    add_objective(
        session,
        field,
        pid,
        title="Teach risk education",
        deadline=first_due + timedelta(days=300),
        target="",
        indicator="Risk education sessions",
        unit="sessions",
        baseline="0",
        indicator_target="40",
    )
    add_commitment(
        session,
        vocab,
        donor,
        pid,
        kind=CommitmentKind.financial,
        description="Grant for prosthetics & risk education",
        amount=Decimal("250000.50"),
        currency="USD",
        start_year=first_due.year,
        end_year=first_due.year + 2,
    )
    add_commitment(
        session,
        vocab,
        field,
        pid,
        kind=CommitmentKind.in_kind,
        description="Office space in Battambang",
    )
    confirm(session, field, pid)
    confirm(session, donor, pid)
    return pid, field, donor


def _reports(session: Session, pid: int, field: Actor, boss: Actor, first_due: date) -> None:
    """Period 1 approved (with a breakdown by sex and age, and one for an indicator that is
    not disaggregated), period 2 returned, period 3 awaiting review."""
    survivors, sessions = indicators_of(session, pid)
    assert survivors.id is not None and sessions.id is not None
    approved = submit_report(
        session,
        field,
        pid,
        first_due,
        {
            survivors.id: IndicatorAnswer(
                Decimal("57"),
                {
                    ("female", "0-17"): Decimal("10"),
                    ("female", "18-59"): Decimal("21"),
                    ("male", "18-59"): Decimal("26"),
                },
            ),
            sessions.id: IndicatorAnswer(Decimal("12"), {("female", ""): Decimal("5")}),
        },
        narrative="Survivors fitted with prostheses",
    )
    approve_report(session, boss, approved.id or 0)
    for value in (RETURNED_VALUE, UNREVIEWED_VALUE):
        schedule = session.exec(
            select(ReportingSchedule).where(ReportingSchedule.partnership_id == pid)
        ).one()
        sent = submit_report(
            session,
            field,
            pid,
            schedule.next_due,
            {survivors.id: IndicatorAnswer(value), sessions.id: IndicatorAnswer(value)},
            narrative="Figures not yet reviewed",
        )
        if value == RETURNED_VALUE:
            return_report(session, boss, sent.id or 0, "Please check the totals")


def build_iati_world(session: Session, vocab: Vocabularies) -> IatiWorld:
    first_due = utcnow().date() + timedelta(days=7)
    boss = person(session, vocab, roles=(Role.coordinator,), country="CH")
    matched_id, field, _ = _matched(session, vocab, boss, first_due)
    _reports(session, matched_id, field, boss, first_due)

    coordinated_id, _, _ = active_partnership(session, vocab, first_due=first_due, coordinator=boss)
    draft_id, _, _ = active_partnership(
        session, vocab, first_due=first_due, coordinator=boss, confirmed=False
    )

    ids: dict[str, int] = {}
    for name, need in (
        (
            "regional",
            _listing(
                ListingKind.need,
                "Regional stockpile destruction",
                coverage=Coverage.region,
                country=None,
                region="035",
                areas=["stockpile_destruction"],
            ),
        ),
        (
            "withdrawn",
            _listing(
                ListingKind.need,
                "Clearance in Laos",
                country="LA",
                description=WITHDRAWN_TEXT,
                areas=["advocacy"],
            ),
        ),
        (
            "restricted",
            _listing(ListingKind.need, RESTRICTED_TITLE, visibility=Visibility.restricted),
        ),
    ):
        field = person(session, vocab, country="LA")
        donor = person(
            session, vocab, roles=(Role.donor,), country="JP", kind=OrganisationKind.government
        )
        # The withdrawn need's area is its own: nothing else would bring it into the file.
        areas = ["survey_clearance"] if name == "withdrawn" else need.areas
        offer = _listing(ListingKind.offer, f"Funding: {name}", areas=areas)
        pid, need_id = _drafted(session, vocab, field, donor, need, offer)
        _complete(session, field, donor, pid, first_due)
        confirm(session, field, pid)
        confirm(session, donor, pid)
        if name == "withdrawn":
            withdraw_listing(session, field, need_id)
        ids[name] = pid
    return IatiWorld(
        matched_id=matched_id,
        coordinated_id=coordinated_id,
        regional_id=ids["regional"],
        withdrawn_id=ids["withdrawn"],
        restricted_id=ids["restricted"],
        draft_id=draft_id,
        first_due=first_due,
    )
