"""Check for lesson 17: the model reloaded by runs:/ and models:/ URI, with both flavours, predicts
what a model trained here predicts; the load times are logged."""

from __future__ import annotations

import mlflow
import numpy as np
from conftest import Lesson
from sklearn.linear_model import LogisticRegression

import course
from checks import check
from checks.common import last_run_models, reference_model


@check("17")
def load_model(lesson: Lesson) -> None:
    models = last_run_models(lesson, "17-load-model", "logreg-reload")
    run = lesson.store.runs("17-load-model")[-1]
    model_id = models["model"].model_id
    assert run.data.tags["predictions_match"] == "true"
    assert sorted(run.data.metrics) == [
        f"load_seconds_{flavor}_{scheme}"
        for flavor in ("pyfunc", "sklearn")
        for scheme in ("models", "runs")
    ]
    assert all(seconds > 0 for seconds in run.data.metrics.values())
    # Both addresses reach the same model, which predicts what a fresh fit predicts.
    _, X_test, _, _ = course.load_iris_split()
    expected = reference_model().predict(X_test)
    with lesson.store.active():
        for uri in (f"runs:/{run.info.run_id}/model", f"models:/{model_id}"):
            estimator = mlflow.sklearn.load_model(uri)
            assert isinstance(estimator, LogisticRegression)
            assert np.array_equal(estimator.predict(X_test), expected)
            assert np.array_equal(mlflow.pyfunc.load_model(uri).predict(X_test), expected)
    assert lesson.outputs[-1].count("same predictions: True") == 4
