"""One test per lesson, over scripts/code_*.py by glob: a new lesson without a check fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LESSONS

from checks import load_all

CHECKS = load_all()


@pytest.mark.parametrize("script", LESSONS, ids=lambda path: path.stem)
def test_lesson(script: Path, replay, request: pytest.FixtureRequest) -> None:
    number = script.stem.split("_")[1]
    assert number in CHECKS, f"{script.name} has no check: add @check({number!r}) in tests/checks/"
    check = CHECKS[number]
    env = {**check.env, **(request.getfixturevalue("stack") if check.needs_stack else {})}
    lesson = replay(script, times=check.replays, last_in_shell=check.last_in_shell, **env)
    check.function(lesson)


def test_every_check_has_a_lesson() -> None:
    numbers = {script.stem.split("_")[1] for script in LESSONS}
    assert set(CHECKS) <= numbers, f"checks without a lesson: {sorted(set(CHECKS) - numbers)}"
