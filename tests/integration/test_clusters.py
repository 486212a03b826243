"""Clusters and the follow-up process, on SQLite and PostgreSQL: a cluster suggested when
three active partnerships share an area in a region and confirmed in chat; a steering
group's call whose "I can help" becomes a match proposal; indicators rolled up from approved
reports only, by sex and age; the national counterpart told once per event and never about
another's restricted need; the projection against a treaty deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.notices import render_notice
from core.cluster_calls import answer_call, send_call
from core.clusters import create_cluster, set_steering, suggestions
from core.errors import InvalidInput
from core.listings import create_listing
from core.models import (
    ChannelIdentity,
    IndicatorValue,
    Match,
    Notification,
    Objective,
    Organisation,
    Partnership,
    ProgressReport,
    Stakeholder,
)
from core.models.enums import (
    MatchStatus,
    OrganisationKind,
    ReportStatus,
    Role,
    VerificationStatus,
    Visibility,
)
from core.projection import (
    LATE,
    NO_DATA,
    ON_TRACK,
    STALLED,
    link_objective,
    project,
    projections,
    set_deadline,
)
from core.reminders import Policy, sweep
from core.rollup import rolled_up
from tests.chat import Person
from tests.factories import active_partnership, need, offer, person

DUE = date(2027, 3, 31)
NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)


def three_partnerships(s, vocab, *, restricted: bool = False):
    """Three active partnerships from needs in Cambodia in victim assistance."""
    boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
    made = []
    for _ in range(3):
        pid, field, donor = active_partnership(s, vocab, first_due=DUE, coordinator=boss)
        visibility = Visibility.restricted if restricted else Visibility.public
        wanted = create_listing(s, vocab, field, need(visibility=visibility)).listing
        given = create_listing(s, vocab, donor, offer(assistance_type="equipment")).listing
        match = Match(need_id=wanted.id, offer_id=given.id, score=1.0, status=MatchStatus.accepted)
        s.add(match)
        s.flush()
        s.get(Partnership, pid).match_id = match.id
        made.append((pid, field, donor))
    s.flush()
    return boss, made


def test_a_cluster_is_suggested_and_confirmed_in_chat(db, vocab) -> None:
    with db.write() as s:
        boss, made = three_partnerships(s, vocab)
        [suggestion] = suggestions(s, vocab)
        assert (suggestion.area, suggestion.region) == ("victim_assistance", "035")
        assert len(suggestion.partnership_ids) == 3
        s.add(ChannelIdentity(stakeholder_id=boss.id, platform="console", external_user_id="boss"))
    bot = ChatBot(db, vocab, clock=lambda: NOW)
    coordinator = Person(bot, "boss")
    coordinator.command("clusters")
    assert "Suggested: Victim assistance in Southeast Asia, 3 active partnerships" in (
        coordinator.text
    )
    coordinator.tap("Make it a cluster")
    assert "Cluster #1: Victim assistance in Southeast Asia" in coordinator.text
    for pid, _, _ in made:
        assert f"#{pid} Partnership" in coordinator.text
    with db.read() as s:
        assert suggestions(s, vocab) == []  # confirmed: no longer suggested
    field = Person(bot, "nobody")
    field.command("cluster", "1")
    assert "Please introduce yourself" in field.text or "Hello" in field.text


def test_a_steering_group_is_balanced_and_its_call_becomes_a_match_proposal(db, vocab) -> None:
    with db.write() as s:
        boss, made = three_partnerships(s, vocab)
        cluster = create_cluster(s, boss, vocab, title="VA", area="victim_assistance", region="035")
        (_, field, donor), (_, field2, _) = made[0], made[1]
        with pytest.raises(InvalidInput):
            set_steering(s, boss, cluster.id, [field.id, field2.id])  # no provider
        set_steering(s, boss, cluster.id, [field.id, donor.id])
        # A need of Cambodia waiting for three months, and a fitting offer elsewhere
        waiting = create_listing(s, vocab, field2, need(title="Wheelchairs")).listing
        waiting.created_at = datetime(2026, 11, 1, tzinfo=UTC)
        provider = person(s, vocab, roles=(Role.donor,), country="JP", kind=OrganisationKind.ngo)
        fits = create_listing(s, vocab, provider, offer(assistance_type="equipment")).listing
        s.flush()
        told = send_call(s, vocab, field, cluster.id, waiting.id, today=NOW.date())
        assert told >= 1
        [call] = [
            n
            for n in s.exec(select(Notification).where(Notification.kind == "cluster_call"))
            if n.stakeholder_id == provider.id
        ]
        text = str(render_notice(s, vocab, Tr("en"), call)[0].text)
        assert "A call from the steering group of “VA”" in text and "Wheelchairs" in text
        match = answer_call(s, vocab, provider, call.payload["call_id"], fits.id, today=NOW.date())
        assert match is not None and match.status == MatchStatus.proposed
        assert match.need_id == waiting.id and match.offer_id == fits.id
        assert (
            answer_call(s, vocab, provider, call.payload["call_id"], fits.id, today=NOW.date())
            is None
        )


def report(s, partnership_id: int, end: date, status: ReportStatus, values: dict) -> None:
    row = ProgressReport(
        partnership_id=partnership_id,
        period_start=end - timedelta(days=90),
        period_end=end,
        due_date=end,
        status=status,
    )
    s.add(row)
    s.flush()
    indicator_id = s.exec(
        select(Objective.id).where(Objective.partnership_id == partnership_id)
    ).first()
    from core.models import Indicator

    ind = s.exec(select(Indicator).where(Indicator.objective_id == indicator_id)).first()
    for (sex, age), value in values.items():
        s.add(
            IndicatorValue(
                report_id=row.id, indicator_id=ind.id, sex=sex, age_group=age, value=Decimal(value)
            )
        )
    s.flush()


def test_indicators_roll_up_from_approved_reports_only_by_sex_and_age(db, vocab) -> None:
    with db.write() as s:
        _, made = three_partnerships(s, vocab)
        a, b, c = (pid for pid, _, _ in made)
        report(
            s,
            a,
            date(2027, 3, 31),
            ReportStatus.approved,
            {("", ""): 10, ("female", ""): 6, ("male", ""): 4},
        )
        report(
            s,
            a,
            date(2027, 6, 30),
            ReportStatus.approved,
            {("", ""): 20, ("female", ""): 12, ("male", ""): 8},
        )
        report(s, b, date(2027, 6, 30), ReportStatus.approved, {("", ""): 5, ("female", "0-17"): 5})
        report(s, c, date(2027, 6, 30), ReportStatus.submitted, {("", ""): 1000})  # not approved
        [group] = rolled_up(s, [a, b, c])
    assert group.indicators == 3 and group.reported == 2
    assert group.total == 25  # the latest approved of each: 20 + 5
    assert group.parts == {("female", ""): 12, ("male", ""): 8, ("female", "0-17"): 5}
    assert group.share == Decimal(25) / group.target


def test_the_counterpart_is_told_once_per_event_and_never_a_restricted_title(db, vocab) -> None:
    with db.write() as s:
        _, made = three_partnerships(s, vocab, restricted=True)
        pid = made[0][0]
        authority = person(s, vocab, country="KH", kind=OrganisationKind.national_authority)
        # The field contacts' organisations are national authorities too: the first
        # registered is the counterpart; make a separate one the counterpart for clarity.
        for p in s.exec(select(Partnership)):
            p.national_counterpart_id = authority.organisation_id
        report(s, pid, date(2027, 3, 31), ReportStatus.approved, {("", ""): 3})
    for _ in range(2):
        with db.write() as s:
            sweep(s, NOW, Policy(quiet=None), vocab=vocab)
    with db.read() as s:
        told = [n for n in s.exec(select(Notification)) if n.stakeholder_id == authority.id]
        kinds = sorted(n.kind for n in told)
        assert kinds.count("counterpart_new") == 3 and kinds.count("counterpart_report") == 1
        texts = " ".join(str(r.text) for n in told for r in render_notice(s, vocab, Tr("en"), n))
    assert "Prosthetic kits" not in texts and "Partnership" not in texts
    assert "A new partnership in Cambodia: a partnership" in texts
    # The objectives change: told once more
    with db.write() as s:
        objective = s.exec(select(Objective).where(Objective.partnership_id == pid)).first()
        objective.title = "Fit 80 prostheses"
    for _ in range(2):
        with db.write() as s:
            sweep(s, NOW, Policy(quiet=None), vocab=vocab)
    with db.read() as s:
        changed = s.exec(
            select(Notification).where(Notification.kind == "counterpart_objectives")
        ).all()
        assert [n.stakeholder_id for n in changed] == [authority.id]


def test_projection_on_known_series() -> None:
    start = date(2027, 1, 1)
    on_track = [(start, Decimal(100)), (start + timedelta(days=100), Decimal(50))]
    assert project(on_track, Decimal(0)) == (start + timedelta(days=200), ON_TRACK)
    assert project(on_track[:1], Decimal(0)) == (None, NO_DATA)
    stalled = [(start, Decimal(100)), (start + timedelta(days=100), Decimal(120))]
    assert project(stalled, Decimal(0), Decimal(100)) == (None, STALLED)
    done = [(start, Decimal(5)), (start + timedelta(days=10), Decimal(12))]
    assert project(done, Decimal(10), Decimal(0)) == (start + timedelta(days=10), ON_TRACK)
    rising = [(start, Decimal(0)), (start + timedelta(days=10), Decimal(1))]
    assert project(rising, Decimal(10)) == (start + timedelta(days=100), ON_TRACK)


def test_a_projection_past_the_treaty_deadline_warns_partners_coordinator_and_counterpart(
    db, vocab
) -> None:
    with db.write() as s:
        boss, made = three_partnerships(s, vocab)
        pid, field, donor = made[0]
        deadline = set_deadline(s, boss, vocab, "KH", date(2027, 9, 30))
        objective = s.exec(select(Objective).where(Objective.partnership_id == pid)).first()
        link_objective(s, field, objective.id, deadline.id)
        [found] = projections(s, pid)
        assert found.status == NO_DATA
        # 1.2 km² to release (the factory's indicator): 0.1 and then 0.2 a quarter is late
        report(s, pid, date(2027, 3, 31), ReportStatus.approved, {("", ""): "0.1"})
        report(s, pid, date(2027, 6, 30), ReportStatus.approved, {("", ""): "0.2"})
        [found] = projections(s, pid)
        assert found.status == LATE and found.completion > date(2027, 9, 30)
    for _ in range(2):
        with db.write() as s:
            sweep(s, NOW, Policy(quiet=None), vocab=vocab)
    with db.read() as s:
        warned = {
            n.stakeholder_id
            for n in s.exec(select(Notification).where(Notification.kind == "projection_late"))
        }
        partners = {
            p.id
            for p in s.exec(
                select(Stakeholder).where(
                    Stakeholder.organisation_id.in_([field.organisation_id, donor.organisation_id])
                )
            )
        }
    assert partners | {boss.id} <= warned


def test_a_clusters_partnerships_are_related_activities_in_a_valid_iati_file(db, vocab) -> None:
    from lxml import etree

    from core.iati import ReportingOrg, iati_activities
    from tests.integration.test_iati import activity_schema as schema_fixture

    schema = schema_fixture.__wrapped__()  # the session fixture's function, called directly
    with db.write() as s:
        boss, made = three_partnerships(s, vocab)
        create_cluster(s, boss, vocab, title="VA", area="victim_assistance", region="035")
        for organisation in s.exec(select(Organisation)):
            organisation.verification = VerificationStatus.verified
    with db.read() as s:
        document = iati_activities(
            s, vocab, reporting_org=ReportingOrg(ref="XI-TEST", name="P"), generated_at=NOW
        )
    tree = etree.fromstring(document, etree.XMLParser(no_network=True, resolve_entities=False))
    assert schema.validate(tree), "\n".join(e.message for e in schema.error_log)
    related = {
        a.findtext("iati-identifier"): sorted(r.get("ref") for r in a.iter("related-activity"))
        for a in tree.iter("iati-activity")
    }
    a, b, c = (f"XI-TEST-{pid}" for pid, _, _ in made)
    assert related[a] == [b, c] and related[b] == [a, c]


def test_a_cluster_is_followed_up_in_chat_steering_group_call_and_comment(db, vocab) -> None:
    with db.write() as s:
        boss, made = three_partnerships(s, vocab)
        (pid, field, donor), (_, field2, _) = made[0], made[1]
        waiting = create_listing(s, vocab, field2, need(title="Wheelchairs")).listing
        waiting.created_at = datetime(2026, 11, 1, tzinfo=UTC)
        provider = person(s, vocab, roles=(Role.donor,), country="JP", kind=OrganisationKind.ngo)
        create_listing(s, vocab, provider, offer(assistance_type="equipment"))
        authority = person(s, vocab, country="KH", kind=OrganisationKind.national_authority)
        for user, actor in (("boss", boss), ("field", field), ("jp", provider), ("na", authority)):
            s.add(
                ChannelIdentity(stakeholder_id=actor.id, platform="console", external_user_id=user)
            )
        names = {a.id: s.get(Stakeholder, a.id).name for a in (field, donor)}
    bot = ChatBot(db, vocab, clock=lambda: NOW)
    claire, steering, japan = Person(bot, "boss"), Person(bot, "field"), Person(bot, "jp")
    claire.command("clusters")
    claire.tap("Make it a cluster")
    claire.tap("Steering group")
    claire.answer("Who sits on the steering group?", tap=names[field.id])
    claire.answer("Who sits on the steering group?", tap=names[donor.id])
    claire.answer("Who sits on the steering group?", tap="Done")
    claire.answer("please check", tap="Save")
    assert f"Steering group: {names[field.id]}, {names[donor.id]}" in claire.text
    steering.command("cluster", "1")
    assert "1 gap: a need unmatched for over two months" in steering.text
    steering.tap(f"Call for #{waiting.id}")
    assert "Call sent to the owners of" in steering.text
    with db.read() as s:
        [call] = [
            n
            for n in s.exec(select(Notification))
            if n.kind == "cluster_call" and n.stakeholder_id == provider.id
        ]
        japan.replies = render_notice(s, vocab, Tr("en"), call)
    japan.tap("I can help")
    assert "the match is proposed to both sides" in japan.text
    # The national counterpart comments on a partnership in its country
    with db.write() as s:
        s.get(Partnership, pid).national_counterpart_id = authority.organisation_id
    national = Person(bot, "na")
    national.command("natl_comment", str(pid))
    national.answer("Your comment", say="Please align with the national mine action strategy.")
    national.answer("please check", tap="Save")
    assert "your comment went to" in national.text
    with db.read() as s:
        comments = s.exec(
            select(Notification).where(Notification.kind == "counterpart_comment")
        ).all()
        assert field.id in {n.stakeholder_id for n in comments}
        assert authority.id not in {n.stakeholder_id for n in comments}
    steering.command("natl_comment", str(pid))
    steering.answer("Your comment", say="Not mine to say")
    steering.answer("please check", tap="Save")
    assert "Only the national counterpart" in steering.text


def test_a_stranger_sees_no_restricted_partnership_nor_anothers_objectives(db, vocab) -> None:
    with db.write() as s:
        _, made = three_partnerships(s, vocab, restricted=True)
        pid = made[0][0]
        stranger = person(s, vocab, roles=(Role.donor,), country="JP", kind=OrganisationKind.ngo)
        s.add(ChannelIdentity(stakeholder_id=stranger.id, platform="console", external_user_id="x"))
    bot = ChatBot(db, vocab, clock=lambda: NOW)
    x = Person(bot, "x")
    x.command("country", "KH")
    assert "Partnerships: 0" in x.text and "Partnership" not in x.text.replace("Partnerships", "")
    x.command("pship_deadline", str(pid))
    assert "Clear the north" not in x.text
    x.command("pship_national", str(pid))
    assert "national plan" not in x.text.lower()


def test_a_coordinator_makes_a_cluster_of_chosen_partnerships(db, vocab) -> None:
    with db.write() as s:
        boss, made = three_partnerships(s, vocab)
        s.add(ChannelIdentity(stakeholder_id=boss.id, platform="console", external_user_id="boss"))
        first, second = (s.get(Partnership, pid).title for pid, _, _ in made[:2])
    bot = ChatBot(db, vocab, clock=lambda: NOW)
    claire = Person(bot, "boss")
    claire.command("cluster", "new")
    claire.answer("The cluster's name", say="Rehabilitation in Cambodia")
    claire.answer("Which active partnerships", tap=first)
    claire.answer("Which active partnerships", tap=second)
    claire.answer("Which active partnerships", tap="Done")
    claire.answer("please check", tap="Save")
    assert "Cluster #1: Rehabilitation in Cambodia" in claire.text
    assert first in claire.text and second in claire.text
    field = Person(bot, "field")
    with db.write() as s:
        s.add(
            ChannelIdentity(
                stakeholder_id=made[0][1].id, platform="console", external_user_id="field"
            )
        )
    field.command("cluster", "new")
    assert "Only coordinators" in field.text
