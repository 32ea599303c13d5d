"""Lesson 29 beyond its two replays: `mlflow gc` purges only what the lesson deleted, a
leftover of an interrupted replay is taken over, against a tracking server (whose
database the client cannot open) gc is skipped with the command to run on its machine,
and no database password is ever put on gc's command line."""

from __future__ import annotations

import importlib
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCRIPTS_DIR, Store, lesson_env, run_script, tracking_server
from mlflow.entities import ViewType
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

import course
from checks.code_29_experiments_runs_cli import (
    EXPERIMENT,
    RENAMED,
    SCRATCH,
    assert_gone,
    commands,
    files_under,
    options,
)

(SCRIPT,) = SCRIPTS_DIR.glob("code_29_*.py")


def model_stage(store: Store, model_id: str) -> str | None:
    """A logged model's lifecycle stage, read from the database (the client hides deleted ones)."""
    with sqlite3.connect(store.db) as db:
        row = db.execute(
            "SELECT lifecycle_stage FROM logged_models WHERE model_id = ?", (model_id,)
        ).fetchone()
    return row[0] if row else None


def test_gc_purges_only_the_lessons_own(store: Store, replay, tmp_path: Path) -> None:
    """The learner's own trash (a deleted experiment with its run, a deleted run, a deleted
    logged model) is still there after the lesson, deleted but not purged, files and all."""
    client = store.client
    note = tmp_path / "note.txt"
    note.write_text("mine")
    old = client.create_experiment("my-old", (store.artifacts / "my-old").as_uri())
    old_run = client.create_run(old).info.run_id
    project = client.create_experiment("my-project", (store.artifacts / "my-project").as_uri())
    mine = client.create_run(project).info.run_id
    model = client.create_logged_model(project, name="my-model").model_id
    for run_id in (old_run, mine):
        client.log_param(run_id, "owner", "learner")
        client.log_artifact(run_id, str(note))
    client.log_model_artifact(model, str(note))
    client.delete_experiment(old)
    client.delete_run(mine)
    client.delete_logged_model(model)
    # An interrupted replay left the scratch experiment renamed and active: it is taken over.
    leftover = client.create_experiment(RENAMED, (store.artifacts / SCRATCH).as_uri())

    (output,) = replay(SCRIPT, times=1).outputs

    assert client.get_experiment(old).lifecycle_stage == "deleted"
    for run_id in (old_run, mine):
        run = client.get_run(run_id)
        assert (run.info.lifecycle_stage, run.data.params) == ("deleted", {"owner": "learner"})
    assert model_stage(store, model) == "deleted"
    for folder in (f"my-old/{old_run}", f"my-project/{mine}", f"my-project/models/{model}"):
        assert [p.name for p in files_under(store.artifacts / folder)] == ["note.txt"], folder
    # The leftover was reused (no new experiment), then purged like a fresh one.
    assert "$ mlflow experiments create" not in output
    renames = [options(c[2:]) for c in commands(output, "experiments rename")]
    assert renames[0] == {"-x": leftover, "--new-name": SCRATCH}
    (gc,) = commands(output, "gc")
    assert options(gc[1:])["--experiment-ids"] == leftover
    assert_gone(client.get_experiment, leftover)
    names = {e.name for e in client.search_experiments(view_type=ViewType.ALL)}
    assert names == {"Default", "my-old", "my-project", EXPERIMENT}


