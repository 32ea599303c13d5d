"""Checks for lessons 21 and 30: the registry's versions and aliases, the served model.

The registry is read back through MlflowClient; the models behind the aliases are loaded
and compared with models trained here; the served answers the lesson recorded are compared
with what those models predict, and the server must be gone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import mlflow
import numpy as np
from conftest import Lesson
from sklearn.linear_model import LogisticRegression

import course
from checks import check
from checks.tracking_basics import finished, logged_models

NAME = "iris-classifier"


def logreg(C: float) -> LogisticRegression:
    X_train, _, y_train, _ = course.load_iris_split()
    return LogisticRegression(C=C, max_iter=200).fit(X_train, y_train)


# Two replays: versions 3 and 4 come from the second run, which retires 3 with 4 and moves
# @champion from 2 to 4.
@check("21", replays=2)
def model_registry(lesson: Lesson) -> None:
    runs = lesson.store.runs("21-model-registry")
    assert [r.info.run_name for r in runs] == ["logreg-C0.01", "logreg-C1"] * 2
    assert finished(runs)
    client = lesson.store.client
    # Two versions per replay, each the LoggedModel of its own run, never a failure.
    versions = sorted(client.search_model_versions(f"name = '{NAME}'"), key=lambda v: v.version)
    assert [v.version for v in versions] == [1, 2, 3, 4]
    for version, run in zip(versions, runs, strict=True):
        (model,) = logged_models(lesson, run)
        assert version.run_id == run.info.run_id
        assert version.source == f"models:/{model.model_id}"
        assert version.tags["test_accuracy"] == f"{run.data.metrics['accuracy']:.4f}"
    # The weak version of each replay was retired by the better one; only @champion is left.
    assert [v.tags.get("retired_by") for v in versions] == ["2", None, "4", None]
    descriptions = ["LogisticRegression, C=0.01", "LogisticRegression, C=1"] * 2
    assert [v.description for v in versions] == descriptions
    registered = client.get_registered_model(NAME)
    assert registered.aliases == {"champion": 4}
    assert registered.description == "Iris species from four measurements."
    # Aliases, numbers and "latest" resolve to the versions' models.
    _, X_test, _, _ = course.load_iris_split()
    with lesson.store.active():
        champion = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
        weak = mlflow.sklearn.load_model(f"models:/{NAME}/3")
        latest = mlflow.sklearn.load_model(f"models:/{NAME}/latest")
    assert list(champion.predict(X_test)) == list(logreg(1.0).predict(X_test))
    assert np.allclose(weak.coef_, logreg(0.01).coef_)
    assert np.allclose(latest.coef_, logreg(1.0).coef_)
    assert runs[-2].data.metrics["accuracy"] < runs[-1].data.metrics["accuracy"]
    assert "promoted:    @champion → version 4" in lesson.outputs[-1]


def served_pid_and_port(output: str) -> tuple[int, int]:
    port = int(re.search(r"^serving: .* at http://127\.0\.0\.1:(\d+)$", output, re.M).group(1))
    pid = int(re.search(r"^server:\s+pid (\d+)", output, re.M).group(1))
    return pid, port


def assert_gone(pid: int, port: int) -> None:
    """No process with that PID, nothing listening on that port, no uvicorn serving it."""
    assert not Path(f"/proc/{pid}").exists(), f"server pid {pid} still exists"
    assert course.port_is_free(port)
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        assert not ("uvicorn" in cmdline and f"--port {port}" in cmdline), cmdline


# One replay: that a second one reuses the champion registered on the empty store is lesson
# 23's check (the same course.champion_uri()); CI's make all twice replays this one too.
@check("30")
def rest_serving(lesson: Lesson) -> None:
    # On an empty store the first replay registered a champion (its own run); each replay
    # logged one run of requests.
    runs = lesson.store.runs("30-serving")
    names = [r.info.run_name for r in runs]
    assert names == ["iris-classifier-first-champion"] + ["rest-requests"] * len(lesson.outputs)
    assert finished(runs)
    run = runs[-1]
    assert run.data.params["model_uri"] == f"models:/{NAME}@champion"
    client = lesson.store.client
    assert [v.version for v in client.search_model_versions(f"name = '{NAME}'")] == [1]
    assert client.get_registered_model(NAME).aliases == {"champion": 1}

    record = json.loads(lesson.store.read_artifact(run.info.run_id, "responses.json", lesson.tmp))
    rows = record["rows"]
    assert rows["columns"] == course.FEATURES
    _, X_test, _, _ = course.load_iris_split()
    assert rows["data"] == X_test.head(3).to_numpy().tolist()
    expected = list(logreg(1.0).predict(X_test.head(3)))
    responses = record["responses"]
    for name in ("dataframe_split", "dataframe_records", "inputs", "instances", "csv"):
        assert responses[name]["status"] == 200, (name, responses[name])
        assert responses[name]["answer"] == {"predictions": expected}, name
    assert responses["csv"]["content_type"] == "text/csv"
    old = responses["old {'data': ...}"]
    assert old["status"] == 400
    assert old["answer"]["error_code"] == "BAD_REQUEST"
    assert "scoring protocol has changed in MLflow version 2.0" in old["answer"]["message"]
    assert responses["the fix"] == {
        "status": 200,
        "content_type": "application/json",
        "answer": {"predictions": ["setosa"]},
    }
    # Every replay stopped its server.
    for output in lesson.outputs:
        assert_gone(*served_pid_and_port(output))
