"""Coordinators' tools: gaps and figures as charts with a text that says the same, exports,
verification, roles, the history of a record; and everyone's own data (/mydata, /forgetme)."""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlmodel import col, select

from bot.charts import gaps_chart, stats_chart
from bot.dialogs.engine import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_, fold
from bot.messages import FOLDER_PREFIX, Attachment, Reply
from bot.text import Text
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.export import TABLES, export, to_csv, to_json
from core.insight import gaps, stats
from core.listings import can_edit, get_listing
from core.matchmaking import propose_matches
from core.models import AuditEvent, Stakeholder
from core.models.enums import Role
from core.partnerships import can_manage, get_partnership
from core.people import grant_role, revoke_role
from core.privacy import forget, personal_data
from core.storage import may_take_long
from core.verification import approve, reject

ANY = "any"
ROLES = {
    Role.field_contact: N_("Field contact"),
    Role.donor: N_("Donor or provider"),
    Role.coordinator: N_("Coordinator"),
    Role.admin: N_("Admin"),
}


def files_dir() -> Path:
    """A new private folder (mode 0700) for each file: exports hold other people's data."""
    return Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))


# -- gaps and figures ------------------------------------------------------------------------


def _areas(ctx: Ctx) -> list[Choice]:
    return [
        Choice(ANY, ctx.tr.s(N_("Every area"))),
        *(Choice(t.code, ctx.tr.term(t)) for t in ctx.vocab.thematic_areas),
    ]


def _regions(ctx: Ctx) -> list[Choice]:
    regions = sorted(ctx.vocab.regions, key=ctx.tr.region)
    return [
        Choice(ANY, ctx.tr.s(N_("Everywhere"))),
        *(Choice(code, ctx.tr.region(code)) for code in regions),
    ]


def _periods(ctx: Ctx) -> list[Choice]:
    return [
        Choice("0", ctx.tr.s(N_("Since the start"))),
        Choice("90", ctx.tr.s(N_("Registered in the last 90 days"))),
        Choice("365", ctx.tr.s(N_("Registered in the last year"))),
    ]


def _save_gaps(ctx: Ctx) -> list[Reply]:
    area, region, days = ctx.answer("area"), ctx.answer("region"), int(ctx.answer("period"))
    found = gaps(
        ctx.session,
        ctx.vocab,
        ctx.now(),
        area=None if area == ANY else area,
        region=None if region == ANY else region,
        since=ctx.now() - timedelta(days=days) if days else None,
    )
    if not found.areas:
        return [Reply(ctx.tr(N_("No open needs match these filters: no gap to show.")))]
    tr = ctx.tr
    lines = [tr(N_("**Gaps** — amounts in {currency}"), currency=found.currency)]
    for gap in found.areas:
        lines.append(
            tr(
                N_(
                    "• {area}: {needs} needs ({uncovered} with nothing accepted yet), "
                    "{needed} still needed, {offered} offered, {committed} committed; "
                    "the oldest is {days} days old"
                ),
                area=tr.term(ctx.vocab.thematic_areas.get(gap.area), gap.area),
                needs=gap.needs,
                uncovered=gap.uncovered,
                needed=tr.money(gap.needed, found.currency),
                offered=tr.money(gap.offered, found.currency),
                committed=tr.money(gap.committed, found.currency),
                days=gap.oldest_days,
            )
        )
    if found.other_currencies:
        lines.append(
            tr(
                N_("Needs in other currencies are counted but not summed: {codes}."),
                codes=", ".join(found.other_currencies),
            )
        )
    chart = gaps_chart(tr, ctx.vocab, found)
    return [
        Reply(
            Text.join(lines), attachment=Attachment("gaps.png", chart, "image/png", is_image=True)
        )
    ]


def _stat_periods(ctx: Ctx) -> list[Choice]:
    return [
        Choice(str(days), ctx.tr.s(label))
        for days, label in (
            (7, N_("The last 7 days")),
            (30, N_("The last 30 days")),
            (90, N_("The last 90 days")),
            (365, N_("The last year")),
        )
    ]


