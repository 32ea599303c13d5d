"""03 · Tracking URI — Code 3 « Tracking URI »

What you learn
  * where MLflow writes, in order:  mlflow.set_tracking_uri(...) > $MLFLOW_TRACKING_URI
        > ./mlruns, only if it already holds experiments (MLflow 2's file store; 3.17 then
          refuses to open it without MLFLOW_ALLOW_FILE_STORE=true)
        > sqlite:///mlflow.db; both of the last two in the *current* directory
  * alone: a SQLite file;  as a team: a tracking server, `mlflow server`, over HTTP
  * the same logging code against both: only the URI changes   mlflow.get_tracking_uri()
  * a server that proxies artifacts: experiments get mlflow-artifacts:/ locations

Run:  python scripts/code_03_tracking_uri.py   (or: make run N=03)
      The lesson starts its own server on 127.0.0.1 and a free port (COURSE_SERVER_PORT
      to choose it) and stops it at the end; with MLFLOW_TRACKING_URI=http://... it uses yours.
UI:   experiments 03-tracking-uri (run "local-store") and 03-tracking-uri-server
      (run "over-http", logged through the server into the same store)
Prev: code_02_requirements.py · Next: code_04_create_experiment.py
"""

import os
import sys

import mlflow

import course

EXPERIMENT = "03-tracking-uri"
SERVER_EXPERIMENT = "03-tracking-uri-server"
PORT_ENV = "COURSE_SERVER_PORT"


def log_a_run(run_name: str) -> str:
    """Identical code for a file and a server: MLflow routes it by the tracking URI."""
    with mlflow.start_run(run_name=run_name) as run:
        # A URI may hold a database password: what is logged or printed shows *** instead.
        where = course.shown_uri(mlflow.get_tracking_uri())
        mlflow.log_param("tracking_uri", where)
        mlflow.log_metric("answer", 42)
        mlflow.log_text(f"logged through {where}\n", "where.txt")
    return run.info.run_id


def main() -> str:
    # 1. MLflow's own resolution order, read without writing anything anywhere.
    saved = os.environ.pop("MLFLOW_TRACKING_URI", None)
    mlflow.set_tracking_uri(None)  # forget any earlier choice (it also unsets the variable)
    print(f"nothing set:          {mlflow.get_tracking_uri()}   ← depends on your cwd!")
    os.environ["MLFLOW_TRACKING_URI"] = "sqlite:////tmp/from-env.db"
    print(f"MLFLOW_TRACKING_URI:  {mlflow.get_tracking_uri()}")
    mlflow.set_tracking_uri("sqlite:////tmp/from-code.db")  # wins, and exports the variable
    print(f"set_tracking_uri():   {mlflow.get_tracking_uri()}")
    mlflow.set_tracking_uri(None)
    if saved:
        os.environ["MLFLOW_TRACKING_URI"] = saved

    # 2. The course's convention: $MLFLOW_TRACKING_URI if set, else <repo>/mlflow.db, so
    #    every lesson finds the same store from any directory. Alone, that file is enough.
    course.use_experiment(EXPERIMENT)
    store_uri = mlflow.get_tracking_uri()
    local_run = log_a_run("local-store")
    print(f"course store:         {course.shown_uri(store_uri)}  (run {local_run})")

    if store_uri.startswith(course.HTTP_SCHEMES):
        print("already on a server:  logging over HTTP again, no server to start")
        return log_a_run("over-http")

    # 3. As a team: one `mlflow server` in front of the store. It owns the database and,
    #    with --artifacts-destination, stores artifacts for clients that cannot reach disk.
    port = course.lesson_port(PORT_ENV, "its mlflow server")  # $PORT_ENV, else a free one
    server_url = f"http://{course.LOOPBACK}:{port}"
    artifacts = course.artifact_root(store_uri) or (course.REPO_ROOT / "mlartifacts").as_uri()
    command = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", store_uri]
    command += ["--artifacts-destination", artifacts, "--workers", "1"]
    command += ["--host", course.LOOPBACK, "--port", str(port)]
    # One worker and no job runner: ~5 s and ~0.8 GB instead of ~16 s and ~2.7 GB.
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    shown = " ".join(command[2:]).replace(store_uri, course.shown_uri(store_uri))
    print(f"starting:             {shown}")
    with course.background_server(
        command, f"{server_url}/health", what="the mlflow server", env=env
    ) as server:
        print(f"server:               {server_url} (pid {server.pid})")
        # 4. Same code, new URI: everything now travels over HTTP, artifacts included.
        mlflow.set_tracking_uri(server_url)
        mlflow.set_experiment(experiment_id=course.get_or_create_experiment(SERVER_EXPERIMENT))
        remote_run = log_a_run("over-http")
        run = mlflow.MlflowClient().get_run(remote_run)
        files = [f.path for f in mlflow.MlflowClient().list_artifacts(remote_run)]
        print(f"run over HTTP:        {remote_run}  artifacts {run.info.artifact_uri} {files}")

    # 5. The server wrote into the very same store: the file client sees the run too.
    same = mlflow.MlflowClient(store_uri).get_run(remote_run).data.params["tracking_uri"]
    print(f"read from the file:   param tracking_uri={same}  (server stopped)")
    print(f"UI:                   make ui → experiments {EXPERIMENT}, {SERVER_EXPERIMENT}")
    mlflow.set_tracking_uri(store_uri)
    return remote_run


if __name__ == "__main__":
    main()
