"""The whole story of a need on Telegram in each of the six UN languages: the welcome in the
language Telegram suggests, the introduction and the need answered with the buttons the person
sees in their language (the country typed in it), and the command menu set in each."""

from __future__ import annotations

import pytest
from sqlmodel import select

from adapters.telegram.adapter import register_commands
from bot.dialogs.people import ROLE_CHOICES
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Tr
from core.models import Listing, Stakeholder
from core.models.enums import Role
from core.storage import Database
from core.vocabularies import Term, default_vocabularies
from tests.adapters import test_telegram as telegram
from tests.adapters.test_telegram import Phone, app_chatbot
from tests.factories import in_a_year

app, offline, updates = telegram.app, telegram.offline, telegram.updates  # the fixtures

# How Telegram names each language in `language_code` (IETF tags, as the apps send them).
TELEGRAM_CODES = {"en": "en", "fr": "fr", "es": "es", "ar": "ar", "zh": "zh-hans", "ru": "ru"}
TITLES = {
    "en": "Prosthetic kits for Battambang",
    "fr": "Kits de prothèses pour Battambang",
    "es": "Kits de prótesis para Battambang",
    "ar": "أطقم أطراف اصطناعية لباتامبانغ",
    "zh": "马德望的假肢套件",
    "ru": "Комплекты протезов для Баттамбанга",
}
AMOUNTS = {"ar": "٤٠ طقمًا", "zh": "40 套", "ru": "40 комплектов"}  # Arabic-Indic digits too


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_need_registered_in_each_language(
    app, offline, updates, sqlite_db, language: str
) -> None:
    tr = Tr(language)
    vocab = default_vocabularies()
    ana = Phone(app, offline, updates, updates.user(21, "Ana", TELEGRAM_CODES[language]))
    await ana.say("/start")
    assert tr.s(N_("Welcome to Partnerbot! Which language do you prefer?")) in ana.texts
    assert ana.labels[0] == LANGUAGE_NAMES[language]  # the one Telegram suggests, first
    assert set(ana.labels) >= set(LANGUAGE_NAMES.values())
    await ana.tap(LANGUAGE_NAMES[language])
    await ana.say("Ana Tester")
    await ana.say("Mekong Mine Action Centre")
    await ana.tap(tr.s(N_("National authority")))
    await ana.say(tr.country("KH"))  # typed in the person's language
    await ana.tap(tr.s(ROLE_CHOICES[Role.field_contact]))
    await ana.tap(tr.s(N_("Skip")))  # the time zone
    await ana.tap(tr.s(N_("Skip")))  # how partners may reach them
    await ana.tap(tr.s(N_("✔ Save")))
    assert person_language(sqlite_db) == language

    await ana.say("/need")
    assert tr.s(N_("What kind of assistance is needed?")) in ana.texts
    await ana.tap(_label(vocab.assistance_types.get("equipment"), language))
    await ana.tap(_label(vocab.thematic_areas.get("victim_assistance"), language))
    await ana.say(TITLES[language])
    await ana.tap(tr.country("KH"))  # "In Cambodia", in the person's words
    await ana.say(AMOUNTS.get(language, "40 kits"))
    await ana.say(in_a_year().isoformat())
    await ana.tap(tr.s(N_("High")))
    await ana.tap(tr.s(N_("✔ Save")))
    with sqlite_db.read() as s:
        [need] = s.exec(select(Listing)).all()
    assert (need.title, need.quantity, need.country) == (TITLES[language], 40, "KH")
    if language == "ar":  # the Latin number inside the Arabic reply keeps its place
        assert f"\u2068{need.id}\u2069" in ana.texts


def _label(term: Term | None, language: str) -> str:
    assert term is not None
    return term.label(language)


def person_language(db: Database) -> str:
    """The language of the one person registered."""
    with db.read() as s:
        [person] = s.exec(select(Stakeholder)).all()
    return person.language


async def test_the_command_menu_in_each_language(app, offline) -> None:
    await register_commands(app.bot, app_chatbot(app))
    menus = {
        c.params.get("language_code"): {
            m["command"]: m["description"] for m in c.params["commands"]
        }
        for c in offline.calls
        if c.method == "setMyCommands"
    }
    assert set(menus) == {None, *LANGUAGES}
    needs = {language: menus[language]["need"] for language in LANGUAGES}
    assert len(set(needs.values())) == len(LANGUAGES)  # six different descriptions
    assert needs["ru"].startswith("зарегистрировать") or "потребност" in needs["ru"]
