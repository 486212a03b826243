"""The `partnerbot` command."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import __version__

# The rest is imported where it is used: importing it takes seconds, which `version` and
# `--help` never wait for (not even for the settings), and a Ctrl-C meanwhile must meet
# main()'s handler, not a traceback.
if TYPE_CHECKING:
    from bot.app import App
    from bot.settings import Settings
    from core.demo import DemoClash
    from core.vocabularies import Vocabularies, Vocabulary

EXIT_USAGE = 2


class UsageError(Exception):
    """What the command was given cannot be used: one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """A parser whose epilog may be written only when its help is shown (its subcommands'
    parsers are of this class too)."""

    def __init__(
        self, *args: Any, epilog_from: Callable[[], str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.epilog_from = epilog_from

    def format_help(self) -> str:
        if self.epilog_from is not None:
            self.epilog = self.epilog_from()
        return super().format_help()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="partnerbot",
        description="Partnerbot: needs, offers, matches and partnerships by chat. "
        "With no Telegram or Slack token configured, it opens a chat in this terminal.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the bot on every configured platform (the default)")
    sub.add_parser(
        "serve",
        help="run the web server (webhooks, Slack, /healthz, /metrics) "
        "with every configured platform; several can share a PostgreSQL database",
    )
    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument(
        "--as",
        dest="user",
        metavar="NAME",
        help="who you are in this chat (try several roles on one machine)",
    )
    sub.add_parser("version", help="print the version")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="apply pending schema migrations")

    seed = sub.add_parser("seed", help="load sample data")
    seed.add_argument("--demo", action="store_true", required=True, help="the invented demo")

    exporting = sub.add_parser(
        "export", help="write needs, offers, matches, partnerships and reports to files"
    )
    exporting.add_argument("--format", choices=["csv", "json", "iati"], default="csv")
    exporting.add_argument(
        "--out",
        metavar="DIR",
        help="the directory to write into (default: a new ./partnerbot-export-DATE-TIME)",
    )

    remind = sub.add_parser("remind", help="run the reminder sweep once")
    remind.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be sent now and what quiet hours hold, and change nothing",
    )
    _search_parser(sub)
    return parser


