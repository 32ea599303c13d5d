"""11 · Production stack — Code 11 « Production avec S3/PostgreSQL »

What you learn
  * a team's setup: PostgreSQL keeps the metadata, an S3 bucket the artifacts, and
    `mlflow server`s in front (start them all with `make stack-up`, no Docker)
  * a login per request: the servers run MLflow's basic-auth app, and the client sends the
    user and password of MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD
  * proxied, the usual way: clients know only the server, mlflow.set_tracking_uri(http://...);
    the server writes to PostgreSQL and to S3 with its own credentials
  * where things really went: the run and the model version as rows in PostgreSQL
    (psycopg2), the artifacts as objects in the bucket (boto3)
  * direct, without the server: mlflow.set_tracking_uri("postgresql+psycopg2://...") and an
    experiment whose artifact_location is s3://..., the S3 keys on the client

Optional: no later lesson uses what this one logs (it goes to the stack, not mlflow.db),
      and it needs the stack running first: `make stack-up` (Debian's postgresql package
      installed; `make stack-down` after). To skip it, go on to code_12_signature.py;
      `make all` skips it by itself, and run without the stack it stops in seconds, saying so.
Run:  python scripts/code_11_production_stack.py   (or: make run N=11), after make stack-up
      and the `export MLFLOW_TRACKING_USERNAME=... MLFLOW_TRACKING_PASSWORD=...` it prints
UI:   the stack's own server, http://127.0.0.1:15000 (log in as the admin) → experiment
      11-production-stack; Models → iris-production @champion
Prev: code_10_autolog.py · Next: code_12_signature.py
"""

import os
import sys

import boto3
import mlflow
import psycopg2
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "11-production-stack"
DIRECT_EXPERIMENT = "11-production-stack-direct"
REGISTERED = "iris-production"


def main() -> str:
    # 1. Fail in seconds if the stack is down: MLflow's client would retry for minutes.
    course.check_server(
        course.STACK_TRACKING_URI,
        "The production stack is not running: "
        "start it with `make stack-up` (then `make stack-status`).",
    )
    mlflow.set_tracking_uri(course.STACK_TRACKING_URI)
    #    Every request carries the login of the environment; without one, the server says 401.
    try:
        mlflow.set_experiment(experiment_id=course.get_or_create_experiment(EXPERIMENT))
    except mlflow.exceptions.MlflowException as error:
        if error.error_code != "UNAUTHENTICATED":
            raise
        sys.exit(
            "error: the stack's server refused the login (401): export "
            "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, the admin's as "
            "`make stack-up` says, then run this again."
        )
    X_train, X_test, y_train, y_test = course.load_iris_split()

    # 2. Proxied: the same code as on a laptop. The client holds no database password and
    #    no S3 key; artifacts travel through the server (mlflow-artifacts:/ URIs).
    with mlflow.start_run(run_name="logreg-on-the-stack") as run:
        model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        model.fit(X_train, y_train)
        mlflow.log_params({"max_iter": 200, "store": "postgresql", "artifacts": "s3"})
        mlflow.log_metric("accuracy", model.score(X_test, y_test))
        mlflow.log_text("logged through the tracking server\n", "notes/where.txt")
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            registered_model_name=REGISTERED,
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(REGISTERED, "champion", info.registered_model_version)

    # 3. Where it went. The metadata: rows of MLflow's tables in PostgreSQL...
    dsn = course.STACK_BACKEND_URI.replace("postgresql+psycopg2://", "postgresql://")
    with psycopg2.connect(dsn) as db, db.cursor() as cursor:
        cursor.execute("SELECT name, status FROM runs WHERE run_uuid = %s", (run.info.run_id,))
        run_row = cursor.fetchone()
        cursor.execute(
            "SELECT version, source FROM model_versions WHERE name = %s "
            "ORDER BY version DESC LIMIT 1",
            (REGISTERED,),
        )
        version_row = cursor.fetchone()
    # ...and the files: objects in the bucket, the model's among them.
    s3 = boto3.client(
        "s3",
        endpoint_url=course.STACK_S3_ENDPOINT,
        aws_access_key_id=course.STACK_S3_KEY,
        aws_secret_access_key=course.STACK_S3_SECRET,
    )
    listing = s3.list_objects_v2(Bucket=course.STACK_BUCKET)
    keys = [o["Key"] for o in listing.get("Contents", [])]
    mine = [k for k in keys if run.info.run_id in k or info.model_id in k]

    # 4. Direct: no server, the client talks to PostgreSQL and S3 itself and so needs their
    #    credentials. Simpler to run, harder to secure: the proxied form is the default.
    os.environ.update(course.STACK_S3_ENV)
    mlflow.set_tracking_uri(course.STACK_BACKEND_URI)
    direct = mlflow.MlflowClient()
    if direct.get_experiment_by_name(DIRECT_EXPERIMENT) is None:
        direct.create_experiment(DIRECT_EXPERIMENT, f"s3://{course.STACK_BUCKET}/direct")
    mlflow.set_experiment(DIRECT_EXPERIMENT)
    with mlflow.start_run(run_name="direct-to-postgres-and-s3") as direct_run:
        mlflow.log_text("logged straight to PostgreSQL and S3\n", "notes/where.txt")
    direct_keys = s3.list_objects_v2(Bucket=course.STACK_BUCKET, Prefix="direct/")

    print(f"run id:      {run.info.run_id}  (artifacts {run.info.artifact_uri})")
    print(f"postgres:    runs row {run_row}; model_versions row {version_row}")
    print(f"s3 objects:  {len(mine)} of this run and model in s3://{course.STACK_BUCKET}, e.g.")
    for key in sorted(mine)[:4]:
        print(f"               {key}")
    print(
        f"direct run:  {direct_run.info.run_id} → {direct_run.info.artifact_uri} "
        f"({direct_keys.get('KeyCount', 0)} objects under direct/)"
    )
    print(f"UI:          {course.STACK_TRACKING_URI} → experiment {EXPERIMENT}")
    return run.info.run_id


if __name__ == "__main__":
    main()
