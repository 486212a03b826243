"""Neutral replies as Telegram messages: HTML with every span escaped, inline keyboards whose
callback_data is the engine's short token, and long texts split under Telegram's limit."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Reply
from bot.text import Span, Text, split_rendered

MAX_TEXT = 4096
MAX_CAPTION = 1024


def span_html(span: Span) -> str:
    piece = html.escape(span.text, quote=False)
    if span.bold:
        piece = f"<b>{piece}</b>"
    if span.italic:
        piece = f"<i>{piece}</i>"
    if span.link:
        piece = f'<a href="{html.escape(span.link, quote=True)}">{piece}</a>'
    return piece


def to_html(text: Text) -> str:
    return "".join(span_html(span) for span in text.spans)


def split_html(text: Text, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` characters of HTML, no tag or entity ever cut in two."""
    return split_rendered(text, limit, span_html)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.label, callback_data=button.action) for button in row]
            for row in reply.buttons
        ]
    )
