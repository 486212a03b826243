"""The benchmark scripts run, at a tiny size, so they cannot rot. No timing is asserted:
figures belong to the benchmarks, not to the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_benchmark(module: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_matching_benchmark_runs(pg_server) -> None:
    out = run_benchmark(
        "benchmarks.matching", "--sizes", "300", "--queries", "5", "--naive-queries", "2"
    )
    lines = [line for line in out.splitlines() if "indexed top-10" in line]
    assert [line.split()[0] for line in lines] == ["sqlite", "postgresql"]
    assert all("faster" in line for line in lines)


def test_the_reminders_benchmark_runs() -> None:
    out = run_benchmark("benchmarks.reminders", "--sizes", "200", "--fanout", "40")
    assert "sweep" in out and "fan-out" in out and "answered 429" in out


def test_the_load_benchmark_runs() -> None:
    out = run_benchmark(
        "benchmarks.load", "--users", "3", "--rss-listings", "200", "--pause", "0.01,0.02"
    )
    assert all(word in out for word in ("throughput", "floor", "replies", "latency", "RSS"))


def test_the_web_benchmark_runs() -> None:
    out = run_benchmark("benchmarks.web", "--listings", "200", "--requests", "5")
    rows = [line.split()[0] for line in out.splitlines() if line.startswith("  /")]
    for path in ("/static/style.css", "/offers?country=KH", "/api/v1/listings?area="):
        assert any(row.startswith(path) for row in rows), (path, out)
    assert "p95 ms" in out and "ratio to static p95" in out
