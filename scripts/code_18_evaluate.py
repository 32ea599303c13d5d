"""18 · Automatic evaluation — Code 18 « Évaluation automatique »

What you learn
  * one call measures a logged model on a labelled table, the same way for every model:
        mlflow.models.evaluate(model_uri, data=test_df, targets="species",
                               model_type="classifier")
  * what it returns: result.metrics (accuracy_score, f1_score, log_loss, roc_auc, ...)
    and result.artifacts (name → logged file)
  * what it logs to the active run: those metrics, confusion_matrix.png, ROC, precision-
    recall and calibration curves, per_class_metrics.csv, and the test table as a dataset
  * MLflow 3: the metrics are also attached to the LoggedModel (Logged models → Metrics)

Run:  python scripts/code_18_evaluate.py   (or: make run N=18)
UI:   experiment 18-evaluate → run "logreg-evaluated" → Model metrics, Artifacts (plots)
Prev: code_17_load_model.py · Next: code_19_custom_metrics.py
"""

import mlflow
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "18-evaluate"
RUN_NAME = "logreg-evaluated"
MAX_ITER = 200


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    with mlflow.start_run(run_name=RUN_NAME) as run:
        # 1. Evaluate what was logged, not the object in memory: the URI is what gets
        #    served later, so that is what the numbers must describe.
        model = LogisticRegression(max_iter=MAX_ITER, random_state=course.RANDOM_STATE)
        model.fit(X_train, y_train)
        model_info = mlflow.sklearn.log_model(
            model,
            name="model",
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )

        # 2. The evaluation data is one table: the features plus the true labels, named by
        #    `targets`. MLflow 3: `mlflow.evaluate` is deprecated (it warns); the same call
        #    lives on as `mlflow.models.evaluate` (`mlflow.genai.evaluate` is for LLMs).
        #    Explainability needs shap, which the course does not install: MLflow would
        #    warn and skip it, so we switch it off ourselves.
        test_df = X_test.assign(**{course.TARGET: y_test})
        result = mlflow.models.evaluate(
            model_info.model_uri,
            data=test_df,
            targets=course.TARGET,
            model_type="classifier",
            evaluator_config={"log_model_explainability": False},
        )

    # 3. The result is also in the store: the run's metrics are the ones just computed.
    stored = mlflow.MlflowClient().get_run(run.info.run_id).data.metrics
    assert stored["accuracy_score"] == result.metrics["accuracy_score"]
    assert stored["accuracy_score"] == model.score(X_test, y_test)

    print(f"run id:      {run.info.run_id}")
    print(f"model:       {model_info.model_uri}")
    print("metrics:")
    for name, value in result.metrics.items():
        print(f"  {name:<18} {value:.4f}")
    print("artifacts:")
    for name, artifact in sorted(result.artifacts.items()):
        print(f"  {name:<28} {artifact.uri.rsplit('/', 1)[-1]}")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run '{RUN_NAME}' → Artifacts")
    return run.info.run_id


if __name__ == "__main__":
    main()
