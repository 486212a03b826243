"""Receipts of platform deliveries (a Telegram update, a Slack event), written with the
effects of each so that a repeated delivery has none (bot.chatbot.first_delivery).

A receipt is worth keeping only while a platform may deliver the same update again: Telegram
keeps an undelivered update for 24 hours, Slack retries an event within minutes. Kept longer,
receipts only grow the table, and they turn new updates into "repeats" when a bot's update ids
start again (an emulator restarted with the same bot)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.models import InboundReceipt

KEEP = timedelta(hours=48)  # twice the longest a platform holds an update
BATCH = 10_000  # at most this many a call: the write lock is held briefly, even after a backlog


def prune_receipts(
    session: Session, now: datetime, keep: timedelta = KEEP, *, batch: int = BATCH
) -> int:
    """Deletes receipts older than `keep`, the oldest first, at most `batch` of them; returns
    how many went. Run regularly, it keeps up with any traffic a bot of ours sees."""
    oldest = (
        select(InboundReceipt.id)
        .where(col(InboundReceipt.received_at) < now - keep)
        .order_by(col(InboundReceipt.received_at))
        .limit(batch)
    )
    # A subquery, not a list of ids: SQLite limits the parameters of one statement.
    result = session.execute(
        sa.delete(InboundReceipt).where(col(InboundReceipt.id).in_(oldest.scalar_subquery()))
    )
    return int(result.rowcount or 0)
