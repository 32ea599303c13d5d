"""Check for lesson 23, replayed twice: the champion registered once, on the empty store; the four
models, reloaded through one interface, answer as models trained (or a rule written) here."""

from __future__ import annotations

import json

import mlflow
import pandas as pd
from conftest import Lesson
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import course
from checks import check
from checks.common import DOUBLE_FEATURES, SPECIES_OUT, finished, logged_models, reference_model

SKLEARN_FLAVORS = ["python_function", "sklearn"]


def petal_rule(X: pd.DataFrame) -> list[str]:
    """The lesson's hand-written model, written again here from its docstring's rule."""
    return [
        "setosa" if length < 2.5 else "versicolor" if width < 1.75 else "virginica"
        for length, width in zip(X["petal_length"], X["petal_width"], strict=True)
    ]


# Two replays: on the empty store the first registers a first champion, the second must reuse
# it (one version, one "-first-champion" run), not register another.
@check("23", replays=2)
def pyfunc_universal(lesson: Lesson) -> None:
    experiment = "23-pyfunc-universal"
    runs = lesson.store.runs(experiment, "tags.mlflow.runName = 'universal-pyfunc'")
    assert len(runs) == 2
    # The champion was registered once, on the empty store, in a run of its own.
    everything = lesson.store.runs(experiment)
    assert [r.info.run_name for r in everything] == [
        f"{course.REGISTERED_MODEL}-first-{course.CHAMPION}",
        "universal-pyfunc",
        "universal-pyfunc",
    ]
    assert finished(everything)
    client = lesson.store.client
    (registered,) = client.search_model_versions(f"name = '{course.REGISTERED_MODEL}'")
    champion = client.get_model_version_by_alias(course.REGISTERED_MODEL, course.CHAMPION)
    assert champion.version == registered.version == 1
    assert champion.run_id == everything[0].info.run_id

    run = runs[-1]
    models = {m.name: m for m in logged_models(lesson, run)}
    assert sorted(models) == ["logreg", "petal-rule", "svc-pipeline"]
    table = json.loads(lesson.store.read_artifact(run.info.run_id, "predictions.json", lesson.tmp))
    uris = {name: m.model_uri for name, m in models.items()}
    uris["champion"] = f"models:/{course.REGISTERED_MODEL}@{course.CHAMPION}"
    assert {name: row["uri"] for name, row in table.items()} == uris

    # What each model must answer, from models trained (or a rule written) here.
    X_train, X_test, y_train, y_test = course.load_iris_split()
    svc = make_pipeline(StandardScaler(), SVC(random_state=course.RANDOM_STATE))
    logreg = list(reference_model().predict(X_test))
    expected = {
        "champion": logreg,
        "logreg": logreg,
        "svc-pipeline": list(svc.fit(X_train, y_train).predict(X_test)),
        "petal-rule": petal_rule(X_test),
    }
    assert expected["svc-pipeline"] != logreg or expected["petal-rule"] != logreg

    # One loader and one call for all four; the flavours say what is inside.
    with lesson.store.active():
        for name, uri in uris.items():
            model = mlflow.pyfunc.load_model(uri)
            info = mlflow.models.get_model_info(uri)
            predictions = [str(label) for label in model.predict(X_test)]
            assert predictions == expected[name], name
            assert table[name]["predictions"] == predictions
            assert table[name]["flavors"] == sorted(info.flavors) == sorted(model.metadata.flavors)
            loader = info.flavors["python_function"]["loader_module"]
            assert table[name]["loader_module"] == loader
            assert info.signature.inputs.to_dict() == DOUBLE_FEATURES
            if name == "petal-rule":  # plain code, stored as code: no pickle, no estimator
                assert table[name]["flavors"] == ["python_function"]
                assert loader == "mlflow.pyfunc.loaders.code_model"
                assert isinstance(model.unwrap_python_model(), mlflow.pyfunc.PythonModel)
                assert info.signature.outputs.to_dict() == [{"type": "string", "required": True}]
            else:
                assert table[name]["flavors"] == SKLEARN_FLAVORS
                assert loader == "mlflow.sklearn"
                assert info.signature.outputs.to_dict() == SPECIES_OUT
            accuracy = accuracy_score(y_test, predictions)
            assert f"{name:13} {'+'.join(table[name]['flavors']):24} " in lesson.outputs[-1]
            assert f" {accuracy:<9.3f} {predictions[:5]}" in lesson.outputs[-1]
    assert run.info.run_id in lesson.outputs[-1]
