"""Reports a reviewer can find and read: /reports for coordinators (theirs, then those nobody
coordinates) and for partners; the figures of a report against baseline and target, in the
review notice, /reports and the partnership's overview; a coordinator takes a partnership."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import select

from bot.chatbot import ChatBot
from core.models import ChannelIdentity, Indicator, Partnership, StakeholderRole
from core.models.enums import Disaggregation, Role
from tests.chat import Person, onboard
from tests.factories import active_partnership
from tests.integration.test_follow_up import Clock, submit

FIGURE = "People fitted: 20 of 40 people (50%) · women 12, men 8"


def partnership_nobody_coordinates(db, vocab) -> int:
    with db.write() as s:
        pid, field, _ = active_partnership(s, vocab, first_due=date(2027, 3, 31))
        s.get(Partnership, pid).coordinator_id = None  # made from a match, before any existed
        indicator = s.exec(select(Indicator)).one()
        indicator.name, indicator.unit, indicator.target = "People fitted", "people", Decimal(40)
        indicator.disaggregation = Disaggregation.sex
        s.add(
            ChannelIdentity(
                stakeholder_id=field.id, platform="console", external_user_id="field", chat_id="f"
            )
        )
    return pid


def test_a_coordinator_who_joined_later_finds_the_report_and_its_figures(db, vocab) -> None:
    bot = ChatBot(db, vocab, clock=Clock(datetime(2027, 3, 31, 9, tzinfo=UTC)))
    pid = partnership_nobody_coordinates(db, vocab)
    partner = submit(bot, "field", "women 12, men 8")
    assert "is with the coordinator" in partner.text
    claire = Person(bot, "claire")  # signs up after the report was filed
    onboard(
        claire,
        organisation="Support Unit",
        kind="Intergovernmental organisation",
        country="Switzerland",
    )
    with db.write() as s:
        identity = s.exec(
            select(ChannelIdentity).where(ChannelIdentity.external_user_id == "claire")
        )
        s.add(StakeholderRole(stakeholder_id=identity.one().stakeholder_id, role=Role.coordinator))
    claire.command("reports")
    assert "Reports awaiting review: 1" in claire.text
    assert FIGURE in claire.text and "Good quarter" in claire.text
    claire.command("partnership", str(pid))
    assert FIGURE in claire.text and "with the coordinator" in claire.text
    assert "Our responsibilities" not in claire.labels and "Report progress" not in claire.labels
    claire.tap("Follow it as its coordinator")
    assert "You follow" in claire.text
    with db.read() as s:
        assert s.get(Partnership, pid).coordinator_id is not None
    claire.command("reports")
    claire.tap("Approve")
    assert "Approved" in claire.text
    partner.command("reports")
    assert "approved" in partner.text and FIGURE in partner.text


def test_the_review_notice_shows_the_figures(db, vocab) -> None:
    from bot.i18n import Tr
    from bot.notices import render_notice
    from core.models import Notification

    bot = ChatBot(db, vocab, clock=Clock(datetime(2027, 3, 31, 9, tzinfo=UTC)))
    with db.write() as s:
        boss_pid = active_partnership(s, vocab, first_due=date(2027, 3, 31))[0]
        indicator = s.exec(select(Indicator)).one()
        indicator.disaggregation = Disaggregation.sex
        from core.models import PartnershipMember

        field = s.exec(
            select(PartnershipMember).where(PartnershipMember.partnership_id == boss_pid)
        ).first()
        s.add(
            ChannelIdentity(
                stakeholder_id=field.stakeholder_id,
                platform="console",
                external_user_id="field",
                chat_id="f",
            )
        )
    submit(bot, "field", "women 0.3, men 0.3")
    with db.read() as s:
        notice = s.exec(select(Notification).where(Notification.kind == "report_submitted")).first()
        [reply] = render_notice(s, vocab, Tr("fr"), notice)
    text = str(reply.text)
    assert "Area released : 0,6 sur 1,2 km²" in text and "50" in text
    assert "femmes 0,3, hommes 0,3" in text
    assert [b.label for b in reply.all_buttons] == ["✔ Approuver", "↩ Renvoyer pour révision"]
