"""Atom 1.0 feeds of the directory: `/feed.atom` with any of the directory's filters
(`?kind=need&area=…&country=…`) is a saved search for people outside the chat, the newest
50 public listings that fit it. Built with ElementTree, which escapes every text and
attribute; the labels are in the reader's language (?lang=, else the remembered one, else
Accept-Language), as the pages have them."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.web.http import VARY, cached, uncached
from adapters.web.i18n import LANGUAGES, choose_language
from adapters.web.limits import RateLimiter, limiter
from adapters.web.pages import OnView, SessionFactory, no_count
from adapters.web.views import Labels
from core import directory
from core.directory import Filters, PublicListing
from core.errors import InvalidInput
from core.models.enums import ListingKind
from core.vocabularies import Vocabularies

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENTRIES = 50
# A feed with no entry has no moment of its own; a fixed one keeps its ETag stable.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
SECTIONS = {ListingKind.offer: "/offers", ListingKind.need: "/needs"}
# Public data, readable by web-based feed readers too.
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag"}
# Characters XML 1.0 cannot hold at all, not even escaped: ElementTree would write them and
# the feed would not parse.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def stamp(value: datetime) -> str:
    """An RFC 3339 moment in UTC, to the second."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = NOT_XML.sub("", text)
    return element


def updated(listing: PublicListing) -> datetime:
    """When the listing last changed or was confirmed still current, whichever is later."""
    return max(listing.last_confirmed, listing.updated_at)


def feed_title(filters: Filters, t: Labels) -> str:
    """The filters in words: "Needs · Victim assistance · Cambodia — Platform for
    Partnerships"."""
    words = []
    if filters.kind:
        words.append(t("Offers") if filters.kind == ListingKind.offer else t("Needs"))
    if filters.assistance_type:
        words.append(t.assistance_type(filters.assistance_type))
    if filters.area:
        words.append(t.area(filters.area))
    if filters.country:
        words.append(t.country(filters.country))
    if filters.region:
        words.append(t.region(filters.region))
    if filters.modality:
        words.append(t.modality(filters.modality))
    platform = t("Platform for Partnerships")
    return f"{' · '.join(words)} — {platform}" if words else platform


def summary(listing: PublicListing, t: Labels) -> str:
    """What the listing is, in one line of labels, then its description."""
    facts = [
        t.kind(listing.kind),
        t.assistance_type(listing.assistance_type),
        t.place(listing),
        t.amount(listing),
        t.window(listing),
    ]
    line = " · ".join(fact for fact in facts if fact)
    return f"{line}\n\n{listing.description}" if listing.description else line


def atom_feed(
    listings: Sequence[PublicListing],
    filters: Filters,
    t: Labels,
    *,
    base_url: str,
    feed_url: str,
) -> bytes:
    """The feed as bytes of UTF-8 XML. Every URL in it is absolute, from `base_url`."""
    # The default namespace as a plain attribute: ElementTree then writes no prefixes, and
    # no global registration (ET.register_namespace) is needed.
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: t.language})
    _text(feed, "id", feed_url)
    _text(feed, "title", feed_title(filters, t))
    newest = max((updated(listing) for listing in listings), default=NEVER)
    _text(feed, "updated", stamp(newest))
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    # The directory's page of the same filters; it lists one kind at a time.
    alternate = f"{base_url}/"
    if filters.kind:
        query = filters.to_query(omit=("kind",))
        alternate = f"{base_url}{SECTIONS[filters.kind]}" + (
            f"?{urlencode(query)}" if query else ""
        )
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=alternate)
    platform = ET.SubElement(feed, "author")
    _text(platform, "name", t("Platform for Partnerships"))
    _text(platform, "uri", f"{base_url}/")
    for listing in listings:
        url = f"{base_url}/listings/{listing.id}"
        entry = ET.SubElement(feed, "entry")
        # The listing's page is its lasting name: ids are never reused.
        _text(entry, "id", url)
        _text(entry, "title", listing.title)
        _text(entry, "updated", stamp(updated(listing)))
        _text(entry, "published", stamp(listing.created_at))
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=url)
        author = ET.SubElement(entry, "author")
        _text(author, "name", listing.organisation_name)
        _text(author, "uri", f"{base_url}/organisations/{listing.organisation_id}")
        for area in listing.areas:
            ET.SubElement(entry, "category", term=area, label=NOT_XML.sub("", t.area(area)))
        _text(entry, "summary", summary(listing, t), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


class Feeds:
    def __init__(
        self,
        session_factory: SessionFactory,
        vocab: Vocabularies,
        *,
        base_url: str,
        limits: RateLimiter,
        on_view: OnView = no_count,
        languages: Sequence[str] = LANGUAGES,
    ) -> None:
        self.session_factory = session_factory
        self.vocab = vocab
        self.base_url = base_url.rstrip("/")
        self.limits = limits
        self.on_view = on_view
        self.languages = tuple(languages)

    def feed(self, request: Request) -> Response:
        wait = self.limits.take(request.client.host if request.client else None)
        if wait:
            response = _plain(f"Too many requests; retry in {wait} s.\n", 429)
            response.headers["Retry-After"] = str(wait)
            return response
        try:
            filters = Filters.from_query(request.query_params, self.vocab, strict=True)
        except InvalidInput as error:
            name = error.field or "query"
            return _plain(f"Unknown value for {name}: see /api/v1/openapi.json.\n", 400)
        language, asked = choose_language(
            request.query_params,
            request.cookies,
            request.headers.get("accept-language", ""),
            self.languages,
        )
        query = filters.to_query()
        if asked:
            query["lang"] = language
        feed_url = f"{self.base_url}/feed.atom" + (f"?{urlencode(query)}" if query else "")
        with self.session_factory() as session:
            found = directory.public_listings(session, self.vocab, filters, per_page=ENTRIES)
        body = atom_feed(
            found.items,
            filters,
            Labels(language, self.vocab),
            base_url=self.base_url,
            feed_url=feed_url,
        )
        response = cached(request, body, ATOM_TYPE, vary=VARY, headers=CORS)
        try:
            self.on_view("feed", filters.to_query())
        except Exception:  # counting visits must never cost a reader their feed
            log.exception("the view hook failed on a feed")
        return response


def _plain(text: str, status_code: int) -> Response:
    response = uncached(text.encode(), "text/plain; charset=utf-8", status_code=status_code)
    response.headers.update(CORS)
    return response


def feed_routes(
    session_factory: SessionFactory,
    vocab: Vocabularies,
    *,
    base_url: str,
    rate_limit: int | RateLimiter,
    on_view: OnView = no_count,
    languages: Sequence[str] = LANGUAGES,
) -> list[Route]:
    """The feeds' routes, to add to the web app. `session_factory` opens a read-only unit of
    work (Database.read); `base_url` is the server's public address, for the links;
    `rate_limit` is requests per minute and client, or a RateLimiter shared with the API;
    `on_view` is told of every feed served, as ("feed", its filters), from a worker
    thread."""
    feeds = Feeds(
        session_factory,
        vocab,
        base_url=base_url,
        limits=limiter(rate_limit),
        on_view=on_view,
        languages=languages,
    )
    return [Route("/feed.atom", feeds.feed, name="feed")]


__all__ = ["ATOM", "Feeds", "atom_feed", "feed_routes", "no_count"]
