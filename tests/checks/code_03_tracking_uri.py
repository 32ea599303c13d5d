"""Check for lesson 03: one run per replay in the test's store and one through the tracking
server the lesson started, its artifacts proxied to disk; every server is stopped."""

from __future__ import annotations

import re

from conftest import Lesson

import course
from checks import check
from checks.common import finished


@check("03")
def tracking_uri(lesson: Lesson) -> None:
    local = lesson.store.runs("03-tracking-uri")
    replays = len(lesson.outputs)
    assert [r.info.run_name for r in local] == ["local-store"] * replays
    assert {r.data.params["tracking_uri"] for r in local} == {lesson.store.uri}

    server_experiment = lesson.store.experiment("03-tracking-uri-server")
    assert server_experiment.artifact_location.startswith("mlflow-artifacts:")
    remote = lesson.store.runs("03-tracking-uri-server")
    assert [r.info.run_name for r in remote] == ["over-http"] * replays
    assert finished(remote)
    ports = re.findall(r"server: +http://127\.0\.0\.1:(\d+) \(pid \d+\)", "".join(lesson.outputs))
    assert len(ports) == replays
    for run, port in zip(remote, ports, strict=True):
        url = f"http://127.0.0.1:{port}"
        assert run.data.params["tracking_uri"] == url
        # Proxied artifacts: the server wrote them under its --artifacts-destination.
        on_disk = (
            lesson.store.artifacts
            / server_experiment.experiment_id
            / run.info.run_id
            / "artifacts"
            / "where.txt"
        )
        assert on_disk.read_text() == f"logged through {url}\n"
        # The lesson stopped its server: nothing listens on the port any more.
        assert course.port_is_free(int(port)), f"server left on {port}"
    # MLflow's own default depends on the cwd: that is what the lesson warns about.
    assert re.search(r"nothing set: +sqlite:///\S*/cwd/mlflow\.db", lesson.outputs[-1])
