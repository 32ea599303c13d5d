"""24 · Importing an existing model — Code 24 « Import modèle existant »

What you learn
  * bring in a model trained without MLflow, here a joblib file and its sha256 hash:
        check the hash, then joblib.load(path)   (only files you trust: loading runs code)
  * make it a real MLflow model:   mlflow.sklearn.log_model(model, name="model",
                                       signature=infer_signature(X, predictions), ...)
  * keep its origin with the run:  mlflow.log_artifact(path, artifact_path="original") and
                                   tags (file, sha256, "trained outside MLflow", sklearn)
  * register it:                   mlflow.register_model(model_info.model_uri, name, tags=...)
  * prove nothing changed: models:/iris-imported/<version> predicts what the file predicts

Run:  python scripts/code_24_import_model.py   (or: make run N=24)
UI:   Models → iris-imported → the newest version (tags, source) → its run → Artifacts
      (original/iris.joblib beside the model)
Prev: code_23_pyfunc_universal.py · Next: code_25_complete_script.py
"""

import hashlib
import tempfile
import warnings
from pathlib import Path

import joblib
import mlflow
import numpy as np
import pandas as pd
import sklearn
from mlflow.models import infer_signature
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "24-import-model"
REGISTERED = "iris-imported"
MODEL_FILE = "iris.joblib"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_outside_mlflow(folder: Path) -> tuple[Path, str]:
    """Stand-in for a colleague's script: fit, joblib.dump, publish the file's hash. No MLflow."""
    X_train, _, y_train, _ = course.load_iris_split()
    model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
    path = folder / MODEL_FILE
    joblib.dump(model.fit(X_train, y_train), path)
    return path, sha256(path)


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, _, _ = course.load_iris_split()

    with tempfile.TemporaryDirectory() as tmp:
        path, published_sha256 = train_outside_mlflow(Path(tmp))

        # 1. A joblib (pickle) file can run any code while it loads: import only files you
        #    trust, and first check they are the very bytes that were published.
        digest = sha256(path)
        assert digest == published_sha256, f"{path.name} is not the file that was published"
        # 2. A file pickled by another scikit-learn may load yet predict differently: make
        #    scikit-learn's version warning an error, so the version tagged below is the file's.
        with warnings.catch_warnings():
            warnings.simplefilter("error", InconsistentVersionWarning)
            model = joblib.load(path)
        expected = model.predict(X_test)
        origin = {
            "origin": "trained outside MLflow",
            "origin.file": path.name,
            "origin.sha256": digest,
            "origin.sklearn_version": sklearn.__version__,
        }

        # 3. Logged like any model trained here: signature, example, environment. MLflow
        #    stores it with skops, which loads without running arbitrary code. The original
        #    file goes beside it, so its hash can be checked again later.
        with mlflow.start_run(run_name="import-joblib", tags=origin) as run:
            mlflow.log_artifact(str(path), artifact_path="original")
            predictions = pd.Series(model.predict(X_train), name=course.TARGET)
            model_info = mlflow.sklearn.log_model(
                model,
                name="model",
                signature=infer_signature(X_train, predictions),
                input_example=X_train.head(3),
                pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
            )

    # 4. MLflow 3 registers the logged model itself (models:/m-…), not a run's folder
    #    (runs:/<id>/model, which now warns). Each replay adds a version.
    version = mlflow.register_model(model_info.model_uri, REGISTERED, tags=origin)

    # 5. The registry's copy must predict exactly what the original file predicted.
    registered_uri = f"models:/{REGISTERED}/{version.version}"
    same = bool(np.array_equal(mlflow.pyfunc.load_model(registered_uri).predict(X_test), expected))
    print(f"run id:      {run.info.run_id}")
    print(f"imported:    {MODEL_FILE} sha256 {digest[:16]}… ({type(model).__name__})")
    print(f"model:       {model_info.model_uri}")
    print(f"registered:  {registered_uri} (source {version.source})")
    print(f"same predictions as the file: {same} ({len(X_test)} test flowers)")
    print(f"UI:          make ui → Models → {REGISTERED} → version {version.version} → Tags")
    assert same, "the imported model predicts differently from the original file"
    return run.info.run_id


if __name__ == "__main__":
    main()
