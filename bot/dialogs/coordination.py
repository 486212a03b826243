"""Coordinators' tools: gaps and figures as charts with a text that says the same, exports,
verification, roles, the history of a record; and everyone's own data (/mydata, /forgetme)."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from babel.dates import format_datetime
from sqlmodel import col, select

from bot.dialogs.figures import ANY, figure_dialogs
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_, fold
from bot.messages import FOLDER_PREFIX, Attachment, Reply
from bot.text import Text
from core.errors import InvalidInput, NotFound
from core.export import TABLES, export
from core.export_files import MEDIA_TYPES, Layout, write_export
from core.history import KINDS as HISTORY_KINDS
from core.history import history_of
from core.membership import verify_person
from core.models import Stakeholder
from core.models.enums import Role
from core.people import grant_role, revoke_role
from core.privacy import forget, personal_data
from core.quiet_hours import zone
from core.storage import MAX_ID, may_take_long, possible_id
from core.verification import reject

# Gaps and figures (bot.dialogs.figures) are importable from here too.
__all__ = [
    "ANY",
    "ROLES",
    "approve_person",
    "coordination_dialogs",
    "files_dir",
    "history",
    "my_data",
]

ROLES = {
    Role.field_contact: N_("Field contact"),
    Role.donor: N_("Donor or provider"),
    Role.coordinator: N_("Coordinator"),
    Role.admin: N_("Admin"),
}


def purge_files(words: list[str]) -> int:
    """Files the bot left on this machine (the terminal keeps a /mydata or an export it
    showed) that name a forgotten person are deleted with them."""
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        for path in folder.iterdir() if folder.is_dir() else ():
            if _names_any(path, words):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _names_any(path: Path, words: list[str]) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if path.suffix == ".zip":  # an export: its CSV files are compressed
        with zipfile.ZipFile(path) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    return any(w.encode() in data or json.dumps(w)[1:-1].encode() in data for w in words)


def files_dir() -> Path:
    """A new private folder (mode 0700) for each file: exports hold other people's data."""
    return Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))


# -- exports and personal data -----------------------------------------------------------------


def _save_export(ctx: Ctx) -> list[Reply]:
    data = export(ctx.session, include_restricted=True)
    layout: Layout = "json" if ctx.answer("format") == "json" else "zip"
    name = f"partnerbot-export-{ctx.now():%Y%m%d-%H%M}"
    [path] = write_export(data, files_dir(), layout, name=name)
    attachment = Attachment(path.name, path, MEDIA_TYPES[layout])
    counts = ", ".join(f"{table} {len(data[table])}" for table in TABLES)
    return [Reply(ctx.tr(N_("Your export: {counts}."), counts=counts), attachment=attachment)]


def my_data(ctx: Ctx) -> list[Reply]:
    may_take_long()
    assert ctx.person is not None and ctx.person.id is not None
    data = personal_data(ctx.session, ctx.person.id)
    path = files_dir() / f"partnerbot-my-data-{ctx.person.id}-{ctx.now():%Y%m%d%H%M%S}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return [
        Reply(
            ctx.tr(N_("Everything Partnerbot holds about you.")),
            attachment=Attachment("my-data.json", path, "application/json"),
        )
    ]


def _save_forget(ctx: Ctx) -> list[Reply]:
    assert ctx.person is not None and ctx.person.id is not None
    if not ctx.answer("sure"):
        return [Reply(ctx.tr(N_("All right, nothing changed.")))]
    words = forget(ctx.session, ctx.person.id)
    purge_files(words)
    return [
        Reply(
            ctx.tr(
                N_(
                    "Done: your personal data is deleted. Your organisation's listings "
                    "and reports stay, without your name. Goodbye."
                )
            )
        )
    ]


# -- verification and roles --------------------------------------------------------------------


def approve_person(ctx: Ctx, stakeholder_id: int) -> list[Reply]:
    assert ctx.actor is not None
    verify_person(
        ctx.session,
        ctx.vocab,
        ctx.actor,
        stakeholder_id,
        weights=ctx.settings.weights,
        threshold=ctx.settings.match_threshold,
        notice_cap=ctx.settings.max_match_notices_per_day,
    )
    return [Reply(ctx.tr(N_("Verified; they are told, and their listings are now visible.")))]


