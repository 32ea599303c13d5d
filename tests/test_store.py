"""The shared module's store handling: resolution, artifact locations, concurrent creation."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LESSONS, Store, lesson_env

import course

SIMULTANEOUS = ["00", "02", "04", "07"]


def test_four_lessons_create_a_brand_new_store_at_once(tmp_path: Path) -> None:
    """Concurrent migrations of a new SQLite store corrupt it; the file lock prevents it."""
    store = Store(tmp_path / "store")  # no template: the file does not exist yet
    scripts = [s for s in LESSONS if course.lesson_number(s) in SIMULTANEOUS]
    processes = []
    for index, script in enumerate(scripts):
        cwd = tmp_path / f"cwd{index}"
        cwd.mkdir()
        processes.append(
            subprocess.Popen(
                [sys.executable, str(script)],
                cwd=cwd,
                env=lesson_env(store),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    outputs = [process.communicate(timeout=240)[0] for process in processes]
    for script, process, output in zip(scripts, processes, outputs, strict=True):
        assert process.returncode == 0, f"{script.name}:\n{output}"
    with sqlite3.connect(store.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    names = {e.name for e in store.client.search_experiments()}
    assert {"00-installation", "02-requirements", "04-create-experiment", "07-tags"} <= names


def test_tracking_uri_defaults_to_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert course.tracking_uri() == f"sqlite:///{course.REPO_ROOT.as_posix()}/mlflow.db"
    assert course.sqlite_path(course.tracking_uri()) == course.REPO_ROOT / "mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert course.tracking_uri() == "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("sqlite:////data/team/mlflow.db", "file:///data/team/mlartifacts"),
        ("http://127.0.0.1:5000", None),
        ("https://mlflow.example.com", None),
        ("postgresql+psycopg2://mlflow@127.0.0.1:5433/mlflow", "REPO"),
        ("file:///tmp/mlruns", None),
    ],
)
def test_artifact_root(uri: str, expected: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(course.ARTIFACT_ROOT_ENV, raising=False)
    if expected == "REPO":
        expected = (course.REPO_ROOT / "mlartifacts").as_uri()
    assert course.artifact_root(uri) == expected
    monkeypatch.setenv(course.ARTIFACT_ROOT_ENV, "s3://bucket/course/")
    assert course.artifact_location("07-tags", uri) == "s3://bucket/course/07-tags"


def test_sqlite_path_resolves_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert course.sqlite_path("sqlite:///mlflow.db") == tmp_path / "mlflow.db"
    assert course.sqlite_path("sqlite:///:memory:") is None
    assert course.sqlite_path("postgresql://x/y") is None


def test_read_requirements_evaluates_markers(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# comment\n"
        "mlflow==3.17.2\n"
        'numpy==1.0; python_version < "3.0"\n'
        'numpy==2.0; python_version >= "3.0"  # trailing comment\n'
        "unpinned-package\n"
    )
    assert course.read_requirements(requirements) == {
        "mlflow": "3.17.2",
        "numpy": "2.0",
        "unpinned-package": "",
    }


def test_iris_split_is_deterministic_and_stratified() -> None:
    X_train, X_test, y_train, y_test = course.load_iris_split()
    again = course.load_iris_split()
    assert X_test.index.equals(again[1].index)
    assert list(X_train.columns) == course.FEATURES
    assert (X_train.dtypes == "float64").all()
    assert len(X_test) == 38
    assert sorted(y_test.value_counts()) == [12, 13, 13]
    assert set(y_train) == set(course.SPECIES)
