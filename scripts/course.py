"""Shared plumbing for the lessons: where the store is, where files go, the Iris data.

Every lesson imports this module for the boring parts, so that the lesson itself shows
only the MLflow calls it teaches:

* ``tracking_uri()``: ``MLFLOW_TRACKING_URI`` when it is set, else the SQLite store
  ``mlflow.db`` at the repository root, whatever the current directory.
* ``connect()``: points MLflow at that URI and creates a brand-new SQLite store once,
  under a file lock, so that several lessons started together cannot race MLflow's
  database migrations; for an ``http(s)://`` URI it checks the server answers, for a
  PostgreSQL (MySQL, SQL Server) one that the database does.
* ``use_experiment(name)``: gets or creates the lesson's experiment, with an absolute
  artifact location beside the store (MLflow would otherwise record ``<cwd>/mlruns``),
  and makes it the active experiment.
* ``background_server(command, ready_url)``: starts a server (``mlflow server``,
  ``mlflow models serve``), waits until it answers, stops it by its PID afterwards, and
  exits with one paragraph when it dies or does not answer in time.
* ``mlflow_cli(*args)``: runs an ``mlflow`` command against the same store, printing it
  first (in this process; ``COURSE_CLI=shell`` pastes it into bash instead);
  ``venv_env()``: the environment for commands MLflow starts by name.
* ``load_iris_frame()`` / ``load_iris_split()``: scikit-learn's bundled Iris as pandas,
  split deterministically (``random_state=42``).

Heavy packages are imported inside functions, so that lesson 00 can check they are
installed before anything imports them.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

if TYPE_CHECKING:
    import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPTS_DIR = REPO_ROOT / "scripts"
PLOTS_DIR = REPO_ROOT / "plots"
DATA_DIR = REPO_ROOT / "data"
REQUIREMENTS_FILE = REPO_ROOT / "requirements.txt"
DEFAULT_DB = REPO_ROOT / "mlflow.db"
ARTIFACTS_DIRNAME = "mlartifacts"
ARTIFACT_ROOT_ENV = "COURSE_ARTIFACT_ROOT"

RANDOM_STATE = 42
TEST_SIZE = 0.25
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
TARGET = "species"
SPECIES = ["setosa", "versicolor", "virginica"]  # class labels are these names, not 0-2
REGISTERED_MODEL = "iris-classifier"  # the registry's Iris model (lesson 21 onwards)
CHAMPION = "champion"

# The production stack of lesson 11 (`make stack-up`, tools/stack.py): local development
# defaults, each overridable by environment. No real secret here.
_env = os.environ.get
_TERMINAL_ENV = dict(os.environ)  # as the learner's shell exported it, before any lesson code
STACK_DIR = Path(_env("COURSE_STACK_DIR", "/tmp/mlflow-course-stack"))
STACK_PG_PORT = int(_env("COURSE_PG_PORT", "15432"))
STACK_S3_PORT = int(_env("COURSE_S3_PORT", "18333"))
STACK_MLFLOW_PORT = int(_env("COURSE_MLFLOW_PORT", "15000"))
STACK_MLFLOW_PORT_2 = int(_env("COURSE_MLFLOW_PORT_2", "15001"))  # the second server
STACK_PG_USER, STACK_PG_DB = "mlflow", "mlflow"
STACK_PG_PASSWORD = _env("COURSE_PG_PASSWORD", "mlflow-dev")
STACK_BUCKET = _env("COURSE_S3_BUCKET", "mlflow-artifacts")
STACK_S3_KEY = _env("COURSE_S3_KEY", "course-dev")
STACK_S3_SECRET = _env("COURSE_S3_SECRET", "course-dev-secret")
STACK_BACKEND_URI = (
    f"postgresql+psycopg2://{STACK_PG_USER}:{STACK_PG_PASSWORD}"
    f"@127.0.0.1:{STACK_PG_PORT}/{STACK_PG_DB}"
)
STACK_S3_ENDPOINT = f"http://127.0.0.1:{STACK_S3_PORT}"
STACK_TRACKING_URI = f"http://127.0.0.1:{STACK_MLFLOW_PORT}"
STACK_TRACKING_URI_2 = f"http://127.0.0.1:{STACK_MLFLOW_PORT_2}"
# Authentication (mlflow server --app-name basic-auth): users and permissions in a database
# of their own in the stack's PostgreSQL; the admin is created on the first start.
STACK_AUTH_DB = "mlflow_auth"
STACK_AUTH_URI = (
    f"postgresql+psycopg2://{STACK_PG_USER}:{STACK_PG_PASSWORD}"
    f"@127.0.0.1:{STACK_PG_PORT}/{STACK_AUTH_DB}"
)
STACK_ADMIN_USERNAME = _env("COURSE_ADMIN_USERNAME", "admin")
STACK_ADMIN_PASSWORD = _env("COURSE_ADMIN_PASSWORD", "course-admin-dev")  # >= 12 characters
STACK_SECRET_KEY = _env("COURSE_SECRET_KEY", "course-dev-flask-secret-key")  # both servers'
STACK_CREDENTIALS = {  # what a client of the stack exports to act as its admin
    "MLFLOW_TRACKING_USERNAME": STACK_ADMIN_USERNAME,
    "MLFLOW_TRACKING_PASSWORD": STACK_ADMIN_PASSWORD,
}
STACK_S3_ENV = {
    "AWS_ACCESS_KEY_ID": STACK_S3_KEY,
    "AWS_SECRET_ACCESS_KEY": STACK_S3_SECRET,
    "AWS_DEFAULT_REGION": "us-east-1",
    "MLFLOW_S3_ENDPOINT_URL": STACK_S3_ENDPOINT,
}

SERVER_CHECK_TIMEOUT_S = 3.0
STORE_LOCK_TIMEOUT_S = 120.0
SERVER_START_TIMEOUT_S = 60.0
SERVER_STOP_TIMEOUT_S = 15.0
CLI_TIMEOUT_S = 120.0
CLI_MODE_ENV = "COURSE_CLI"  # "shell": mlflow_cli() runs each printed command in bash
LOOPBACK = "127.0.0.1"
HTTP_SCHEMES = ("http://", "https://")
DATABASE_SCHEMES = ("postgresql", "mysql", "mssql")


def lessons() -> list[Path]:
    """The lesson scripts, ``scripts/code_NN_<concept>.py``, in course order."""
    return sorted(SCRIPTS_DIR.glob("code_[0-9][0-9]_*.py"))


def lesson_number(script: Path | str) -> str:
    """``"07"`` for ``scripts/code_07_tags.py`` (a path or a file name)."""
    return Path(script).stem.split("_")[1]


def tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` if set, else the repository's own SQLite store."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{DEFAULT_DB.as_posix()}"


def sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI (relative paths resolve against the cwd)."""
    if not uri.startswith("sqlite:///"):
        return None
    raw = unquote(uri[len("sqlite:///") :].split("?", 1)[0])
    if not raw or raw == ":memory:":
        return None
    return Path(raw).resolve()


