"""Alembic migrations. A package, so that they install with Partnerbot and are found at
start-up wherever it is installed."""
