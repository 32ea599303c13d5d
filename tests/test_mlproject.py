"""The MLproject file (lesson 26) itself, and `mlflow run` typed in a terminal.

The file is read as YAML and as MLflow reads it: its defaults must be lesson 25's own
argparse defaults. Then the CLI, from an empty directory against a test store: a value the
script refuses exits non-zero with argparse's one-line error and leaves its run FAILED, not
RUNNING. Through `make project` (the README's way to `mlflow run`), a good value reaches
the run and the model, even spelled otherwise than the script would log it (MLflow logs
`-P C=2` as "2" before the script starts; the script must not try to log 2.0 over it).
"""

from __future__ import annotations

import importlib
import shlex
import subprocess
import sys
from pathlib import Path

import mlflow
import pytest
import yaml
from conftest import (
    LESSON_TIMEOUT_S,
    REPO_ROOT,
    Store,
    assert_left_nothing,
    lesson_env,
    make_command,
    run_command,
)
from mlflow.projects.utils import load_project

EXPERIMENT = "26-mlproject"
MLPROJECT = REPO_ROOT / "MLproject"
COMPLETE_SCRIPT = "scripts/code_25_complete_script.py"


def script_defaults() -> dict[str, str]:
    """Lesson 25's argparse defaults, as its log_params writes them (strings)."""
    args = importlib.import_module("code_25_complete_script").parse_args([])
    return {
        "C": str(args.C),
        "max_iter": str(args.max_iter),
        "solver": args.solver,
        "registered_model": args.registered_model,
    }


def test_mlproject_file() -> None:
    spec = yaml.safe_load(MLPROJECT.read_text(encoding="utf-8"))
    assert spec["name"]
    assert (REPO_ROOT / spec["conda_env"]).is_file()
    assert sorted(spec["entry_points"]) == ["cross_validate", "main"]
    main = spec["entry_points"]["main"]
    defaults = {name: str(p["default"]) for name, p in main["parameters"].items()}
    assert defaults == script_defaults()
    assert spec["entry_points"]["cross_validate"]["command"].split() == [
        "python",
        "scripts/code_08_multiple_runs.py",
    ]


def test_main_command_gives_each_value_to_its_option() -> None:
    """MLflow's own parser builds the command; lesson 25's parser reads it back."""
    project = load_project(str(REPO_ROOT))
    assert project.env_config_path == str(REPO_ROOT / "conda.yaml")
    given = {"C": "0.25", "max_iter": "77", "solver": "saga", "registered_model": "x-y"}
    words = shlex.split(project.get_entry_point("main").compute_command(given, None))
    assert words[:2] == ["python", COMPLETE_SCRIPT]
    assert (REPO_ROOT / words[1]).is_file()
    args = importlib.import_module("code_25_complete_script").parse_args(words[2:])
    assert (str(args.C), str(args.max_iter), args.solver, args.registered_model) == tuple(
        given.values()
    )
    # Nothing given: the command runs the script with its own defaults.
    words = shlex.split(project.get_entry_point("main").compute_command({}, None))
    args = importlib.import_module("code_25_complete_script").parse_args(words[2:])
    assert vars(args) == vars(importlib.import_module("code_25_complete_script").parse_args([]))


def mlflow_run(store: Store, cwd: Path, *options: str) -> subprocess.CompletedProcess:
    """`mlflow run <repo> -e main <options> ...` as typed in a terminal with the venv active."""
    client = store.client
    if client.get_experiment_by_name(EXPERIMENT) is None:  # as lesson 26 creates it
        location = (store.artifacts / EXPERIMENT).as_uri()
        client.create_experiment(EXPERIMENT, artifact_location=location)
    cwd.mkdir(exist_ok=True)
    command = [
        str(Path(sys.executable).parent / "mlflow"),
        "run",
        str(REPO_ROOT),
        "-e",
        "main",
        *options,
        "--experiment-name",
        EXPERIMENT,
        "--env-manager",
        "local",
    ]
    done = run_command(command, cwd, lesson_env(store))
    assert_left_nothing(cwd)
    return done


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "error: argument --C: invalid float value: 'abc'"),
        ("-1", "error: --C and --max-iter must be > 0, got --C -1.0"),
    ],
)
def test_cli_bad_value_fails_the_run(value: str, message: str, store: Store, tmp_path: Path):
    done = mlflow_run(store, tmp_path / "cwd", "-P", f"C={value}")
    assert done.returncode != 0, done.stdout
    (error,) = [line for line in done.stdout.splitlines() if "error: " in line]
    assert message in error, done.stdout
    (run,) = store.runs(EXPERIMENT)
    assert run.info.status == "FAILED"  # not RUNNING
    assert run.data.params["C"] == value
    assert run.data.tags["mlflow.source.type"] == "PROJECT"
    assert f"Run (ID '{run.info.run_id}') failed" in done.stdout


def test_make_project(store: Store) -> None:
    """`make project`, as the README tells a learner to use it, on an empty store: a value
    typed otherwise than the script logs it (`-P C=2`, logged 2.0 by the script) runs."""
    command = make_command("project", "P=C=2 registered_model=iris-make")
    done = subprocess.run(
        command,
        env=lesson_env(store),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=LESSON_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stdout
    printed = "$ mlflow run . -e main -P C=2 -P registered_model=iris-make --experiment-name "
    assert printed in done.stdout
    # The experiment was created by the course's plumbing: artifacts beside the store.
    experiment = store.experiment(EXPERIMENT)
    assert experiment.artifact_location == (store.artifacts / EXPERIMENT).as_uri()
    assert "Traceback" not in done.stdout, done.stdout
    # -P C=2 reaches the run as typed ("2"; the script logs only the params the run lacks),
    # and the model: the script read it as 2.0.
    (run,) = store.runs(EXPERIMENT)
    assert run.info.status == "FINISHED"
    assert run.data.params == {
        **script_defaults(),
        "C": "2",
        "registered_model": "iris-make",
        "random_state": "42",
    }
    assert run.data.tags["mlflow.source.type"] == "PROJECT"
    assert run.data.tags["mlflow.project.entryPoint"] == "main"
    (version,) = store.client.search_model_versions("name = 'iris-make'")
    assert version.run_id == run.info.run_id
    with store.active():
        assert mlflow.sklearn.load_model(version.source).get_params()["C"] == 2.0
