"""Bad situations get one clear paragraph and a non-zero exit, within seconds: no traceback,
no hang. Each is staged for real (a package pinned that does not exist, a port held open,
a server that dies at start, a tracking server that is not there)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import (
    REPO_ROOT,
    SCRIPTS_DIR,
    Store,
    lesson_env,
    make_command,
    run_script,
    stack_command,
)

FAST_S = 15  # imports included: "within seconds" on a 2-core machine


def lesson(name: str, root: Path = SCRIPTS_DIR.parent) -> Path:
    (script,) = (root / "scripts").glob(f"code_{name}_*.py")
    return script


def timed(script: Path, cwd: Path, env: dict[str, str]):
    cwd.mkdir(exist_ok=True)
    start = time.monotonic()
    done = run_script(script, cwd, env)
    return done, time.monotonic() - start


def assert_one_paragraph(output: str, *phrases: str) -> None:
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    for phrase in phrases:
        assert phrase in errors[0], errors[0]


def test_00_missing_package(repo_copy: Path, tmp_path: Path) -> None:
    requirements = repo_copy / "requirements.txt"
    requirements.write_text(requirements.read_text() + "not-a-course-package==1.0\n")
    done, seconds = timed(lesson("00", repo_copy), tmp_path / "cwd", lesson_env(None))
    assert done.returncode != 0
    assert_one_paragraph(done.stdout, "not-a-course-package==1.0", "make install")
    assert seconds < FAST_S
    # It stopped before touching the store: no experiment was created.
    assert Store(repo_copy).client.get_experiment_by_name("00-installation") is None


def run_with_seaborn_pinned_wrong(name: str, repo_copy: Path, tmp_path: Path):
    """Lesson ``name`` against a requirements.txt pinning seaborn 0.0.1: it must still run."""
    requirements = repo_copy / "requirements.txt"
    requirements.write_text(requirements.read_text().replace("seaborn==", "seaborn==0.0.1 #"))
    done, _ = timed(lesson(name, repo_copy), tmp_path / "cwd", lesson_env(None))
    assert done.returncode == 0, done.stdout
    return done


def test_00_version_drift_is_a_warning(repo_copy: Path, tmp_path: Path) -> None:
    done = run_with_seaborn_pinned_wrong("00", repo_copy, tmp_path)
    assert "warning: seaborn" in done.stdout
    assert "pins 0.0.1" in done.stdout


def test_02_reports_the_line_that_differs(repo_copy: Path, tmp_path: Path) -> None:
    done = run_with_seaborn_pinned_wrong("02", repo_copy, tmp_path)
    assert "seaborn==0.0.1 differs" in done.stdout
    store = Store(repo_copy)
    (run,) = store.runs("02-requirements")
    assert run.data.tags["requirements_match"] == "false"
    differences = store.read_artifact(run.info.run_id, "environment/differences.txt", tmp_path)
    assert differences.decode().startswith("seaborn==0.0.1 differs: installed ")
    installed = json.loads(
        store.read_artifact(run.info.run_id, "environment/installed.json", tmp_path)
    )
    assert installed["pinned"]["seaborn"] == "0.0.1"


@pytest.mark.parametrize(
    ("name", "variable"), [("03", "COURSE_SERVER_PORT"), ("30", "COURSE_SERVE_PORT")]
)
def test_server_port_already_taken(name: str, variable: str, store: Store, tmp_path: Path) -> None:
    """Lesson 03's tracking server and lesson 30's model server, on a port someone holds."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = lesson_env(store, **{variable: str(port)})
        done, seconds = timed(lesson(name), tmp_path / "cwd", env)
    assert done.returncode != 0
    assert_one_paragraph(done.stdout, f"port {port}", "already in use", f"unset {variable}")
    assert seconds < FAST_S


def test_03_server_that_dies_at_start(store: Store, tmp_path: Path) -> None:
    # `mlflow server` runs `python -m uvicorn`: a uvicorn that refuses to start, found first
    # on PYTHONPATH, makes the real server die before it answers.
    fake = tmp_path / "fake-uvicorn"
    fake.mkdir()
    (fake / "uvicorn.py").write_text('raise SystemExit("uvicorn refused to start (test)")\n')
    env = lesson_env(store, PYTHONPATH=str(fake))
    done, seconds = timed(lesson("03"), tmp_path / "cwd", env)
    assert done.returncode != 0
    assert_one_paragraph(done.stdout, "the mlflow server did not start", "exited with code")
    assert "uvicorn refused to start (test)" in done.stdout  # its own words, quoted
    assert seconds < 2 * FAST_S


