"""The conversation entry point shared by every adapter: one inbound message in, the replies
out. Everything a message changes is committed in one transaction, so a crash between two
messages loses nothing and the next message resumes the dialog where it was."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bot.actions import CommandAction, DialogAction, parse_token
from bot.dialogs.coordination import approve_person, coordination_dialogs, history, my_data
from bot.dialogs.engine import Ctx, DialogEngine, FormField
from bot.dialogs.listing import answers_from_view, home_country, listing_dialogs
from bot.dialogs.matches import accept, list_matches, match_details, match_dialogs
from bot.dialogs.partnership import overview, partnership_dialogs
from bot.dialogs.people import people_dialogs, profile_answers
from bot.dialogs.report import report_answers, report_dialogs
from bot.dialogs.search import search_dialogs
from bot.errors import GENERIC, error_text
from bot.home import home_view
from bot.i18n import N_, Tr, supported
from bot.messages import Button, Inbound, Reply, Sender
from bot.metrics import STEP_SECONDS, UPDATES
from bot.speaker import load_speaker
from bot.text import Text
from bot.views import listing_card
from core.clock import utcnow
from core.errors import DomainError
from core.listings import (
    LIVE_STATUSES,
    ListingView,
    can_edit,
    confirm_listing,
    get_listing,
    list_mine,
    withdraw_listing,
)
from core.matchmaking import get_match
from core.models import Conversation, InboundReceipt, Stakeholder
from core.models.enums import ListingStatus, Role
from core.partnerships import (
    PartnershipView,
    can_manage,
    confirm,
    get_partnership,
    partnerships_for,
)
from core.people import (
    Actor,
    create_link_code,
    platforms_of,
    redeem_link_code,
)
from core.reporting import approve_report, due_reports
from core.storage import Database, WouldWait, insert_or_ignore, may_take_long
from core.usage import record_usage
from core.vocabularies import Vocabularies

log = logging.getLogger(__name__)
SEEN_EVERY = timedelta(minutes=5)

Handler = Callable[["ChatBot", Ctx, Conversation | None, str], list[Reply]]


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    handler: Handler
    roles: frozenset[Role] = frozenset()  # empty: anyone registered
    before_onboarding: bool = False  # usable before /start is finished


class ChatBot:
    def __init__(
        self,
        db: Database,
        vocab: Vocabularies,
        settings: Any = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.clock = clock
        self.vocab = vocab
        self.settings = settings
        self.default_language = getattr(settings, "default_language", "en")
        self.engine = DialogEngine(
            [
                *people_dialogs(),
                *listing_dialogs(),
                *search_dialogs(),
                *match_dialogs(),
                *partnership_dialogs(),
                *report_dialogs(),
                *coordination_dialogs(),
            ],
            on_saved=lambda ctx, name: self._usage(ctx, "dialog", name),
        )
        self.commands = {command.name: command for command in COMMANDS}

    # -- the entry point ---------------------------------------------------------------------

    def handle(self, inbound: Inbound) -> list[Reply]:
        platform = str(inbound.sender.platform)
        started = time.perf_counter()
        try:
            replies = self._with_retries(inbound)
        except WouldWait:
            raise  # nothing happened: the caller runs it again where it may wait (units.py)
        except Exception:
            # Unexpected: log it, and tell the person politely; the last committed answer
            # stands, so they can simply try again.
            log.exception("failed to handle a message from %s", inbound.sender.platform)
            replies = [Reply(Tr(supported(inbound.sender.language_hint))(GENERIC))]
        UPDATES.labels(platform).inc()
        STEP_SECONDS.labels(platform).observe(time.perf_counter() - started)
        return replies

    def _with_retries(self, inbound: Inbound, attempts: int = 4) -> list[Reply]:
        """The database briefly out of reach (a restart, a fail-over) costs a short wait, not
        the message: the whole exchange is retried, and it either happens once or not at all."""
        for attempt in range(attempts):
            try:
                with self.db.write() as session:
                    return self._handle(session, inbound)
            except sa.exc.OperationalError:
                may_take_long()  # waiting to try again is slow: not on the event loop
                if attempt == attempts - 1:
                    raise
                log.warning("database unreachable, trying again (%d)", attempt + 1)
                time.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")

    def _handle(self, session: Session, inbound: Inbound) -> list[Reply]:
        sender = inbound.sender
        if inbound.update_id and not first_delivery(session, sender, inbound.update_id):
            log.info("ignored a repeated delivery %s from %s", inbound.update_id, sender.platform)
            return []
        ctx, conv = self._context(session, sender)
        person = ctx.person
        if inbound.command:
            return self._command(ctx, conv, inbound.command, inbound.args)
        if inbound.action:
            return self._action(ctx, conv, inbound.action)
        if inbound.file is not None and conv is None:
            return [Reply(ctx.tr(N_("Thank you, but I cannot use files here yet.")))]
        text = (inbound.text or "").strip()
        if conv is not None and conv.mode == "results" and text:
            self.engine.discard(ctx)  # search results are done with once one types on
            conv = None
        if conv is not None:
            return self.engine.on_text(ctx, conv, text) if text else self.engine.prompt(ctx, conv)
        if person is None:
            return self._start_onboarding(ctx, then=None)
        return [
            Reply(
                ctx.tr(
                    N_(
                        "I am not sure what you mean. You can register a /need or an "
                        "/offer, /search, or see /help."
                    )
                )
            )
        ]

    def _context(self, session: Session, sender: Sender) -> tuple[Ctx, Conversation | None]:
        """Who is speaking, in which language, and the dialog they are in, if any."""
        speaker = load_speaker(session, sender)
        identity, person, actor = speaker.identity, speaker.person, speaker.actor
        if person is not None and (
            person.last_seen_at is None or utcnow() - person.last_seen_at > SEEN_EVERY
        ):
            person.last_seen_at = utcnow()  # to the minute is enough: one write less a message
        ctx = Ctx(
            session=session,
            vocab=self.vocab,
            tr=Tr(self.default_language),
            identity=identity,
            person=person,
            actor=actor,
            settings=self.settings,
            clock=self.clock,
        )
        conv = speaker.conversation
        ctx.tr = Tr(self._language(person, conv, sender.language_hint))
        return ctx, conv

    # -- one-screen forms (Slack modals) -------------------------------------------------------

    def open_form(self, sender: Sender, name: str) -> tuple[list[FormField], str, list[Reply]]:
        """The fields and title of a dialog as one form; or, for someone not yet introduced,
        no fields and the start of the introduction."""
        with self.db.write() as session:
            ctx, _ = self._context(session, sender)
            self._usage(ctx, "command", name)
            if ctx.person is None:
                return [], "", self._start_onboarding(ctx, then=name)
            title = ctx.tr.s(self.engine.dialogs[name].title)
            return self.engine.form(ctx, name), title, []

    def submit_form(
        self, sender: Sender, name: str, raw: dict[str, Any]
    ) -> tuple[dict[str, str], list[Reply]]:
        """Checks a submitted form; with errors, the errors by field and nothing else, so the
        form stays open. Without, the dialog goes on in chat at its next step (the summary)."""
        with self.db.write() as session:
            ctx, conv = self._context(session, sender)
            if ctx.person is None:
                return {}, self._start_onboarding(ctx, then=name)
            answers, errors = self.engine.fill(ctx, name, raw)
            if errors:
                return {field: str(text) for field, text in errors.items()}, []
            return {}, self.start_dialog(ctx, conv, name, answers=answers)

    def home(self, sender: Sender) -> list[Reply]:
        """What a person's home screen shows: open listings, matches waiting for them."""
        with self.db.write() as session:
            ctx, _ = self._context(session, sender)
            return home_view(ctx)

    def _language(
        self, person: Stakeholder | None, conv: Conversation | None, hint: str | None
    ) -> str:
        if person is not None:
            return person.language
        if conv is not None and conv.answers.get("language"):
            return str(conv.answers["language"])
        return supported(hint, self.default_language)

    # -- commands and buttons ----------------------------------------------------------------

    def _command(self, ctx: Ctx, conv: Conversation | None, name: str, args: str) -> list[Reply]:
        command = self.commands.get(name.lower())
        self._usage(ctx, "command", command.name if command else "unknown")
        if command is None:
            return [
                Reply(
                    ctx.tr(
                        N_("I do not know /{name}. Type /help to see what you can do."), name=name
                    )
                )
            ]
        if ctx.person is None and not command.before_onboarding:
            return self._start_onboarding(ctx, then=name)
        if command.roles and not (ctx.actor and ctx.actor.roles & command.roles):
            key = "denied.admin_only" if command.roles == ADMINS else "denied.coordinator_only"
            return [Reply(error_text(ctx.tr, DomainError(key)))]
        try:
            return command.handler(self, ctx, conv, args.strip())
        except DomainError as error:
            return [Reply(error_text(ctx.tr, error))]

    def _action(self, ctx: Ctx, conv: Conversation | None, token: str) -> list[Reply]:
        action = parse_token(token)
        if isinstance(action, CommandAction):
            return self._command(ctx, conv, action.command, action.arg)
        if (
            isinstance(action, DialogAction)
            and conv is not None
            and (action.nonce, action.revision) == (conv.nonce, conv.revision)
        ):
            return self.engine.on_action(ctx, conv, action)
        return self.engine.stale(ctx, conv)

    def _start_onboarding(self, ctx: Ctx, then: str | None) -> list[Reply]:
        conv = self.engine.current(ctx)
        if conv is not None and conv.dialog == "start":
            return self.engine.prompt(ctx, conv)
        intro = Reply(
            ctx.tr(
                N_(
                    "Hello! I am Partnerbot: I connect needs and offers of "
                    "assistance for mine action, and follow up the partnerships "
                    "they lead to. First, let me get to know you: it takes a "
                    "minute."
                )
            )
        )
        return [intro, *self.engine.start(ctx, "start", context={"then": then} if then else {})]

    def start_dialog(
        self, ctx: Ctx, conv: Conversation | None, name: str, **kwargs: Any
    ) -> list[Reply]:
        note: list[Reply] = []
        if conv is not None and conv.dialog != name and conv.mode != "results":
            note = [
                Reply(
                    ctx.tr(
                        N_("I have put aside your unfinished “{title}”."),
                        title=ctx.tr(self.engine.title_of(conv)),
                    )
                )
            ]
        return [*note, *self.engine.start(ctx, name, **kwargs)]

    def _usage(self, ctx: Ctx, category: str, name: str) -> None:
        record_usage(
            ctx.session,
            ctx.person.id if ctx.person else None,
            ctx.identity.platform,
            category,
            name,
        )


