"""Whole dialogs through the engine, on SQLite and PostgreSQL: happy paths, every validation
error, back, skip, cancel, change a field, interleaved people, restarts and stale buttons."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from core.listings import get_listing
from core.models import (
    ChannelIdentity,
    Conversation,
    Listing,
    Organisation,
    Stakeholder,
    StakeholderRole,
    UsageEvent,
)
from core.models.enums import Coverage, ListingKind, ListingStatus, Priority, Role
from core.storage import Database
from tests.chat import Person, onboard, register_need
from tests.factories import bot_settings


@pytest.fixture
def bot(db, vocab) -> ChatBot:
    return ChatBot(db, vocab)


def listings(db: Database) -> list[Listing]:
    with db.read() as s:
        return list(s.exec(select(Listing).order_by(Listing.id)))


def test_onboarding_registers_the_person_and_their_organisation(bot, db) -> None:
    ana = Person(bot, "ana")
    ana.command("start")
    assert "get to know you" in ana.text and ana.labels[:3] == ["English", "Français", "Español"]
    ana.tap("English")
    assert ana.question == "What is your name?" and "Use “Ana”" in ana.labels
    ana.tap("Use “Ana”")
    ana.say("Mekong Mine Action Centre")
    ana.tap("National authority")
    ana.say("cambodge")  # a country name in another language is understood
    ana.tap("I register needs")
    assert "Asia/Phnom Penh" in ana.labels
    ana.tap("Asia/Phnom Penh")
    assert "Nothing is shared before that" in ana.text  # what is shared, and when
    ana.tap("Skip")
    assert "• Based in: Cambodia" in ana.text and "• Time zone: Asia/Phnom_Penh" in ana.text
    ana.tap("Save")
    assert "you are registered" in ana.text
    with db.read() as s:
        person = s.exec(select(Stakeholder)).one()
        organisation = s.get(Organisation, person.organisation_id)
        identity = s.exec(select(ChannelIdentity)).one()
        roles = s.exec(select(StakeholderRole.role)).all()
        assert s.exec(select(Conversation)).all() == []
    assert (person.name, person.timezone, person.language) == ("Ana", "Asia/Phnom_Penh", "en")
    assert (organisation.name, organisation.country) == ("Mekong Mine Action Centre", "KH")
    assert identity.stakeholder_id == person.id and roles == [Role.field_contact]


def test_onboarding_finds_an_existing_organisation(bot, db) -> None:
    onboard(Person(bot, "ana"), organisation="Mekong Mine Action Centre")
    bo = Person(bot, "bo")
    bo.command("start")
    bo.tap("English")
    bo.say("Bo Tester")
    bo.say("mekong")
    assert bo.question == "Is it one of these?" and "Mekong Mine Action Centre" in bo.labels
    bo.tap("Mekong Mine Action Centre")
    assert "What will you mostly do here?" in bo.question  # kind and country are known
    bo.tap("I register needs")
    bo.tap("Skip")  # the time zone
    bo.tap("Skip")  # how partners may reach them
    bo.tap("Save")
    assert "until one of its members (or a coordinator) does" in bo.text
    with db.read() as s:
        _ana_id, bo_id = (p.id for p in s.exec(select(Stakeholder).order_by(Stakeholder.id)))
        assert len(s.exec(select(Organisation)).all()) == 1
        assert s.get(Stakeholder, bo_id).organisation_id is None  # pending: acts for nobody
    ana = Person(bot, "ana")
    ana.press(f"c:member_ok:{bo_id}")  # from the notice "Bo Tester asks to join"
    assert "Bo Tester is now a member." in ana.text
    with db.read() as s:
        people = s.exec(select(Stakeholder)).all()
    assert people[0].organisation_id == people[1].organisation_id


def test_a_coordinator_role_is_requested_not_granted(bot, db) -> None:
    onboard(
        Person(bot, "cleo"),
        role="I coordinate",
        organisation="Support Unit",
        kind="Intergovernmental organisation",
        country="Switzerland",
    )
    with db.read() as s:
        assert s.exec(select(StakeholderRole)).all() == []


def test_a_configured_admin_is_an_admin_from_the_start(db, vocab) -> None:
    onboard(
        Person(ChatBot(db, vocab, bot_settings(admins="console:root")), "root"),
        organisation="Secretariat",
        kind="Intergovernmental organisation",
        country="Switzerland",
    )
    with db.read() as s:
        roles = set(s.exec(select(StakeholderRole.role)).all())
    assert roles == {Role.admin, Role.coordinator, Role.field_contact}


def prompts_until_summary(person: Person) -> int:
    return sum(1 for r in person.replies if r.buttons)


def test_a_need_takes_eight_questions_for_a_field_contact(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    questions = []
    ana.command("need")
    questions.append(ana.question)
    for action in (
        lambda: ana.tap("Equipment"),
        lambda: ana.tap("Victim assistance"),
        lambda: ana.say("Prosthetic kits"),
        lambda: ana.tap("In Cambodia"),
        lambda: ana.say("40 kits"),
        lambda: ana.say("2030-06-30"),
        lambda: ana.tap("High"),
    ):
        action()
        questions.append(ana.question)
    summary = questions.pop()
    distinct = list(dict.fromkeys(q.splitlines()[0] for q in questions))
    assert len(distinct) <= 8, distinct
    assert summary.startswith("New need — please check:")
    assert "• Amount: 40 kits" in summary and "• Priority: High" in summary
    assert listings(db) == []  # nothing is saved before confirmation
    ana.tap("Save")
    assert "Saved: your need Prosthetic kits (#1)" in ana.text
    [need] = listings(db)
    assert (need.kind, need.coverage, need.country, need.quantity, need.unit) == (
        ListingKind.need,
        Coverage.country,
        "KH",
        Decimal("40.00"),
        "kits",
    )
    assert need.priority == Priority.high and str(need.available_until) == "2030-06-30"


def test_an_offer_for_a_region_with_an_amount(bot, db) -> None:
    kim = Person(bot, "kim")
    onboard(
        kim,
        organisation="Nordic Fund",
        kind="Government",
        country="Norway",
        role="I offer assistance",
    )
    kim.command("offer")
    kim.tap("Financial")
    kim.tap("Several of them")
    kim.tap("Survey and clearance")
    kim.tap("risk education")
    kim.tap("Done")
    kim.say("Funding for clearance")
    kim.tap("Across a region")
    kim.say("South-east")  # typed, not tapped
    kim.say("$250k")
    kim.say("2030-01-01")
    kim.say("2031-12-31")
    kim.tap("Skip")
    assert "• Amount: $250,000.00" in kim.text
    kim.tap("Save")
    [offer] = listings(db)
    assert (offer.coverage, offer.region, offer.amount, offer.currency) == (
        Coverage.region,
        "035",
        Decimal("250000.00"),
        "USD",
    )
    with db.read() as s:
        assert sorted(get_listing(s, offer.id).areas) == ["risk_education", "survey_clearance"]


@pytest.mark.parametrize(
    ("bad", "complaint", "good"),
    [
        ("ab", "at least 3 characters", "Kits for the centre"),
        ("x" * 121, "too long (121 characters)", "Kits"),
    ],
)
def test_text_validation_keeps_the_dialog_going(bot, bad, complaint, good) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    ana.tap("Equipment")
    ana.tap("Victim assistance")
    ana.say(bad)
    assert complaint in ana.text and ana.question.startswith("A short title")
    ana.say(good)
    assert ana.question == "Where is it needed?"


def test_every_kind_of_bad_answer_is_explained_and_asked_again(bot, db) -> None:
    kim = Person(bot, "kim")
    onboard(
        kim,
        organisation="Nordic Fund",
        kind="Government",
        country="Norway",
        role="I offer assistance",
    )
    kim.command("offer")
    kim.say("money please")
    assert "did not recognise that choice" in kim.text
    kim.say("1")  # the number of a choice works as well as a tap
    kim.tap("Several of them")
    kim.tap("Done")
    assert "pick at least one" in kim.text
    kim.say("2, 3")
    kim.say("Trainers")
    kim.tap("In another country")
    kim.say("Atlantis")
    assert "I do not know the country “Atlantis”" in kim.text
    kim.say("guin")
    assert "Guinea-Bissau" in kim.labels  # several candidates come back as buttons
    kim.tap("Guinea-Bissau")
    kim.say("lots")
    assert "amount with its currency" in kim.text
    kim.say("0 trainers")
    assert "greater than zero" in kim.text
    kim.say("XYZ 5000")
    assert "I do not know the currency “XYZ”" in kim.text
    assert kim.question.startswith("How much can you offer?")
    kim.say("5 trainers")
    kim.say("sometime")
    assert "cannot read “sometime” as a date" in kim.text
    kim.say("2030-05-01")
    kim.say("2020-01-01")
    assert "already passed" in kim.text
    kim.say("2030-04-01")
    assert "end date comes before the start date" in kim.text
    kim.say("2030-12-31")
    kim.tap("Skip")
    kim.tap("Save")
    [offer] = listings(db)
    assert (offer.country, offer.quantity, offer.unit) == ("GW", Decimal("5.00"), "trainers")
    assert str(offer.available_from) == "2030-05-01"


def test_back_skip_and_change_a_field(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    assert "‹ Back" not in ana.labels  # nothing to go back to
    ana.tap("Financial")
    ana.tap("Back")
    assert ana.question == "What kind of assistance is needed?"
    ana.tap("Equipment")
    ana.tap("Victim assistance")
    ana.say("Kits")
    ana.tap("In Cambodia")
    ana.tap("Skip")  # no amount
    ana.tap("Skip")  # no deadline
    ana.tap("Medium")  # and the details are offered on the summary, not asked
    assert "• Amount: —" in ana.text and "Details" not in ana.text
    ana.tap("Change a field")
    assert "Visible to" in ana.labels  # fields not asked in the flow can still be changed
    ana.tap("Where")
    ana.tap("Across a region")
    assert ana.question.startswith("Which region?")  # a newly needed question is asked
    ana.tap("Southeast Asia")
    assert "• Region: Southeast Asia" in ana.text
    ana.tap("Change a field")
    ana.tap("Visible to")
    ana.tap("Restricted")
    ana.tap("Save")
    [need] = listings(db)
    assert (need.coverage, need.region, need.visibility) == (Coverage.region, "035", "restricted")


def test_cancel_saves_nothing_and_says_so(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("offer")
    ana.tap("Training")
    ana.tap("Cancel")
    assert "nothing was saved" in ana.text
    ana.command("cancel")
    assert "nothing to cancel" in ana.text
    assert listings(db) == []


def test_a_cancel_button_of_an_earlier_dialog_cancels_nothing(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    old_cancel = ana.button("Cancel").action
    ana.command("offer")  # the need is put aside; the offer is the dialog now
    ana.tap("Training")
    ana.press(old_cancel)
    assert "nothing was saved" not in ana.text and "earlier question" in ana.text
    ana.tap("Cancel")  # the offer's own Cancel still works
    assert "nothing was saved" in ana.text


def test_two_peoples_dialogs_never_mix(bot, db) -> None:
    ana, bo = Person(bot, "ana"), Person(bot, "bo")
    onboard(ana)
    onboard(
        bo,
        organisation="Nordic Fund",
        kind="Government",
        country="Norway",
        role="I offer assistance",
    )
    ana.command("need")
    bo.command("offer")
    ana.tap("Equipment")
    bo.tap("Financial")
    ana.tap("Victim assistance")
    bo.tap("Advocacy")
    ana.say("Ana's kits")
    bo.say("Bo's money")
    assert ana.question == "Where is it needed?"
    assert bo.question == "Where can you provide it?"
    ana.press(bo.button("Worldwide").action)  # someone else's button
    assert "earlier question" in ana.text
    bo.tap("Worldwide")
    assert [lst.title for lst in listings(db)] == []
    assert ana.question == "Where is it needed?"


def test_a_restart_in_the_middle_of_a_dialog_loses_nothing(db, vocab) -> None:
    ana = Person(ChatBot(db, vocab), "ana")
    onboard(ana)
    ana.command("need")
    ana.tap("Equipment")
    ana.tap("Victim assistance")
    # As after a restart: a new engine, a new pool and a new bot on the same database.
    reopened = db.reopen()
    restarted = Person(ChatBot(reopened, vocab), "ana")
    restarted.say("Kits after a restart")
    assert restarted.question == "Where is it needed?"
    restarted.tap("In Cambodia")
    restarted.tap("Skip")
    restarted.tap("Skip")
    restarted.tap("Low")
    restarted.tap("Save")
    assert [lst.title for lst in listings(db)] == ["Kits after a restart"]
    reopened.dispose()


def test_buttons_from_an_earlier_question_or_a_finished_dialog_are_answered_politely(bot):
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    old = ana.button("Financial").action
    ana.tap("Equipment")
    ana.press(old)
    assert "earlier question" in ana.text
    assert ana.question.startswith("Which thematic area?")  # and the question is repeated
    ana.command("cancel")
    ana.press(old)
    assert "conversation that is over" in ana.text
    ana.press("d:forged:x:1")
    assert "conversation that is over" in ana.text
    ana.press("garbage")
    assert "conversation that is over" in ana.text


def test_my_listings_edit_withdraw_and_still_current(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana)
    ana.command("mine")
    assert "Prosthetic kits for Battambang" in ana.text
    ana.tap("Edit")
    assert "Your need — please check:" in ana.text
    ana.tap("Change a field")
    ana.tap("Title")
    ana.say("Prosthetic kits, revised")
    ana.tap("Save")
    assert "Updated: Prosthetic kits, revised" in ana.text
    ana.command("mine")
    ana.tap("Still current")
    assert "marked as still current" in ana.text
    ana.command("mine")
    ana.tap("Withdraw")
    assert "Withdraw “Prosthetic kits, revised”?" in ana.text
    ana.tap("No, keep it")
    assert listings(db)[0].status == ListingStatus.open
    ana.command("mine")
    ana.tap("Withdraw")
    ana.tap("Yes, withdraw it")
    assert listings(db)[0].status == ListingStatus.withdrawn
    ana.command("mine")
    assert "no listings yet" in ana.text


def test_nobody_changes_someone_elses_listing_with_a_forged_button(bot, db) -> None:
    ana, mallory = Person(bot, "ana"), Person(bot, "mallory")
    onboard(ana)
    onboard(mallory, organisation="Other Org", kind="NGO or civil society", country="France")
    register_need(ana)
    listing_id = listings(db)[0].id
    for token in (f"c:edit:{listing_id}", f"c:withdraw_yes:{listing_id}", f"c:keep:{listing_id}"):
        mallory.press(token)
        assert "Only your organisation or a coordinator" in mallory.text
    assert listings(db)[0].status == ListingStatus.open


def test_search_finds_listings_and_pages(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    for n in range(7):
        register_need(ana, title=f"Kits batch {n}", duplicate=n > 0)  # like the first
    ana.command("search")
    ana.tap("Needs")
    ana.tap("Equipment")
    ana.tap("Victim assistance")
    ana.say("Cambodia")
    assert "7 found — page 1 of 2" in ana.text and "Kits batch 6" in ana.text
    ana.tap("Next")
    assert "page 2 of 2" in ana.text and "Kits batch 1" in ana.text
    ana.tap("Previous")
    assert "page 1 of 2" in ana.text
    ana.command("search")
    ana.tap("Offers")
    ana.tap("Any type")
    ana.tap("Any area")
    ana.tap("Skip")
    assert "Nothing found" in ana.text


def test_free_text_and_unknown_commands_get_a_hint(bot) -> None:
    newcomer = Person(bot, "newcomer")
    newcomer.say("hello?")
    assert "get to know you" in newcomer.text  # a first message starts the introduction
    ana = Person(bot, "ana")
    onboard(ana)
    ana.say("hello?")
    assert "/need" in ana.text and "/help" in ana.text
    ana.command("frobnicate")
    assert "I do not know /frobnicate" in ana.text


def test_commands_before_onboarding_lead_to_it_and_then_to_the_dialog(bot) -> None:
    ana = Person(bot, "ana")
    ana.command("offer")
    assert "get to know you" in ana.text
    ana.tap("English")
    ana.say("Ana Tester")
    ana.say("Nordic Fund")
    ana.tap("Government")
    ana.say("Norway")
    ana.tap("I offer assistance")
    ana.tap("Skip")  # the time zone
    ana.tap("Skip")  # how partners may reach them
    ana.tap("Save")
    assert ana.question == "What kind of assistance can you offer?"


def test_help_depends_on_the_role_and_mentions_the_open_dialog(bot, db) -> None:
    ana = Person(bot, "ana")
    ana.command("help")
    assert "introduce yourself with /start" in ana.text
    onboard(ana)
    ana.command("need")
    ana.command("help")
    assert "/need" in ana.text and "You are in the middle of “New need”" in ana.text


def test_a_new_command_puts_the_unfinished_dialog_aside(bot) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    ana.command("offer")
    assert "put aside your unfinished “New need”" in ana.text


def test_an_unexpected_failure_is_polite_and_keeps_earlier_answers(bot, monkeypatch) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    ana.tap("Equipment")

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bot.engine, "on_action", broken)
    ana.tap("Victim assistance")
    assert "Something went wrong on our side" in ana.text
    monkeypatch.undo()
    ana.command("start")
    assert ana.question.startswith("Which thematic area?")  # the answer before is kept


def test_usage_is_recorded_without_message_text(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana, title="Secret title")
    ana.command("mine")
    with db.read() as s:
        events = s.exec(select(UsageEvent)).all()
    names = [(e.category, e.name) for e in events]
    assert ("command", "need") in names and ("dialog", "need") in names
    assert ("dialog", "start") in names and ("info", "mine") in names
    assert not any("Secret" in e.name for e in events)


@pytest.mark.parametrize(
    ("language", "welcome", "question", "done"),
    [
        ("Français", "votre nom", "type d’assistance", "Enregistré"),
        ("Español", "¿Cómo se llama?", "tipo de asistencia", "Guardado"),
        ("English", "What is your name?", "What kind of assistance", "Saved"),
    ],
)
def test_dialogs_speak_the_chosen_language(bot, db, language, welcome, question, done) -> None:
    ana = Person(bot, "ana", language_hint="en")
    ana.command("start")
    ana.tap(language)
    assert welcome in ana.question
    ana.say("Ana Tester")
    ana.say("Mekong Mine Action Centre")
    ana.tap(ana.labels[5])  # National authority, whatever it is called
    ana.say("KH")
    ana.tap(ana.labels[0])  # the first role: field contact
    ana.tap(ana.labels[-2])  # skip the time zone
    ana.tap(ana.labels[-2])  # skip: nothing shared with partners
    ana.tap(ana.labels[0])  # save
    ana.command("need")
    assert question in ana.question
    ana.tap(ana.labels[1])  # equipment
    ana.tap(ana.labels[1])  # victim assistance: one tap
    ana.say("Kits")
    ana.tap(ana.labels[0])  # home country
    ana.say("40 kits")
    ana.say("2030-06-30")
    ana.tap(ana.labels[0])  # high
    ana.tap(ana.labels[0])  # save
    assert done in ana.text
    assert len(listings(db)) == 1


def test_profile_and_language_changes(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("profile")
    assert "• Partners may reach me by: —" in ana.text
    ana.tap("Change a field")
    ana.tap("Partners may reach me by")
    ana.tap("My chat handle")
    ana.tap("An e-mail address")
    ana.tap("Done")
    ana.say("not an address")
    assert "does not look like an e-mail address" in ana.text
    ana.say("ana@mekong.example.org")
    assert "• E-mail for partners: ana@mekong.example.org" in ana.text
    ana.tap("Change a field")
    ana.tap("Time zone")
    ana.say("Mars/Olympus")
    assert "I do not know the time zone “Mars/Olympus”" in ana.text
    ana.say("Asia/Bangkok")
    ana.tap("Save")
    assert "Your profile is saved." in ana.text
    ana.command("language")
    ana.tap("Español")
    assert "A partir de ahora le escribiré en español." in ana.text
    ana.command("cancel")
    assert "Cancelar" not in ana.text and "nada" in ana.text.lower()
    with db.read() as s:
        person = s.exec(select(Stakeholder)).one()
    assert (person.share_contact, person.timezone, person.language) == (True, "Asia/Bangkok", "es")
    assert (person.contact_email, person.contact_phone) == ("ana@mekong.example.org", None)
