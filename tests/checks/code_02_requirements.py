"""Check for lesson 02: the run keeps requirements.txt byte for byte and the installed versions
of its pins, which match in the test environment (so no differences file)."""

from __future__ import annotations

import json
from importlib.metadata import version

from conftest import REPO_ROOT, Lesson

import course
from checks import check
from checks.common import finished


@check("02")
def requirements(lesson: Lesson) -> None:
    runs = lesson.store.runs("02-requirements")
    assert len(runs) == len(lesson.outputs)
    assert finished(runs)
    run = runs[-1]
    stored = lesson.store.read_artifact(run.info.run_id, "requirements.txt", lesson.tmp)
    assert stored == (REPO_ROOT / "requirements.txt").read_bytes()
    installed = json.loads(
        lesson.store.read_artifact(run.info.run_id, "environment/installed.json", lesson.tmp)
    )
    pins = course.read_requirements(REPO_ROOT / "requirements.txt")
    assert installed["packages"] == {name: version(name) for name in pins}
    assert installed["pinned"] == pins
    # The test environment is the pinned one: the lesson must say so.
    assert run.data.tags["requirements_match"] == "true"
    assert "environment/differences.txt" not in lesson.store.artifact_paths(run.info.run_id)
