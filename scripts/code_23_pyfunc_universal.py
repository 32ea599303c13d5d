"""23 · Universal pyfunc loading — Code 23 « Chargement Pyfunc universel »

What you learn
  * one loader for every model, whatever its framework: mlflow.pyfunc.load_model(uri)
  * one call to use it:                                 model.predict(X_test)
  * the same for a scikit-learn estimator, a pipeline, a hand-written PythonModel
    (models from code) and a registered model by alias: models:/iris-classifier@champion
  * what is inside, read from the loaded model:         model.metadata.flavors,
    model.metadata.flavors["python_function"]["loader_module"], model.metadata.signature

Run:  python scripts/code_23_pyfunc_universal.py   (or: make run N=23)
UI:   experiment 23-pyfunc-universal → run "universal-pyfunc" → Logged models (logreg,
      svc-pipeline, petal-rule) and Artifacts (predictions.json); Models → iris-classifier
Prev: code_22_path_checks.py · Next: code_24_import_model.py
"""

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import course

EXPERIMENT = "23-pyfunc-universal"
MODEL_FILE = Path(__file__).resolve()
RULE_PACKAGES = ["mlflow", "pandas"]
SHOWN = 5  # predictions printed per model


class PetalRule(mlflow.pyfunc.PythonModel):
    """No training at all: two thresholds on the petals, the botanist's rule of thumb."""

    def predict(self, model_input: pd.DataFrame, params: dict | None = None) -> list[str]:
        length, width = model_input["petal_length"], model_input["petal_width"]
        rule = np.where(length < 2.5, "setosa", np.where(width < 1.75, "versicolor", "virginica"))
        return rule.tolist()


# Models from code (as in lesson 15): loading the model re-runs this file as a module.
mlflow.models.set_model(PetalRule())


def describe(signature: mlflow.models.ModelSignature) -> str:
    """'4 double → species string': the columns in and out, by type."""
    inputs = [col.to_dict()["type"] for col in signature.inputs.inputs]
    outputs = [
        f"{col.name or 'list of'} {col.to_dict()['type']}" for col in signature.outputs.inputs
    ]
    return f"{len(inputs)} {'/'.join(sorted(set(inputs)))} → {', '.join(outputs)}"


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()
    sklearn_pins = mlflow.sklearn.get_default_pip_requirements(include_skops=True)
    rule_pins = [f"{p}=={v}" for p, v in course.installed_versions(RULE_PACKAGES).items()]
    estimators = {
        "logreg": LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE),
        "svc-pipeline": make_pipeline(StandardScaler(), SVC(random_state=course.RANDOM_STATE)),
    }

    # 1. A registered model by alias is just another URI. (On an empty store this
    #    registers a first version, in a run of its own, before ours starts.)
    uris = {"champion": course.register_champion_if_missing()}

    with mlflow.start_run(run_name="universal-pyfunc") as run:
        # 2. Models of different kinds, each logged the way its kind is logged: a linear
        #    model, a scaler + SVM pipeline, and plain Python code with no training at all.
        for name, estimator in estimators.items():
            estimator.fit(X_train, y_train)
            labels = pd.Series(estimator.predict(X_train), name=course.TARGET)
            info = mlflow.sklearn.log_model(
                estimator,
                name=name,
                signature=infer_signature(X_train, labels),
                input_example=X_train.head(3),
                pip_requirements=sklearn_pins,
            )
            uris[name] = info.model_uri
        info = mlflow.pyfunc.log_model(
            name="petal-rule",
            python_model=MODEL_FILE,
            input_example=X_train.head(3),
            code_paths=[str(course.SCRIPTS_DIR / "course.py")],
            pip_requirements=rule_pins,
        )
        uris["petal-rule"] = info.model_uri

        # 3. One loader, one call, for all of them: the caller never needs to know which
        #    library is inside. MLflow 3: a model logged from code reports the loader
        #    mlflow.pyfunc.loaders.code_model; older tutorials show a pickled python_model.pkl.
        print(f"{'model':13} {'flavours':24} {'signature':27} {'accuracy':9} first predictions")
        table = {}
        for name, uri in uris.items():
            model = mlflow.pyfunc.load_model(uri)
            predictions = [str(label) for label in model.predict(X_test)]
            flavors, signature = sorted(model.metadata.flavors), model.metadata.signature
            table[name] = {
                "uri": uri,
                "flavors": flavors,
                "loader_module": model.metadata.flavors["python_function"]["loader_module"],
                "predictions": predictions,
            }
            accuracy = np.mean(np.array(predictions) == y_test.to_numpy())
            print(
                f"{name:13} {'+'.join(flavors):24} {describe(signature):27} {accuracy:<9.3f} "
                f"{predictions[:SHOWN]}"
            )

        # 4. Keep the answers with the run: the same test rows, one list per model.
        mlflow.log_dict(table, "predictions.json")
    assert all(len(row["predictions"]) == len(X_test) for row in table.values())

    print(f"run id:      {run.info.run_id}")
    print(f"loaders:     {sorted({row['loader_module'] for row in table.values()})}")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run 'universal-pyfunc'")
    return run.info.run_id


if __name__ == "__main__":
    main()
