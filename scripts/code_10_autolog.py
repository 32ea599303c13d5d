"""10 · Autolog — Code 10 « Auto-log »

What you learn
  * one line before training:   mlflow.sklearn.autolog(log_models=False)
  * fit() is then logged without a single log_* call: every estimator param, training
    metrics, a confusion matrix, the estimator's HTML view, the training dataset
  * GridSearchCV: the parent run gets the best params, best_cv_score and cv_results.csv,
    and the best candidates become child runs: autolog(max_tuning_runs=5), its default,
    keeps the 5 best by rank_test_score (here 5 of the grid's 6; None keeps them all)
  * models: with autolog's default log_models=True, each fit() it records logs a model, the
    estimator as "model" and, for a search, best_estimator_ as "best_estimator" too (the
    search's inner fits log none). Autolog serializes with cloudpickle (its own default;
    log_model's is skops), so MLflow warns that loading can run code, and it infers each
    model's pip requirements by reloading it in a subprocess (seconds per model). The
    lesson turns that off and logs the best estimator itself: mlflow.sklearn.log_model,
    pinned pip_requirements (nothing to infer), skops (log_model's default: no pickle)
  * switch it off again:        mlflow.sklearn.autolog(disable=True)

Run:  python scripts/code_10_autolog.py   (or: make run N=10)
UI:   experiment 10-autolog → runs "autolog-logreg" and "autolog-gridsearch" (expand it;
      its Logged models: best_estimator)
Prev: code_09_multiple_experiments.py · Next: code_11_production_stack.py
"""

import warnings

import mlflow
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

import course

EXPERIMENT = "10-autolog"
PARAM_GRID = {"C": [0.1, 1.0, 10.0], "solver": ["lbfgs", "newton-cg"]}
CV_FOLDS = 3

# MLflow 3.17's training metrics still pass `y_pred=` to scikit-learn 1.9's log_loss, which
# renamed it; the warning is theirs, not yours. Silenced by its exact text only.
warnings.filterwarnings("ignore", message="`y_pred` was renamed", category=FutureWarning)


def describe(run_id: str) -> None:
    """Print what was stored for a run, read back from the store."""
    client = mlflow.MlflowClient()
    run = client.get_run(run_id)
    models = mlflow.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run_id}'",
        output_format="list",
    )
    print(f"  run {run_id} ({run.info.run_name})")
    shown = {k: v for k, v in run.data.params.items() if k in ("C", "best_C", "best_solver")}
    print(f"    params:    {len(run.data.params)}, among them {shown}")
    print(f"    metrics:   {sorted(run.data.metrics)}")
    print(f"    artifacts: {[a.path for a in client.list_artifacts(run_id)]}")
    print(f"    models:    {[f'{m.name} {m.model_id}' for m in models] or 'none'}")


def main() -> list[str]:
    course.use_experiment(EXPERIMENT)
    X_train, _, y_train, _ = course.load_iris_split()

    # 1. Turn it on once, for every fit that follows. Models are logged by hand below, the
    #    way this course logs every model: nothing inferred, nothing pickled.
    mlflow.sklearn.autolog(log_models=False)

    # 2. A plain fit: no log_* call anywhere below.
    with mlflow.start_run(run_name="autolog-logreg") as simple:
        LogisticRegression(max_iter=500, random_state=course.RANDOM_STATE).fit(X_train, y_train)

    # 3. A search: autolog knows GridSearchCV and logs the best candidates as child runs.
    with mlflow.start_run(run_name="autolog-gridsearch") as search:
        model = LogisticRegression(max_iter=500, random_state=course.RANDOM_STATE)
        grid = GridSearchCV(model, PARAM_GRID, cv=CV_FOLDS).fit(X_train, y_train)
        # 4. Autolog patches scikit-learn for the whole process: switch it off when done,
        #    so that the model logged next is not "trained" and logged again by autolog.
        mlflow.sklearn.autolog(disable=True)
        best = grid.best_estimator_
        mlflow.sklearn.log_model(
            best,
            name="best_estimator",
            signature=infer_signature(X_train, best.predict(X_train)),
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )

    print("captured without a single log_* call (the best estimator excepted):")
    describe(simple.info.run_id)
    describe(search.info.run_id)
    children = mlflow.search_runs(
        experiment_ids=[search.info.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{search.info.run_id}'",
    )
    print(f"    children:  {len(children)} candidate runs (params C and solver each)")
    print(f"UI:          make ui → experiment {EXPERIMENT} → expand 'autolog-gridsearch'")
    return [simple.info.run_id, search.info.run_id]


if __name__ == "__main__":
    main()
