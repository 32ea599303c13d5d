"""Check for lesson 16: the model's environment files pin the repository's versions for this
Python, no more than serving needs; the model still loads and predicts."""

from __future__ import annotations

import platform

import mlflow
import yaml
from conftest import REPO_ROOT, Lesson

import course
from checks import check
from checks.common import download_model, only_model, pins_of, replayed_run


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
