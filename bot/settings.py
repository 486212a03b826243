"""Typed settings from the environment (and an optional .env file). Secrets are SecretStr:
they print as '**********' in logs, reprs and tracebacks."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from core.matching import DEFAULT_THRESHOLD, Weights
from core.quiet_hours import QuietHours

ENV_PREFIX = "PARTNERBOT_"


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'partnerbot.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default_factory=_default_database_url)
    default_language: Literal["en", "fr", "es"] = "en"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Admins from the start, e.g. "telegram:123456,slack:T0123/U0456,console:ana"
    admins: str = ""
    vocabulary_dir: Path | None = None

    telegram_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_base_url: str | None = None
    telegram_base_file_url: str | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    slack_path: str = "/slack/events"
    # Where "Open in Slack" on the public pages leads, e.g.
    # https://slack.com/app_redirect?app=A0123&team=T0123 ("{id}" becomes the listing's id).
    slack_app_url: str | None = None

    # Matching: a proposal is stored above this score (0 to 1); weights by component, e.g.
    # {"area": 0.4, "place": 0.2, "amount": 0.2, "time": 0.1, "text": 0.05, "modality": 0.05}
    # Coordinators verify new organisations and people before others see their listings.
    require_verification: bool = False
    match_threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0, le=1)
    match_weights: dict[str, float] = Field(default_factory=dict)

    # Notices written at night, in their recipient's time zone, wait for its end; "off" for
    # none.
    quiet_hours: str = "20:00-08:00"

    sweep_seconds: int = Field(default=600, ge=1)
    # How long a worker holds the notices it is sending; one that dies holding them delays
    # them this long, after which another worker sends them.
    outbox_lease_seconds: int = Field(default=120, ge=1)

    # Per person and day: listings they may create, and match notices they receive (beyond
    # it, one notice a day says how many matches wait in /matches).
    max_listings_per_day: int = Field(default=20, ge=1)
    max_match_notices_per_day: int = Field(default=10, ge=1)
    # Weeks after both sides accept a match until each is asked whether it led to cooperation.
    match_outcome_weeks: int = Field(default=6, ge=1)
    # Days before a consultation's deadline when those who have not answered are reminded
    # (JSON, e.g. [3, 1]; [] for none).
    consultation_reminder_days: list[int] = Field(default_factory=lambda: [3, 1])
    # Every HTTP request body above this is refused with 413, before it is read.
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    # The level of python-telegram-bot's, httpx's and the Slack SDK's own loggers, which at
    # DEBUG write message texts and ids: they stay at INFO unless this asks for more.
    library_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)

    # The public web platform (pages, feeds, API, IATI), served by `partnerbot serve`.
    web_enabled: bool = True
    # The address people reach the server at, for links in feeds, the IATI file and the chat;
    # by default http://<http_host>:<http_port>.
    public_url: str | None = None
    # Requests per minute and client (by address, held in memory only) on the API and feeds.
    web_rate_limit: int = Field(default=120, ge=1)
    # Signs the coordinators' login links; without it links stop working at each restart.
    web_secret: SecretStr | None = None
    web_login_minutes: int = Field(default=30, ge=1)
    # The platform as IATI's reporting organisation.
    iati_reporting_org_ref: str = "XI-IATI-PARTNERBOT"
    iati_reporting_org_name: str = "Platform for Partnerships"
    iati_reporting_org_type: str = "40"

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        if not url.startswith(("sqlite:", "postgresql", "postgres:")):
            raise ValueError("must be an sqlite:/// or postgresql:// URL")
        return url

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, text: str) -> str:
        try:
            QuietHours.parse(text)
        except ValueError as error:
            raise ValueError("must be like 20:00-08:00, or off") from error
        return text

    @property
    def quiet(self) -> QuietHours | None:
        return QuietHours.parse(self.quiet_hours)

    @field_validator("match_weights")
    @classmethod
    def _known_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        known = {f.name for f in fields(Weights)}
        unknown = set(weights) - known
        if unknown:
            raise ValueError(f"unknown components {sorted(unknown)}; known: {sorted(known)}")
        if any(value < 0 for value in weights.values()):
            raise ValueError("weights cannot be negative")
        return weights

    @property
    def weights(self) -> Weights:
        return Weights(**self.match_weights)

    @field_validator("vocabulary_dir")
    @classmethod
    def _existing_dir(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_dir():
            raise ValueError("is not a directory")
        return path

    @field_validator("admins")
    @classmethod
    def _identities(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            platform, _, ident = item.partition(":")
            if platform not in ("telegram", "slack", "console") or not ident:
                raise ValueError(f"{item!r} is not platform:id (telegram, slack or console)")
        return value

    @property
    def admin_identities(self) -> set[tuple[str, str, str]]:
        """(platform, workspace, user id) triples; a Slack id is written TEAM/USER."""
        found = set()
        for item in filter(None, (part.strip() for part in self.admins.split(","))):
            platform, _, ident = item.partition(":")
            workspace, _, user = ident.rpartition("/") if platform == "slack" else ("", "", ident)
            found.add((platform, workspace, user))
        return found

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")

    @property
    def has_telegram(self) -> bool:
        return self.telegram_token is not None

    @property
    def has_slack(self) -> bool:
        return self.slack_bot_token is not None

    def secrets(self) -> list[str]:
        """Every secret value, so the log filter can blank them out wherever they appear."""
        values = [
            self.telegram_token,
            self.telegram_webhook_secret,
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.web_secret,
        ]
        found = [v.get_secret_value() for v in values if v is not None]
        password = make_url(self.database_url).password
        if password:
            found.append(str(password))
        return [s for s in found if len(s) >= 4]


class SettingsError(Exception):
    """One line naming the variable at fault, for people, not a traceback."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ENV_PREFIX + str(first["loc"][0]).upper() if first["loc"] else ENV_PREFIX
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"invalid setting {name}: {message}") from None
