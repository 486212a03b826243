from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.models import AuditEvent


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int,
    changes: dict[str, Any] | None = None,
) -> None:
    """Writes the audit trail in the caller's transaction: no change without its record."""
    session.add(
        AuditEvent(
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            changes=_jsonable(changes or {}),
        )
    )


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)

    return {key: plain(value) for key, value in changes.items()}
