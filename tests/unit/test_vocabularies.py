from __future__ import annotations

from pathlib import Path

import pytest

from core.vocabularies import WORLD, load_vocabularies

LANGUAGES = ("en", "fr", "es")


def test_the_mine_action_defaults_are_shipped(vocab) -> None:
    assert vocab.thematic_areas.codes() == [
        "survey_clearance",
        "victim_assistance",
        "risk_education",
        "stockpile_destruction",
        "capacity_information",
        "advocacy",
    ]
    assert {"financial", "equipment", "expertise", "training", "other"} <= set(
        vocab.assistance_types.codes()
    )
    assert "south_south" in vocab.modalities
    assert vocab.thematic_areas.get("survey_clearance").codes["dac_sector"] == "15250"


@pytest.mark.parametrize("name", ["assistance_types", "thematic_areas", "modalities"])
def test_every_label_exists_in_every_language(vocab, name) -> None:
    for term in getattr(vocab, name):
        missing = [lang for lang in LANGUAGES if not term.labels.get(lang)]
        assert not missing, f"{name}.{term.code} lacks {missing}"


def test_compatible_types_point_at_known_types(vocab) -> None:
    for term in vocab.assistance_types:
        assert set(term.compatible) <= set(vocab.assistance_types.codes())


def test_countries_know_their_regions(vocab) -> None:
    cambodia = vocab.countries["KH"]
    assert cambodia.regions == ("035", "142", WORLD)
    assert vocab.countries["SS"].regions == ("014", "202", "002", WORLD)
    assert cambodia.global_south and not vocab.countries["NO"].global_south
    assert "KH" in vocab.countries_in("035") and "KH" not in vocab.countries_in("002")
    assert len(vocab.countries) > 240 and {"USD", "EUR", "XOF"} <= vocab.currencies


def test_a_configured_directory_replaces_one_file(tmp_path: Path) -> None:
    (tmp_path / "thematic_areas.toml").write_text(
        '[[term]]\ncode = "water"\nlabels = { en = "Water", fr = "Eau", es = "Agua" }\n',
        encoding="utf-8",
    )
    replaced = load_vocabularies(tmp_path)
    assert replaced.thematic_areas.codes() == ["water"]
    assert replaced.thematic_areas.get("water").label("fr") == "Eau"
    assert "financial" in replaced.assistance_types  # the other files stay the defaults


def test_a_term_without_an_english_label_is_refused(tmp_path: Path) -> None:
    (tmp_path / "modalities.toml").write_text(
        '[[term]]\ncode = "x"\nlabels = { fr = "X" }\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="English"):
        load_vocabularies(tmp_path)
