"""A consultation's synthesis as data: one flat table for a spreadsheet (CSV, through the
export's cell rules), and one JSON document. Both carry what the synthesis carries, so an
anonymous consultation's files name nobody and place no answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.consultation_synthesis import Synthesis
from core.export import Record, plain, to_csv


def synthesis_rows(synthesis: Synthesis) -> list[Record]:
    """A row per choice, per number or date question, and per free-text answer."""
    rows: list[Record] = []
    for summary in synthesis.questions:
        q = summary.question
        base = {
            "question": q.index + 1,
            "text": q.text,
            "kind": q.kind.value,
            "answered": summary.answered,
            "choice": "",
            "count": "",
            "median": "",
            "low": "",
            "high": "",
            "country": "",
            "organisation_kind": "",
            "answer": "",
        }
        if summary.counts:
            rows += [{**base, "choice": c, "count": n} for c, n in summary.counts]
        elif summary.median is not None:
            rows.append(
                {**base, "median": summary.median, "low": summary.low, "high": summary.high}
            )
        elif summary.earliest is not None:
            rows.append({**base, "low": summary.earliest, "high": summary.latest})
        elif summary.groups:
            rows += [
                {
                    **base,
                    "country": g.country,
                    "organisation_kind": g.organisation_kind,
                    "answer": t,
                }
                for g in summary.groups
                for t in g.texts
            ]
        else:
            rows.append(base)
    return [{k: plain(v) for k, v in row.items()} for row in rows]


def synthesis_data(synthesis: Synthesis) -> dict[str, Any]:
    c = synthesis.consultation
    return {
        "consultation": {
            "id": c.id,
            "title": c.title,
            "status": plain(c.status),
            "deadline": plain(c.deadline),
            "anonymous": c.anonymous,
            "audience": dict(c.audience),
        },
        "invited": synthesis.invited,
        "answered": synthesis.answered,
        "response_rate": round(synthesis.rate, 4),
        "questions": [
            {
                "number": s.question.index + 1,
                "text": s.question.text,
                "kind": s.question.kind.value,
                "answered": s.answered,
                "counts": dict(s.counts) if s.counts else None,
                "median": plain(s.median),
                "low": plain(s.low),
                "high": plain(s.high),
                "earliest": s.earliest,
                "latest": s.latest,
                "answers": [
                    {
                        "country": g.country,
                        "organisation_kind": g.organisation_kind,
                        "texts": list(g.texts),
                    }
                    for g in s.groups
                ],
            }
            for s in synthesis.questions
        ],
        "not_answered": [
            {"name": m.name, "organisation": m.organisation} for m in synthesis.missing
        ],
    }


def write_synthesis(synthesis: Synthesis, folder: Path, layout: str) -> Path:
    """consultation-N.csv or consultation-N.json in `folder`."""
    name = f"consultation-{synthesis.consultation.id}"
    if layout == "json":
        path = folder / f"{name}.json"
        path.write_text(
            json.dumps(synthesis_data(synthesis), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        return path
    path = folder / f"{name}.csv"
    path.write_text(to_csv(synthesis_rows(synthesis)), encoding="utf-8")
    return path
