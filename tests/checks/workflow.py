"""Checks for lessons 23 and 25: one interface for every model, and the complete script.

Each lesson was replayed twice beforehand, for what the second replay does to the registry
(23 reuses the champion registered by the first; 25 adds version 2). The models are reloaded
from the test's store and compared with models trained here independently; every stored
number is recomputed.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from conftest import REPO_ROOT, Lesson
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import course
from checks import check
from checks.models import DOUBLE_FEATURES, SPECIES_OUT, reference_model
from checks.tracking_basics import PNG_MAGIC, finished, logged_models, replayed_run

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


def defaults() -> dict[str, str]:
    """The complete script's own defaults, as MLflow stores params (strings)."""
    args = importlib.import_module("code_25_complete_script").parse_args([])
    return {"C": str(args.C), "max_iter": str(args.max_iter), "solver": args.solver}


# Two replays: each adds one version to iris-complete, so the second run's version 2, from
# the second run's model, is checked (numbers growing, printed as "→ version 2").
@check("25", replays=2)
def complete_script(lesson: Lesson) -> None:
    run = replayed_run(lesson, "25-complete-script", "logreg-complete")
    runs = lesson.store.runs("25-complete-script")
    options = defaults()
    assert run.data.params == {**options, "random_state": str(course.RANDOM_STATE)}

    # The data it trained on, by digest, is the dataset version in the tags.
    X_train, X_test, y_train, y_test = course.load_iris_split()
    train_table = X_train.assign(**{course.TARGET: y_train})
    digest = mlflow.data.from_pandas(train_table, targets=course.TARGET).digest
    (dataset_input,) = run.inputs.dataset_inputs
    assert dataset_input.dataset.digest == digest
    assert {t.key: t.value for t in dataset_input.tags}["mlflow.data.context"] == "training"
    tags = run.data.tags
    assert (tags["dataset"], tags["dataset_version"], tags["model_family"]) == (
        "iris",
        digest,
        "linear",
    )

    # The metrics are those of the logged model, reloaded, which is the defaults' model.
    (model,) = logged_models(lesson, run)
    with lesson.store.active():
        estimator = mlflow.sklearn.load_model(model.model_uri)
        info = mlflow.models.get_model_info(model.model_uri)
        folder = Path(
            mlflow.artifacts.download_artifacts(model.model_uri, dst_path=str(lesson.tmp))
        )
    y_pred = estimator.predict(X_test)
    fresh = LogisticRegression(
        C=float(options["C"]),
        max_iter=int(options["max_iter"]),
        solver=options["solver"],
        random_state=course.RANDOM_STATE,
    )
    assert np.array_equal(y_pred, fresh.fit(X_train, y_train).predict(X_test))
    precision, recall, f1, _ = precision_recall_fscore_support(y_test, y_pred, average="macro")
    assert run.data.metrics == {
        "accuracy": accuracy_score(y_test, y_pred),
        "f1_macro": f1,
        "precision_macro": precision,
        "recall_macro": recall,
    }
    assert run.data.metrics["accuracy"] >= 0.9

    # Its contract: the signature, and the first test rows as the input example.
    assert info.signature.inputs.to_dict() == DOUBLE_FEATURES
    assert info.signature.outputs.to_dict() == SPECIES_OUT
    body = json.loads((folder / "serving_input_example.json").read_text())["dataframe_split"]
    assert body["columns"] == course.FEATURES
    assert body["data"] == X_test.head(3).to_numpy().tolist()

    # The confusion matrix, in plots/ and with the run.
    assert lesson.store.artifact_paths(run.info.run_id) == {"plots/25_confusion_matrix.png"}
    png = lesson.store.read_artifact(run.info.run_id, "plots/25_confusion_matrix.png", lesson.tmp)
    assert png.startswith(PNG_MAGIC)
    assert (REPO_ROOT / "plots" / "25_confusion_matrix.png").read_bytes().startswith(PNG_MAGIC)

    # One registered version per replay, each pointing at that replay's logged model.
    versions = lesson.store.client.search_model_versions("name = 'iris-complete'")
    by_number = sorted(versions, key=lambda v: v.version)
    assert [v.version for v in by_number] == [1, 2]
    for version, replay in zip(by_number, runs, strict=True):
        (logged,) = logged_models(lesson, replay)
        assert version.run_id == replay.info.run_id
        assert version.source == logged.model_uri
    assert "iris-classifier" not in {m.name for m in lesson.store.client.search_registered_models()}
    for number, output in enumerate(lesson.outputs, start=1):
        assert f"→ iris-complete version {number}\n" in output
    assert f"accuracy={run.data.metrics['accuracy']:.4f}" in lesson.outputs[-1]
