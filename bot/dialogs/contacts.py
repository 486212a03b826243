"""How partners may reach a person (asked once at the introduction, changed in /profile),
and an organisation's contact points (kept with /organisation). Nothing here is shared before
both sides of a match accept."""

from __future__ import annotations

from typing import Any

from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_
from bot.messages import Reply
from core.contacts import contact_points, save_contact_point
from core.models import ContactPoint, Stakeholder
from core.models.enums import ContactScope
from core.validation import check_email, check_phone

WAYS = {
    "handle": N_("My chat handle"),
    "email": N_("An e-mail address"),
    "phone": N_("A phone number"),
}


def _ways(ctx: Ctx) -> list[Choice]:
    return [Choice(value, ctx.tr.s(label)) for value, label in WAYS.items()]


def _chose(way: str):  # type: ignore[no-untyped-def]
    return lambda ctx: way in (ctx.answer("reach") or [])


def _email(ctx: Ctx, value: str) -> str:
    return check_email(value)


def _phone(ctx: Ctx, value: str) -> str:
    return check_phone(value)


REACH_STEPS = (
    Step(
        "reach",
        N_(
            "When you and a partner have both accepted a match, how may they reach you? "
            "Nothing is shared before that, and only with them. Tap all you agree to, then "
            "**Done**; or tap **Skip**: a coordinator will introduce you."
        ),
        Kind.multi,
        label=N_("Partners may reach me by"),
        choices=_ways,
        optional=True,
        columns=1,
        resets=("contact_email", "contact_phone"),
        form_hint=N_("Shared only once both sides accept a match, and only with them."),
    ),
    Step(
        "contact_email",
        N_("Your e-mail address for match partners:"),
        Kind.text,
        label=N_("E-mail for partners"),
        when=_chose("email"),
        max_len=254,
        check=_email,
    ),
    Step(
        "contact_phone",
        N_("Your phone number for match partners, with its country code (+855 …):"),
        Kind.text,
        label=N_("Phone for partners"),
        when=_chose("phone"),
        max_len=40,
        check=_phone,
    ),
)


def reach_answers(person: Stakeholder) -> dict[str, Any]:
    reach = [
        way
        for way, given in (
            ("handle", person.share_contact),
            ("email", person.contact_email),
            ("phone", person.contact_phone),
        )
        if given
    ]
    return {
        "reach": reach or None,
        "contact_email": person.contact_email,
        "contact_phone": person.contact_phone,
    }


def reach_changes(answers: dict[str, Any]) -> dict[str, Any]:
    """The person's fields from the answers: what is not chosen is not kept."""
    reach = answers.get("reach") or []
    return {
        "share_contact": "handle" in reach,
        "contact_email": answers.get("contact_email") if "email" in reach else None,
        "contact_phone": answers.get("contact_phone") if "phone" in reach else None,
    }


# -- an organisation's contact points --------------------------------------------------------

SCOPES = {ContactScope.national: N_("National"), ContactScope.regional: N_("Regional")}


def _scopes(ctx: Ctx) -> list[Choice]:
    return [Choice(str(scope), ctx.tr.s(label)) for scope, label in SCOPES.items()]


def _save_point(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    a = ctx.answers
    point = save_contact_point(
        ctx.session,
        ctx.vocab,
        ctx.actor,
        int(ctx.context["organisation_id"]),
        point_id=ctx.context.get("point_id"),
        scope=ContactScope(a["scope"]),
        name=a["name"],
        email=a.get("email"),
        phone=a.get("phone"),
        country=a.get("country"),
        published=bool(a.get("published")),
    )
    return [Reply(ctx.tr(N_("Saved: the contact point {name}."), name=point.name))]


def point_answers(point: ContactPoint) -> dict[str, Any]:
    return {
        "scope": str(point.scope),
        "name": point.name,
        "email": point.email,
        "phone": point.phone,
        "country": point.country,
        "published": point.published,
    }


def points_of(ctx: Ctx, organisation_id: int) -> list[ContactPoint]:
    return contact_points(ctx.session, organisation_id)


def contact_dialogs() -> list[Dialog]:
    steps = (
        Step(
            "scope",
            N_("Is it a national or a regional contact point?"),
            Kind.choice,
            label=N_("Scope"),
            choices=_scopes,
        ),
        Step(
            "name",
            N_("Its name: a person or a desk, like “Partnerships desk”."),
            Kind.text,
            label=N_("Name"),
            min_len=2,
            max_len=200,
        ),
        Step(
            "email",
            N_("Its e-mail address (or tap **Skip**)."),
            Kind.text,
            label=N_("E-mail"),
            optional=True,
            max_len=254,
            check=_email,
        ),
        Step(
            "phone",
            N_("Its phone number, with the country code (or tap **Skip**)."),
            Kind.text,
            label=N_("Phone"),
            optional=True,
            max_len=40,
            check=_phone,
        ),
        Step(
            "country",
            N_("Which country does it cover? (or tap **Skip**)"),
            Kind.country,
            label=N_("Country"),
            optional=True,
        ),
        Step(
            "published",
            N_(
                "May the public web directory show this contact point to everyone? "
                "Partners you are matched with receive it either way."
            ),
            Kind.yes_no,
            label=N_("On the public directory"),
        ),
    )
    return [Dialog("contact_point", N_("Contact point"), steps, _save_point)]
