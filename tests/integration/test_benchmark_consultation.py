"""The consultation benchmark runs, at a tiny size, so it cannot rot. No timing is asserted:
figures belong to the benchmark, not to the tests; only what holds at any speed is (every
invitation delivered once, none refused)."""

from __future__ import annotations

import re

from tests.integration.test_benchmarks import run_benchmark


def test_the_consultation_benchmark_runs() -> None:
    out = run_benchmark(
        "benchmarks.consultation", "--people", "60", "--answers", "300", "--cap", "200"
    )
    assert "send_consultation to the field contacts: 60 invited" in out, out
    assert "render_notice of an invitation:" in out, out
    delivery = re.search(
        r"invitations (\d+), delivered (\d+), duplicates (\d+), 429s (\d+), "
        r"rate [\d.]+/s \([\d.]+ % of the cap\)",
        out,
    )
    assert delivery is not None, out
    assert delivery.groups() == ("60", "60", "0", "0"), out
    assert "duplicates 0" in out and "429s 0" in out
    assert "60 people reached, 0 missed, 60 marked sent" in out, out
    assert "answers: 300 answered (200 through answer_consultation" in out, out
    synthesis = re.search(r"synthesise: 300 answers of \d+ invited, 5 runs: min \d+ ms", out)
    assert synthesis is not None, out
    assert "target <= 1 s" in out, out
