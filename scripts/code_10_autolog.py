"""10 · Autolog — Code 10 « Auto-log »

What you learn
  * one line before training:   mlflow.sklearn.autolog()
  * fit() is then logged without a single log_* call: every estimator param, training
    metrics, a confusion matrix, the model itself with its signature, the dataset
  * GridSearchCV: the parent run gets the best params and cv_results.csv, the best
    estimator as a model, and one child run per candidate (max_tuning_runs)
  * switch it off again:        mlflow.sklearn.autolog(disable=True)

Run:  python scripts/code_10_autolog.py   (or: make run N=10)
UI:   experiment 10-autolog → runs "autolog-logreg" and "autolog-gridsearch" (expand it)
Prev: code_09_multiple_experiments.py · Next: code_11_production_stack.py
"""

import warnings

import mlflow
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

import course

EXPERIMENT = "10-autolog"
PARAM_GRID = {"C": [0.1, 1.0, 10.0], "solver": ["lbfgs", "newton-cg"]}
CV_FOLDS = 3

# MLflow 3.17's post-training metrics still pass `y_pred=` to scikit-learn 1.9's log_loss,
# which renamed it; the warning is theirs, not yours. Silenced by its exact text only.
warnings.filterwarnings("ignore", message="`y_pred` was renamed", category=FutureWarning)


def describe(run_id: str) -> None:
    """Print what autolog stored for a run, read back from the store."""
    client = mlflow.MlflowClient()
    run = client.get_run(run_id)
    models = mlflow.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run_id}'",
        output_format="list",
    )
    print(f"  run {run_id} ({run.info.run_name})")
    print(f"    params:    {len(run.data.params)}, e.g. C={run.data.params.get('C')}")
    print(f"    metrics:   {sorted(run.data.metrics)}")
    print(f"    artifacts: {[a.path for a in client.list_artifacts(run_id)]}")
    print(f"    models:    {[f'{m.name} {m.model_id}' for m in models]}")


def main() -> list[str]:
    course.use_experiment(EXPERIMENT)
    X_train, _, y_train, _ = course.load_iris_split()

    # 1. Turn it on once. Autolog saves models with cloudpickle, and MLflow warns that
    #    unpickling can run code: load only models you trust. (log_model uses the safer skops
    #    by default; autolog cannot, since skops rejects GridSearchCV's scorer and splitter.)
    mlflow.sklearn.autolog()

    # 2. A plain fit: no log_* call anywhere below.
    with mlflow.start_run(run_name="autolog-logreg") as simple:
        LogisticRegression(max_iter=500, random_state=course.RANDOM_STATE).fit(X_train, y_train)

    # 3. A search: autolog knows GridSearchCV and logs each candidate as a child run.
    with mlflow.start_run(run_name="autolog-gridsearch") as search:
        model = LogisticRegression(max_iter=500, random_state=course.RANDOM_STATE)
        GridSearchCV(model, PARAM_GRID, cv=CV_FOLDS).fit(X_train, y_train)

    # 4. Autolog patches scikit-learn for the whole process: switch it off when done.
    mlflow.sklearn.autolog(disable=True)

    print("captured without a single log_* call:")
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
