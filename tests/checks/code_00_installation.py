"""Check for lesson 00: one run per replay records this interpreter's Python and the installed
versions of the pinned packages; the output names the store and `make ui`."""

from __future__ import annotations

import platform
from importlib.metadata import version

from conftest import REPO_ROOT, Lesson

import course
from checks import check
from checks.common import finished


@check("00")
def installation(lesson: Lesson) -> None:
    runs = lesson.store.runs("00-installation")
    assert [r.info.run_name for r in runs] == ["installation-check"] * len(lesson.outputs)
    assert finished(runs)
    pins = course.read_requirements(REPO_ROOT / "requirements.txt")
    params = runs[-1].data.params
    assert params["python"] == platform.python_version()
    assert {name: params[name] for name in pins} == {name: version(name) for name in pins}
    assert f"tracking URI: {lesson.store.uri}" in lesson.outputs[-1]
    assert "make ui" in lesson.outputs[-1]
