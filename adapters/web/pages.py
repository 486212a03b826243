"""The directory's pages: the home page, offers and needs with their filters, one listing,
one organisation, the gaps. Each endpoint reads through core.directory in one read-only unit
of work and renders a template; nothing here writes. They are plain functions, which
Starlette runs in its thread pool, as the database calls block."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.web import chart
from adapters.web.cache import Kept
from adapters.web.http import SECURITY_HEADERS, cached, uncached
from adapters.web.i18n import COOKIE, choose_language, environment, language_names
from adapters.web.views import Labels, page_links
from core import directory
from core.directory import Filters, page_number
from core.insight import Gaps
from core.models.enums import ListingKind
from core.vocabularies import Vocabularies

log = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]
OnView = Callable[[str, dict[str, str]], None]
PER_PAGE = 20
NEWEST = 5
COOKIE_SECONDS = 365 * 24 * 3600
FILTER_FIELDS = ("assistance_type", "area", "country", "region", "modality")
SECTIONS = {ListingKind.offer: "offers", ListingKind.need: "needs"}


def no_count(kind: str, filters: dict[str, str]) -> None:
    """The default page-view hook: counts nothing."""


@dataclass
class Site:
    session_factory: SessionFactory
    vocab: Vocabularies
    bot_username: str | None = None
    slack_url: str | None = None
    languages: Sequence[str] = ("en", "fr", "es")
    on_view: OnView = no_count
    figures_seconds: float = 60.0
    static_version: str = ""
    counts: Kept[directory.PublicCounts] = field(init=False)
    gaps: Kept[Gaps] = field(init=False)
    _labels: dict[str, Labels] = field(init=False, default_factory=dict)
    # The filters' choices by language: some 300 labels, sorted by name, the same every time.
    _options: dict[str, list[tuple[str, list[tuple[str, str]]]]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self.bot_username = (self.bot_username or "").lstrip("@") or None
        self.counts = Kept(lambda: self._read(directory.public_counts), self.figures_seconds)
        self.totals = directory.Totals(self.figures_seconds) if self.figures_seconds else None
        self.gaps = Kept(
            lambda: self._read(lambda s: directory.public_gaps(s, self.vocab)),
            self.figures_seconds,
        )

    def _read(self, query: Callable[[Session], Any]) -> Any:
        with self.session_factory() as session:
            return query(session)

    # -- rendering ---------------------------------------------------------------------------

    def labels(self, request: Request) -> tuple[Labels, bool]:
        language, asked = choose_language(
            request.query_params,
            request.cookies,
            request.headers.get("accept-language", ""),
            self.languages,
        )
        if language not in self._labels:  # they hold no state of a request
            self._labels[language] = Labels(language, self.vocab)
        return self._labels[language], asked

    def render(
        self,
        request: Request,
        template: str,
        *,
        view: tuple[str, dict[str, str]] | None = None,
        status_code: int = 200,
        **context: Any,
    ) -> Response:
        t, asked = self.labels(request)
        html = (
            environment(t.language)
            .get_template(template)
            .render(
                t=t,
                lang=t.language,
                switch=self._switch(request, t.language),
                bot_link=f"https://t.me/{self.bot_username}" if self.bot_username else None,
                static_version=self.static_version,
                section=context.pop("section", None),
                **context,
            )
        )
        body = html.encode()
        if status_code == 200:
            response = cached(request, body, "text/html; charset=utf-8")
        else:
            response = uncached(body, "text/html; charset=utf-8", status_code=status_code)
        if asked and request.cookies.get(COOKIE) != t.language:
            response.set_cookie(
                COOKIE,
                t.language,
                max_age=COOKIE_SECONDS,
                path="/",
                samesite="lax",
                httponly=True,
                secure=request.url.scheme == "https",
            )
            response.headers["Cache-Control"] = "private, no-cache"
        if view is not None and status_code == 200:
            self._viewed(*view)
        return response

    def _switch(self, request: Request, current: str) -> list[dict[str, Any]]:
        """A link per language to this same page, filters kept."""
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        # A path of the not-found page is whatever was asked for: "//evil.example/" would
        # be a link to another site, so leading slashes count as one.
        path = "/" + request.url.path.lstrip("/")
        return [
            {
                "code": code,
                "name": name,
                "href": f"{path}?{urlencode([*query, ('lang', code)])}",
                "current": code == current,
            }
            for code, name in language_names(self.languages).items()
        ]

    def _viewed(self, kind: str, filters: dict[str, str]) -> None:
        try:
            self.on_view(kind, filters)
        except Exception:  # counting visits must never cost a visitor their page
            log.exception("the page-view hook failed on a %s page", kind)

    def not_found(self, request: Request) -> Response:
        """The same answer for what does not exist and for what is not public."""
        return self.render(request, "not_found.html", status_code=404)

    # -- pages -------------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        gaps = self.gaps.get()
        with self.session_factory() as session:
            offers = directory.newest(session, ListingKind.offer, NEWEST)
            needs = directory.newest(session, ListingKind.need, NEWEST)
        return self.render(
            request,
            "home.html",
            view=("home", {}),
            section="home",
            counts=self.counts.get(),
            offers=offers,
            needs=needs,
            gaps=gaps,
            chart_height=chart.height(gaps),
        )

    def offers(self, request: Request) -> Response:
        return self._listings(request, ListingKind.offer)

    def needs(self, request: Request) -> Response:
        return self._listings(request, ListingKind.need)

    def _listings(self, request: Request, kind: ListingKind) -> Response:
        path = request.url.path
        filters = Filters.from_query(request.query_params, self.vocab).replace(kind=kind)
        query = filters.to_query(omit=("kind",))
        page = page_number(request.query_params.get("page"))
        canonical = _canonical(request, query, page, self.languages)
        if canonical is not None:
            return _redirect(f"{path}?{urlencode(canonical)}" if canonical else path)
        with self.session_factory() as session:
            found = directory.public_listings(
                session, self.vocab, filters, page=page, per_page=PER_PAGE, totals=self.totals
            )
        if found.total and page > found.pages:
            return _redirect(page_links(path, query, found.pages + 1, found.pages)["previous"])
        t, _ = self.labels(request)
        return self.render(
            request,
            "listings.html",
            view=(SECTIONS[kind], query),
            section=SECTIONS[kind],
            kind=kind,
            found=found,
            filters=filters,
            fields=self._fields(t),
            links=page_links(path, query, found.page, found.pages),
        )

    def _fields(self, t: Labels) -> list[tuple[str, list[tuple[str, str]]]]:
        if t.language not in self._options:
            self._options[t.language] = [(name, t.options(name)) for name in FILTER_FIELDS]
        return self._options[t.language]

    def listing(self, request: Request) -> Response:
        listing_id = _id(request)
        with self.session_factory() as session:
            found = directory.public_listing(session, listing_id) if listing_id else None
            points = (
                directory.public_contact_points(session, found.organisation_id) if found else []
            )
        if found is None:
            return self.not_found(request)
        return self.render(
            request,
            "listing.html",
            view=("listing", {"kind": str(found.kind)}),
            section=SECTIONS[found.kind],
            listing=found,
            points=points,
            telegram=(
                f"https://t.me/{self.bot_username}?start=listing_{found.id}"
                if self.bot_username
                else None
            ),
            slack=self.slack_url.replace("{id}", str(found.id)) if self.slack_url else None,
        )

    def organisation(self, request: Request) -> Response:
        organisation_id = _id(request)
        with self.session_factory() as session:
            found = (
                directory.public_organisation(session, organisation_id) if organisation_id else None
            )
        if found is None:
            return self.not_found(request)
        return self.render(
            request, "organisation.html", view=("organisation", {}), organisation=found
        )

    def gaps_page(self, request: Request) -> Response:
        gaps = self.gaps.get()
        return self.render(
            request,
            "gaps.html",
            view=("gaps", {}),
            section="gaps",
            gaps=gaps,
            chart_height=chart.height(gaps),
        )

    def gaps_svg(self, request: Request) -> Response:
        t, _ = self.labels(request)
        gaps = self.gaps.get()
        drawn = chart.gaps_chart(
            gaps,
            {g.area: t.area(g.area) for g in gaps.areas},
            t.number,
        )
        svg = environment(t.language).get_template("gaps.svg").render(t=t, chart=drawn)
        return cached(request, svg.encode(), "image/svg+xml")


def _id(request: Request) -> int | None:
    """The id in the path, if it is written as ids are: "²" is a digit to str.isdigit() but
    not to int(), and "１" (full width) would give listing 1 a second address."""
    raw = str(request.path_params.get("id", ""))
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None


def _canonical(
    request: Request, query: dict[str, str], page: int, languages: Sequence[str]
) -> list[tuple[str, str]] | None:
    """The query string this page should have, when it has another one: empty fields of
    the form, unknown values and parameters, a first page named, are dropped, so that one
    filter has one URL (to share, to cache, to count)."""
    wanted = list(query.items())
    if page > 1:
        wanted.append(("page", str(page)))
    lang = (request.query_params.get("lang") or "").lower()  # as choose_language reads it
    if lang in languages:
        wanted.append(("lang", lang))
    given = request.query_params.multi_items()
    return None if sorted(given) == sorted(wanted) else wanted


def _redirect(url: str | None) -> Response:
    response = RedirectResponse(url or "/", status_code=302)
    response.headers.update({**SECURITY_HEADERS, "Cache-Control": "no-store"})
    return response


__all__ = ["OnView", "SessionFactory", "Site", "no_count"]
