"""The privacy walk: every page reachable from the home page of a seeded registry, in every
language, and the filtered lists of every place and area in it; none shows a restricted,
withdrawn, expired, fulfilled or unverified listing, a rejected organisation, a draft
partnership, or anybody's contact details that were not consented for publication."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from core.storage import Database
from core.vocabularies import Vocabularies
from tests.web.conftest import client
from tests.web.seed import Seeded

MAX_PAGES = 600  # far more than the seed has: a walk that gets here is going round in circles


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.found.append(value)


def internal_links(page_url: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    links = []
    for link in parser.found:
        absolute = urlsplit(urljoin(page_url, link))
        if absolute.netloc == "directory.test" and absolute.scheme == "http":
            links.append(absolute.path + (f"?{absolute.query}" if absolute.query else ""))
    return links


def walk(browser, starts: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every page reachable from these, by link, once each: url -> body."""
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        assert len(seen) < MAX_PAGES, "the walk does not end"
        response = browser.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen[url] = response.text
        if response.headers["content-type"].startswith("text/html"):
            queue.extend(internal_links(f"http://directory.test{url}", response.text))
    return seen


def test_no_page_shows_anything_private(db: Database, vocab: Vocabularies, seeded: Seeded) -> None:
    browser = client(db, vocab)
    places = ["KH", "AO", "NO", "CH", "035", "142", "002"]
    filtered = [
        f"/{kind}?{name}={value}"
        for kind in ("offers", "needs")
        for name, values in (
            ("country", places[:4]),
            ("region", places[4:]),
            ("area", vocab.thematic_areas.codes()),
            ("assistance_type", vocab.assistance_types.codes()),
        )
        for value in values
    ]
    pages = walk(browser, ["/", *filtered])

    listing_pages = {url for url in pages if url.startswith("/listings/")}
    assert {f"/listings/{i}" for i in seeded.public.values()} <= {
        url.split("?")[0] for url in listing_pages
    }
    assert any(url.startswith("/organisations/") for url in pages)
    assert any("lang=fr" in url for url in pages) and any("lang=es" in url for url in pages)
    everything = "\n".join(pages.values())
    for title in seeded.public:
        assert title in everything
    never = [*seeded.private, *seeded.secrets]
    for url, body in pages.items():
        for secret in never:
            assert secret not in body, f"{secret!r} shows on {url}"
    assert "Clearing the north together" in everything  # an active partnership is public
    for detail in seeded.published:
        assert detail in everything


def test_private_records_answer_as_missing_ones(
    db: Database, vocab: Vocabularies, seeded: Seeded
) -> None:
    browser = client(db, vocab)
    missing = browser.get("/listings/999999")
    assert missing.status_code == 404
    for title, listing_id in seeded.private.items():
        answer = browser.get(f"/listings/{listing_id}")
        assert answer.status_code == 404, title
        assert answer.text == missing.text.replace("999999", str(listing_id)), title
        assert title not in answer.text
    rejected = browser.get(f"/organisations/{seeded.rejected_organisation}")
    assert rejected.status_code == 404
    assert rejected.text == browser.get("/organisations/999999").text.replace(
        "999999", str(seeded.rejected_organisation)
    )


def test_only_published_contact_points_show(
    db: Database, vocab: Vocabularies, seeded: Seeded
) -> None:
    """Contact points show where they agreed to be published, on their organisation's page
    and on its listings; elsewhere the pages say how to get in touch through the chat."""
    browser = client(db, vocab)
    for organisation_id in seeded.organisations.values():
        page = browser.get(f"/organisations/{organisation_id}").text
        if organisation_id == seeded.published_by:
            assert all(detail in page for detail in seeded.published)
            assert 'href="mailto:liaison.published@example.org"' in page
        else:
            assert "has published no contact point" in page
            assert not any(detail in page for detail in seeded.published)
    offer = browser.get(f"/listings/{seeded.public['Deminers trained in Angola']}").text
    assert all(detail in offer for detail in seeded.published)
