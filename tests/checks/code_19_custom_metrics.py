"""Check for lesson 19: the custom metrics and artifacts beside the built-in ones, every number
recomputed here from the reloaded model on course.load_iris_split()'s test split."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import Lesson
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    precision_recall_fscore_support,
)

import course
from checks import check
from checks.common import (
    CLASSIFIER_ARTIFACTS,
    PNG_MAGIC,
    assert_test_split_input,
    logged_models,
    read_csv,
    reload_and_predict,
    replayed_run,
)


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
