"""Start, in the foreground, what `make ui`, `make serve` and `make project` start.

* ``ui``: ``mlflow ui`` on a SQLite store (``--store``, default the repository's
  mlflow.db) with that store's own ``mlartifacts/`` beside it, so ``make ui
  STORE=/tmp/x/mlflow.db`` browses /tmp/x's runs and their artifacts.
* ``serve``: ``mlflow models serve`` for a model URI (default the registry's champion,
  registered first when the store has none), with ``--env-manager local``.
* ``project``: ``mlflow run .`` (lesson 26's MLproject) into experiment 26-mlproject.

Each checks its port or store first and ends with one line when it cannot start; then it
replaces itself with the MLflow command (``os.execvpe``), so Ctrl-C stops the server as if
the learner had typed the command. ``ui_command`` is also what ``make ui-check`` starts.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

import course

UI_PORT, SERVE_PORT = 5000, 1234
# The UI's server would also start MLflow's job runner (GenAI jobs): nothing here uses it.
UI_ENV = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
PROJECT_EXPERIMENT = "26-mlproject"


def ui_command(store: Path, port: int, host: str = course.LOOPBACK) -> list[str]:
    """``mlflow ui`` on ``store``, its artifacts in the ``mlartifacts/`` beside it, one worker."""
    return [
        *("mlflow", "ui", "--backend-store-uri", f"sqlite:///{store}"),
        *("--artifacts-destination", str(store.parent / course.ARTIFACTS_DIRNAME)),
        *("--host", host, "--port", str(port), "--workers", "1"),
    ]


def require_free_port(port: int, host: str, target: str, variable: str) -> None:
    course.require_free_port(
        port,
        f"make {target} cannot start there",
        f"pick another: make {target} {variable}={port + 1}",
        host,
    )


def execute(command: list[str], **extra: str) -> None:
    """Become ``command`` (the venv's bin/ first on PATH), after printing it."""
    print("$ " + shlex.join(command), flush=True)
    env = course.venv_env(**extra)
    os.execvpe(command[0], command, env)


def ui(args: argparse.Namespace) -> None:
    require_free_port(args.port, args.host, "ui", "PORT")
    store = Path(args.store).resolve()
    if not store.is_file():
        sys.exit(
            f"error: no store at {store}: run a lesson first (make run N=00), or point "
            f"STORE= at an existing mlflow.db."
        )
    print(f"MLflow UI on the store {store}: http://{args.host}:{args.port}  (Ctrl-C to stop)")
    execute(ui_command(store, args.port, args.host), **UI_ENV)


def serve(args: argparse.Namespace) -> None:
    require_free_port(args.port, args.host, "serve", "SERVE_PORT")
    os.environ["MLFLOW_TRACKING_URI"] = course.tracking_uri()
    model = args.model
    if model is None:  # the champion, registered on a store that has none (see lesson 21)
        course.use_experiment("30-serving")
        model = course.register_champion_if_missing()
    print(
        f"Serving {model} from {course.tracking_uri()} at http://{args.host}:{args.port}/invocations"
    )
    print("(Ctrl-C to stop; curl examples in the README)")
    # --env-manager local: the model runs in this venv, which has its pinned packages (the
    # default, virtualenv, would rebuild an environment and needs pyenv: docs/troubleshooting.md).
    command = ["mlflow", "models", "serve", "-m", model, "--env-manager", "local"]
    execute([*command, "--host", args.host, "--port", str(args.port)])


def project(args: argparse.Namespace) -> None:
    os.environ["MLFLOW_TRACKING_URI"] = course.tracking_uri()
    course.connect()
    course.get_or_create_experiment(PROJECT_EXPERIMENT)  # its artifacts beside the store
    params = [word for value in args.param for word in ("-P", value)]
    os.chdir(course.REPO_ROOT)  # where the MLproject file is
    command = ["mlflow", "run", ".", "-e", args.entry_point, *params]
    execute([*command, "--experiment-name", PROJECT_EXPERIMENT, "--env-manager", "local"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, function, port in (("ui", ui, UI_PORT), ("serve", serve, SERVE_PORT)):
        sub = commands.add_parser(name)
        sub.add_argument("--host", default=course.LOOPBACK)
        sub.add_argument("--port", type=int, default=port)
        sub.set_defaults(function=function)
    commands.choices["ui"].add_argument("--store", default=str(course.DEFAULT_DB))
    commands.choices["serve"].add_argument("--model", help="a model URI (default: the champion)")
    sub = commands.add_parser("project")
    sub.add_argument("-e", "--entry-point", default="main")
    sub.add_argument("-P", "--param", action="append", default=[], help="name=value")
    sub.set_defaults(function=project)
    args = parser.parse_args()
    args.function(args)


if __name__ == "__main__":
    main()
