"""Check for lesson 27, replayed with fake secrets in its environment: the stored report is
exactly `mlflow doctor --mask-envs`'s, states this interpreter and the test's store, masks every
MLFLOW_* value, and no secret is in it, in the run's params and tags, or in the output."""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from importlib.metadata import version

import mlflow
from conftest import Lesson, lesson_env

from checks import check
from checks.common import replayed_run

FAKE_SECRETS = {
    "MLFLOW_TRACKING_PASSWORD": "fake-mlflow-password-27",
    "MLFLOW_TRACKING_TOKEN": "fake-mlflow-token-27",
    "AWS_ACCESS_KEY_ID": "FAKEAWSKEYID27",
    "AWS_SECRET_ACCESS_KEY": "fake-aws-secret-access-key-27",
}
LINE = re.compile(r"(?P<indent> *)(?P<key>[^:]+): ?(?P<value>.*)")


def read_report(text: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The report's top-level `Key: value` lines, and each heading's indented lines."""
    top, blocks, heading = {}, {}, ""
    for line in text.splitlines():
        match = LINE.fullmatch(line)
        assert match, f"not a `key: value` line: {line!r}"
        key, value = match["key"], match["value"].strip()
        if match["indent"]:
            blocks[heading][key] = value
        else:
            heading, top[key], blocks[key] = key, value, {}
    return top, blocks


def doctor_here(env: dict[str, str]) -> str:
    """What `mlflow doctor --mask-envs` prints in the environment the lesson ran with."""
    done = subprocess.run(
        [sys.executable, "-m", "mlflow", "doctor", "--mask-envs"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@check("27", **FAKE_SECRETS)
def doctor(lesson: Lesson) -> None:
    replayed_run(lesson, "27-doctor", "doctor")
    runs = lesson.store.runs("27-doctor")
    env = lesson_env(lesson.store, **lesson.env)
    mlflow_vars = sorted(name for name in env if name.startswith("MLFLOW_"))
    assert {"MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"} <= set(mlflow_vars)
    agree = version("mlflow-skinny") == version("mlflow-tracing") == version("mlflow")

    for run, output in zip(runs, lesson.outputs, strict=True):
        run_id = run.info.run_id
        assert lesson.store.artifact_paths(run_id) == {"doctor/report.txt"}
        text = lesson.store.read_artifact(run_id, "doctor/report.txt", lesson.tmp / run_id)
        text = text.decode()
        top, blocks = read_report(text)
        # The facts a reader looks for, each compared with what this interpreter says.
        assert top["MLflow version"] == version("mlflow")
        assert top["Python version"] == platform.python_version()
        assert top["MLflow module location"] == mlflow.__file__  # this venv's MLflow
        assert top["Tracking URI"] == top["Registry URI"] == lesson.store.uri
        deps = blocks["MLflow dependencies"]
        assert {"mlflow-skinny", "mlflow-tracing"} <= set(deps)
        assert deps == {name: version(name) for name in deps}
        # Every MLFLOW_* variable is named, none has its value; AWS_* are not listed at all.
        assert blocks["MLflow environment variables"] == dict.fromkeys(mlflow_vars, "***")
        assert "AWS_" not in text
        stored = [text, output, *run.data.params.values(), *run.data.tags.values()]
        for name, secret in FAKE_SECRETS.items():
            assert not any(secret in place for place in stored), f"{name}'s value leaked"

        # Searchable tags, and the few lines printed, all taken from that report.
        assert run.data.tags["mlflow_version"] == version("mlflow")
        assert run.data.tags["python_version"] == platform.python_version()
        assert run.data.tags["server_mlflow_version"] == "none"  # SQLite: no server
        assert run.data.tags["mlflow_env_vars"] == " ".join(mlflow_vars)
        assert output.startswith("$ mlflow doctor --mask-envs\n")
        assert f"run id:      {run_id}\n" in output
        assert f"MLflow:      {version('mlflow')} (client)" in output
        assert ("→ versions agree" in output) == agree
        assert f"tracking:    {lesson.store.uri} (registry: {lesson.store.uri})" in output
        assert "MLFLOW_TRACKING_PASSWORD=***  MLFLOW_TRACKING_TOKEN=***" in output

    # The stored report is the doctor's own, unedited: run it again in the same environment.
    assert text == doctor_here(env)
