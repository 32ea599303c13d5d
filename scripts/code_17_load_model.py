"""17 · Loading a model — Code 17 « Chargement du modèle MLflow »

What you learn
  * reload without retraining, by run:    mlflow.sklearn.load_model(f"runs:/{run_id}/model")
  * or by the model's own id (MLflow 3):  mlflow.sklearn.load_model(f"models:/{model_id}")
  * the generic interface, for any flavour: mlflow.pyfunc.load_model(uri).predict(X)
  * the native flavour gives the estimator back (predict_proba, coef_); pyfunc gives only
    predict, with the signature enforced
  * every reload predicts exactly what the trained model predicted

Run:  python scripts/code_17_load_model.py   (or: make run N=17)
UI:   experiment 17-load-model → run "logreg-reload" → Metrics (load_seconds_*) and
      Tags (predictions_match); the model's page shows both URIs
Prev: code_16_conda_env.py · Next: code_18_evaluate.py
"""

import time

import mlflow
import numpy as np
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "17-load-model"
LOADERS = {"sklearn": mlflow.sklearn.load_model, "pyfunc": mlflow.pyfunc.load_model}


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, _ = course.load_iris_split()

    with mlflow.start_run(run_name="logreg-reload") as run:
        # 1. Train and log once; this is the only fit in the lesson.
        model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        model.fit(X_train, y_train)
        expected = model.predict(X_test)
        model_info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(X_train, expected),
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )

        # 2. Two addresses for the same files. runs:/ needs the run and the model's name in
        #    it; models:/<model_id> is the MLflow 3 form and does not depend on a run at all.
        uris = {
            "runs": f"runs:/{run.info.run_id}/model",
            "models": f"models:/{model_info.model_id}",
        }

        # 3. Load each way, time it, and compare with the predictions made before logging.
        all_match = True
        for flavor, load in LOADERS.items():
            for scheme, uri in uris.items():
                start = time.perf_counter()
                loaded = load(uri)
                seconds = time.perf_counter() - start
                match = bool(np.array_equal(loaded.predict(X_test), expected))
                all_match &= match
                mlflow.log_metric(f"load_seconds_{flavor}_{scheme}", seconds)
                print(
                    f"{flavor:8} {uri:46} {type(loaded).__name__:18} "
                    f"{seconds * 1000:6.1f} ms  same predictions: {match}"
                )

        # 4. The native flavour is the estimator itself: everything scikit-learn offers.
        native = mlflow.sklearn.load_model(uris["models"])
        probabilities = native.predict_proba(X_test)[0].round(3).tolist()
        first = dict(zip(native.classes_, probabilities, strict=True))
        print(f"native:   {type(native).__name__}.predict_proba of the first flower: {first}")
        mlflow.set_tag("predictions_match", str(all_match).lower())

    print(f"run id:   {run.info.run_id}")
    print(f"model:    {model_info.model_uri}  ({len(X_test)} test flowers compared)")
    print(f"UI:       make ui → experiment {EXPERIMENT} → run → Metrics, Tags")
    assert all_match, "a reloaded model predicted differently from the trained one"
    return run.info.run_id


if __name__ == "__main__":
    main()
