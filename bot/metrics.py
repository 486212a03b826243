"""Prometheus metrics: updates handled, dialog-step latency, notifications sent and failed,
and how many wait in the outbox."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry()

UPDATES = Counter(
    "partnerbot_updates_handled",
    "Messages, commands and button presses handled",
    ["platform"],
    registry=REGISTRY,
)
STEP_SECONDS = Histogram(
    "partnerbot_dialog_step_seconds",
    "Time to handle one message, from arrival to replies",
    ["platform"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
NOTIFICATIONS = Counter(
    "partnerbot_notifications",
    "Notifications handed to a platform, by outcome",
    ["platform", "outcome"],
    registry=REGISTRY,
)
QUEUED = Gauge(
    "partnerbot_notifications_queued",
    "Notifications waiting in the outbox",
    registry=REGISTRY,
)
