"""Vocabularies shipped as data: assistance types, thematic areas, modalities, countries with
their UN M49 regions, and currencies. Codes are stable identifiers; labels travel with the
data in every supported language, so a community that replaces a file replaces its labels too.

A directory given by configuration may hold any of the files; each one found there replaces
the default of the same name."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

DEFAULT_LANGUAGE = "en"
WORLD = "001"  # UN M49 code of the world


@dataclass(frozen=True)
class Term:
    code: str
    labels: dict[str, str]
    compatible: tuple[str, ...] = ()
    codes: dict[str, str] = field(default_factory=dict)  # external codes: DAC, IATI

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]

    def __contains__(self, code: object) -> bool:
        return any(term.code == code for term in self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, code: str) -> Term | None:
        return next((term for term in self.terms if term.code == code), None)

    def codes(self) -> list[str]:
        return [term.code for term in self.terms]


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    m49: str
    subregion: str
    intermediate: str  # empty where M49 has no intermediate region
    region: str
    global_south: bool

    @property
    def regions(self) -> tuple[str, ...]:
        """Every M49 region that contains this country, the most precise first."""
        chain = [self.subregion, self.intermediate, self.region, WORLD]
        return tuple(code for code in chain if code)


@dataclass(frozen=True)
class Vocabularies:
    assistance_types: Vocabulary
    thematic_areas: Vocabulary
    modalities: Vocabulary
    countries: dict[str, Country]
    currencies: frozenset[str]

    @property
    def regions(self) -> frozenset[str]:
        return frozenset(code for c in self.countries.values() for code in c.regions) - {WORLD}

    def countries_in(self, region: str) -> list[str]:
        return sorted(c.code for c in self.countries.values() if region in c.regions)

    def compatible_types(self, assistance_type: str) -> list[str]:
        """The types of need an offer of this type can answer."""
        term = self.assistance_types.get(assistance_type)
        return [assistance_type, *(term.compatible if term else ())]

    def offer_types_for(self, need_type: str) -> list[str]:
        """The types of offer that can answer a need of this type."""
        return [t.code for t in self.assistance_types if need_type in self.compatible_types(t.code)]

    def regions_containing(self, region: str) -> tuple[str, ...]:
        """The region itself and every larger region around it."""
        for country in self.countries.values():
            if region in country.regions:
                return country.regions[country.regions.index(region) :]
        return (region,)

    def regions_within(self, region: str) -> set[str]:
        """The region itself and every smaller region inside it."""
        return {
            code
            for country in self.countries.values()
            if region in country.regions
            for code in country.regions[: country.regions.index(region) + 1]
        }


def _read(name: str, directory: Path | None) -> str:
    if directory is not None and (directory / name).is_file():
        return (directory / name).read_text(encoding="utf-8")
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


def _vocabulary(name: str, directory: Path | None) -> Vocabulary:
    data: dict[str, Any] = tomllib.loads(_read(f"{name}.toml", directory))
    terms = []
    for raw in data.get("term", []):
        if DEFAULT_LANGUAGE not in raw.get("labels", {}):
            raise ValueError(f"{name}: term {raw.get('code')!r} has no English label")
        external = {k: str(v) for k, v in raw.items() if k not in {"code", "labels", "compatible"}}
        terms.append(
            Term(
                code=raw["code"],
                labels=dict(raw["labels"]),
                compatible=tuple(raw.get("compatible", ())),
                codes=external,
            )
        )
    return Vocabulary(name=name, terms=tuple(terms))


def _countries(directory: Path | None) -> dict[str, Country]:
    lines = [ln for ln in _read("countries.csv", directory).splitlines() if not ln.startswith("#")]
    return {
        row["code"]: Country(
            code=row["code"],
            m49=row["m49"],
            subregion=row["subregion"],
            intermediate=row["intermediate"],
            region=row["region"],
            global_south=row["global_south"] == "1",
        )
        for row in csv.DictReader(lines)
    }


def _currencies(directory: Path | None) -> frozenset[str]:
    text = _read("currencies.txt", directory)
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#")


def load_vocabularies(directory: Path | None = None) -> Vocabularies:
    return Vocabularies(
        assistance_types=_vocabulary("assistance_types", directory),
        thematic_areas=_vocabulary("thematic_areas", directory),
        modalities=_vocabulary("modalities", directory),
        countries=_countries(directory),
        currencies=_currencies(directory),
    )


@cache
def default_vocabularies() -> Vocabularies:
    return load_vocabularies(None)
