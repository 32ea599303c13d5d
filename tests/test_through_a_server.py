"""Lessons replayed through a real `mlflow server`, and their checks read back over HTTP.

The store of each test is served (conftest.tracking_server: `mlflow server` on the test's
SQLite database, artifacts proxied to a folder of its own): the lesson logs to
MLFLOW_TRACKING_URI=http://…, and its check, the same as in test_lessons.py, reads every run,
metric history and artifact through the server. What a lesson logs in many calls, or as
files, must arrive whole: one value per step in order, figures, an HTML page.

CI's replay of the whole course through the stack (`make all` against the authenticated
servers) runs every lesson over HTTP; these tests also check what arrived.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LESSONS, ServedStore, Store, tracking_server

import course
from checks import load_all

CHECKS = load_all()
THROUGH_A_SERVER = {"32"}  # many step metrics, figures and an HTML page per run


@pytest.fixture
def store(store: Store, tmp_path: Path) -> Iterator[ServedStore]:
    """The test's own store, served: `replay` sends the lesson to the server's URL."""
    with tracking_server(store, tmp_path / "served") as url:
        yield ServedStore(store.root, url=url)


@pytest.mark.parametrize(
    "script",
    [script for script in LESSONS if course.lesson_number(script) in THROUGH_A_SERVER],
    ids=lambda path: path.stem,
)
def test_lesson_through_a_server(script: Path, replay, store: ServedStore) -> None:
    check = CHECKS[course.lesson_number(script)]
    lesson = replay(script, times=check.replays, **check.env)
    assert lesson.store.uri.startswith("http://")
    # Nothing went to the database's own folder: the server took every artifact.
    assert not Store(store.root).artifacts.exists()
    check.function(lesson)
