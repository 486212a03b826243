"""Clusters, calls, countries and completion deadlines: `/clusters` (with the bot's
suggestions to confirm), `/cluster N`, a steering group's call and the "I can help" that
answers it, `/country XX`, and the commands behind the partnership's national and
treaty-deadline buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import command_token
from bot.cluster_views import cluster_title, cluster_view, light_of
from bot.commands.partnerships import partnership_of
from bot.commands.registry import COORDINATORS, Command, number
from bot.dialogs.engine import Ctx
from bot.i18n import N_, NP_
from bot.messages import Attachment, Button, Reply
from bot.text import Text
from core.cluster_calls import answer_call, send_call
from core.clusters import clusters, create_cluster, get_cluster, may_steer, partnerships_of
from core.country import country_view
from core.errors import DomainError, NotFound
from core.models import Conversation
from core.rollup import rolled_up
from core.storage import may_take_long

if TYPE_CHECKING:
    from bot.chatbot import ChatBot

SUGGESTED = NP_(
    "💡 Suggested: **{title}**, {n} active partnership share it.",
    "💡 Suggested: **{title}**, {n} active partnerships share it.",
)


def list_clusters(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    from core.clusters import suggestions

    assert ctx.actor is not None
    replies = []
    for cluster in clusters(ctx.session):
        if not may_steer(ctx.session, ctx.actor, cluster.id or 0):
            continue
        n = len(partnerships_of(ctx.session, cluster.id or 0))
        text = ctx.tr(
            N_("🧩 #{id} **{title}** — {n} partnerships"), id=cluster.id, title=cluster.title, n=n
        )
        replies.append(
            Reply(
                text, ((Button(ctx.tr.s(N_("Open")), command_token("cluster", cluster.id or 0)),),)
            )
        )
    if ctx.actor.is_coordinator:
        for s in suggestions(ctx.session, ctx.vocab):
            title = cluster_title(ctx.tr, ctx.vocab, s.area, s.region)
            text = ctx.tr.plural(*SUGGESTED, len(s.partnership_ids), title=title)
            confirm = Button(
                ctx.tr.s(N_("✔ Make it a cluster")),
                command_token("cluster_ok", f"{s.area}.{s.region}"),
            )
            replies.append(Reply(text, ((confirm,),)))
    if not replies:
        return [
            Reply(
                ctx.tr(
                    N_(
                        "No clusters yet. The bot suggests one when three active "
                        "partnerships share a thematic area in a region."
                    )
                )
            )
        ]
    return replies


def show_cluster(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    cluster = get_cluster(ctx.session, number(args, "not_found.cluster"))
    if not may_steer(ctx.session, ctx.actor, cluster.id or 0):
        raise NotFound("not_found.cluster")
    return [cluster_view(ctx, cluster)]


def confirm_cluster(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    area, _, region = args.strip().partition(".")
    title = cluster_title(ctx.tr, ctx.vocab, area, region)
    cluster = create_cluster(
        ctx.session, ctx.actor, ctx.vocab, title=title, area=area, region=region
    )
    return [cluster_view(ctx, cluster)]


def chart(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    from bot.cluster_chart import rollup_chart

    assert ctx.actor is not None
    cluster = get_cluster(ctx.session, number(args, "not_found.cluster"))
    if not may_steer(ctx.session, ctx.actor, cluster.id or 0):
        raise NotFound("not_found.cluster")
    groups = rolled_up(
        ctx.session, [p.id or 0 for p in partnerships_of(ctx.session, cluster.id or 0)]
    )
    may_take_long()
    path = rollup_chart(ctx.tr, cluster.title, groups)
    text = ctx.tr(
        N_("Rolled-up indicators of **{title}**: the share of each target reached."),
        title=cluster.title,
    )
    return [Reply(text, attachment=Attachment("cluster.png", path, "image/png", is_image=True))]


def call(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    head, _, need = args.strip().partition(".")
    cluster_id = number(head, "not_found.cluster")
    told = send_call(
        ctx.session,
        ctx.vocab,
        ctx.actor,
        cluster_id,
        number(need, "not_found.gap"),
        today=ctx.today(),
    )
    return [Reply(ctx.tr(N_("📣 Call sent to the owners of {n} offers that fit."), n=told))]


def can_help(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    head, _, offer = args.strip().partition(".")
    match = answer_call(
        ctx.session,
        ctx.vocab,
        ctx.actor,
        number(head, "not_found.call"),
        number(offer, "not_found.call"),
        today=ctx.today(),
    )
    if match is None:
        return [
            Reply(
                ctx.tr(
                    N_("This need and your offer were proposed to each other before: see /matches.")
                )
            )
        ]
    return [Reply(ctx.tr(N_("Thank you: the match is proposed to both sides (see /matches).")))]


def country(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    if not args.strip():
        raise DomainError("invalid.country_code")
    view = country_view(ctx.session, ctx.vocab, ctx.actor, args)
    tr = ctx.tr
    counterpart = view.counterpart.name if view.counterpart else tr.s(N_("none registered"))
    lines = [
        tr(
            N_("🏳 **{country}** — national counterpart: {counterpart}"),
            country=tr.country(view.country),
            counterpart=counterpart,
        ),
        tr(N_("**Partnerships:** {n}"), n=len(view.partnerships)),
        *(
            Text.plain(f"{light_of(ctx, p.id or 0)} #{p.id} {p.title}")
            for p in view.partnerships[:10]
        ),
        tr(
            N_("**Needs:** {n} open, {gaps} with nothing accepted"),
            n=len(view.needs),
            gaps=len(view.gaps),
        ),
        *(Text.plain(f"  #{n.id} {n.title}") for n in view.gaps[:10]),
        tr(N_("**Offers that cover it:** {n}"), n=len(view.offers)),
        *(Text.plain(f"  #{o.id} {o.title}") for o in view.offers[:10]),
    ]
    return [Reply(Text.join(lines))]


def part(name: str, *, partners_only: bool = True):  # type: ignore[no-untyped-def]
    """A button that opens a dialog about one partnership or cluster. A partnership's parts
    open for its partners and coordinators only: the dialog shows its objectives."""

    def handler(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
        if partners_only:
            record_id = partnership_of(ctx, args).partnership.id
        else:
            record_id = number(args, "not_found.partnership")
        return bot.start_dialog(ctx, conv, name, context={"id": record_id})

    return handler


COMMANDS = (
    Command("clusters", list_clusters, N_("clusters of partnerships on similar issues"), info=True),
    Command(
        "cluster",
        show_cluster,
        N_("one cluster: partnerships, steering group, indicators, gaps"),
        args="N",
        info=True,
        variants=(
            Command(
                "new",
                lambda bot, ctx, conv, args: bot.start_dialog(ctx, conv, "cluster_new"),
                roles=COORDINATORS,
            ),
        ),
    ),
    Command(
        "country",
        country,
        N_("a country: its partnerships, needs, offers and gaps"),
        args="XX",
        info=True,
    ),
    Command(
        "deadline",
        lambda bot, ctx, conv, args: bot.start_dialog(ctx, conv, "treaty_deadline"),
        N_("a State's treaty deadline (Article 5)"),
        roles=COORDINATORS,
    ),
    Command("cluster_ok", confirm_cluster, args="area.region", roles=COORDINATORS),
    Command("cluster_steer", part("steering", partners_only=False), args="N", roles=COORDINATORS),
    Command("cluster_chart", chart, args="N"),
    Command("cluster_call", call, args="N.need"),
    Command("call_help", can_help, args="N.offer"),
    Command("pship_national", part("national"), args="N"),
    Command("pship_deadline", part("objective_deadline"), args="N"),
    # The counterpart is no partner: the comment's save checks that it is the counterpart.
    Command("natl_comment", part("counterpart_comment", partners_only=False), args="N"),
)
