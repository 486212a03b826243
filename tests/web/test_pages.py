"""The directory's pages over HTTP: filters and their URLs, pages, 404s, caching by ETag,
security headers, languages, the links into the chat and the page-view hook."""

from __future__ import annotations

import re

import pytest

from adapters.web.http import etag_of, matches
from core.listings import create_listing
from core.models.enums import Role
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.factories import offer, person
from tests.web.conftest import BOT, client
from tests.web.seed import Seeded

PAGES = ["/", "/offers", "/needs", "/gaps", "/gaps/chart.svg"]


def listing_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="/listings/\d+">([^<]+)</a>', html)


def test_filters_are_links_to_share(db: Database, vocab: Vocabularies, seeded: Seeded) -> None:
    browser = client(db, vocab)
    angola = browser.get("/offers?country=AO")
    assert set(listing_titles(angola.text)) == {
        "Funding for victim assistance worldwide",
        "Deminers trained in Angola",
    }
    assert '<option value="AO" selected>' in angola.text
    assert "<title>Offers ·" in angola.text
    training = browser.get("/needs?assistance_type=training")
    assert listing_titles(training.text) == []
    assert "No need fits these filters." in training.text
    cambodia = browser.get("/needs?country=KH&area=victim_assistance")
    assert set(listing_titles(cambodia.text)) == {
        "Prosthetic kits for Battambang",
        "Clearance funding for Cambodia",
    }


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/offers?assistance_type=&area=&country=AO&region=&modality=", "/offers?country=AO"),
        ("/offers?country=ZZ&utm_source=mail", "/offers"),
        ("/needs?page=1&area=advocacy", "/needs?area=advocacy"),
        ("/needs?kind=offer", "/needs"),
        ("/offers?modality=&lang=fr", "/offers?lang=fr"),
        ("/offers?lang=xx", "/offers"),
    ],
)
def test_one_filter_has_one_url(
    sqlite_db: Database, vocab: Vocabularies, asked: str, canonical: str
) -> None:
    """The filter form sends every field, empty or not: the page answers with the URL that
    names only what was chosen."""
    answer = client(sqlite_db, vocab).get(asked, follow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["location"] == canonical
    assert answer.headers["cache-control"] == "no-store"


def test_pages_of_offers(sqlite_db: Database, vocab: Vocabularies) -> None:
    with sqlite_db.write() as session:
        donor = person(session, vocab, roles=(Role.donor,), country="NO")
        for n in range(45):
            create_listing(session, vocab, donor, offer(title=f"Offer number {n:02d}"))
    browser = client(sqlite_db, vocab)
    first = browser.get("/offers?area=victim_assistance")
    assert len(listing_titles(first.text)) == 20
    assert "45 offers" in first.text and "Page 1 of 3" in first.text
    assert 'href="/offers?area=victim_assistance&amp;page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    last = browser.get("/offers?area=victim_assistance&page=3")
    assert listing_titles(last.text) == [f"Offer number {n:02d}" for n in range(4, -1, -1)]
    assert 'href="/offers?area=victim_assistance&amp;page=2" rel="prev"' in last.text
    beyond = browser.get("/offers?area=victim_assistance&page=9", follow_redirects=False)
    assert beyond.headers["location"] == "/offers?area=victim_assistance&page=3"


def test_missing_and_private_pages_are_not_found(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded
) -> None:
    browser = client(sqlite_db, vocab)
    for url in (
        "/listings/abc",
        "/listings/0",
        "/listings/99999999999999",
        f"/listings/{seeded_sqlite.private['Restricted need of a ministry']}",
        "/organisations/-3",
        f"/organisations/{seeded_sqlite.rejected_organisation}",
        "/nowhere",
    ):
        answer = browser.get(url)
        assert answer.status_code == 404, url
        assert '<html lang="en">' in answer.text and "<h1>Not found</h1>" in answer.text
        assert answer.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in answer.headers["content-security-policy"]


def test_every_page_is_cached_by_its_etag(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded
) -> None:
    browser = client(sqlite_db, vocab)
    for url in [*PAGES, f"/listings/{seeded_sqlite.public['Deminers trained in Angola']}"]:
        first = browser.get(url)
        etag = first.headers["etag"]
        assert etag.startswith('W/"') and etag == etag_of(first.content), url
        assert first.headers["cache-control"] == "public, max-age=60"
        assert "Accept-Language" in first.headers["vary"]
        again = browser.get(url, headers={"If-None-Match": f'"x", {etag}'})
        assert again.status_code == 304 and again.content == b"", url
        assert again.headers["etag"] == etag
    home = browser.get("/").headers["etag"]
    with sqlite_db.write() as session:
        donor = person(session, vocab, roles=(Role.donor,), country="NO")
        create_listing(session, vocab, donor, offer(title="A brand new offer"))
    changed = browser.get("/", headers={"If-None-Match": home})
    assert changed.status_code == 200 and "A brand new offer" in changed.text
    assert matches("*", home) and not matches(None, home) and matches(home[2:], home)


def test_security_headers_and_no_inline_code(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded
) -> None:
    browser = client(sqlite_db, vocab)
    urls = [*PAGES, "/static/style.css", f"/organisations/{seeded_sqlite.published_by}"]
    for url in urls:
        answer = browser.get(url)
        assert answer.status_code == 200, url
        csp = answer.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "<script" not in answer.text and " style=" not in answer.text, url
    assert "immutable" in browser.get("/static/style.css").headers["cache-control"]
    home = browser.get("/").text
    assert re.search(r'<link rel="stylesheet" href="/static/style.css\?v=[0-9a-f]{12}">', home)
    assert '<a class="skip" href="#content">' in home and '<main id="content"' in home
    assert browser.head("/offers").status_code == 200


def test_the_language_is_asked_chosen_and_remembered(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded
) -> None:
    browser = client(sqlite_db, vocab)
    french = browser.get("/needs", headers={"Accept-Language": "de-CH, fr;q=0.8, en;q=0.5"})
    assert '<html lang="fr">' in french.text and "<h1>Besoins</h1>" in french.text
    assert "Cambodge" in french.text  # country names, in the reader's language
    assert "set-cookie" not in french.headers  # a browser's language is not remembered
    assert browser.get("/needs").text.count('lang="en"') >= 2  # and it is not a choice

    switch = re.search(r'<a href="([^"]+)" hreflang="es"', browser.get("/offers?country=AO").text)
    assert switch is not None and switch.group(1) == "/offers?country=AO&amp;lang=es"
    spanish = browser.get("/offers?country=AO&lang=es")
    assert "<h1>Ofertas</h1>" in spanish.text and "Angola" in spanish.text
    assert "Capacitación" in spanish.text  # vocabulary labels travel with the vocabulary
    cookie = spanish.headers["set-cookie"]
    assert cookie.startswith("lang=es;") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert spanish.headers["cache-control"] == "private, no-cache"
    remembered = browser.get("/gaps", headers={"Accept-Language": "fr"})
    assert '<html lang="es">' in remembered.text and "set-cookie" not in remembered.headers
    assert "<h1>Brechas</h1>" in remembered.text
    assert 'aria-current="true">Español</a>' in remembered.text
    browser.cookies.set("lang", "tracking-id-123", domain="directory.test")
    assert '<html lang="en">' in browser.get("/").text  # nothing but a language is read


def test_listing_pages_lead_into_the_chat(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded
) -> None:
    listing_id = seeded_sqlite.public["Deminers trained in Angola"]
    page = client(sqlite_db, vocab).get(f"/listings/{listing_id}").text
    assert f'href="https://t.me/{BOT}?start=listing_{listing_id}"' in page
    assert "Contact via Telegram" in page and "Open in Slack" not in page
    assert "Last confirmed" in page and "12 trainers" in page
    slack = client(
        sqlite_db, vocab, bot_username=None, slack_url="https://app.slack.com/client/T1?l={id}"
    )
    page = slack.get(f"/listings/{listing_id}").text
    assert "t.me/" not in page
    assert f'<a class="button" href="https://app.slack.com/client/T1?l={listing_id}">' in page


def test_every_page_view_is_told_to_the_hook(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded
) -> None:
    views: list[tuple[str, dict[str, str]]] = []
    browser = client(sqlite_db, vocab, on_view=lambda kind, filters: views.append((kind, filters)))
    browser.get("/")
    browser.get("/offers?country=AO&area=survey_clearance&page=1")  # redirected, counted once
    browser.get(f"/listings/{seeded_sqlite.public['Clearance funding for Cambodia']}")
    browser.get(f"/organisations/{seeded_sqlite.published_by}")
    browser.get("/gaps")
    browser.get("/gaps/chart.svg")  # part of a page, not a page
    browser.get("/listings/999999")  # nothing viewed
    assert views == [
        ("home", {}),
        ("offers", {"area": "survey_clearance", "country": "AO"}),
        ("listing", {"kind": "need"}),
        ("organisation", {}),
        ("gaps", {}),
    ]

    def broken(kind: str, filters: dict[str, str]) -> None:
        raise RuntimeError("the counter is down")

    assert client(sqlite_db, vocab, on_view=broken).get("/needs").status_code == 200


def test_the_gaps_chart_and_table(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded
) -> None:
    browser = client(sqlite_db, vocab)
    chart = browser.get("/gaps/chart.svg?lang=fr")
    assert chart.headers["content-type"] == "image/svg+xml"
    assert 'role="img"' in chart.text and "Assistance aux victimes" in chart.text
    table = browser.get("/gaps").text
    assert '<img src="/gaps/chart.svg?lang=en"' in table
    assert '<th scope="row"><a href="/needs?area=victim_assistance">Victim assistance</a>' in table
    assert "$250,000.00" in table and "40 kits" in table and "Cambodia (2)" in table


def test_an_empty_registry_reads_well(sqlite_db: Database, vocab: Vocabularies) -> None:
    browser = client(sqlite_db, vocab, bot_username=None)
    for url in PAGES:
        assert browser.get(url).status_code == 200, url
    assert "No offer yet." in browser.get("/").text
    assert "No public need is open at the moment." in browser.get("/gaps").text
    assert "t.me/" not in browser.get("/").text
