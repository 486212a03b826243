"""Time away in chat: `/away` asks until when (or takes the date, or "off", typed after it);
a coordinator's `/holidays` sets an organisation's holidays."""

from __future__ import annotations

from datetime import date

from bot.dialogs.steps import Ctx, Dialog, Kind, Step
from bot.i18n import N_
from bot.messages import Reply
from core.away import set_away, set_holidays
from core.errors import InvalidInput
from core.people import find_organisation_by_name


def away_reply(ctx: Ctx, until: date) -> Reply:
    return Reply(
        ctx.tr(
            N_(
                "🌴 Noted: you are away until {date}. Meanwhile I send no reminders, no "
                "questions about your listings or matches, and coordinators see that you are "
                "away. On your return you get one summary of what waited. Back early? "
                "Type /away off."
            ),
            date=ctx.tr.date(until),
        )
    )


def _not_past(ctx: Ctx, value: str) -> str:
    if date.fromisoformat(value) < ctx.today():
        raise InvalidInput("invalid.window_past", field="until")
    return value


def _save_away(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    until = date.fromisoformat(ctx.answer("until"))
    set_away(ctx.session, ctx.actor, until, today=ctx.today())
    return [away_reply(ctx, until)]


def _organisation(ctx: Ctx, value: str) -> str:
    organisation = find_organisation_by_name(ctx.session, value)
    if organisation is None:
        raise InvalidInput("invalid.organisation_unknown", field="organisation", name=value)
    return organisation.name


def _save_holidays(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    organisation = find_organisation_by_name(ctx.session, ctx.answer("organisation"))
    assert organisation is not None and organisation.id is not None
    start, end = date.fromisoformat(ctx.answer("start")), date.fromisoformat(ctx.answer("end"))
    set_holidays(ctx.session, ctx.actor, organisation.id, start, end, today=ctx.today())
    text = ctx.tr(
        N_("🌴 {organisation} is on holiday from {start} to {end}: its people are away."),
        organisation=organisation.name,
        start=ctx.tr.date(start),
        end=ctx.tr.date(end),
    )
    return [Reply(text)]


def away_dialogs() -> list[Dialog]:
    until = Step(
        "until",
        N_("Until when are you away? The last day, like 2027-01-15."),
        Kind.date,
        label=N_("Away until"),
        check=_not_past,
    )
    holidays = (
        Step(
            "organisation",
            N_("Which organisation? Its name, as registered."),
            Kind.text,
            label=N_("Organisation"),
            max_len=200,
            check=_organisation,
        ),
        Step("start", N_("The first day of the holidays?"), Kind.date, label=N_("From")),
        Step("end", N_("The last day of the holidays?"), Kind.date, label=N_("Until")),
    )
    return [
        Dialog("away", N_("Time away"), (until,), _save_away, confirm=False),
        Dialog("holidays", N_("Holidays"), holidays, _save_holidays),
    ]
