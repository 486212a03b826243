"""`partnerbot serve` serves the whole public platform from the chat's database: pages,
API, feeds and the IATI file on one app, inside the body limit, with every view counted."""

from __future__ import annotations

import warnings
from datetime import date

from bot.app import App, public_routes, web_app
from bot.visits import VisitTally
from core.storage import Database
from core.visits import visits_between
from core.vocabularies import Vocabularies
from tests.factories import bot_settings
from tests.web.seed import seed

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def test_one_server_serves_pages_api_feeds_and_iati(sqlite_db: Database, vocab: Vocabularies):
    with sqlite_db.write() as session:
        seeded = seed(session, vocab)
    app = App(bot_settings(public_url="https://partners.example.org"), sqlite_db, vocab)
    tally = VisitTally()
    routes = public_routes(app, "PartnerTestBot", tally.view)
    client = TestClient(web_app(routes, app.settings.max_body_bytes))
    listing_id = next(iter(seeded.public.values()))

    assert client.get("/").status_code == 200
    assert client.get("/offers", params={"country": "KH"}).status_code == 200
    page = client.get(f"/listings/{listing_id}")
    assert page.status_code == 200
    assert f"https://t.me/PartnerTestBot?start=listing_{listing_id}" in page.text
    api = client.get("/api/v1/listings", params={"kind": "offer"})
    assert api.status_code == 200 and api.headers["access-control-allow-origin"] == "*"
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.1")
    feed = client.get("/feed.atom", params={"kind": "need"})
    assert feed.status_code == 200 and "https://partners.example.org/listings/" in feed.text
    iati = client.get("/iati/activities.xml")
    assert iati.status_code == 200 and b"<iati-activities" in iati.content
    again = client.get("/iati/activities.xml", headers={"If-None-Match": iati.headers["etag"]})
    assert again.status_code == 304
    assert client.post("/api/v1/listings", content=b"x" * 2_000_000).status_code == 413

    tally.flush(sqlite_db)
    with sqlite_db.read() as session:
        counted = {
            (row.kind, row.filter_name, row.filter_value): row.count
            for row in visits_between(session, date(2000, 1, 1), date(2100, 1, 1))
        }
    assert counted[("offers", "country", "KH")] == 1
    assert counted[("api", "kind", "offer")] == 1
    assert counted[("feed", "kind", "need")] == 1
    assert counted[("iati", "", "")] == 2


def test_a_coordinator_reads_the_visits_through_the_link_sent_in_the_chat(
    sqlite_db: Database, vocab: Vocabularies
) -> None:
    from urllib.parse import urlsplit

    from bot.chatbot import ChatBot
    from core.signed_links import signed_for
    from tests.chat import Person, onboard

    settings = bot_settings(admins="console:root", public_url="https://partners.example.org")
    bot = ChatBot(sqlite_db, vocab, settings)
    root, ana = Person(bot, "root"), Person(bot, "ana")
    onboard(root, organisation="Support Unit", kind="Intergovernmental organisation")
    onboard(ana)
    tally = VisitTally()
    tally.view("offers", {"country": "KH"})
    tally.flush(sqlite_db)
    root.command("visits")
    [link] = [s.link for r in root.replies for s in r.text.spans if s.link]
    assert link.startswith("https://partners.example.org/coordinators?token=")
    client = TestClient(
        web_app(public_routes(App(settings, sqlite_db, vocab), None, tally.view), 10**6)
    )
    address = urlsplit(link)
    page = client.get(f"{address.path}?{address.query}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Visits and use" in page.text and "Root Tester" in page.text
    assert "offers" in page.text and "KH" in page.text
    assert "Commands: " in page.text  # the chat's use, as people read it

    assert client.get(f"{address.path}?{address.query}x").status_code == 403  # altered
    assert client.get("/coordinators").status_code == 403
    ana.command("visits")
    assert "Only coordinators can do that." in ana.text
    from datetime import timedelta

    from bot.web_login import login_secret
    from core.clock import utcnow
    from tests.chat import actors

    [ana_actor, root_actor] = actors(bot, "ana", "root")
    secret = login_secret(settings)
    forged = signed_for(secret, ana_actor.id, utcnow(), 30)
    assert client.get(f"/coordinators?token={forged}").status_code == 403  # not a coordinator
    expired = signed_for(secret, root_actor.id, utcnow() - timedelta(minutes=31), 30)
    assert client.get(f"/coordinators?token={expired}").status_code == 403


def test_no_redirect_follows_the_host_header(sqlite_db: Database, vocab: Vocabularies) -> None:
    app = App(bot_settings(), sqlite_db, vocab)
    client = TestClient(web_app(public_routes(app, None, VisitTally().view), 10**6))
    answer = client.get("/offers/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert answer.status_code == 404 and "evil.example" not in answer.headers.get("location", "")
