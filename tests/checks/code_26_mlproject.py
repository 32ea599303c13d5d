"""Check for lesson 26, replayed with PATH=/usr/bin:/bin and the interpreter's full path, as a
learner who did not activate the venv (the entry points' `python` must still be the venv's):
each project run, its nested children, and registered versions equal to estimators trained here."""

from __future__ import annotations

import importlib

import mlflow
import numpy as np
from conftest import Lesson

import course
from checks import check
from checks.common import logged_models, reference_model

EXPERIMENT = "26-mlproject"
PARENT_TAG = "mlflow.parentRunId"


def by_entry_point(runs: list) -> dict[str, list]:
    found: dict[str, list] = {}
    for run in runs:
        found.setdefault(run.data.tags.get("mlflow.project.entryPoint"), []).append(run)
    return found


# One replay: registered versions growing across replays are lesson 25's check (the same
# script registers them), and a -P value spelled otherwise than the script logs it is
# test_mlproject's `mlflow run -P C=2`.
@check("26", PATH="/usr/bin:/bin")
def mlproject(lesson: Lesson) -> None:
    replays = len(lesson.outputs)
    lesson26 = importlib.import_module("code_26_mlproject")
    trainings = lesson26.TRAININGS
    registered = lesson26.REGISTERED_MODEL
    lesson08 = importlib.import_module("code_08_multiple_runs")
    grid_size = len(lesson08.CONFIGS)

    runs = lesson.store.runs(EXPERIMENT)
    assert not [r for r in runs if r.info.status == "RUNNING"], "a run was left RUNNING"
    projects = [r for r in runs if r.data.tags.get("mlflow.source.type") == "PROJECT"]
    entry = by_entry_point(projects)
    assert sorted(entry) == ["cross_validate", "main"]

    # The scripts continued the project's runs (MLFLOW_RUN_ID) in the project's experiment:
    # lessons 25 and 08 created neither their own experiments nor runs of their own.
    for own in ("25-complete-script", "08-multiple-runs"):
        assert lesson.store.client.get_experiment_by_name(own) is None, own
    project_ids = {r.info.run_id for r in projects}
    children = [r for r in runs if r.info.run_id not in project_ids]
    assert len(runs) == replays * (len(trainings) + 2 + grid_size)

    # main: one FINISHED run per training per replay, holding the values given (logged by
    # MLflow) and what the script logged itself (random_state, metrics, its model).
    finished = [r for r in entry["main"] if r.info.status == "FINISHED"]
    failed = [r for r in entry["main"] if r.info.status == "FAILED"]
    assert len(finished) == replays * len(trainings)
    given = [{k: str(v) for k, v in values.items()} for values in trainings] * replays
    for run, values in zip(finished, given, strict=True):
        assert run.data.params == {
            **values,
            "registered_model": registered,
            "random_state": str(course.RANDOM_STATE),
        }
        assert run.info.run_name == "logreg-complete"
        assert set(run.data.metrics) >= {"accuracy", "f1_macro"}
        assert [m.name for m in logged_models(lesson, run)] == ["model"]

    # One registered version per training, from that project run, built with its values.
    _, X_test, _, _ = course.load_iris_split()
    versions = sorted(
        lesson.store.client.search_model_versions(f"name = '{registered}'"), key=lambda v: v.version
    )
    assert [v.run_id for v in versions] == [r.info.run_id for r in finished]
    with lesson.store.active():
        for version, values in zip(versions, given, strict=True):
            estimator = mlflow.sklearn.load_model(f"models:/{registered}/{version.version}")
            params = estimator.get_params()
            assert (params["C"], params["max_iter"], params["solver"]) == (
                float(values["C"]),
                int(values["max_iter"]),
                values["solver"],
            )
            fresh = reference_model(
                C=float(values["C"]), max_iter=int(values["max_iter"]), solver=values["solver"]
            )
            assert np.allclose(estimator.coef_, fresh.coef_)
            assert np.array_equal(estimator.predict(X_test), fresh.predict(X_test))
    names = {m.name for m in lesson.store.client.search_registered_models()}
    assert names == {registered}, names  # the refused run registered nothing

    # cross_validate: the project run is lesson 08's parent, with one child per configuration.
    cross = entry["cross_validate"]
    assert [r.info.status for r in cross] == ["FINISHED"] * replays
    for run in cross:
        assert run.data.params == {"n_configs": str(grid_size), "cv_folds": str(lesson08.CV_FOLDS)}
        mine = lesson.store.runs(EXPERIMENT, f"tags.{PARENT_TAG} = '{run.info.run_id}'")
        assert len(mine) == grid_size
        assert all(r.info.status == "FINISHED" for r in mine)
    assert {r.data.tags[PARENT_TAG] for r in children} == {r.info.run_id for r in cross}

    # The refused value: its run exists (MLflow logged C=abc first), FAILED, with nothing else.
    assert len(failed) == replays
    for run in failed:
        assert run.data.params["C"] == "abc"
        assert not run.data.metrics
        assert not logged_models(lesson, run)
    for output, run in zip(lesson.outputs, failed, strict=True):
        assert "error: argument --C: invalid float value: 'abc'" in output  # argparse's
        assert f"refused:     C=abc → ExecutionException: Run (ID '{run.info.run_id}')" in output
    for run in projects:
        assert f"  {run.info.run_id}  " in "".join(lesson.outputs)
    for values in trainings:  # the terminal's equivalent of each launch
        options = " ".join(f"-P {k}={v}" for k, v in values.items())
        assert f" -e main {options} -P registered_model={registered} " in lesson.outputs[-1]
    assert f"--experiment-name {EXPERIMENT} --env-manager local" in lesson.outputs[-1]
