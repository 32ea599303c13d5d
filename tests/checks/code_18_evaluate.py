"""Check for lesson 18: mlflow.models.evaluate's metrics and plots, every number recomputed here
from the reloaded model on course.load_iris_split()'s test split."""

from __future__ import annotations

import pytest
from conftest import Lesson
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
)

import course
from checks import check
from checks.common import (
    CLASSIFIER_ARTIFACTS,
    CLASSIFIER_PLOTS,
    PNG_MAGIC,
    assert_test_split_input,
    logged_models,
    read_csv,
    reload_and_predict,
    replayed_run,
)


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
