"""The figures the pages keep for a while: summed once, served until they are old, then
served old while one refresh sums them again, never two at a time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.web.cache import Kept


def test_figures_are_kept_then_refreshed_behind_the_visitor() -> None:
    now = [0.0]
    sums = iter(range(1, 100))
    waiting: list[Callable[[], object]] = []
    kept = Kept(lambda: next(sums), 60, clock=lambda: now[0], spawn=waiting.append)
    assert kept.get() == 1  # the first visitor waits for the sum: there is nothing to show
    now[0] = 59
    assert kept.get() == 1 and waiting == []
    now[0] = 61
    assert kept.get() == 1  # old, but shown at once
    assert kept.get() == 1 and len(waiting) == 1  # one refresh at a time
    waiting.pop()()
    assert kept.get() == 2
    now[0] = 200
    assert kept.get() == 2 and len(waiting) == 1


def test_a_failed_refresh_is_tried_again() -> None:
    now = [0.0]
    results: list[object] = [1, RuntimeError("database away"), 3]
    waiting: list[Callable[[], object]] = []

    def compute() -> int:
        result = results.pop(0)
        if isinstance(result, Exception):
            raise result
        return int(result)  # type: ignore[call-overload]

    kept = Kept(compute, 10, clock=lambda: now[0], spawn=waiting.append)
    assert kept.get() == 1
    now[0] = 11
    assert kept.get() == 1
    with pytest.raises(RuntimeError):
        waiting.pop()()
    assert kept.get() == 1 and len(waiting) == 1  # the old figures still show; a new try
    waiting.pop()()
    assert kept.get() == 3


def test_nothing_is_kept_when_asked_not_to() -> None:
    sums = iter(range(1, 100))
    kept = Kept(lambda: next(sums), 0)
    assert [kept.get(), kept.get()] == [1, 2]
