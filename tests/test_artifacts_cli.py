"""Lesson 28's commands given bad input: one clear line and exit 1, never a traceback.

They run as the lesson runs them, through `course.mlflow_cli`, against a finished run of the
test's own store. The two facts its comments state about missing local paths are pinned
here too, so that an MLflow upgrade that changes them is noticed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCRIPTS_DIR, Store, lesson_env

REPORT = "reports/metrics.json"
RUN_CLI = "import sys, course; print(course.mlflow_cli(*sys.argv[1:]), end='')"


@pytest.fixture
def run_id(store: Store) -> str:
    client = store.client
    experiment_id = client.create_experiment("28-bad-input", store.artifacts.as_uri() + "/28")
    run = client.create_run(experiment_id)
    client.log_text(run.info.run_id, '{"accuracy": 1.0}\n', REPORT)
    client.set_terminated(run.info.run_id)
    return run.info.run_id


def mlflow_cli(store: Store, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = lesson_env(store, PYTHONPATH=str(SCRIPTS_DIR))
    return subprocess.run(
        [sys.executable, "-c", RUN_CLI, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_error_line(done: subprocess.CompletedProcess) -> str:
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output, output
    errors = output.strip().splitlines()
    assert len(errors) == 2, output
    assert errors[0].startswith("$ mlflow artifacts "), output
    assert errors[1].startswith("error: `mlflow artifacts "), output
    return errors[1]


def test_download_of_a_missing_artifact(store: Store, run_id: str, tmp_path: Path) -> None:
    where = ["--artifact-path", "reports/metric.json", "--dst-path", str(tmp_path / "dl")]
    done = mlflow_cli(store, tmp_path, "artifacts", "download", "--run-id", run_id, *where)
    error = one_error_line(done)
    # MLflow's message names the last part only; the command, quoted before it, the whole path.
    assert "--artifact-path reports/metric.json" in error
    assert "Failed to download artifacts from path 'metric.json'" in error


def test_log_artifact_of_a_missing_file(store: Store, run_id: str, tmp_path: Path) -> None:
    missing = tmp_path / "reviewed" / "metrics.json"
    done = mlflow_cli(
        store,
        tmp_path,
        "artifacts",
        "log-artifact",
        "--local-file",
        str(missing),
        "--run-id",
        run_id,
        "--artifact-path",
        "reviewed",
    )
    error = one_error_line(done)
    assert f"No such file or directory: '{missing}'" in error
    # Nothing logged, but a local store keeps the empty folder it made (the lesson says so).
    assert store.artifact_paths(run_id) == {REPORT}
    assert "reviewed" in {a.path for a in store.client.list_artifacts(run_id) if a.is_dir}


def test_log_artifacts_of_a_missing_folder_succeeds(
    store: Store, run_id: str, tmp_path: Path
) -> None:
    # The pitfall the lesson warns of: exit 0, and nothing logged.
    where = ["--local-dir", str(tmp_path / "archive"), "--artifact-path", "archive"]
    done = mlflow_cli(store, tmp_path, "artifacts", "log-artifacts", "--run-id", run_id, *where)
    assert done.returncode == 0, done.stderr
    assert store.artifact_paths(run_id) == {REPORT}
