"""The composition root: the one place that reads settings, builds the database and the
vocabularies, and (from later issues) the adapters and the scheduler. Nothing here runs at
import time."""

from __future__ import annotations

from dataclasses import dataclass

from bot.migrate import upgrade
from bot.settings import Settings
from core.storage import Database
from core.vocabularies import Vocabularies, default_vocabularies, load_vocabularies


@dataclass
class App:
    settings: Settings
    db: Database
    vocab: Vocabularies


def build_app(settings: Settings, *, migrate: bool = True) -> App:
    db = Database.from_url(settings.database_url)
    if migrate:
        upgrade(db.engine)
    vocab = (
        load_vocabularies(settings.vocabulary_dir)
        if settings.vocabulary_dir
        else default_vocabularies()
    )
    return App(settings=settings, db=db, vocab=vocab)
