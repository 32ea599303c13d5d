"""The `mlflow` commands lessons 28 and 29 print work as typed in a terminal.

The lessons run each command in their own process (course.mlflow_cli calls MLflow's CLI
entry point), which a terminal cannot reproduce: it has neither the lesson's variables nor
its Python state. So here every printed line is pasted into a real shell instead
(COURSE_CLI=shell: `bash -c <line>` in the environment the lesson started with, this venv
first on PATH, MLFLOW_TRACKING_URI exported), and the lesson's own check must then find
the same effects in the store. BASH_ENV logs each line bash was given: exactly the lines
the lesson printed, in order, and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCRIPTS_DIR

from checks import load_all

CHECKS = load_all()
# Sourced by every non-interactive bash before its command: log the command as given.
LOG_HOOK = 'printf "%s\\n" "$BASH_EXECUTION_STRING" >> "$COURSE_BASH_LOG"\n'


@pytest.mark.parametrize("number", ["28", "29"])
def test_printed_commands_work_in_a_terminal(number: str, replay, tmp_path: Path) -> None:
    hook, log = tmp_path / "bash_env.sh", tmp_path / "bash.log"
    hook.write_text(LOG_HOOK, encoding="utf-8")
    (script,) = SCRIPTS_DIR.glob(f"code_{number}_*.py")
    check = CHECKS[number]
    env = {**check.env, "COURSE_CLI": "shell", "BASH_ENV": str(hook), "COURSE_BASH_LOG": str(log)}
    lesson = replay(script, times=1, **env)

    printed = [line[2:] for line in lesson.outputs[0].splitlines() if line.startswith("$ ")]
    assert printed, lesson.outputs[0]
    assert all(line.startswith("mlflow ") for line in printed), printed
    assert log.read_text(encoding="utf-8").splitlines() == printed
    check.function(lesson)
