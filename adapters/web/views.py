"""How the directory's records read on a page, in the reader's language: vocabulary labels
(they travel with the vocabularies), countries, regions, dates and amounts (Babel's CLDR data,
through bot.i18n.Tr), and the web catalog's words for everything else."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from adapters.web.i18n import W_, translations
from bot.i18n import Tr
from core.directory import PublicListing
from core.vocabularies import WORLD, Vocabularies

KINDS = {"offer": W_("Offer"), "need": W_("Need")}
STATUSES = {"open": W_("Open"), "matched": W_("Matched")}
PRIORITIES = {"high": W_("High"), "medium": W_("Medium"), "low": W_("Low")}
SCOPES = {"national": W_("National contact point"), "regional": W_("Regional contact point")}
PARTNERSHIP_STATUSES = {"active": W_("Active"), "completed": W_("Completed")}
ORGANISATION_KINDS = {
    "government": W_("Government"),
    "intergovernmental": W_("Intergovernmental organisation"),
    "ngo": W_("NGO or civil society"),
    "private_sector": W_("Private sector"),
    "academic": W_("Academic"),
    "national_authority": W_("National authority"),
}


class Labels:
    """Everything a template needs to speak one language; templates call it as `t`."""

    def __init__(self, language: str, vocab: Vocabularies) -> None:
        self.language = language
        self.vocab = vocab
        self._tr = Tr(language)
        self._gettext = translations(language).gettext

    def __call__(self, msgid: str, **params: Any) -> str:
        text = self._gettext(msgid)
        return text.format(**params) if params else text

    def _word(self, table: dict[str, str], code: str | None) -> str:
        return self(table[code]) if code in table else (code or "")

    def kind(self, code: str) -> str:
        return self._word(KINDS, str(code))

    def status(self, code: str) -> str:
        return self._word(STATUSES, str(code))

    def priority(self, code: str | None) -> str:
        return self._word(PRIORITIES, code)

    def scope(self, code: str) -> str:
        return self._word(SCOPES, code)

    def partnership_status(self, code: str) -> str:
        return self._word(PARTNERSHIP_STATUSES, str(code))

    def organisation_kind(self, code: str) -> str:
        return self._word(ORGANISATION_KINDS, code)

    def assistance_type(self, code: str) -> str:
        return self._tr.term(self.vocab.assistance_types.get(code), code)

    def area(self, code: str) -> str:
        return self._tr.term(self.vocab.thematic_areas.get(code), code)

    def modality(self, code: str | None) -> str:
        return self._tr.term(self.vocab.modalities.get(code or ""), code or "")

    def country(self, code: str | None) -> str:
        return self._tr.country(code)

    def region(self, code: str | None) -> str:
        return self(W_("Worldwide")) if code == WORLD else self._tr.region(code)

    def place(self, listing: PublicListing) -> str:
        if listing.coverage == "country":
            return self.country(listing.country)
        if listing.coverage == "region":
            return self.region(listing.region)
        return self(W_("Worldwide"))

    def date(self, value: date | datetime | None) -> str:
        if isinstance(value, datetime):
            value = value.date()
        return self._tr.date(value)

    def money(self, amount: Decimal, currency: str) -> str:
        return self._tr.money(amount, currency)

    def number(self, value: Decimal | int) -> str:
        return self._tr.number(Decimal(value))

    def mailto(self, email: str) -> str:
        """A link that writes to this one address: "?", "&", "/" and "%" in it are
        percent-encoded (RFC 6068), or an address like "x?bcc=…&y=@example.org" would add
        recipients, a subject or a body to the visitor's mail."""
        return "mailto:" + quote(email, safe="@")

    def amount(self, listing: PublicListing) -> str | None:
        """What the listing still holds or lacks, and of how much when part is covered."""
        if listing.amount is not None and listing.currency:
            return self._of(
                listing.remaining_amount,
                listing.amount,
                lambda value: self.money(value, listing.currency or ""),
            )
        if listing.quantity is not None:
            unit = listing.unit or ""
            return self._of(
                listing.remaining_quantity,
                listing.quantity,
                lambda value: f"{self.number(value)} {unit}".strip(),
            )
        return None

    def _of(self, left: Decimal | None, total: Decimal, show: Any) -> str:
        if left is None or left == total:
            return str(show(total))
        return self(W_("{left} of {total}"), left=show(left), total=show(total))

    def window(self, listing: PublicListing) -> str | None:
        start, end = listing.available_from, listing.available_until
        if start and end:
            return self(W_("{start} to {end}"), start=self.date(start), end=self.date(end))
        if end:
            return self(W_("until {date}"), date=self.date(end))
        if start:
            return self(W_("from {date}"), date=self.date(start))
        return None

    def lacking(
        self, amount: Decimal | None, currency: str, quantities: Mapping[str, Decimal]
    ) -> str:
        """An amount of money and quantities in their units, as one cell: "$5,000 · 40
        kits"; a dash for nothing."""
        parts = [self.money(amount, currency)] if amount is not None else []
        parts += [
            f"{self.number(value)} {unit}".strip() for unit, value in sorted(quantities.items())
        ]
        return " · ".join(parts) or "—"

    def places(self, counts: Mapping[str, int], most: int = 3) -> str:
        """The places with the most needs, each with its count: "Cambodia (3), Angola (1)"."""
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:most]
        text = ", ".join(f"{self.place_code(code)} ({self.number(n)})" for code, n in top)
        return text + (", …" if len(counts) > most else "")

    def place_code(self, code: str) -> str:
        """A place as core.insight names it: a country, a region, or a dash for none."""
        if len(code) == 2 and code.isalpha():
            return self.country(code)
        if code.isdigit():
            return self.region(code)
        return code

    def options(self, name: str) -> list[tuple[str, str]]:
        """The choices of one filter, as (code, label), in the order people look for them:
        vocabularies as shipped, places by name."""
        vocab = self.vocab
        if name == "assistance_type":
            return [(t.code, self.assistance_type(t.code)) for t in vocab.assistance_types]
        if name == "area":
            return [(t.code, self.area(t.code)) for t in vocab.thematic_areas]
        if name == "modality":
            return [(t.code, self.modality(t.code)) for t in vocab.modalities]
        if name == "country":
            return sorted(((c, self.country(c)) for c in vocab.countries), key=_by_name)
        if name == "region":
            return sorted(((r, self.region(r)) for r in vocab.regions), key=_by_name)
        raise KeyError(name)


def _by_name(option: tuple[str, str]) -> str:
    from bot.i18n import fold

    return fold(option[1])


def page_links(path: str, query: dict[str, str], page: int, pages: int) -> dict[str, str | None]:
    """The previous and next pages' URLs, keeping every filter."""
    from urllib.parse import urlencode

    def link(number: int) -> str:
        params = {**query, **({"page": str(number)} if number > 1 else {})}
        return f"{path}?{urlencode(params)}" if params else path

    return {
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
    }
