"""The Atom feeds, on SQLite and PostgreSQL: well-formed Atom 1.0 (RFC 4287's required
elements, absolute links), only public listings, the filters (400 for a value that is not
allowed), the newest 50, escaping of hostile text, the reader's language, ETags and 304s, the
rate limit shared with the API, and the view hook."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from adapters.web.api import api_routes
from adapters.web.feeds import ATOM, atom_feed, feed_routes
from adapters.web.limits import RateLimiter
from adapters.web.views import Labels
from core.clock import utcnow
from core.directory import Filters, PublicListing
from core.listings import create_listing
from core.models import Listing
from core.models.enums import ListingKind, ListingStatus
from tests.factories import offer, person
from tests.web.test_api import BASE, HIDDEN, HOSTILE, Clock, Seeded, seed

A = f"{{{ATOM}}}"


def app_of(db: Any, vocab: Any, *, rate_limit: Any = 10_000, on_view: Any = None) -> Starlette:
    extra = {"on_view": on_view} if on_view else {}
    return Starlette(
        routes=feed_routes(db.read, vocab, base_url=BASE, rate_limit=rate_limit, **extra)
    )


@pytest.fixture
def seeded(db: Any, vocab: Any) -> Seeded:
    return seed(db, vocab)


@pytest.fixture
def client(db: Any, vocab: Any, seeded: Seeded) -> TestClient:
    return TestClient(app_of(db, vocab))


def moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


def absolute(url: str) -> str:
    assert urlsplit(url).scheme == "https" and url.startswith(BASE), url
    return url


def check_atom(body: bytes) -> ET.Element:
    """Parses a feed and holds it to RFC 4287: one id, title and updated per feed and per
    entry, an author for each entry, a self link, links and ids that are absolute."""
    feed = ET.fromstring(body)
    assert feed.tag == f"{A}feed"
    for parent in (feed, *feed.findall(f"{A}entry")):
        for name in ("id", "title", "updated"):
            assert len(parent.findall(f"{A}{name}")) == 1, (parent.tag, name)
        absolute(parent.findtext(f"{A}id") or "")
        moment(parent.findtext(f"{A}updated") or "")
        for link in parent.findall(f"{A}link"):
            absolute(link.get("href") or "")
        alternates = [link for link in parent.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert len(alternates) == 1 and alternates[0].get("type") == "text/html"
    assert [link.get("href") for link in feed.findall(f"{A}link[@rel='self']")]
    assert feed.findtext(f"{A}author/{A}name")
    for entry in feed.findall(f"{A}entry"):
        assert entry.findtext(f"{A}author/{A}name")
        moment(entry.findtext(f"{A}published") or "")
        summary = entry.find(f"{A}summary")
        assert summary is not None and summary.get("type") == "text" and summary.text
    ids = [entry.findtext(f"{A}id") for entry in feed.findall(f"{A}entry")]
    assert len(ids) == len(set(ids))
    return feed


def entry_ids(feed: ET.Element) -> list[int]:
    return [
        int((entry.findtext(f"{A}id") or "").rsplit("/", 1)[1])
        for entry in feed.findall(f"{A}entry")
    ]


def test_the_feed_is_atom_of_the_public_listings_only(client, seeded: Seeded) -> None:
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = check_atom(response.content)
    assert entry_ids(feed) == seeded.public
    assert feed.findtext(f"{A}id") == f"{BASE}/feed.atom"
    assert feed.find(f"{A}link[@rel='self']").get("href") == f"{BASE}/feed.atom"  # type: ignore[union-attr]
    assert feed.find(f"{A}link[@rel='alternate']").get("href") == f"{BASE}/"  # type: ignore[union-attr]
    entry = feed.find(f"{A}entry[{A}id='{BASE}/listings/{seeded.needs[0]}']")
    assert entry is not None
    assert entry.findtext(f"{A}title") == "Prosthetic kits"
    assert entry.findtext(f"{A}author/{A}name") == "Ministry of Mine Action"
    assert entry.findtext(f"{A}author/{A}uri") == (
        f"{BASE}/organisations/{seeded.organisations['Ministry of Mine Action']}"
    )
    assert [c.get("term") for c in entry.findall(f"{A}category")] == ["victim_assistance"]
    assert (entry.findtext(f"{A}summary") or "").startswith("Need · Equipment · Cambodia · 40 kits")
    for kind in ("", "?kind=need", "?kind=offer", "?country=KH", "?region=035"):
        body = client.get(f"/feed.atom{kind}").text
        assert HIDDEN not in body and "Person " not in body


def test_every_filter_and_its_links(client, seeded: Seeded) -> None:
    response = client.get("/feed.atom?kind=need&country=kh&utm_source=mail")
    feed = check_atom(response.content)
    assert entry_ids(feed) == sorted(seeded.needs, reverse=True)
    assert feed.findtext(f"{A}title") == "Needs · Cambodia — Platform for Partnerships"
    self_link = feed.find(f"{A}link[@rel='self']").get("href")  # type: ignore[union-attr]
    assert self_link == f"{BASE}/feed.atom?kind=need&country=KH" == feed.findtext(f"{A}id")
    alternate = feed.find(f"{A}link[@rel='alternate']").get("href")  # type: ignore[union-attr]
    assert alternate == f"{BASE}/needs?country=KH"
    trainers = seeded.offers[1]
    for query, expected in (
        ("kind=offer", sorted(seeded.offers, reverse=True)),
        ("area=risk_education", [trainers]),
        ("assistance_type=expertise", [seeded.needs[1]]),
        ("modality=south_south", [trainers]),
        ("region=035&kind=offer", sorted(seeded.offers, reverse=True)),
        ("country=LA&kind=offer", sorted(seeded.offers, reverse=True)),
        ("country=NO&kind=offer", [seeded.hostile]),  # the global offer only
    ):
        assert entry_ids(check_atom(client.get(f"/feed.atom?{query}").content)) == expected, query


def test_a_feed_without_entries_is_still_a_valid_feed(client, seeded) -> None:
    feed = check_atom(client.get("/feed.atom?kind=need&area=advocacy").content)
    assert feed.findall(f"{A}entry") == []
    assert feed.findtext(f"{A}updated") == "1970-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("kind=needs", "kind"),
        ("area=x", "area"),
        ("country=ZZ", "country"),
        ("region=1234", "region"),
        ("assistance_type=cash", "assistance_type"),
        ("modality=<script>", "modality"),
    ],
)
def test_an_unknown_value_is_a_plain_400(client, query: str, name: str) -> None:
    response = client.get(f"/feed.atom?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith(f"Unknown value for {name}")
    assert "<script>" not in response.text
    assert response.headers["cache-control"] == "no-store"


def test_the_newest_fifty(db, vocab) -> None:
    with db.write() as s:
        donor = person(s, vocab)
        ids = [
            create_listing(s, vocab, donor, offer(title=f"Offer {n}")).listing.id for n in range(53)
        ]
    feed = check_atom(TestClient(app_of(db, vocab)).get("/feed.atom").content)
    assert entry_ids(feed) == sorted(ids, reverse=True)[:50]


def test_updated_is_the_later_of_a_change_and_a_confirmation(db, vocab, client, seeded) -> None:
    later = utcnow().replace(microsecond=0) + timedelta(days=2)
    with db.write() as s:
        listing = s.get(Listing, seeded.needs[0])
        listing.last_confirmed_at = later
    feed = check_atom(client.get("/feed.atom").content)
    entry = feed.find(f"{A}entry[{A}id='{BASE}/listings/{seeded.needs[0]}']")
    assert moment(entry.findtext(f"{A}updated") or "") == later  # type: ignore[union-attr]
    assert moment(feed.findtext(f"{A}updated") or "") == later


def test_hostile_text_is_escaped_and_comes_back_exactly(client, seeded: Seeded) -> None:
    body = client.get("/feed.atom?kind=offer").content
    assert b"<script>" not in body and b"]]>" not in body
    feed = check_atom(body)
    entry = feed.find(f"{A}entry[{A}id='{BASE}/listings/{seeded.hostile}']")
    assert entry is not None and entry.findtext(f"{A}title") == HOSTILE
    assert (entry.findtext(f"{A}summary") or "").endswith(HOSTILE)
    assert entry.findtext(f"{A}author/{A}name") == "Donor & <Partners>"


def test_characters_xml_cannot_hold_are_left_out(vocab) -> None:
    moment_ = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    listing = PublicListing(
        id=7,
        kind=ListingKind.offer,
        title="Kits\x00\x0b\ufffe for <all>",
        description="a\x1bb",
        assistance_type="equipment",
        areas=("victim_assistance",),
        coverage="global",
        country=None,
        region=None,
        amount=Decimal("12.50"),
        currency="EUR",
        remaining_amount=Decimal("12.50"),
        quantity=None,
        unit=None,
        remaining_quantity=None,
        available_from=date(2026, 1, 1),
        available_until=None,
        priority=None,
        modality=None,
        status=ListingStatus.open,
        organisation_id=3,
        organisation_name="Org \x07",
        organisation_kind="ngo",
        organisation_country=None,
        last_confirmed=moment_,
        created_at=moment_,
        updated_at=moment_,
    )
    body = atom_feed(
        [listing, replace(listing, id=8)],
        Filters(),
        Labels("en", vocab),
        base_url=BASE,
        feed_url=f"{BASE}/feed.atom",
    )
    feed = check_atom(body)
    assert feed.findtext(f"{A}entry/{A}title") == "Kits for <all>"
    assert feed.findtext(f"{A}entry/{A}author/{A}name") == "Org "
    assert feed.findtext(f"{A}updated") == "2026-01-02T03:04:05Z"


def test_the_readers_language(client, vocab, seeded: Seeded) -> None:
    english = client.get("/feed.atom?area=victim_assistance")
    french = client.get("/feed.atom?area=victim_assistance&lang=fr")
    spanish = client.get("/feed.atom?area=victim_assistance", headers={"Accept-Language": "es"})
    assert "Accept-Language" in english.headers["vary"]
    titles = {}
    for response, language in ((english, "en"), (french, "fr"), (spanish, "es")):
        feed = check_atom(response.content)
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        titles[language] = feed.findtext(f"{A}title")
        labels = {c.get("label") for c in feed.iter(f"{A}category")}
        assert labels == {Labels(language, vocab).area("victim_assistance")}
    assert titles["en"].startswith("Victim assistance")
    assert titles["fr"].startswith("Assistance aux victimes")
    assert titles["es"].startswith("Asistencia a las víctimas")
    assert len({english.headers["etag"], french.headers["etag"], spanish.headers["etag"]}) == 3
    self_link = check_atom(french.content).find(f"{A}link[@rel='self']")
    assert self_link.get("href") == f"{BASE}/feed.atom?area=victim_assistance&lang=fr"  # type: ignore[union-attr]
    assert "set-cookie" not in french.headers  # the feed remembers nobody


def test_etags_give_304s(client, seeded) -> None:
    first = client.get("/feed.atom?kind=need")
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert first.headers["access-control-allow-origin"] == "*"
    again = client.get("/feed.atom?kind=need", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/feed.atom?kind=offer", headers={"If-None-Match": first.headers["etag"]})
    assert other.status_code == 200


def test_the_rate_limit_is_shared_with_the_api(db, vocab, seeded) -> None:
    clock = Clock()
    shared = RateLimiter(2, clock=clock)
    app = Starlette(
        routes=[
            *feed_routes(db.read, vocab, base_url=BASE, rate_limit=shared),
            *api_routes(db.read, vocab, base_url=BASE, rate_limit=shared),
        ]
    )
    reader = TestClient(app, client=("192.0.2.44", 5000))
    assert reader.get("/feed.atom").status_code == 200
    assert reader.get("/api/v1/listings").status_code == 200
    refused = reader.get("/feed.atom")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert refused.headers["content-type"] == "text/plain; charset=utf-8"
    assert "192.0.2.44" not in refused.text
    assert TestClient(app, client=("192.0.2.45", 5000)).get("/feed.atom").status_code == 200
    clock.now += 30
    assert reader.get("/feed.atom").status_code == 200


def test_the_view_hook_hears_each_feed_served(db, vocab, seeded) -> None:
    heard: list[tuple[str, dict[str, str]]] = []
    client = TestClient(
        app_of(db, vocab, on_view=lambda kind, filters: heard.append((kind, filters)))
    )
    client.get("/feed.atom?kind=need&area=victim_assistance&country=kh&lang=fr")
    client.get("/feed.atom?country=nowhere")
    client.get("/feed.atom")
    assert heard == [
        ("feed", {"kind": "need", "area": "victim_assistance", "country": "KH"}),
        ("feed", {}),
    ]

    def broken(kind: str, filters: dict[str, str]) -> None:
        raise RuntimeError("the counter is down")

    assert TestClient(app_of(db, vocab, on_view=broken)).get("/feed.atom").status_code == 200
