"""Check for lesson 25, replayed twice: the run's params, data and recomputed metrics, its model
equal to one trained here, and one registered version per replay."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import mlflow
import numpy as np
from conftest import REPO_ROOT, Lesson
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

import course
from checks import check
from checks.common import (
    DOUBLE_FEATURES,
    PNG_MAGIC,
    SPECIES_OUT,
    logged_models,
    reference_model,
    replayed_run,
)


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
    fresh = reference_model(
        C=float(options["C"]), max_iter=int(options["max_iter"]), solver=options["solver"]
    )
    assert np.array_equal(y_pred, fresh.predict(X_test))
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
