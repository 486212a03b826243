"""Registering and editing a need or an offer: one declaration for both kinds and for every
platform. At most eight questions, most of them taps."""

from __future__ import annotations

from datetime import date

from bot.dialogs.listing_drafts import answers_from_view, draft_from_answers, home_country
from bot.dialogs.listing_save import listing_save, matching_settings
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_
from core.errors import InvalidInput
from core.listings import validate_draft
from core.matchmaking import find_duplicates
from core.models import Listing
from core.models.enums import ListingKind, Priority, Visibility

# The answers and drafts (bot.dialogs.listing_drafts) and the save (bot.dialogs.listing_save)
# are importable from here too.
__all__ = [
    "NEED",
    "OFFER",
    "answers_from_view",
    "draft_from_answers",
    "home_country",
    "listing_dialogs",
    "listing_steps",
    "matching_settings",
]

NEED, OFFER = ListingKind.need, ListingKind.offer


def _types(ctx: Ctx) -> list[Choice]:
    return [Choice(t.code, ctx.tr.term(t)) for t in ctx.vocab.assistance_types]


def _areas(ctx: Ctx) -> list[Choice]:
    return [Choice(t.code, ctx.tr.term(t)) for t in ctx.vocab.thematic_areas]


def _modalities(ctx: Ctx) -> list[Choice]:
    return [Choice(t.code, ctx.tr.term(t)) for t in ctx.vocab.modalities]


def _regions(ctx: Ctx) -> list[Choice]:
    choices = [Choice(code, ctx.tr.region(code)) for code in ctx.vocab.regions]
    return sorted(choices, key=lambda c: c.label)


def _places(kind: ListingKind):
    def choices(ctx: Ctx) -> list[Choice]:
        home = home_country(ctx)
        found = [Choice("home", ctx.tr.s(N_("In {country}"), country=ctx.tr.country(home)))]
        found = found if home else []
        found += [
            Choice("country", ctx.tr.s(N_("In another country") if home else N_("In one country"))),
            Choice("region", ctx.tr.s(N_("Across a region"))),
        ]
        if kind is OFFER:
            found.append(Choice("global", ctx.tr.s(N_("Worldwide"))))
        return found

    return choices


def _priorities(ctx: Ctx) -> list[Choice]:
    return [
        Choice(Priority.high, ctx.tr.s(N_("High"))),
        Choice(Priority.medium, ctx.tr.s(N_("Medium"))),
        Choice(Priority.low, ctx.tr.s(N_("Low"))),
    ]


def _visibilities(ctx: Ctx) -> list[Choice]:
    return [
        Choice(Visibility.public, ctx.tr.s(N_("Public: everyone, also on the web directory"))),
        Choice(
            Visibility.restricted, ctx.tr.s(N_("Restricted: coordinators and matching donors only"))
        ),
    ]


def _not_past(ctx: Ctx, value: str) -> str:
    if date.fromisoformat(value) < ctx.today():
        raise InvalidInput("invalid.window_past", field="available_until")
    return value


def _after_start(ctx: Ctx, value: str) -> str:
    _not_past(ctx, value)
    start = ctx.answer("available_from")
    if start and date.fromisoformat(value) < date.fromisoformat(start):
        raise InvalidInput("invalid.window_order", field="available_until")
    return value


def _place_is(value: str):
    return lambda ctx: ctx.answer("place") == value


