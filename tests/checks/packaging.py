"""Checks for lessons 15-16: packaging a model (pyfunc wrapper, its environment).

Each lesson was replayed beforehand; what it logged is read back from the store.
"""

from __future__ import annotations

import platform
from importlib.metadata import version
from pathlib import Path

import mlflow
import numpy as np
import skops.io
import yaml
from conftest import REPO_ROOT, Lesson
from mlflow.entities import Run

import course
from checks import check
from checks.tracking_basics import finished, replayed_run


def only_model(lesson: Lesson, run: Run) -> mlflow.entities.LoggedModel:
    (model,) = lesson.store.client.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run.info.run_id}'",
    )
    assert model.name == "model"
    return model


def download_model(lesson: Lesson, model: mlflow.entities.LoggedModel) -> Path:
    # A models:/ URI is resolved by the current store, whatever tracking_uri= says.
    with lesson.store.active():
        local = mlflow.artifacts.download_artifacts(
            model.model_uri, dst_path=str(lesson.tmp / model.model_id)
        )
    return Path(local)


def pins_of(requirements: list[str]) -> dict[str, str]:
    pins = dict(line.split("==") for line in requirements)
    assert len(pins) == len(requirements), f"a line without one exact pin: {requirements}"
    return pins


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


@check("16")
def conda_env(lesson: Lesson) -> None:
    model = only_model(lesson, replayed_run(lesson, "16-conda-env", "logreg-env"))
    folder = download_model(lesson, model)
    assert {"MLmodel", "conda.yaml", "python_env.yaml", "requirements.txt"} <= {
        path.name for path in folder.iterdir()
    }

    # The model's pins are the repository's for this Python, no more and no less than
    # serving needs (MLflow's own list for a scikit-learn model included).
    lines = (folder / "requirements.txt").read_text().split()
    stored = pins_of(lines)
    repo = course.read_requirements(REPO_ROOT / "requirements.txt")
    assert {"mlflow", "scikit-learn", "pandas", "numpy", "skops"} <= set(stored)
    assert not {"matplotlib", "seaborn", "filelock"} & set(stored), "not needed to serve"
    assert stored == {name: repo[name] for name in stored}
    needed = mlflow.sklearn.get_default_pip_requirements(include_skops=True)
    assert {line.split("==")[0] for line in needed} <= set(stored)

    # conda.yaml and python_env.yaml say the same, for the Python the model was trained on.
    conda = yaml.safe_load((folder / "conda.yaml").read_text())
    assert conda["channels"] == ["conda-forge"]
    assert conda["dependencies"] == [f"python={platform.python_version()}", "pip", {"pip": lines}]
    python_env = yaml.safe_load((folder / "python_env.yaml").read_text())
    assert python_env["python"] == platform.python_version()
    assert python_env["dependencies"] == ["-r requirements.txt"]

    # The environment is the model's: the model itself still loads and predicts.
    _, X_test, _, y_test = course.load_iris_split()
    with lesson.store.active():
        assert mlflow.sklearn.load_model(model.model_uri).score(X_test, y_test) >= 0.9
    output = lesson.outputs[-1]
    assert "the model's and requirements.txt's agree" in output
    for name, pin in stored.items():
        assert f"  {name:<14}{pin:<10}{repo[name]:<18}" in output
