"""The terminal chat as a newcomer uses it: `partnerbot chat` in a subprocess, through pipes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PARTNERBOT = Path(sys.executable).parent / "partnerbot"


def chat(cwd: Path, user: str, lines: list[str], admins: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    command = [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]
    done = subprocess.run(
        [*command, "chat", "--as", user],
        input="\n".join(lines) + "\n",
        cwd=cwd,
        env={
            **env,
            "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
            "PARTNERBOT_ADMINS": admins,
            "PARTNERBOT_QUIET_HOURS": "off",  # notices at once, whatever the hour of the run
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


FIELD_CONTACT = [
    "1",  # English
    "Ana Lima",
    "Mekong Mine Action Centre",
    "6",  # national authority
    "Cambodia",
    "1",  # I register needs
    "1",  # the time zone suggested for Cambodia
    "6",  # skip: no contact details shared with partners
    "1",  # save
    "/need",
    "2",  # equipment
    "2",  # victim assistance: one area, one tap
    "Prosthetic kits for Battambang",
    "1",  # in Cambodia
    "40 kits",
    "2030-06-30",
    "1",  # high
    "1",  # save
]

DONOR = [
    "1",
    "Kim Berg",
    "Nordic Cooperation Fund",
    "1",  # government
    "Norway",
    "2",  # I offer assistance
    "1",
    "6",  # skip: no contact details shared with partners
    "1",
    "/offer",
    "2",  # equipment
    "2",  # victim assistance
    "Rehabilitation kits",
    "4",  # worldwide
    "25 kits",
    "2",  # skip: available now
    "2",  # skip: no end date
    "2",  # skip: no details
    "1",  # save
]


def test_a_newcomer_registers_a_need_then_a_donor_an_offer_and_both_are_found(tmp_path):
    first = chat(tmp_path, "ana", FIELD_CONTACT)
    assert "Thank you, Ana Lima: you are registered" in first
    assert "Saved: your need Prosthetic kits for Battambang (#1) is registered" in first

    second = chat(tmp_path, "kim", [*DONOR, "/search", "2", "1", "1", "Cambodia"])
    assert "Saved: your offer Rehabilitation kits (#2) is registered" in second
    assert "Need #1: Prosthetic kits for Battambang" in second

    third = chat(tmp_path, "ana", ["/search", "1", "1", "1", "Cambodia"])
    assert "Welcome back, Ana Lima" in third
    assert "Offer #2: Rehabilitation kits" in third


def test_a_dialog_survives_closing_the_terminal(tmp_path):
    chat(tmp_path, "ana", FIELD_CONTACT[:12])  # stops in the middle of /need
    resumed = chat(tmp_path, "ana", FIELD_CONTACT[12:])
    assert "A short title, please" in resumed  # asked again on start
    assert "Saved: your need Prosthetic kits for Battambang" in resumed


def test_notifications_appear_when_the_recipient_is_next_active(tmp_path):
    admin = ["1", "Root Admin", "Secretariat", "2", "Switzerland", "1", "2", "6", "1"]
    chat(tmp_path, "root", admin, admins="console:root")
    chat(
        tmp_path,
        "cleo",
        ["1", "Cleo Tester", "Secretariat", "3", "2", "6", "1"],
        admins="console:root",
    )
    later = chat(tmp_path, "root", ["/help"], admins="console:root")
    assert "— notification —" in later and "Cleo Tester asks for the coordinator role" in later
    again = chat(tmp_path, "root", ["/help"], admins="console:root")
    assert "asks for the coordinator role" not in again  # shown once
