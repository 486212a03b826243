"""Formatted text in a small subset every surface can render: bold, italic and links.

Templates (our own strings, from the translation catalogs) may use **bold**, __italic__ and
[label](https://…). Parameters filled into a template are always plain spans: text that a
person typed can never turn into markup, and each adapter escapes spans for its platform.

A command named in a template ("/need") becomes a command reference, which each surface
writes the way people type it there: `/need` on Telegram and in the terminal, `/partners need`
on Slack, where a direct message cannot start with a slash.

In a language written right to left, each parameter is wrapped in Unicode isolates (FSI
U+2068 … PDI U+2069): a Latin name, a code or a number keeps its own order inside the Arabic
sentence and does not pull the words around it out of place."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

_MARKUP = re.compile(r"(\*\*|__|\[[^\]]+\]\((?:https?|tg|mailto):[^)\s]+\))")
# "/need" after a space, a bracket or a quote, never inside a word or a path ("and/or", "km/h").
_COMMAND = re.compile(r"(?<![\w/.:])/([a-z][a-z_]*)\b")
FSI, PDI = "\u2068", "\u2069"  # first strong isolate, pop directional isolate


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    command: str | None = None  # a reference to a command: its text is "/name"


@dataclass(frozen=True)
class Text:
    spans: tuple[Span, ...] = ()

    @classmethod
    def plain(cls, text: str) -> Text:
        return cls((Span(text),)) if text else cls()

    @classmethod
    def command(cls, name: str) -> Text:
        """A reference to a command, written per surface (see the module's note)."""
        return cls((Span(f"/{name}", command=name),))

    def __add__(self, other: Text | str) -> Text:
        if isinstance(other, str):
            other = Text.plain(other)
        return Text(self.spans + other.spans)

    def __radd__(self, other: str) -> Text:
        return Text.plain(other) + self

    def __str__(self) -> str:
        return "".join(span.text for span in self.spans)

    def __bool__(self) -> bool:
        return any(span.text for span in self.spans)

    @classmethod
    def join(cls, parts: list[Text], separator: str = "\n") -> Text:
        result = cls()
        for index, part in enumerate(parts):
            result = result + part if index == 0 else result + separator + part
        return result


def isolated(text: str) -> str:
    """The text in isolates, once: already isolated or empty text is left as it is."""
    if not text or (text.startswith(FSI) and text.endswith(PDI)):
        return text
    return f"{FSI}{text}{PDI}"


def markup(template: str, isolate: bool = False, **params: Any) -> Text:
    """Parses our own template markup and fills in parameters as plain text; with
    `isolate` (a right-to-left language) each parameter is isolated (see the module's note)."""
    spans: list[Span] = []
    bold = italic = False
    for literal, field, spec, conversion in string.Formatter().parse(template):
        for piece in _MARKUP.split(literal):
            if piece == "**":
                bold = not bold
            elif piece == "__":
                italic = not italic
            elif piece.startswith("[") and piece.endswith(")") and "](" in piece:
                label, _, url = piece[1:-1].partition("](")
                spans.append(Span(label, bold, italic, url))
            elif piece:
                spans.extend(_commands(piece, bold, italic))
        if field is not None:
            value = params[field] if field else ""
            if isinstance(value, Text):
                inner = [
                    Span(s.text, s.bold or bold, s.italic or italic, s.link) for s in value.spans
                ]
                if isolate and inner and not _rtl(str(value)):  # Latin text given whole
                    inner = [Span(FSI, bold, italic), *inner, Span(PDI, bold, italic)]
                spans.extend(inner)
                continue
            if conversion == "r":
                value = repr(value)
            text = format(value, spec or "")
            spans.append(Span(isolated(text) if isolate else text, bold, italic))
    return Text(tuple(span for span in spans if span.text))


def _rtl(text: str) -> bool:
    """Whether the text has a letter written right to left (Arabic, Hebrew, Syriac…)."""
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _commands(literal: str, bold: bool, italic: bool) -> list[Span]:
    """A literal of a template, with the commands it names as command references."""
    spans = []
    at = 0
    for found in _COMMAND.finditer(literal):
        if found.start() > at:
            spans.append(Span(literal[at : found.start()], bold, italic))
        spans.append(Span(found.group(0), bold, italic, command=found.group(1)))
        at = found.end()
    if at < len(literal):
        spans.append(Span(literal[at:], bold, italic))
    return spans


def split_rendered(text: Text, limit: int, render: Callable[[Span], str]) -> list[str]:
    """Pieces of at most `limit` characters as `render` writes them, cut between spans, so
    that no tag, escape or entity is ever cut in two; a span too long for one piece is cut
    between lines or words, and each part is rendered whole (its markup closed)."""
    pieces: list[str] = []
    current = ""
    for span in _short_spans(text.spans, limit // 2, render):
        rendered = render(span)
        if current and len(current) + len(rendered) > limit:
            pieces.append(current)
            current = ""
        current += rendered
    if current or not pieces:
        pieces.append(current)
    return pieces


def _short_spans(spans: tuple[Span, ...], size: int, render: Callable[[Span], str]) -> list[Span]:
    out = []
    for span in spans:
        rest = span.text
        while len(render(replace(span, text=rest))) > size:
            fits = size // 2  # rendering may lengthen text (escapes): halve until it fits
            while fits > 1 and len(render(replace(span, text=rest[:fits]))) > size:
                fits //= 2
            cut = rest.rfind("\n", 0, fits) + 1 or rest.rfind(" ", 0, fits) + 1 or fits
            out.append(replace(span, text=rest[:cut]))
            rest = rest[cut:]
        out.append(replace(span, text=rest))
    return out
