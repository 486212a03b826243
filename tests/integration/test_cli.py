"""The `partnerbot` command as people run it: a subprocess in a fresh directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PARTNERBOT = Path(sys.executable).parent / "partnerbot"


def run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    command = [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_version_and_help(tmp_path: Path) -> None:
    assert run(tmp_path, "version").stdout.startswith("partnerbot ")
    helped = run(tmp_path, "--help")
    assert helped.returncode == 0
    for command in ("run", "db", "seed", "search", "version"):
        assert command in helped.stdout


def test_seed_demo_then_search_finds_the_sample(tmp_path: Path) -> None:
    seeded = run(tmp_path, "seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    assert "8 new organisations" in seeded.stdout
    assert (tmp_path / "partnerbot.db").exists()  # the default: a file where it runs

    again = run(tmp_path, "seed", "--demo")
    assert "0 new organisations" in again.stdout  # seeding twice adds nothing

    needs = run(tmp_path, "search", "--kind", "need", "--country", "KH")
    assert needs.returncode == 0, needs.stderr
    assert "Prosthetic workshop equipment for Battambang" in needs.stdout
    assert "2 listing(s)" in needs.stdout

    offers = run(tmp_path, "search", "--kind", "offer", "--country", "KH")
    assert "Rehabilitation equipment for South-East Asia" in offers.stdout
    assert "Detectors for Sub-Saharan Africa" not in offers.stdout


def test_db_upgrade_on_an_empty_directory(tmp_path: Path) -> None:
    upgraded = run(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" in upgraded.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PARTNERBOT_DATABASE_URL", "oracle://db"), ("PARTNERBOT_LOG_LEVEL", "LOUD")],
)
def test_a_bad_setting_is_one_line_and_exit_code_2(tmp_path: Path, variable, value) -> None:
    failed = run(tmp_path, "search", **{variable: value})
    assert failed.returncode == 2
    assert failed.stderr.strip().count("\n") == 0 and variable in failed.stderr


def test_a_bad_search_filter_is_a_clear_error(tmp_path: Path) -> None:
    failed = run(tmp_path, "search", "--country", "Narnia")
    assert failed.returncode == 2 and "invalid.country" in failed.stderr


def test_the_token_never_reaches_the_output(tmp_path: Path) -> None:
    token = "999999:SECRET-token-value"
    result = run(tmp_path, "search", PARTNERBOT_TELEGRAM_TOKEN=token, PARTNERBOT_LOG_LEVEL="DEBUG")
    assert token not in result.stdout + result.stderr


def test_remind_dry_run_prints_and_changes_nothing(tmp_path: Path) -> None:
    import sqlite3

    run(tmp_path, "seed", "--demo")
    database = tmp_path / "partnerbot.db"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE listing SET last_confirmed_at = '2020-01-01 00:00:00' WHERE id = 1"
        )
        before = connection.execute("SELECT count(*) FROM notification").fetchone()[0]
    dry = run(tmp_path, "remind", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "listing_expired" in dry.stdout and "would be sent" in dry.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM notification").fetchone()[0] == before
        assert connection.execute("SELECT status FROM listing WHERE id = 1").fetchone()[0] == "open"
    real = run(tmp_path, "remind")
    assert "1 listings expired" in real.stdout
    again = run(tmp_path, "remind", "--dry-run")
    assert "0 notices would be sent" in again.stdout
