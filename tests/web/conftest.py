"""Helpers for the web platform's tests: the pages as an app over a real database."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from adapters.web import build_web_app
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.web.seed import Seeded, seed

with warnings.catch_warnings():
    # Starlette asks for httpx2 instead of httpx; the client works the same with either.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

BOT = "PartnerTestBot"


def client(db: Database, vocab: Vocabularies, **options: Any) -> TestClient:
    """The pages alone, as `partnerbot serve` would serve them, with nothing kept between
    requests (figures summed each time) so that a test sees what it just wrote."""
    app = build_web_app(db.read, vocab, **{"bot_username": BOT, "figures_seconds": 0, **options})
    return TestClient(app, base_url="http://directory.test")


@pytest.fixture
def seeded(db: Database, vocab: Vocabularies) -> Seeded:
    with db.write() as session:
        return seed(session, vocab)


@pytest.fixture
def seeded_sqlite(sqlite_db: Database, vocab: Vocabularies) -> Seeded:
    """The same registry, on SQLite only: for what does not depend on the backend."""
    with sqlite_db.write() as session:
        return seed(session, vocab)
