"""06 · Artifacts — Code 6 « Logger des artefacts »

What you learn
  * one file:                       mlflow.log_artifact(path, artifact_path="plots")
  * a whole folder:                 mlflow.log_artifacts(folder, artifact_path="report")
  * no file needed:                 mlflow.log_dict({...}, "config.json") / mlflow.log_text(...)
  * the dataset itself, as an input (name, digest, schema, profile and its source, the CSV):
        mlflow.log_input(mlflow.data.from_pandas(df, source=..., name=...), context=...)
  Files written: data/iris.csv and plots/confusion_matrix.png (seaborn heatmap).

Run:  python scripts/code_06_artifacts.py   (or: make run N=06)
UI:   experiment 06-artifacts → run "logreg-artifacts" → Artifacts (open the PNG),
      and the "Datasets used" column / Inputs
Prev: code_05_run_info.py · Next: code_07_tags.py
"""

import tempfile
from pathlib import Path

import mlflow
import seaborn as sns
from matplotlib.figure import Figure
from mlflow.data.sources import LocalArtifactDatasetSource
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix

import course

EXPERIMENT = "06-artifacts"
DATASET_CSV = course.DATA_DIR / "iris.csv"
CONFUSION_PNG = course.PLOTS_DIR / "confusion_matrix.png"


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    # 1. A dataset you can point to: the CSV the run trained from, in data/.
    frame = course.load_iris_frame()
    DATASET_CSV.parent.mkdir(exist_ok=True)
    frame.to_csv(DATASET_CSV, index=False)

    with mlflow.start_run(run_name="logreg-artifacts") as run:
        model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        y_pred = model.fit(X_train, y_train).predict(X_test)

        # 2. log_input records *which* data in the Inputs: from_pandas builds a PandasDataset
        #    (mlflow.data.pandas_dataset) whose name, digest, schema, row count and source,
        #    the CSV it was read from, are stored (targets= only serves evaluate()).
        #    log_artifact keeps the bytes themselves with the run. A bare path as source=
        #    would warn "can be interpreted in multiple ways"; this class, registered by
        #    MLflow for local files (mlflow.data.artifact_dataset_sources), says which.
        source = LocalArtifactDatasetSource(str(DATASET_CSV))
        dataset = mlflow.data.from_pandas(frame, source=source, name="iris", targets=course.TARGET)
        mlflow.log_input(dataset, context="training")
        mlflow.log_artifact(str(DATASET_CSV), artifact_path="data")

        # 3. A figure is saved in plots/ (to look at locally) and logged (to keep with the run).
        #    mlflow.log_figure(fig, "plots/x.png") would log it without a local file.
        fig = Figure(figsize=(5, 4))
        ax = fig.subplots()
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
        ax.tick_params(axis="y", rotation=0)
        fig.tight_layout()
        CONFUSION_PNG.parent.mkdir(exist_ok=True)
        fig.savefig(CONFUSION_PNG, dpi=100)
        mlflow.log_artifact(str(CONFUSION_PNG), artifact_path="plots")

        # 4. A folder of outputs in one call; scratch files stay in a temporary directory.
        with tempfile.TemporaryDirectory() as tmp:
            predictions = X_test.assign(true=y_test, predicted=y_pred)
            predictions.to_csv(Path(tmp) / "predictions.csv", index=False)
            predictions[predictions["true"] != predictions["predicted"]].to_csv(
                Path(tmp) / "misclassified.csv", index=False
            )
            mlflow.log_artifacts(tmp, artifact_path="report")

        # 5. Small structured or text outputs need no file at all.
        mlflow.log_dict({"model": "LogisticRegression", "features": course.FEATURES}, "config.json")
        report = classification_report(y_test, y_pred, labels=course.SPECIES)
        mlflow.log_text(report, "classification_report.txt")

    files = [a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id)]
    print(f"run id:      {run.info.run_id}")
    print(f"dataset:     {dataset.name} digest {dataset.digest} ({DATASET_CSV})")
    print(f"figure:      {CONFUSION_PNG}")
    print(f"artifacts:   {files}")
    print(f"stored in:   {run.info.artifact_uri}")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run → Artifacts")
    return run.info.run_id


if __name__ == "__main__":
    main()
