"""Lesson 27's guard: a doctor report that shows a secret is refused, never logged nor printed.

`--mask-envs` masks the MLFLOW_* variables only; the tracking URI is printed as it is. So a
password inside that URI is staged for real, and the guard is also shown to catch what an
unmasked report (the Python API, `mlflow.doctor()`, without mask_envs) would leak.
"""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

import mlflow
import pytest
from conftest import SCRIPTS_DIR, lesson_env, run_script

LESSON = SCRIPTS_DIR / "code_27_doctor.py"
FAKE_PASSWORD = "fake-db-password-27"
FAST_S = 30  # two interpreters start (the lesson, then the doctor), on 2 shared cores


@pytest.fixture
def guard():
    return importlib.import_module("code_27_doctor")


def test_password_in_tracking_uri_is_refused(tmp_path: Path) -> None:
    # Port 1: nothing listens. The lesson must stop at the report, before any connection.
    uri = f"postgresql://course:{FAKE_PASSWORD}@127.0.0.1:1/mlflow"
    start = time.monotonic()
    done = run_script(LESSON, tmp_path, lesson_env(None, MLFLOW_TRACKING_URI=uri))
    assert done.returncode == 1, done.stdout
    assert time.monotonic() - start < FAST_S
    assert "Traceback" not in done.stdout
    errors = [line for line in done.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stdout
    assert "a password inside a URI" in errors[0]
    assert FAKE_PASSWORD not in done.stdout
    assert "run id:" not in done.stdout


def test_guard_catches_an_unmasked_report(
    guard, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    secrets = {
        "MLFLOW_TRACKING_PASSWORD": "fake-mlflow-password-27",
        "AWS_SECRET_ACCESS_KEY": "fake-aws-secret-27",
        "MLFLOW_TRACKING_TOKEN": "1",  # too short to be told from ordinary text
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    environ = {**secrets, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}"}

    mlflow.doctor()  # the Python API: prints, like the CLI, values in clear by default
    unmasked = capsys.readouterr().out
    assert "fake-mlflow-password-27" in unmasked
    # Flagged by name; AWS_* never appear; a one-character value is not called a secret.
    assert guard.leaks(unmasked, environ) == ["MLFLOW_TRACKING_PASSWORD"]

    mlflow.doctor(mask_envs=True)
    masked = capsys.readouterr().out
    assert "MLFLOW_TRACKING_PASSWORD: ***" in masked
    assert guard.leaks(masked, environ) == []
    listed = guard.parse_report(masked)["MLflow environment variables"]
    assert listed == {name: "***" for name in os.environ if name.startswith("MLFLOW_")}
