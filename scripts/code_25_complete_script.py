"""25 · A complete experiment script — Code 25 « Script d’expérience complet »

What you learn
  * the best-practice note's train.py as functions: prepare → train → evaluate → log
  * hyper-parameters as command-line options (argparse), so that MLproject (lesson 26)
    can pass them: python scripts/code_25_complete_script.py --C 0.5 --solver newton-cg
  * one run holding it all: mlflow.log_params, mlflow.log_input (the training data),
    mlflow.set_tags (dataset version, model family), mlflow.log_metrics (accuracy, f1...),
    mlflow.log_artifact (the confusion matrix), and the model with signature and input
    example, registered in the same call: mlflow.sklearn.log_model(registered_model_name=)

Run:  python scripts/code_25_complete_script.py   (or: make run N=25; --help lists options)
UI:   experiment 25-complete-script → run "logreg-complete"; Models → iris-complete
Prev: code_24_import_model.py · Next: code_26_mlproject.py (runs this script as a project)
"""

import argparse

import mlflow
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

import course

EXPERIMENT = "25-complete-script"
CONFUSION_PNG = course.PLOTS_DIR / "25_confusion_matrix.png"
SOLVERS = ["lbfgs", "newton-cg", "newton-cholesky", "sag", "saga"]  # those that do 3 classes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train, evaluate and log an Iris classifier.")
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularisation (> 0)")
    parser.add_argument("--max-iter", type=int, default=200, help="solver iterations (> 0)")
    parser.add_argument("--solver", choices=SOLVERS, default="lbfgs")
    parser.add_argument("--run-name", default="logreg-complete")
    parser.add_argument("--registered-model", default="iris-complete")
    args = parser.parse_args(argv)
    if not (args.C > 0 and args.max_iter > 0):  # NaN too; argparse's one-line error, exit 2
        parser.error(f"--C and --max-iter must be > 0, got --C {args.C} --max-iter {args.max_iter}")
    return args


def prepare() -> tuple[tuple[pd.DataFrame, ...], mlflow.data.Dataset]:
    """The fixed split (random_state=42), and the training table as an MLflow dataset."""
    X_train, X_test, y_train, y_test = course.load_iris_split()
    train_table = X_train.assign(**{course.TARGET: y_train})
    dataset = mlflow.data.from_pandas(train_table, name="iris-train", targets=course.TARGET)
    return (X_train, X_test, y_train, y_test), dataset


def train(args: argparse.Namespace, X_train: pd.DataFrame, y_train: pd.Series):
    model = LogisticRegression(
        C=args.C, max_iter=args.max_iter, solver=args.solver, random_state=course.RANDOM_STATE
    )
    return model.fit(X_train, y_train)


def evaluate(model, X_test: pd.DataFrame, y_test: pd.Series) -> tuple[dict, pd.Series]:
    """Scores on the held-out split, and its confusion matrix drawn in plots/."""
    y_pred = pd.Series(model.predict(X_test), index=X_test.index, name=course.TARGET)
    precision, recall, f1, _ = precision_recall_fscore_support(y_test, y_pred, average="macro")
    metrics = {
        "accuracy": accuracy_score(y_test, y_pred),
        "f1_macro": f1,
        "precision_macro": precision,
        "recall_macro": recall,
    }
    ax = Figure(figsize=(5, 4), layout="tight").subplots()
    matrix = confusion_matrix(y_test, y_pred, labels=course.SPECIES)
    sns.heatmap(
        matrix,
        annot=True,
        fmt="d",
        cmap="Blues",
        ax=ax,
        xticklabels=course.SPECIES,
        yticklabels=course.SPECIES,
    )
    ax.set(title="Confusion matrix (test split)", xlabel="Predicted", ylabel="True")
    CONFUSION_PNG.parent.mkdir(exist_ok=True)
    ax.figure.savefig(CONFUSION_PNG, dpi=100)
    return metrics, y_pred


def main(argv: list[str] | None = None) -> str:
    # 1. Options first: a bad value stops here, before anything is logged.
    args = parse_args(argv)
    course.use_experiment(EXPERIMENT)
    (X_train, X_test, y_train, y_test), dataset = prepare()

    with mlflow.start_run(run_name=args.run_name) as run:
        # 2. What reproduces the run, stated before training: the options, the data (its
        #    digest is its version), the model family. Under `mlflow run` (lesson 26) the
        #    options are logged already, as typed (C=1); a param cannot change: log the rest.
        params = {
            "C": args.C,
            "max_iter": args.max_iter,
            "solver": args.solver,
            "random_state": course.RANDOM_STATE,
        }
        mlflow.log_params({k: v for k, v in params.items() if k not in run.data.params})
        mlflow.log_input(dataset, context="training")
        mlflow.set_tags(
            {"dataset": "iris", "dataset_version": dataset.digest, "model_family": "linear"}
        )

        # 3. Held-out scores to compare runs; the figure shows which species get mixed up.
        model = train(args, X_train, y_train)
        metrics, y_pred = evaluate(model, X_test, y_test)
        mlflow.log_metrics(metrics)
        mlflow.log_artifact(str(CONFUSION_PNG), artifact_path="plots")

        # 4. The model with its contract, registered in the same call: each run adds a
        #    version. MLflow 3: name= replaces artifact_path=; the source is the LoggedModel.
        model_info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(X_test, y_pred),
            input_example=X_test.head(3),
            registered_model_name=args.registered_model,
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )

    print(f"run id:      {run.info.run_id}")
    print(f"params:      C={args.C} max_iter={args.max_iter} solver={args.solver}")
    print("metrics:     " + "  ".join(f"{k}={v:.4f}" for k, v in metrics.items()))
    version = model_info.registered_model_version
    print(f"model:       {model_info.model_uri} → {args.registered_model} version {version}")
    print(f"figure:      {CONFUSION_PNG} (and in the run, under plots/)")
    experiment = mlflow.get_experiment(run.info.experiment_id).name  # 26-mlproject under mlflow run
    print(f"UI:          make ui → experiment {experiment} → run '{args.run_name}'")
    return run.info.run_id


if __name__ == "__main__":
    main()
