"""Between the answers of a need or offer dialog and a listing draft, both ways: the draft a
finished dialog saves, and the answers that open an existing listing at its summary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.dialogs.steps import Ctx
from core.listings import ListingDraft, ListingView, draft_of
from core.models import Organisation
from core.models.enums import Coverage, ListingKind, Visibility

NEED = ListingKind.need


def home_country(ctx: Ctx) -> str | None:
    if ctx.person is None or ctx.person.organisation_id is None:
        return None
    key = ("home_country", ctx.person.organisation_id)
    if key not in ctx.memo:  # asked by several steps and the summary
        organisation = ctx.session.get(Organisation, ctx.person.organisation_id)
        ctx.memo[key] = organisation.country if organisation else None
    return ctx.memo[key]


def draft_from_answers(ctx: Ctx, kind: ListingKind) -> ListingDraft:
    a = ctx.answers
    place = a.get("place")
    coverage = {
        "home": Coverage.country,
        "country": Coverage.country,
        "region": Coverage.region,
        "global": Coverage.world,
    }.get(place, Coverage.country)
    country = home_country(ctx) if place == "home" else a.get("country")
    money: dict[str, str] = a.get("amount") or {}
    return ListingDraft(
        kind=kind,
        title=a.get("title", ""),
        assistance_type=a.get("assistance_type", ""),
        areas=list(a.get("areas") or []),
        coverage=coverage,
        country=country if coverage is Coverage.country else None,
        region=a.get("region") if coverage is Coverage.region else None,
        description=a.get("description") or "",
        amount=Decimal(money["amount"]) if "amount" in money else None,
        currency=money.get("currency"),
        quantity=Decimal(money["quantity"]) if "quantity" in money else None,
        unit=money.get("unit"),
        available_from=_date(a.get("available_from")) or (ctx.today() if kind is NEED else None),
        available_until=_date(a.get("available_until")),
        priority=a.get("priority"),
        modality=a.get("modality"),
        visibility=a.get("visibility") or Visibility.public,
    )


def answers_from_view(view: ListingView, home: str | None) -> dict[str, Any]:
    """The inverse of draft_from_answers, to open an existing listing at its summary."""
    d = draft_of(view)
    if d.coverage == Coverage.country:
        place = "home" if d.country == home else "country"
    else:
        place = "region" if d.coverage == Coverage.region else "global"
    money: dict[str, str] | None = None
    if d.amount is not None:
        money = {"amount": str(d.amount), "currency": d.currency or ""}
    elif d.quantity is not None:
        money = {"quantity": str(d.quantity), "unit": d.unit or ""}
    answers: dict[str, Any] = {
        "assistance_type": d.assistance_type,
        "areas": d.areas,
        "title": d.title,
        "place": place,
        "amount": money,
        "available_until": d.available_until.isoformat() if d.available_until else None,
        "description": d.description or None,
        "modality": d.modality,
    }
    if place == "country":
        answers["country"] = d.country
    if place == "region":
        answers["region"] = d.region
    if d.kind == NEED:
        answers.update(priority=d.priority, visibility=d.visibility)
    else:
        answers["available_from"] = d.available_from.isoformat() if d.available_from else None
    return answers


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