def artifact_root(uri: str | None = None) -> str | None:
    """Where new experiments keep their artifacts, or None to let the server decide.

    ``COURSE_ARTIFACT_ROOT`` (e.g. ``s3://bucket/course``) wins; a SQLite store keeps
    them in ``mlartifacts/`` beside the database; another database keeps them in the
    repository's ``mlartifacts/``; a tracking server and a file store choose themselves.
    """
    uri = uri or tracking_uri()
    if override := os.environ.get(ARTIFACT_ROOT_ENV):
        return override.rstrip("/")
    if db := sqlite_path(uri):
        return (db.parent / ARTIFACTS_DIRNAME).as_uri()
    if uri.startswith(DATABASE_SCHEMES):
        return (REPO_ROOT / ARTIFACTS_DIRNAME).as_uri()
    return None


def artifact_location(experiment_name: str, uri: str | None = None) -> str | None:
    """The artifact location a new experiment of this name gets (None: server default)."""
    root = artifact_root(uri)
    return f"{root}/{experiment_name}" if root else None


def shown_uri(uri: str) -> str:
    """``uri`` as it may be printed or logged: a password in it becomes ``***``."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def check_server(uri: str, how_to_start: str | None = None) -> None:
    """Exit with one clear paragraph when the tracking server at ``uri`` does not answer.

    MLflow's own client retries a dead server for minutes; this fails in seconds.
    ``how_to_start`` replaces the usual advice (make ui, or unset MLFLOW_TRACKING_URI).
    """
    health = uri.rstrip("/") + "/health"
    try:
        urllib.request.urlopen(health, timeout=SERVER_CHECK_TIMEOUT_S).close()
    except urllib.error.HTTPError:
        return  # it answered; a proxy in front may not expose /health
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        problem = f"error: no MLflow tracking server answers at {uri} ({reason})."
        if how_to_start:
            sys.exit(f"{problem} {how_to_start}")
        sys.exit(
            f"error: no MLflow tracking server answers at {uri} ({reason}). "
            f"MLFLOW_TRACKING_URI points there. Start one in another terminal "
            f"(`make ui` serves the course's store at http://127.0.0.1:5000, or "
            f"`mlflow server --host 127.0.0.1 --port 5000`), or unset MLFLOW_TRACKING_URI "
            f"to use the local store {DEFAULT_DB}."
        )


def check_database(uri: str, how_to_fix: str | None = None) -> None:
    """Exit with one clear paragraph when the database of ``uri`` does not let us in.

    MLflow's store retries a database that does not answer for ~100 s, then shows
    SQLAlchemy's traceback (``create_sqlalchemy_engine_with_retry``); this fails in
    seconds. PostgreSQL is logged into too, so that a wrong password or a missing database
    end the same way. The paragraph shows the URI with its password masked.
    """
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    shown = shown_uri(uri)
    fix = how_to_fix or (
        "`make stack-up` starts the course's PostgreSQL; else check the host, port, user, "
        f"password and database in MLFLOW_TRACKING_URI, or unset it to use {DEFAULT_DB}."
    )
    backend = url.get_backend_name()
    port = url.port or {"postgresql": 5432, "mysql": 3306, "mssql": 1433}.get(backend)
    if url.host and port:  # no host: a Unix socket, which the login below tries
        try:
            socket.create_connection((url.host, port), SERVER_CHECK_TIMEOUT_S).close()
        except OSError as error:
            sys.exit(f"error: no database answers at {shown} ({error}). {fix}")
    if backend != "postgresql":
        return
    try:
        import psycopg2
    except ImportError:  # another driver: MLflow will say what is wrong, slowly
        return
    args = url.translate_connect_args(username="user", database="dbname")
    timeout = int(SERVER_CHECK_TIMEOUT_S)
    try:
        psycopg2.connect(**{**args, **url.query, "connect_timeout": timeout}).close()
    except psycopg2.Error as error:
        reason = " ".join(str(error).split()).replace(url.password or "\0", "***")
        sys.exit(f"error: could not log in to the database at {shown} ({reason}). {fix}")


def _create_store_once(uri: str, db: Path) -> None:
    """Create (migrate) a SQLite store under a file lock: concurrent migrations corrupt it."""
    import mlflow
    import mlflow.store.tracking.sqlalchemy_store  # its ~1 s import stays outside the lock
    from filelock import FileLock

    db.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{db}.lock", timeout=STORE_LOCK_TIMEOUT_S):
        # The first call builds the store; the process keeps it, tables and all.
        mlflow.MlflowClient(uri).search_experiments(max_results=1)


def connect() -> str:
    """Point MLflow at the course's tracking URI, ready to use; return the URI."""
    import mlflow

    uri = tracking_uri()
    mlflow.set_tracking_uri(uri)
    if uri.startswith(HTTP_SCHEMES):
        check_server(uri)
    elif uri.startswith(DATABASE_SCHEMES):
        check_database(uri)
    elif db := sqlite_path(uri):
        _create_store_once(uri, db)
    return uri


