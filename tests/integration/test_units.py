"""Where a message is handled: on the event loop when SQLite's writer is free, in a worker
thread when it would have to wait (the loop goes on meanwhile), and always in a thread on
PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import sqlalchemy as sa

from bot.units import run_unit
from core.storage import Database, may_take_long


def _thread_name(_: object) -> str:
    return threading.current_thread().name


async def test_a_free_sqlite_writer_runs_the_work_on_the_loop(db: Database) -> None:
    ran_on = await run_unit(db, _thread_name, None)
    if db.is_sqlite:
        assert ran_on == threading.current_thread().name
    else:
        assert ran_on != threading.current_thread().name


async def test_a_busy_sqlite_writer_sends_the_work_to_a_thread_and_the_loop_goes_on(
    tmp_path: Path,
) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'units.db'}")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.write():
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)

    def write(_: object) -> str:
        with db.write():  # waits for the holder
            return threading.current_thread().name

    unit = asyncio.create_task(run_unit(db, write, None))
    ticks = 0
    while ticks < 5:  # the loop is not blocked while the unit waits for the writer
        await asyncio.sleep(0.01)
        ticks += 1
    assert not unit.done()
    release.set()
    ran_on = await asyncio.wait_for(unit, 5)
    holder.join()
    assert ran_on != threading.current_thread().name
    db.dispose()


async def test_a_write_lock_held_by_another_process_sends_the_work_to_a_thread(
    tmp_path: Path,
) -> None:
    import sqlite3

    from sqlmodel import SQLModel

    db = Database.from_url(f"sqlite:///{tmp_path / 'units.db'}")
    SQLModel.metadata.create_all(db.engine)
    other = sqlite3.connect(tmp_path / "units.db", isolation_level=None)  # not our lock
    other.execute("BEGIN IMMEDIATE")

    def write(_: object) -> str:
        with db.write() as session:
            session.execute(
                sa.text("INSERT INTO inbound_receipt (key, received_at) VALUES ('k', '2026-01-01')")
            )
        return threading.current_thread().name

    unit = asyncio.create_task(run_unit(db, write, None))
    await asyncio.sleep(0.1)  # the loop runs: the unit waits in a thread, not here
    assert not unit.done()
    other.execute("COMMIT")
    ran_on = await asyncio.wait_for(unit, 10)
    assert ran_on != threading.current_thread().name
    with db.read() as session:
        assert session.execute(sa.text("SELECT count(*) FROM inbound_receipt")).scalar() == 1
    other.close()
    db.dispose()


async def test_slow_work_goes_to_a_thread_and_happens_once(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'units.db'}")
    calls: list[str] = []

    def slow(_: object) -> str:
        calls.append(threading.current_thread().name)
        may_take_long()
        return "done"

    assert await run_unit(db, slow, None) == "done"
    loop_thread = threading.current_thread().name
    assert calls[0] == loop_thread and calls[-1] != loop_thread  # stopped, then run again
    db.dispose()
