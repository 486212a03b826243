"""Hostile tests of consultations, time away and clusters: forged buttons and forms with
others' ids, huge ids, injection in what people type, anonymity, restricted needs, and
notices repeated by repeated sweeps."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.consultation_document import document
from bot.errors import GENERIC
from bot.i18n import Tr
from bot.messages import FormInput, Inbound
from bot.notices import render_notice
from core.cluster_calls import answer_call, send_call
from core.clusters import create_cluster, set_steering
from core.consultation_export import synthesis_data, synthesis_rows, write_synthesis
from core.consultation_synthesis import synthesise
from core.errors import NotFound
from core.listings import create_listing
from core.models import ChannelIdentity, Consultation, Notification, Objective, Partnership
from core.models.enums import OrganisationKind, ReportStatus, Role
from core.projection import link_objective, set_deadline
from core.reminders import Policy, sweep
from tests.chat import Person
from tests.factories import bot_settings, need, offer, person
from tests.integration.test_clusters import NOW, report, three_partnerships
from tests.integration.test_consultations import (
    START,
    Clock,
    answer,
    coordinator,
    notices,
    people,
    show,
    write_consultation,
)
from tests.integration.test_consultations import sweep as sweep_at

HUGE = "9" * 40
GENERIC_TEXT = str(Tr("en")(GENERIC))


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def bot(db, vocab, clock) -> ChatBot:
    return ChatBot(db, vocab, bot_settings(), clock=clock)


def no_crash(who: Person) -> None:
    assert GENERIC_TEXT not in who.text, who.text


# -- consultations: anonymity ----------------------------------------------------------------


def test_anonymous_free_text_does_not_come_in_the_order_people_were_invited(
    bot: ChatBot,
) -> None:
    """Bug: the texts came in the responses' order, which is the invitees' id order (the
    order of registration): a coordinator could tell who wrote which."""
    ana, bea, kim = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire, anonymous=True, audience="Everyone")
    claire.tap("Send to 4 people")
    for who, text in ((ana, "zebra crossing"), (bea, "mango trees"), (kim, "apple orchard")):
        who.command("consult_answer", str(cid))
        answer(who, "Funding", "5", text)
    with bot.db.read() as s:
        synthesis = synthesise(s, s.get(Consultation, cid))
    [group] = synthesis.questions[2].groups
    assert list(group.texts) == ["apple orchard", "mango trees", "zebra crossing"]
    assert (group.country, group.organisation_kind) == ("", "")


def test_anonymous_outputs_name_nobody_for_participants_nor_in_the_shared_synthesis(
    bot: ChatBot,
) -> None:
    ana, bea, _ = people(bot)
    claire = coordinator(bot)
    claire.command("consult")
    claire.answer("title", say="Anonymous needs")
    claire.answer("Whom do you consult?", tap="Everyone")
    claire.answer("The last day to answer?", say="2027-03-10")
    claire.answer("anonymous?", tap="Yes")
    claire.answer("receive the synthesis", tap="Yes")
    claire.answer("please check", tap="Save")
    claire.answer("The question", say="What stands in the way?")
    claire.answer("How is it answered?", tap="Free text")
    claire.answer("please check", tap="Save")
    claire.tap("Send to 4 people")
    with bot.db.read() as s:
        cid = s.exec(select(Consultation.id)).one()
    ana.command("consult_answer", str(cid))
    ana.answer("1 of 1.", say="Roads are mined")
    ana.answer("please check", tap="Save")
    sweep_at(bot, datetime(2027, 3, 11, 1, tzinfo=UTC))
    texts = []
    for n in notices(bot, "consultation_synthesis"):
        show(bot, ana, n)
        texts.append(ana.text)
    assert len(texts) == 4  # the author and the three others
    bot.clock.at = datetime(2027, 3, 12, tzinfo=UTC)  # type: ignore[attr-defined]
    for layout in ("csv", "json", "html"):
        bea.command("consult_export", f"{cid}.{layout}")
        attachment = bea.replies[-1].attachment
        assert attachment is not None
        texts.append(attachment.path.read_text())
    claire.command("consultation", str(cid))
    texts.append(claire.text)
    for text in texts:
        for name in ("Ana", "Bea", "Kim", "Mekong", "Angola", "Cambodia", "Not answered"):
            assert name not in text, (name, text[:400])
    assert any("Roads are mined" in t for t in texts)


def test_a_participant_never_sees_who_did_not_answer(bot: ChatBot, clock: Clock) -> None:
    ana, _, _ = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    claire.tap("Send to 2 people")
    ana.command("consult_answer", str(cid))
    answer(ana, "Training", "3", "Trainers")
    clock.at = datetime(2027, 3, 12, tzinfo=UTC)
    sweep_at(bot, clock.at)
    ana.command("consultation", str(cid))
    assert "Bea" not in ana.text and "Not answered" not in ana.text
    ana.command("consult_export", f"{cid}.json")  # not shared: for the coordinators
    assert ana.replies[-1].attachment is None and "Only coordinators" in ana.text
    claire.command("consultation", str(cid))
    assert "Not answered: Bea" in claire.text


# -- consultations: forged buttons and forms ---------------------------------------------------


def test_forged_consultation_buttons_with_others_ids_and_huge_ids(bot: ChatBot) -> None:
    ana, bea, kim = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    # Before it is sent, the draft is its author's alone
    for cmd in ("consultation", "consult_answer", "consult_q", "consult_drop", "consult_send"):
        ana.command(cmd, str(cid))
        assert "could not find" in ana.text or "Only coordinators" in ana.text
        no_crash(ana)
    claire.tap("Send to 2 people")
    # The donor was not asked: nothing of it shows
    for cmd, args in (
        ("consultation", str(cid)),
        ("consult_answer", str(cid)),
        ("consult_export", f"{cid}.csv"),
        ("consult_need", f"{cid}.2"),
        ("consult_need", f"{cid}.0"),
    ):
        kim.command(cmd, args)
        assert "What do you need most?" not in kim.text, (cmd, kim.text)
        assert kim.replies[-1].attachment is None
        no_crash(kim)
    # Another's answer is no draft need of mine
    ana.command("consult_answer", str(cid))
    answer(ana, "Training", "3", "Ana's secret wish")
    bea.command("consult_need", f"{cid}.2")
    assert "Ana's secret wish" not in bea.text
    # Huge, negative, garbled ids
    for who in (ana, claire):
        for cmd, args in (
            ("consultation", HUGE),
            ("consult_answer", "-1"),
            ("consult_export", f"{HUGE}.csv"),
            ("consult_export", f"{cid}.exe"),
            ("consult_export", f"{cid}.../../etc/passwd"),
            ("consult_need", f"{cid}.{HUGE}"),
            ("consult_send", HUGE),
            ("consult_q", "x"),
        ):
            who.command(cmd, args)
            no_crash(who)
            assert who.replies[-1].attachment is None, (cmd, args)


def test_forged_slack_form_contexts_are_refused_politely(bot: ChatBot) -> None:
    _, _, kim = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    claire.tap("Send to 2 people")
    for context in ({"id": "abc"}, {"id": HUGE}, {"id": -5}, {"id": cid}, {}):
        values = {"q0": "Training", "q1": "7", "q2": "forged"}
        kim.replies = bot.handle(
            Inbound(kim.sender, form=FormInput("consult_answer", values, context=context))
        )
        no_crash(kim)
        assert "saved" not in kim.text
    with bot.db.read() as s:
        from core.models import ConsultationResponse

        answers = [r.answers for r in s.exec(select(ConsultationResponse))]
    assert all(not a for a in answers)


def test_answers_after_the_deadline_by_a_kept_button_are_refused(
    bot: ChatBot, clock: Clock
) -> None:
    ana, _, _ = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    claire.tap("Send to 2 people")
    clock.at = datetime(2027, 3, 11, 0, 0, 1, tzinfo=UTC)
    ana.command("consult_answer", str(cid))
    assert "This consultation has closed" in ana.text


# -- consultations: injection ----------------------------------------------------------------


def test_formulas_scripts_and_markup_in_a_consultation_stay_inert(bot: ChatBot, tmp_path) -> None:
    ana, _, _ = people(bot)
    claire = coordinator(bot)
    claire.command("consult")
    claire.answer("title", say='=HYPERLINK("http://evil","x") <script>alert(1)</script>')
    claire.answer("Whom do you consult?", tap="Everyone")
    claire.answer("The last day to answer?", say="2027-03-10")
    claire.answer("anonymous?", tap="No")
    claire.answer("receive the synthesis", tap="No")
    claire.answer("please check", tap="Save")
    claire.answer("The question", say="+cmd|' /C calc'!A0 $\\frac{1}{0}$ **bold**")
    claire.answer("How is it answered?", tap="One choice")
    claire.answer("The choices", say="=1+1; @SUM(A1); $x$; <b>b</b>")
    claire.answer("please check", tap="Save")
    claire.tap("Add a question")
    claire.answer("The question", say="Why?")
    claire.answer("How is it answered?", tap="Free text")
    claire.answer("please check", tap="Save")
    claire.tap("Send to 4 people")
    with bot.db.read() as s:
        cid = s.exec(select(Consultation.id)).one()
    ana.command("consult_answer", str(cid))
    ana.answer("1 of 2.", tap="=1+1")
    ana.answer("2 of 2.", say="-2+3 <img src=x onerror=alert(1)> =cmd")
    ana.answer("please check", tap="Save")
    claire.command("consultation", str(cid))
    no_crash(claire)
    assert claire.replies[0].attachment is not None  # the chart drew the $…$ labels
    with bot.db.read() as s:
        synthesis = synthesise(s, s.get(Consultation, cid))
        html = document(Tr("en"), bot.vocab, synthesis)
    assert "<script>" not in html, [x for x in html.splitlines() if "script>" in x]
    assert "<img src=x" not in html and "<b>b</b>" not in html
    text = write_synthesis(synthesis, tmp_path, "csv").read_text()
    for row in csv.DictReader(io.StringIO(text)):
        for value in row.values():
            assert not value.startswith(("=", "+", "@")) or value.lstrip("-").isdigit(), value
    data = json.loads(write_synthesis(synthesis, tmp_path, "json").read_text())
    assert data["consultation"]["title"].startswith("=HYPERLINK")  # JSON keeps data as typed
    assert synthesis_rows(synthesis) and synthesis_data(synthesis)


# -- time away -------------------------------------------------------------------------------


def test_someone_away_is_not_reminded_and_repeated_sweeps_remind_once(
    bot: ChatBot, clock: Clock
) -> None:
    ana, _, _ = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    claire.tap("Send to 2 people")
    ana.command("away", "2027-03-09")
    assert "2027" in ana.text or "9" in ana.text
    at = datetime(2027, 3, 8, 9, tzinfo=UTC)
    for minutes in range(3):
        sweep_at(bot, at.replace(minute=minutes))
    reminded = [n.stakeholder_id for n in notices(bot, "consultation_reminder")]
    with bot.db.read() as s:
        ids = {i.external_user_id: i.stakeholder_id for i in s.exec(select(ChannelIdentity)).all()}
    assert reminded == [ids["bea"]]
    # Back on the 10th: reminded once, the day before, and told what waited
    for hour in (9, 10):
        sweep_at(bot, datetime(2027, 3, 10, hour, tzinfo=UTC))
    reminded = [
        (n.stakeholder_id, n.payload["days"]) for n in notices(bot, "consultation_reminder")
    ]
    assert sorted(reminded) == sorted([(ids["bea"], 3), (ids["bea"], 1), (ids["ana"], 1)])
    assert len(notices(bot, "back_from_away")) == 1
    ana.command("away", HUGE)
    no_crash(ana)
    ana.command("away", "1999-01-01")
    no_crash(ana)
    ana.command("away", "2030-01-01")  # longer than a year: leaving, not away
    no_crash(ana)
    assert cid


# -- clusters, calls, national ownership -------------------------------------------------------


def test_i_can_help_for_an_offer_the_call_never_went_to_is_refused(db, vocab) -> None:
    """Bug: any offer of one's organisation answered any call (a closed one too, or one of
    another type), proposing a match the call never made."""
    with db.write() as s:
        boss, made = three_partnerships(s, vocab)
        cluster = create_cluster(s, boss, vocab, title="VA", area="victim_assistance", region="035")
        (_, field, donor), (_, field2, _) = made[0], made[1]
        set_steering(s, boss, cluster.id, [field.id, donor.id])
        waiting = create_listing(s, vocab, field2, need(title="Wheelchairs")).listing
        waiting.created_at = datetime(2026, 11, 1, tzinfo=UTC)
        provider = person(s, vocab, roles=(Role.donor,), country="JP", kind=OrganisationKind.ngo)
        s.flush()
        send_call(s, vocab, field, cluster.id, waiting.id, today=NOW.date())
        [call_id] = {
            n.payload["call_id"]
            for n in s.exec(select(Notification).where(Notification.kind == "cluster_call"))
        }
        # An offer made after the call, which it never went to
        late = create_listing(s, vocab, provider, offer(assistance_type="equipment")).listing
        s.flush()
        with pytest.raises(NotFound):
            answer_call(s, vocab, provider, call_id, late.id, today=NOW.date())


def test_a_steering_member_sees_no_title_of_anothers_restricted_partnership(db, vocab) -> None:
    """Bug: /cluster N showed a steering member (no coordinator) the titles of every
    partnership, those drafted from another organisation's restricted need too, which
    /country hides."""
    with db.write() as s:
        boss, made = three_partnerships(s, vocab, restricted=True)
        cluster = create_cluster(s, boss, vocab, title="VA", area="victim_assistance", region="035")
        (own, field, donor) = made[0]
        set_steering(s, boss, cluster.id, [field.id, donor.id])
        s.add(ChannelIdentity(stakeholder_id=field.id, platform="console", external_user_id="f"))
        s.add(ChannelIdentity(stakeholder_id=boss.id, platform="console", external_user_id="b"))
        titles = {p.id: p.title for p in s.exec(select(Partnership))}
    bot = ChatBot(db, vocab, clock=lambda: NOW)
    steering = Person(bot, "f")
    steering.command("cluster", str(cluster.id))
    for pid, title in titles.items():
        line = next(x for x in steering.text.splitlines() if f"#{pid} " in x)
        assert (title in line) == (pid == own), line
    boss_view = Person(bot, "b")
    boss_view.command("cluster", str(cluster.id))
    assert all(title in boss_view.text for title in titles.values())
    for args in (HUGE, "-1", "x"):
        for cmd in ("cluster", "cluster_chart", "cluster_call", "call_help", "natl_comment"):
            steering.command(cmd, args)
            no_crash(steering)
    steering.command("cluster_call", f"{cluster.id}.{HUGE}")
    no_crash(steering)
    steering.command("call_help", f"1.{HUGE}")
    no_crash(steering)


def test_a_late_projection_tells_the_counterpart_no_restricted_title(db, vocab) -> None:
    """Bug: the projection's warning went to the national counterpart with the title of a
    partnership drafted from another's restricted need (the counterpart's own notices hide
    it)."""
    with db.write() as s:
        boss, made = three_partnerships(s, vocab, restricted=True)
        pid, field, _ = made[0]
        authority = person(s, vocab, country="KH", kind=OrganisationKind.national_authority)
        partnership = s.get(Partnership, pid)
        partnership.national_counterpart_id = authority.organisation_id
        title = partnership.title
        deadline = set_deadline(s, boss, vocab, "KH", date(2027, 9, 30))
        objective = s.exec(select(Objective).where(Objective.partnership_id == pid)).first()
        link_objective(s, field, objective.id, deadline.id)
        report(s, pid, date(2027, 3, 31), ReportStatus.approved, {("", ""): "0.1"})
        report(s, pid, date(2027, 6, 30), ReportStatus.approved, {("", ""): "0.2"})
    for _ in range(2):
        with db.write() as s:
            sweep(s, NOW, Policy(quiet=None), vocab=vocab)
    with db.read() as s:
        late = list(s.exec(select(Notification).where(Notification.kind == "projection_late")))
        by = {n.stakeholder_id: n for n in late}
        assert len(late) == len(by)  # once each, however many sweeps
        told = str(render_notice(s, vocab, Tr("en"), by[authority.id])[0].text)
        partner = str(render_notice(s, vocab, Tr("en"), by[field.id])[0].text)
    assert title not in told and "a partnership" in told
    assert title in partner
