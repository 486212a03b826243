"""`partnerbot` that cannot start says why in one line on stderr, names no secret, and exits
with code 2: the database out of reach, a database that does not exist, a setting that is not
JSON, the HTTP port taken, a read-only database file. (A full disk is left out: it cannot be
made here without mocking, and it takes the same path as a read-only file.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

PARTNERBOT = Path(sys.executable).parent / "partnerbot"
PASSWORD = "pw-never-shown-4711"  # trust auth ignores it; it must never be printed


def start(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    command = [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env={**clean, "PARTNERBOT_QUIET_HOURS": "off", **env},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def one_line(result: subprocess.CompletedProcess[str], *naming: str) -> str:
    """The single line the start-up failure printed, checked: exit code 2, no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(lines) == 1, result.stderr[-2000:]
    line = lines[0]
    assert line.startswith("partnerbot: ")
    for word in naming:
        assert word in line, line
    assert PASSWORD not in result.stderr + result.stdout
    return line


def test_an_unreachable_postgresql(tmp_path: Path) -> None:
    url = f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/partnerbot"
    line = one_line(start(tmp_path, "serve", PARTNERBOT_DATABASE_URL=url), "127.0.0.1", "1")
    assert "refused" in line.lower()


def test_a_database_that_does_not_exist(tmp_path: Path, pg_server: str) -> None:
    name = f"partnerbot_missing_{uuid.uuid4().hex[:8]}"
    url = f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/{name}"
    one_line(start(tmp_path, "serve", PARTNERBOT_DATABASE_URL=url), name, "does not exist")


def test_a_setting_that_is_not_json(tmp_path: Path) -> None:
    result = start(tmp_path, "serve", PARTNERBOT_MATCH_WEIGHTS="{not json")
    one_line(result, "PARTNERBOT_MATCH_WEIGHTS", "JSON")


def test_the_http_port_in_use(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        result = start(
            tmp_path,
            "serve",
            PARTNERBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'partnerbot.db'}",
            PARTNERBOT_HTTP_HOST="127.0.0.1",
            PARTNERBOT_HTTP_PORT=port,
        )
    one_line(result, f"127.0.0.1:{port}", "in use")


def test_a_database_file_opened_read_only(tmp_path: Path) -> None:
    """SQLite's own read-only mode: refused writes even to root."""
    database = tmp_path / "partnerbot.db"
    database.touch()
    url = f"sqlite:///file:{database}?mode=ro&uri=true"
    one_line(start(tmp_path, "serve", PARTNERBOT_DATABASE_URL=url), "readonly")


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root, which writes through modes 0444 and 0555; "
    "test_a_database_file_opened_read_only covers root",
)
def test_a_database_file_and_folder_without_write_permission(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    database = folder / "partnerbot.db"
    database.touch()
    database.chmod(0o444)
    folder.chmod(0o555)
    try:
        result = start(tmp_path, "serve", PARTNERBOT_DATABASE_URL=f"sqlite:///{database}")
    finally:
        folder.chmod(0o755)
    one_line(result, "readonly")


def test_the_web_server_answers_without_waiting_for_acks() -> None:
    """Connections of `partnerbot serve` send at once (TCP_NODELAY): a reply in two writes
    must not wait for the client's delayed ACK."""
    import socket

    from bot.app import _listen

    listener = _listen("127.0.0.1", 0)
    try:
        assert listener.proto == socket.IPPROTO_TCP  # asyncio sets TCP_NODELAY only then
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        accepted.close()
        client.close()
    finally:
        listener.close()