def first_delivery(session: Session, sender: Sender, update_id: str) -> bool:
    """Records a platform delivery; False if it was handled before (a retry, a duplicate)."""
    key = f"{sender.platform}:{sender.workspace}:{update_id}"
    values = {"key": key, "received_at": utcnow()}
    return insert_or_ignore(session, InboundReceipt, values, ["key"]) is not None


# -- command handlers ------------------------------------------------------------------------


def _start(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    if ctx.person is None:
        return bot._start_onboarding(ctx, then=args or None)
    if args in ("need", "offer"):
        return bot.start_dialog(ctx, conv, args)
    welcome = Reply(ctx.tr(N_("Welcome back, {name}."), name=ctx.person.name))
    if conv is not None and conv.mode != "results":
        return [welcome, *bot.engine.prompt(ctx, conv)]
    return [welcome, *_help(bot, ctx, None, "")]


def _help(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    roles = ctx.actor.roles if ctx.actor else frozenset()
    lines = [ctx.tr(N_("**What you can do**"))]
    for command in bot.commands.values():
        if command.help and (not command.roles or roles & command.roles):
            lines.append(Text.plain(f"/{command.name} — ") + ctx.tr(command.help))
    if ctx.person is None:
        lines.append(ctx.tr(N_("First, introduce yourself with /start.")))
    if conv is not None and conv.mode != "results":
        lines.append(
            ctx.tr(
                N_("You are in the middle of “{title}”: answer the question above, or /cancel."),
                title=ctx.tr(bot.engine.title_of(conv)),
            )
        )
    return [Reply(Text.join(lines))]


def _cancel(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    if conv is not None and is_nonce(args) and args != conv.nonce:  # another dialog's button
        return bot.engine.stale(ctx, conv)
    if bot.engine.discard(ctx) is None:
        return [Reply(ctx.tr(N_("There is nothing to cancel.")))]
    return [Reply(ctx.tr(N_("Cancelled: nothing was saved. Type /help to see what you can do.")))]


def is_nonce(text: str) -> bool:
    """A dialog's nonce (six hex digits), as a Cancel button carries; typed words are not."""
    return len(text) == 6 and all(c in "0123456789abcdef" for c in text)


def _dialog(name: str) -> Handler:
    def handler(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
        return bot.start_dialog(ctx, conv, name)

    return handler


def _profile(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return bot.start_dialog(ctx, conv, "profile", answers=profile_answers(ctx), at_summary=True)


def _mine(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    views = list_mine(ctx.session, ctx.actor)
    bot._usage(ctx, "info", "mine")
    if not views:
        return [Reply(ctx.tr(N_("You have no listings yet. Register a /need or an /offer.")))]
    replies = [Reply(ctx.tr(N_("**Your organisation's listings**")))]
    for view in views[:10]:
        replies.append(Reply(listing_card(ctx.tr, ctx.vocab, view), _listing_buttons(ctx, view)))
    if len(views) > 10:
        replies.append(Reply(ctx.tr(N_("…and {n} more."), n=len(views) - 10)))
    return replies


def _listing_buttons(ctx: Ctx, view: ListingView) -> tuple[tuple[Button, ...], ...]:
    listing = view.listing
    keep = Button(ctx.tr.s(N_("✔ Still current")), f"c:keep:{listing.id}")
    if listing.status == ListingStatus.expired:
        return ((keep,),)
    if listing.status not in LIVE_STATUSES:
        return ()
    return (
        (
            Button(ctx.tr.s(N_("✎ Edit")), f"c:edit:{listing.id}"),
            keep,
            Button(ctx.tr.s(N_("✖ Withdraw")), f"c:withdraw:{listing.id}"),
        ),
    )


def _owned(ctx: Ctx, arg: str) -> ListingView:
    if not arg.isdigit():
        raise DomainError("not_found.listing")
    view = get_listing(ctx.session, int(arg))
    if not can_edit(ctx.actor or Actor(0, None, frozenset()), view.listing):
        raise DomainError("denied.not_owner")
    return view


def _edit(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    view = _owned(ctx, args)
    name = f"edit_{view.listing.kind}"
    answers = answers_from_view(view, home_country(ctx))
    return bot.start_dialog(
        ctx, conv, name, answers=answers, context={"listing_id": view.listing.id}, at_summary=True
    )


def _keep(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    view = _owned(ctx, args)
    assert ctx.actor is not None
    confirm_listing(ctx.session, ctx.actor, view.listing.id)
    return [
        Reply(
            ctx.tr(N_("Thank you: “{title}” is marked as still current."), title=view.listing.title)
        )
    ]


def _withdraw(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    view = _owned(ctx, args)
    buttons = (
        (
            Button(ctx.tr.s(N_("Yes, withdraw it")), f"c:withdraw_yes:{view.listing.id}"),
            Button(ctx.tr.s(N_("No, keep it")), "c:noop:"),
        ),
    )
    return [
        Reply(
            ctx.tr(
                N_("Withdraw “{title}”? It will no longer be matched."), title=view.listing.title
            ),
            buttons,
        )
    ]


def _withdraw_yes(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    view = _owned(ctx, args)
    assert ctx.actor is not None
    withdraw_listing(ctx.session, ctx.actor, view.listing.id)
    return [Reply(ctx.tr(N_("Withdrawn: “{title}”."), title=view.listing.title))]


def _noop(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return [Reply(ctx.tr(N_("All right, nothing changed.")))]


def _matches(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    bot._usage(ctx, "info", "matches")
    return list_matches(ctx)


def _match(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    bot._usage(ctx, "info", "match")
    return match_details(ctx, _number(args, "not_found.match"))


def _accept(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return accept(ctx, _number(args, "not_found.match"))


def _decline(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    match_id = _number(args, "not_found.match")
    assert ctx.actor is not None
    if not get_match(ctx.session, match_id).side_of(ctx.actor):
        raise DomainError("denied.not_party")
    return bot.start_dialog(ctx, conv, "decline", context={"match_id": match_id})


def _number(args: str, missing: str) -> int:
    if not args.strip().lstrip("#").isdigit():
        raise DomainError(missing)
    return int(args.strip().lstrip("#"))


def _link(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """/link on the first platform shows a code; /link CODE on the second joins the accounts."""
    if args:
        person = redeem_link_code(ctx.session, ctx.identity, args)
        bot.engine.discard(ctx)  # an introduction under way would make a second person
        platforms = ", ".join(str(p).title() for p in platforms_of(ctx.session, person.id or 0))
        return [
            Reply(
                ctx.tr(
                    N_(
                        "Linked: this account now belongs to {name} ({platforms}). "
                        "Choose where notifications go in /profile."
                    ),
                    name=person.name,
                    platforms=platforms,
                )
            )
        ]
    if ctx.person is None or ctx.person.id is None:
        return [
            Reply(
                ctx.tr(
                    N_(
                        "To join this account to the one you already use elsewhere, "
                        "send /link there: you will get a code to type here as "
                        "/link CODE."
                    )
                )
            )
        ]
    code = create_link_code(ctx.session, ctx.person.id)
    return [
        Reply(
            ctx.tr(
                N_(
                    "Your code is **{code}**. On your other platform, send "
                    "/link {code} within 10 minutes."
                ),
                code=code,
            )
        )
    ]


def _partnerships(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    bot._usage(ctx, "info", "partnerships")
    found = partnerships_for(ctx.session, ctx.actor)
    if not found:
        return [
            Reply(
                ctx.tr(
                    N_(
                        "No partnerships yet. They start when both sides accept a "
                        "match (see /matches)."
                    )
                )
            )
        ]
    return [overview(ctx.tr, get_partnership(ctx.session, p.id or 0)) for p in found[:10]]


def _partnership(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    if args.strip().lower() == "new":
        if not ctx.actor.is_coordinator:
            raise DomainError("denied.coordinator_only")
        return bot.start_dialog(ctx, conv, "partnership_new")
    view = _partnership_of(ctx, args)
    return [overview(ctx.tr, view)]


def _partnership_of(ctx: Ctx, args: str) -> PartnershipView:
    view = get_partnership(ctx.session, _number(args, "not_found.partnership"))
    if ctx.actor is None or not can_manage(ctx.actor, view):
        raise DomainError("denied.not_partner")
    return view


def _part(name: str) -> Handler:
    def handler(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
        view = _partnership_of(ctx, args)
        return bot.start_dialog(ctx, conv, name, context={"partnership_id": view.partnership.id})

    return handler


def _confirm_partnership(
    bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str
) -> list[Reply]:
    assert ctx.actor is not None
    partnership_id = _number(args, "not_found.partnership")
    try:
        with ctx.session.begin_nested():
            confirm(ctx.session, ctx.actor, partnership_id, now=ctx.now())
    except DomainError as error:  # say why, and show what is still missing
        return [
            Reply(error_text(ctx.tr, error)),
            overview(ctx.tr, _partnership_of(ctx, str(partnership_id))),
        ]
    return [overview(ctx.tr, get_partnership(ctx.session, partnership_id))]


def _report(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """The report due, or a choice between those due: `args` is a partnership id, with the
    due date after an @ when a button names one period."""
    assert ctx.actor is not None
    due = due_reports(ctx.session, ctx.actor, ctx.now().date())
    if args:
        wanted, _, when = args.partition("@")
        number = _number(wanted, "not_found.partnership")
        due = [
            d for d in due if d.partnership.id == number and (not when or d.due.isoformat() == when)
        ]
        if not due:
            return [Reply(ctx.tr(N_("No report is due for this partnership now.")))]
    if not due:
        return [Reply(ctx.tr(N_("No report is due now. I will remind you before the next one.")))]
    if len(due) > 1:
        buttons = tuple(
            (
                Button(
                    f"{d.partnership.title[:40]} · {ctx.tr.date(d.due)}",
                    f"c:report:{d.partnership.id}@{d.due.isoformat()}",
                ),
            )
            for d in due[:10]
        )
        return [Reply(ctx.tr(N_("Which partnership do you report on?")), buttons)]
    chosen = due[0]
    context = {"partnership_id": chosen.partnership.id, "due": chosen.due.isoformat()}
    if chosen.returned is not None:
        note = Reply(
            ctx.tr(
                N_("The coordinator asked for a revision: {comment}"),
                comment=chosen.returned.review_comment or "",
            )
        )
        return [
            note,
            *bot.start_dialog(
                ctx,
                conv,
                "report",
                context=context,
                answers=report_answers(ctx, chosen.returned),
                at_summary=True,
            ),
        ]
    return bot.start_dialog(ctx, conv, "report", context=context)


def _approve(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    approve_report(ctx.session, ctx.actor, _number(args, "not_found.report"))
    return [Reply(ctx.tr(N_("Approved; the partner is told.")))]


def _return(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    report_id = _number(args, "not_found.report")
    assert ctx.actor is not None
    if not ctx.actor.is_coordinator:
        raise DomainError("denied.coordinator_only")
    return bot.start_dialog(ctx, conv, "return_report", context={"report_id": report_id})


COORDINATORS = frozenset({Role.coordinator, Role.admin})
ADMINS = frozenset({Role.admin})


def _verify_ok(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return approve_person(ctx, _number(args, "not_found.stakeholder"))


def _verify_no(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    person_id = _number(args, "not_found.stakeholder")
    return bot.start_dialog(ctx, conv, "reject_person", context={"stakeholder_id": person_id})


def _history(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    bot._usage(ctx, "info", "history")
    return history(ctx, args)


def _mydata(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    bot._usage(ctx, "info", "mydata")
    return my_data(ctx)


def _info_dialog(name: str) -> Handler:
    def handler(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
        bot._usage(ctx, "info", name)
        return bot.start_dialog(ctx, conv, name)

    return handler


def _language_command(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return bot.start_dialog(ctx, conv, "language")


COMMANDS = (
    Command("start", "", _start, before_onboarding=True),
    Command("need", N_("register a need for assistance"), _dialog("need")),
    Command("offer", N_("register an offer of assistance"), _dialog("offer")),
    Command("mine", N_("your listings: edit, withdraw, confirm still current"), _mine),
    Command("search", N_("find needs or offers"), _dialog("search")),
    Command("matches", N_("matches for your listings: accept or decline"), _matches),
    Command("partnerships", N_("your partnerships and their status"), _partnerships),
    Command("report", N_("report progress on a partnership"), _report),
    Command("profile", N_("your name, language, time zone and sharing"), _profile),
    Command("language", N_("change the language"), _language_command),
    Command(
        "link", N_("use the same profile on Telegram and Slack"), _link, before_onboarding=True
    ),
    Command(
        "gaps",
        N_("needs not covered, by area and place, as a chart"),
        _info_dialog("gaps"),
        roles=COORDINATORS,
    ),
    Command(
        "stats",
        N_("figures of the trial: people, listings, matches, reports, usage"),
        _info_dialog("stats"),
        roles=COORDINATORS,
    ),
    Command(
        "export",
        N_("needs, offers, matches, partnerships and reports as a file"),
        _info_dialog("export"),
        roles=COORDINATORS,
    ),
    Command("grant", N_("give someone a role"), _dialog("grant"), roles=ADMINS),
    Command("revoke", N_("take a role back"), _dialog("revoke"), roles=ADMINS),
    Command("history", N_("who changed a listing or a partnership, and when"), _history),
    Command("mydata", N_("a file of everything the bot holds about you"), _mydata),
    Command("forgetme", N_("delete your personal data"), _dialog("forgetme")),
    Command("help", N_("this list"), _help, before_onboarding=True),
    Command(
        "cancel", N_("stop what you are doing; nothing is saved"), _cancel, before_onboarding=True
    ),
    Command("edit", "", _edit),
    Command("keep", "", _keep),
    Command("withdraw", "", _withdraw),
    Command("withdraw_yes", "", _withdraw_yes),
    Command("noop", "", _noop, before_onboarding=True),
    Command("match", "", _match),
    Command("accept", "", _accept),
    Command("decline", "", _decline),
    Command("partnership", "", _partnership),
    Command("pship_resp", "", _part("responsibilities")),
    Command("pship_obj", "", _part("objective")),
    Command("pship_commit", "", _part("commitment")),
    Command("pship_sched", "", _part("schedule")),
    Command("pship_confirm", "", _confirm_partnership),
    Command("approve", "", _approve),
    Command("return", "", _return),
    Command("verify_ok", "", _verify_ok, roles=COORDINATORS),
    Command("verify_no", "", _verify_no, roles=COORDINATORS),
)
