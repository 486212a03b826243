"""The `partnerbot` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from sqlmodel import select

from bot import __version__
from bot.app import App, build_app, run_console, run_platforms
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    exporting.add_argument("--format", choices=["csv", "json"], default="csv")
    exporting.add_argument("--out", default=".", help="the directory to write into")

    remind = sub.add_parser("remind", help="run the reminder sweep once")
    remind.add_argument(
        "--dry-run", action="store_true", help="print what would be sent now, and change nothing"
    )

    search = sub.add_parser("search", help="search open needs and offers")
    search.add_argument("--kind", choices=["need", "offer"])
    search.add_argument("--type", dest="assistance_type", help="assistance type code")
    search.add_argument("--area", help="thematic area code")
    search.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. KH")
    search.add_argument("--region", help="UN M49 region code, e.g. 035")
    search.add_argument("--page", type=int, default=1)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "version":
        print(f"partnerbot {__version__}")
        return 0
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"partnerbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_level, settings.secrets())
    command = args.command or "run"
    if command == "db":
        build_app(settings)
        print("partnerbot: the database schema is up to date")
        return 0
    app = build_app(settings)
    try:
        return _COMMANDS[command](app, args)
    finally:
        app.db.dispose()


def _seed(app: App, _args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from core.demo import demo_people, seed_demo

    added = 0
    for person in tqdm(demo_people(), desc="seeding demo", unit="person", file=sys.stderr):
        with app.db.write() as session:
            added += seed_demo(session, app.vocab, person)
    print(f"partnerbot: demo data loaded ({added} new organisations)")
    return 0


def _search(app: App, args: argparse.Namespace) -> int:
    from core.errors import DomainError
    from core.listings import ListingFilter, search_listings
    from core.models.enums import ListingKind, Role
    from core.people import Actor

    # The CLI is an operator's tool on the server: it sees what a coordinator sees.
    operator = Actor(id=0, organisation_id=None, roles=frozenset({Role.coordinator}))
    filters = ListingFilter(
        kind=ListingKind(args.kind) if args.kind else None,
        assistance_type=args.assistance_type,
        area=args.area,
        country=args.country,
        region=args.region,
    )
    try:
        with app.db.read() as session:
            page = search_listings(session, app.vocab, operator, filters, page=args.page)
    except DomainError as error:
        print(f"partnerbot: {error.key} {error.params}", file=sys.stderr)
        return EXIT_USAGE
    for view in page.items:
        item = view.listing
        place = item.country or item.region or "global"
        print(f"#{item.id} {item.kind:5} {item.assistance_type:17} {place:6} {item.title}")
    print(f"page {page.page} of {page.pages}, {page.total} listing(s)")
    return 0


def _chat(app: App, args: argparse.Namespace) -> int:
    import getpass

    user = (getattr(args, "user", None) or getpass.getuser() or "you").strip().lower()
    return run_console(app, user)


def _run(app: App, args: argparse.Namespace) -> int:
    if not (app.settings.has_telegram or app.settings.has_slack):
        return _chat(app, args)
    asyncio.run(run_platforms(app))
    return 0


def _export(app: App, args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from core.export import TABLES, export, to_csv, to_json

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with (
        tqdm(total=len(TABLES), desc="exporting", unit="table", file=sys.stderr) as bar,
        app.db.read() as session,
    ):
        data = export(session, include_restricted=True, progress=lambda _: bar.update())
    if args.format == "json":
        written = [out / "partnerbot-export.json"]
        written[0].write_text(to_json(data), encoding="utf-8")
    else:
        written = []
        for table in TABLES:
            path = out / f"{table}.csv"
            path.write_text(to_csv(data[table]), encoding="utf-8")
            written.append(path)
    print("partnerbot: wrote " + ", ".join(str(p) for p in written))
    return 0


def _remind(app: App, args: argparse.Namespace) -> int:
    from bot.scheduler import Sweeper
    from core.clock import utcnow
    from core.models import Stakeholder
    from core.reminders import what_is_planned

    if not args.dry_run:
        result = Sweeper(app.db).run()
        print(f"partnerbot: {result.written} notices written, {result.expired} listings expired")
        return 0
    now = utcnow()
    with app.db.read() as session:
        planned = what_is_planned(session, now)
        names = {p.id: p.name for p in session.exec(select(Stakeholder))}
    new = [p for p, fresh in planned if fresh]
    for item in new:
        when = "now" if item.not_before <= now else f"at {item.not_before:%Y-%m-%d %H:%M} UTC"
        print(f"{item.kind:18} to {names.get(item.stakeholder_id, '?'):24} {when:24} {item.key}")
    print(f"{len(new)} notices would be sent ({len(planned) - len(new)} already sent)")
    return 0


def _serve(app: App, args: argparse.Namespace) -> int:
    asyncio.run(run_platforms(app, serve=True))
    return 0


_COMMANDS = {
    "seed": _seed,
    "search": _search,
    "run": _run,
    "chat": _chat,
    "remind": _remind,
    "export": _export,
    "serve": _serve,
}
