"""29 · Experiments and runs from the CLI — Code 29 « Gestion avancée des expériences et runs »

What you learn
  * experiments:  mlflow experiments create -n <name> -l <artifact location>  (prints the id)
                  mlflow experiments search --view all   (`experiments list` went in MLflow
                  2.0 with the other list APIs; `mlflow experiments --help` lists today's)
                  mlflow experiments get -n <name> --output json   (one, for programs)
                  mlflow experiments rename -x <id> --new-name <name>;  delete / restore -x <id>
  * runs:         mlflow runs list --experiment-id <id>   (a table, for eyes)
                  mlflow runs describe --run-id <id>      (JSON, for programs)
                  mlflow runs delete / restore --run-id <id>
  * deleted is not gone: the name stays taken, the files stay, until the database's owner
    purges them:  mlflow gc --backend-store-uri <db> --run-ids .. --experiment-ids ..
    --logged-model-ids ..  (name all three: any left out means "every deleted one");
    never a password in <db>, which `ps` and shell history show: PostgreSQL has a passfile

Run:  python scripts/code_29_experiments_runs_cli.py   (or: make run N=29)
UI:   experiment 29-experiments-runs-cli → logreg-C1.0, logreg-C100.0 (C0.01 purged); no 29-cli-*
Prev: code_28_artifacts_cli.py · Next: code_30_rest_serving.py
"""

import json
import os
import re
from urllib.parse import urlsplit

import mlflow
from sklearn.linear_model import LogisticRegression
from sqlalchemy.engine import make_url

import course

EXPERIMENT = "29-experiments-runs-cli"
SCRATCH, RENAMED = "29-cli-scratch", "29-cli-renamed"
DUD, KEPT = 0.01, 1.0  # C=0.01 under-fits: that run is purged for good
C_VALUES = (DUD, KEPT, 100.0)


def log_runs() -> dict[float, tuple[str, str]]:
    """One run per C, with its model; {C: (run id, model id)}."""
    X_train, X_test, y_train, y_test = course.load_iris_split()
    requirements = mlflow.sklearn.get_default_pip_requirements(include_skops=True)
    logged = {}
    for C in C_VALUES:
        with mlflow.start_run(run_name=f"logreg-C{C}") as run:
            model = LogisticRegression(C=C, max_iter=500, random_state=course.RANDOM_STATE)
            model.fit(X_train, y_train)
            mlflow.log_param("C", C)
            mlflow.log_metric("accuracy", model.score(X_test, y_test))
            mlflow.log_dict({"coef": model.coef_.tolist()}, "coef.json")
            info = mlflow.sklearn.log_model(model, name="model", pip_requirements=requirements)
        logged[C] = run.info.run_id, info.model_id
    return logged


def scratch_experiment(client: mlflow.MlflowClient) -> str:
    """Create SCRATCH and parse the id the CLI prints. A replay that could not run gc left
    RENAMED deleted, its name still taken: that one is restored and renamed back instead."""
    for name in (SCRATCH, RENAMED):
        if old := client.get_experiment_by_name(name):
            if old.lifecycle_stage == "deleted":
                course.mlflow_cli("experiments", "restore", "-x", old.experiment_id)
            if name != SCRATCH:
                course.mlflow_cli(
                    "experiments", "rename", "-x", old.experiment_id, "--new-name", SCRATCH
                )
            return old.experiment_id
    location = course.artifact_location(SCRATCH)  # else: the CLI's cwd/mlruns, or the server's
    args = ["--artifact-location", location] if location else []
    out = course.mlflow_cli("experiments", "create", "--experiment-name", SCRATCH, *args)
    return re.search(r"with id (\S+)", out).group(1)