def _save_stats(ctx: Ctx) -> list[Reply]:
    days = int(ctx.answer("period"))
    found = stats(ctx.session, ctx.now(), days)
    tr = ctx.tr
    median = (
        tr.s(N_("{days} days"), days=round(found.median_days_to_match, 1))
        if found.median_days_to_match is not None
        else "—"
    )

    def listed(counter: object) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "—"  # type: ignore

    lines = [
        tr(N_("**Figures for the last {days} days**"), days=days),
        tr(
            N_("People by kind of organisation: {values}"),
            values=listed(found.stakeholders_by_kind),
        ),
        tr(N_("People by country: {values}"), values=listed(found.stakeholders_by_country)),
        tr(N_("Listings by status: {values}"), values=listed(found.listings_by_status)),
        tr(
            N_("Matches: {values}; median time from a need to its match: {median}"),
            values=listed(found.matches),
            median=median,
        ),
        tr(
            N_("Reports: {on_time} of {due} due were sent on time"),
            on_time=found.reports_on_time,
            due=found.reports_due,
        ),
        tr(
            N_("Active users: {n}; what they used: {values}"),
            n=found.active_users,
            values=_usage_text(found.usage),
        ),
    ]
    chart = stats_chart(tr, found)
    return [
        Reply(
            Text.join(lines), attachment=Attachment("stats.png", chart, "image/png", is_image=True)
        )
    ]


def _usage_text(usage: object) -> str:
    """'command: need 3, search 2 · dialog: need 2 · info: mine 4'."""
    groups: dict[str, list[str]] = {}
    for key, count in usage.most_common():  # type: ignore[attr-defined]
        category, _, name = key.partition(":")
        groups.setdefault(category, []).append(f"{name} {count}")
    return (
        " · ".join(f"{category}: {', '.join(names[:6])}" for category, names in groups.items())
        or "—"
    )


# -- exports and personal data -----------------------------------------------------------------


def _save_export(ctx: Ctx) -> list[Reply]:
    data = export(ctx.session, include_restricted=True)
    stamp = ctx.now().strftime("%Y%m%d-%H%M")
    if ctx.answer("format") == "json":
        path = files_dir() / f"partnerbot-export-{stamp}.json"
        path.write_text(to_json(data), encoding="utf-8")
        attachment = Attachment(path.name, path, "application/json")
    else:
        path = files_dir() / f"partnerbot-export-{stamp}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in TABLES:
                archive.writestr(f"{table}.csv", to_csv(data[table]))
        attachment = Attachment(path.name, path, "application/zip")
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
    forget(ctx.session, ctx.person.id)
    ctx.follow_up = None
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
    settings = ctx.settings
    for listing_id in approve(ctx.session, ctx.actor, stakeholder_id):
        propose_matches(
            ctx.session,
            ctx.vocab,
            listing_id,
            weights=getattr(settings, "weights", None),
            threshold=getattr(settings, "match_threshold", 0.55),
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
        (grant_role if grant else revoke_role)(ctx.session, ctx.actor, person_id, role)
        name = _show_person(ctx, person_id)
        template = N_("{name} is now {role}.") if grant else N_("{name} is no longer {role}.")
        return [Reply(ctx.tr(template, name=name, role=ctx.tr(ROLES[role])))]

    return save


def history(ctx: Ctx, args: str) -> list[Reply]:
    """The audit trail of a listing or a partnership: who did what, and when."""
    assert ctx.actor is not None
    kind, _, number = args.strip().partition(" ")
    if not number.strip().lstrip("#").isdigit() or kind not in ("listing", "partnership"):
        return [
            Reply(
                ctx.tr(
                    N_("Which record? For example: /history listing 12 or /history partnership 3.")
                )
            )
        ]
    entity_id = int(number.strip().lstrip("#"))
    if kind == "listing":
        allowed = can_edit(ctx.actor, get_listing(ctx.session, entity_id).listing)
    else:
        allowed = can_manage(ctx.actor, get_partnership(ctx.session, entity_id))
    if not allowed:
        raise PermissionDenied("denied.history")
    events = ctx.session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity_type == kind, AuditEvent.entity_id == entity_id)
        .order_by(col(AuditEvent.at))
    ).all()
    if not events:
        raise NotFound("not_found.history")
    names = {p.id: p.name for p in ctx.session.exec(select(Stakeholder))}
    lines = [ctx.tr(N_("**History of {kind} #{id}**"), kind=kind, id=entity_id)]
    for event in events[-30:]:
        who = names.get(event.actor_id, ctx.tr.s(N_("the system")))
        when = event.at.strftime("%Y-%m-%d %H:%M")
        lines.append(Text.plain(f"{when} UTC · {who} · {event.action}"))
    return [Reply(Text.join(lines))]


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
        Dialog(
            "gaps",
            N_("Gaps"),
            (
                Step("area", N_("Which thematic area?"), Kind.choice, choices=_areas, columns=1),
                Step("region", N_("Where?"), Kind.choice, choices=_regions),
                Step("period", N_("Which needs?"), Kind.choice, choices=_periods, columns=1),
            ),
            _save_gaps,
            confirm=False,
            slow=True,
        ),
        Dialog(
            "stats",
            N_("Figures"),
            (Step("period", N_("Over which period?"), Kind.choice, choices=_stat_periods),),
            _save_stats,
            confirm=False,
            slow=True,
        ),
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
