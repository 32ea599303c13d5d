"""Check for lesson 14: the two hand-written schemas (columns, tensor), enforced here on the
stored models, give the verdicts the lesson logged."""

from __future__ import annotations

import json

import mlflow
import pytest
from conftest import Lesson
from mlflow.exceptions import MlflowException

import course
from checks import check
from checks.common import DOUBLE_FEATURES, SPECIES_OUT, last_run_models, reference_model


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
