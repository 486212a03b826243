"""Fifty writers on one SQLite file, in ten processes of five threads: threads of a process
queue on its lock, processes queue through SQLite's IMMEDIATE transactions and busy timeout.
None of them fails with "database is locked"."""

from __future__ import annotations

import multiprocessing
import threading

from sqlmodel import SQLModel, func, select

from core.listings import create_listing
from core.models import Listing
from core.people import load_actor
from core.storage import Database
from core.vocabularies import default_vocabularies
from tests.factories import need, person

PROCESSES = 10
THREADS = 5
WRITES_EACH = 4


def _process(url: str, actor_id: int, index: int, failures: multiprocessing.Queue) -> None:
    database = Database.from_url(url)
    vocab = default_vocabularies()
    start = threading.Barrier(THREADS)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(WRITES_EACH):
                with database.write() as s:
                    # Read then write in one transaction: the pattern that fails with
                    # "database is locked" when transactions begin deferred.
                    s.exec(select(func.count()).select_from(Listing)).one()
                    actor = load_actor(s, actor_id)
                    create_listing(s, vocab, actor, need(title=f"Need {index}-{n}-{i}"))
        except Exception as error:  # collected and asserted in the parent
            failures.put(repr(error))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    database.dispose()


def test_fifty_concurrent_writers_never_see_a_locked_database(tmp_path, vocab) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    setup = Database.from_url(url)
    SQLModel.metadata.create_all(setup.engine)
    with setup.write() as s:
        actor_id = person(s, vocab).id
    setup.dispose()
    context = multiprocessing.get_context("spawn")
    failures = context.Queue()
    processes = [
        context.Process(target=_process, args=(url, actor_id, n, failures))
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    errors = []
    while not failures.empty():
        errors.append(failures.get())
    assert errors == [] and all(p.exitcode == 0 for p in processes)
    check = Database.from_url(url)
    with check.read() as s:
        count = s.exec(select(func.count()).select_from(Listing)).one()
    check.dispose()
    assert count == PROCESSES * THREADS * WRITES_EACH
