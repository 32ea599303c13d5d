"""01 · First experiment — Code 1 « Première expérience »

What you learn
  * open a run:                  with mlflow.start_run(run_name=...) as run
  * log by hand:                 mlflow.log_param / mlflow.log_metric
  * log a scikit-learn model:    mlflow.sklearn.log_model(model, name="model")
  * say what it needs to run:    pip_requirements=mlflow.sklearn.get_default_pip_requirements(...)
    (without it MLflow infers the list by reloading the model in a subprocess: slower)
  * a logged model has its own id and URI: models:/m-...  (model_info.model_uri)

Run:  python scripts/code_01_first_experiment.py   (or: make run N=01)
UI:   experiment 01-first-experiment → run "logreg" → Parameters, Metrics, Logged models
Prev: code_00_installation.py · Next: code_02_requirements.py
"""

import mlflow
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

import course

EXPERIMENT = "01-first-experiment"
MAX_ITER = 200


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    # 1. Everything logged inside the `with` block belongs to this run; leaving the block
    #    marks it FINISHED (or FAILED if an exception escapes).
    with mlflow.start_run(run_name="logreg") as run:
        model = LogisticRegression(max_iter=MAX_ITER, random_state=course.RANDOM_STATE)
        model.fit(X_train, y_train)
        accuracy = accuracy_score(y_test, model.predict(X_test))

        # 2. Params are the inputs you chose (logged once); metrics are measured results.
        mlflow.log_param("max_iter", MAX_ITER)
        mlflow.log_metric("accuracy", accuracy)

        # 3. MLflow 3: `name=` replaces the old `artifact_path=` (deprecated). The model is a
        #    LoggedModel of its own, linked to this run. pip_requirements= is the list a
        #    server will install to run it. Left out, MLflow infers it: it reloads the saved
        #    model in a subprocess and pins the packages imported meanwhile (~5 s per model
        #    here, and a warning if that fails). Given, nothing is inferred: scikit-learn and
        #    skops (the default format), pinned to the installed versions; MLflow adds mlflow
        #    itself. Lesson 16 covers model environments.
        model_info = mlflow.sklearn.log_model(
            model,
            name="model",
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )

    print(f"run id:    {run.info.run_id}")
    print(f"logged:    param max_iter={MAX_ITER}, metric accuracy={accuracy:.3f}")
    print(f"model:     {model_info.model_uri}  (also runs:/{run.info.run_id}/model)")
    print(f"UI:        make ui → experiment {EXPERIMENT} → run 'logreg'")
    return run.info.run_id


if __name__ == "__main__":
    main()
