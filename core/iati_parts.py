"""Parts of an IATI 2.03 activity that take more than a line: commitments as transactions,
objectives and indicators as results, and the small helpers every part uses."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from core.iati_load import IMPLEMENTING, Published
from core.models import Indicator, IndicatorValue, Objective, Organisation
from core.models.enums import CommitmentKind, Disaggregation, OrganisationKind

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# OrganisationType codelist. An NGO based where the activity takes place is a partner
# country based NGO (24), any other an international one (21).
ORGANISATION_TYPE = {
    OrganisationKind.government: "10",
    OrganisationKind.national_authority: "10",
    OrganisationKind.intergovernmental: "40",
    OrganisationKind.private_sector: "70",
    OrganisationKind.academic: "80",
}
NGO_HERE, NGO_ABROAD = "24", "21"
OUTGOING_COMMITMENT = "2"  # TransactionType codelist
OUTCOME = "2"  # ResultType: an objective is what the partnership means to change
UNIT = "1"  # IndicatorMeasure: a count or an amount in the indicator's unit
# XML 1.0 cannot carry these at all, escaped or not; people's text may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text).strip()


def sub(
    parent: ET.Element, tag: str, attributes: dict[str, str | None] | None = None
) -> ET.Element:
    """A child element with the attributes that have a value."""
    given = {k: v for k, v in (attributes or {}).items() if v is not None}
    return ET.SubElement(parent, tag, given)


def narrative(parent: ET.Element, text: str, language: str | None = None) -> None:
    """Escaping is ElementTree's: `<`, `&` and quotes arrive as written."""
    sub(parent, "narrative", {XML_LANG: language}).text = clean(text)


def narrated(
    parent: ET.Element, tag: str, text: str, language: str | None, **attributes: str | None
) -> ET.Element:
    element = sub(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})
    narrative(element, text, language)
    return element


def number(value: Decimal | int) -> str:
    """A decimal as IATI reads it: no exponent, no trailing zeros ("1.20" is "1.2")."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def shares(count: int) -> list[str]:
    """`count` percentages, in hundredths, that add up to exactly 100: the hundredths left
    over go one each to the last ones, so no two differ by more than 0.01."""
    if count == 0:
        return []
    each, left = divmod(10000, count)
    cents = [each] * (count - left) + [each + 1] * left
    return [number(Decimal(c) / 100) for c in cents]


def organisation_type(organisation: Organisation, countries: list[str]) -> str:
    if organisation.kind == OrganisationKind.ngo:
        return NGO_HERE if organisation.country in countries else NGO_ABROAD
    return ORGANISATION_TYPE[organisation.kind]


def transactions(
    activity: ET.Element, item: Published, day: date, countries: list[str], language: str
) -> None:
    """Each financial commitment as an outgoing commitment, made on the day the partnership
    became binding (every partner confirmed); the receiver is named where only one partner
    implements."""
    for commitment in item.commitments:
        if (
            commitment.kind != CommitmentKind.financial
            or commitment.amount is None
            or not commitment.currency
        ):
            continue
        provider = item.organisation(commitment.organisation_id)
        if provider is None:
            continue
        transaction = sub(activity, "transaction")
        sub(transaction, "transaction-type", {"code": OUTGOING_COMMITMENT})
        sub(transaction, "transaction-date", {"iso-date": day.isoformat()})
        value = {"currency": commitment.currency, "value-date": day.isoformat()}
        sub(transaction, "value", value).text = number(commitment.amount)
        if clean(commitment.description):
            narrated(transaction, "description", commitment.description, language)
        narrated(
            transaction,
            "provider-org",
            provider.name,
            None,
            type=organisation_type(provider, countries),
        )
        receivers = [o for o in item.with_role(IMPLEMENTING) if o.id != provider.id]
        if len(receivers) == 1:
            narrated(
                transaction,
                "receiver-org",
                receivers[0].name,
                None,
                type=organisation_type(receivers[0], countries),
            )


def in_kind(item: Published) -> str:
    """What partners give in kind, a line each: IATI has a value only for money."""
    return "\n".join(
        f"{provider.name}: {clean(c.description)}"
        for c in item.commitments
        if c.kind == CommitmentKind.in_kind
        and clean(c.description)
        and (provider := item.organisation(c.organisation_id)) is not None
    )


def results(activity: ET.Element, item: Published, baseline_day: date, language: str) -> None:
    """Each objective with indicators as an outcome. Reported values are levels reached (the
    bot reads progress as the share of the way from baseline to target), so each approved
    report's period shows the indicator's target beside the level it reached. Before any
    approved report, one period from the baseline to the objective's deadline shows the
    target alone."""
    for objective, indicators in item.objectives:
        if not indicators:
            continue  # a result must have an indicator
        result = sub(activity, "result", {"type": OUTCOME})
        narrative(sub(result, "title"), objective.title, language)
        if clean(objective.target):
            narrated(result, "description", objective.target, language)
        for indicator in indicators:
            _indicator(result, item, objective, indicator, baseline_day, language)


def _indicator(
    result: ET.Element,
    item: Published,
    objective: Objective,
    indicator: Indicator,
    baseline_day: date,
    language: str,
) -> None:
    ascending = "1" if indicator.target >= indicator.baseline else "0"
    element = sub(result, "indicator", {"measure": UNIT, "ascending": ascending})
    narrative(sub(element, "title"), f"{indicator.name} ({indicator.unit})", language)
    sub(
        element,
        "baseline",
        {
            "year": str(baseline_day.year),
            "iso-date": baseline_day.isoformat(),
            "value": number(indicator.baseline),
        },
    )
    if not item.reports:
        if baseline_day < objective.deadline:
            _period(element, indicator, baseline_day, objective.deadline, [])
        return
    for report in item.reports:
        values = report.values.get(indicator.id or 0, [])
        _period(element, indicator, report.report.period_start, report.report.period_end, values)


def _period(
    indicator_element: ET.Element,
    indicator: Indicator,
    start: date,
    end: date,
    values: list[IndicatorValue],
) -> None:
    period = sub(indicator_element, "period")
    sub(period, "period-start", {"iso-date": start.isoformat()})
    sub(period, "period-end", {"iso-date": end.isoformat()})
    sub(period, "target", {"value": number(indicator.target)})
    for value in sorted(values, key=lambda v: (bool(v.sex or v.age_group), v.sex, v.age_group)):
        parts = value.sex or value.age_group
        if parts and indicator.disaggregation == Disaggregation.none:
            continue  # a breakdown nobody asked for is not the indicator's
        actual = sub(period, "actual", {"value": number(value.value)})
        if value.sex:
            sub(actual, "dimension", {"name": "sex", "value": value.sex})
        if value.age_group:
            sub(actual, "dimension", {"name": "age", "value": value.age_group})
