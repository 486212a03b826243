"""Logging that never prints a secret: a filter replaces every configured secret wherever it
appears in a record, including inside URLs that HTTP libraries log (Telegram puts the bot
token in the URL path)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

MASK = "[secret]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, MASK)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, MASK)
            record.exc_info, record.exc_text = None, text
        return True


# Our own code; every other logger is a library's. At DEBUG the libraries write what people
# typed, their ids and link codes (python-telegram-bot, httpx, the Slack SDK), so they keep to
# the library level whatever the level of the bot. The loggers named here are set to it; the
# handler's filter holds every other library to it too.
OURS = ("bot", "core", "adapters", "migrations", "tools", "benchmarks", "__main__")
LIBRARIES = (
    "telegram",
    "httpx",
    "httpcore",
    "hpack",
    "slack_sdk",
    "slack_bolt",
    "aiohttp",
    "websockets",
    "apscheduler",
    "uvicorn",
    "starlette",
)  # not sqlalchemy: at INFO its engine writes every statement, parameters included
# A line per request or per job even at INFO: only with the library level at DEBUG.
CHATTY = ("httpx", "httpcore", "alembic", "apscheduler.executors.default")


def _level(name: str) -> int:
    return logging.getLevelNamesMapping()[name.upper()]


def is_ours(name: str) -> bool:
    return any(name == ours or name.startswith(ours + ".") for ours in OURS)


class LibraryLevel(logging.Filter):
    """Drops a library's records below the library level. The levels set on the loggers are
    not enough: some libraries set their loggers' level themselves (Bolt gives each logger
    it makes the root's level, DEBUG when the bot logs DEBUG)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or is_ours(record.name)


def configure_logging(level: str, secrets: Iterable[str], library_level: str = "INFO") -> None:
    """The bot's own loggers at `level`; the libraries' at `library_level`, or at `level`
    when that is quieter: a library never writes more than the bot asks for."""
    ours = _level(level)
    libraries = max(ours, _level(library_level))
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(LibraryLevel(libraries))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(ours)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(libraries)
    # Loggers a library made with a level of its own (Bolt's, at the root's level when they
    # were made) follow their library's from now on.
    for name, logger in list(logging.root.manager.loggerDict.items()):
        top = name.split(".", 1)[0]
        if "." in name and top in LIBRARIES and isinstance(logger, logging.Logger):
            logger.setLevel(logging.NOTSET)
    # httpx writes every request URL at INFO: kept quiet, though the filter would mask it.
    for chatty in CHATTY:
        quiet = libraries if libraries <= logging.DEBUG else max(libraries, logging.WARNING)
        logging.getLogger(chatty).setLevel(quiet)
