"""Check for lesson 10: autolog's params, metrics, artifacts and child runs, and the one model
logged by hand (skops, pinned, signed) predicting as a model trained here."""

from __future__ import annotations

from pathlib import Path

import mlflow
from conftest import REPO_ROOT, Lesson

import course
from checks import check
from checks.common import finished, logged_models, reference_model


@check("10")
def autolog(lesson: Lesson) -> None:
    replays = len(lesson.outputs)
    simple = lesson.store.runs("10-autolog", "tags.mlflow.runName = 'autolog-logreg'")
    search = lesson.store.runs("10-autolog", "tags.mlflow.runName = 'autolog-gridsearch'")
    assert len(simple) == len(search) == replays
    assert finished(simple + search)

    # The plain fit: params, training metrics and artifacts, and no model (log_models=False).
    run = simple[-1]
    assert run.data.params["C"] == "1.0"
    assert run.data.params["max_iter"] == "500"
    assert run.data.metrics["training_accuracy_score"] > 0.9
    assert {"training_f1_score", "training_log_loss", "training_roc_auc"} <= set(run.data.metrics)
    assert lesson.store.artifact_paths(run.info.run_id) == {
        "estimator.html",
        "training_confusion_matrix.png",
    }
    assert logged_models(lesson, run) == []
    (dataset,) = run.inputs.dataset_inputs  # autolog logged the training data
    assert {t.key: t.value for t in dataset.tags}["mlflow.data.context"] == "train"

    # The search: best params and score, cv_results, the 5 best of 6 candidates as children.
    run = search[-1]
    best = {k: run.data.params[k] for k in ("best_C", "best_solver")}
    assert "best_cv_score" in run.data.metrics
    assert "cv_results.csv" in lesson.store.artifact_paths(run.info.run_id)
    children = lesson.store.runs("10-autolog", f"tags.mlflow.parentRunId = '{run.info.run_id}'")
    assert len(children) == 5  # max_tuning_runs: the 5 best of 6 candidates
    assert all({"C", "solver"} <= set(c.data.params) for c in children)

    # The one model, logged by hand: the best estimator, skops, pinned requirements, signed.
    (model,) = logged_models(lesson, run)
    assert model.name == "best_estimator"
    _, X_test, _, _ = course.load_iris_split()
    params = {"C": float(best["best_C"]), "solver": best["best_solver"]}
    reference = reference_model(**params, max_iter=500)
    with lesson.store.active():
        info = mlflow.models.get_model_info(model.model_uri)
        loaded = mlflow.sklearn.load_model(model.model_uri)
        requirements = mlflow.pyfunc.get_model_dependencies(model.model_uri)
    assert info.signature.inputs.input_names() == course.FEATURES
    assert info.flavors["sklearn"]["serialization_format"] == "skops"
    pins = course.read_requirements(REPO_ROOT / "requirements.txt")
    expected = {f"{name}=={pins[name]}" for name in ("scikit-learn", "skops")}
    assert expected <= set(Path(requirements).read_text().split())
    assert (loaded.predict(X_test) == reference.predict(X_test)).all()
    assert "Traceback" not in lesson.outputs[-1]
    assert "pickle" not in lesson.outputs[-1].lower()  # no warning the learner cannot act on
