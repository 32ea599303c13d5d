"""Checks for lessons 12-14 and 17: signatures, input examples, schema enforcement, reloading.

Each check reloads the logged models from the test's store and tries them itself: the
signature stored in the MLmodel, the inputs it refuses, the predictions after a reload.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from conftest import Lesson
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression

import course
from checks import check
from checks.tracking_basics import logged_models, replayed_run

DOUBLE_FEATURES = [{"type": "double", "name": name, "required": True} for name in course.FEATURES]
SPECIES_OUT = [{"type": "string", "name": "species", "required": True}]


def last_run_models(lesson: Lesson, experiment: str, run_name: str) -> dict:
    """The models logged by the last run, by name, after checking every replay finished."""
    run = replayed_run(lesson, experiment, run_name)
    return {m.name: m for m in logged_models(lesson, run)}


def reference_model() -> LogisticRegression:
    """The lessons' classifier, trained here independently (deterministic)."""
    X_train, _, y_train, _ = course.load_iris_split()
    model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
    return model.fit(X_train, y_train)


@check("12")
def signature_and_example(lesson: Lesson) -> None:
    models = last_run_models(lesson, "12-signature", "logreg-signature")
    assert list(models) == ["model"]
    uri = models["model"].model_uri
    X_train, _, _, _ = course.load_iris_split()
    with lesson.store.active():
        info = mlflow.models.get_model_info(uri)
        folder = Path(mlflow.artifacts.download_artifacts(uri, dst_path=str(lesson.tmp)))
        pyfunc_model = mlflow.pyfunc.load_model(uri)
    assert info.signature.inputs.to_dict() == DOUBLE_FEATURES
    assert info.signature.outputs.to_dict() == SPECIES_OUT
    assert info.saved_input_example_info["serving_input_path"] == "serving_input_example.json"
    assert {"MLmodel", "input_example.json", "serving_input_example.json"} <= {
        p.name for p in folder.iterdir()
    }
    # The serving example is a request body a server accepts: the first training rows.
    body = json.loads((folder / "serving_input_example.json").read_text())["dataframe_split"]
    assert body["columns"] == course.FEATURES
    assert body["data"] == X_train.head(3).to_numpy().tolist()
    request = pd.DataFrame(body["data"], columns=body["columns"])
    assert list(pyfunc_model.predict(request)) == list(reference_model().predict(request))
    with pytest.raises(MlflowException, match=r"missing inputs \['petal_width'\]"):
        pyfunc_model.predict(request.rename(columns={"petal_width": "petal_w"}))
    assert "refused:     column petal_w → Model is missing inputs" in lesson.outputs[-1]


@check("13")
def inferred_signatures(lesson: Lesson) -> None:
    models = last_run_models(lesson, "13-infer-signature", "inferred-signatures")
    assert sorted(models) == ["classifier", "probabilities"]
    _, X_test, _, _ = course.load_iris_split()
    with lesson.store.active():
        classifier = mlflow.models.get_model_info(models["classifier"].model_uri)
        probas = mlflow.models.get_model_info(models["probabilities"].model_uri)
        proba_pyfunc = mlflow.pyfunc.load_model(models["probabilities"].model_uri)
    assert classifier.signature.inputs.to_dict() == DOUBLE_FEATURES
    assert classifier.signature.outputs.to_dict() == SPECIES_OUT
    assert probas.signature.inputs.to_dict() == DOUBLE_FEATURES
    assert probas.signature.outputs.to_dict() == [
        {"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": (-1, 3)}}
    ]
    # pyfunc_predict_fn="predict_proba": the pyfunc returns probabilities, not labels.
    assert probas.flavors["python_function"]["predict_fn"] == "predict_proba"
    predicted = proba_pyfunc.predict(X_test)
    np.testing.assert_allclose(predicted, reference_model().predict_proba(X_test))
    np.testing.assert_allclose(predicted.sum(axis=1), 1.0)
    output = lesson.outputs[-1]
    assert "integer hint:   long → Integer columns in Python cannot represent missing" in output
    assert "as float64:     double → no hint" in output


@check("14")
def manual_schema(lesson: Lesson) -> None:
    models = last_run_models(lesson, "14-manual-schema", "manual-schema")
    assert sorted(models) == ["columns", "tensor"]
    run_id = models["columns"].source_run_id
    _, X_test, _, _ = course.load_iris_split()
    rows = X_test.head(5)
    with lesson.store.active():
        columns_info = mlflow.models.get_model_info(models["columns"].model_uri)
        tensor_info = mlflow.models.get_model_info(models["tensor"].model_uri)
        columns = mlflow.pyfunc.load_model(models["columns"].model_uri)
        tensor = mlflow.pyfunc.load_model(models["tensor"].model_uri)
    assert columns_info.signature.inputs.to_dict() == DOUBLE_FEATURES
    assert columns_info.signature.outputs.to_dict() == SPECIES_OUT
    assert tensor_info.signature.inputs.to_dict() == [
        {"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": (-1, 4)}}
    ]
    # Enforcement, tried here on the stored models: well-formed inputs pass...
    expected = list(reference_model().predict(rows))
    assert list(columns.predict(rows)) == expected
    assert list(tensor.predict(rows.to_numpy())) == expected
    # ...and the three malformed ones are refused by MLflow before the model sees them.
    with pytest.raises(MlflowException, match=r"missing inputs \['petal_width'\]"):
        columns.predict(rows.drop(columns="petal_width"))
    with pytest.raises(MlflowException, match="Can not safely convert int64 to float64"):
        columns.predict((rows * 10).astype("int64"))
    with pytest.raises(MlflowException, match=r"Shape of input \(5, 3\) does not match"):
        tensor.predict(rows.to_numpy()[:, :3])
    # The lesson logged the same verdicts.
    verdicts = json.loads(lesson.store.read_artifact(run_id, "enforcement.json", lesson.tmp))
    assert {label: text.split(":")[0] for label, text in verdicts.items()} == {
        "columns: well-formed DataFrame": "accepted",
        "columns: petal_width missing": "refused",
        "columns: int64 instead of double": "refused",
        "tensor: float64 array (n, 4)": "accepted",
        "tensor: array of shape (n, 3)": "refused",
    }
    assert verdicts["columns: well-formed DataFrame"] == f"accepted: {expected}"


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
