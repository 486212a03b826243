"""What the directory is narrowed to, read from a query string and written back into one."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from core.errors import InvalidInput
from core.models.enums import ListingKind
from core.validation import check_country, check_region
from core.vocabularies import Vocabularies

MAX_PAGE = 10_000  # beyond it OFFSET costs more than anybody paging by hand would wait for


@dataclass(frozen=True)
class Filters:
    """What a directory page, a feed or the API is narrowed to; every field is optional, and
    each one is a query parameter of the same name, so that every filter is a shareable URL."""

    kind: ListingKind | None = None
    assistance_type: str | None = None
    area: str | None = None  # a thematic area
    country: str | None = None  # ISO 3166-1 alpha-2
    region: str | None = None  # UN M49
    modality: str | None = None

    NAMES: ClassVar[tuple[str, ...]] = (
        "kind",
        "assistance_type",
        "area",
        "country",
        "region",
        "modality",
    )

    @classmethod
    def from_query(
        cls, query: Mapping[str, str], vocab: Vocabularies, *, strict: bool = False
    ) -> Filters:
        """The filters of a query string; other parameters are ignored. An empty value is no
        filter. An unknown value is dropped, or, with `strict` (for the API), raises
        InvalidInput whose `field` names the parameter."""
        found: dict[str, Any] = {}
        for name in cls.NAMES:
            raw = (query.get(name) or "").strip()
            if not raw:
                continue
            try:
                found[name] = _checked(vocab, name, raw)
            except InvalidInput:
                if strict:
                    raise
        return cls(**found)

    def to_query(self, omit: Collection[str] = ()) -> dict[str, str]:
        """The filters that are set, in a stable order (one URL per filter, for caches)."""
        return {
            name: str(value)
            for name in self.NAMES
            if name not in omit and (value := getattr(self, name)) is not None
        }

    def replace(self, **changes: Any) -> Filters:
        return dataclasses.replace(self, **changes)


def _checked(vocab: Vocabularies, name: str, raw: str) -> str:
    if name == "kind":
        if raw not in ListingKind.__members__:
            raise InvalidInput("invalid.choice", field=name, value=raw)
        return ListingKind(raw)
    if name == "country":
        return check_country(vocab, raw)
    if name == "region":
        return check_region(vocab, raw)
    vocabulary = {
        "assistance_type": vocab.assistance_types,
        "area": vocab.thematic_areas,
        "modality": vocab.modalities,
    }[name]
    if raw not in vocabulary:
        raise InvalidInput("invalid.choice", field=name, value=raw)
    return raw


def page_number(raw: str | None) -> int:
    """A `page` query parameter as a page number: anything that is not one is the first."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
