"""The team stack of `make stack-up` (tools/stack.py): two mlflow servers with logins, one store.

One stack for the whole module (it takes 15-30 s to start), on one xdist worker. The tests run
in this file's order and build on each other's data: a run, a user and her
permission, a model version, then a server killed and brought back, then the whole stack
stopped and started again. What they prove: every request but /health asks for a login (401),
every listener is on the loopback, either server serves what the other wrote, even while the
other is down; the logins live in PostgreSQL with the rest and survive a restart; the two
servers stay under 1.5 GB; and nothing printed, logged or on a command line holds a password.
"""

from __future__ import annotations

import base64
import os
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import mlflow
import pytest
from conftest import lesson_env, run_script, running_stack, stack_command
from mlflow.exceptions import MlflowException
from mlflow.server import get_app_client

import course
from course import SCRIPTS_DIR

pytestmark = [
    pytest.mark.xdist_group("team-stack"),
    # Raised by MLflow's own server module, which get_app_client imports.
    pytest.mark.filterwarnings("ignore:starlette.middleware.wsgi is deprecated"),
]

SERVERS = ("mlflow-server", "mlflow-server-2")
MEMORY_CAP = 1.5 * 2**30  # the two servers together, each with its children
SERVER_CAP = 0.8 * 2**30
FAST_S = 2.0  # a refused login: one password check (~0.4 s of CPU here)
# What the basic-auth app refuses without a login: the REST API, the UI's own API, the UI
# itself, the artifacts, the server's version, the native FastAPI routes (jobs, OTLP traces).
PROTECTED = [
    ("GET", "/"),
    ("GET", "/version"),
    ("GET", "/api/2.0/mlflow/experiments/search?max_results=1"),
    ("POST", "/api/2.0/mlflow/experiments/create"),
    ("POST", "/api/2.0/mlflow/runs/search"),
    ("GET", "/ajax-api/2.0/mlflow/experiments/search?max_results=1"),
    ("GET", "/api/2.0/mlflow/users/current"),
    ("GET", "/api/2.0/mlflow-artifacts/artifacts"),
    ("GET", "/get-artifact?path=x&run_uuid=y"),
    ("GET", "/ajax-api/3.0/jobs/x"),
    ("POST", "/v1/traces"),
]
# What it answers to anyone (mlflow/server/auth/__init__.py, is_unprotected_route): the health
# check, the server's capabilities, and the UI's static files ("/static" is a prefix, so
# /static-files/ too); the page holds no data, which the API behind it refuses.
PUBLIC = ["/health", "/api/3.0/mlflow/server-info", "/static-files/index.html"]
NOT_AUTHENTICATED = "You are not authenticated."
ALICE, ALICE_PASSWORD = "carol", "carol-team-password"  # lesson 31 has its alice
WRONG_PASSWORD = "not-the-admin-password"
SECRETS = {
    course.STACK_ADMIN_PASSWORD,
    course.STACK_PG_PASSWORD,
    course.STACK_S3_SECRET,
    course.STACK_SECRET_KEY,
    ALICE_PASSWORD,
    WRONG_PASSWORD,
}


@dataclass
class Team:
    """The stack's variables (conftest.running_stack), and what the tests leave for later ones."""

    env: dict[str, str]
    printed: list[str] = field(default_factory=list)  # every output of tools/stack.py
    saved: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return Path(self.env["COURSE_STACK_DIR"])

    @property
    def uris(self) -> tuple[str, str]:
        ports = self.env["COURSE_MLFLOW_PORT"], self.env["COURSE_MLFLOW_PORT_2"]
        return tuple(f"http://127.0.0.1:{port}" for port in ports)

    def stack(self, action: str, **env: str) -> str:
        done = stack_command(action, {**self.env, **env})
        output = done.stdout + done.stderr
        self.printed.append(output)
        if not env:
            assert done.returncode == 0, output
        return output

    def pid(self, name: str) -> int:
        return int((self.folder / f"{name}.pid").read_text().split()[0])


@pytest.fixture(scope="module")
def team() -> Iterator[Team]:
    with running_stack() as env:
        yield Team(env)


