"""The dialogs of a cluster's and a partnership's follow-up: a steering group's members, the
national plan and contribution, an objective linked to its State's treaty deadline, a
national counterpart's comment, and a coordinator's treaty deadline for a country."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from bot.cluster_views import cluster_view
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_
from bot.messages import Reply
from core.clusters import create_cluster, eligible, get_cluster, set_steering
from core.models import Objective, Partnership
from core.models.enums import PartnershipStatus
from core.national import comment, set_national
from core.partnership_places import places_of
from core.projection import deadlines_for, link_objective, set_deadline


def _people(ctx: Ctx) -> list[Choice]:
    return [
        Choice(str(s.id), f"{s.name} ({o.name})"[:60])
        for s, o in eligible(ctx.session, int(ctx.context["id"]))
    ][:30]


def _save_steering(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    cluster_id = int(ctx.context["id"])
    set_steering(ctx.session, ctx.actor, cluster_id, [int(i) for i in ctx.answer("members")])
    return [cluster_view(ctx, get_cluster(ctx.session, cluster_id))]


def _save_national(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    set_national(
        ctx.session,
        ctx.actor,
        int(ctx.context["id"]),
        plan=ctx.answer("plan") or "",
        contribution=ctx.answer("contribution") or "",
    )
    return [Reply(ctx.tr(N_("Saved: the national plan and contribution.")))]


def _objectives(ctx: Ctx) -> list[Choice]:
    rows = ctx.session.exec(
        select(Objective).where(Objective.partnership_id == int(ctx.context["id"]))
    )
    return [Choice(str(o.id), o.title[:60]) for o in rows]


def _deadlines(ctx: Ctx) -> list[Choice]:
    place = places_of(ctx.session, ctx.vocab, [int(ctx.context["id"])])[int(ctx.context["id"])]
    return [
        Choice(
            str(d.id),
            ctx.tr.s(
                N_("Article {article}: {date}"), article=d.article, date=ctx.tr.date(d.deadline)
            ),
        )
        for d in deadlines_for(ctx.session, place.country)
    ] + [Choice("none", ctx.tr.s(N_("No treaty deadline")))]


def _save_link(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    chosen = ctx.answer("deadline")
    link_objective(
        ctx.session,
        ctx.actor,
        int(ctx.answer("objective")),
        None if chosen == "none" else int(chosen),
    )
    return [
        Reply(
            ctx.tr(N_("Saved. The projection shows in the partnership once reports are approved."))
        )
    ]


def _save_comment(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    told = comment(ctx.session, ctx.actor, int(ctx.context["id"]), ctx.answer("text"))
    return [
        Reply(ctx.tr(N_("Thank you: your comment went to {n} people of the partnership."), n=told))
    ]


def _save_deadline(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    found = set_deadline(
        ctx.session,
        ctx.actor,
        ctx.vocab,
        ctx.answer("country"),
        date.fromisoformat(ctx.answer("date")),
    )
    return [
        Reply(
            ctx.tr(
                N_("Saved: the Article 5 deadline of {country} is {date}."),
                country=ctx.tr.country(found.country),
                date=ctx.tr.date(found.deadline),
            )
        )
    ]


def _active(ctx: Ctx) -> list[Choice]:
    rows = ctx.session.exec(
        select(Partnership)
        .where(Partnership.status == PartnershipStatus.active)
        .order_by(col(Partnership.id).desc())
        .limit(30)
    )
    return [Choice(str(p.id), f"#{p.id} {p.title}"[:60]) for p in rows]


def _save_cluster(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    cluster = create_cluster(
        ctx.session,
        ctx.actor,
        ctx.vocab,
        title=ctx.answer("title"),
        partnership_ids=[int(i) for i in ctx.answer("partnerships")],
    )
    return [cluster_view(ctx, cluster)]


def cluster_dialogs() -> list[Dialog]:
    return [
        Dialog(
            "cluster_new",
            N_("New cluster"),
            (
                Step(
                    "title",
                    N_("The cluster's name, like “Victim assistance in the Sahel”."),
                    Kind.text,
                    label=N_("Name"),
                    min_len=3,
                    max_len=200,
                ),
                Step(
                    "partnerships",
                    N_("Which active partnerships does it group? Tick them, then **Done**."),
                    Kind.multi,
                    label=N_("Partnerships"),
                    columns=1,
                    choices=_active,
                ),
            ),
            _save_cluster,
        ),
        Dialog(
            "steering",
            N_("Steering group"),
            (
                Step(
                    "members",
                    N_(
                        "Who sits on the steering group? Two to five, from the cluster's "
                        "partnerships, with an affected State and a provider. Tick them, "
                        "then **Done**."
                    ),
                    Kind.multi,
                    label=N_("Members"),
                    columns=1,
                    choices=_people,
                ),
            ),
            _save_steering,
        ),
        Dialog(
            "national",
            N_("National ownership"),
            (
                Step(
                    "plan",
                    N_(
                        "Which national plan or strategy does the partnership serve? "
                        "(or tap **Skip**)"
                    ),
                    Kind.text,
                    label=N_("National plan"),
                    optional=True,
                    max_len=300,
                ),
                Step(
                    "contribution",
                    N_("What does the State itself contribute? (or tap **Skip**)"),
                    Kind.text,
                    label=N_("National contribution"),
                    optional=True,
                    max_len=500,
                ),
            ),
            _save_national,
        ),
        Dialog(
            "objective_deadline",
            N_("Treaty deadline"),
            (
                Step(
                    "objective",
                    N_("Which objective?"),
                    Kind.choice,
                    label=N_("Objective"),
                    columns=1,
                    choices=_objectives,
                ),
                Step(
                    "deadline",
                    N_(
                        "Linked to which treaty deadline of the country? Its first indicator "
                        "then measures the work remaining or done."
                    ),
                    Kind.choice,
                    label=N_("Deadline"),
                    columns=1,
                    choices=_deadlines,
                ),
            ),
            _save_link,
        ),
        Dialog(
            "counterpart_comment",
            N_("Comment"),
            (
                Step(
                    "text",
                    N_("Your comment, for the partners and the coordinator."),
                    Kind.text,
                    label=N_("Comment"),
                    min_len=3,
                    max_len=2000,
                ),
            ),
            _save_comment,
        ),
        Dialog(
            "treaty_deadline",
            N_("Treaty deadline"),
            (
                Step("country", N_("Which country?"), Kind.country, label=N_("Country")),
                Step(
                    "date",
                    N_("Its Article 5 clearance deadline? A date like 2028-12-31."),
                    Kind.date,
                    label=N_("Deadline"),
                ),
            ),
            _save_deadline,
        ),
    ]
