"""`partnerbot export --format iati` writes the IATI file an aid-data system reads."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tests.integration.test_cli import run


def test_export_iati_writes_activities_xml(tmp_path: Path) -> None:
    run(tmp_path, "seed", "--demo")
    done = run(tmp_path, "export", "--format", "iati", "--out", str(tmp_path / "iati"))
    assert done.returncode == 0, done.stderr
    written = tmp_path / "iati" / "activities.xml"
    assert "activities.xml" in done.stdout
    root = ET.parse(written).getroot()
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
