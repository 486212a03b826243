"""The partnerships as an IATI activity file (IATI Standard 2.03), for aid-data systems.

Each active partnership is one `iati-activity`, reported by the platform as a secondary
reporter (it reproduces what the partners agreed, it neither funds nor implements):
its partners as participating organisations (funding, implementing), where it works, DAC
sector 15250 and the thematic areas in the platform's own vocabulary (99), its dates, its
financial commitments as outgoing-commitment transactions, and its objectives and indicators
as results with baselines, targets and the values of approved reports, broken down by sex and
age where the indicator is. Only what may be published goes in (see core.iati_load); no
person, contact point or e-mail ever does.

Built with the standard library's ElementTree, which escapes every text and attribute."""

from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from core.clock import as_utc
from core.iati_load import (
    ACTIVITY_STATUS,
    FUNDING,
    IMPLEMENTING,
    Published,
    load_published,
    ordered,
)
from core.iati_parts import (
    XML_LANG,
    clean,
    in_kind,
    narrated,
    narrative,
    organisation_type,
    results,
    shares,
    sub,
    transactions,
)
from core.iati_related import cluster_siblings, related
from core.models.enums import Coverage, OrganisationKind
from core.schedules import period_start
from core.vocabularies import WORLD, Vocabularies

VERSION = "2.03"
FILE_NAME = "activities.xml"
M49 = "2"  # RegionVocabulary: UN Statistics Division (M49)
M49_URI = "https://unstats.un.org/unsd/methodology/m49/"
DAC = "1"  # SectorVocabulary: OECD DAC CRS purpose codes, 5 digits
OWN_VOCABULARY = "99"  # SectorVocabulary: the reporting organisation's
DAC_NAMES = {"15250": "Removal of land mines and explosive remnants of war"}
# DateType codelist.
PLANNED_START, ACTUAL_START, PLANNED_END = "1", "2", "3"
# DescriptionType codelist.
GENERAL, OBJECTIVES, OTHER = "1", "2", "4"
# The IATI Standard Ruleset forbids these in organisation and activity identifiers.
_NOT_IN_IDENTIFIERS = re.compile(r"[/&|?\s]")


@dataclass(frozen=True)
class ReportingOrg:
    """The platform as IATI's reporting organisation (settings iati_reporting_org_*).
    `ref` is an organisation identifier, {registration agency}-{number}."""

    ref: str
    name: str
    type: str = "40"  # OrganisationType: Multilateral
    language: str = "en"  # the language of `name`

    def __post_init__(self) -> None:
        if not self.ref or _NOT_IN_IDENTIFIERS.search(self.ref):
            raise ValueError(f"IATI reporting-org ref {self.ref!r}: no spaces, / & | or ?")
        if not self.type.isdigit():
            raise ValueError(f"IATI reporting-org type {self.type!r} is not a code")
        if not clean(self.name):
            raise ValueError("IATI reporting-org name is empty")


