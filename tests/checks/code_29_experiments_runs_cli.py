"""Check for lesson 29, replayed twice (the second in bash): the run deleted then restored is
active with its params; the dud run, its model and the scratch experiment are gone for good
(files too), and both scratch names are free for the next replay."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import Lesson
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

import course
from checks import check
from checks.common import logged_models, reference_model

EXPERIMENT = "29-experiments-runs-cli"
SCRATCH, RENAMED = "29-cli-scratch", "29-cli-renamed"
KEPT_NAMES = ["logreg-C1.0", "logreg-C100.0"]  # logreg-C0.01 is the dud, purged


def commands(output: str, prefix: str) -> list[list[str]]:
    """The arguments of each `$ mlflow <prefix> ...` command a replay printed, in order."""
    lines = [line[len("$ mlflow ") :] for line in output.splitlines()]
    return [shlex.split(line) for line in lines if line.startswith(f"{prefix} ")]


def options(arguments: list[str]) -> dict[str, str]:
    return dict(zip(arguments[::2], arguments[1::2], strict=True))


def assert_gone(get: Callable[[str], object], identifier: str) -> None:
    with pytest.raises(MlflowException) as error:
        get(identifier)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST", error.value


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


# Two replays: gc must free both scratch names for the second run, which creates, renames,
# deletes, restores and purges them again; each replay's restored run is checked. The second
# pastes every printed command into bash, as a learner would: the same effects must follow.
@check("29", replays=2, last_in_shell=True)
def experiments_runs_cli(lesson: Lesson) -> None:
    store, client = lesson.store, lesson.store.client
    experiment_id = store.experiment(EXPERIMENT).experiment_id
    folder = store.artifacts / EXPERIMENT

    # What is left: the two kept runs of each replay, active, with what they logged.
    runs = store.runs(EXPERIMENT)
    assert [r.info.run_name for r in runs] == KEPT_NAMES * len(lesson.outputs)
    _, X_test, _, y_test = course.load_iris_split()
    for run in runs:
        assert (run.info.status, run.info.lifecycle_stage) == ("FINISHED", "active")
        C = float(run.data.params["C"])
        model = reference_model(C=C, max_iter=500)
        assert run.data.params == {"C": str(C)}
        assert run.data.metrics == {"accuracy": model.score(X_test, y_test)}
        coef = json.loads(store.read_artifact(run.info.run_id, "coef.json", lesson.tmp / "c"))
        assert np.allclose(coef["coef"], model.coef_)
        (logged,) = logged_models(lesson, run)
        assert (folder / run.info.run_id / "artifacts" / "coef.json").is_file()
        assert (folder / "models" / logged.model_id / "artifacts" / "MLmodel").is_file()
    deleted = client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)
    assert deleted == [], "a run deleted by the lesson was left unpurged"

    for replay, output in enumerate(lesson.outputs):
        kept, dud = (options(c[2:])["--run-id"] for c in commands(output, "runs delete"))
        assert [options(c[2:])["--run-id"] for c in commands(output, "runs restore")] == [kept]
        # The run deleted then restored is one of the survivors, and was seen deleted.
        restored = runs[len(KEPT_NAMES) * replay]
        assert kept == restored.info.run_id
        assert re.findall(r"^run:\s+logreg-C1.0 is (\w+)$", output, re.M) == ["deleted", "active"]
        shown = f"described:   params={{'C': '1.0'}} metrics={restored.data.metrics}"
        assert shown in output

        # gc named exactly the lesson's own dud run, its model and the scratch experiment.
        (gc,) = commands(output, "gc")
        ids = options(gc[1:])
        assert ids["--backend-store-uri"] == store.uri
        assert ids["--run-ids"] == dud
        assert_gone(client.get_run, dud)
        assert_gone(client.get_logged_model, ids["--logged-model-ids"])
        assert_gone(client.get_experiment, ids["--experiment-ids"])
        # Purged means the files too: none left where the dud's run and model kept theirs.
        assert files_under(folder / dud) == []
        assert files_under(folder / "models" / ids["--logged-model-ids"]) == []

        # The scratch experiment's life: created by the CLI beside the store, renamed,
        # deleted, restored, deleted, each state printed as read back.
        scratch = ids["--experiment-ids"]
        (create,) = commands(output, "experiments create")
        assert options(create[2:]) == {
            "--experiment-name": SCRATCH,
            "--artifact-location": (store.artifacts / SCRATCH).as_uri(),
        }
        location = re.escape((store.artifacts / SCRATCH).as_uri())
        assert re.search(rf"^{scratch}\s+{SCRATCH}\s+{location}$", output, re.MULTILINE)
        renames = [options(c[2:]) for c in commands(output, "experiments rename")]
        assert renames == [{"-x": scratch, "--new-name": RENAMED}]
        states = re.findall(rf"^experiment:  {scratch} {RENAMED} is (\w+)$", output, re.M)
        assert states == ["deleted", "active", "deleted"]
        assert "gc:          skipped" not in output

    # Both scratch names are free again, and nothing else was created or left.
    names = {e.name for e in client.search_experiments(view_type=ViewType.ALL)}
    assert names == {"Default", EXPERIMENT}
