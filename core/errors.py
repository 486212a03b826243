"""Domain errors carry a message key and parameters, never text meant for a user:
the bot layer translates the key into the user's language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A known business reason why something cannot be done."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class InvalidInput(DomainError):
    """What was given does not pass validation; `field` names the offending field."""

    def __init__(self, key: str, field: str | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.field = field


class PermissionDenied(DomainError):
    pass


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The change is not allowed in the current state (e.g. withdrawing a withdrawn listing)."""
