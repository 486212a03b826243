from __future__ import annotations

import pytest
from sqlmodel import select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import AuditEvent
from core.models.enums import OrganisationKind, Platform, Role
from core.people import (
    create_organisation,
    ensure_identity,
    grant_role,
    load_actor,
    revoke_role,
    roles_of,
    search_organisations,
    stakeholders_with_role,
)
from tests.factories import person


def test_organisation_names_are_unique_whatever_the_case(db, vocab) -> None:
    with db.write() as s:
        made = create_organisation(s, vocab, name="Safe  Fields", kind="ngo", country="gb")
        assert (made.country, made.region) == ("GB", "154")
        with pytest.raises(InvalidInput, match="invalid.organisation_exists"):
            create_organisation(s, vocab, name="safe fields", kind="ngo", country=None)
    with db.read() as s:
        assert [o.name for o in search_organisations(s, "FIELD")] == ["Safe  Fields"]


def test_organisation_kind_and_country_are_checked(db, vocab) -> None:
    with db.write() as s:
        with pytest.raises(InvalidInput, match="invalid.choice"):
            create_organisation(s, vocab, name="X Org", kind="club", country=None)
        with pytest.raises(InvalidInput, match="invalid.country"):
            create_organisation(s, vocab, name="Y Org", kind=OrganisationKind.ngo, country="UK")


def test_identities_are_unique_per_platform_workspace_and_user(db) -> None:
    with db.write() as s:
        first = ensure_identity(s, Platform.slack, "U1", workspace="T1", display_name="Ana")
        again = ensure_identity(s, Platform.slack, "U1", workspace="T1", handle="ana")
        other_team = ensure_identity(s, Platform.slack, "U1", workspace="T2")
    assert first.id == again.id != other_team.id
    assert (again.handle, again.display_name) == ("ana", "Ana")


def test_roles_are_granted_and_revoked_by_admins_only(db, vocab) -> None:
    with db.write() as s:
        admin = person(s, vocab, roles=(Role.admin,), country="CH")
        field = person(s, vocab)
        with pytest.raises(PermissionDenied, match="denied.admin_only"):
            grant_role(s, field, field.id, Role.coordinator)
        grant_role(s, admin, field.id, Role.coordinator)
        grant_role(s, admin, field.id, Role.coordinator)  # twice is harmless
        assert load_actor(s, field.id).is_coordinator
        assert [p.id for p in stakeholders_with_role(s, Role.coordinator)] == [field.id]
        revoke_role(s, admin, field.id, Role.coordinator)
        assert roles_of(s, field.id) == {Role.field_contact}
        with pytest.raises(NotFound):
            grant_role(s, admin, 999, Role.coordinator)
        actions = [a.action for a in s.exec(select(AuditEvent)).all()]
    assert actions.count("role.grant") == 1 and actions.count("role.revoke") == 1
