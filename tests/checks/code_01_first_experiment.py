"""Check for lesson 01: one run per replay, its param and its one logged model, whose accuracy
reloaded by models:/ and by runs:/ URI is the metric it logged."""

from __future__ import annotations

import mlflow
from conftest import Lesson

import course
from checks import check
from checks.common import logged_models


@check("01")
def first_experiment(lesson: Lesson) -> None:
    runs = lesson.store.runs("01-first-experiment")
    assert [r.info.run_name for r in runs] == ["logreg"] * len(lesson.outputs)
    run = runs[-1]
    assert run.data.params == {"max_iter": "200"}
    models = logged_models(lesson, run)
    assert [m.name for m in models] == ["model"]
    assert [o.model_id for o in run.outputs.model_outputs] == [models[0].model_id]
    # The logged metric is the accuracy of the logged model: reload it and measure.
    _, X_test, _, y_test = course.load_iris_split()
    with lesson.store.active():
        for uri in (models[0].model_uri, f"runs:/{run.info.run_id}/model"):
            model = mlflow.sklearn.load_model(uri)
            assert model.score(X_test, y_test) == run.data.metrics["accuracy"]
    assert models[0].model_uri in lesson.outputs[-1]