@contextmanager
def login(username: str, password: str) -> Iterator[None]:
    """MLflow's clients send the login of these two variables with every request."""
    variables = {"MLFLOW_TRACKING_USERNAME": username, "MLFLOW_TRACKING_PASSWORD": password}
    with mock.patch.dict(os.environ, variables):
        yield


def as_admin() -> AbstractContextManager[None]:
    return login(course.STACK_ADMIN_USERNAME, course.STACK_ADMIN_PASSWORD)


def call(uri: str, method: str, path: str, auth: tuple[str, str] | None = None):
    """Plain urllib, no MLflow: (status, WWW-Authenticate header, body, seconds)."""
    body = b"{}" if method == "POST" else None
    request = urllib.request.Request(f"{uri}{path}", data=body, method=method)
    request.add_header("Content-Type", "application/json")
    if auth:
        token = base64.b64encode(":".join(auth).encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, text = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, text = error.code, error.headers, error.read()
    challenge = headers.get("WWW-Authenticate")
    return status, challenge, text.decode(errors="replace"), time.monotonic() - start


def answers(uri: str) -> bool:
    try:
        urllib.request.urlopen(f"{uri}/health", timeout=2).close()
    except OSError:
        return False
    return True


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with suppress(OSError):  # the task ended meanwhile
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def listeners(pids: list[int]) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN and every bound UDP socket of ``pids``,
    from /proc/net: addresses in hexadecimal, IPv4 as a little-endian word."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table in ("tcp", "tcp6", "udp", "udp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if inode not in inodes or (table.startswith("tcp") and state != "0A"):
                continue
            address, port = local.split(":")
            if len(address) == 8:
                address = ".".join(str(b) for b in reversed(bytes.fromhex(address)))
            found.add((address, int(port, 16)))
    return found


def stack_pids(team: Team) -> list[int]:
    postmaster = team.folder / "postgres" / "postmaster.pid"
    roots = [int(postmaster.read_text().split()[0])]
    roots += [team.pid(name) for name in ("seaweedfs", *SERVERS)]
    return [pid for root in roots for pid in process_tree(root)]


def test_status_shows_both_servers(team: Team) -> None:
    output = team.stack("status")
    for name, uri in zip(SERVERS, team.uris, strict=True):
        (line,) = [line for line in output.splitlines() if line.split()[0] == name]
        assert "running" in line, output
        assert line.endswith(uri), output


@pytest.mark.parametrize("server", [0, 1], ids=SERVERS)
def test_every_request_without_a_login_gets_401(team: Team, server: int) -> None:
    uri = team.uris[server]
    for method, path in PROTECTED:
        status, challenge, body, _ = call(uri, method, path)
        assert (status, challenge) == (401, 'Basic realm="mlflow"'), (method, path, body)
        assert body.startswith(NOT_AUTHENTICATED), (method, path, body)
    for path in PUBLIC:
        assert call(uri, "GET", path)[0] == 200, path
    # With the admin's login, the same requests go through.
    admin = (course.STACK_ADMIN_USERNAME, course.STACK_ADMIN_PASSWORD)
    assert call(uri, "GET", "/", admin)[0] == 200
    assert call(uri, "GET", PROTECTED[2][1], admin)[0] == 200


def test_a_wrong_password_gets_401_fast(team: Team) -> None:
    for who in (course.STACK_ADMIN_USERNAME, "nobody"):
        for uri in team.uris:
            status, challenge, body, seconds = call(uri, "GET", "/", (who, WRONG_PASSWORD))
            assert (status, challenge) == (401, 'Basic realm="mlflow"'), body
            assert body.startswith(NOT_AUTHENTICATED), body
            assert seconds < FAST_S, f"{who} on {uri}: {seconds:.2f} s"


def test_every_listener_is_on_the_loopback(team: Team) -> None:
    found = listeners(stack_pids(team))
    assert {address for address, _ in found} == {"127.0.0.1"}, found
    ports = {int(port) for name, port in team.env.items() if name.endswith(("_PORT", "_PORT_2"))}
    assert len(ports) == 4, team.env
    assert ports <= {port for _, port in found}, found


def test_no_command_line_holds_a_password(team: Team) -> None:
    """`ps` shows every process's command line to every user of the machine: the stack's
    processes (PostgreSQL, SeaweedFS, both servers and their workers) hold no secret there."""
    pids = stack_pids(team)
    assert len(pids) >= 6, pids  # postgres and its helpers, weed, 2 servers and 2 workers
    for pid in pids:
        with suppress(FileNotFoundError):  # a postgres helper may come and go
            words = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            if found := [secret for secret in SECRETS if secret in words]:  # not in the report
                pytest.fail(f"pid {pid}'s command line holds {len(found)} secret(s)")
    servers = [Path(f"/proc/{team.pid(name)}/cmdline").read_bytes() for name in SERVERS]
    assert all(b"--backend-store-uri\0postgresql+psycopg2://mlflow@" in s for s in servers)


def test_a_run_written_through_one_server_is_read_through_the_other(
    team: Team, tmp_path: Path
) -> None:
    first, second = team.uris
    with as_admin():
        writer = mlflow.MlflowClient(first)
        experiment_id = writer.create_experiment("team-shared")
        run = writer.create_run(experiment_id, run_name="written-through-server-1")
        writer.log_param(run.info.run_id, "server", "1")
        writer.log_metric(run.info.run_id, "accuracy", 0.97)
        writer.log_text(run.info.run_id, "one store, two servers\n", "notes/team.txt")
        writer.set_terminated(run.info.run_id)

        reader = mlflow.MlflowClient(second)
        read = reader.get_run(run.info.run_id)
        text = Path(reader.download_artifacts(run.info.run_id, "notes/team.txt", str(tmp_path)))
    assert read.info.run_name == "written-through-server-1"
    assert read.info.status == "FINISHED"
    assert read.data.params == {"server": "1"}
    assert read.data.metrics == {"accuracy": 0.97}
    assert text.read_text() == "one store, two servers\n"
    team.saved.update(experiment=experiment_id, run=run.info.run_id)


def test_a_user_reads_everything_and_writes_where_allowed(team: Team) -> None:
    """Users and permissions, created through one server, hold on the other; a user without a
    grant gets default_permission, READ: she reads an experiment, 403 when she writes."""
    first, second = team.uris
    with as_admin():
        admin = get_app_client("basic-auth", tracking_uri=first)
        admin.create_user(ALICE, ALICE_PASSWORD)
        hers = mlflow.MlflowClient(first).create_experiment("team-alice")
        admin.grant_user_permission(ALICE, "experiment", hers, "EDIT")
    with login(ALICE, ALICE_PASSWORD):
        client = mlflow.MlflowClient(second)
        assert client.get_run(team.saved["run"]).data.params == {"server": "1"}
        client.set_terminated(client.create_run(hers).info.run_id)
        with pytest.raises(MlflowException) as refused:
            client.create_run(team.saved["experiment"])
        assert refused.value.get_http_status_code() == 403
        with pytest.raises(MlflowException) as not_admin:
            get_app_client("basic-auth", tracking_uri=second).create_user("bob", ALICE_PASSWORD)
        assert not_admin.value.get_http_status_code() == 403
    team.saved["alice_experiment"] = hers


def test_the_two_servers_use_under_1_5_gb(team: Team) -> None:
    used = {name: sum(rss(pid) for pid in process_tree(team.pid(name))) for name in SERVERS}
    report = ", ".join(f"{name} {size / 2**20:.0f} MiB" for name, size in used.items())
    assert all(size < SERVER_CAP for size in used.values()), report
    assert sum(used.values()) < MEMORY_CAP, report


def test_lesson_11_without_a_login_stops_in_one_paragraph(team: Team, tmp_path: Path) -> None:
    env = lesson_env(None, **team.env)
    for name in course.STACK_CREDENTIALS:
        env.pop(name)
    (script,) = SCRIPTS_DIR.glob("code_11_*.py")
    start = time.monotonic()
    done = run_script(script, tmp_path, env)
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stdout, done.stdout
    (error,) = [line for line in done.stdout.splitlines() if line.startswith("error: ")]
    assert "(401)" in error
    assert "MLFLOW_TRACKING_USERNAME" in error
    assert time.monotonic() - start < 15


def test_one_server_down_the_other_serves(team: Team) -> None:
    first, second = team.uris
    os.killpg(team.pid("mlflow-server"), signal.SIGKILL)  # a crash: the server and its worker
    deadline = time.monotonic() + 10
    while answers(first) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not answers(first)
    (line,) = [line for line in team.stack("status").splitlines() if "mlflow-server " in line]
    assert "stopped" in line

    with as_admin():
        client = mlflow.MlflowClient(second)
        assert client.get_run(team.saved["run"]).info.status == "FINISHED"
        run = client.create_run(team.saved["experiment"], run_name="while-server-1-was-down")
        client.set_terminated(run.info.run_id)

    # Started with another admin password than the stack was created with, it refuses to
    # come up, and says so without printing either password.
    refused = team.stack("up", COURSE_ADMIN_PASSWORD=WRONG_PASSWORD)
    assert "error: mlflow-server refuses the admin" in refused, refused
    assert "COURSE_ADMIN_PASSWORD" in refused
    assert not answers(first)

    output = team.stack("up")
    assert "mlflow-server-2 already running" in output
    assert answers(first)
    with as_admin():
        back = mlflow.MlflowClient(first).get_run(run.info.run_id)
    assert back.info.run_name == "while-server-1-was-down"


def test_down_and_up_keep_users_permissions_runs_and_models(team: Team) -> None:
    first, second = team.uris
    with as_admin():
        client = mlflow.MlflowClient(first)
        client.create_registered_model("team-model")
        source = f"runs:/{team.saved['run']}/notes"
        client.create_model_version("team-model", source, run_id=team.saved["run"])

    team.stack("down")
    assert not any(answers(uri) for uri in team.uris)
    team.stack("up")

    with as_admin():
        admin = get_app_client("basic-auth", tracking_uri=second)
        assert not admin.get_user(ALICE).is_admin
        permission = admin.get_user_permission(ALICE, "experiment", team.saved["alice_experiment"])
        assert permission.permission == "EDIT"
        client = mlflow.MlflowClient(first)
        assert client.get_run(team.saved["run"]).data.metrics == {"accuracy": 0.97}
        assert client.get_model_version("team-model", "1").source == source
    with login(ALICE, ALICE_PASSWORD):  # her password too
        assert mlflow.MlflowClient(second).get_experiment(team.saved["alice_experiment"])


def test_nothing_printed_or_logged_holds_a_password(team: Team) -> None:
    assert len(team.printed) >= 5
    logs = {path.name: path.read_text(errors="replace") for path in team.folder.glob("*.log")}
    assert set(logs) >= {"mlflow-server.log", "mlflow-server-2.log"}
    for where, text in [*enumerate(team.printed), *logs.items()]:
        if found := [secret for secret in SECRETS if secret in text]:  # not in the report
            pytest.fail(f"{where} holds {len(found)} secret(s)")


def test_lessons_on_the_database_itself_show_no_password(team: Team, tmp_path: Path) -> None:
    """Lessons 00 and 03 print where MLflow writes, and 03 logs it: with the stack's PostgreSQL
    as MLFLOW_TRACKING_URI (its password inside), they show user:***@ (course.shown_uri)."""
    database = course.STACK_BACKEND_URI.replace(
        f":{course.STACK_PG_PORT}/", f":{team.env['COURSE_PG_PORT']}/"
    )
    assert course.STACK_PG_PASSWORD in database
    artifacts = (tmp_path / "artifacts").as_uri()  # not the repository's mlartifacts/
    env = lesson_env(None, **team.env, MLFLOW_TRACKING_URI=database, COURSE_ARTIFACT_ROOT=artifacts)
    (tmp_path / "cwd").mkdir()
    for name in ("code_00_installation.py", "code_03_tracking_uri.py"):
        done = run_script(SCRIPTS_DIR / name, tmp_path / "cwd", env)
        assert done.returncode == 0, done.stdout
        assert "mlflow:***@127.0.0.1" in done.stdout, done.stdout
        assert course.STACK_PG_PASSWORD not in done.stdout, name
    client = mlflow.MlflowClient(database)
    experiment = client.get_experiment_by_name("03-tracking-uri")
    (run,) = client.search_runs([experiment.experiment_id], "attributes.run_name = 'local-store'")
    assert run.data.params["tracking_uri"] == course.shown_uri(database)
    assert course.STACK_PG_PASSWORD not in run.data.params["tracking_uri"]
