"""The notices of clusters, national ownership and completion deadlines, rendered when
delivered: a call to offer owners ("I can help"), a steering group's quarterly digest, what
the national counterpart is told (never a restricted need's title), a counterpart's comment,
and a projection past its deadline."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from bot.actions import command_token
from bot.cluster_views import rollup_lines
from bot.i18n import N_, Tr
from bot.match_notices import partnership_button
from bot.messages import Button, Reply
from bot.report_views import report_lines
from bot.text import Text
from bot.views import listing_card
from core.clusters import gaps_of, get_cluster, partnerships_of
from core.errors import NotFound
from core.listings import get_listing
from core.models import Organisation, Partnership, PartnershipMember, ProgressReport, Stakeholder
from core.partnership_places import places_of
from core.people import load_actor
from core.reporting import figures_of
from core.rollup import rolled_up
from core.vocabularies import Vocabularies


def _call(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    cluster = get_cluster(session, p["cluster_id"])
    need = get_listing(session, p["need_id"])
    text = tr(
        N_(
            "📣 **A call from the steering group of “{cluster}”**: this need has "
            "waited long. Your offer #{offer} fits it."
        ),
        cluster=cluster.title,
        offer=p["offer_id"],
    )
    help_ = Button(
        tr.s(N_("🤝 I can help")), command_token("call_help", f"{p['call_id']}.{p['offer_id']}")
    )
    return [Reply(Text.join([text, listing_card(tr, vocab, need)]), ((help_,),))]


def _digest(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    cluster = get_cluster(session, p["cluster_id"])
    partnerships = partnerships_of(session, cluster.id or 0)
    from core.clock import utcnow

    gaps = gaps_of(session, vocab, cluster, today=utcnow().date())
    lines = [
        tr(
            N_("🧩 **Quarterly digest of “{cluster}”** ({quarter})"),
            cluster=cluster.title,
            quarter=p["quarter"],
        ),
        tr(N_("{n} partnerships, {gaps} gaps"), n=len(partnerships), gaps=len(gaps)),
        *rollup_lines(tr, rolled_up(session, [x.id or 0 for x in partnerships])),
    ]
    open_ = Button(tr.s(N_("Open the cluster")), command_token("cluster", cluster.id or 0))
    return [Reply(Text.join(lines), ((open_,),))]


def _title(session: Session, tr: Tr, p: dict[str, Any]) -> tuple[Partnership, str, str]:
    partnership = session.get(Partnership, p["partnership_id"])
    if partnership is None:
        raise NotFound("not_found.partnership")
    partners = session.exec(
        select(Organisation.name)
        .join(PartnershipMember, PartnershipMember.organisation_id == Organisation.id)
        .where(PartnershipMember.partnership_id == partnership.id)
    ).all()
    # Drafted from another's restricted need: its title is the need's, which is not theirs.
    title = tr.s(N_("a partnership")) if p.get("restricted") else partnership.title
    return partnership, title, ", ".join(partners)


def _comment_button(tr: Tr, partnership_id: int) -> tuple[Button, ...]:
    return (Button(tr.s(N_("💬 Comment")), command_token("natl_comment", partnership_id)),)


def _national(wording: str):  # type: ignore[no-untyped-def]
    def render(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
        partnership, title, partners = _title(session, tr, p)
        place = places_of(session, vocab, [partnership.id or 0])[partnership.id or 0]
        text = tr(wording, title=title, partners=partners, country=tr.country(place.country))
        lines = [text]
        if p.get("report_id"):
            report = session.get(ProgressReport, p["report_id"])
            if report is not None and not p.get("restricted"):
                lines += report_lines(tr, report, figures_of(session, report))
        rows = [_comment_button(tr, partnership.id or 0)]
        if not p.get("restricted"):
            rows.append((partnership_button(tr, partnership.id or 0),))
        return [Reply(Text.join(lines), tuple(rows))]

    return render


def _comment(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    who = session.get(Stakeholder, p["from_id"])
    organisation = (
        session.get(Organisation, who.organisation_id) if who and who.organisation_id else None
    )
    text = tr(
        N_("💬 **The national counterpart ({organisation}) comments on #{id}:** {text}"),
        organisation=organisation.name if organisation else "—",
        id=p["partnership_id"],
        text=p["text"],
    )
    return [Reply(text, ((partnership_button(tr, p["partnership_id"]),),))]


def _late(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    partnership = session.get(Partnership, p["partnership_id"])
    if partnership is None:
        return []
    title = partnership.title
    place = places_of(session, vocab, [partnership.id or 0])[partnership.id or 0]
    if place.restricted_need and not _partner_or_coordinator(session, p, partnership):
        title = tr.s(N_("a partnership"))  # the counterpart: another's restricted need
    text = tr(
        N_(
            "⚠ **At this pace “{title}” finishes on {completion}, after the treaty "
            "deadline of {deadline}.** The projection follows the approved reports."
        ),
        title=title,
        completion=tr.date(date.fromisoformat(p["completion"])) if p.get("completion") else "—",
        deadline=tr.date(date.fromisoformat(p["deadline"])),
    )
    return [Reply(text, ((partnership_button(tr, partnership.id or 0),),))]


def _partner_or_coordinator(session: Session, p: dict[str, Any], partnership: Partnership) -> bool:
    actor = load_actor(session, p["recipient_id"])
    if actor.is_coordinator or partnership.coordinator_id == actor.id:
        return True
    member = select(PartnershipMember.id).where(
        PartnershipMember.partnership_id == partnership.id,
        PartnershipMember.organisation_id == (actor.organisation_id or 0),
    )
    return session.exec(member).first() is not None


CLUSTER_RENDERERS = {
    "cluster_call": _call,
    "cluster_digest": _digest,
    "counterpart_new": _national(
        N_(
            "🏳 **A new partnership in {country}:** {title}, by {partners}. As the national "
            "counterpart you are kept informed, and may comment."
        )
    ),
    "counterpart_objectives": _national(
        N_("🏳 **The objectives changed** in {title} ({country}), by {partners}.")
    ),
    "counterpart_report": _national(
        N_("🏳 **A report was approved** for {title} ({country}), by {partners}.")
    ),
    "counterpart_comment": _comment,
    "projection_late": _late,
}
