"""16 · Model environment — Code 16 « Environnement Conda »

What you learn
  * give a model its own environment:    mlflow.sklearn.log_model(..., conda_env={...})
  * MLflow writes three files beside it: conda.yaml, python_env.yaml, requirements.txt
  * read them back from the store:       mlflow.artifacts.download_artifacts(model_uri, ...)
    (only the pip file, ready for `pip install -r`: mlflow.pyfunc.get_model_dependencies(uri))
  * check the model's pins against the repository's (requirements.txt, for this Python)
  The repository's own conda.yaml is the *project's* environment: every lesson's packages,
  for Python 3.11 (`conda env create -f conda.yaml`). A model needs only what serving needs.

Run:  python scripts/code_16_conda_env.py   (or: make run N=16)
UI:   experiment 16-conda-env → run "logreg-env" → Logged models → model → Artifacts
Prev: code_15_pyfunc_wrapper.py · Next: code_17_load_model.py
"""

import platform
import tempfile
from pathlib import Path

import mlflow
import yaml
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "16-conda-env"
# What loading and serving the model imports (skops reads the saved model). matplotlib and
# seaborn draw the lessons' plots; a server never needs them.
SERVING_PACKAGES = ["mlflow", "scikit-learn", "skops", "pandas", "numpy"]


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, _, y_train, _ = course.load_iris_split()

    # 1. The repository's pins for *this* Python (its markers are evaluated), not the 3.11 set
    #    of the top-level conda.yaml: the model must name the versions it was trained with.
    #    MLflow warns at log time if a pin differs from what is installed.
    pins = course.read_requirements(course.REQUIREMENTS_FILE)
    pip = [f"{name}=={pins[name]}" for name in SERVING_PACKAGES]
    conda_env = {
        "name": "iris-model",
        "channels": ["conda-forge"],
        "dependencies": [f"python={platform.python_version()}", "pip", {"pip": pip}],
    }

    # 2. MLflow 3: `mlflow models serve` builds a virtualenv from python_env.yaml and
    #    requirements.txt by default; conda.yaml serves only --env-manager conda (which
    #    MLflow now discourages). All three files come from this one dict.
    with mlflow.start_run(run_name="logreg-env") as run:
        model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        model.fit(X_train, y_train)
        model_info = mlflow.sklearn.log_model(model, name="model", conda_env=conda_env)

    # 3. Read the files back from the store, as whoever rebuilds the environment will.
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(mlflow.artifacts.download_artifacts(model_info.model_uri, dst_path=tmp))
        stored_conda = yaml.safe_load((folder / "conda.yaml").read_text())
        python_env = yaml.safe_load((folder / "python_env.yaml").read_text())
        lines = (folder / "requirements.txt").read_text().split()

    # 4. One pin per package, the same in both files, equal to the repository's pin.
    stored = dict(line.split("==") for line in lines)
    assert stored_conda["dependencies"][-1]["pip"] == lines, "conda.yaml ≠ requirements.txt"
    installed = course.installed_versions(stored)
    differ = [name for name in stored if stored[name] != pins.get(name)]

    print(f"run id:      {run.info.run_id}")
    print(f"model:       {model_info.model_uri}")
    print("files:       conda.yaml, python_env.yaml, requirements.txt, beside MLmodel")
    print(
        f"python:      conda.yaml {stored_conda['dependencies'][0]}, "
        f"python_env.yaml {python_env['python']}"
    )
    print(f"  {'package':<14}{'model':<10}{'requirements.txt':<18}installed")
    for name, version in stored.items():
        repo = pins.get(name, "(not pinned)")
        print(f"  {name:<14}{version:<10}{repo:<18}{installed[name]}")
    verdict = "agree" if not differ else f"DIFFER for {', '.join(differ)}"
    print(f"pins:        the model's and requirements.txt's {verdict}")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run 'logreg-env' → model → Artifacts")
    return run.info.run_id


if __name__ == "__main__":
    main()