def iati_activities(
    session: Session,
    vocab: Vocabularies,
    *,
    reporting_org: ReportingOrg,
    generated_at: datetime,
    language: str = "en",
    area_vocabulary_uri: str | None = None,
) -> bytes:
    """The IATI 2.03 `iati-activities` document, UTF-8. `generated_at` (timezone-aware) is
    its time of making: nothing in it is dated later. `language` is the text's language where
    its author's is unknown; `area_vocabulary_uri` is where the thematic areas' codes are
    published (sector vocabulary 99). With no partnership to publish the list is empty,
    which IATI's schema does not accept (it has no valid empty file): readers see none."""
    now = as_utc(generated_at)
    root = ET.Element("iati-activities", {"version": VERSION, "generated-datetime": _moment(now)})
    items = load_published(session)
    siblings = cluster_siblings(session, [item.partnership.id or 0 for item in items])
    for item in items:
        activity = _activity(item, vocab, reporting_org, now, language, area_vocabulary_uri)
        related(activity, reporting_org.ref, siblings.get(item.partnership.id or 0, []))
        root.append(activity)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_iati(
    session: Session,
    vocab: Vocabularies,
    out_dir: Path,
    *,
    reporting_org: ReportingOrg,
    generated_at: datetime,
    language: str = "en",
    area_vocabulary_uri: str | None = None,
) -> Path:
    """Writes `out_dir/activities.xml` and returns its path. The file is replaced whole, so
    a server reading it meanwhile sees the old one or the new one, never half of either."""
    document = iati_activities(
        session,
        vocab,
        reporting_org=reporting_org,
        generated_at=generated_at,
        language=language,
        area_vocabulary_uri=area_vocabulary_uri,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / FILE_NAME
    handle, temporary = tempfile.mkstemp(dir=out_dir, prefix=".activities-", suffix=".xml")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(document)
        os.chmod(temporary, 0o644)  # public data, whichever user serves it; mkstemp made 0600
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _activity(
    item: Published,
    vocab: Vocabularies,
    org: ReportingOrg,
    now: datetime,
    default_language: str,
    area_vocabulary_uri: str | None,
) -> ET.Element:
    partnership = item.partnership
    language = item.language or default_language
    financial = {c.currency for c in item.commitments if c.amount is not None and c.currency}
    updated = min(item.last_updated or now, now)
    activity = ET.Element(
        "iati-activity",
        {
            "last-updated-datetime": _moment(updated),
            XML_LANG: language,
            **({"default-currency": next(iter(financial))} if len(financial) == 1 else {}),
        },
    )
    sub(activity, "iati-identifier").text = f"{org.ref}-{partnership.id}"
    reporting = sub(activity, "reporting-org", {"ref": org.ref, "type": org.type})
    reporting.set("secondary-reporter", "1")
    narrative(reporting, org.name, org.language)
    narrative(sub(activity, "title"), partnership.title, language)
    _descriptions(activity, item, language)
    countries, regions = _places(item)
    for role in (FUNDING, IMPLEMENTING):
        for organisation in item.with_role(role):
            narrated(
                activity,
                "participating-org",
                organisation.name,
                None,
                role=role,
                type=organisation_type(organisation, countries),
            )
    sub(activity, "activity-status", {"code": ACTIVITY_STATUS[partnership.status]})
    planned, started = _dates(activity, item, now.date())
    for code, share in zip(countries, shares(len(countries)), strict=True):
        sub(activity, "recipient-country", {"code": code, "percentage": share})
    for code, share in zip(regions, shares(len(regions)), strict=True):
        attributes = {"code": code, "vocabulary": M49, "vocabulary-uri": M49_URI}
        sub(activity, "recipient-region", {**attributes, "percentage": share})
    _sectors(activity, item, vocab, area_vocabulary_uri)
    _defaults(activity, item, vocab)
    transactions(activity, item, started, countries, language)
    # The baseline is where things stood before the first period reported on.
    results(activity, item, planned, language)
    return activity


def _descriptions(activity: ET.Element, item: Published, language: str) -> None:
    """The need's own description where it may be told, and the objectives; IATI requires
    one description at least, so the title stands in when there is neither."""
    general = clean(item.need.description) if item.need is not None else ""
    objectives = "\n".join(
        f"{clean(o.title)}: {clean(o.target)} ({o.deadline.isoformat()})"
        if clean(o.target)
        else f"{clean(o.title)} ({o.deadline.isoformat()})"
        for o, _ in item.objectives
    )
    if general or not objectives:
        narrated(activity, "description", general or item.partnership.title, language, type=GENERAL)
    if objectives:
        narrated(activity, "description", objectives, language, type=OBJECTIVES)
    if others := in_kind(item):
        narrated(activity, "description", others, language, type=OTHER)


def _places(item: Published) -> tuple[list[str], list[str]]:
    """Where the partnership works: its need's country or region; else the countries of its
    implementing national authorities, else of any partner implementing, else their
    regions."""
    need = item.need
    if need is not None and need.coverage == Coverage.country and need.country:
        return [need.country], []
    if need is not None and need.coverage == Coverage.region and need.region not in (None, WORLD):
        return [], [str(need.region)]
    implementers = item.with_role(IMPLEMENTING)
    national = [o for o in implementers if o.kind == OrganisationKind.national_authority]
    for group in (national, implementers):
        countries = sorted({o.country for o in group if o.country})
        if countries:
            return countries, []
    return [], sorted({o.region for o in implementers if o.region and o.region != WORLD})


def _dates(activity: ET.Element, item: Published, today: date) -> tuple[date, date]:
    """Planned start: the first reporting period's; actual start: when the last partner
    confirmed; planned end: the last objective's deadline. Returns both starts."""
    activated = item.partnership.activated_at
    started = min(activated.date(), today) if activated is not None else today
    planned = started
    if item.schedule is not None:
        planned = min(planned, period_start(item.schedule, item.schedule.first_due))
    sub(activity, "activity-date", {"type": PLANNED_START, "iso-date": planned.isoformat()})
    if activated is not None:
        sub(activity, "activity-date", {"type": ACTUAL_START, "iso-date": started.isoformat()})
    deadlines = [o.deadline for o, _ in item.objectives]
    if deadlines and max(deadlines) > planned:
        end = max(deadlines).isoformat()
        sub(activity, "activity-date", {"type": PLANNED_END, "iso-date": end})
    return planned, started


def _sectors(activity: ET.Element, item: Published, vocab: Vocabularies, uri: str | None) -> None:
    """The DAC purpose codes of its areas (15250 for mine action), then the areas themselves
    in the platform's vocabulary, each vocabulary's percentages adding up to 100."""
    terms = [
        term
        for code in ordered(item.areas, vocab.thematic_areas.codes())
        if (term := vocab.thematic_areas.get(code)) is not None  # not a replaced vocabulary's
    ]
    dac = ordered((t.codes["dac_sector"] for t in terms if "dac_sector" in t.codes), [])
    if not dac:
        # No area known: a vocabulary whose every area has one DAC code still says which.
        every = {t.codes.get("dac_sector") for t in vocab.thematic_areas}
        dac = [code for code in every if code] if len(every) == 1 else []
    for code, share in zip(dac, shares(len(dac)), strict=True):
        sector = sub(activity, "sector", {"vocabulary": DAC, "code": code, "percentage": share})
        if code in DAC_NAMES:
            narrative(sector, DAC_NAMES[code], "en")
    for term, share in zip(terms, shares(len(terms)), strict=True):
        sector = sub(
            activity,
            "sector",
            {
                "vocabulary": OWN_VOCABULARY,
                "vocabulary-uri": uri,
                "code": term.code,
                "percentage": share,
            },
        )
        for label_language, label in sorted(term.labels.items()):
            narrative(sector, label, label_language)


def _defaults(activity: ET.Element, item: Published, vocab: Vocabularies) -> None:
    """The IATI codes the vocabularies carry: how partners cooperate (the modality) and what
    kind of aid the offer gives."""
    modality = vocab.modalities.get(item.partnership.modality or "")
    if modality is not None and "iati_collaboration_type" in modality.codes:
        sub(activity, "collaboration-type", {"code": modality.codes["iati_collaboration_type"]})
    kind = vocab.assistance_types.get(item.offer.assistance_type) if item.offer else None
    codes = kind.codes if kind is not None else {}
    if "iati_finance_type" in codes:
        sub(activity, "default-finance-type", {"code": codes["iati_finance_type"]})
    if "iati_aid_type" in codes:
        sub(activity, "default-aid-type", {"code": codes["iati_aid_type"], "vocabulary": "1"})
