"""The people's use cases called directly, on a real database (SQLite and PostgreSQL):
onboarding, the profile, the history of a record, verification and roles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.history import history_of
from core.listings import create_listing, edit_listing
from core.membership import verify_person
from core.models import (
    AuditEvent,
    ChannelIdentity,
    Listing,
    Match,
    Notification,
    Organisation,
    Stakeholder,
)
from core.models.enums import Platform, Role
from core.onboarding import NewOrganisation, Onboarded, onboard
from core.people import grant_role, load_actor, revoke_role, roles_of
from core.profile import Reach, choose_language, update_profile
from core.vocabularies import Vocabularies
from tests.factories import need, offer, person


def account(session: Session, user: str = "ana") -> int:
    identity = ChannelIdentity(platform=Platform.console, external_user_id=user, chat_id=user)
    session.add(identity)
    session.flush()
    assert identity.id is not None
    return identity.id


def join(session: Session, vocab: Vocabularies, identity_id: int, **values: object) -> Onboarded:
    answers: dict[str, object] = {
        "name": " Ana  Pérez ",
        "organisation": NewOrganisation("Mines Action Org", "ngo", "KH"),
        "role": Role.field_contact,
        "language": "fr",
        "timezone": "Asia/Phnom_Penh",
        **values,
    }
    return onboard(session, vocab, identity_id=identity_id, **answers)  # type: ignore[arg-type]


def notices(session: Session, kind: str) -> list[Notification]:
    return list(session.exec(select(Notification).where(Notification.kind == kind)))


def actions(session: Session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


# -- onboarding --------------------------------------------------------------------------------


def test_a_new_organisation_is_theirs_at_once(db, vocab) -> None:
    with db.write() as s:
        identity_id = account(s)
        reach = Reach(share_contact=True, contact_email="ana@example.org")
        done = join(s, vocab, identity_id, reach=reach)
        assert done == Onboarded(
            person_id=done.person_id,
            name="Ana  Pérez",
            member=True,
            organisation_name="Mines Action Org",
            coordinator_requested=False,
        )
        ana = s.get(Stakeholder, done.person_id)
        assert ana is not None and ana.organisation_id is not None
        assert (ana.language, ana.timezone) == ("fr", "Asia/Phnom_Penh")
        assert (ana.share_contact, ana.contact_email, ana.contact_phone) == (
            True,
            "ana@example.org",
            None,
        )
        assert s.get(ChannelIdentity, identity_id).stakeholder_id == ana.id
        assert s.get(Organisation, ana.organisation_id).country == "KH"
        assert roles_of(s, ana.id) == {Role.field_contact}
        assert actions(s) == ["stakeholder.register"]
        assert notices(s, "verify_request") == []  # verification is not required


def test_where_verification_is_required_coordinators_are_asked_to_check(db, vocab) -> None:
    with db.write() as s:
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        done = join(s, vocab, account(s), require_verification=True)
        assert done.member
        [asked] = notices(s, "verify_request")
        assert asked.stakeholder_id == boss.id
        assert asked.payload == {"stakeholder_id": done.person_id}


def test_a_stranger_joining_an_organisation_gets_a_request_not_membership(db, vocab) -> None:
    with db.write() as s:
        member = person(s, vocab, country="KH")
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        organisation_id = member.organisation_id
        assert organisation_id is not None
        done = join(s, vocab, account(s), organisation=organisation_id)
        assert not done.member
        assert done.organisation_name == s.get(Organisation, organisation_id).name
        stranger = s.get(Stakeholder, done.person_id)
        assert stranger.organisation_id is None
        assert stranger.requested_organisation_id == organisation_id
        assert load_actor(s, done.person_id).organisation_id is None  # acts for nobody yet
        [asked] = notices(s, "membership_request")
        assert asked.stakeholder_id == member.id != boss.id  # its member answers, not a coordinator
        assert "stakeholder.join_request" in actions(s)


def test_an_organisation_without_members_has_coordinators_answer(db, vocab) -> None:
    with db.write() as s:
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        empty = Organisation(name="Quiet NGO", name_key="quiet ngo", kind="ngo")
        s.add(empty)
        s.flush()
        done = join(s, vocab, account(s), organisation=empty.id)
        assert not done.member
        assert [n.stakeholder_id for n in notices(s, "membership_request")] == [boss.id]


def test_a_coordinator_request_is_audited_and_admins_are_told(db, vocab) -> None:
    with db.write() as s:
        admin = person(s, vocab, roles=(Role.admin,), country="CH")
        done = join(s, vocab, account(s), role=Role.coordinator)
        assert done.coordinator_requested
        assert roles_of(s, done.person_id) == set()  # nobody makes themselves coordinator
        request = s.exec(select(AuditEvent).where(AuditEvent.action == "role.request")).one()
        assert (request.actor_id, request.entity_id) == (done.person_id, done.person_id)
        assert request.changes == {"role": "coordinator"}
        [told] = notices(s, "role_request")
        assert told.stakeholder_id == admin.id
        assert told.payload == {
            "stakeholder_id": done.person_id,
            "name": "Ana  Pérez",
            "role": "coordinator",
        }


def test_an_admin_named_in_the_settings_is_an_admin_and_asks_nobody(db, vocab) -> None:
    with db.write() as s:
        person(s, vocab, roles=(Role.admin,), country="CH")
        done = join(s, vocab, account(s), role=Role.coordinator, is_configured_admin=True)
        assert not done.coordinator_requested
        assert roles_of(s, done.person_id) == {Role.admin, Role.coordinator}
        assert notices(s, "role_request") == []
        assert "role.bootstrap" in actions(s) and "role.request" not in actions(s)


def test_an_account_linked_meanwhile_adds_nobody(db, vocab) -> None:
    with db.write() as s:
        first = join(s, vocab, account(s, "ana"))
        identity = s.exec(
            select(ChannelIdentity).where(ChannelIdentity.external_user_id == "ana")
        ).one()
        again = join(s, vocab, identity.id, organisation=NewOrganisation("Other Org", "ngo"))
        assert again.already_registered and again.person_id == first.person_id
        assert len(s.exec(select(Stakeholder)).all()) == 1
        assert s.exec(select(Organisation).where(Organisation.name == "Other Org")).first() is None


@pytest.mark.parametrize(
    ("values", "error", "key"),
    [
        ({"organisation": 999_999}, NotFound, "not_found.organisation"),
        ({"organisation": NewOrganisation("taken org", "ngo")}, InvalidInput, "exists"),
        ({"role": "emperor"}, InvalidInput, "invalid.choice"),
        ({"language": "xx"}, InvalidInput, "invalid.language"),
        ({"reach": Reach(contact_email="not an address")}, InvalidInput, "invalid.email"),
    ],
)
def test_onboarding_refuses_and_writes_nothing(db, vocab, values, error, key) -> None:
    with db.write() as s:
        s.add(Organisation(name="Taken Org", name_key="taken org", kind="ngo"))
        identity_id = account(s)
    with pytest.raises(error, match=key), db.write() as s:
        join(s, vocab, identity_id, **values)
    with db.read() as s:
        assert s.exec(select(Stakeholder)).all() == []
        assert s.get(ChannelIdentity, identity_id).stakeholder_id is None
        assert len(s.exec(select(Organisation)).all()) == 1


# -- the profile -------------------------------------------------------------------------------


def test_a_profile_update_writes_what_changed_and_audits_it(db, vocab) -> None:
    with db.write() as s:
        me = person(s, vocab)
        changed = update_profile(
            s,
            me.id,
            {
                "name": s.get(Stakeholder, me.id).name,  # unchanged
                "timezone": "Africa/Nairobi",
                "preferred_platform": "slack",
                "share_contact": False,
                "contact_phone": "+855 12 345 678",
            },
        )
        assert changed == {
            "timezone": "Africa/Nairobi",
            "preferred_platform": Platform.slack,
            "contact_phone": "+855 12 345 678",
        }
        me_now = s.get(Stakeholder, me.id)
        assert (me_now.timezone, me_now.preferred_platform) == ("Africa/Nairobi", Platform.slack)
        edit = s.exec(select(AuditEvent).where(AuditEvent.action == "stakeholder.edit")).one()
        assert edit.actor_id == me.id
        assert edit.changes == {
            "timezone": "Africa/Nairobi",
            "preferred_platform": "slack",
            "contact_phone": "+855 12 345 678",
        }
        assert update_profile(s, me.id, {"timezone": "Africa/Nairobi"}) == {}


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"timezone": "Mars/Olympus"}, "invalid.timezone"),
        ({"name": "A"}, "invalid.too_short"),
        ({"preferred_platform": "fax"}, "invalid.choice"),
        ({"verified": True}, "invalid.choice"),  # not theirs to change
    ],
)
def test_a_profile_update_refuses_what_is_not_valid(db, vocab, changes, key) -> None:
    with db.write() as s:
        me = person(s, vocab)
        with pytest.raises(InvalidInput, match=key):
            update_profile(s, me.id, changes)
        assert not s.get(Stakeholder, me.id).verified
    with db.write() as s, pytest.raises(NotFound):
        update_profile(s, 999_999, {"timezone": "UTC"})


def test_choosing_a_language(db, vocab) -> None:
    with db.write() as s:
        me = person(s, vocab)
        assert choose_language(s, me.id, "es") == "es"
        assert s.get(Stakeholder, me.id).language == "es"
        edit = s.exec(select(AuditEvent).where(AuditEvent.action == "stakeholder.edit")).one()
        assert edit.changes == {"language": "es"}
        with pytest.raises(InvalidInput, match="invalid.language"):
            choose_language(s, me.id, "tlh")


# -- the history of a record -------------------------------------------------------------------


def test_the_history_of_a_listing_for_its_owners_and_coordinators(db, vocab) -> None:
    with db.write() as s:
        owner = person(s, vocab)
        colleague = person(s, vocab, organisation_id=owner.organisation_id)
        stranger = person(s, vocab, roles=(Role.donor,), country="NO")
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        listing_id = create_listing(s, vocab, owner, need()).listing.id
        edit_listing(s, vocab, colleague, listing_id, {"title": "Prosthetic kits, urgent"})
        s.add(AuditEvent(action="need.expire", entity_type="listing", entity_id=listing_id))
        names = {p.id: s.get(Stakeholder, p.id).name for p in (owner, colleague)}
        for reader in (owner, boss):
            entries = history_of(s, reader, "listing", listing_id)
            assert [(e.actor_name, e.action) for e in entries] == [
                (names[owner.id], "need.create"),
                (names[colleague.id], "need.edit"),
                (None, "need.expire"),  # the system
            ]
        assert [e.action for e in history_of(s, owner, "listing", listing_id, limit=2)] == [
            "need.edit",
            "need.expire",
        ]
        with pytest.raises(PermissionDenied, match="denied.history"):
            history_of(s, stranger, "listing", listing_id)
        with pytest.raises(NotFound, match="not_found.listing"):
            history_of(s, boss, "listing", 999_999)
        with pytest.raises(InvalidInput):
            history_of(s, boss, "stakeholder", owner.id)


def test_the_history_of_a_partnership_for_its_partners(db, vocab) -> None:
    from datetime import date

    from core.models import Partnership
    from tests.factories import active_partnership

    with db.write() as s:
        pid, field, _ = active_partnership(s, vocab, first_due=date(2027, 3, 31))
        outsider = person(s, vocab, roles=(Role.donor,), country="NO")
        entries = history_of(s, field, "partnership", pid)
        assert entries[0].action == "partnership.create"
        assert [e.at for e in entries] == sorted(e.at for e in entries)
        with pytest.raises(PermissionDenied):
            history_of(s, outsider, "partnership", pid)
        bare = Partnership(title="Nothing happened yet")
        s.add(bare)
        s.flush()
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        with pytest.raises(NotFound, match="not_found.history"):
            history_of(s, boss, "partnership", bare.id)


# -- verification and roles --------------------------------------------------------------------


def test_verifying_a_person_shows_their_listings_and_matches_them(db, vocab) -> None:
    with db.write() as s:
        newcomer = person(s, vocab)
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        create_listing(s, vocab, donor, offer(assistance_type="equipment"))
        hidden = create_listing(s, vocab, newcomer, need(), require_verification=True).listing
        assert not hidden.verified and s.exec(select(Match)).all() == []
        with pytest.raises(PermissionDenied, match="denied.coordinator_only"):
            verify_person(s, vocab, donor, newcomer.id, threshold=0)
        assert verify_person(s, vocab, boss, newcomer.id, threshold=0) == [hidden.id]
        assert s.get(Listing, hidden.id).verified
        assert s.get(Stakeholder, newcomer.id).verified
        [match] = s.exec(select(Match)).all()
        assert match.need_id == hidden.id
        with pytest.raises(NotFound):
            verify_person(s, vocab, boss, 999_999)


def test_a_role_change_names_the_person_and_refuses_strangers(db, vocab) -> None:
    with db.write() as s:
        admin = person(s, vocab, roles=(Role.admin,), country="CH")
        field = person(s, vocab)
        granted = grant_role(s, admin, field.id, Role.coordinator)
        assert granted.id == field.id and granted.name == s.get(Stakeholder, field.id).name
        assert revoke_role(s, admin, field.id, Role.coordinator).id == field.id
        with pytest.raises(NotFound, match="not_found.stakeholder"):
            revoke_role(s, admin, 999_999, Role.coordinator)
        with pytest.raises(PermissionDenied, match="denied.admin_only"):
            revoke_role(s, field, admin.id, Role.admin)


def test_the_latest_event_comes_back_with_its_time(db, vocab) -> None:
    moment = datetime(2100, 1, 2, 3, 4, tzinfo=UTC)  # after anything the test writes
    with db.write() as s:
        owner = person(s, vocab)
        listing_id = create_listing(s, vocab, owner, need()).listing.id
        s.add(
            AuditEvent(
                at=moment, action="need.confirm", entity_type="listing", entity_id=listing_id
            )
        )
    with db.read() as s:
        [latest] = history_of(s, load_actor(s, owner.id), "listing", listing_id, limit=1)
    assert latest.at == moment and latest.action == "need.confirm"