def _search_parser(sub: argparse._SubParsersAction) -> None:
    search = sub.add_parser(
        "search",
        help="search open needs and offers",
        description="Search open needs and offers, 5 a page.",
        epilog_from=_search_codes,  # the configured vocabularies: read for this help only
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("--kind", choices=["need", "offer"])
    search.add_argument("--type", dest="assistance_type", metavar="CODE", help="type (codes below)")
    search.add_argument("--area", metavar="CODE", help="thematic area (codes below)")
    search.add_argument("--country", help="by name or ISO 3166 code, e.g. Cambodia or KH")
    search.add_argument("--region", help="UN M49, by name or code, e.g. Southeast Asia or 035")
    search.add_argument("--page", type=int, default=1, help="from 1")


def _search_codes() -> str:
    vocab = _vocabulary(_settings()[0])
    return (
        _codes("assistance types (--type)", vocab.assistance_types)
        + "\n\n"
        + _codes("thematic areas (--area)", vocab.thematic_areas)
    )


def _codes(title: str, vocabulary: Vocabulary) -> str:
    width = max((len(code) for code in vocabulary.codes()), default=0)
    return "\n".join([f"{title}:", *(f"  {t.code:{width}}  {t.label('en')}" for t in vocabulary)])


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # what was being written is rolled back
        words = [w for w in (sys.argv[1:] if argv is None else argv) if not w.startswith("-")]
        if (words or ["run"])[0] in ("chat", "run"):
            from bot.app import console_goodbye

            return console_goodbye()  # the chat was starting: it ends as it would have
        print("\npartnerbot: interrupted", file=sys.stderr)
        return 130
    except UsageError as error:  # bot.app's StartupError too: the settings, the port, the database
        print(f"partnerbot: {error}", file=sys.stderr)
        return EXIT_USAGE


@contextlib.contextmanager
def _ctrl_c_waits() -> Iterator[None]:
    """Ctrl-C while starting up takes effect once the start is over: it could otherwise cut
    an import in half, or land in a garbage collector's callback, where it is lost."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _main(argv: Sequence[str] | None) -> int:
    with _ctrl_c_waits():
        args = _parser().parse_args(argv)
        if args.command == "version":
            print(f"partnerbot {__version__}")
            return 0
        settings, problem = _settings()
        if settings is None:
            raise UsageError(problem)
        from bot.app import build_app
        from bot.logs import configure_logging

        configure_logging(settings.log_level, settings.secrets(), settings.library_log_level)
        command = args.command or "run"
        app = build_app(settings)
    if command == "db":
        app.db.dispose()
        print("partnerbot: the database schema is up to date")
        return 0
    try:
        return _COMMANDS[command](app, args)
    finally:
        app.db.dispose()


def _settings() -> tuple[Settings | None, str]:
    """The settings, or why not: told once a command needs them (not to
    `version`, nor to a help, which lists the configured vocabularies where they load)."""
    from bot.settings import ENV_PREFIX, SettingsError, load_settings

    try:
        return load_settings(), ""
    except SettingsError as error:
        return None, str(error)
    except ValueError as error:  # pydantic-settings' own, before validation: JSON that is not
        field = str(error).partition('field "')[2].partition('"')[0].upper()
        return None, f"invalid setting {ENV_PREFIX}{field}: is not valid JSON ({error.__cause__})"


def _vocabulary(settings: Settings | None) -> Vocabularies:
    """The vocabularies whose codes --help lists: the configured ones where they load."""
    from core.vocabularies import default_vocabularies, load_vocabularies

    if settings is None or settings.vocabulary_dir is None:
        return default_vocabularies()
    try:
        return load_vocabularies(settings.vocabulary_dir)
    except (OSError, ValueError, KeyError):
        return default_vocabularies()  # the command itself will say what is wrong


def _seed(app: App, _args: argparse.Namespace) -> int:
    from core.demo import DemoClash, load_demo

    settings = app.settings
    try:
        with app.db.write() as session:  # one transaction: the demo is loaded whole or not
            loaded = load_demo(
                session, app.vocab, weights=settings.weights, threshold=settings.match_threshold
            )
    except DemoClash as clash:
        raise UsageError(_clash_line(clash)) from None
    print(
        f"partnerbot: demo data loaded ({loaded.people} new organisations, {loaded.listings} "
        f"listings, {loaded.matches} matches proposed, {loaded.partnerships} partnerships)"
    )
    return 0


def _clash_line(clash: DemoClash) -> str:
    taken = "; ".join(
        f"an organisation named “{c.person.organisation}” exists already"
        if c.taken == "organisation"
        else f"the console name “{c.person.handle}” is someone else's"
        for c in clash.clashes
    )
    return (
        f"the demo cannot be loaded whole, so nothing was loaded: {taken}. "
        "Load it into an empty database (PARTNERBOT_DATABASE_URL)."
    )


def _search(app: App, args: argparse.Namespace) -> int:
    from bot.errors import error_text
    from bot.i18n import Tr
    from core.errors import DomainError
    from core.listing_search import search_listings
    from core.listings import ListingFilter
    from core.models.enums import ListingKind, Role
    from core.people import Actor

    vocab, tr = app.vocab, Tr("en")
    if args.page < 1:
        raise UsageError(f"pages count from 1, not {args.page}")
    filters = ListingFilter(
        kind=ListingKind(args.kind) if args.kind else None,
        assistance_type=_code(args.assistance_type, vocab.assistance_types, "assistance type"),
        area=_code(args.area, vocab.thematic_areas, "thematic area"),
        country=_place(args.country, vocab, "country"),
        region=_place(args.region, vocab, "region"),
    )
    # The CLI is an operator's tool on the server: it sees what a coordinator sees.
    operator = Actor(id=0, organisation_id=None, roles=frozenset({Role.coordinator}))
    try:
        with app.db.read() as session:
            page = search_listings(session, vocab, operator, filters, page=args.page)
    except DomainError as error:
        raise UsageError(str(error_text(tr, error))) from None
    if page.page > page.pages:
        raise UsageError(
            f"page {page.page} is past the end: {page.total} listing(s) on {page.pages} page(s)"
        )
    for view in page.items:
        item = view.listing
        place = item.country or item.region or "global"
        print(f"#{item.id} {item.kind:5} {item.assistance_type:17} {place:6} {item.title}")
    print(f"page {page.page} of {page.pages}, {page.total} listing(s)")
    return 0


def _code(given: str | None, vocabulary: Vocabulary, what: str) -> str | None:
    """A code, in any case; an unknown one is refused, not read as a filter nothing fits."""
    if given is None:
        return None
    codes = {code.casefold(): code for code in vocabulary.codes()}
    if given.strip().casefold() in codes:
        return codes[given.strip().casefold()]
    raise UsageError(f"unknown {what} “{given}”; valid codes: {', '.join(vocabulary.codes())}")


def _place(given: str | None, vocab: Vocabularies, what: str) -> str | None:
    """A country or region by code or by name, in English, French or Spanish."""
    from bot.dialogs.answers import match_country, match_region
    from bot.i18n import Tr
    from core.errors import InvalidInput

    if given is None:
        return None
    tr = Tr("en")
    match, name = (match_country, tr.country) if what == "country" else (match_region, tr.region)
    try:
        return match(given, tr, vocab)
    except InvalidInput as error:
        found = error.params.get("suggestions") or []
    if found:
        options = ", ".join(f"{code} ({name(code)})" for code in found)
        raise UsageError(f"“{given}” could be several: {options}; give its code")
    example = "Cambodia or KH" if what == "country" else "Southeast Asia or 035"
    raise UsageError(f"unknown {what} “{given}”: give its name or code, e.g. {example}")


def _chat(app: App, args: argparse.Namespace) -> int:
    import getpass

    from bot.app import run_console

    user = (getattr(args, "user", None) or getpass.getuser() or "you").strip().lower()
    return run_console(app, user)


def _run(app: App, args: argparse.Namespace) -> int:
    import asyncio

    from bot.app import run_platforms

    if not (app.settings.has_telegram or app.settings.has_slack):
        return _chat(app, args)
    asyncio.run(run_platforms(app))
    return 0


def _export(app: App, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from core.export import TABLES, export
    from core.export_files import write_export

    out = Path(args.out) if args.out else _new_folder(Path.cwd(), datetime.now())
    out.mkdir(parents=True, exist_ok=True)
    if args.format == "iati":
        return _export_iati(app, out)
    with (
        tqdm(total=len(TABLES), desc="exporting", unit="table", file=sys.stderr) as bar,
        app.db.read() as session,
    ):
        data = export(session, include_restricted=True, progress=lambda _: bar.update())
    written = write_export(data, out, args.format)
    print(f"partnerbot: wrote {', '.join(p.name for p in written)} to {out.resolve()}")
    return 0


def _export_iati(app: App, out: Path) -> int:
    from core.clock import utcnow
    from core.iati import ReportingOrg, write_iati

    settings = app.settings
    org = ReportingOrg(
        ref=settings.iati_reporting_org_ref,
        name=settings.iati_reporting_org_name,
        type=settings.iati_reporting_org_type,
    )
    with app.db.read() as session:
        path = write_iati(
            session,
            app.vocab,
            out,
            reporting_org=org,
            generated_at=utcnow(),
            area_vocabulary_uri=f"{settings.base_url}/offers",
        )
    print(f"partnerbot: wrote {path.name} to {out.resolve()}")
    return 0


def _new_folder(parent: Path, now: datetime) -> Path:
    """Each export a folder of its own, never mixed; private: it holds contact details."""
    base = f"partnerbot-export-{now:%Y%m%d-%H%M%S}"
    for n in itertools.count(1):
        folder = parent / (base if n == 1 else f"{base}-{n}")
        try:
            folder.mkdir(mode=0o700, parents=True)
        except FileExistsError:
            continue  # another export in the same second
        return folder
    raise AssertionError("unreachable")


def _remind(app: App, args: argparse.Namespace) -> int:
    from bot.cli_remind import remind

    return remind(app, dry_run=args.dry_run)


def _serve(app: App, args: argparse.Namespace) -> int:
    import asyncio

    from bot.app import run_platforms

    asyncio.run(run_platforms(app, serve=True))
    return 0


_COMMANDS = {f.__name__[1:]: f for f in (_seed, _search, _run, _chat, _remind, _export, _serve)}
