"""What each lesson must have done, read back from the store: one check per lesson number.

A check receives the Lesson after it was replayed, as a real `python scripts/code_NN_*.py`
process, and asserts through MlflowClient what the lesson teaches. A lesson is replayed once
by default; ``replays=2`` only where the second run's effect on the same store is what the
check asserts (registry versions and aliases, restores, gc, ``-P`` overrides). That every
other lesson re-runs on the same store is proven by CI's second ``make all`` on one store.
A check counts the replays actually made from ``len(lesson.outputs)``, never a constant.

The check of lesson NN lives in a module named like its script, so a reader finds it in one
step: scripts/code_21_model_registry.py's is tests/checks/code_21_model_registry.py,
registered there with ``@check("21")`` (the decorator refuses any other module).
Helpers used by several checks are in ``checks.common``. ``test_lessons.py`` fails for a
lesson script that has no check, or whose check's module is not named like the script.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from conftest import Lesson


@dataclass(frozen=True)
class Check:
    function: Callable[[Lesson], None]
    replays: int
    env: dict[str, str]
    needs_stack: bool = False  # replayed against a stack started for the test (lesson 11)
    last_in_shell: bool = False  # its last replay pastes the printed commands into bash


CHECKS: dict[str, Check] = {}


def check(
    number: str,
    *,
    replays: int = 1,
    needs_stack: bool = False,
    last_in_shell: bool = False,
    **env: str,
) -> Callable:
    """Register the check of lesson ``number``, replayed ``replays`` times with ``env``;
    ``last_in_shell``: the last replay runs the lesson's printed commands in bash."""

    def register(function: Callable[[Lesson], None]) -> Callable[[Lesson], None]:
        module = function.__module__.rpartition(".")[2]
        assert module.startswith(f"code_{number}_"), (
            f"the check of lesson {number} is in checks/{module}.py: move it to "
            f"tests/checks/code_{number}_<concept>.py, named like the lesson's script"
        )
        assert number not in CHECKS, f"lesson {number} has two checks"
        CHECKS[number] = Check(function, replays, env, needs_stack, last_in_shell)
        return function

    return register


def load_all() -> dict[str, Check]:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return CHECKS
