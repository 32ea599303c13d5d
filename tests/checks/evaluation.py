"""Checks for lessons 18-20: model evaluation. Each lesson was replayed once beforehand.

Every number the lessons stored is recomputed here from the reloaded model (or, for the
dummy baseline, from the data alone) on course.load_iris_split()'s test split.
"""

from __future__ import annotations

import io
import math

import mlflow
import numpy as np
import pandas as pd
import pytest
from conftest import Lesson
from mlflow.models import EvaluationResult
from mlflow.models.evaluation.validation import ModelValidationFailedException
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_fscore_support,
    r2_score,
)

import course
from checks import check
from checks.tracking_basics import PNG_MAGIC, finished, logged_models, replayed_run

# What mlflow.models.evaluate logs for a multiclass classifier when shap is off.
CLASSIFIER_PLOTS = {
    "confusion_matrix.png",
    "roc_curve_plot.png",
    "precision_recall_curve_plot.png",
    "calibration_curve_plot.png",
}
CLASSIFIER_ARTIFACTS = CLASSIFIER_PLOTS | {"per_class_metrics.csv"}


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


@check("18")
def evaluate(lesson: Lesson) -> None:
    run = replayed_run(lesson, "18-evaluate", "logreg-evaluated")
    run_id, metrics = run.info.run_id, run.data.metrics

    # The built-in metrics are those of the logged model on the test split.
    estimator, y_test, y_pred = reload_and_predict(lesson, run)
    _, X_test, _, _ = course.load_iris_split()
    assert metrics["example_count"] == len(y_test)
    assert metrics["accuracy_score"] == accuracy_score(y_test, y_pred)
    assert metrics["f1_score"] == pytest.approx(f1_score(y_test, y_pred, average="weighted"))
    probabilities = estimator.predict_proba(X_test)
    assert metrics["log_loss"] == pytest.approx(log_loss(y_test, probabilities))
    assert_test_split_input(run)
    # MLflow 3: the same metrics are attached to the LoggedModel.
    (model,) = logged_models(lesson, run)
    assert {m.key: m.value for m in model.metrics}["accuracy_score"] == metrics["accuracy_score"]

    # The plots are real PNGs; per_class_metrics.csv counts as the confusion matrix does.
    assert lesson.store.artifact_paths(run_id) == CLASSIFIER_ARTIFACTS
    for png in CLASSIFIER_PLOTS:
        assert lesson.store.read_artifact(run_id, png, lesson.tmp / png).startswith(PNG_MAGIC)
    per_class = read_csv(lesson, run_id, "per_class_metrics.csv").set_index("positive_class")
    matrix = confusion_matrix(y_test, y_pred, labels=course.SPECIES)
    assert list(per_class.index) == course.SPECIES
    for i, species in enumerate(course.SPECIES):
        counts = per_class.loc[species, ["true_positives", "false_positives", "false_negatives"]]
        hits = matrix[i, i]
        assert counts.tolist() == [hits, matrix[:, i].sum() - hits, matrix[i].sum() - hits]

    output = lesson.outputs[-1]
    assert f"run id:      {run_id}" in output
    assert all(name in output for name in CLASSIFIER_ARTIFACTS)
    assert "accuracy_score" in output


