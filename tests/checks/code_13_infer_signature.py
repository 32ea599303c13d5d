"""Check for lesson 13: the two inferred signatures (labels, probabilities); the reloaded
probability model answers what a model trained here does."""

from __future__ import annotations

import mlflow
import numpy as np
from conftest import Lesson

import course
from checks import check
from checks.common import DOUBLE_FEATURES, SPECIES_OUT, last_run_models, reference_model


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
