"""Check for lesson 06: the run's artifacts (dataset, plot, reports, config) read back and
recomputed, and its dataset input (digest, source, schema, profile, role)."""

from __future__ import annotations

import io
import json

import mlflow
import pandas as pd
from conftest import REPO_ROOT, Lesson
from mlflow.data.sources import LocalArtifactDatasetSource

import course
from checks import check
from checks.common import PNG_MAGIC


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
    assert dataset_input.dataset.source_type == "local"  # LocalArtifactDatasetSource
    assert json.loads(dataset_input.dataset.profile)["num_rows"] == 150
    columns = json.loads(dataset_input.dataset.schema)["mlflow_colspec"]
    assert [c["name"] for c in columns] == [*course.FEATURES, course.TARGET]
    assert {t.key: t.value for t in dataset_input.tags}["mlflow.data.context"] == "training"