def get_or_create_experiment(name: str) -> str:
    """The id of experiment ``name``: created with its artifact location, restored if deleted."""
    import mlflow
    from mlflow.exceptions import MlflowException

    client = mlflow.MlflowClient()
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        try:
            return client.create_experiment(name, artifact_location=artifact_location(name))
        except MlflowException as error:  # another process created it a moment ago
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
            experiment = client.get_experiment_by_name(name)
    if experiment.lifecycle_stage == "deleted":
        client.restore_experiment(experiment.experiment_id)
        print(f"note: experiment {name!r} was deleted; restored it")
    return experiment.experiment_id


def use_experiment(name: str) -> str:
    """Connect, get or create experiment ``name`` and make it active; return its id.

    Started by ``mlflow run`` (lesson 26), a lesson keeps the project's experiment: MLflow
    has created the run already (``MLFLOW_RUN_ID``) in ``MLFLOW_EXPERIMENT_ID``, and
    ``start_run()`` refuses to resume it under another active experiment.
    """
    import mlflow

    connect()
    if os.environ.get("MLFLOW_RUN_ID") and (project := os.environ.get("MLFLOW_EXPERIMENT_ID")):
        return project
    experiment_id = get_or_create_experiment(name)
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


def free_port() -> int:
    """A TCP port nobody listens on right now, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True when a server could listen on ``port`` at ``host`` (the loopback by default).

    SO_REUSEADDR, as uvicorn binds: a port left in TIME_WAIT by a server just stopped is
    free, a port someone listens on is not.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def lesson_port(env_var: str, what: str) -> int:
    """The port for a lesson's own server: ``$env_var`` if set, else a free one.

    A bad or taken port exits here with one paragraph; uvicorn would fail later and deeper
    (``mlflow ui`` even exits 0 then: docs/troubleshooting.md §10).
    """
    value = os.environ.get(env_var)
    if not value:
        return free_port()
    unset = f"unset {env_var} to let the lesson pick a free port"
    if not (value.isdigit() and 0 < int(value) < 65536):
        sys.exit(f"error: {env_var}={value} is not a port (1 to 65535): fix it, or {unset}.")
    port = int(value)
    require_free_port(port, f"the lesson cannot start {what} there ({env_var}={port})", unset)
    return port


def require_free_port(port: int, consequence: str, fix: str, host: str = LOOPBACK) -> None:
    """Exit with one paragraph when someone listens on ``port``: what it prevents, who
    listens (``ss`` shows it) and ``fix``, the way out (another port, say)."""
    if not port_is_free(port, host):
        sys.exit(
            f"error: port {port} on {host} is already in use, so {consequence}. Stop what "
            f"listens on it (an earlier run, or another server: `ss -ltnp 'sport = :{port}'` "
            f"shows which), or {fix}."
        )


def _exit_on_sigterm(signum: int, frame: object) -> None:
    sys.exit(128 + signum)  # runs the `finally` blocks, which stop the server


def stop_process(process: subprocess.Popen, grace: float = SERVER_STOP_TIMEOUT_S) -> None:
    """Stop a process this one started: a server, a lesson, a command.

    SIGTERM to it (a lesson stops the servers it started on it, uvicorn shuts down
    gracefully), SIGKILL after ``grace`` seconds if it lingers; then SIGKILL to its process
    group, when it leads one (``start_new_session=True``), for any worker left behind.
    """
    if process.poll() is None:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    if process.poll() is None:
        process.kill()
    with suppress(ProcessLookupError, PermissionError):  # usually the group is gone already
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _wait_until_ready(process: subprocess.Popen, url: str, what: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            problem = f"it exited with code {process.returncode} before answering"
            break
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            problem = f"it did not answer within {SERVER_START_TIMEOUT_S:.0f} s"
            break
        time.sleep(0.2)
    tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-8:]
    sys.exit(
        f"error: {what} did not start: {problem} at {url}. Is the port taken, or the "
        f"store or artifact location unusable? Its last lines of output:\n  "
        + "\n  ".join(tail or ["(nothing)"])
    )


@contextmanager
def background_server(
    command: list[str], ready_url: str, *, what: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """Run ``command`` in the background until the ``with`` block ends.

    Waits until ``ready_url`` answers (at most ``SERVER_START_TIMEOUT_S``), then yields the
    process. On leaving the block, normally, on an error, on Ctrl-C or on SIGTERM, the
    server is stopped by its PID, so no server outlives the lesson. Its output goes to a
    temporary log, quoted if it fails to start.
    """
    previous_handler = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="course-server-") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            # Its own session: SIGKILL to its process group also reaches its workers.
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        try:
            _wait_until_ready(process, ready_url, what, log)
            yield process
        finally:
            stop_process(process)
            signal.signal(signal.SIGTERM, previous_handler)


def venv_env(**extra: str) -> dict[str, str]:
    """This process's environment with this interpreter's ``bin/`` first on ``PATH``.

    MLflow starts ``python``, ``uvicorn`` and ``mlflow`` by name (``mlflow run``,
    ``mlflow models serve``): they must be this venv's, even when a learner runs
    ``.venv/bin/python scripts/...`` without activating it.
    """
    bin_dir = str(Path(sys.executable).parent)
    path = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path, **extra}


def mlflow_cli(*args: str, timeout: float = CLI_TIMEOUT_S) -> str:
    """Run ``mlflow <args>`` against the course's store, printing it first; return its stdout.

    The printed line is ready to paste into a terminal where MLFLOW_TRACKING_URI is
    exported. It runs in this process, through MLflow's own command-line entry point
    (``mlflow.cli.cli``, the function the ``mlflow`` executable calls) with exactly these
    arguments: the same code and output as in a terminal, without a new interpreter and
    its ~3 s of imports per command. With ``COURSE_CLI=shell`` the printed line itself
    goes to ``bash -c`` instead, as pasted (the tests prove both ways do the same).
    A command that fails ends the lesson with its own error message and exit 1, not a
    traceback; in a shell, one that hangs is stopped after ``timeout`` seconds.
    """
    line = f"mlflow {shlex.join(args)}"
    print(f"$ {line}", flush=True)
    if os.environ.get(CLI_MODE_ENV) == "shell":
        code, out, err = _run_in_shell(line, timeout)
    else:
        code, out, err = _run_in_process(list(args))
    if code != 0:
        lines = (err or out).strip().splitlines()
        reason = next((line for line in reversed(lines) if line.strip()), "(no output)")
        sys.exit(f"error: `{line}` failed (exit {code}): {reason}")
    return out


def _run_in_shell(line: str, timeout: float) -> tuple[int, str, str]:
    """``bash -c <line>`` in the environment the lesson started with (not what it set
    since), this venv's bin/ first on PATH and MLFLOW_TRACKING_URI exported: a terminal."""
    path = os.pathsep.join([str(Path(sys.executable).parent), _TERMINAL_ENV.get("PATH", "")])
    env = {**_TERMINAL_ENV, "PATH": path, "MLFLOW_TRACKING_URI": tracking_uri()}
    try:
        done = subprocess.run(
            ["bash", "-c", line], env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        sys.exit(f"error: `{line}` did not finish within {timeout:.0f} s.")
    return done.returncode, done.stdout, done.stderr


def _run_in_process(args: list[str]) -> tuple[int, str, str]:
    """``mlflow.cli.cli`` called as the ``mlflow`` executable calls it; (exit code, out, err).

    MLFLOW_TRACKING_URI is set for the call, as the terminal exports it. An exception a
    terminal would show as a traceback becomes its last line, ``Type: message``.
    """
    import io
    from contextlib import redirect_stderr, redirect_stdout

    import click
    from mlflow.cli import cli

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = tracking_uri()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            returned = cli.main(args=args, prog_name="mlflow", standalone_mode=False)
        code = returned if isinstance(returned, int) else 0  # click returns ctx.exit()'s code
    except click.ClickException as error:  # a usage error: click's own message
        code, err = error.exit_code, io.StringIO(f"Error: {error.format_message()}")
    except click.exceptions.Abort:
        code, err = 1, io.StringIO("Aborted!")
    except SystemExit as error:  # sys.exit() inside a command: a code, or a message
        code = error.code or 0 if isinstance(error.code, int | None) else 1
        if code and not isinstance(error.code, int):
            err.write(f"\n{error.code}")
    except Exception as error:  # what a terminal shows as a traceback, cut to its last line
        code = 1
        err.write(f"\n{type(error).__name__}: {error}".rstrip())
    finally:
        if saved is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = saved
    return code, out.getvalue(), err.getvalue()


def load_iris_frame() -> pd.DataFrame:
    """Iris as one DataFrame: four float columns (``FEATURES``) and ``species`` names.

    Names rather than 0/1/2 make predictions readable and keep MLflow's schema free of
    integer columns (which it warns about, since they cannot hold missing values).
    """
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True)
    frame = iris.data.set_axis(FEATURES, axis="columns").astype("float64")
    frame[TARGET] = iris.target.map(dict(enumerate(SPECIES))).astype(str)
    return frame


