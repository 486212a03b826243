"""Formatted text in a small subset every surface can render: bold, italic and links.

Templates (our own strings, from the translation catalogs) may use **bold**, __italic__ and
[label](https://…). Parameters filled into a template are always plain spans: text that a
person typed can never turn into markup, and each adapter escapes spans for its platform."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

_MARKUP = re.compile(r"(\*\*|__|\[[^\]]+\]\((?:https?|tg|mailto):[^)\s]+\))")


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None


@dataclass(frozen=True)
class Text:
    spans: tuple[Span, ...] = ()

    @classmethod
    def plain(cls, text: str) -> Text:
        return cls((Span(text),)) if text else cls()

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


def markup(template: str, **params: Any) -> Text:
    """Parses our own template markup and fills in parameters as plain text."""
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
                spans.append(Span(piece, bold, italic))
        if field is not None:
            value = params[field] if field else ""
            if isinstance(value, Text):
                spans.extend(
                    Span(s.text, s.bold or bold, s.italic or italic, s.link) for s in value.spans
                )
                continue
            if conversion == "r":
                value = repr(value)
            spans.append(Span(format(value, spec or ""), bold, italic))
    return Text(tuple(span for span in spans if span.text))
