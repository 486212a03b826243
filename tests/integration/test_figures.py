"""/gaps and /stats as coordinators read them: labels rather than codes, plurals that agree,
needs counted in their own units, a chart that says something when nobody gave an amount,
and a listing in several areas counted once; in English and in French, on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from matplotlib.figure import Figure

from bot import charts
from bot.chatbot import ChatBot
from bot.i18n import NP_, Tr
from bot.visits import VisitTally
from core.clock import utcnow
from core.insight import gaps
from core.listings import create_listing
from core.models.enums import OrganisationKind, Platform, Role
from core.storage import Database
from core.usage import record_usage
from core.vocabularies import Vocabularies
from tests.chat import Person, onboard
from tests.factories import bot_settings, need, offer, person

MONEY = {"quantity": None, "unit": None, "currency": "USD"}


def settings():
    return bot_settings(admins="console:root")


@pytest.fixture
def bot(db, vocab) -> ChatBot:
    return ChatBot(db, vocab, settings())


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Figure]]:
    """The charts drawn, kept open so that a test can read what they show."""
    drawn: list[Figure] = []
    save = charts._save

    def keep(figure: Figure, prefix: str) -> Any:
        drawn.append(figure)
        figure.canvas.draw()  # tick labels are laid out when drawn
        return save(figure, prefix)

    monkeypatch.setattr(charts, "_save", keep)
    yield drawn


def coordinator(bot: ChatBot, language: str = "English") -> Person:
    root = Person(bot, "root")
    onboard(root, organisation="Support Unit", kind="Intergovernmental organisation")
    if language != "English":
        root.command("language")
        root.tap(language)
    return root


def ask_gaps(root: Person, *taps: str) -> str:
    root.command("gaps")
    for label in taps or ("Every area", "Everywhere", "Since the start"):
        root.tap(label)
    [reply] = root.replies
    assert reply.attachment is not None and reply.attachment.is_image
    return str(reply.text)


def line_of(text: str, start: str) -> str:
    [line] = [line for line in text.splitlines() if line.startswith(start)]
    return line


def kits_in_cambodia(db: Database, vocab: Vocabularies) -> None:
    """Two needs given in kits and one given as nothing countable: no amount anywhere."""
    with db.write() as s:
        field = person(s, vocab, country="KH")
        create_listing(s, vocab, field, need())
        create_listing(s, vocab, field, need(title="Crutches", quantity=Decimal(15), unit="pairs"))
        other = person(s, vocab, country="LA")
        create_listing(
            s,
            vocab,
            other,
            need(
                title="Survey advice",
                assistance_type="expertise",
                country="LA",
                quantity=None,
                unit=None,
            ),
        )


def test_needs_in_kits_are_counted_in_kits(bot, db, vocab, figures) -> None:
    kits_in_cambodia(db, vocab)
    text = ask_gaps(coordinator(bot))
    assert text.startswith("Gaps\n")  # no "amounts in USD": nobody gave an amount
    victims = line_of(text, "• Victim assistance: ")
    assert "3 needs (3 with nothing accepted yet)" in victims
    assert "40 kits and 15 pairs still needed" in victims
    assert "$" not in text and "0.00" not in text
    assert "0 open offers" in victims and "the oldest is 0 days old" in victims


def test_the_gaps_chart_counts_needs_by_area_and_place(bot, db, vocab, figures) -> None:
    kits_in_cambodia(db, vocab)
    ask_gaps(coordinator(bot))
    [figure] = figures
    bars, grid = figure.axes
    assert bars.get_ylabel() == "number of listings"
    heights = sorted(patch.get_height() for patch in bars.patches)
    assert heights == [0, 0, 3]  # 0 accepted, 3 with nothing accepted, 0 offers
    assert [t.get_text() for t in grid.get_xticklabels()] == ["Cambodia", "Laos"]
    assert [t.get_text() for t in grid.get_yticklabels()] == ["Victim assistance"]
    assert sorted(t.get_text() for t in grid.texts) == ["1", "2"]


def test_money_and_kits_side_by_side(bot, db, vocab, figures) -> None:
    with db.write() as s:
        field = person(s, vocab, country="KH")
        create_listing(s, vocab, field, need())
        create_listing(
            s,
            vocab,
            field,
            need(
                title="Risk education",
                assistance_type="training",
                areas=["risk_education"],
                amount=Decimal(30000),
                **MONEY,
            ),
        )
    text = ask_gaps(coordinator(bot))
    assert text.startswith("Gaps — amounts in USD")
    victims = line_of(text, "• Victim assistance: ")
    assert "1 need (1 with nothing accepted yet) · 40 kits still needed" in victims
    assert "$" not in victims
    education = line_of(text, "• Explosive ordnance risk education: ")
    assert "1 need (1 with nothing accepted yet) · $30,000.00 still needed" in education
    bars, grid = figures[0].axes
    assert bars.get_ylabel() == "USD"
    assert [t.get_text() for t in grid.get_xticklabels()] == ["Cambodia"]


def test_an_offer_in_two_areas_is_counted_once(bot, db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab, country="KH")
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        both = ["victim_assistance", "risk_education"]
        create_listing(s, vocab, field, need(title="Kits and lessons", areas=both))
        create_listing(s, vocab, field, need(title="Posters", areas=["risk_education"]))
        create_listing(s, vocab, donor, offer(areas=both, amount=Decimal(50000)))
    with db.read() as s:
        found = gaps(s, vocab, utcnow())
    assert (found.needs, found.offers) == (2, 1)
    assert sum(g.offers for g in found.areas) == 2  # each area may count on it
    assert found.places == {"KH": 2}  # the need in two areas is one need in Cambodia
    text = ask_gaps(coordinator(bot))
    assert line_of(text, "• Victim assistance: ").startswith(
        "• Victim assistance: 1 need (1 with nothing accepted yet) · 40 kits still needed · "
        "1 open offer · $50,000.00 offered"
    )
    assert line_of(text, "• Explosive ordnance risk education: ").startswith(
        "• Explosive ordnance risk education: 2 needs (2 with nothing accepted yet) · "
        "80 kits still needed · 1 open offer · $50,000.00 offered"
    )
    assert "In all: 2 needs and 1 open offer; a listing in several areas counts once." in text


def test_an_offer_accepted_for_two_needs_is_committed_once(bot, db, vocab) -> None:
    from core.matchmaking import decide, propose_matches

    with db.write() as s:
        field = person(s, vocab, country="KH")
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        ids = [
            create_listing(
                s, vocab, field, need(title=t, assistance_type="financial", amount=a, **MONEY)
            ).listing.id
            for t, a in (("Clinic", Decimal(40000)), ("Workshop", Decimal(40000)))
        ]
        create_listing(s, vocab, donor, offer(amount=Decimal(60000)))
        for need_id in ids:
            [match] = propose_matches(s, vocab, need_id, threshold=0)
            decide(s, field, match.id, accept=True)
            decide(s, donor, match.id, accept=True)
    text = ask_gaps(coordinator(bot))
    victims = line_of(text, "• Victim assistance: ")
    # The clinic got 40,000 and is fulfilled; the workshop got what was left of the 60,000.
    assert victims.startswith("• Victim assistance: 1 need (0 with nothing accepted yet)")
    assert "$20,000.00 still needed" in victims
    assert "$20,000.00 committed" in victims  # not 40,000 a second time


def test_plural_forms_through_gettext() -> None:
    pair = NP_("{n} need", "{n} needs")
    assert pair == ("{n} need", "{n} needs")
    english = Tr("en")
    assert [str(english.plural(*pair, n)) for n in (0, 1, 2)] == ["0 needs", "1 need", "2 needs"]


def usage(db: Database, vocab: Vocabularies) -> None:
    """People of three kinds in three countries, and what they used, as the bot records it."""
    with db.write() as s:
        field = person(s, vocab, country="KH")
        donor = person(s, vocab, kind=OrganisationKind.government, country="NO")
        create_listing(s, vocab, field, need())
        for who, category, name in (
            (field, "command", "pship_resp"),
            (field, "command", "pship_resp"),
            (field, "dialog", "responsibilities"),
            (donor, "info", "partnerships"),
            (donor, "command", "noop"),
            (donor, "command", "unknown"),
        ):
            record_usage(s, who.id, Platform.console, category, name)


def test_stats_read_as_words(bot, db, vocab, figures) -> None:
    usage(db, vocab)
    web = VisitTally()
    for _ in range(3):
        web.view("offers", {"country": "KH"})
    web.view("feed", {"kind": "need"})
    web.flush(db)
    root = coordinator(bot)
    root.command("stats")
    root.tap("The last 30 days")
    text = str(root.replies[0].text)
    assert (
        "People by kind of organisation: Government (1), Intergovernmental organisation (1), "
        "National authority (1)"
    ) in line_of(text, "People by kind")
    assert "Cambodia (2), Norway (1)" in line_of(text, "People by country")
    assert "Listings by status: open (1)" in text
    used = line_of(text, "Active users")
    assert "Commands: Responsibilities (2)" in used
    assert "Unknown command (1)" in used
    assert "Forms saved: " in used and "Responsibilities (1)" in used and "About you (1)" in used
    assert "Information viewed: Partnerships (1)" in used
    assert "Reports: 0 of 0 due were sent on time" in text
    visits = line_of(text, "Web visits")
    assert "offers (3), feeds (1)" in visits
    assert "Cambodia (3), needs (1)" in visits
    for code in ("national_authority", "pship_resp", "noop", "KH", "command:", "dialog:"):
        assert code not in text
    chart = figures[0].axes[0]
    labels = [t.get_text() for t in chart.get_yticklabels()]
    assert labels[0] == "Responsibilities" and "pship_resp" not in labels
    assert {t.get_text() for t in chart.get_legend().get_texts()} == {
        "Commands",
        "Forms saved",
        "Information viewed",
    }


def test_figures_in_french(bot, db, vocab, figures) -> None:
    """Labels come from the vocabularies, CLDR and the catalogs, in the reader's language."""
    usage(db, vocab)
    root = coordinator(bot, "Français")
    root.command("stats")
    root.tap("Les 30 derniers jours")
    text = str(root.replies[0].text)
    assert "Autorité nationale (1)" in text
    assert "Cambodge (2), Norvège (1)" in text
    assert "Responsabilités (2)" in text and "À propos de vous (1)" in text
    assert "ouverte (1)" in text
    for code in ("national_authority", "pship_resp", "KH", "open"):
        assert code not in text
    text = ask_gaps(root, "Tous les domaines", "Partout", "Depuis le début")
    assert "• Assistance aux victimes" in text and "40 kits" in text
    assert "$" not in text and "victim_assistance" not in text
    grid = figures[-1].axes[1]
    assert [t.get_text() for t in grid.get_xticklabels()] == ["Cambodge"]
    assert [t.get_text() for t in grid.get_yticklabels()] == ["Assistance aux victimes"]
