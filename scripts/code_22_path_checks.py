"""22 · Path checks before logging — Code 22 « Vérification des chemins »

What you learn
  * check a path before handing it to MLflow: it exists, it is the file or the folder you
    meant, and every byte that would be copied can be read
  * then log it:   mlflow.log_artifact(file, artifact_path=...) or
                   mlflow.log_artifacts(folder, artifact_path=...)
  * a refused path gets a one-line reason, nothing is logged for it, and the run finishes
  * keep the verdicts with the run:  mlflow.log_dict(verdicts, "path_checks.json")

Run:  python scripts/code_22_path_checks.py   (or: make run N=22)
UI:   experiment 22-path-checks → run "checked-logging" → Artifacts (inputs/,
      path_checks.json) and Tags (paths_logged, paths_refused)
Prev: code_21_model_registry.py · Next: code_23_pyfunc_universal.py
"""

import tempfile
from pathlib import Path

import mlflow

import course

EXPERIMENT = "22-path-checks"
ARTIFACT_DIR = "inputs"
# What the run wants to log, and as what. Only the first two are as expected.
CASES = {
    "train.csv": "file",  # a readable file
    "reports": "folder",  # a folder of readable files
    "config.json": "file",  # a typo'd name: no such file
    "plots": "folder",  # a folder never created
    "raw": "file",  # a folder where a file was expected
    "test.csv": "file",  # a file with mode 000 (chmod 0)
}


def write_demo_files(folder: Path) -> None:
    """The scratch files of the demonstration (config.json and plots/ stay missing)."""
    X_train, X_test, y_train, y_test = course.load_iris_split()
    X_train.assign(species=y_train).to_csv(folder / "train.csv", index=False)
    (folder / "reports").mkdir()
    X_train.describe().to_csv(folder / "reports" / "summary.csv")
    y_train.value_counts().sort_index().to_csv(folder / "reports" / "counts.csv")
    (folder / "raw").mkdir()
    course.load_iris_frame().to_csv(folder / "raw" / "iris.csv", index=False)
    X_test.assign(species=y_test).to_csv(folder / "test.csv", index=False)
    (folder / "test.csv").chmod(0)


def path_problem(path: Path, kind: str) -> str | None:
    """Why ``path`` must not be logged as a ``kind`` ("file" or "folder"); None if it may."""
    if not path.exists():
        return "does not exist"
    if kind == "file" and not path.is_file():
        return "is a folder, not a file" if path.is_dir() else "is not a regular file"
    if kind == "folder" and not path.is_dir():
        return "is a file, not a folder"
    # Open what would be copied rather than read its mode: root reads a chmod-0 file, and
    # os.access() answers for the real user id, not always the one that will open it.
    files = [path] if kind == "file" else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        try:
            with file.open("rb"):
                pass
        except OSError as error:
            return f"cannot be read ({error.strerror}): {file.name}"
    return None


def log_checked(path: Path, kind: str, artifact_path: str) -> str:
    """Log ``path`` if it passes the check; return the verdict, in one line."""
    if problem := path_problem(path, kind):
        return f"refused: {problem}"
    if kind == "file":
        mlflow.log_artifact(str(path), artifact_path=artifact_path)
    else:
        mlflow.log_artifacts(str(path), artifact_path=f"{artifact_path}/{path.name}")
    return "logged"


def main() -> str:
    course.use_experiment(EXPERIMENT)

    with tempfile.TemporaryDirectory() as tmp, mlflow.start_run(run_name="checked-logging") as run:
        folder = Path(tmp)
        write_demo_files(folder)
        # 1. MLflow checks little itself. With a local store, log_artifact(folder) copies the
        #    whole folder, log_artifacts(a file or a missing folder) logs an empty folder, and
        #    only a missing file raises, failing the run. So the check comes first.
        # 2. A refusal is a verdict, not an exception: the other artifacts are still logged
        #    and the run finishes. (MLflow 3 renamed log_model's artifact_path to name=;
        #    log_artifact and log_artifacts keep artifact_path, a folder in the run.)
        verdicts = {n: log_checked(folder / n, kind, ARTIFACT_DIR) for n, kind in CASES.items()}
        # 3. The verdicts stay with the run, so a missing artifact has its reason beside it.
        refused = sum(verdict.startswith("refused") for verdict in verdicts.values())
        mlflow.log_dict(verdicts, "path_checks.json")
        mlflow.set_tags({"paths_logged": len(verdicts) - refused, "paths_refused": refused})

    logged = mlflow.MlflowClient().list_artifacts(run.info.run_id, ARTIFACT_DIR)
    print(f"run id:      {run.info.run_id}")
    for name, verdict in verdicts.items():
        print(f"  {name:<12} as a {CASES[name]:<7}→ {verdict}")
    if verdicts["test.csv"] == "logged":
        print("note:        chmod 0 did not stop this user (root reads any file): test.csv opened")
    print(f"artifacts:   {[a.path for a in logged]} and path_checks.json ({refused} refused)")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run → Artifacts, Tags")
    return run.info.run_id


if __name__ == "__main__":
    main()
