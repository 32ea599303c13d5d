"""08 · Several runs in one script — Code 8 « Plusieurs runs dans un même script »

What you learn
  * one run per configuration, from a loop:      mlflow.start_run(run_name=..., nested=True)
  * grouped under one parent run (a tree in the UI): the children get tags.mlflow.parentRunId
  * pick the best child by query, not by eye:
        mlflow.search_runs(filter_string="tags.mlflow.parentRunId = '...'", order_by=[...])
  * a comparison chart saved in plots/ and logged on the parent: mlflow.log_artifact
  LogisticRegression vs SVC, as in the best-practice note, over a small grid of C.

Run:  python scripts/code_08_multiple_runs.py   (or: make run N=08)
UI:   experiment 08-multiple-runs → expand the "comparison" run; select children → Compare
Prev: code_07_tags.py · Next: code_09_multiple_experiments.py
"""

import mlflow
import seaborn as sns
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

import course

EXPERIMENT = "08-multiple-runs"
C_GRID = [0.1, 1.0, 10.0]
CONFIGS = [("logreg", {"C": c}) for c in C_GRID] + [
    ("svc", {"kernel": kernel, "C": c}) for kernel in ("linear", "rbf") for c in C_GRID
]
CV_FOLDS = 5
CHART_PNG = course.PLOTS_DIR / "model_comparison.png"


def build(family: str, params: dict) -> LogisticRegression | SVC:
    if family == "logreg":
        return LogisticRegression(max_iter=500, random_state=course.RANDOM_STATE, **params)
    return SVC(random_state=course.RANDOM_STATE, **params)


def main() -> str:
    experiment_id = course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    # 1. The parent groups one comparison; each child is one configuration.
    with mlflow.start_run(run_name="comparison") as parent:
        mlflow.log_params({"n_configs": len(CONFIGS), "cv_folds": CV_FOLDS})
        for family, params in CONFIGS:
            name = f"{family}-" + "-".join(f"{k}={v}" for k, v in params.items())
            with mlflow.start_run(run_name=name, nested=True):
                model = build(family, params)
                # 2. Choose on cross-validation (training data); report on the test split.
                cv = cross_val_score(model, X_train, y_train, cv=CV_FOLDS)
                test_accuracy = model.fit(X_train, y_train).score(X_test, y_test)
                mlflow.log_params({"model": family, **params})
                mlflow.log_metrics({"cv_accuracy": cv.mean(), "test_accuracy": test_accuracy})

        # 3. A query over this parent's children: ties on CV broken by test, then by order.
        children = mlflow.search_runs(
            experiment_ids=[experiment_id],
            filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
            order_by=[
                "metrics.cv_accuracy DESC",
                "metrics.test_accuracy DESC",
                "attributes.start_time ASC",
            ],
        )
        best = children.iloc[0]
        mlflow.set_tag("best_run_id", best["run_id"])
        mlflow.log_metric("best_cv_accuracy", best["metrics.cv_accuracy"])

        # 4. One picture of the whole comparison, kept locally and with the parent run.
        fig = Figure(figsize=(7, 4.5))
        ax = fig.subplots()
        sns.barplot(
            children, y="tags.mlflow.runName", x="metrics.cv_accuracy", hue="params.model", ax=ax
        )
        ax.set(
            title="Cross-validated accuracy per configuration",
            xlim=(0.8, 1.0),
            xlabel="CV accuracy (5 folds)",
            ylabel="",
        )
        ax.legend(title="model", loc="lower right")
        fig.tight_layout()
        CHART_PNG.parent.mkdir(exist_ok=True)
        fig.savefig(CHART_PNG, dpi=100)
        mlflow.log_artifact(str(CHART_PNG), artifact_path="plots")

    print(f"parent run:  {parent.info.run_id} with {len(children)} child runs")
    print(
        children[["tags.mlflow.runName", "metrics.cv_accuracy", "metrics.test_accuracy"]].to_string(
            index=False
        )
    )
    print(f"best:        {best['tags.mlflow.runName']} (run {best['run_id']})")
    print(f"  cv {best['metrics.cv_accuracy']:.3f}, test {best['metrics.test_accuracy']:.3f}")
    print(f"chart:       {CHART_PNG}")
    experiment = mlflow.get_experiment(experiment_id).name  # 26-mlproject under mlflow run
    print(f"UI:          make ui → experiment {experiment} → expand 'comparison'")
    return parent.info.run_id


if __name__ == "__main__":
    main()
