"""Helpers shared by several checks: a lesson's runs and models read back from the store, what
MLflow stores for them, and the course's classifier trained here to compare with."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from conftest import Lesson
from mlflow.entities import Run
from sklearn.linear_model import LogisticRegression

import course

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DOUBLE_FEATURES = [{"type": "double", "name": name, "required": True} for name in course.FEATURES]
SPECIES_OUT = [{"type": "string", "name": "species", "required": True}]
# What mlflow.models.evaluate logs for a multiclass classifier when shap is off.
CLASSIFIER_PLOTS = {
    "confusion_matrix.png",
    "roc_curve_plot.png",
    "precision_recall_curve_plot.png",
    "calibration_curve_plot.png",
}
CLASSIFIER_ARTIFACTS = CLASSIFIER_PLOTS | {"per_class_metrics.csv"}


def reference_model(**params: Any) -> LogisticRegression:
    """The lessons' classifier, trained here independently (deterministic) on
    course.load_iris_split()'s train split: ``max_iter=200`` and ``random_state=42`` as the
    lessons write it, unless ``params`` say otherwise (``random_state=None``: none given)."""
    X_train, _, y_train, _ = course.load_iris_split()
    params = {"max_iter": 200, "random_state": course.RANDOM_STATE, **params}
    return LogisticRegression(**params).fit(X_train, y_train)


def finished(runs: list) -> bool:
    return all(run.info.status == "FINISHED" for run in runs)


def replayed_run(lesson: Lesson, experiment: str, run_name: str):
    """The newest run of a lesson that logs one run per replay: each replay left exactly one
    run named ``run_name``, and every one FINISHED."""
    runs = lesson.store.runs(experiment)
    assert [r.info.run_name for r in runs] == [run_name] * len(lesson.outputs)
    assert finished(runs)
    return runs[-1]


def logged_models(lesson: Lesson, run) -> list:
    return mlflow.MlflowClient(lesson.store.uri).search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run.info.run_id}'",
    )


def last_run_models(lesson: Lesson, experiment: str, run_name: str) -> dict:
    """The models logged by the last run, by name, after checking every replay finished."""
    run = replayed_run(lesson, experiment, run_name)
    return {m.name: m for m in logged_models(lesson, run)}


def only_model(lesson: Lesson, run: Run) -> mlflow.entities.LoggedModel:
    (model,) = lesson.store.client.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run.info.run_id}'",
    )
    assert model.name == "model"
    return model


def download_model(lesson: Lesson, model: mlflow.entities.LoggedModel) -> Path:
    # A models:/ URI is resolved by the current store, whatever tracking_uri= says.
    with lesson.store.active():
        local = mlflow.artifacts.download_artifacts(
            model.model_uri, dst_path=str(lesson.tmp / model.model_id)
        )
    return Path(local)


def pins_of(requirements: list[str]) -> dict[str, str]:
    pins = dict(line.split("==") for line in requirements)
    assert len(pins) == len(requirements), f"a line without one exact pin: {requirements}"
    return pins


def reload_and_predict(lesson: Lesson, run) -> tuple[object, pd.Series, np.ndarray]:
    """The run's one logged model, reloaded from the store; its test-split predictions."""
    (model,) = logged_models(lesson, run)
    with lesson.store.active():
        estimator = mlflow.sklearn.load_model(model.model_uri)
    _, X_test, _, y_test = course.load_iris_split()
    return estimator, y_test, estimator.predict(X_test)


def read_csv(lesson: Lesson, run_id: str, path: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(lesson.store.read_artifact(run_id, path, lesson.tmp / run_id)))


def assert_test_split_input(run) -> None:
    """The evaluation dataset the run recorded as an input: the test split, labels included."""
    _, X_test, _, y_test = course.load_iris_split()
    expected = mlflow.data.from_pandas(X_test.assign(species=y_test), targets=course.TARGET)
    (dataset_input,) = run.inputs.dataset_inputs
    assert dataset_input.dataset.digest == expected.digest
