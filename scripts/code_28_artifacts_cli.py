"""28 · Artifacts from the command line — Code 28 « Gestion avancée des artefacts »

What you learn
  * list a run's artifacts, one folder level at a time, as JSON:
        mlflow artifacts list --run-id <id> [--artifact-path data]
  * download a file or a folder into a folder you choose (it prints the local path):
        mlflow artifacts download --run-id <id> --artifact-path <file> --dst-path <dir>
        mlflow artifacts download --artifact-uri runs:/<id>/data --dst-path <dir>
  * log a changed copy beside the original, into a run that has finished:
        mlflow artifacts log-artifact --local-file <file> --run-id <id> --artifact-path reviewed
  * archive a folder: one zip and its checksum, logged together:
        mlflow artifacts log-artifacts --local-dir <dir> --run-id <id> --artifact-path archive
  Each command is printed as it runs: paste it where MLFLOW_TRACKING_URI is exported.

Run:  python scripts/code_28_artifacts_cli.py   (or: make run N=28)
UI:   experiment 28-artifacts-cli → run "artifacts-cli" → Artifacts: reports/metrics.json
      beside reviewed/metrics.json, data/ beside archive/data.zip
Prev: code_27_doctor.py · Next: code_29_experiments_runs_cli.py
"""

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import mlflow
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "28-artifacts-cli"
RUN_NAME = "artifacts-cli"
REPORT = "reports/metrics.json"  # the file a reviewer changes
REVIEWED = "reviewed"  # where its changed copy goes: the original stays as logged
DATA = "data"  # the folder that gets archived
ARCHIVE = "archive"
REVIEW = {"status": "approved", "reviewer": "course", "note": "accuracy checked on test.csv"}


def list_artifacts(run_id: str, path: str | None = None) -> list[dict]:
    """`mlflow artifacts list`, its JSON printed as a short listing."""
    where = ["--artifact-path", path] if path else []
    entries = json.loads(course.mlflow_cli("artifacts", "list", "--run-id", run_id, *where))
    for entry in entries:
        size = "folder" if entry["is_dir"] else f"{entry['file_size']} bytes"
        print(f"  {entry['path']:<28} {size}")
    return entries


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    # 1. A run made in Python, and closed: what follows needs only its id, as for any past
    #    run. FINISHED is a status, not a lock (MLflow refuses writes to deleted runs only),
    #    so files can still be added to it: a late review, an archive.
    with mlflow.start_run(run_name=RUN_NAME) as run:
        model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        accuracy = model.fit(X_train, y_train).score(X_test, y_test)
        mlflow.log_metric("accuracy", accuracy)
        mlflow.log_dict(
            {"model": "LogisticRegression", "accuracy": accuracy, "test_rows": len(X_test)}, REPORT
        )
        mlflow.log_text(X_train.assign(species=y_train).to_csv(index=False), f"{DATA}/train.csv")
        mlflow.log_text(X_test.assign(species=y_test).to_csv(index=False), f"{DATA}/test.csv")
    run_id = run.info.run_id
    print(f"run id:      {run_id} (finished; the rest is the CLI)")

    # 2. `list` shows one level: folders first, then what is inside one of them.
    list_artifacts(run_id)
    list_artifacts(run_id, DATA)

    with tempfile.TemporaryDirectory() as tmp:
        scratch, dst = Path(tmp), str(Path(tmp) / "download")
        # 3. Edit a copy you placed: without --dst-path it lands in a new /tmp folder nobody
        #    deletes, and a whole run (no --artifact-path) on a local store is not copied at
        #    all: the CLI answers with the store's own folder, where an edit rewrites the run.
        where = ["--artifact-path", REPORT, "--dst-path", dst]
        out = course.mlflow_cli("artifacts", "download", "--run-id", run_id, *where)
        print(f"  → {out.strip()}")  # the CLI's answer: where the copy is
        report = json.loads(Path(out.strip()).read_text(encoding="utf-8"))
        report["review"] = REVIEW
        changed = scratch / REVIEWED / Path(REPORT).name
        changed.parent.mkdir()
        changed.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        # The CLI takes the file as it is: a missing one fails (and a local store keeps
        # an empty folder for it), so check what you log first (lesson 22).
        where = ["--run-id", run_id, "--artifact-path", REVIEWED]
        course.mlflow_cli("artifacts", "log-artifact", "--local-file", str(changed), *where)

        # 4. Archive = one file to keep or hand over, and a checksum to trust it later
        #    (`sha256sum -c SHA256SUMS` once downloaded). The runs:/ URI names the same folder.
        out = course.mlflow_cli(
            "artifacts", "download", "--artifact-uri", f"runs:/{run_id}/{DATA}", "--dst-path", dst
        )
        print(f"  → {out.strip()}")
        packed = scratch / ARCHIVE
        packed.mkdir()
        zip_file = Path(shutil.make_archive(str(packed / DATA), "zip", root_dir=out.strip()))
        digest = hashlib.sha256(zip_file.read_bytes()).hexdigest()
        (packed / "SHA256SUMS").write_text(f"{digest}  {zip_file.name}\n", encoding="utf-8")
        # log-artifacts logs a folder's files; on a missing folder it logs nothing and exits 0.
        where = ["--run-id", run_id, "--artifact-path", ARCHIVE]
        course.mlflow_cli("artifacts", "log-artifacts", "--local-dir", str(packed), *where)

    client = mlflow.MlflowClient()
    top = [entry.path for entry in client.list_artifacts(run_id)]
    files = [f.path for folder in top for f in client.list_artifacts(run_id, folder)]
    print(f"artifacts:   {', '.join(files)}")
    print(f"reviewed:    {REVIEWED}/{changed.name} (original {REPORT} unchanged)")
    print(f"archive:     {ARCHIVE}/{zip_file.name} sha256 {digest[:16]}…")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run '{RUN_NAME}' → Artifacts")
    return run_id


if __name__ == "__main__":
    main()
