"""Check for lesson 15: the wrapper is stored as code (no pickle) with its classifier and exact
pins; reloaded, it answers species and probabilities as its stored classifier does."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import mlflow
import numpy as np
import skops.io
from conftest import Lesson

import course
from checks import check
from checks.common import download_model, finished, only_model, pins_of


@check("15")
def pyfunc_wrapper(lesson: Lesson) -> None:
    runs = lesson.store.runs("15-pyfunc-wrapper")
    assert [r.info.run_name for r in runs] == ["species-wrapper"] * len(lesson.outputs)
    assert finished(runs)
    models = [only_model(lesson, run) for run in runs]
    model = models[-1]
    assert model.model_uri in lesson.outputs[-1]

    # Models from code: the lesson file itself is the model, stored beside its artifact and
    # the module it imports; nothing is pickled.
    folder = download_model(lesson, model)
    with lesson.store.active():
        info = mlflow.models.get_model_info(model.model_uri)
    pyfunc = info.flavors["python_function"]
    assert pyfunc["loader_module"] == "mlflow.pyfunc.loaders.code_model"
    assert Path(pyfunc["model_code_path"]).name == lesson.script.name
    assert (folder / lesson.script.name).read_bytes() == lesson.script.read_bytes()
    assert (folder / "code" / "course.py").is_file()
    assert not (folder / "python_model.pkl").exists()
    (artifact,) = pyfunc["artifacts"].values()
    classifier = skops.io.load(folder / artifact["path"])
    assert list(classifier.classes_) == course.SPECIES
    assert list(classifier.feature_names_in_) == course.FEATURES
    assert info.signature.inputs.input_names() == course.FEATURES
    assert info.signature.outputs.input_names() == ["species", "probability"]
    requirements = pins_of((folder / "requirements.txt").read_text().split())
    assert {"mlflow", "scikit-learn", "skops", "pandas"} <= set(requirements)
    assert requirements == {name: version(name) for name in requirements}

    # Reloaded, the wrapper is a PythonModel answering species names with their probability,
    # exactly what its stored classifier says.
    _, X_test, _, y_test = course.load_iris_split()
    with lesson.store.active():
        wrapper = mlflow.pyfunc.load_model(model.model_uri)
    assert isinstance(wrapper.unwrap_python_model(), mlflow.pyfunc.PythonModel)
    predictions = wrapper.predict(X_test)
    assert list(predictions.columns) == ["species", "probability"]
    assert set(predictions["species"]) <= set(course.SPECIES)
    assert predictions["probability"].between(0, 1).all()
    assert list(predictions["species"]) == list(classifier.predict(X_test))
    np.testing.assert_allclose(predictions["probability"], classifier.predict_proba(X_test).max(1))
    assert (predictions["species"] == y_test.to_numpy()).mean() >= 0.9
    assert (
        f"accuracy:    {(predictions['species'] == y_test.to_numpy()).mean():.3f}"
        in (lesson.outputs[-1])
    )
