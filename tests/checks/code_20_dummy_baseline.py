"""Check for lesson 20: the candidate beats the dummy baseline on the same data; the dummy's
metrics are recomputed from the data alone, the candidate's from its reloaded model."""

from __future__ import annotations

import math

import mlflow
import numpy as np
import pytest
from conftest import Lesson
from mlflow.models import EvaluationResult
from mlflow.models.evaluation.validation import ModelValidationFailedException
from sklearn.metrics import (
    r2_score,
)

import course
from checks import check
from checks.common import finished, logged_models


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
