"""One's organisation and its national and regional contact points; a coordinator's
introduction of partners who shared no contact details."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import command_token
from bot.commands.registry import COORDINATORS, Command, number
from bot.dialogs.contacts import SCOPES, point_answers, points_of
from bot.dialogs.engine import Ctx
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.text import Text
from core.contacts import introduce, remove_contact_point
from core.errors import DomainError
from core.membership import decide_membership
from core.models import ContactPoint, Conversation, Organisation
from core.models.enums import ContactScope

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def organisation(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """One's own organisation; a coordinator may name another ("/organisation 4")."""
    assert ctx.actor is not None
    if args and ctx.actor.is_coordinator:
        organisation_id = number(args, "not_found.organisation")
    elif ctx.actor.organisation_id is not None:
        organisation_id = ctx.actor.organisation_id
    else:
        raise DomainError("not_found.organisation")
    found = ctx.session.get(Organisation, organisation_id)
    if found is None:
        raise DomainError("not_found.organisation")
    points = points_of(ctx, organisation_id)
    replies = [
        Reply(
            ctx.tr(
                N_("**{name}**: {n} contact points. Partners receive them once a match is agreed."),
                name=found.name,
                n=len(points),
            ),
            (
                (
                    Button(
                        ctx.tr.s(N_("Add a contact point")),
                        command_token("cp_add", organisation_id),
                    ),
                ),
            ),
        )
    ]
    for point in points:
        replies.append(Reply(point_text(ctx, point), _point_buttons(ctx, point)))
    return replies


def point_text(ctx: Ctx, point: ContactPoint) -> Text:
    scope = ctx.tr.s(SCOPES[ContactScope(point.scope)])
    details = " · ".join(x for x in (point.email, point.phone, ctx.tr.country(point.country)) if x)
    return Text.plain(f"{point.name} ({scope})" + (f": {details}" if details else ""))


def _point_buttons(ctx: Ctx, point: ContactPoint) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(ctx.tr.s(N_("✎ Edit")), command_token("cp_edit", point.id or 0)),
            Button(ctx.tr.s(N_("✖ Remove")), command_token("cp_remove", point.id or 0)),
        ),
    )


def add_point(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    organisation_id = number(args, "not_found.organisation")
    _may_keep(ctx, organisation_id)
    return bot.start_dialog(
        ctx, conv, "contact_point", context={"organisation_id": organisation_id}
    )


def edit_point(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    point = _point(ctx, args)
    context = {"organisation_id": point.organisation_id, "point_id": point.id}
    answers = point_answers(point)
    return bot.start_dialog(
        ctx, conv, "contact_point", context=context, answers=answers, at_summary=True
    )


def remove_point(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    point = _point(ctx, args)
    assert ctx.actor is not None
    remove_contact_point(ctx.session, ctx.actor, point.id or 0)
    return [Reply(ctx.tr(N_("Removed: the contact point {name}."), name=point.name))]


def _point(ctx: Ctx, args: str) -> ContactPoint:
    point = ctx.session.get(ContactPoint, number(args, "not_found.contact_point"))
    if point is None:
        raise DomainError("not_found.contact_point")
    _may_keep(ctx, point.organisation_id)
    return point


def _may_keep(ctx: Ctx, organisation_id: int) -> None:
    actor = ctx.actor
    if actor is None or (actor.organisation_id != organisation_id and not actor.is_coordinator):
        raise DomainError("denied.not_member")


def introduce_partners(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    told = introduce(ctx.session, ctx.actor, number(args, "not_found.partnership"))
    if not told:
        return [Reply(ctx.tr(N_("They were introduced already.")))]
    return [Reply(ctx.tr(N_("Introduced: both partners are told to write to you.")))]


def member(approve: bool):  # type: ignore[no-untyped-def]
    """The buttons of a request to join: a member of the organisation, or a coordinator."""

    def handler(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
        assert ctx.actor is not None
        person = decide_membership(
            ctx.session, ctx.actor, number(args, "not_found.stakeholder"), approve=approve
        )
        words = N_("{name} is now a member.") if approve else N_("{name} was not let in.")
        return [Reply(ctx.tr(words, name=person.name))]

    return handler


COMMANDS = (
    Command(
        "organisation",
        organisation,
        N_("your organisation's contact points, which partners receive after a match"),
    ),
    Command("cp_add", add_point, args="N"),
    Command("cp_edit", edit_point, args="N"),
    Command("cp_remove", remove_point, args="N"),
    Command("introduce", introduce_partners, args="N", roles=COORDINATORS),
    Command("member_ok", member(True), args="N"),
    Command("member_no", member(False), args="N"),
)
