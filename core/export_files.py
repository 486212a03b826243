"""An export written to files, by the `partnerbot export` command and the /export dialog
alike: one JSON document, one CSV file per table, or those CSV files in one ZIP archive."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from core.export import Record, to_csv, to_json

# A ZIP archive holds the CSV files as one attachment, for a chat.
Layout = Literal["json", "csv", "zip"]
MEDIA_TYPES: dict[Layout, str] = {
    "json": "application/json",
    "csv": "text/csv",
    "zip": "application/zip",
}


def write_export(
    data: dict[str, list[Record]], folder: Path, layout: Layout, *, name: str = "partnerbot-export"
) -> list[Path]:
    """Writes an export into `folder`, which exists: `name`.json, `name`.zip, or a
    <table>.csv for each table. Returns the files written."""
    if layout == "json":
        path = folder / f"{name}.json"
        path.write_text(to_json(data), encoding="utf-8")
        return [path]
    if layout == "zip":
        path = folder / f"{name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for table, records in data.items():
                archive.writestr(f"{table}.csv", to_csv(records))
        return [path]
    written = []
    for table, records in data.items():
        path = folder / f"{table}.csv"
        path.write_text(to_csv(records), encoding="utf-8")
        written.append(path)
    return written
