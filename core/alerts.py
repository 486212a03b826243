"""Saved searches that alert: after a search, a person may ask to hear about the listings
that will fit it. A new or reopened listing, once anybody may see it, becomes one notice per
fitting search: at once, or held until the person's next morning (a daily digest), never
twice for one listing (the outbox's key), never to its own organisation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.directory import is_public
from core.errors import DomainError, NotFound, PermissionDenied
from core.models import Listing, ListingArea, Notification, SavedSearch, Stakeholder
from core.models.enums import Coverage, ListingKind, ListingStatus, NotificationStatus
from core.notifications import enqueue
from core.people import Actor
from core.quiet_hours import DEFAULT, current, zone
from core.storage import possible_id
from core.vocabularies import Vocabularies

MAX_ALERTS = 20  # per person: more would be a feed, not alerts


def save_search(
    session: Session,
    actor: Actor,
    kind: ListingKind,
    *,
    assistance_type: str | None = None,
    area: str | None = None,
    country: str | None = None,
    daily: bool = False,
) -> SavedSearch:
    """Saves the search; the same filters saved again are the one alert already saved."""
    mine = alerts_of(session, actor)
    for alert in mine:
        if (alert.kind, alert.assistance_type, alert.area, alert.country) == (
            kind,
            assistance_type,
            area,
            country,
        ):
            return alert
    if len(mine) >= MAX_ALERTS:
        raise DomainError("limit.alerts", limit=MAX_ALERTS)
    alert = SavedSearch(
        stakeholder_id=actor.id,
        kind=kind,
        assistance_type=assistance_type,
        area=area,
        country=country,
        daily=daily,
    )
    session.add(alert)
    session.flush()
    return alert


def alerts_of(session: Session, actor: Actor) -> list[SavedSearch]:
    return list(
        session.exec(
            select(SavedSearch)
            .where(SavedSearch.stakeholder_id == actor.id)
            .order_by(col(SavedSearch.id))
        )
    )


def _own(session: Session, actor: Actor, alert_id: int) -> SavedSearch:
    """Somebody else's alert is refused as if it did not exist: ids reveal nothing."""
    alert = session.get(SavedSearch, alert_id) if possible_id(alert_id) else None
    if alert is None:
        raise NotFound("not_found.alert")
    if alert.stakeholder_id != actor.id:
        raise PermissionDenied("not_found.alert")
    return alert


def pause_alert(session: Session, actor: Actor, alert_id: int) -> SavedSearch:
    alert = _own(session, actor, alert_id)
    alert.paused = True
    session.flush()
    return alert


def resume_alert(session: Session, actor: Actor, alert_id: int) -> SavedSearch:
    alert = _own(session, actor, alert_id)
    alert.paused = False
    session.flush()
    return alert


def set_daily(session: Session, actor: Actor, alert_id: int, daily: bool) -> SavedSearch:
    alert = _own(session, actor, alert_id)
    alert.daily = daily
    session.flush()
    return alert


def delete_alert(session: Session, actor: Actor, alert_id: int) -> None:
    session.delete(_own(session, actor, alert_id))
    session.flush()


def alert_new_listing(
    session: Session,
    vocab: Vocabularies,
    listing_id: int,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> int:
    """Tells every fitting saved search about the listing, if anybody may see it; returns
    how many notices are new (none the second time)."""
    now = now or utcnow()
    listing = session.exec(
        select(Listing).where(
            Listing.id == listing_id, Listing.status == ListingStatus.open, is_public(today)
        )
    ).first()
    if listing is None:
        return 0
    areas = select(ListingArea.area).where(ListingArea.listing_id == listing.id)
    rows = session.exec(
        select(SavedSearch, Stakeholder)
        .join(Stakeholder, col(Stakeholder.id) == SavedSearch.stakeholder_id)
        .where(
            SavedSearch.paused == sa.false(),
            SavedSearch.kind == listing.kind,
            sa.or_(
                col(SavedSearch.assistance_type).is_(None),
                SavedSearch.assistance_type == listing.assistance_type,
            ),
            sa.or_(col(SavedSearch.area).is_(None), col(SavedSearch.area).in_(areas)),
            sa.or_(
                col(Stakeholder.organisation_id).is_(None),
                Stakeholder.organisation_id != listing.organisation_id,
            ),
        )
        .order_by(col(SavedSearch.id))
    ).all()
    sent = 0
    for alert, person in rows:
        if person.id == listing.created_by_id or not _in_country(vocab, listing, alert.country):
            continue
        assert alert.id is not None and person.id is not None
        # Per person, not per search: two searches that fit, or a search saved before the
        # listing reopens, still make one notice for one listing.
        key = f"alert:{person.id}:{listing.id}"
        payload = {"listing_id": listing.id, "alert_id": alert.id}
        if enqueue(session, person.id, "alert", key, payload, now=now):
            sent += 1
            if alert.daily:
                _into_digest(session, person.id, key, listing.id, person.timezone, now)
    return sent


def _in_country(vocab: Vocabularies, listing: Listing, country: str | None) -> bool:
    """The rule of the search (core.listing_search): the listing is in the country, covers
    a region it belongs to, or the world."""
    if country is None or listing.coverage == Coverage.world or listing.country == country:
        return True
    known = vocab.countries.get(country)
    return (
        listing.coverage == Coverage.region
        and known is not None
        and listing.region in known.regions
    )


def next_morning(now: datetime, timezone: str) -> datetime:
    """The next end of the night in the person's zone: when the day's alerts arrive together."""
    end = (current() or DEFAULT).end
    local = now.astimezone(zone(timezone))
    day = local.date() + (timedelta(0) if local.time() < end else timedelta(days=1))
    return datetime.combine(day, end, tzinfo=local.tzinfo).astimezone(now.tzinfo)


def _into_digest(
    session: Session, person_id: int, key: str, listing_id: int, timezone: str, now: datetime
) -> None:
    """A daily alert goes into the person's digest of the next morning: one message with
    every listing of the day. Its own row stays, folded ("dropped"), as the mark that this
    listing was told: it is never told again, in a digest or not."""
    morning = next_morning(now, timezone)
    digest_key = f"alert_digest:{person_id}:{morning.date().isoformat()}"
    enqueue(session, person_id, "alert_digest", digest_key, {"listings": []}, now=now)
    digest = session.exec(
        select(Notification).where(Notification.idempotency_key == digest_key).with_for_update()
    ).one()
    own = sa.update(Notification).where(col(Notification.idempotency_key) == key)
    if digest.status != NotificationStatus.pending:  # gone already: this one goes alone
        session.execute(own.values(next_attempt_at=morning))
        return
    listings = list(digest.payload.get("listings", []))
    digest.payload = {"listings": [*listings, listing_id]}  # assigned: JSON is not tracked
    digest.next_attempt_at = max(digest.next_attempt_at, morning)
    session.execute(own.values(status=NotificationStatus.dropped, last_error="in the digest"))
    session.flush()


__all__ = [
    "MAX_ALERTS",
    "alert_new_listing",
    "alerts_of",
    "delete_alert",
    "next_morning",
    "pause_alert",
    "resume_alert",
    "save_search",
    "set_daily",
]
