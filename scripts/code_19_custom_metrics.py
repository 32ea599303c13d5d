"""19 · Custom metrics and artifacts — Code 19 « Métriques et artefacts personnalisés »

What you learn
  * a metric of your own, computed beside the built-in ones:
        mlflow.models.make_metric(eval_fn=fn, greater_is_better=..., name="macro_f1")
        where fn(predictions, targets) -> float
  * files of your own, logged with the evaluation's plots:
        custom_artifacts=[fn], fn(eval_df, builtin_metrics, artifacts_dir) -> {name: path}
  * both go through one call: mlflow.models.evaluate(..., extra_metrics=[...],
    custom_artifacts=[...]); they land in the run, named as you named them

Run:  python scripts/code_19_custom_metrics.py   (or: make run N=19)
UI:   experiment 19-custom-metrics → run "logreg-custom" → Model metrics (macro_f1,
      misclassified_count), Artifacts (per_class_errors.png, classification_report.csv)
Prev: code_18_evaluate.py · Next: code_20_dummy_baseline.py
"""

from pathlib import Path

import mlflow
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support

import course

EXPERIMENT = "19-custom-metrics"
RUN_NAME = "logreg-custom"


def macro_f1(predictions: pd.Series, targets: pd.Series) -> float:
    """Every class weighs the same, however rare (the built-in f1_score is weighted)."""
    return f1_score(targets, predictions, average="macro")


def misclassified_count(predictions: pd.Series, targets: pd.Series) -> float:
    """How many test flowers got the wrong species: easier to picture than a rate."""
    return float((predictions != targets).sum())


def per_class_report(eval_df: pd.DataFrame, builtin_metrics: dict, artifacts_dir: str) -> dict:
    """eval_df holds `prediction` and `target`; write files in artifacts_dir, return their
    paths by name. (builtin_metrics maps names to MetricValue objects; unused here.)"""
    truth, predicted = eval_df["target"], eval_df["prediction"]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=course.SPECIES, zero_division=0
    )
    errors = [int(((truth == name) & (predicted != name)).sum()) for name in course.SPECIES]
    table = pd.DataFrame(
        {
            "species": course.SPECIES,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support,
            "errors": errors,
        }
    )
    csv_path = Path(artifacts_dir) / "classification_report.csv"
    table.to_csv(csv_path, index=False)

    fig = Figure(figsize=(5, 3.5))
    ax = fig.subplots()
    ax.bar(course.SPECIES, errors, color="tab:red")
    ax.set(title="Misclassified test flowers, by true species", ylabel="errors")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    png_path = Path(artifacts_dir) / "per_class_errors.png"
    fig.savefig(png_path, dpi=100)
    return {"classification_report": str(csv_path), "per_class_errors": str(png_path)}


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    with mlflow.start_run(run_name=RUN_NAME) as run:
        model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        model.fit(X_train, y_train)
        model_info = mlflow.sklearn.log_model(
            model,
            name="model",
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )

        # 1. make_metric wraps a plain function; MLflow fills its parameters by name
        #    (predictions, targets). No **kwargs: MLflow reads the signature to call it.
        extra_metrics = [
            mlflow.models.make_metric(eval_fn=macro_f1, greater_is_better=True),
            mlflow.models.make_metric(eval_fn=misclassified_count, greater_is_better=False),
        ]

        # 2. Same call as lesson 18, plus your metrics and artifact functions. Each file is
        #    logged as <name><extension> at the root of the run's artifacts.
        result = mlflow.models.evaluate(
            model_info.model_uri,
            data=X_test.assign(**{course.TARGET: y_test}),
            targets=course.TARGET,
            model_type="classifier",
            extra_metrics=extra_metrics,
            custom_artifacts=[per_class_report],
            evaluator_config={"log_model_explainability": False},  # no shap (lesson 18)
        )

    # 3. Yours sit beside the built-in ones, in the run's metrics and artifacts.
    client = mlflow.MlflowClient()
    stored = client.get_run(run.info.run_id).data.metrics
    yours = {name: round(stored[name], 4) for name in ("macro_f1", "misclassified_count")}
    assert {"classification_report", "per_class_errors"} <= set(result.artifacts)
    print(f"run id:      {run.info.run_id}")
    print(f"metrics:     yours {yours}")
    print(f"             built-in {sorted(set(stored) - set(yours))}")
    print(f"artifacts:   {[a.path for a in client.list_artifacts(run.info.run_id)]}")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run '{RUN_NAME}' → Artifacts")
    return run.info.run_id


if __name__ == "__main__":
    main()
