"""Every command and every button, by every role, on records that are not theirs: the ones a
role may not use are refused politely, and nobody changes what is not theirs."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.errors import GENERIC
from core.listings import create_listing
from core.matchmaking import propose_matches
from core.models import Listing, Match, Partnership, PartnershipMember, StakeholderRole
from core.models.enums import Role
from tests.chat import Person, onboard
from tests.factories import bot_settings, need, offer, person

ROLES = ("newcomer", "field_contact", "donor", "coordinator", "admin")
ONBOARD = {
    "field_contact": ("I register needs", "Outsider Office", "National authority", "Laos"),
    "donor": ("I offer assistance", "Outsider Fund", "Government", "Norway"),
    "coordinator": (
        "I register needs",
        "Outsider Unit",
        "Intergovernmental organisation",
        "Switzerland",
    ),
    "admin": (
        "I register needs",
        "Outsider Secretariat",
        "Intergovernmental organisation",
        "Switzerland",
    ),
}


def settings():
    return bot_settings(admins="console:user-admin")


def world(db, vocab) -> None:
    """Someone else's need and offer, a match between them and a draft partnership."""
    with db.write() as s:
        owner = person(s, vocab, country="KH")
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        need_id = create_listing(s, vocab, owner, need()).listing.id
        create_listing(s, vocab, donor, offer(assistance_type="equipment"))
        propose_matches(s, vocab, need_id, threshold=0)
        from core.partnerships import create_partnership

        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        create_partnership(
            s,
            boss,
            title="Their partnership",
            organisation_ids=[owner.organisation_id, donor.organisation_id],
        )


def snapshot(db) -> tuple:
    with db.read() as s:
        return (
            [(x.id, x.status, x.title, x.verified) for x in s.exec(select(Listing))],
            [(x.id, x.status, x.need_decision, x.offer_decision) for x in s.exec(select(Match))],
            [(x.id, x.status, x.coordinator_id) for x in s.exec(select(Partnership))],
            [(x.id, x.confirmed_at, x.responsibilities) for x in s.exec(select(PartnershipMember))],
            sorted((x.stakeholder_id, x.role) for x in s.exec(select(StakeholderRole))),
        )


def actor(bot: ChatBot, role: str) -> Person:
    someone = Person(bot, f"user-{role.replace('_', '-')}")
    if role == "newcomer":
        return someone
    answer, organisation, kind, country = ONBOARD[role]
    onboard(someone, organisation=organisation, kind=kind, country=country, role=answer)
    if role == "coordinator":
        with bot.db.write() as s:
            from core.models import ChannelIdentity

            identity = s.exec(
                select(ChannelIdentity).where(ChannelIdentity.external_user_id == someone.user)
            ).one()
            s.add(StakeholderRole(stakeholder_id=identity.stakeholder_id, role=Role.coordinator))
    return someone


RESTRICTED = {
    "gaps": "coordinator",
    "stats": "coordinator",
    "export": "coordinator",
    "verify_ok": "coordinator",
    "verify_no": "coordinator",
    "grant": "admin",
    "revoke": "admin",
}
MAY = {
    "newcomer": set(),
    "field_contact": set(),
    "donor": set(),
    "coordinator": {"coordinator"},
    "admin": {"coordinator", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_command_by_every_role(sqlite_db, vocab, role) -> None:
    bot = ChatBot(sqlite_db, vocab, settings())
    world(sqlite_db, vocab)
    someone = actor(bot, role)
    outsider = role in ("newcomer", "field_contact", "donor")
    for name in sorted(bot.commands):
        for send in (
            lambda n=name: someone.command(n, "1"),
            lambda n=name: someone.press(f"c:{n}:1"),
        ):
            before = snapshot(sqlite_db)
            send()
            assert someone.replies and str(GENERIC) not in someone.text, (role, name)
            needed = RESTRICTED.get(name)
            if needed and needed not in MAY[role] and role != "newcomer":
                assert "Only" in someone.text, (role, name, someone.text)
            if outsider:
                # Whatever it opened, nothing of someone else's has changed.
                assert snapshot(sqlite_db) == before, (role, name)
            someone.command("cancel")