def load_iris_split() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """``X_train, X_test, y_train, y_test``: a stratified, deterministic 75/25 split."""
    from sklearn.model_selection import train_test_split

    frame = load_iris_frame()
    return train_test_split(
        frame[FEATURES],
        frame[TARGET],
        test_size=TEST_SIZE,
        random_state=RANDOM_STATE,
        stratify=frame[TARGET],
    )


def register_champion_if_missing(name: str = REGISTERED_MODEL) -> str:
    """Registers a first version of ``name`` under the alias champion if no version has it;
    returns ``models:/<name>@champion``.

    Plumbing for the lessons that *use* a registered model (pyfunc loading, serving), so
    that each runs alone on an empty store; lesson 21 teaches the registry calls themselves.
    The new version's run goes to the active experiment.
    """
    import mlflow
    import pandas as pd
    from mlflow.exceptions import MlflowException
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression

    client = mlflow.MlflowClient()
    try:
        client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        X_train, _, y_train, _ = load_iris_split()
        model = LogisticRegression(max_iter=200, random_state=RANDOM_STATE).fit(X_train, y_train)
        predictions = pd.Series(model.predict(X_train), name=TARGET)
        with mlflow.start_run(run_name=f"{name}-first-{CHAMPION}"):
            info = mlflow.sklearn.log_model(
                model,
                name="model",
                signature=infer_signature(X_train, predictions),
                input_example=X_train.head(3),
                registered_model_name=name,
                pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
            )
        client.set_registered_model_alias(name, CHAMPION, info.registered_model_version)
        version = info.registered_model_version
        print(f"note: no {name}@{CHAMPION} yet; registered version {version} as it (see lesson 21)")
    return f"models:/{name}@{CHAMPION}"


def read_requirements(path: Path = REQUIREMENTS_FILE) -> dict[str, str]:
    """``{package: pinned version}`` for the lines of ``path`` that apply to this Python.

    Markers such as ``; python_version < "3.11"`` are evaluated, so a file can pin other
    versions for older interpreters.
    """
    from packaging.requirements import Requirement

    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            versions = [spec.version for spec in requirement.specifier if spec.operator == "=="]
            pins[requirement.name] = versions[0] if versions else ""
    return pins


def installed_versions(names: Iterable[str]) -> dict[str, str | None]:
    """``{package: installed version}``, None for a package that is not installed."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


@contextmanager
def as_user(username: str, password: str) -> Iterator[None]:
    """Within the block, MLflow's client sends ``username``/``password`` (HTTP basic auth) to
    the tracking server: the two variables it reads before each request, restored after."""
    names = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(dict(zip(names, (username, password), strict=True)))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
