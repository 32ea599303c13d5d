"""Check for lesson 21, replayed twice: the registry's versions, tags, aliases, retired and
deleted versions read back through MlflowClient; the models behind them are loaded and
compared with models trained here."""

from __future__ import annotations

import mlflow
import numpy as np
import pytest
from conftest import Lesson
from mlflow.exceptions import MlflowException

import course
from checks import check
from checks.common import finished, logged_models, reference_model

NAME = "iris-classifier"


# Two replays: versions 3 and 4 come from the second run, which moves @champion from 2 to 4,
# retires 2 and 3 (tag status=retired) and deletes 1 and 2, the versions retired before 3.
@check("21", replays=2)
def model_registry(lesson: Lesson) -> None:
    runs = lesson.store.runs("21-model-registry")
    assert [r.info.run_name for r in runs] == ["logreg-C0.01", "logreg-C1"] * 2
    assert finished(runs)
    client = lesson.store.client
    # Only the last replay's two versions are left, each the LoggedModel of its own run.
    versions = sorted(client.search_model_versions(f"name = '{NAME}'"), key=lambda v: v.version)
    assert [v.version for v in versions] == [3, 4]
    for version, run in zip(versions, runs[-2:], strict=True):
        (model,) = logged_models(lesson, run)
        assert version.run_id == run.info.run_id
        assert version.source == f"models:/{model.model_id}"
        assert version.tags["test_accuracy"] == f"{run.data.metrics['accuracy']:.4f}"
    # Retired for real: the weak version is tagged, still there; the older ones are deleted,
    # while the runs and LoggedModels behind them stay.
    assert [v.tags.get("status") for v in versions] == ["retired", None]
    assert [v.tags.get("retired_by") for v in versions] == ["4", None]
    retired = client.search_model_versions(f"name = '{NAME}' and tags.status = 'retired'")
    assert [v.version for v in retired] == [3]
    for deleted in ("1", "2"):
        with pytest.raises(MlflowException) as error:
            client.get_model_version(NAME, deleted)
        assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert all(len(logged_models(lesson, run)) == 1 for run in runs[:2])
    assert "deleted:     versions []" in lesson.outputs[0]
    assert "deleted:     versions [1, 2]" in lesson.outputs[-1]
    descriptions = ["LogisticRegression, C=0.01", "LogisticRegression, C=1"]
    assert [v.description for v in versions] == descriptions
    registered = client.get_registered_model(NAME)
    assert registered.aliases == {"champion": 4}
    assert registered.description == "Iris species from four measurements."
    # Aliases, numbers and "latest" resolve to the versions' models; the retired one too.
    _, X_test, _, _ = course.load_iris_split()
    with lesson.store.active():
        champion = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
        weak = mlflow.sklearn.load_model(f"models:/{NAME}/3")
        latest = mlflow.sklearn.load_model(f"models:/{NAME}/latest")
    assert list(champion.predict(X_test)) == list(reference_model(C=1.0).predict(X_test))
    assert weak.get_params()["random_state"] == course.RANDOM_STATE
    assert np.allclose(weak.coef_, reference_model(C=0.01).coef_)
    assert np.allclose(latest.coef_, reference_model(C=1.0).coef_)
    assert runs[-2].data.metrics["accuracy"] < runs[-1].data.metrics["accuracy"]
    assert "promoted:    @champion → version 4" in lesson.outputs[-1]
