"""Finding needs or offers: four taps, then pages of results."""

from __future__ import annotations

from bot.actions import command_token
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.text import Text
from bot.views import listing_card
from core.alerts import save_search
from core.listing_search import search_listings
from core.listings import ListingFilter
from core.models.enums import ListingKind
from core.people import Actor

PAGE_SIZE = 5
ANY = "any"


def _kinds(ctx: Ctx) -> list[Choice]:
    return [
        Choice(ListingKind.offer, ctx.tr.s(N_("Offers"))),
        Choice(ListingKind.need, ctx.tr.s(N_("Needs"))),
    ]


def _types(ctx: Ctx) -> list[Choice]:
    return [
        Choice(ANY, ctx.tr.s(N_("Any type"))),
        *(Choice(t.code, ctx.tr.term(t)) for t in ctx.vocab.assistance_types),
    ]


def _areas(ctx: Ctx) -> list[Choice]:
    return [
        Choice(ANY, ctx.tr.s(N_("Any area"))),
        *(Choice(t.code, ctx.tr.term(t)) for t in ctx.vocab.thematic_areas),
    ]


def search_steps() -> tuple[Step, ...]:
    return (
        Step("kind", N_("What are you looking for?"), Kind.choice, choices=_kinds),
        Step("assistance_type", N_("Which kind of assistance?"), Kind.choice, choices=_types),
        Step("area", N_("Which thematic area?"), Kind.choice, choices=_areas, columns=1),
        Step(
            "country",
            N_("In which country? Type its name, or tap **Skip** to search everywhere."),
            Kind.country,
            optional=True,
        ),
    )


def _filters(ctx: Ctx) -> ListingFilter:
    a = ctx.answers
    return ListingFilter(
        kind=ListingKind(a["kind"]),
        assistance_type=None if a.get("assistance_type") in (None, ANY) else a["assistance_type"],
        area=None if a.get("area") in (None, ANY) else a["area"],
        country=a.get("country"),
    )


def results(ctx: Ctx, page: int) -> list[Reply]:
    viewer = ctx.actor or Actor(id=0, organisation_id=None, roles=frozenset())
    found = search_listings(
        ctx.session, ctx.vocab, viewer, _filters(ctx), page=page, page_size=PAGE_SIZE
    )
    ctx.context["page"] = found.page
    if not found.total:
        return [
            Reply(
                ctx.tr(N_("Nothing found. Try fewer filters: /search")),
                (
                    (
                        _alert_button(ctx),
                        Button(ctx.tr.s(N_("New search")), command_token("search")),
                    ),
                ),
            )
        ]
    head = ctx.tr(
        N_("**{total} found** — page {page} of {pages}"),
        total=found.total,
        page=found.page,
        pages=found.pages,
    )
    cards = [listing_card(ctx.tr, ctx.vocab, view) for view in found.items]
    nav = []
    if found.page > 1:
        nav.append(Button(ctx.tr.s(N_("‹ Previous")), ctx.token("page", str(found.page - 1))))
    if found.page < found.pages:
        nav.append(Button(ctx.tr.s(N_("Next ›")), ctx.token("page", str(found.page + 1))))
    nav.append(Button(ctx.tr.s(N_("New search")), command_token("search")))
    return [Reply(Text.join([head, *cards], "\n\n"), (tuple(nav), (_alert_button(ctx),)))]


def _alert_button(ctx: Ctx) -> Button:
    return Button(ctx.tr.s(N_("🔔 Tell me about new ones")), ctx.token("alert", ""))


def _save_alert(ctx: Ctx) -> list[Reply]:
    """Saves the search of these answers as an alert, and asks when to tell."""
    from bot.commands.alerts import saved_reply  # the commands import the dialogs

    assert ctx.actor is not None
    f = _filters(ctx)
    assert f.kind is not None
    saved = save_search(
        ctx.session,
        ctx.actor,
        f.kind,
        assistance_type=f.assistance_type,
        area=f.area,
        country=f.country,
    )
    return [saved_reply(ctx.tr, ctx.vocab, saved)]


def _save(ctx: Ctx) -> list[Reply]:
    return results(ctx, 1)


def _on_result(ctx: Ctx, op: str, arg: str) -> list[Reply]:
    if op == "alert" and ctx.actor is not None:
        return _save_alert(ctx)
    if op == "page" and arg.isdecimal() and len(arg) <= 6:
        return results(ctx, int(arg))
    return results(ctx, int(ctx.context.get("page", 1)))


def search_dialogs() -> list[Dialog]:
    return [
        Dialog("search", N_("Search"), search_steps(), _save, confirm=False, on_result=_on_result)
    ]
