"""Check for lesson 24, replayed twice: a joblib file trained elsewhere is registered with its
origin, and each version predicts what the original file, read back from the store, predicts."""

from __future__ import annotations

import hashlib

import joblib
import mlflow
import numpy as np
import sklearn
from conftest import Lesson

import course
from checks import check
from checks.common import finished, logged_models, replayed_run


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Two replays: the second registers version 2 of the same name (versions [1, 2]), and its
# output names models:/iris-imported/2.
@check("24", replays=2)
def import_model(lesson: Lesson) -> None:
    name = "iris-imported"
    replayed_run(lesson, "24-import-model", "import-joblib")
    runs = lesson.store.runs("24-import-model")
    client = lesson.store.client
    versions = sorted(client.search_model_versions(f"name = '{name}'"), key=lambda v: v.version)
    assert [v.version for v in versions] == [1, 2]  # one more at each replay
    _, X_test, _, _ = course.load_iris_split()
    for version, run in zip(versions, runs, strict=True):
        # The version is the run's logged model, registered by its models:/m-… URI.
        (model,) = logged_models(lesson, run)
        assert version.source == model.model_uri
        assert version.run_id == run.info.run_id
        # The original file is kept, and the tagged hash is its hash.
        original = lesson.tmp / f"original-{version.version}"
        data = lesson.store.read_artifact(run.info.run_id, "original/iris.joblib", original)
        origin = {
            "origin": "trained outside MLflow",
            "origin.file": "iris.joblib",
            "origin.sha256": sha256(data),
            "origin.sklearn_version": sklearn.__version__,
        }
        assert {k: run.data.tags.get(k) for k in origin} == origin
        assert {k: version.tags.get(k) for k in origin} == origin
        # The registry's copy predicts exactly what the file predicts (trusted: our own).
        from_file = joblib.load(original / "iris.joblib").predict(X_test)
        with lesson.store.active():
            info = mlflow.models.get_model_info(f"models:/{name}/{version.version}")
            registered = mlflow.pyfunc.load_model(f"models:/{name}/{version.version}")
            native = mlflow.sklearn.load_model(f"models:/{name}/{version.version}")
        assert info.signature.inputs.input_names() == course.FEATURES
        assert {c.type.name for c in info.signature.inputs.inputs} == {"double"}
        assert info.signature.outputs.to_dict() == [
            {"type": "string", "name": course.TARGET, "required": True}
        ]
        assert np.array_equal(registered.predict(X_test), from_file)
        assert np.array_equal(native.predict(X_test), from_file)
        assert info.flavors["sklearn"]["serialization_format"] == "skops"
    assert finished(runs)
    assert f"registered:  models:/{name}/2 (source {versions[1].source})" in lesson.outputs[-1]
    assert "same predictions as the file: True" in lesson.outputs[-1]