def test_tracking_server_not_up(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and nobody will listen there
    env = lesson_env(None, MLFLOW_TRACKING_URI=f"http://127.0.0.1:{port}")
    done, seconds = timed(lesson("07"), tmp_path / "cwd", env)
    assert done.returncode != 0
    assert_one_paragraph(done.stdout, f"http://127.0.0.1:{port}", "make ui")
    assert seconds < FAST_S


@pytest.mark.parametrize("name", ["00", "07"])
def test_lesson_from_another_directory_uses_the_repository_store(
    name: str, repo_copy: Path, tmp_path: Path
) -> None:
    """`cd /tmp && python <repo>/scripts/code_07_tags.py` writes to <repo>/mlflow.db."""
    cwd = tmp_path / "elsewhere"
    done, _ = timed(lesson(name, repo_copy), cwd, lesson_env(None))
    assert done.returncode == 0, done.stdout
    assert not any(cwd.iterdir()), list(cwd.iterdir())
    store = Store(repo_copy)
    (experiment,) = [e for e in store.client.search_experiments() if e.name.startswith(name)]
    assert experiment.artifact_location == (repo_copy / "mlartifacts" / experiment.name).as_uri()
    assert store.runs(experiment.name)


def test_make_ui_port_already_taken() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        start = time.monotonic()
        done = subprocess.run(
            make_command("ui", f"PORT={port}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=60,
            env=lesson_env(None),
        )
    assert done.returncode != 0
    assert_one_paragraph(done.stdout, f"port {port}", "already in use", "make ui PORT=")
    assert time.monotonic() - start < FAST_S


def test_30_model_server_that_dies_at_start(store: Store, tmp_path: Path) -> None:
    """A model the registry does not have: `mlflow models serve` exits; the lesson says so
    in one paragraph quoting the server's own words, and stops."""
    env = lesson_env(store, COURSE_SERVE_MODEL="models:/no-such-model@champion")
    done, seconds = timed(lesson("30"), tmp_path / "cwd", env)
    assert done.returncode != 0
    assert_one_paragraph(done.stdout, "mlflow models serve did not start", "exited with code")
    assert "no-such-model" in done.stdout
    assert seconds < 4 * FAST_S


def test_11_stack_not_running(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and no stack's server will listen there
    env = lesson_env(None, COURSE_MLFLOW_PORT=str(port))
    done, seconds = timed(lesson("11"), tmp_path / "cwd", env)
    assert done.returncode != 0
    assert_one_paragraph(done.stdout, f"http://127.0.0.1:{port}", "make stack-up")
    assert seconds < 10


def test_stack_up_refuses_a_taken_port(tmp_path: Path) -> None:
    """make stack-up's tool, with PostgreSQL's port held by someone else: one line, exit != 0,
    nothing started."""
    folder = Path(tempfile.mkdtemp(prefix="course-stack-test-", dir="/tmp"))
    try:
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = holder.getsockname()[1]
            env = {"COURSE_STACK_DIR": str(folder), "COURSE_PG_PORT": str(port)}
            start = time.monotonic()
            done = stack_command("up", env)
        assert done.returncode != 0
        assert_one_paragraph(done.stdout + done.stderr, f"port {port}", "already in use")
        assert time.monotonic() - start < FAST_S
        assert "running" not in stack_command("status", env).stdout
    finally:
        stack_command("clean", env)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(
    ("setting", "phrases"),
    [
        ({"COURSE_CHROMIUM": "/nonexistent/chromium"}, ["apt-get install chromium"]),
        ({"MLFLOW_TRACKING_URI": "sqlite:////nonexistent/mlflow.db"}, ["make all"]),
    ],
)
def test_ui_check_without_browser_or_store(
    setting: dict, phrases: list, store: Store, tmp_path: Path
) -> None:
    """`make ui-check` with no Chromium (on a store), or before any lesson ran (whether a
    browser is there or not: the store is checked first): one line, exit 1."""
    env = lesson_env(store, **setting)
    start = time.monotonic()
    done = run_script(REPO_ROOT / "tools" / "ui_check.py", tmp_path, env)
    assert time.monotonic() - start < FAST_S
    assert done.returncode == 1, done.stdout
    assert_one_paragraph(done.stdout, *phrases)


def database_uri(port: int) -> str:
    """A PostgreSQL URI of the course's stack shape, password and all, on ``port``."""
    return f"postgresql+psycopg2://mlflow:not-to-print@127.0.0.1:{port}/mlflow"


def test_database_not_up(tmp_path: Path) -> None:
    """MLFLOW_TRACKING_URI names a PostgreSQL nobody runs: one paragraph within seconds
    (MLflow alone retries for ~100 s, then shows SQLAlchemy's traceback), password masked."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and nobody will listen there
    env = lesson_env(None, MLFLOW_TRACKING_URI=database_uri(port))
    done, seconds = timed(lesson("07"), tmp_path / "cwd", env)
    assert done.returncode != 0
    shown = f"postgresql+psycopg2://mlflow:***@127.0.0.1:{port}/mlflow"
    assert_one_paragraph(done.stdout, f"no database answers at {shown}", "make stack-up")
    assert "not-to-print" not in done.stdout
    assert seconds < 10


def test_database_that_does_not_log_in(tmp_path: Path) -> None:
    """A port that accepts connections but never speaks PostgreSQL (a login that cannot
    succeed): the login attempt gives up after its timeout, in one paragraph."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever answers
        port = silent.getsockname()[1]
        env = lesson_env(None, MLFLOW_TRACKING_URI=database_uri(port))
        done, seconds = timed(lesson("07"), tmp_path / "cwd", env)
    assert done.returncode != 0
    assert_one_paragraph(done.stdout, "could not log in", "mlflow:***@", "make stack-up")
    assert "not-to-print" not in done.stdout
    assert seconds < 10 + 3  # the login's own timeout, course.SERVER_CHECK_TIMEOUT_S
