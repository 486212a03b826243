"""Who is speaking, read in one statement: the account (created on first contact), the person
behind it with all their roles, and the dialog they are in."""

from __future__ import annotations

from bot.messages import Sender
from bot.speaker import load_speaker
from core.models import ChannelIdentity, Conversation
from core.models.enums import Platform, Role
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.factories import person

ANA = Sender(Platform.slack, "U1", "D1", workspace="T1", display_name="Ana")


def test_a_first_message_creates_the_account_and_nobody_is_behind_it(db: Database) -> None:
    with db.write() as s:
        speaker = load_speaker(s, ANA)
        assert speaker.identity.id is not None
        assert (speaker.person, speaker.actor, speaker.conversation) == (None, None, None)
    with db.write() as s:
        again = load_speaker(s, ANA)
        assert again.identity.id == speaker.identity.id
        assert again.identity.display_name == "Ana"


def test_the_person_their_roles_and_their_dialog_come_together(
    db: Database, vocab: Vocabularies
) -> None:
    with db.write() as s:
        boss = person(s, vocab, roles=(Role.coordinator, Role.admin))
        s.add(
            ChannelIdentity(
                platform=Platform.slack,
                workspace="T1",
                external_user_id="U1",
                stakeholder_id=boss.id,
            )
        )
        s.flush()
        identity_id = load_speaker(s, ANA).identity.id
        assert identity_id is not None
        s.add(Conversation(identity_id=identity_id, dialog="need", nonce="abc"))
    with db.write() as s:
        speaker = load_speaker(s, ANA)
        assert speaker.person is not None and speaker.person.id == boss.id
        assert speaker.actor == boss
        assert speaker.actor.roles == {Role.coordinator, Role.admin}
        assert speaker.conversation is not None and speaker.conversation.dialog == "need"
    other_team = Sender(Platform.slack, "U1", "D9", workspace="T2")
    with db.write() as s:
        assert load_speaker(s, other_team).person is None


def test_a_person_without_roles_has_none(db: Database, vocab: Vocabularies) -> None:
    with db.write() as s:
        someone = person(s, vocab, roles=())
        s.add(
            ChannelIdentity(
                platform=Platform.slack,
                workspace="T1",
                external_user_id="U1",
                stakeholder_id=someone.id,
            )
        )
    with db.write() as s:
        speaker = load_speaker(s, ANA)
        assert speaker.actor is not None and speaker.actor.roles == frozenset()
        assert speaker.conversation is None