def test_against_a_tracking_server(store: Store, tmp_path: Path) -> None:
    """Through `mlflow server`, twice: gc is skipped with a command that works when run, as
    printed, where the database is; the second replay restores the first one's leftover."""
    served = tmp_path / "served"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    outputs = []
    with tracking_server(store, served) as url:
        for _ in range(2):
            done = run_script(SCRIPT, cwd, lesson_env(None, MLFLOW_TRACKING_URI=url))
            assert done.returncode == 0, done.stdout
            assert "Traceback" not in done.stdout
            assert not any(cwd.iterdir())
            outputs.append(done.stdout)
        skipped = [line for line in outputs[-1].splitlines() if line.startswith("gc: ")]
        assert len(skipped) == 1
        assert f"skipped: {url} is a server" in skipped[0]
        assert all("gc:          skipped: " in output for output in outputs)
        assert "$ mlflow experiments create" in outputs[0]
        assert "$ mlflow experiments create" not in outputs[1]
        assert "$ mlflow experiments restore" in outputs[1].split("$ mlflow experiments search")[0]

        # Nothing purged: both duds and their models wait, deleted, with their files.
        client = store.client
        experiment_id = store.experiment(EXPERIMENT).experiment_id
        deleted = client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)
        duds = [options(commands(o, "runs delete")[1][2:])["--run-id"] for o in outputs]
        assert sorted(r.info.run_id for r in deleted) == sorted(duds)
        assert len(store.runs(EXPERIMENT)) == 4
        (leftover,) = client.search_experiments(ViewType.DELETED_ONLY)
        assert leftover.name == RENAMED
        assert client.get_experiment_by_name(SCRATCH) is None

        # The printed command, run as printed where the database is, purges them.
        printed = skipped[0].split("On its machine: ")[1].split("  (")[0]
        printed = printed.replace("<its store>", store.uri)
        arguments = shlex.split(printed)
        assert arguments[:2] == ["mlflow", "gc"]
        ids = options(arguments[2:])
        assert ids["--run-ids"] == duds[-1]
        assert ids["--experiment-ids"] == leftover.experiment_id
        assert files_under(served / experiment_id / duds[-1])
        gc_env = lesson_env(None, MLFLOW_TRACKING_URI=url)  # artifacts: through the server
        gc = subprocess.run(
            [sys.executable, "-m", *arguments],
            env=gc_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert gc.returncode == 0, gc.stderr
    assert_gone(client.get_run, duds[-1])
    assert_gone(client.get_experiment, leftover.experiment_id)
    assert files_under(served / experiment_id / duds[-1]) == []
    assert files_under(served / experiment_id / "models" / ids["--logged-model-ids"]) == []
    assert client.get_run(duds[0]).info.lifecycle_stage == "deleted"  # not named: left alone


SECRET = "pa:ss\\wd-not-to-print"  # with the two characters a password file escapes


@pytest.fixture
def lesson_29(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Lesson 29 as a module, with the course's stack in tmp_path and a password to hide."""
    monkeypatch.setattr(course, "STACK_DIR", tmp_path)
    uri = f"postgresql+psycopg2://mlflow:{SECRET}@127.0.0.1:15432/mlflow"
    monkeypatch.setattr(course, "STACK_BACKEND_URI", uri)
    return importlib.import_module("code_29_experiments_runs_cli")


def test_gc_on_the_stack_reads_the_password_from_a_file(
    lesson_29, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Against the stack's server, gc opens its PostgreSQL with the password in a libpq
    password file (yours only), which the URI names: the command shows no password."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", course.STACK_TRACKING_URI)
    option, uri = lesson_29.gc_store()
    passfile = tmp_path / "pgpass"
    assert option == "--backend-store-uri"
    assert uri == f"postgresql+psycopg2://mlflow@127.0.0.1:15432/mlflow?passfile={passfile}"
    assert "wd-not-to-print" not in shlex.join(["mlflow", "gc", option, uri])
    assert passfile.stat().st_mode & 0o777 == 0o600  # else libpq ignores it
    assert passfile.read_text() == "127.0.0.1:15432:mlflow:mlflow:pa\\:ss\\\\wd-not-to-print\n"
    # What SQLAlchemy hands psycopg2 (then libpq): no password, the file instead.
    url = make_url(uri)
    _, connect_args = create_engine(url).dialect.create_connect_args(url)
    assert connect_args == {
        "host": "127.0.0.1",
        "port": 15432,
        "dbname": "mlflow",
        "user": "mlflow",
        "passfile": str(passfile),
    }


@pytest.mark.parametrize(
    ("tracking_uri", "expected"),
    [
        (
            "sqlite:////tmp/course/mlflow.db",
            ["--backend-store-uri", "sqlite:////tmp/course/mlflow.db"],
        ),
        (f"postgresql+psycopg2://mlflow:{SECRET}@db:5432/mlflow", []),  # gc reads the variable
        ("http://mlflow.example.com", None),  # not the stack: gc is skipped
    ],
)
def test_gc_store_never_puts_a_password_on_the_command_line(
    lesson_29, monkeypatch: pytest.MonkeyPatch, tracking_uri: str, expected: list[str] | None
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_uri)
    assert lesson_29.gc_store() == expected
