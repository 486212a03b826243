"""The directory in the six languages: every page in Arabic, Chinese and Russian, Arabic right
to left (dir="rtl", the layout mirrored by the style sheet's logical properties), checked in
the served HTML and in a real browser (the fixtures of test_browser.py)."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest

from adapters.web.i18n import choose_language, environment
from bot.i18n import LANGUAGES
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.web import test_browser as browser_tests
from tests.web.conftest import client
from tests.web.seed import Seeded
from tests.web.test_browser import DESKTOP, PHONE

chromium, site, page = browser_tests.chromium, browser_tests.site, browser_tests.page  # fixtures

PAGES = ("/", "/offers", "/needs", "/gaps")
HEADINGS = {"ar": "الاحتياجات", "zh": "需求", "ru": "Потребности"}


@pytest.mark.parametrize("language", ["ar", "zh", "ru"])
def test_every_page_in_the_new_languages(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded, language: str
) -> None:
    browser = client(sqlite_db, vocab)
    for url in PAGES:
        answer = browser.get(url, params={"lang": language})
        assert answer.status_code == 200, url
        assert f'<html lang="{language}"' in answer.text
        assert ('dir="rtl"' in answer.text.split(">", 2)[1]) is (language == "ar"), url
    needs = browser.get("/needs", params={"lang": language}).text
    assert f"<h1>{HEADINGS[language]}</h1>" in needs
    for code in LANGUAGES:  # the switch offers all six
        assert f'hreflang="{code}"' in needs


def test_browsers_asking_for_the_new_languages() -> None:
    assert choose_language({}, {}, "ar-IQ,ar;q=0.9") == ("ar", False)
    assert choose_language({}, {}, "zh-CN,zh;q=0.9,en;q=0.8") == ("zh", False)
    assert choose_language({}, {}, "zh_Hans") == ("zh", False)
    assert choose_language({}, {}, "ru-RU") == ("ru", False)
    assert environment("ar").globals["text_direction"] == "rtl"
    assert environment("ru").globals["text_direction"] == "ltr"


def test_the_style_sheet_mirrors_by_itself(sqlite_db: Database, vocab: Vocabularies) -> None:
    css = client(sqlite_db, vocab).get("/static/style.css").text
    for physical in ("padding-left", "padding-right", "margin-left", "border-left", "left:"):
        assert physical not in css, physical  # logical properties (inline-start) instead
    assert "text-align: left" not in css


def test_arabic_pages_read_right_to_left_in_a_browser(site: str, page: Any) -> None:
    page.goto(site + "/needs?lang=ar")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == HEADINGS["ar"]
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand = page.locator("a.brand").bounding_box()
    switch = page.locator("nav.languages").bounding_box()
    assert brand and switch and brand["x"] > switch["x"]  # the site's name on the right
    heading = page.locator("h1").bounding_box()
    assert heading and heading["x"] + heading["width"] > DESKTOP["width"] / 2
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site}/needs?lang=en")
    assert page.locator("html").get_attribute("dir") is None
    brand = page.locator("a.brand").bounding_box()
    switch = page.locator("nav.languages").bounding_box()
    assert brand and switch and brand["x"] < switch["x"]  # and back on the left in English


def test_arabic_pages_fit_a_phone(site: str, chromium: Any) -> None:
    context = chromium.new_context(viewport=PHONE, is_mobile=True)
    phone = context.new_page()
    for path in PAGES:
        phone.goto(f"{site}{path}?lang=ar")
        assert phone.locator("html").get_attribute("dir") == "rtl"
        widths = phone.evaluate(
            "[document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]"
        )
        assert max(widths[:2]) <= widths[2], (path, widths)  # no sideways scrolling
    context.close()


def test_people_s_text_is_isolated_on_arabic_pages(
    sqlite_db: Database, vocab: Vocabularies, seeded_sqlite: Seeded
) -> None:
    browser = client(sqlite_db, vocab)
    title, listing = next(iter(seeded_sqlite.public.items()))
    arabic = browser.get(f"/listings/{listing}", params={"lang": "ar"}).text
    assert f"<h1><bdi>{escape(title)}</bdi></h1>" in arabic
    english = browser.get(f"/listings/{listing}", params={"lang": "en"}).text
    assert f"<h1>{escape(title)}</h1>" in english and "<bdi>" not in english
    assert "<bdi>" in browser.get("/offers", params={"lang": "ar"}).text