def stack_database() -> str:
    """The stack's PostgreSQL without its password in the URI: libpq reads it from the
    password file named by `passfile` (host:port:database:user:password, yours only)."""
    url = make_url(course.STACK_BACKEND_URI)
    fields = (url.host, url.port, url.database, url.username, url.password)
    line = ":".join(str(f).replace("\\", "\\\\").replace(":", "\\:") for f in fields)
    passfile = course.STACK_DIR / "pgpass"
    with os.fdopen(os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(f"{line}\n")
    passfile.chmod(0o600)  # libpq ignores a password file others can read
    database = f"{url.username}@{url.host}:{url.port}/{url.database}"
    return f"{url.drivername}://{database}?passfile={passfile}"


def gc_store() -> list[str] | None:
    """Where `mlflow gc` finds the database, never with a password on the command line (it
    shows in `ps`, logs, shell history); None when only the server knows its database."""
    uri = course.tracking_uri()
    if uri == course.STACK_TRACKING_URI:  # the course's own stack (lesson 11): its PostgreSQL
        return ["--backend-store-uri", stack_database()]
    if uri.startswith(course.HTTP_SCHEMES):
        return None
    # Without --backend-store-uri, gc opens MLFLOW_TRACKING_URI: a password stays in there.
    return [] if urlsplit(uri).password else ["--backend-store-uri", uri]


def main() -> None:
    experiment_id = course.use_experiment(EXPERIMENT)
    client = mlflow.MlflowClient()
    # 1. No CLI logs params, metrics or models (`mlflow runs create` makes an empty run):
    #    the runs come from Python, the CLI manages them afterwards.
    logged = log_runs()
    (kept, _), (dud, dud_model) = logged[KEPT], logged[DUD]
    print(course.mlflow_cli("runs", "list", "--experiment-id", experiment_id).rstrip())
    data = json.loads(course.mlflow_cli("runs", "describe", "--run-id", kept))["data"]
    print(f"described:   params={data['params']} metrics={data['metrics']}")

    # 2. delete only marks a run: it leaves the lists, keeps its data, and restore undoes it.
    for action in ("delete", "restore"):
        course.mlflow_cli("runs", action, "--run-id", kept)
        print(f"run:         logreg-C{KEPT} is {client.get_run(kept).info.lifecycle_stage}")
    # 3. The dud goes for good. Its model is an entity of its own in MLflow 3, not a file of
    #    the run: deleting the run leaves it, so it is deleted too (no CLI for that).
    course.mlflow_cli("runs", "delete", "--run-id", dud)
    client.delete_logged_model(dud_model)

    # 4. An experiment's whole life from the CLI; search has no JSON, so ours is found by name.
    scratch = scratch_experiment(client)
    found = course.mlflow_cli("experiments", "search", "--view", "all").splitlines()
    print("\n".join(line.rstrip() for line in found[:2] + [f for f in found if SCRATCH in f]))
    course.mlflow_cli("experiments", "rename", "-x", scratch, "--new-name", RENAMED)
    for action in ("delete", "restore", "delete"):  # ends deleted, for gc to purge
        course.mlflow_cli("experiments", action, "-x", scratch)
        experiment = client.get_experiment(scratch)
        print(f"experiment:  {scratch} {experiment.name} is {experiment.lifecycle_stage}")

    # 5. gc opens the database itself (an HTTP API has no hard delete), and every id list it
    #    is not given means "all deleted ones": --run-ids alone would purge every deleted
    #    experiment and logged model of the store, the learner's own included.
    ids = ["--run-ids", dud, "--experiment-ids", scratch, "--logged-model-ids", dud_model]
    if (store := gc_store()) is not None:
        print(course.mlflow_cli("gc", *store, *ids).rstrip())
        print(f"purged:      {SCRATCH} and {RENAMED} are free names again")
    else:
        print(
            f"gc:          skipped: {course.tracking_uri()} is a server, gc needs its database. "
            f"On its machine: mlflow gc --backend-store-uri <its store> {' '.join(ids)}  "
            f"(until then all stay deleted; the next replay restores {RENAMED})"
        )
    print(f"UI:          make ui → experiment {EXPERIMENT} (runs logreg-C{KEPT}, logreg-C100.0)")


if __name__ == "__main__":
    main()
