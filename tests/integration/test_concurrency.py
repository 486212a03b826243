"""Fifty writers on one SQLite file: they queue for the lock, none of them fails."""

from __future__ import annotations

import threading

from sqlmodel import SQLModel, func, select

from core.listings import create_listing
from core.models import Listing
from core.storage import Database
from tests.factories import need, person

WRITERS = 50
WRITES_EACH = 4


def test_fifty_concurrent_writers_never_see_a_locked_database(tmp_path, vocab) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    setup = Database.from_url(url)
    SQLModel.metadata.create_all(setup.engine)
    with setup.write() as s:
        field = person(s, vocab)
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        # Each writer has its own engine and connection, as separate workers would.
        database = Database.from_url(url)
        try:
            start.wait()
            for i in range(WRITES_EACH):
                with database.write() as s:
                    # Read then write in one transaction: the pattern that fails with
                    # "database is locked" when transactions begin deferred.
                    s.exec(select(func.count()).select_from(Listing)).one()
                    create_listing(s, vocab, field, need(title=f"Need {n}-{i}"))
        except BaseException as error:
            errors.append(error)
        finally:
            database.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with setup.read() as s:
        assert s.exec(select(func.count()).select_from(Listing)).one() == WRITERS * WRITES_EACH
    setup.dispose()
