"""Every hard filter and every score component of matching, on plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from core.matching import Side, Weights, possible, score_pair, words_of
from core.models.enums import Coverage, ListingKind, ListingStatus
from core.vocabularies import default_vocabularies

TODAY = date(2027, 1, 10)


def need(**changes) -> Side:
    base = Side(
        id=1,
        kind=ListingKind.need,
        organisation_id=1,
        assistance_type="equipment",
        areas=frozenset({"victim_assistance"}),
        coverage=Coverage.country,
        country="KH",
        region="035",
        amount=None,
        currency=None,
        quantity=Decimal(40),
        unit="kits",
        available_from=date(2027, 1, 1),
        available_until=date(2027, 12, 31),
        modality=None,
        status=ListingStatus.open,
        global_south=True,
        words=words_of("Prosthetic kits for Battambang"),
    )
    return replace(base, **changes)


def offer(**changes) -> Side:
    base = Side(
        id=2,
        kind=ListingKind.offer,
        organisation_id=2,
        assistance_type="equipment",
        areas=frozenset({"victim_assistance"}),
        coverage=Coverage.world,
        country=None,
        region=None,
        amount=None,
        currency=None,
        quantity=Decimal(20),
        unit="kit",
        available_from=None,
        available_until=None,
        modality=None,
        status=ListingStatus.open,
        global_south=False,
        words=words_of("Rehabilitation kits"),
    )
    return replace(base, **changes)


def reasons(n: Side, o: Side) -> dict[str, dict]:
    scored = score_pair(n, o, default_vocabularies(), Weights(), TODAY)
    assert scored is not None
    return {r.code: r.params for r in scored.reasons}


@pytest.mark.parametrize(
    ("need_changes", "offer_changes"),
    [
        ({}, {"assistance_type": "financial"}),  # incompatible type
        ({"assistance_type": "training"}, {"assistance_type": "material"}),
        ({}, {"organisation_id": 1}),  # same organisation
        ({}, {"status": ListingStatus.withdrawn}),
        ({"status": ListingStatus.fulfilled}, {}),
        ({}, {"available_until": date(2027, 1, 9)}),  # expired
        ({}, {"available_from": date(2028, 1, 1)}),  # starts after the need ends
        ({"available_from": date(2027, 6, 1)}, {"available_until": date(2027, 5, 1)}),
        ({}, {"coverage": Coverage.country, "country": "LA"}),  # another country
        ({}, {"coverage": Coverage.region, "region": "202"}),  # another region
        (
            {"coverage": Coverage.region, "country": None, "region": "035"},
            {"coverage": Coverage.country, "country": "KH"},
        ),  # one country cannot cover a region
    ],
)
def test_hard_filters_rule_a_pair_out(vocab, need_changes, offer_changes) -> None:
    assert not possible(need(**need_changes), offer(**offer_changes), vocab, TODAY)
    assert score_pair(need(**need_changes), offer(**offer_changes), vocab, Weights(), TODAY) is None


@pytest.mark.parametrize(
    "offer_changes",
    [
        {},
        {"assistance_type": "material"},  # compatible
        {"coverage": Coverage.country, "country": "KH"},
        {"coverage": Coverage.region, "region": "035"},
        {"coverage": Coverage.region, "region": "142"},  # Asia contains South-eastern Asia
        {"available_from": date(2027, 12, 31), "available_until": date(2028, 1, 1)},
    ],
)
def test_compatible_pairs_pass(vocab, offer_changes) -> None:
    assert possible(need(), offer(**offer_changes), vocab, TODAY)


def test_a_region_wide_need_is_covered_by_an_offer_for_a_larger_region(vocab) -> None:
    regional = need(coverage=Coverage.region, country=None, region="035")
    assert possible(regional, offer(coverage=Coverage.region, region="142"), vocab, TODAY)
    assert not possible(regional, offer(coverage=Coverage.region, region="034"), vocab, TODAY)


def test_geographic_precision_ranks_country_then_region_then_world(vocab) -> None:
    only_place = Weights(area=0, place=1, amount=0, time=0, text=0, modality=0)
    scores = [
        score_pair(need(), offer(**o), vocab, only_place, TODAY).score
        for o in (
            {"coverage": Coverage.country, "country": "KH"},
            {"coverage": Coverage.region, "region": "035"},
            {"coverage": Coverage.region, "region": "142"},
            {},
        )
    ]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4
    assert reasons(need(), offer(coverage=Coverage.country, country="KH"))["place_country"] == {
        "country": "KH"
    }
    assert "place_world" in reasons(need(), offer())


def test_area_overlap(vocab) -> None:
    only_area = Weights(area=1, place=0, amount=0, time=0, text=0, modality=0)
    both = need(areas=frozenset({"victim_assistance", "advocacy"}))
    one = score_pair(both, offer(), vocab, only_area, TODAY)
    same = score_pair(need(), offer(), vocab, only_area, TODAY)
    none = score_pair(need(), offer(areas=frozenset({"advocacy"})), vocab, only_area, TODAY)
    assert same.score == 1.0 and 0 < one.score < 1 and none.score == 0
    assert reasons(both, offer())["area"] == {"areas": ["victim_assistance"]}


def test_amount_coverage(vocab) -> None:
    money = {"quantity": None, "unit": None, "amount": Decimal(100000), "currency": "USD"}
    half = reasons(need(**money), offer(**{**money, "amount": Decimal(60000)}))
    assert half["amount"] == {"percent": 60}
    full = reasons(need(**money), offer(**{**money, "amount": Decimal(500000)}))
    assert full["amount"] == {"percent": 100}
    other_currency = reasons(need(**money), offer(**{**money, "currency": "EUR"}))
    assert "amount" not in other_currency
    assert reasons(need(), offer())["quantity"] == {"percent": 50}  # 20 kit(s) of 40 kits


def test_timing(vocab) -> None:
    assert "available_now" in reasons(need(), offer())
    later = reasons(need(), offer(available_from=date(2027, 3, 1)))
    assert later["available_from"] == {"date": "2027-03-01"}
    only_time = Weights(area=0, place=0, amount=0, time=1, text=0, modality=0)
    now = score_pair(need(), offer(), vocab, only_time, TODAY).score
    wait = score_pair(need(), offer(available_from=date(2027, 9, 1)), vocab, only_time, TODAY).score
    assert now == 1.0 and 0.3 <= wait < now


def test_similar_descriptions(vocab) -> None:
    similar = offer(words=words_of("Prosthetic kits for the Battambang centre"))
    assert "text" in reasons(need(), similar)
    assert "text" not in reasons(need(), offer(words=words_of("Mine detectors")))


def test_south_south_and_shared_modality(vocab) -> None:
    assert "south_south" in reasons(need(), offer(global_south=True))
    assert "south_south" not in reasons(need(), offer(global_south=False))
    shared = reasons(need(modality="triangular"), offer(modality="triangular"))
    assert shared["modality"] == {"modality": "triangular"}


def test_weights_change_the_ranking(vocab) -> None:
    near = offer(id=3, coverage=Coverage.country, country="KH", areas=frozenset({"advocacy"}))
    on_topic = offer(id=4)
    by_place = Weights(area=0.1, place=1, amount=0, time=0, text=0, modality=0)
    by_area = Weights(area=1, place=0.1, amount=0, time=0, text=0, modality=0)

    def best(weights):
        return max(
            (near, on_topic), key=lambda o: score_pair(need(), o, vocab, weights, TODAY).score
        ).id

    assert best(by_place) == 3 and best(by_area) == 4


def test_scores_stay_between_zero_and_one(vocab) -> None:
    perfect = offer(
        coverage=Coverage.country,
        country="KH",
        quantity=Decimal(40),
        global_south=True,
        words=need().words,
    )
    scored = score_pair(need(), perfect, vocab, Weights(), TODAY)
    assert scored.score == 1.0
