"""Fixtures shared by every test: a real database, SQLite and PostgreSQL alike.

PostgreSQL runs whenever it is reachable. On CI (CI=true) an unreachable server is an error,
not a skip, so a broken database setup cannot pass unnoticed."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table)
from core import quiet_hours
from core.storage import Database, create_engine
from core.vocabularies import Vocabularies, default_vocabularies

# No test depends on the hour it runs at: quiet hours are off unless a test turns them on
# with a clock of its own (tests/unit/test_quiet_hours.py), or puts its people where it is day
# (tests.factories.daytime_zone) when it runs the real sweeps in real processes.
os.environ.setdefault("PARTNERBOT_QUIET_HOURS", "off")


@pytest.fixture(autouse=True)
def _no_quiet_hours() -> Iterator[None]:
    quiet_hours.configure(None)
    yield
    quiet_hours.configure(None)


PG_URL = os.environ.get("PARTNERBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_server() -> str:
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except sa.exc.OperationalError as error:
        message = f"PostgreSQL is unreachable at {PG_URL}: {str(error).splitlines()[0]}"
        if _on_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return PG_URL


def make_pg_schema(url: str) -> str:
    """A fresh schema for this run, so runs never see each other's rows."""
    schema = f"pbtest_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema


def drop_pg_schema(url: str, schema: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def pg_database(url: str, schema: str) -> Database:
    return Database.from_url(url, connect_args={"options": f"-csearch_path={schema}"})


@pytest.fixture(scope="session")
def pg_shared(pg_server: str) -> Iterator[Database]:
    schema = make_pg_schema(pg_server)
    database = pg_database(pg_server, schema)
    SQLModel.metadata.create_all(database.engine)
    yield database
    database.dispose()
    drop_pg_schema(pg_server, schema)


def _truncate(database: Database) -> None:
    """Empties every table and starts the ids again at 1. DELETE, not TRUNCATE: on tables
    this small it is ten times faster (TRUNCATE makes new files for some 30 tables, 110 ms a
    test), and the suite runs some 550 tests on PostgreSQL."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))  # children first
    with database.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        for table in tables:
            if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                sequence = f"pg_get_serial_sequence('\"{table.name}\"', 'id')"
                connection.execute(sa.text(f"SELECT setval({sequence}, 1, false)"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[Database]:
    """A real, empty database with the whole schema: each test runs on both backends."""
    if request.param == "sqlite":
        database = Database.from_url(f"sqlite:///{tmp_path}/partnerbot.db")
        SQLModel.metadata.create_all(database.engine)
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("pg_shared")
        _truncate(database)
        yield database


@pytest.fixture
def sqlite_db(tmp_path: os.PathLike[str]) -> Iterator[Database]:
    database = Database.from_url(f"sqlite:///{tmp_path}/partnerbot.db")
    SQLModel.metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def vocab() -> Vocabularies:
    return default_vocabularies()


@pytest.fixture
def made_folders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The temporary folders made during the test (the bot makes one for each file)."""
    made: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(*args: Any, **kwargs: Any) -> str:
        made.append(real_mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    return made
