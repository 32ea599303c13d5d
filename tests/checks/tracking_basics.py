"""Checks for lessons 00-10: tracking basics. Each lesson was replayed beforehand (once, or
twice for lessons 04 and 05); a check counts the replays made with ``len(lesson.outputs)``."""

from __future__ import annotations

import io
import json
import platform
import re
import socket
from importlib.metadata import version
from pathlib import Path

import mlflow
import pandas as pd
from conftest import REPO_ROOT, Lesson, lesson_env, run_script
from mlflow.data.sources import LocalArtifactDatasetSource
from sklearn.linear_model import LogisticRegression

import course
from checks import check

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def finished(runs: list) -> bool:
    return all(run.info.status == "FINISHED" for run in runs)


def replayed_run(lesson: Lesson, experiment: str, run_name: str):
    """The newest run of a lesson that logs one run per replay: each replay left exactly one
    run named ``run_name``, and every one FINISHED."""
    runs = lesson.store.runs(experiment)
    assert [r.info.run_name for r in runs] == [run_name] * len(lesson.outputs)
    assert finished(runs)
    return runs[-1]


def logged_models(lesson: Lesson, run) -> list:
    return mlflow.MlflowClient(lesson.store.uri).search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run.info.run_id}'",
    )


@check("00")
def installation(lesson: Lesson) -> None:
    runs = lesson.store.runs("00-installation")
    assert [r.info.run_name for r in runs] == ["installation-check"] * len(lesson.outputs)
    assert finished(runs)
    pins = course.read_requirements(REPO_ROOT / "requirements.txt")
    params = runs[-1].data.params
    assert params["python"] == platform.python_version()
    assert {name: params[name] for name in pins} == {name: version(name) for name in pins}
    assert f"tracking URI: {lesson.store.uri}" in lesson.outputs[-1]
    assert "make ui" in lesson.outputs[-1]


@check("01")
def first_experiment(lesson: Lesson) -> None:
    runs = lesson.store.runs("01-first-experiment")
    assert [r.info.run_name for r in runs] == ["logreg"] * len(lesson.outputs)
    run = runs[-1]
    assert run.data.params == {"max_iter": "200"}
    models = logged_models(lesson, run)
    assert [m.name for m in models] == ["model"]
    assert [o.model_id for o in run.outputs.model_outputs] == [models[0].model_id]
    # The logged metric is the accuracy of the logged model: reload it and measure.
    _, X_test, _, y_test = course.load_iris_split()
    with lesson.store.active():
        for uri in (models[0].model_uri, f"runs:/{run.info.run_id}/model"):
            model = mlflow.sklearn.load_model(uri)
            assert model.score(X_test, y_test) == run.data.metrics["accuracy"]
    assert models[0].model_uri in lesson.outputs[-1]


@check("02")
def requirements(lesson: Lesson) -> None:
    runs = lesson.store.runs("02-requirements")
    assert len(runs) == len(lesson.outputs)
    assert finished(runs)
    run = runs[-1]
    stored = lesson.store.read_artifact(run.info.run_id, "requirements.txt", lesson.tmp)
    assert stored == (REPO_ROOT / "requirements.txt").read_bytes()
    installed = json.loads(
        lesson.store.read_artifact(run.info.run_id, "environment/installed.json", lesson.tmp)
    )
    pins = course.read_requirements(REPO_ROOT / "requirements.txt")
    assert installed["packages"] == {name: version(name) for name in pins}
    assert installed["pinned"] == pins
    # The test environment is the pinned one: the lesson must say so.
    assert run.data.tags["requirements_match"] == "true"
    assert "environment/differences.txt" not in lesson.store.artifact_paths(run.info.run_id)


@check("03")
def tracking_uri(lesson: Lesson) -> None:
    local = lesson.store.runs("03-tracking-uri")
    replays = len(lesson.outputs)
    assert [r.info.run_name for r in local] == ["local-store"] * replays
    assert {r.data.params["tracking_uri"] for r in local} == {lesson.store.uri}

    server_experiment = lesson.store.experiment("03-tracking-uri-server")
    assert server_experiment.artifact_location.startswith("mlflow-artifacts:")
    remote = lesson.store.runs("03-tracking-uri-server")
    assert [r.info.run_name for r in remote] == ["over-http"] * replays
    assert finished(remote)
    ports = re.findall(r"server: +http://127\.0\.0\.1:(\d+) \(pid \d+\)", "".join(lesson.outputs))
    assert len(ports) == replays
    for run, port in zip(remote, ports, strict=True):
        url = f"http://127.0.0.1:{port}"
        assert run.data.params["tracking_uri"] == url
        # Proxied artifacts: the server wrote them under its --artifacts-destination.
        on_disk = (
            lesson.store.artifacts
            / server_experiment.experiment_id
            / run.info.run_id
            / "artifacts"
            / "where.txt"
        )
        assert on_disk.read_text() == f"logged through {url}\n"
        # The lesson stopped its server: nothing listens on the port any more.
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", int(port))) != 0, f"server left on {port}"
    # MLflow's own default depends on the cwd: that is what the lesson warns about.
    assert re.search(r"nothing set: +sqlite:///\S*/cwd/mlflow\.db", lesson.outputs[-1])


