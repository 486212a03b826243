"""Where the story passed from one person to the next and broke: each test failed before
its fix (issue: the story across roles)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.notices import render_notice
from core.models import ChannelIdentity, Notification, ReportingSchedule, Stakeholder
from core.models.enums import Role
from core.reminders import Policy, sweep
from tests.chat import Person, onboard
from tests.factories import active_partnership, person
from tests.integration.test_follow_up import Clock


def test_the_weekly_digest_lists_the_partnerships_the_coordinator_follows(db, vocab) -> None:
    with db.write() as s:
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        active_partnership(s, vocab, first_due=date(2027, 3, 31), coordinator=boss)
    monday = datetime(2027, 3, 22, 9, tzinfo=UTC)
    with db.write() as s:
        sweep(s, monday, Policy(quiet=None))
    with db.read() as s:
        [digest] = s.exec(select(Notification).where(Notification.kind == "digest")).all()
        [reply] = render_notice(s, vocab, Tr("en"), digest)
    assert "Partnership" in str(reply.text) and "next report" in str(reply.text)
    assert "No active partnerships" not in str(reply.text)


def test_admins_named_in_the_settings_apply_to_people_who_exist_already(tmp_path) -> None:
    from bot.app import build_app
    from bot.settings import Settings
    from core.people import roles_of

    url = f"sqlite:///{tmp_path / 'admins.db'}"
    app = build_app(Settings(database_url=url))
    bot = ChatBot(app.db, app.vocab, app.settings)
    onboard(Person(bot, "claire"))
    with app.db.read() as s:
        claire = s.exec(select(ChannelIdentity)).one().stakeholder_id
        assert roles_of(s, claire) == {Role.field_contact}
    app.db.dispose()
    again = build_app(Settings(database_url=url, admins="console:claire"))  # a restart
    with again.db.read() as s:
        assert {Role.admin, Role.coordinator} <= roles_of(s, claire)
    again.db.dispose()


def test_a_first_report_due_today_where_the_person_is_is_accepted(db, vocab) -> None:
    # 02:00 UTC on 1 March is still 28 February, 21:00, in Bogotá.
    clock = Clock(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
    bot = ChatBot(db, vocab, clock=clock)
    with db.write() as s:
        pid, field, _ = active_partnership(s, vocab, first_due=date(2027, 6, 30), confirmed=False)
        s.get(Stakeholder, field.id).timezone = "America/Bogota"
        s.add(
            ChannelIdentity(
                stakeholder_id=field.id, platform="console", external_user_id="field", chat_id="f"
            )
        )
    partner = Person(bot, "field")
    partner.command("partnership", str(pid))
    partner.tap("Reporting schedule")
    partner.tap("Quarterly")
    partner.say("2027-02-28")
    assert "already passed" not in partner.text
    partner.tap("Skip")
    partner.tap("Save")
    with db.read() as s:
        schedule = s.exec(select(ReportingSchedule)).one()
    assert schedule.first_due == date(2027, 2, 28)


async def test_a_reminder_held_by_quiet_hours_is_dropped_once_the_period_is_reported(
    db, vocab
) -> None:
    from bot.outbox import Dispatcher
    from core.quiet_hours import QuietHours
    from tests.integration.test_follow_up import submit

    with db.write() as s:
        _pid, field, _ = active_partnership(s, vocab, first_due=date(2027, 3, 31))
        s.add(
            ChannelIdentity(
                stakeholder_id=field.id, platform="console", external_user_id="field", chat_id="f"
            )
        )
    night = datetime(2027, 3, 30, 23, 0, tzinfo=UTC)  # the reminder waits for 08:00
    with db.write() as s:
        sweep(s, night, Policy(quiet=QuietHours()))
    bot = ChatBot(db, vocab, clock=Clock(night))
    partner = submit(bot, "field")  # a night owl reports before the reminder goes out
    assert "is with the coordinator" in partner.text

    class Console:
        platform = "console"
        sent: list = []

        async def deliver(self, recipient, replies, progress=None) -> None:  # type: ignore[no-untyped-def]
            self.sent.extend(replies)

    console = Console()
    morning = datetime(2027, 3, 31, 8, 5, tzinfo=UTC)
    await Dispatcher(db, vocab, [console], clock=lambda: morning).run_once()
    assert not any("due" in str(r.text) for r in console.sent)
    with db.read() as s:
        reminders = s.exec(select(Notification).where(Notification.kind == "report_reminder"))
        statuses = {n.stakeholder_id: n.status for n in reminders}
    assert statuses[field.id] == "dropped"
    partner.command("report", "1@2027-03-31")  # the old reminder's button
    assert "The report for this period is in" in partner.text


def test_an_unfinished_dialog_put_aside_is_offered_again(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    ana.tap("Equipment")
    ana.tap("Victim assistance")
    ana.say("Kits for the centre")
    ana.command("search")  # something else first
    assert "put aside your unfinished “New need”" in ana.text
    ana.command("need")
    assert "You have an unfinished “New need”: continue, or start over?" in ana.text
    ana.tap("Continue")
    assert ana.question == "Where is it needed?"  # where it stopped
    ana.tap("In Cambodia")
    ana.tap("Skip")
    ana.tap("Skip")
    ana.tap("High")
    assert "• Title: Kits for the centre" in ana.text
    ana.command("need")  # finished with: nothing is set aside any more
    ana.command("cancel")
    ana.command("need")
    assert "unfinished" not in ana.text and "What kind of assistance" in ana.text


def test_starting_over_forgets_the_unfinished_dialog(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    ana.tap("Equipment")
    ana.command("offer")
    ana.command("need")
    ana.tap("Start over")
    assert "What kind of assistance is needed?" in ana.question


def test_help_in_a_dialog_repeats_the_question_and_a_sticker_is_not_an_answer(db, vocab) -> None:
    from bot.messages import FileRef, Inbound

    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    ana.command("help")
    assert "What you can do" in ana.text
    assert ana.question.startswith("What kind of assistance is needed?")  # asked again
    ana.replies = bot.handle(Inbound(ana.sender, file=FileRef("sticker.webp", "F1")))
    assert "Please answer in text." in ana.text
    assert ana.question.startswith("What kind of assistance is needed?")


def test_declining_a_match_answered_already_is_one_sentence(db, vocab) -> None:
    from tests.chat import actors, onboard_donor
    from tests.factories import matched

    bot = ChatBot(db, vocab)
    ana, kim = Person(bot, "ana"), Person(bot, "kim")
    onboard(ana)
    onboard_donor(kim)
    a, k = actors(bot, "ana", "kim")
    with db.write() as s:
        match_id = matched(s, vocab, a, k, accepted_by=(k,))
    ana.command("matches")
    assert "The other side has already accepted." in ana.text
    ana.press(f"c:accept:{match_id}")
    ana.press(f"c:decline:{match_id}")
    assert ana.text == "You have already answered this match."