def _save_reject(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    reject(ctx.session, ctx.actor, int(ctx.context["stakeholder_id"]), ctx.answer("reason"))
    return [Reply(ctx.tr(N_("Rejected; they are told why.")))]


def _person(ctx: Ctx, typed: str) -> int:
    wanted = fold(typed)
    people = [
        p
        for p in ctx.session.exec(select(Stakeholder).order_by(col(Stakeholder.name)))
        if wanted and wanted in fold(p.name)
    ]
    exact = [p for p in people if fold(p.name) == wanted]
    chosen = exact if len(exact) == 1 else people
    if len(chosen) != 1 or chosen[0].id is None:
        raise InvalidInput("invalid.person", field="person", value=typed)
    return chosen[0].id


def _show_person(ctx: Ctx, person_id: int) -> str:
    person = ctx.session.get(Stakeholder, person_id)
    return person.name if person else "—"


def _roles(ctx: Ctx) -> list[Choice]:
    return [Choice(role, ctx.tr.s(label)) for role, label in ROLES.items()]


def _save_role(grant: bool):
    def save(ctx: Ctx) -> list[Reply]:
        assert ctx.actor is not None
        person_id, role = int(ctx.answer("person")), Role(ctx.answer("role"))
        person = (grant_role if grant else revoke_role)(ctx.session, ctx.actor, person_id, role)
        template = N_("{name} is now {role}.") if grant else N_("{name} is no longer {role}.")
        return [Reply(ctx.tr(template, name=person.name, role=ctx.tr(ROLES[role])))]

    return save


def _entity_id(kind: str, digits: str) -> int:
    """The typed id of a record; a number no row can have names nothing (a million digits
    never reach int(), which would take seconds over them or refuse them)."""
    if len(digits.lstrip("0")) > len(str(MAX_ID)) or not possible_id(int(digits)):
        raise NotFound(f"not_found.{kind}")
    return int(digits)


def history(ctx: Ctx, args: str) -> list[Reply]:
    """The audit trail of a listing or a partnership: who did what, and when."""
    assert ctx.actor is not None
    kind, _, typed = args.strip().partition(" ")
    digits = typed.strip().lstrip("#")
    if not digits.isdecimal() or kind not in HISTORY_KINDS:
        return [
            Reply(
                ctx.tr(
                    N_("Which record? For example: /history listing 12 or /history partnership 3.")
                )
            )
        ]
    entity_id = _entity_id(kind, digits)
    entries = history_of(ctx.session, ctx.actor, kind, entity_id)
    where = zone(ctx.person.timezone if ctx.person else "UTC")  # in the reader's time
    lines = [ctx.tr(HISTORY_TITLES[kind], id=entity_id)]
    for entry in entries:
        who = entry.actor_name or ctx.tr.s(N_("the system"))
        when = format_datetime(entry.at, "short", tzinfo=where, locale=ctx.tr.language)
        lines.append(Text.plain(f"{when} · {who} · ") + ctx.tr(action_words(entry.action)))
    return [Reply(Text.join(lines))]


HISTORY_TITLES = {
    "listing": N_("**History of listing #{id}**"),
    "partnership": N_("**History of partnership #{id}**"),
}
ACTIONS = {
    "partnership.create": N_("created it"),
    "partnership.draft": N_("drafted it from an accepted match"),
    "partnership.confirm": N_("confirmed their participation"),
    "partnership.activate": N_("made it active"),
    "partnership.responsibilities": N_("set their responsibilities"),
    "partnership.objective": N_("added an objective"),
    "partnership.commitment": N_("added a commitment"),
    "partnership.schedule": N_("set the reporting schedule"),
    "partnership.take": N_("followed it as its coordinator"),
    "partnership.introduce": N_("introduced the partners"),
}
VERBS = {  # what people did to a listing, whatever its kind ("need.create", "offer.create")
    "create": N_("registered it"),
    "edit": N_("made a change"),
    "withdraw": N_("withdrew it"),
    "confirm": N_("confirmed it is still current"),
    "expire": N_("it expired"),
}


def action_words(action: str) -> str:
    """An audit action in words people read; one without words is "made a change"."""
    return ACTIONS.get(action) or VERBS.get(action.rpartition(".")[2], N_("made a change"))


def coordination_dialogs() -> list[Dialog]:
    person = Step(
        "person",
        N_("Who? Type their name."),
        Kind.text,
        label=N_("Person"),
        max_len=120,
        check=_person,
        show=_show_person,
    )
    role = Step("role", N_("Which role?"), Kind.choice, label=N_("Role"), choices=_roles, columns=2)
    return [
        *figure_dialogs(),
        Dialog(
            "export",
            N_("Export"),
            (
                Step(
                    "format",
                    N_("In which format?"),
                    Kind.choice,
                    choices=lambda ctx: [
                        Choice("csv", ctx.tr.s(N_("CSV files (in a zip)"))),
                        Choice("json", ctx.tr.s(N_("One JSON file"))),
                    ],
                ),
            ),
            _save_export,
            confirm=False,
            slow=True,
        ),
        Dialog("grant", N_("Grant a role"), (person, role), _save_role(True)),
        Dialog("revoke", N_("Revoke a role"), (person, role), _save_role(False)),
        Dialog(
            "reject_person",
            N_("Reject"),
            (
                Step(
                    "reason",
                    N_("Why? They will read this."),
                    Kind.text,
                    label=N_("Reason"),
                    min_len=3,
                    max_len=500,
                ),
            ),
            _save_reject,
            confirm=False,
        ),
        Dialog(
            "forgetme",
            N_("Forget me"),
            (
                Step(
                    "sure",
                    N_(
                        "This deletes your name, your accounts and your notifications for "
                        "good. Your organisation's listings and reports stay, without your "
                        "name. Are you sure?"
                    ),
                    Kind.yes_no,
                ),
            ),
            _save_forget,
            confirm=False,
        ),
    ]
