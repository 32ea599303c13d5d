"""Test harness: run lessons as a learner does, each against a store of its own.

* A SQLite store is migrated once per test session (under a lock shared by the xdist
  workers) and copied for each test: a copy costs milliseconds, a migration 1-2 s.
* A lesson runs as a subprocess, `python scripts/code_NN_*.py`, from an empty temporary
  current directory, with MLFLOW_TRACKING_URI pointing at the test's store; the test then
  reads the lesson's effect back through MlflowClient.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import pytest
from filelock import FileLock
from mlflow.entities import Experiment, Run

import course
from course import REPO_ROOT, SCRIPTS_DIR

LESSONS = course.lessons()
LESSON_TIMEOUT_S = 300
STOP_GRACE_S = 20
# Variables of the learner's shell that would change what a lesson does.
COURSE_VARIABLES = (
    "MLFLOW_TRACKING_URI",
    "COURSE_ARTIFACT_ROOT",
    "COURSE_SERVER_PORT",
    "COURSE_STACK_DIR",
    "COURSE_PG_PORT",
    "COURSE_S3_PORT",
    "COURSE_MLFLOW_PORT",
)
STACK_TOOL = REPO_ROOT / "tools" / "stack.py"
# The suite ends when its last test does: on 2 workers, the longest (30 to 60 s: a stack, a
# project, commands pasted into bash, a browser) start first, the short ones fill the gaps.
LONGEST_FIRST = (
    "test_lesson[code_29_",
    "test_lesson[code_11_",
    "test_lesson[code_28_",
    "test_lesson[code_26_",
    "test_ui_browser.py",
    "test_against_a_tracking_server",
    "test_lesson[code_30_",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not any(key in item.nodeid for key in LONGEST_FIRST))


@pytest.fixture(scope="session", autouse=True)
def groups_stay_on_one_worker(request: pytest.FixtureRequest) -> None:
    """Fail every test at once if `--dist loadgroup` would scatter a group over the workers.

    The team-stack and browser tests build on each other's data: one module fixture, one
    worker. xdist 3.8 groups tests by appending "@group" to their node ids; pytest 9.2
    ignores that write (pytest-xdist#1386), and the tests would fail far from the cause.
    """
    if not request.config.getoption("loadgroup", default=False):
        return
    scattered = [
        item.nodeid
        for item in request.session.items
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid
    ]
    if scattered:
        pytest.fail(
            f"--dist loadgroup does not group tests with pytest {pytest.__version__} "
            f"({scattered[0]} has no @group): install requirements-dev.txt's pins "
            "(make install-dev).",
            pytrace=False,
        )


@dataclass
class Store:
    """A test's own tracking store: root/mlflow.db, artifacts in root/mlartifacts."""

    root: Path

    @property
    def db(self) -> Path:
        return self.root / "mlflow.db"

    @property
    def uri(self) -> str:
        return f"sqlite:///{self.db}"

    @property
    def artifacts(self) -> Path:
        return self.root / "mlartifacts"

    @property
    def client(self) -> mlflow.MlflowClient:
        return mlflow.MlflowClient(self.uri)

    @contextmanager
    def active(self) -> Iterator[mlflow.MlflowClient]:
        """Make this store MLflow's current one (for models:/ URIs), then forget it."""
        mlflow.set_tracking_uri(self.uri)
        try:
            yield self.client
        finally:
            mlflow.set_tracking_uri(None)

    def experiment(self, name: str) -> Experiment:
        experiment = self.client.get_experiment_by_name(name)
        assert experiment is not None, f"experiment {name!r} is not in the store"
        return experiment

    def runs(self, experiment_name: str, filter_string: str = "") -> list[Run]:
        """All runs of an experiment, oldest first."""
        return self.client.search_runs(
            [self.experiment(experiment_name).experiment_id],
            filter_string=filter_string,
            order_by=["attributes.start_time ASC"],
            max_results=1000,
        )

    def artifact_paths(self, run_id: str, path: str | None = None) -> set[str]:
        """Every file a run logged, recursively."""
        found = set()
        for info in self.client.list_artifacts(run_id, path):
            found |= self.artifact_paths(run_id, info.path) if info.is_dir else {info.path}
        return found

    def read_artifact(self, run_id: str, path: str, tmp: Path) -> bytes:
        local = mlflow.artifacts.download_artifacts(
            run_id=run_id, artifact_path=path, dst_path=str(tmp), tracking_uri=self.uri
        )
        return Path(local).read_bytes()


@dataclass
class ServedStore(Store):
    """The same store read through an `mlflow server` on it (``tracking_server``): every read,
    artifacts too, goes over HTTP as a team's client does."""

    url: str = ""

    @property
    def uri(self) -> str:
        return self.url


@contextmanager
def tracking_server(store: Store, artifacts: Path) -> Iterator[str]:
    """`mlflow server` on ``store``'s database (one worker, on a free port), proxying the
    artifacts it is sent to ``artifacts``; yields its URL, stops it after."""
    url = f"http://{course.LOOPBACK}:{course.free_port()}"
    command = [
        *(sys.executable, "-m", "mlflow", "server", "--backend-store-uri", store.uri),
        *("--artifacts-destination", artifacts.as_uri(), "--workers", "1"),
        *("--host", course.LOOPBACK, "--port", url.rpartition(":")[2]),
    ]
    env = lesson_env(None, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    with course.background_server(command, f"{url}/health", what="mlflow server", env=env):
        yield url


@dataclass
class Lesson:
    """A lesson script and what its replays printed."""

    script: Path
    store: Store
    tmp: Path
    outputs: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # the variables it was replayed with

    @property
    def number(self) -> str:
        return course.lesson_number(self.script)


def lesson_env(store: Store | None, **extra: str) -> dict[str, str]:
    """The environment a learner's activated venv gives (course.venv_env), without the
    variables that would point a lesson elsewhere, on ``store`` when one is given."""
    env = {k: v for k, v in course.venv_env().items() if k not in COURSE_VARIABLES}
    env["MLFLOW_DISABLE_TELEMETRY"] = "true"
    if store is not None:
        env["MLFLOW_TRACKING_URI"] = store.uri
    env.update(extra)
    return env


def make_command(*args: str) -> list[str]:
    """``make <args>`` in the repository, on the venv running the tests; skips the test when
    that is not the repository's own venv (make would build another)."""
    venv = Path(sys.prefix)
    if not venv.is_relative_to(REPO_ROOT) or not shutil.which("make"):
        pytest.skip("the tests do not run from the repository's own venv (make install)")
    return [
        "make",
        "--no-print-directory",
        "-C",
        str(REPO_ROOT),
        *args,
        f"VENV={venv.relative_to(REPO_ROOT)}",
    ]


def run_script(
    script: Path, cwd: Path, env: dict[str, str], timeout: float = LESSON_TIMEOUT_S
) -> subprocess.CompletedProcess:
    """``python <script>``, as a learner runs a lesson (see run_command)."""
    return run_command([sys.executable, str(script)], cwd, env, timeout)


def run_command(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float = LESSON_TIMEOUT_S
) -> subprocess.CompletedProcess:
    """Run a command in its own process group, stdout and stderr together; on timeout
    stop it (its servers stop with it, course.stop_process) and fail the test, so nothing
    outlives a failing test."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        course.stop_process(process, STOP_GRACE_S)
        output, _ = process.communicate()
        pytest.fail(f"{shlex.join(command)} did not finish within {timeout} s:\n{output}")
    return subprocess.CompletedProcess(process.args, process.returncode, output)


def assert_left_nothing(cwd: Path) -> None:
    """A lesson writes to the store, plots/ and data/, never to the current directory."""
    assert not any(cwd.iterdir()), f"left files in the cwd: {list(cwd.iterdir())}"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, empty store per session, shared by the xdist workers."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    db = shared / "template-store" / "mlflow.db"
    db.parent.mkdir(exist_ok=True)
    with FileLock(f"{db}.lock"):
        if not db.exists():
            building = db.with_suffix(".building")
            mlflow.MlflowClient(f"sqlite:///{building}").search_experiments(max_results=1)
            building.rename(db)
    return db


@pytest.fixture
def store(tmp_path: Path, template_db: Path) -> Store:
    root = tmp_path / "store"
    root.mkdir()
    shutil.copyfile(template_db, root / "mlflow.db")
    return Store(root)


# Sourced by every non-interactive bash before its command: log the command as it was given.
BASH_LOG_HOOK = 'printf "%s\\n" "$BASH_EXECUTION_STRING" >> "$COURSE_BASH_LOG"\n'


def in_a_terminal(folder: Path) -> tuple[dict[str, str], Path]:
    """The variables that make course.mlflow_cli paste each printed `mlflow` line into
    `bash -c` (COURSE_CLI=shell), and the log where BASH_ENV writes what bash was given."""
    hook, log = folder / "bash_env.sh", folder / "bash.log"
    hook.write_text(BASH_LOG_HOOK, encoding="utf-8")
    log.unlink(missing_ok=True)
    return {"COURSE_CLI": "shell", "BASH_ENV": str(hook), "COURSE_BASH_LOG": str(log)}, log


@pytest.fixture
def replay(tmp_path: Path, store: Store):
    """replay(script, times=1): run a lesson `times` times from an empty cwd, each must
    exit 0 and leave the cwd empty; returns the Lesson with every replay's output.

    With last_in_shell=True, the last replay pastes every `mlflow` command the lesson prints
    into a real shell instead of running it in the lesson's process (see course.mlflow_cli):
    bash must have been given exactly the printed lines, in order, and nothing else. The
    check then reads that replay's effects from the store like the others'."""

    def _replay(script: Path, times: int = 1, last_in_shell: bool = False, **env: str) -> Lesson:
        lesson = Lesson(script, store, tmp_path, env=env)
        cwd = tmp_path / "cwd"
        cwd.mkdir(exist_ok=True)
        for attempt in range(1, times + 1):
            shell, log = (
                in_a_terminal(tmp_path) if last_in_shell and attempt == times else ({}, None)
            )
            start = time.monotonic()
            done = run_script(script, cwd, lesson_env(store, **env, **shell))
            seconds = time.monotonic() - start
            how = " in a shell" if shell else ""
            assert done.returncode == 0, (
                f"{script.name} (replay {attempt}{how}) exited {done.returncode} after "
                f"{seconds:.1f} s:\n{done.stdout}"
            )
            assert "Traceback" not in done.stdout, done.stdout
            assert_left_nothing(cwd)
            if log is not None:
                printed = [line[2:] for line in done.stdout.splitlines() if line.startswith("$ ")]
                assert printed, done.stdout
                assert all(line.startswith("mlflow ") for line in printed), printed
                assert log.read_text(encoding="utf-8").splitlines() == printed
            lesson.outputs.append(done.stdout)
        return lesson

    return _replay


@pytest.fixture
def repo_copy(tmp_path: Path, template_db: Path) -> Path:
    """A copy of the repository's scripts and requirements.txt, with a migrated store at
    its root: a lesson run from it believes this is the repository."""
    root = tmp_path / "repo"
    shutil.copytree(SCRIPTS_DIR, root / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(REPO_ROOT / "requirements.txt", root / "requirements.txt")
    for folder in ("plots", "data"):
        (root / folder).mkdir()
    shutil.copyfile(template_db, root / "mlflow.db")
    return root


def stack_command(action: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(STACK_TOOL), action],
        env=lesson_env(None, **env),
        capture_output=True,
        text=True,
        timeout=180,
    )


# A stack holds ~1.5 GB and, while it starts, most of a core: one test stack at a time on
# the machine, whatever the xdist worker.
STACK_LOCK = Path("/tmp/course-stack-test.lock")


@contextmanager
def running_stack() -> Iterator[dict[str, str]]:
    """Lesson 11's stack (PostgreSQL, SeaweedFS, two mlflow servers with logins) on free
    ports, in a folder of its own that the postgres user can reach; stopped and deleted
    afterwards, pass or fail. Yields the variables that point the course's code at it
    (COURSE_*), with the admin's login (MLFLOW_TRACKING_USERNAME / PASSWORD)."""
    import tempfile

    with FileLock(STACK_LOCK):
        folder = Path(tempfile.mkdtemp(prefix="course-stack-test-", dir="/tmp"))
        folder.chmod(0o755)
        ports: set[int] = set()
        while len(ports) < 4:  # four distinct ones
            ports.add(course.free_port())
        names = ("COURSE_PG_PORT", "COURSE_S3_PORT", "COURSE_MLFLOW_PORT", "COURSE_MLFLOW_PORT_2")
        env = {
            "COURSE_STACK_DIR": str(folder),
            **{name: str(port) for name, port in zip(names, sorted(ports), strict=True)},
            # The admin's, as this process's course module read them: the stack's tool gets
            # the same, whatever the test's environment strips.
            "COURSE_ADMIN_USERNAME": course.STACK_ADMIN_USERNAME,
            "COURSE_ADMIN_PASSWORD": course.STACK_ADMIN_PASSWORD,
            **course.STACK_CREDENTIALS,
        }
        try:
            done = stack_command("up", env)
            assert done.returncode == 0, done.stdout + done.stderr
            yield env
        finally:
            stack_command("clean", env)
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def stack() -> Iterator[dict[str, str]]:
    """A test's own stack: see running_stack."""
    with running_stack() as env:
        yield env
