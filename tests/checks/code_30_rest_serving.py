"""Check for lesson 30: in every request format the lesson recorded, the served champion answered
a model trained here's predictions (the pre-2.0 format, a 400); every replay's server is gone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import mlflow
from conftest import Lesson

import course
from checks import check
from checks.common import finished, reference_model

NAME = "iris-classifier"


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
    # The command printed for a terminal names the run that logged the champion, and its
    # runs:/ URI resolves to the champion's model.
    champion = client.get_model_version_by_alias(NAME, "champion")
    assert champion.run_id == runs[0].info.run_id
    by_hand = f"runs:/{champion.run_id}/model"
    for output in lesson.outputs:
        printed = re.findall(r"^by hand: +(.*)$", output, re.M)
        assert printed == [f"mlflow models serve -m {by_hand} --port 1234 --env-manager local"]
    with lesson.store.active():
        served = mlflow.models.get_model_info(f"models:/{NAME}@champion").model_id
        assert mlflow.models.get_model_info(by_hand).model_id == served

    record = json.loads(lesson.store.read_artifact(run.info.run_id, "responses.json", lesson.tmp))
    rows = record["rows"]
    assert rows["columns"] == course.FEATURES
    _, X_test, _, _ = course.load_iris_split()
    assert rows["data"] == X_test.head(3).to_numpy().tolist()
    expected = list(reference_model().predict(X_test.head(3)))
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
