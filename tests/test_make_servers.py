"""`make serve` and `make ui`, as the README tells a learner to use them, started for real.

`make serve`: the champion answers real HTTP requests (the README's curl payloads), a taken
port is refused, and stopping make stops the server. `make ui STORE=…`: the UI serves that
store, with the artifacts beside it (those a run logged through lesson 03's server)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit

import pandas as pd
from conftest import SCRIPTS_DIR, Store, lesson_env, make_command
from sklearn.linear_model import LogisticRegression

import course

READY_S = 120  # imports, a first model registered, then the server: slow under load
STOP_S = 15  # what a learner would wait after Ctrl-C before calling the server stuck


@contextmanager
def make_in_background(*args: str, ready_url: str, env: dict[str, str]) -> Iterator[None]:
    """``make <args>`` until the block ends, once ``ready_url`` answers; then what Ctrl-C in
    the terminal does, and the server must let go of its port within STOP_S."""
    process = subprocess.Popen(
        make_command(*args),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    port = urlsplit(ready_url).port
    try:
        deadline = time.monotonic() + READY_S
        while not answers(ready_url):
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, f"{ready_url} did not answer within {READY_S} s"
            time.sleep(0.5)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # what Ctrl-C in the terminal does, roughly
        process.wait(timeout=30)
    # make exits first; uvicorn's graceful shutdown takes a moment longer, but not long.
    deadline = time.monotonic() + STOP_S
    while not course.port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert course.port_is_free(port), f"the server outlived make {args[0]} by more than {STOP_S} s"


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
        return True
    except (urllib.error.URLError, OSError):
        return False


def post(url: str, body: str, content_type: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, body.encode(), {"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_make_serve_answers_the_readme_requests(store: Store) -> None:
    port = course.free_port()
    url = f"http://127.0.0.1:{port}"
    with make_in_background(
        "serve", f"SERVE_PORT={port}", ready_url=f"{url}/ping", env=lesson_env(store)
    ):
        # The README's curl payloads, sent for real.
        rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]
        split = {"dataframe_split": {"columns": course.FEATURES, "data": rows}}
        status, answer = post(f"{url}/invocations", json.dumps(split), "application/json")
        X_train, _, y_train, _ = course.load_iris_split()
        reference = LogisticRegression(max_iter=200).fit(X_train, y_train)
        expected = list(reference.predict(pd.DataFrame(rows, columns=course.FEATURES)))
        assert (status, answer) == (200, {"predictions": expected})
        csv = ",".join(course.FEATURES) + "\n" + "\n".join(",".join(map(str, r)) for r in rows)
        assert post(f"{url}/invocations", csv, "text/csv") == (200, {"predictions": expected})
        status, answer = post(f"{url}/invocations", json.dumps({"data": rows}), "application/json")
        assert status == 400
        assert answer["error_code"] == "BAD_REQUEST"
        # The champion came from the course's plumbing, in the store make serve was given.
        assert store.client.get_registered_model("iris-classifier").aliases == {"champion": 1}


def test_make_serve_port_already_taken() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            make_command("serve", f"SERVE_PORT={port}"),
            env=lesson_env(None),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=60,
        )
    output = done.stdout
    assert done.returncode != 0
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    assert f"port {port}" in errors[0]
    assert "make serve SERVE_PORT=" in errors[0]
    assert "Traceback" not in output


def test_make_ui_serves_that_store_and_its_artifacts(replay, store: Store) -> None:
    """Lesson 03 logs a run through its own `mlflow server`: that run's artifacts live in
    the store's mlartifacts/ (mlflow-artifacts:/ URIs), which `make ui STORE=` must serve."""
    replay(SCRIPTS_DIR / "code_03_tracking_uri.py")
    (run,) = store.runs("03-tracking-uri-server")
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/"), run.info.artifact_uri
    relative = urlsplit(run.info.artifact_uri).path.lstrip("/")
    logged = (store.artifacts / relative / "where.txt").read_bytes()
    port = course.free_port()
    url = f"http://127.0.0.1:{port}"
    with make_in_background(
        "ui", f"STORE={store.db}", f"PORT={port}", ready_url=f"{url}/health", env=lesson_env(None)
    ):
        query = urlencode({"run_uuid": run.info.run_id, "path": "where.txt"})
        with urllib.request.urlopen(f"{url}/get-artifact?{query}", timeout=30) as response:
            assert response.read() == logged
        api = f"{url}/api/2.0/mlflow/runs/get?{urlencode({'run_id': run.info.run_id})}"
        with urllib.request.urlopen(api, timeout=30) as response:
            assert json.loads(response.read())["run"]["info"]["run_id"] == run.info.run_id
