"""One test per lesson, over scripts/code_*.py by glob: a new lesson without a check fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LESSONS

import course
from checks import load_all

CHECKS = load_all()


@pytest.mark.parametrize("script", LESSONS, ids=lambda path: path.stem)
def test_lesson(script: Path, replay, request: pytest.FixtureRequest) -> None:
    number = course.lesson_number(script)
    assert number in CHECKS, (
        f"{script.name} has no check: add tests/checks/{script.name} with @check({number!r})"
    )
    check = CHECKS[number]
    env = {**check.env, **(request.getfixturevalue("stack") if check.needs_stack else {})}
    lesson = replay(script, times=check.replays, last_in_shell=check.last_in_shell, **env)
    check.function(lesson)


def test_every_check_has_a_lesson() -> None:
    """Every check is a lesson's, in the module named exactly like that lesson's script."""
    scripts = {course.lesson_number(script): script for script in LESSONS}
    assert set(CHECKS) <= set(scripts), (
        f"checks without a lesson: {sorted(set(CHECKS) - set(scripts))}"
    )
    for number, check in CHECKS.items():
        expected = f"checks.{scripts[number].stem}"
        assert check.function.__module__ == expected, (
            f"the check of {scripts[number].name} is in {check.function.__module__}: "
            f"move it to tests/checks/{scripts[number].name}"
        )