# Two replays: the second finds the experiment "already there" (and refreshes its tags), and
# the restore of the deleted experiment is checked by one more run on the same store.
@check("04", replays=2)
def create_experiment(lesson: Lesson) -> None:
    experiment = lesson.store.experiment("04-create-experiment")
    location = lesson.store.artifacts / "04-create-experiment"
    assert experiment.artifact_location == location.as_uri()
    assert experiment.tags["mlflow.note.content"].startswith("Iris classifiers")
    assert {k: experiment.tags[k] for k in ("project", "dataset", "team")} == {
        "project": "mlflow-course",
        "dataset": "iris",
        "team": "learners",
    }
    runs = lesson.store.runs("04-create-experiment")
    assert len(runs) == 2
    for run in runs:  # the runs' files really are under the experiment's location
        assert (location / run.info.run_id / "artifacts" / "hello.txt").is_file()
    assert "created:" in lesson.outputs[0]
    assert "already there:" in lesson.outputs[1]
    # Deleted in the UI, the experiment comes back at the next replay, same id and place.
    lesson.store.client.delete_experiment(experiment.experiment_id)
    done = run_script(lesson.script, lesson.tmp / "cwd", lesson_env(lesson.store))
    assert done.returncode == 0, done.stdout
    again = lesson.store.experiment("04-create-experiment")
    assert again.lifecycle_stage == "active"
    assert again.experiment_id == experiment.experiment_id
    assert len(lesson.store.runs("04-create-experiment")) == 3


# Two replays: the lesson's search spans every replay's runs ("grows per replay": the printed
# count is checked against all runs in the store) while its verdict keeps to its own runs.
@check("05", replays=2)
def run_info(lesson: Lesson) -> None:
    runs = lesson.store.runs("05-run-info")
    grid = ["0.01", "0.1", "1.0"]  # one run per C, per replay
    assert len(runs) == len(grid) * len(lesson.outputs)
    assert finished(runs)
    assert [r.data.params["C"] for r in runs] == grid * len(lesson.outputs)
    # Its verdict equals the store's: the best run of the last replay (ties: the newest).
    last = runs[-len(grid) :]
    best = max(last, key=lambda r: (r.data.metrics["accuracy"], r.info.start_time))
    assert f"best:         C={best.data.params['C']} " in lesson.outputs[-1]
    good = [r for r in runs if r.data.metrics["accuracy"] >= 0.9]
    assert f"search:       {len(good)} run(s)" in lesson.outputs[-1]
    for run in last:
        assert run.info.run_id in lesson.outputs[-1]


@check("06")
def artifacts(lesson: Lesson) -> None:
    runs = lesson.store.runs("06-artifacts")
    assert [r.info.run_name for r in runs] == ["logreg-artifacts"] * len(lesson.outputs)
    run_id = runs[-1].info.run_id
    assert lesson.store.artifact_paths(run_id) == {
        "data/iris.csv",
        "plots/confusion_matrix.png",
        "report/predictions.csv",
        "report/misclassified.csv",
        "config.json",
        "classification_report.txt",
    }
    read = lambda path: lesson.store.read_artifact(run_id, path, lesson.tmp / path)  # noqa: E731
    dataset_csv = REPO_ROOT / "data" / "iris.csv"
    assert read("data/iris.csv") == dataset_csv.read_bytes()
    frame = pd.read_csv(io.BytesIO(read("data/iris.csv")))
    assert frame.shape == (150, 5)
    assert set(frame["species"]) == set(course.SPECIES)
    assert read("plots/confusion_matrix.png").startswith(PNG_MAGIC)
    assert (REPO_ROOT / "plots" / "confusion_matrix.png").read_bytes().startswith(PNG_MAGIC)
    predictions = pd.read_csv(io.BytesIO(read("report/predictions.csv")))
    wrong = pd.read_csv(io.BytesIO(read("report/misclassified.csv")))
    assert len(predictions) == len(course.load_iris_split()[1])
    assert len(wrong) == (predictions["true"] != predictions["predicted"]).sum()
    assert json.loads(read("config.json"))["features"] == course.FEATURES
    assert all(name in read("classification_report.txt").decode() for name in course.SPECIES)
    # The dataset input: same digest as the data, its source, its role.
    (dataset_input,) = runs[-1].inputs.dataset_inputs
    expected = mlflow.data.from_pandas(
        course.load_iris_frame(), source=LocalArtifactDatasetSource(str(dataset_csv))
    )
    assert dataset_input.dataset.name == "iris"
    assert dataset_input.dataset.digest == expected.digest
    assert json.loads(dataset_input.dataset.source)["uri"] == str(dataset_csv)
    assert {t.key: t.value for t in dataset_input.tags}["mlflow.data.context"] == "training"