@check("19")
def custom_metrics(lesson: Lesson) -> None:
    run = replayed_run(lesson, "19-custom-metrics", "logreg-custom")
    run_id, metrics = run.info.run_id, run.data.metrics

    # The custom metrics, recomputed from the reloaded model, beside the built-in ones.
    _, y_test, y_pred = reload_and_predict(lesson, run)
    wrong = int((y_pred != y_test).sum())
    assert metrics["macro_f1"] == pytest.approx(f1_score(y_test, y_pred, average="macro"))
    assert metrics["misclassified_count"] == wrong
    assert metrics["accuracy_score"] == accuracy_score(y_test, y_pred)
    assert {"f1_score", "log_loss", "roc_auc", "example_count"} <= set(metrics)
    (model,) = logged_models(lesson, run)
    assert {"macro_f1", "misclassified_count"} <= {m.key for m in model.metrics}
    assert_test_split_input(run)

    # The custom artifacts sit beside the built-in ones.
    custom = {"per_class_errors.png", "classification_report.csv"}
    assert lesson.store.artifact_paths(run_id) == CLASSIFIER_ARTIFACTS | custom
    png = lesson.store.read_artifact(run_id, "per_class_errors.png", lesson.tmp / "png")
    assert png.startswith(PNG_MAGIC)
    report = read_csv(lesson, run_id, "classification_report.csv")
    assert list(report.columns) == ["species", "precision", "recall", "f1", "support", "errors"]
    assert report["species"].tolist() == course.SPECIES
    precision, recall, f1, support = precision_recall_fscore_support(
        y_test, y_pred, labels=course.SPECIES, zero_division=0
    )
    np.testing.assert_allclose(report[["precision", "recall", "f1"]], np.c_[precision, recall, f1])
    assert report["support"].tolist() == support.tolist()
    assert report["errors"].tolist() == [
        int(((y_test == s) & (y_pred != s)).sum()) for s in course.SPECIES
    ]
    assert report["errors"].sum() == wrong

    output = lesson.outputs[-1]
    assert f"run id:      {run_id}" in output
    assert "'misclassified_count': " in output
    assert "per_class_errors.png" in output


@check("20")
def dummy_baseline(lesson: Lesson) -> None:
    import code_20_dummy_baseline as lesson_20

    runs = lesson.store.runs("20-dummy-baseline")
    pair = ["baseline-dummy", "candidate-linear"]  # one of each per replay
    assert [r.info.run_name for r in runs] == pair * len(lesson.outputs)
    assert finished(runs)
    X_train, X_test, _, _ = course.load_iris_split()
    y_train, y_test = X_train["petal_width"], X_test["petal_width"]

    for baseline, candidate in zip(runs[::2], runs[1::2], strict=True):
        # The verdict and which baseline it was measured against, on the candidate only.
        assert candidate.data.tags["beats_baseline"] == "true"
        assert candidate.data.tags["baseline_run_id"] == baseline.info.run_id
        assert "beats_baseline" not in baseline.data.tags
        # Both evaluated on the same data (same dataset digest), with the same metrics.
        (base_input,) = baseline.inputs.dataset_inputs
        (cand_input,) = candidate.inputs.dataset_inputs
        assert base_input.dataset.digest == cand_input.dataset.digest
        assert set(baseline.data.metrics) == set(candidate.data.metrics)
        base, cand = baseline.data.metrics, candidate.data.metrics
        assert cand["root_mean_squared_error"] < base["root_mean_squared_error"]
        assert cand["r2_score"] > base["r2_score"]

    # The dummy predicts the training mean: its metrics follow from the data alone.
    base, cand = runs[-2].data.metrics, runs[-1].data.metrics
    mean_error = math.sqrt(((y_test - y_train.mean()) ** 2).mean())
    assert base["root_mean_squared_error"] == pytest.approx(mean_error)
    assert base["r2_score"] == pytest.approx(r2_score(y_test, np.full(len(y_test), y_train.mean())))
    # The candidate's, from the reloaded model.
    (model,) = logged_models(lesson, runs[-1])
    with lesson.store.active():
        estimator = mlflow.sklearn.load_model(model.model_uri)
    predicted = estimator.predict(X_test[lesson_20.INPUTS])
    assert type(estimator).__name__ == "LinearRegression"
    assert cand["root_mean_squared_error"] == pytest.approx(
        math.sqrt(((y_test - predicted) ** 2).mean())
    )
    assert cand["r2_score"] == pytest.approx(r2_score(y_test, predicted))
    # The stored metrics pass the lesson's gate one way and fail it the other way round.
    baseline_result = EvaluationResult(metrics=base, artifacts={})
    candidate_result = EvaluationResult(metrics=cand, artifacts={})
    mlflow.validate_evaluation_results(lesson_20.THRESHOLDS, candidate_result, baseline_result)
    with pytest.raises(ModelValidationFailedException, match="threshold check failed"):
        mlflow.validate_evaluation_results(lesson_20.THRESHOLDS, baseline_result, candidate_result)

    output = lesson.outputs[-1]
    assert f"candidate {runs[-1].info.run_id}" in output
    assert "tag beats_baseline=true" in output
    assert "root_mean_squared_error value threshold check failed" in output
