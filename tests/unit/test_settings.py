from __future__ import annotations

import logging

import pytest

from bot.cli import main
from bot.logs import MASK, RedactSecrets
from bot.settings import SettingsError, load_settings

TOKEN = "123456:AAE-secret-telegram-token"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("TELEGRAM_TOKEN", "SLACK_BOT_TOKEN", "DATABASE_URL", "DEFAULT_LANGUAGE"):
        monkeypatch.delenv(f"PARTNERBOT_{name}", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_need_nothing_configured(tmp_path) -> None:
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'partnerbot.db'}"
    assert not settings.has_telegram and not settings.has_slack


def test_secrets_never_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERBOT_TELEGRAM_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.has_telegram
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PARTNERBOT_DEFAULT_LANGUAGE", "de"),
        ("PARTNERBOT_DATABASE_URL", "mysql://x"),
        ("PARTNERBOT_HTTP_PORT", "99999"),
        ("PARTNERBOT_ADMINS", "irc:joe"),
    ],
)
def test_an_invalid_setting_names_its_variable(monkeypatch, name, value) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^invalid setting {name}: "):
        load_settings()


def test_the_cli_stops_with_one_line_and_exit_code_2(monkeypatch, capsys) -> None:
    monkeypatch.setenv("PARTNERBOT_DEFAULT_LANGUAGE", "de")
    assert main(["search"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "PARTNERBOT_DEFAULT_LANGUAGE" in err
    assert "Traceback" not in err


def test_admin_identities_are_parsed(monkeypatch) -> None:
    monkeypatch.setenv("PARTNERBOT_ADMINS", "telegram:42, slack:T01/U02,console:ana")
    assert load_settings().admin_identities == {
        ("telegram", "", "42"),
        ("slack", "T01", "U02"),
        ("console", "", "ana"),
    }


def test_the_log_filter_masks_secrets_in_messages_and_arguments() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "HTTP Request: POST %s",
        (f"https://api.telegram.org/bot{TOKEN}/getMe",),
        None,
    )
    RedactSecrets([TOKEN]).filter(record)
    assert TOKEN not in record.getMessage() and MASK in record.getMessage()


def test_the_log_filter_masks_secrets_in_tracebacks() -> None:
    try:
        raise RuntimeError(f"failed with {TOKEN}")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    RedactSecrets([TOKEN]).filter(record)
    assert TOKEN not in (record.exc_text or "") and record.exc_info is None


def test_the_database_password_counts_as_a_secret(monkeypatch) -> None:
    monkeypatch.setenv("PARTNERBOT_DATABASE_URL", "postgresql://bot:s3cretpw@db/partners")
    assert "s3cretpw" in load_settings().secrets()
