"""Matching speed: the top 10 counterparts of a new listing among N open listings, through
the indexed query, against a naive in-Python scoring of every listing on the same data.

    .venv/bin/python -m benchmarks.matching                 # 10k and 100k, SQLite and PostgreSQL
    .venv/bin/python -m benchmarks.matching --sizes 1000 --queries 20 --backends sqlite

Prints the median and p95 latency of each, and their ratio. PostgreSQL is used when
PARTNERBOT_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) answers;
the benchmark works in a schema of its own and drops it afterwards."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

import core.models  # noqa: F401
from core.clock import utcnow
from core.matching import Weights, rank, score_pair, sides
from core.models import Listing, ListingArea, Organisation
from core.models.enums import Coverage, ListingKind, ListingStatus
from core.models.listing import area_mask
from core.storage import Database, create_engine
from core.vocabularies import Vocabularies, default_vocabularies

PG_URL = os.environ.get(
    "PARTNERBOT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
AFFECTED = [
    "AF",
    "AO",
    "BA",
    "KH",
    "CO",
    "HR",
    "CY",
    "EC",
    "ER",
    "ET",
    "IQ",
    "LA",
    "LB",
    "MZ",
    "MM",
    "NI",
    "PE",
    "SN",
    "SO",
    "LK",
    "SD",
    "SS",
    "TJ",
    "TH",
    "TD",
    "UA",
    "VN",
    "YE",
    "ZW",
    "SY",
    "LY",
    "ML",
    "NE",
    "BF",
    "CD",
    "PS",
    "JO",
    "EH",
    "AZ",
    "AM",
]
DONORS = ["NO", "JP", "DE", "GB", "US", "CH", "NL", "CA", "AU", "FR", "SE", "BR", "ZA", "KR"]
WORDS = (
    "kits prosthetic clearance survey detectors training teachers risk education victims "
    "rehabilitation stockpile destruction database mapping vehicles funding centre "
    "community schools rural province national capacity advocacy medical"
).split()


def populate(db: Database, vocab: Vocabularies, size: int, rng: random.Random) -> None:
    """`size` open listings, half needs in mine-affected states, half offers by donors."""
    today = utcnow().date()
    types = vocab.assistance_types.codes()
    areas = vocab.thematic_areas.codes()
    regions = sorted({vocab.countries[c].subregion for c in AFFECTED} | {"142", "002", "202"})
    with db.engine.begin() as connection:
        orgs = [
            {
                "name": f"Org {c} {i}",
                "name_key": f"org {c.lower()} {i}",
                "kind": "government",
                "country": c,
                "verification": "verified",
                "created_at": utcnow(),
            }
            for i in range(3)
            for c in AFFECTED + DONORS
        ]
        connection.execute(sa.insert(Organisation.__table__), orgs)
        org_ids = {row.country: [] for row in connection.execute(sa.select(Organisation.country))}
        for row in connection.execute(sa.select(Organisation.id, Organisation.country)):
            org_ids[row.country].append(row.id)
        listings, area_rows, masks = [], [], []
        for n in range(size):
            is_need = n % 2 == 0
            start = today + timedelta(days=rng.randint(-60, 120))
            row = {
                "kind": ListingKind.need if is_need else ListingKind.offer,
                "title": " ".join(rng.sample(WORDS, 4)),
                "description": " ".join(rng.sample(WORDS, 8)),
                "assistance_type": rng.choice(types),
                "status": ListingStatus.open,
                "visibility": "public",
                "available_from": start,
                "available_until": start + timedelta(days=rng.randint(60, 720)),
                "last_confirmed_at": utcnow(),
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "country": None,
                "region": None,
                "amount": None,
                "currency": None,
                "remaining_amount": None,
                "quantity": None,
                "unit": None,
                "remaining_quantity": None,
                "priority": None,
                "modality": None,
            }
            if is_need:
                country = rng.choice(AFFECTED)
                row.update(
                    coverage=Coverage.country,
                    country=country,
                    priority="high",
                    region=vocab.countries[country].subregion,
                    organisation_id=rng.choice(org_ids[country]),
                )
            else:
                donor = rng.choice(DONORS)
                coverage = rng.choices(
                    [Coverage.world, Coverage.region, Coverage.country], [3, 3, 4]
                )[0]
                row.update(coverage=coverage, organisation_id=rng.choice(org_ids[donor]))
                if coverage is Coverage.region:
                    row["region"] = rng.choice(regions)
                elif coverage is Coverage.country:
                    country = rng.choice(AFFECTED)
                    row.update(country=country, region=vocab.countries[country].subregion)
            if rng.random() < 0.6:
                amount = Decimal(rng.randrange(10, 1000) * 1000)
                row.update(amount=amount, remaining_amount=amount, currency="USD")
            listings.append(row)
        for chunk in range(0, size, 5000):
            result = connection.execute(
                sa.insert(Listing.__table__).returning(
                    Listing.__table__.c.id, sort_by_parameter_order=True
                ),
                listings[chunk : chunk + 5000],
            )
            for listing_id in result.scalars():
                chosen = rng.sample(areas, rng.choice([1, 1, 2, 2, 3]))
                masks.append({"listing_id": listing_id, "mask": area_mask(chosen)})
                area_rows.extend({"listing_id": listing_id, "area": a} for a in chosen)
        for chunk in range(0, len(area_rows), 10000):
            connection.execute(sa.insert(ListingArea.__table__), area_rows[chunk : chunk + 10000])
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def new_listing(db: Database, vocab: Vocabularies, rng: random.Random) -> int:
    """One more listing, as a person would register it; its id."""
    with db.engine.begin() as connection:
        ids = connection.execute(sa.select(sa.func.max(Listing.id))).scalar_one()
        template = (
            connection.execute(
                sa.select(Listing.__table__).where(Listing.id == rng.randint(1, ids))
            )
            .mappings()
            .one()
        )
        row = {k: v for k, v in template.items() if k != "id"}
        row["organisation_id"] = template["organisation_id"]
        new_id = connection.execute(
            sa.insert(Listing.__table__).returning(Listing.__table__.c.id), row
        ).scalar_one()
        areas = rng.sample(vocab.thematic_areas.codes(), 2)
        connection.execute(
            sa.insert(ListingArea.__table__), [{"listing_id": new_id, "area": a} for a in areas]
        )
    return new_id


def naive_top10(db: Database, vocab: Vocabularies, listing_id: int, today: date) -> list[int]:
    """What one would write without the index: load every listing, score every pair."""
    with db.read() as session:
        every = sides(session, vocab, None)
    me = every[listing_id]
    scored = []
    for other in every.values():
        if other.kind == me.kind:
            continue
        need, offer = (me, other) if me.kind == ListingKind.need else (other, me)
        result = score_pair(need, offer, vocab, Weights(), today)
        if result is not None:
            scored.append((result.score, other.id))
    return [i for _, i in sorted(scored, reverse=True)[:10]]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def database(backend: str) -> Iterator[Database]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            db = Database.from_url(f"sqlite:///{Path(folder) / 'bench.db'}")
            SQLModel.metadata.create_all(db.engine)
            yield db
            db.dispose()
        return
    schema = f"pbbench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    db = Database.from_url(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        SQLModel.metadata.create_all(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def postgres_reachable() -> bool:
    try:
        engine = create_engine(PG_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def run(backend: str, size: int, queries: int, naive_queries: int) -> None:
    vocab = default_vocabularies()
    rng = random.Random(size)
    with database(backend) as db:
        started = time.perf_counter()
        populate(db, vocab, size, rng)
        loaded = time.perf_counter() - started
        today = utcnow().date()
        fresh = [new_listing(db, vocab, rng) for _ in range(queries)]
        indexed, naive = [], []
        for listing_id in fresh:
            started = time.perf_counter()
            with db.read() as session:
                rank(session, vocab, listing_id, limit=10, today=today)
            indexed.append((time.perf_counter() - started) * 1000)
        for listing_id in fresh[:naive_queries]:
            started = time.perf_counter()
            naive_top10(db, vocab, listing_id, today)
            naive.append((time.perf_counter() - started) * 1000)
    median, p95 = statistics.median(indexed), percentile(indexed, 0.95)
    naive_median = statistics.median(naive) if naive else float("nan")
    print(
        f"{backend:10} {size:>7} listings  indexed top-10: median {median:7.2f} ms, "
        f"p95 {p95:7.2f} ms  |  naive: median {naive_median:9.1f} ms  |  "
        f"{naive_median / median:6.0f}x faster  (load {loaded:.1f} s, {queries} queries)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--naive-queries", type=int, default=5)
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    args = parser.parse_args()
    backends = list(args.backends)
    if "postgresql" in backends and not postgres_reachable():
        print(f"PostgreSQL is not reachable at {PG_URL}: skipped")
        backends.remove("postgresql")
    for backend in backends:
        for size in args.sizes:
            run(backend, size, args.queries, args.naive_queries)


if __name__ == "__main__":
    main()
