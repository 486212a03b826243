"""The directory in a real browser: Playwright for Python driving Debian's Chromium, headless,
against the pages served by uvicorn on loopback. Somebody finds an offer for Cambodia, opens
it, follows "Contact via Telegram", reads the site in French, on a phone as on a desk, and
with the keyboard alone.

Without Chromium the tests skip, saying how to install it; with CI=true they fail instead.
With PARTNERBOT_SCREENSHOTS=1 they also save docs/screenshots/phone.png and desktop.png."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlmodel import SQLModel

from adapters.web import build_web_app
from core.demo import load_demo
from core.storage import Database
from core.vocabularies import default_vocabularies

BOT = "PartnerBrowserBot"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
START_SECONDS = 30  # uvicorn starts in well under a second; this only bounds a hang


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is missing: pip install -e '.[test]'"
    if not Path(CHROMIUM).is_file():
        return (
            "Chromium is not installed: apt-get install -y chromium (the browser tests drive "
            "Debian's /usr/bin/chromium; they never download a browser)"
        )
    return None


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox"] if os.geteuid() == 0 else [],  # Chromium's sandbox refuses root
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo registry's pages on 127.0.0.1, on a port the system chose."""
    vocab = default_vocabularies()
    db = Database.from_url(f"sqlite:///{tmp_path_factory.mktemp('web')}/partnerbot.db")
    SQLModel.metadata.create_all(db.engine)
    with db.write() as session:
        load_demo(session, vocab)
    app = build_web_app(db.read, vocab, bot_username=BOT, figures_seconds=0)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    server.should_exit = True
    thread.join()
    listener.close()
    db.dispose()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookie) at desktop width, which fails the test on any
    console error: a blocked inline script or style is one."""
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB")
    tab = context.new_page()
    errors: list[str] = []
    tab.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []


def test_find_an_offer_open_it_and_follow_the_deep_link(site: str, page: Any) -> None:
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "Platform for Partnerships"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Offers").click()
    page.get_by_label("Country").select_option("KH")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"{site}/offers?country=KH")  # the empty fields are not in the URL
    cards = page.locator("article.card")
    assert cards.count() >= 2
    for facts in cards.locator(".facts").all_inner_texts():
        assert any(place in facts for place in ("Cambodia", "Worldwide", "Asia")), facts
    first = cards.first.locator(".card-title a")
    title = first.inner_text()
    first.click()
    page.wait_for_url(f"{site}/listings/*")
    listing_id = page.url.rsplit("/", 1)[1]
    assert page.locator("h1").inner_text() == title
    deep_link = f"https://t.me/{BOT}?start=listing_{listing_id}"
    contact = page.get_by_role("link", name="Contact via Telegram")
    assert contact.get_attribute("href") == deep_link
    # No test reaches the internet: Telegram's side is a stand-in page.
    page.route("https://t.me/**", lambda route: route.fulfill(body="<p>Telegram</p>"))
    contact.click()
    page.wait_for_url(deep_link)


def test_switch_to_french_and_stay_in_french(site: str, page: Any) -> None:
    page.goto(site + "/needs")
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(f"{site}/needs?lang=fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Besoins"
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Offres").click()
    page.wait_for_url(f"{site}/offers")  # no language in the URL: the cookie remembers it
    assert page.locator("h1").inner_text() == "Offres"
    assert page.get_by_label("Pays").locator("option[value=KH]").inner_text() == "Cambodge"
    cookies = page.context.cookies()
    assert [(c["name"], c["value"]) for c in cookies] == [("lang", "fr")]


def test_the_keyboard_reaches_the_content_first(site: str, page: Any) -> None:
    page.goto(site + "/offers")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_pages_fit_a_phone(site: str, chromium: Any) -> None:
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    phone = context.new_page()
    phone.goto(site + "/offers")
    listing = phone.locator("article.card .card-title a").first.get_attribute("href")
    organisation = phone.locator("article.card .by a").first.get_attribute("href")
    for path in ("/", "/offers?country=KH", "/needs", listing, organisation, "/gaps"):
        phone.goto(f"{site}{path}")
        widths = phone.evaluate(
            "[document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]"
        )
        assert max(widths[:2]) <= widths[2], (path, widths)  # no sideways scrolling
    if os.environ.get("PARTNERBOT_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(site + "/")
        phone.screenshot(path=str(SCREENSHOTS / "phone.png"))
        desk = chromium.new_page(viewport=DESKTOP)
        desk.goto(site + "/")
        desk.screenshot(path=str(SCREENSHOTS / "desktop.png"))
        desk.close()
    context.close()
