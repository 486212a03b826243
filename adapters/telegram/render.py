"""Neutral replies as Telegram messages: HTML with every span escaped, inline keyboards whose
callback_data is the engine's short token, and long texts split under Telegram's limit."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Reply
from bot.text import Span, Text

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
    """Pieces of at most `limit` characters of HTML, cut between spans (so no tag is ever cut
    in two) and, inside a span too long for one message, between lines or words."""
    pieces: list[str] = []
    current = ""
    for span in _short_spans(text.spans, limit // 2):
        rendered = span_html(span)
        if current and len(current) + len(rendered) > limit:
            pieces.append(current)
            current = ""
        current += rendered
    if current or not pieces:
        pieces.append(current)
    return pieces


def _short_spans(spans: tuple[Span, ...], size: int) -> list[Span]:
    out = []
    for span in spans:
        text = span.text
        while len(html.escape(text, quote=False)) > size:
            cut = text.rfind("\n", 0, size // 2) + 1 or text.rfind(" ", 0, size // 2) + 1
            cut = cut or size // 2
            out.append(Span(text[:cut], span.bold, span.italic, span.link))
            text = text[cut:]
        out.append(Span(text, span.bold, span.italic, span.link))
    return out


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.label, callback_data=button.action) for button in row]
            for row in reply.buttons
        ]
    )
