"""One export writer: JSON, a ZIP of CSVs, or a CSV per table, with cells that no
spreadsheet reads as a formula."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from core.export_files import MEDIA_TYPES, write_export

DATA = {"needs": [{"id": 1, "title": '=HYPERLINK("http://x")'}], "offers": []}


def test_each_layout_writes_what_it_says(tmp_path: Path) -> None:
    [as_json] = write_export(DATA, tmp_path, "json", name="e")
    assert json.loads(as_json.read_text(encoding="utf-8"))["needs"][0]["id"] == 1
    [as_zip] = write_export(DATA, tmp_path, "zip", name="e")
    with zipfile.ZipFile(as_zip) as archive:
        assert sorted(archive.namelist()) == ["needs.csv", "offers.csv"]
        cell = archive.read("needs.csv").decode()
    assert "=HYPERLINK" not in cell.replace("'=HYPERLINK", "")  # neutralised
    csvs = write_export(DATA, tmp_path / ".", "csv")
    assert sorted(p.name for p in csvs) == ["needs.csv", "offers.csv"]
    assert set(MEDIA_TYPES) >= {"json", "zip"}


def test_no_button_token_is_typed_by_hand() -> None:
    """Every token goes through bot.actions' builders, which check Telegram's 64 bytes."""
    root = Path(__file__).resolve().parents[2]
    typed = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("bot", "adapters", "core")
        for path in (root / folder).rglob("*.py")
        if path.name != "actions.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if '"c:' in line or "'c:" in line or '"d:' in line
    ]
    assert typed == []
