"""Getting to know someone (/start), their profile and their language."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from babel.core import get_global

from bot.dialogs.contacts import REACH_STEPS, reach_answers, reach_changes
from bot.dialogs.interest import linked_listing, public_card
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Saved, Step
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_
from bot.messages import Reply
from core.models import Organisation
from core.models.enums import OrganisationKind, Role
from core.onboarding import NewOrganisation, onboard
from core.people import (
    check_timezone,
    find_organisation_by_name,
    load_actor,
    platforms_of,
    search_organisations,
)
from core.profile import Reach, choose_language, update_profile

ROLE_CHOICES = {
    Role.field_contact: N_("I register needs (field contact, national authority)"),
    Role.donor: N_("I offer assistance (donor, NGO, company)"),
    Role.coordinator: N_("I coordinate (an admin confirms this role)"),
}
KIND_LABELS = {
    OrganisationKind.government: N_("Government"),
    OrganisationKind.intergovernmental: N_("Intergovernmental organisation"),
    OrganisationKind.ngo: N_("NGO or civil society"),
    OrganisationKind.private_sector: N_("Private sector"),
    OrganisationKind.academic: N_("Academic"),
    OrganisationKind.national_authority: N_("National authority"),
}


def _languages(ctx: Ctx) -> list[Choice]:
    """The six, each in its own name; the one the question is asked in (the person's, or
    at the start the one their Telegram or Slack suggests) comes first."""
    first = [ctx.tr.language] if ctx.tr.language in LANGUAGES else []
    others = [code for code in LANGUAGES if code not in first]
    return [Choice(code, LANGUAGE_NAMES[code]) for code in first + others]


def _display_name(ctx: Ctx) -> list[tuple[str, str]]:
    name = (ctx.identity.display_name or "").strip()
    return [(name, ctx.tr.s(N_("Use “{name}”"), name=name))] if len(name) >= 2 else []


def _find_organisation(ctx: Ctx, typed: str) -> dict[str, Any]:
    exact = find_organisation_by_name(ctx.session, typed)
    matches = [] if exact else search_organisations(ctx.session, typed, limit=5)
    return {
        "name": typed,
        "exact": exact.id if exact else None,
        "matches": [[o.id, o.name] for o in matches],
    }


def _show_organisation(ctx: Ctx, value: dict[str, Any]) -> str:
    return str(value.get("name", ""))


def _picks(ctx: Ctx) -> list[Choice]:
    found = ctx.answer("organisation") or {}
    choices = [Choice(str(oid), name) for oid, name in found.get("matches", [])]
    choices.append(
        Choice("new", ctx.tr.s(N_("None of these: create “{name}”"), name=found.get("name", "")))
    )
    return choices


def _organisation_id(ctx: Ctx) -> int | None:
    """The organisation chosen so far, or None when a new one is to be created."""
    found = ctx.answer("organisation") or {}
    if found.get("exact"):
        return int(found["exact"])
    pick = ctx.answer("organisation_pick")
    return int(pick) if pick and pick != "new" else None


def _must_pick(ctx: Ctx) -> bool:
    found = ctx.answer("organisation") or {}
    return bool(found.get("matches")) and not found.get("exact")


def _creating(ctx: Ctx) -> bool:
    found = ctx.answer("organisation")
    if not found or found.get("exact"):
        return False
    return not found.get("matches") or ctx.answer("organisation_pick") == "new"


def _kinds(ctx: Ctx) -> list[Choice]:
    return [Choice(kind, ctx.tr.s(label)) for kind, label in KIND_LABELS.items()]


def _roles(ctx: Ctx) -> list[Choice]:
    return [Choice(role, ctx.tr.s(label)) for role, label in ROLE_CHOICES.items()]


def _country_for_zones(ctx: Ctx) -> str | None:
    organisation_id = _organisation_id(ctx)
    if organisation_id:
        organisation = ctx.session.get(Organisation, organisation_id)
        return organisation.country if organisation else None
    if ctx.person is not None and ctx.person.organisation_id and "organisation" not in ctx.answers:
        organisation = ctx.session.get(Organisation, ctx.person.organisation_id)
        return organisation.country if organisation else None
    return ctx.answer("org_country")


def _zones(ctx: Ctx) -> list[tuple[str, str]]:
    country = _country_for_zones(ctx)
    zones = get_global("territory_zones").get(country or "", [])[:4]
    return [(zone, zone.replace("_", " ")) for zone in zones] + [("UTC", "UTC")]


def _timezone(ctx: Ctx, value: str) -> str:
    return check_timezone(value)


NAME = Step("name", N_("What is your name?"), Kind.text, label=N_("Name"), min_len=2, max_len=120)
LANGUAGE = Step(
    "language",
    N_("Which language do you prefer?"),
    Kind.choice,
    label=N_("Language"),
    choices=_languages,
    columns=3,
    speaks=True,
)
TIMEZONE = Step(
    "timezone",
    N_(
        "Your time zone, so reminders come at a sensible hour: tap it, "
        "type it (like Asia/Phnom_Penh), or tap **Skip** for UTC."
    ),
    Kind.text,
    label=N_("Time zone"),
    optional=True,
    max_len=64,
    check=_timezone,
    suggest=_zones,
)


def onboarding_steps() -> tuple[Step, ...]:
    return (
        replace(LANGUAGE, prompt=N_("Welcome to Partnerbot! Which language do you prefer?")),
        replace(NAME, suggest=_display_name),
        Step(
            "organisation",
            N_("Which organisation do you work for? Type its name."),
            Kind.text,
            label=N_("Organisation"),
            min_len=2,
            max_len=200,
            check=_find_organisation,
            show=_show_organisation,
            fields=("organisation_name",),
            resets=("organisation_pick", "org_kind", "org_country"),
        ),
        Step(
            "organisation_pick",
            N_("Is it one of these?"),
            Kind.choice,
            choices=_picks,
            columns=1,
            when=_must_pick,
            resets=("org_kind", "org_country"),
        ),
        Step(
            "org_kind",
            N_("What kind of organisation is it?"),
            Kind.choice,
            label=N_("Kind of organisation"),
            choices=_kinds,
            when=_creating,
            fields=("organisation_kind",),
        ),
        Step(
            "org_country",
            N_(
                "In which country is it based? Type its name, or tap **Skip** "
                "for an international organisation."
            ),
            Kind.country,
            label=N_("Based in"),
            optional=True,
            when=_creating,
        ),
        Step(
            "role",
            N_("What will you mostly do here?"),
            Kind.choice,
            label=N_("Role"),
            choices=_roles,
            columns=1,
        ),
        TIMEZONE,
        *REACH_STEPS,
    )


def _save_onboarding(ctx: Ctx) -> list[Reply] | Saved:
    a = ctx.answers
    assert ctx.identity.id is not None
    done = onboard(
        ctx.session,
        ctx.vocab,
        identity_id=ctx.identity.id,
        name=a["name"],
        organisation=_organisation_chosen(ctx),
        role=a["role"],
        language=a["language"],
        timezone=a.get("timezone") or "UTC",
        reach=Reach(**reach_changes(a)),
        require_verification=ctx.settings.require_verification,
        is_configured_admin=_is_configured_admin(ctx),
    )
    if done.already_registered:
        return [Reply(ctx.tr(N_("You are already registered. Type /help to see what you can do.")))]
    replies = [
        Reply(
            ctx.tr(
                N_(
                    "Thank you, {name}: you are registered. Type /help at any time "
                    "to see what you can do."
                ),
                name=done.name,
            )
        )
    ]
    if not done.member:
        replies.append(
            Reply(
                ctx.tr(
                    N_(
                        "I have asked {organisation} to confirm that you belong to it; "
                        "until one of its members (or a coordinator) does, you cannot act "
                        "for it or see its listings, matches and partnerships."
                    ),
                    organisation=done.organisation_name,
                )
            )
        )
    if done.coordinator_requested:
        replies.append(
            Reply(ctx.tr(N_("An admin will confirm your coordinator role; you will be told.")))
        )
    then = ctx.context.get("then") or ""
    linked = linked_listing(then)
    if linked is not None:  # came from the public directory: back to that listing
        actor = load_actor(ctx.session, done.person_id)
        return [*replies, *public_card(replace(ctx, actor=actor), linked)]
    return Saved(replies, then=(then, {}) if then in ("need", "offer") else None)


def _organisation_chosen(ctx: Ctx) -> int | NewOrganisation:
    """The organisation picked, or the one to create from the answers."""
    organisation_id = _organisation_id(ctx)
    if organisation_id is not None:
        return organisation_id
    a = ctx.answers
    return NewOrganisation(a["organisation"]["name"], a["org_kind"], a.get("org_country"))


def _is_configured_admin(ctx: Ctx) -> bool:
    identity = ctx.identity
    admins = ctx.settings.admin_identities
    return (str(identity.platform), identity.workspace, identity.external_user_id) in admins


def _platform_choices(ctx: Ctx) -> list[Choice]:
    if ctx.person is None or ctx.person.id is None:
        return []
    return [Choice(str(p), str(p).title()) for p in platforms_of(ctx.session, ctx.person.id)]


def _profile_steps() -> tuple[Step, ...]:
    return (
        NAME,
        LANGUAGE,
        TIMEZONE,
        Step(
            "preferred_platform",
            N_("Where should notifications reach you?"),
            Kind.choice,
            label=N_("Notify me on"),
            choices=_platform_choices,
            when=lambda ctx: len(_platform_choices(ctx)) > 1,
            optional=True,
        ),
        *REACH_STEPS,
    )


def profile_answers(ctx: Ctx) -> dict[str, Any]:
    person = ctx.person
    assert person is not None
    return {
        "name": person.name,
        "language": person.language,
        "timezone": person.timezone,
        **reach_answers(person),
        "preferred_platform": str(person.preferred_platform) if person.preferred_platform else None,
    }


def _save_profile(ctx: Ctx) -> list[Reply]:
    assert ctx.person is not None and ctx.person.id is not None
    a = ctx.answers
    changes = {
        "name": a["name"],
        "language": a["language"],
        "timezone": a.get("timezone") or "UTC",
        "preferred_platform": a.get("preferred_platform"),
        **reach_changes(a),
    }
    update_profile(ctx.session, ctx.person.id, changes)
    return [Reply(ctx.tr(N_("Your profile is saved.")))]


def _save_language(ctx: Ctx) -> list[Reply]:
    assert ctx.person is not None and ctx.person.id is not None
    choose_language(ctx.session, ctx.person.id, ctx.answers["language"])
    return [Reply(ctx.tr(N_("From now on I will write to you in English.")))]


def people_dialogs() -> list[Dialog]:
    return [
        Dialog("start", N_("About you"), onboarding_steps(), _save_onboarding),
        Dialog("profile", N_("Your profile"), _profile_steps(), _save_profile),
        Dialog("language", N_("Language"), (LANGUAGE,), _save_language, confirm=False),
    ]
