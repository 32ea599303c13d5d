"""`make serve`, as the README tells a learner to use it: the champion answers real HTTP
requests (the README's curl payloads), a taken port is refused, and stopping make stops
the server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO_ROOT, Store, lesson_env
from sklearn.linear_model import LogisticRegression

import course

READY_S = 120  # imports, a first model registered, then the server: slow under load
STOP_S = 15  # what a learner would wait after Ctrl-C before calling the server stuck


def make(*args: str, env: dict[str, str]) -> subprocess.Popen:
    venv = Path(sys.prefix)
    if not venv.is_relative_to(REPO_ROOT) or not shutil.which("make"):
        pytest.skip("the tests do not run from the repository's own venv (make install)")
    command = ["make", "--no-print-directory", "-C", str(REPO_ROOT), *args,
               f"VENV={venv.relative_to(REPO_ROOT)}"]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)  # fmt: skip


def post(url: str, body: str, content_type: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, body.encode(), {"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for_ping(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            urllib.request.urlopen(f"{url}/ping", timeout=1).close()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    pytest.fail(f"make serve did not answer /ping within {READY_S} s")


def test_make_serve_answers_the_readme_requests(store: Store) -> None:
    port = course.free_port()
    url = f"http://127.0.0.1:{port}"
    process = make("serve", f"SERVE_PORT={port}", env=lesson_env(store))
    try:
        wait_for_ping(url, process)
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
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # what Ctrl-C in the terminal does, roughly
        process.wait(timeout=30)
    # make exits first; uvicorn's graceful shutdown takes a moment longer, but not long.
    deadline = time.monotonic() + STOP_S
    while not course.port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert course.port_is_free(port), f"the server outlived make serve by more than {STOP_S} s"


def test_make_serve_port_already_taken() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        process = make("serve", f"SERVE_PORT={port}", env=lesson_env(None))
        output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    assert f"port {port}" in errors[0]
    assert "make serve SERVE_PORT=" in errors[0]
    assert "Traceback" not in output
