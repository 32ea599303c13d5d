"""09 · Several experiments — Code 9 « Plusieurs expériences différentes »

What you learn
  * switch the active experiment from code, by name:   mlflow.set_experiment("09-holdout")
    (it creates a missing one with default settings; experiment_id=... also works)
  * one experiment per validation strategy: a hold-out score and a 5-fold mean are not
    comparable, so they never share a table, a chart or a "best run"
  * each experiment keeps its own history:    mlflow.search_runs(experiment_ids=[...])
  The same three model families run under both strategies.

Run:  python scripts/code_09_multiple_experiments.py   (or: make run N=09)
UI:   experiments 09-holdout and 09-kfold, side by side in the experiment list
Prev: code_08_multiple_runs.py · Next: code_10_autolog.py
"""

import mlflow
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

import course

HOLDOUT_EXPERIMENT = "09-holdout"
KFOLD_EXPERIMENT = "09-kfold"
N_SPLITS = 5
FAMILIES = {
    "logreg": lambda: LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE),
    "tree": lambda: DecisionTreeClassifier(max_depth=3, random_state=course.RANDOM_STATE),
    "knn": lambda: KNeighborsClassifier(n_neighbors=5),
}


def main() -> dict[str, str]:
    course.connect()
    X_train, X_test, y_train, y_test = course.load_iris_split()
    frame = course.load_iris_frame()
    folds = StratifiedKFold(n_splits=N_SPLITS, shuffle=True, random_state=course.RANDOM_STATE)
    # The shared module only creates them, with an absolute artifact location: created by
    # set_experiment, they would keep their artifacts in <cwd>/mlruns/<id>.
    experiments = {
        "holdout": course.get_or_create_experiment(HOLDOUT_EXPERIMENT),
        "kfold": course.get_or_create_experiment(KFOLD_EXPERIMENT),
    }

    # 1. Hold-out: train on 75 %, score once on the 25 % kept aside. Every run started
    #    from now on lands in the experiment named here.
    mlflow.set_experiment(HOLDOUT_EXPERIMENT)
    for family, make_model in FAMILIES.items():
        with mlflow.start_run(run_name=family):
            accuracy = make_model().fit(X_train, y_train).score(X_test, y_test)
            mlflow.log_params(
                {"model": family, "validation": "holdout", "test_size": course.TEST_SIZE}
            )
            mlflow.log_metric("accuracy", accuracy)

    # 2. Switch: from here on, runs land in the k-fold experiment. Different metrics
    #    (mean and spread over folds), different params, a history of its own.
    mlflow.set_experiment(KFOLD_EXPERIMENT)
    for family, make_model in FAMILIES.items():
        with mlflow.start_run(run_name=family):
            scores = cross_val_score(
                make_model(), frame[course.FEATURES], frame[course.TARGET], cv=folds
            )
            mlflow.log_params({"model": family, "validation": "kfold", "n_splits": N_SPLITS})
            mlflow.log_metrics({"accuracy_mean": scores.mean(), "accuracy_std": scores.std()})

    # 3. Each experiment answers "which family is best?" with its own metric.
    for strategy, metric in (("holdout", "accuracy"), ("kfold", "accuracy_mean")):
        runs = mlflow.search_runs(
            experiment_ids=[experiments[strategy]], order_by=[f"metrics.{metric} DESC"]
        )
        best = runs.iloc[0]
        print(
            f"{strategy:<8} experiment {experiments[strategy]}: {len(runs)} runs "
            f"(grows per replay), best {best['params.model']} "
            f"{metric}={best[f'metrics.{metric}']:.3f}"
        )
    print(f"UI:      make ui → experiments {HOLDOUT_EXPERIMENT} and {KFOLD_EXPERIMENT}")
    return experiments


if __name__ == "__main__":
    main()
