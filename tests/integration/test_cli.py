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
    assert failed.returncode == 2 and "unknown country “Narnia”" in failed.stderr


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


# -- the demo ---------------------------------------------------------------------------------


def _counts(database: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(database) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("organisation", "stakeholder", "channel_identity", "listing", "match")
        }


def test_seed_demo_is_refused_whole_when_a_demo_organisation_exists(tmp_path: Path) -> None:
    from core.models.enums import OrganisationKind
    from core.people import create_organisation
    from core.storage import Database
    from core.vocabularies import default_vocabularies

    assert run(tmp_path, "db", "upgrade").returncode == 0
    database = Database.from_url(f"sqlite:///{tmp_path / 'partnerbot.db'}")
    with database.write() as session:  # someone registered it before the demo was loaded
        create_organisation(
            session,
            default_vocabularies(),
            name="Mekong Mine Action Centre",
            kind=OrganisationKind.ngo,
            country="KH",
        )
    database.dispose()
    before = _counts(tmp_path / "partnerbot.db")

    refused = run(tmp_path, "seed", "--demo")
    assert refused.returncode == 2
    assert refused.stderr.strip().count("\n") == 0, refused.stderr  # one line
    assert "Mekong Mine Action Centre" in refused.stderr
    assert "nothing was loaded" in refused.stderr
    assert _counts(tmp_path / "partnerbot.db") == before


def test_seed_demo_proposes_matches_that_a_demo_person_sees(tmp_path: Path) -> None:
    seeded = run(tmp_path, "seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    matches = _counts(tmp_path / "partnerbot.db")["match"]
    # Two were accepted, not left proposed: the demo's partnerships were drafted from them.
    assert matches > 2 and f"{matches - 2} matches proposed, 2 partnerships)" in seeded.stdout

    again = run(tmp_path, "seed", "--demo")
    assert "0 new organisations, 0 listings, 0 matches proposed, 0 partnerships" in again.stdout
    (tmp_path / "strict").mkdir()
    strict = run(tmp_path / "strict", "seed", "--demo", PARTNERBOT_MATCH_THRESHOLD="1")
    assert "0 matches proposed" in strict.stdout  # the configured threshold
    assert _counts(tmp_path / "partnerbot.db")["match"] == matches

    command = [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    chat = subprocess.run(
        [*command, "chat", "--as", "sokha"],
        input="/matches\n",
        cwd=tmp_path,
        env={**clean, "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert chat.returncode == 0, chat.stderr
    shown = chat.stdout.split("> /matches", 1)[1]
    assert "Prosthetic workshop equipment for Battambang" in shown
    assert "Rehabilitation equipment for South-East Asia" in shown


# -- search -------------------------------------------------------------------------------------


def test_search_reads_a_country_by_name_and_lists_the_valid_codes(tmp_path: Path) -> None:
    run(tmp_path, "seed", "--demo")
    by_code = run(tmp_path, "search", "--kind", "need", "--country", "KH")
    for country in ("Cambodia", "cambodge", "kh"):
        by_name = run(tmp_path, "search", "--kind", "need", "--country", country)
        assert by_name.returncode == 0, by_name.stderr
        assert by_name.stdout == by_code.stdout

    for option, given, valid in (
        ("--area", "mines", "stockpile_destruction"),
        ("--type", "money", "technical_support"),
    ):
        failed = run(tmp_path, "search", option, given)
        assert failed.returncode == 2
        assert failed.stderr.strip().count("\n") == 0, failed.stderr
        assert f"“{given}”" in failed.stderr and valid in failed.stderr
        assert failed.stdout == ""

    helped = run(tmp_path, "search", "--help")
    assert helped.returncode == 0
    for code in ("survey_clearance", "stockpile_destruction", "financial", "technical_support"):
        assert code in helped.stdout


def test_search_says_when_a_page_is_past_the_end(tmp_path: Path) -> None:
    run(tmp_path, "seed", "--demo")
    last = run(tmp_path, "search", "--page", "2")
    assert last.returncode == 0 and "page 2 of 2, 8 listing(s)" in last.stdout
    past = run(tmp_path, "search", "--page", "3")
    assert past.returncode == 2 and past.stdout == ""
    assert "page 3 is past the end: 8 listing(s) on 2 page(s)" in past.stderr


# -- remind, export -----------------------------------------------------------------------------


def _night_zone() -> str:
    """A time zone where it is about two in the morning now: quiet hours hold its notices."""
    from core.clock import utcnow

    offset = (2 - utcnow().hour + 12) % 24 - 12  # -12 .. +11 hours, all Etc/GMT zones
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def test_remind_dry_run_tells_what_quiet_hours_hold(tmp_path: Path) -> None:
    import sqlite3
    from datetime import timedelta

    from core.clock import utcnow
    from tests.factories import daytime_zone

    run(tmp_path, "seed", "--demo")
    stale = (utcnow() - timedelta(days=100)).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(tmp_path / "partnerbot.db") as connection:
        for name, zone, title in (
            ("Sokha Chan", _night_zone(), "Prosthetic workshop%"),
            ("Ingrid Berg", daytime_zone()[0], "Multi-year funding%"),
        ):
            connection.execute("UPDATE stakeholder SET timezone = ? WHERE name = ?", (zone, name))
            connection.execute(
                "UPDATE listing SET last_confirmed_at = ? WHERE title LIKE ?", (stale, title)
            )
    dry = run(tmp_path, "remind", "--dry-run", PARTNERBOT_QUIET_HOURS="20:00-08:00")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    [held] = [line for line in lines if "Sokha Chan" in line]
    [now] = [line for line in lines if "Ingrid Berg" in line]
    assert "listing_stale" in held and "held until" in held and "08:00" in held
    assert "listing_stale" in now and " now " in now
    planned = [line for line in lines if line.split()[1:2] == ["to"]]  # a digest too
    kept = [line for line in planned if "held until" in line]
    assert planned[-len(kept) :] == kept  # what goes out now comes first
    sent = len(planned) - len(kept)
    assert f"{sent} notices would be sent now, {len(kept)} held by quiet hours" in dry.stdout


def test_export_without_out_writes_a_new_named_folder(tmp_path: Path) -> None:
    import re

    run(tmp_path, "seed", "--demo")
    first = run(tmp_path, "export")
    second = run(tmp_path, "export", "--format", "json")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    folders = sorted(p for p in tmp_path.iterdir() if p.is_dir())
    assert len(folders) == 2  # each export its own folder, even within the same second
    for folder, printed in zip(folders, (first.stdout, second.stdout), strict=True):
        assert re.fullmatch(r"partnerbot-export-\d{8}-\d{6}(-\d+)?", folder.name)
        assert str(folder) in printed
    assert "Prosthetic workshop equipment" in (folders[0] / "needs.csv").read_text(encoding="utf-8")
    assert (folders[1] / "partnerbot-export.json").exists()
    assert not list(tmp_path.glob("*.csv"))  # nothing left loose where it ran
