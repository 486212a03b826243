"""Match outcomes: some weeks after both sides accept, each side is asked, once, whether the
match led to cooperation; answers come back through the notice's buttons, show in /stats and
travel with the export. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.actions import command_token
from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.notices import render_notice
from bot.scheduler import Sweeper
from core.clock import utcnow
from core.export import TABLES, export, to_csv, to_json
from core.match_outcomes import record_outcome
from core.models import Match, MatchOutcome, Notification
from core.models.match_outcome import Outcome
from core.reminders import Policy
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.chat import Person, actors, onboard, onboard_donor
from tests.factories import bot_settings, matched

WEEKS = 6


@pytest.fixture
def bot(db, vocab) -> ChatBot:
    return ChatBot(db, vocab, bot_settings())


@pytest.fixture
def pair(bot: ChatBot) -> tuple[Person, Person]:
    ana, kim = Person(bot, "ana"), Person(bot, "kim")
    onboard(ana)  # the need, in Cambodia
    onboard_donor(kim)  # the offer, from the Nordic Fund
    return ana, kim


def accepted_match(bot: ChatBot) -> tuple[int, datetime]:
    """A match both sides accepted; its id and when they did."""
    ana, kim = actors(bot, "ana", "kim")
    with bot.db.write() as s:
        match_id = matched(s, bot.vocab, ana, kim, accepted_by=(ana, kim))
    with bot.db.read() as s:
        match = s.get(Match, match_id)
        assert match is not None and match.decided_at is not None
        return match_id, match.decided_at


def sweeper(db: Database, at: datetime, weeks: int = WEEKS) -> Sweeper:
    return Sweeper(db, Policy(quiet=None, outcome_after=timedelta(weeks=weeks)), clock=lambda: at)


def questions(db: Database) -> list[Notification]:
    with db.read() as s:
        return list(
            s.exec(
                select(Notification)
                .where(Notification.kind == "match_outcome")
                .order_by(Notification.id)
            )
        )


def outcomes(db: Database) -> dict[str, MatchOutcome]:
    with db.read() as s:
        return {str(o.side): o for o in s.exec(select(MatchOutcome))}


def deliver(bot: ChatBot, who: Person, notice: Notification) -> None:
    """Shows a notice to its recipient as a channel would, keeping its buttons."""
    with bot.db.read() as s:
        who.replies = render_notice(s, bot.vocab, Tr("en"), notice)


def notice_for(bot: ChatBot, db: Database, user: str) -> Notification:
    [person] = actors(bot, user)
    [notice] = [n for n in questions(db) if n.stakeholder_id == person.id]
    return notice


def test_each_side_is_asked_only_once_the_weeks_have_passed(bot, db, pair) -> None:
    match_id, decided = accepted_match(bot)
    sweeper(db, decided + timedelta(weeks=WEEKS) - timedelta(hours=1)).run()
    assert questions(db) == []
    result = sweeper(db, decided + timedelta(weeks=WEEKS, hours=1)).run()
    assert result.count("match_outcome") == 2 and result.written == 2
    ana, kim = actors(bot, "ana", "kim")
    asked = {(n.stakeholder_id, n.payload["side"]) for n in questions(db)}
    assert asked == {(ana.id, "need"), (kim.id, "offer")}
    assert {n.payload["match_id"] for n in questions(db)} == {match_id}


def test_the_weeks_are_a_setting(bot, db, pair) -> None:
    _, decided = accepted_match(bot)
    sweeper(db, decided + timedelta(weeks=2, hours=1), weeks=3).run()
    assert questions(db) == []
    sweeper(db, decided + timedelta(weeks=3, hours=1), weeks=3).run()
    assert len(questions(db)) == 2
    assert bot_settings().match_outcome_weeks == 6


def test_asked_once_across_repeated_and_restarted_sweeps(bot, db, pair) -> None:
    _, decided = accepted_match(bot)
    later = decided + timedelta(weeks=WEEKS, hours=1)
    first = sweeper(db, later)
    assert first.run().written == 2
    again = first.run()  # the same sweep again: nothing written, nor even planned
    assert again.written == 0 and again.count("match_outcome") == 0
    restarted = sweeper(db, later + timedelta(weeks=3))  # a new process, weeks later
    assert restarted.run().written == 0
    assert len(questions(db)) == 2


def test_answers_through_the_buttons_and_an_answer_changed(bot, db, pair) -> None:
    ana, kim = pair
    match_id, decided = accepted_match(bot)
    sweeper(db, decided + timedelta(weeks=WEEKS, hours=1)).run()
    deliver(bot, ana, notice_for(bot, db, "ana"))
    assert "Did it lead to cooperation?" in ana.text
    assert "Nordic Fund" in ana.text and "on “Prosthetic kits”" in ana.text
    assert ana.labels == ["Yes", "In progress", "No"]
    no_later = ana.button("No").action
    ana.tap("In progress")
    assert "the cooperation is under way" in ana.text
    deliver(bot, kim, notice_for(bot, db, "kim"))
    kim.tap("Yes")
    assert "Glad to hear it led to cooperation" in kim.text
    said = outcomes(db)
    assert said["need"].outcome == Outcome.in_progress and said["offer"].outcome == Outcome.yes
    [ana_actor] = actors(bot, "ana")
    assert said["need"].stakeholder_id == ana_actor.id
    ana.press(no_later)  # weeks on, the same notice's other button: the answer changes
    ana.expect("What stood in the way?")
    ana.say("The customs held the kits for months")
    assert "Thank you for saying what stood in the way" in ana.text
    said = outcomes(db)
    assert len(said) == 2 and said["need"].outcome == Outcome.no
    assert said["need"].reason == "The customs held the kits for months"
    assert said["offer"].outcome == Outcome.yes  # the other side's answer stays its own
    # Answered: the question is not asked again, nor shown again if it was still waiting.
    assert sweeper(db, decided + timedelta(weeks=WEEKS + 4)).run().count("match_outcome") == 0
    deliver(bot, ana, notice_for(bot, db, "ana"))
    assert ana.replies == []
    assert match_id in {o.match_id for o in said.values()}


def test_a_no_may_skip_the_reason(bot, db, pair) -> None:
    _, kim = pair
    _, decided = accepted_match(bot)
    sweeper(db, decided + timedelta(weeks=WEEKS, hours=1)).run()
    deliver(bot, kim, notice_for(bot, db, "kim"))
    kim.tap("No")
    kim.expect("What stood in the way?")
    kim.tap("Skip")
    assert "Thank you for telling us." in kim.text
    said = outcomes(db)["offer"]
    assert said.outcome == Outcome.no and said.reason is None


def test_a_forged_or_garbled_button_records_nothing(bot, db, pair) -> None:
    ana, _ = pair
    match_id, _ = accepted_match(bot)
    lena = Person(bot, "lena")
    onboard_donor(lena, organisation="Detect GmbH", kind="Private sector", country="Germany")
    lena.press(command_token("outcome", f"{match_id}.yes"))
    assert "Only the two organisations of a match can answer it." in lena.text
    lena.press(command_token("outcome", f"{match_id}.no"))  # nor a reason asked for
    assert "What stood in the way?" not in lena.text
    ana.press(command_token("outcome", f"{match_id}.maybe"))
    assert "I could not find that match." in ana.text
    ana.press(command_token("outcome", f"{match_id + 99}.yes"))
    assert "I could not find that match." in ana.text
    assert outcomes(db) == {}


def test_a_match_not_accepted_by_both_has_no_outcome(bot, db, pair) -> None:
    ana, _ = pair
    a, k = actors(bot, "ana", "kim")
    with db.write() as s:
        match_id = matched(s, bot.vocab, a, k, accepted_by=(a,))
    ana.press(command_token("outcome", f"{match_id}.yes"))
    assert "I could not find that match." in ana.text
    later = utcnow() + timedelta(weeks=WEEKS + 1)
    assert sweeper(db, later).run().count("match_outcome") == 0
    assert outcomes(db) == {}


def test_a_side_that_answered_already_is_not_asked(bot, db, pair) -> None:
    match_id, decided = accepted_match(bot)
    [ana] = actors(bot, "ana")
    with db.write() as s:
        record_outcome(s, ana, match_id, Outcome.yes, now=decided + timedelta(days=3))
    sweeper(db, decided + timedelta(weeks=WEEKS, hours=1)).run()
    assert [n.payload["side"] for n in questions(db)] == ["offer"]


def test_stats_count_matches_proposed_accepted_and_realised(bot, db, vocab, pair) -> None:
    match_id, decided = accepted_match(bot)
    with db.write() as s:
        match = s.get(Match, match_id)
        assert match is not None
        match.created_at = decided - timedelta(days=3)  # proposed three days before
    [ana] = actors(bot, "ana")
    root = Person(ChatBot(db, vocab, bot_settings(admins="console:root")), "root")
    onboard(root, organisation="Support Unit", kind="Intergovernmental organisation")

    def figures() -> str:
        root.command("stats")
        root.tap("The last 30 days")
        return str(root.replies[0].text)

    text = figures()
    assert (
        "Matches proposed: 1; accepted by both sides: 1; led to cooperation: 0; median time "
        "from proposal to acceptance: 3.0 days"
    ) in text
    assert "Matches: accepted by both (1)" in text  # the lines it had stay
    with db.write() as s:
        record_outcome(s, ana, match_id, Outcome.yes, now=decided + timedelta(weeks=WEEKS))
    assert "led to cooperation: 1;" in figures()


def test_the_export_carries_the_outcomes(bot, db, pair) -> None:
    match_id, decided = accepted_match(bot)
    ana, kim = actors(bot, "ana", "kim")
    answered = decided + timedelta(weeks=WEEKS, days=1)
    with db.write() as s:
        record_outcome(s, ana, match_id, Outcome.no, "Funding fell through", now=answered)
        record_outcome(s, kim, match_id, Outcome.in_progress, now=answered)
    with db.read() as s:
        data = export(s, include_restricted=True)
    assert "match_outcomes" in TABLES
    rows = {r["side"]: r for r in data["match_outcomes"]}
    assert rows["need"]["outcome"] == "no" and rows["need"]["reason"] == "Funding fell through"
    assert rows["offer"]["outcome"] == "in_progress" and rows["offer"]["reason"] is None
    assert rows["need"]["match_id"] == match_id
    assert "stakeholder_id" not in rows["need"]  # the organisation's answer, not a person's
    assert "Funding fell through" in to_csv(data["match_outcomes"])
    [match] = json.loads(to_json(data))["matches"]
    assert match["id"] == match_id
    assert sorted(match["outcomes"], key=lambda o: o["side"]) == [
        {
            "id": rows["need"]["id"],
            "side": "need",
            "outcome": "no",
            "reason": "Funding fell through",
            "answered_at": answered.isoformat(),
        },
        {
            "id": rows["offer"]["id"],
            "side": "offer",
            "outcome": "in_progress",
            "reason": None,
            "answered_at": answered.isoformat(),
        },
    ]


def test_an_outcome_goes_with_its_match(bot, db, vocab: Vocabularies, pair) -> None:
    match_id, decided = accepted_match(bot)
    [ana] = actors(bot, "ana")
    with db.write() as s:
        record_outcome(s, ana, match_id, Outcome.yes, now=decided)
    with db.write() as s:
        match = s.get(Match, match_id)
        s.delete(match)
    assert outcomes(db) == {}