def listing_steps(kind: ListingKind) -> tuple[Step, ...]:
    need = kind is NEED
    steps = [
        Step(
            "assistance_type",
            N_("What kind of assistance is needed?")
            if need
            else N_("What kind of assistance can you offer?"),
            Kind.choice,
            label=N_("Type"),
            choices=_types,
        ),
        Step(
            "areas",
            N_("Which thematic area? Tap it, or **Several of them…** to tick more than one."),
            Kind.multi,
            label=N_("Areas"),
            choices=_areas,
            columns=1,
            quick=True,
        ),
        Step(
            "title",
            N_("A short title, please, like “Prosthetic kits for Battambang”.")
            if need
            else N_("A short title, please, like “Detectors for survey teams”."),
            Kind.text,
            label=N_("Title"),
            min_len=3,
            max_len=120,
        ),
        Step(
            "place",
            N_("Where is it needed?") if need else N_("Where can you provide it?"),
            Kind.choice,
            label=N_("Where"),
            choices=_places(kind),
            columns=1,
            fields=("coverage",),
            resets=("country", "region"),
        ),
        Step(
            "country",
            N_("Which country? Type its name."),
            Kind.country,
            label=N_("Country"),
            when=_place_is("country"),
        ),
        Step(
            "region",
            N_("Which region? Tap it or type its name."),
            Kind.choice,
            label=N_("Region"),
            choices=_regions,
            when=_place_is("region"),
        ),
        Step(
            "amount",
            N_(
                "How much is needed? Type an amount with its currency (50000 USD) or a "
                "quantity with its unit (40 kits), or tap **Skip**."
            )
            if need
            else N_(
                "How much can you offer? Type an amount with its currency (50000 USD) "
                "or a quantity with its unit (40 kits), or tap **Skip**."
            ),
            Kind.money_or_quantity,
            label=N_("Amount"),
            optional=True,
            fields=("currency", "quantity", "unit"),
            form_hint=N_(
                "How much is needed? An amount with its currency (50000 USD) or a quantity "
                "with its unit (40 kits)."
            )
            if need
            else N_(
                "How much can you offer? An amount with its currency (50000 USD) or a "
                "quantity with its unit (40 kits)."
            ),
        ),
    ]
    if not need:
        steps.append(
            Step(
                "available_from",
                N_(
                    "From when is it available? Type a date like 2027-03-01, or tap "
                    "**Skip** if it is available now."
                ),
                Kind.date,
                label=N_("Available from"),
                optional=True,
            )
        )
    steps.append(
        Step(
            "available_until",
            N_("By when is it needed? Type a date like 2027-06-30, or tap **Skip**.")
            if need
            else N_("Until when is it available? Type a date like 2027-12-31, or tap **Skip**."),
            Kind.date,
            label=N_("Needed by") if need else N_("Available until"),
            optional=True,
            check=_after_start,
        )
    )
    if need:
        steps.append(
            Step(
                "priority",
                N_("How high a priority is this for your country?"),
                Kind.choice,
                label=N_("Priority"),
                choices=_priorities,
                columns=3,
            )
        )
    steps.append(
        Step(
            "description",
            N_("Anything else partners should know? A few lines, or tap **Skip**."),
            Kind.text,
            label=N_("Details"),
            optional=True,
            max_len=4000,
            # A need is told in eight answers, Save included: its details are added from
            # the summary ("Change a field"), where they are offered.
            in_flow=not need,
            in_form=True,
        )
    )
    steps.append(
        Step(
            "duplicate",
            N_(
                "This looks like a listing your organisation already has open. Update that one "
                "instead, or save a new one?"
            ),
            Kind.choice,
            choices=_duplicate_choices(kind),
            when=lambda ctx: bool(_duplicates(ctx, kind)),
            columns=1,
            in_form=False,
        )
    )
    if need:
        steps.append(
            Step(
                "visibility",
                N_("Who may see this need?"),
                Kind.choice,
                label=N_("Visible to"),
                choices=_visibilities,
                columns=1,
                in_flow=False,
            )
        )
    steps.append(
        Step(
            "modality",
            N_("Which way of cooperating suits you best?"),
            Kind.choice,
            label=N_("Modality"),
            choices=_modalities,
            optional=True,
            in_flow=False,
        )
    )
    return tuple(steps)


def _duplicates(ctx: Ctx, kind: ListingKind) -> list[Listing]:
    """Open listings of the same organisation that this new one seems to repeat."""
    if ctx.context.get("listing_id") or ctx.actor is None:
        return []
    try:
        draft = validate_draft(draft_from_answers(ctx, kind), ctx.vocab)
    except InvalidInput:
        return []  # not complete yet: asked again once it is
    key = ("duplicates", repr(draft))
    if key not in ctx.memo:
        ctx.memo[key] = find_duplicates(ctx.session, ctx.vocab, ctx.actor, draft)
    return list(ctx.memo[key])


def _duplicate_choices(kind: ListingKind):
    def choices(ctx: Ctx) -> list[Choice]:
        found = [
            Choice(
                str(listing.id),
                ctx.tr.s(N_("Update #{id} “{title}” instead"), id=listing.id, title=listing.title),
            )
            for listing in _duplicates(ctx, kind)
        ]
        return [*found, Choice("new", ctx.tr.s(N_("Save it as a new listing")))]

    return choices


def listing_dialogs() -> list[Dialog]:
    return [
        Dialog("need", N_("New need"), listing_steps(NEED), listing_save(NEED)),
        Dialog("offer", N_("New offer"), listing_steps(OFFER), listing_save(OFFER)),
        Dialog("edit_need", N_("Your need"), listing_steps(NEED), listing_save(NEED)),
        Dialog("edit_offer", N_("Your offer"), listing_steps(OFFER), listing_save(OFFER)),
    ]
