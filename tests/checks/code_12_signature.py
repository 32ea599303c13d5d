"""Check for lesson 12: the signature and input example stored with the model; reloaded from the
store, it predicts as a model trained here and refuses a misnamed column."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from conftest import Lesson
from mlflow.exceptions import MlflowException

import course
from checks import check
from checks.common import DOUBLE_FEATURES, SPECIES_OUT, last_run_models, reference_model


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
