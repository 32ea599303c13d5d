"""20 · Dummy baseline — Code 20 « Modèle baseline Dummy »

What you learn
  * a baseline that learns nothing: DummyRegressor() predicts the training mean; a real
    model must beat it, or it has learned nothing either. The course's DummyRegressor
    needs a numeric target, hence the task below; for a classifier such as the other
    lessons' species model, the counterpart is sklearn.dummy.DummyClassifier (its default
    strategy="prior" always predicts the most frequent training class)
  * evaluate both the same way, each in its own run:
        mlflow.models.evaluate(model_uri, data=test_df, targets=..., model_type="regressor")
  * gate the candidate on numbers, not on a glance:
        mlflow.validate_evaluation_results(validation_thresholds={name: MetricThreshold(...)},
                                           candidate_result=..., baseline_result=...)
    which raises ModelValidationFailedException (mlflow.models.evaluation.validation)
    when a threshold is missed
  The task: predict petal_width (cm) from the three other measurements.

Run:  python scripts/code_20_dummy_baseline.py   (or: make run N=20)
UI:   experiment 20-dummy-baseline → select "baseline-dummy" and "candidate-linear" →
      Compare (root_mean_squared_error, r2_score); the candidate's tag beats_baseline
Prev: code_19_custom_metrics.py · Next: code_21 (model registry)
"""

import textwrap

import mlflow
from mlflow.models import EvaluationResult, MetricThreshold
from mlflow.models.evaluation.validation import ModelValidationFailedException
from sklearn.base import RegressorMixin
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression

import course

EXPERIMENT = "20-dummy-baseline"
INPUTS = ["sepal_length", "sepal_width", "petal_length"]
OUTPUT = "petal_width"
INDENT = " " * 13
THRESHOLDS = {
    # Lower is better: at most 0.3 cm of error, and 0.2 cm less than the baseline's.
    "root_mean_squared_error": MetricThreshold(
        threshold=0.3, min_absolute_change=0.2, greater_is_better=False
    ),
    # Higher is better: 80 % of the variance explained; the mean explains none (R² ≈ 0).
    "r2_score": MetricThreshold(threshold=0.8, min_absolute_change=0.5, greater_is_better=True),
}


def log_and_evaluate(run_name: str, model: RegressorMixin) -> tuple[str, EvaluationResult]:
    """Train, log and evaluate one model in a run of its own; the same for both models."""
    X_train, X_test, _, _ = course.load_iris_split()
    with mlflow.start_run(run_name=run_name) as run:
        model.fit(X_train[INPUTS], X_train[OUTPUT])
        model_info = mlflow.sklearn.log_model(
            model,
            name="model",
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )
        result = mlflow.models.evaluate(
            model_info.model_uri,
            data=X_test[[*INPUTS, OUTPUT]],
            targets=OUTPUT,
            model_type="regressor",
            evaluator_config={"log_model_explainability": False},  # no shap (lesson 18)
        )
    return run.info.run_id, result


def main() -> str:
    course.use_experiment(EXPERIMENT)

    # 1. Same data, same split, same evaluation: only the model differs.
    baseline_id, baseline = log_and_evaluate("baseline-dummy", DummyRegressor())
    candidate_id, candidate = log_and_evaluate("candidate-linear", LinearRegression())

    print(f"run ids:     baseline {baseline_id}, candidate {candidate_id}")
    print("metrics:     name                     baseline  candidate  limit  min. gain")
    for name, rule in THRESHOLDS.items():
        values = f"{baseline.metrics[name]:8.3f}  {candidate.metrics[name]:9.3f}"
        print(f"             {name:<24} {values}  {rule.threshold:5}  {rule.min_absolute_change}")

    # 2. MLflow 3: `mlflow.evaluate(..., baseline_model=...)` is gone; evaluate each model,
    #    then compare the two results. It raises if any threshold is missed.
    mlflow.validate_evaluation_results(
        validation_thresholds=THRESHOLDS, candidate_result=candidate, baseline_result=baseline
    )
    # 3. The verdict goes into the store, where a deployment script can look for it.
    #    Reached only when the gate passed: a failure would have stopped the script here.
    client = mlflow.MlflowClient()
    client.set_tag(candidate_id, "beats_baseline", "true")
    client.set_tag(candidate_id, "baseline_run_id", baseline_id)
    print("verdict:     candidate beats the baseline → tag beats_baseline=true")

    # 4. A failing gate, for the record: the baseline judged against the candidate.
    try:
        mlflow.validate_evaluation_results(THRESHOLDS, baseline, candidate)
    except ModelValidationFailedException as failure:
        print("reversed:    the baseline as candidate fails, as it must:")
        for line in failure.message.splitlines():
            print(textwrap.fill(line, width=96, initial_indent=INDENT, subsequent_indent=INDENT))
    else:
        raise AssertionError("the dummy baseline passed the gate: the thresholds are too lax")
    print(f"UI:          make ui → experiment {EXPERIMENT} → select both runs → Compare")
    return candidate_id


if __name__ == "__main__":
    main()
