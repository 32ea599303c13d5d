"""05 · Run information — Code 5 « Informations sur les runs »

What you learn
  * the run in progress:           mlflow.active_run()  → run.info (id, status, artifact_uri)
  * any run, later, by id:         mlflow.MlflowClient().get_run(run_id) → run.info, run.data
  * the last one this process ran: mlflow.last_active_run()
  * query runs like a table:       mlflow.search_runs(filter_string=..., order_by=[...])
  All of it without the UI: this is how pipelines check their own results.

Run:  python scripts/code_05_run_info.py   (or: make run N=05)
UI:   experiment 05-run-info → the runs "logreg-C=..." and their columns
Prev: code_04_create_experiment.py · Next: code_06_artifacts.py
"""

from datetime import datetime

import mlflow
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "05-run-info"
C_VALUES = [0.01, 0.1, 1.0]
MIN_ACCURACY = 0.9


def main() -> list[str]:
    experiment_id = course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    run_ids = []
    for c in C_VALUES:
        with mlflow.start_run(run_name=f"logreg-C={c}"):
            # 1. Inside a run, active_run() answers "which run am I logging to?".
            active = mlflow.active_run()
            print(f"active run:   {active.info.run_id}  status {active.info.status}")
            model = LogisticRegression(C=c, max_iter=200, random_state=course.RANDOM_STATE)
            model.fit(X_train, y_train)
            mlflow.log_param("C", c)
            mlflow.log_metric("accuracy", model.score(X_test, y_test))
            run_ids.append(active.info.run_id)

    # 2. After the fact, get_run() returns the stored truth: info is MLflow's bookkeeping,
    #    data is what you logged (params come back as strings).
    run = mlflow.MlflowClient().get_run(mlflow.last_active_run().info.run_id)
    print(f"last run:     {run.info.run_name}  status {run.info.status}")
    started = datetime.fromtimestamp(run.info.start_time / 1000).isoformat(" ", "seconds")
    print(f"  started:    {started}, took {run.info.end_time - run.info.start_time} ms")
    print(f"  artifacts:  {run.info.artifact_uri}")
    print(f"  params:     {run.data.params}  metrics: {run.data.metrics}")

    # 3. search_runs returns a pandas DataFrame: filter like SQL, sort, keep the best.
    #    The experiment keeps every replay, so restrict to this replay's runs for the verdict.
    good = mlflow.search_runs(
        experiment_ids=[experiment_id],
        filter_string=f"metrics.accuracy >= {MIN_ACCURACY} and attributes.status = 'FINISHED'",
        order_by=["metrics.accuracy DESC", "attributes.start_time DESC"],
    )
    print(f"search:       {len(good)} run(s) with accuracy >= {MIN_ACCURACY} (grows per replay)")
    ours = good[good["run_id"].isin(run_ids)]
    print(ours[["run_id", "params.C", "metrics.accuracy"]].to_string(index=False))
    assert not ours.empty, f"no run of this replay reached accuracy {MIN_ACCURACY}"
    best = ours.iloc[0]
    print(f"best:         C={best['params.C']}  accuracy={best['metrics.accuracy']:.3f}")
    print(f"UI:           make ui → experiment {EXPERIMENT} → sort by accuracy")
    return run_ids


if __name__ == "__main__":
    main()
