"""The schema that the migrations build is the schema that the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.migrate import upgrade
from core.storage import Database
from tests.conftest import drop_pg_schema, make_pg_schema, pg_database


def schema_differences(database: Database) -> list:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def migrated_tables(database: Database) -> set[str]:
    return set(sa.inspect(database.engine).get_table_names()) - {"alembic_version"}


def test_sqlite_migrations_build_the_models_schema(tmp_path) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path}/migrated.db")
    upgrade(database.engine)
    upgrade(database.engine)  # a second run at start-up is a no-op
    assert migrated_tables(database) == set(SQLModel.metadata.tables)
    assert schema_differences(database) == []
    database.dispose()


def test_postgresql_migrations_build_the_models_schema(pg_server: str) -> None:
    schema = make_pg_schema(pg_server)
    database = pg_database(pg_server, schema)
    try:
        upgrade(database.engine)
        assert migrated_tables(database) == set(SQLModel.metadata.tables)
        assert schema_differences(database) == []
    finally:
        database.dispose()
        drop_pg_schema(pg_server, schema)


def test_the_check_would_notice_a_missing_column(tmp_path) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path}/drifted.db")
    upgrade(database.engine)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE listing DROP COLUMN unit")
    differences = schema_differences(database)
    database.dispose()
    assert any(diff[0] == "add_column" and diff[3].name == "unit" for diff in differences)


def test_the_area_bits_of_existing_listings_are_filled_in(tmp_path) -> None:
    from core.models.listing import area_mask

    database = Database.from_url(f"sqlite:///{tmp_path}/old.db")
    upgrade(database.engine, "0002")
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO organisation (name, name_key, kind, verification, created_at) "
            "VALUES ('Org', 'org', 'ngo', 'verified', '2026-01-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO listing (kind, organisation_id, title, description, assistance_type, "
            "coverage, visibility, status, last_confirmed_at, created_at, updated_at) VALUES "
            "('need', 1, 'Kits', '', 'equipment', 'global', 'public', 'open', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO listing_area (listing_id, area) VALUES (1, 'advocacy'), "
            "(1, 'victim_assistance')"
        )
    upgrade(database.engine)
    with database.engine.connect() as connection:
        mask = connection.exec_driver_sql("SELECT area_mask FROM listing").scalar_one()
    database.dispose()
    assert mask == area_mask({"advocacy", "victim_assistance"}) != 0
