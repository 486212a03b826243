"""Notifications (outbox rows) in words, in the recipient's language."""

from __future__ import annotations

from bot.i18n import N_, Tr
from bot.messages import Reply
from core.models import Notification

TEMPLATES = {
    "role_request": N_("**{name}** asks for the coordinator role."),
}


def render_notice(tr: Tr, notice: Notification) -> Reply:
    template = TEMPLATES.get(notice.kind)
    if template is None:
        return Reply(tr(N_("You have a new notification.")))
    return Reply(tr(template, **notice.payload))