@check("07")
def tags(lesson: Lesson) -> None:
    runs = lesson.store.runs("07-tags")
    assert [r.info.run_name for r in runs] == ["logreg", "tree"] * len(lesson.outputs)
    for run in runs:
        tags = run.data.tags
        assert tags["owner"] == "course"
        assert tags["dataset"] == "iris"
        assert tags["model_family"] == run.info.run_name
        assert tags["stage"] == "baseline"  # set_tags overwrote "candidate"
        passed = run.data.metrics["accuracy"] >= 0.9
        assert tags["quality_gate"] == ("passed" if passed else "failed")
        assert tags["mlflow.note.content"].endswith("tagged for search.")
    found = lesson.store.runs("07-tags", "tags.stage = 'baseline' and tags.model_family = 'tree'")
    assert [r.info.run_id for r in found] == [r.info.run_id for r in runs[1::2]]


@check("08")
def multiple_runs(lesson: Lesson) -> None:
    parents = lesson.store.runs("08-multiple-runs", "tags.mlflow.runName = 'comparison'")
    assert len(parents) == len(lesson.outputs)
    expected_configs = {("logreg", "None", c) for c in ("0.1", "1.0", "10.0")} | {
        ("svc", kernel, c) for kernel in ("linear", "rbf") for c in ("0.1", "1.0", "10.0")
    }
    for parent in parents:
        children = lesson.store.runs(
            "08-multiple-runs", f"tags.mlflow.parentRunId = '{parent.info.run_id}'"
        )
        configs = {
            (c.data.params["model"], c.data.params.get("kernel", "None"), c.data.params["C"])
            for c in children
        }
        assert configs == expected_configs
        assert len(children) == 9
        best = max(
            children,
            key=lambda c: (
                c.data.metrics["cv_accuracy"],
                c.data.metrics["test_accuracy"],
                -c.info.start_time,
            ),
        )
        assert parent.data.tags["best_run_id"] == best.info.run_id
        assert parent.data.metrics["best_cv_accuracy"] == best.data.metrics["cv_accuracy"]
        assert lesson.store.artifact_paths(parent.info.run_id) == {"plots/model_comparison.png"}
    assert (REPO_ROOT / "plots" / "model_comparison.png").read_bytes().startswith(PNG_MAGIC)


@check("09")
def multiple_experiments(lesson: Lesson) -> None:
    holdout = lesson.store.runs("09-holdout")
    kfold = lesson.store.runs("09-kfold")
    families = ["logreg", "tree", "knn"] * len(lesson.outputs)
    assert [r.data.params["model"] for r in holdout] == families
    assert [r.data.params["model"] for r in kfold] == families
    # Each experiment has its own params and metrics: nothing leaks across.
    for run in holdout:
        assert run.data.params["validation"] == "holdout"
        assert set(run.data.metrics) == {"accuracy"}
    for run in kfold:
        assert run.data.params["validation"] == "kfold"
        assert run.data.params["n_splits"] == "5"
        assert set(run.data.metrics) == {"accuracy_mean", "accuracy_std"}
    for name in ("09-holdout", "09-kfold"):
        location = lesson.store.experiment(name).artifact_location
        assert location == (lesson.store.artifacts / name).as_uri()


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
    X_train, X_test, y_train, _ = course.load_iris_split()
    params = {"C": float(best["best_C"]), "solver": best["best_solver"]}
    reference = LogisticRegression(**params, max_iter=500, random_state=course.RANDOM_STATE)
    reference.fit(X_train, y_train)
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
