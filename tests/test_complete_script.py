"""Lesson 25 with command-line options, as MLproject (lesson 26) runs it: the options reach
the run and the model, and a bad value is argparse's usage error (exit 2), not a traceback.

The lesson check (tests/checks/code_25_complete_script.py) covers the defaults; these run it
with others.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mlflow
import pytest
from conftest import SCRIPTS_DIR, Store, assert_left_nothing, lesson_env, run_command

SCRIPT = SCRIPTS_DIR / "code_25_complete_script.py"
EXPERIMENT = "25-complete-script"


def run_with(arguments: list[str], store: Store, cwd: Path) -> subprocess.CompletedProcess:
    cwd.mkdir(exist_ok=True)
    done = run_command([sys.executable, str(SCRIPT), *arguments], cwd, lesson_env(store))
    assert "Traceback" not in done.stdout, done.stdout
    assert_left_nothing(cwd)
    return done


def test_options_reach_the_run_and_the_model(store: Store, tmp_path: Path) -> None:
    options = [
        "--C",
        "0.5",
        "--max-iter",
        "300",
        "--solver",
        "newton-cg",
        "--run-name",
        "tuned",
        "--registered-model",
        "iris-tuned",
    ]
    done = run_with(options, store, tmp_path / "cwd")
    assert done.returncode == 0, done.stdout
    (run,) = store.runs(EXPERIMENT)
    assert run.info.run_name == "tuned"
    assert run.data.params == {
        "C": "0.5",
        "max_iter": "300",
        "solver": "newton-cg",
        "random_state": "42",
    }
    # The logged estimator was built with them, and registered under the name given.
    (version,) = store.client.search_model_versions("name = 'iris-tuned'")
    assert version.run_id == run.info.run_id
    assert [m.name for m in store.client.search_registered_models()] == ["iris-tuned"]
    with store.active():
        estimator = mlflow.sklearn.load_model(version.source)
    params = estimator.get_params()
    assert (params["C"], params["max_iter"], params["solver"]) == (0.5, 300, "newton-cg")
    assert "iris-tuned version 1" in done.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--C", "-1"], "error: --C and --max-iter must be > 0, got --C -1.0"),
        (["--C", "nan"], "error: --C and --max-iter must be > 0, got --C nan"),
        (["--max-iter", "0"], "error: --C and --max-iter must be > 0, got --C 1.0 --max-iter 0"),
        (["--C", "abc"], "error: argument --C: invalid float value: 'abc'"),
        (["--solver", "liblinear"], "error: argument --solver: invalid choice: 'liblinear'"),
    ],
)
def test_bad_value_is_a_usage_error(
    arguments: list[str], message: str, store: Store, tmp_path: Path
) -> None:
    done = run_with(arguments, store, tmp_path / "cwd")
    assert done.returncode == 2, done.stdout
    assert done.stdout.startswith("usage: code_25_complete_script.py"), done.stdout
    (error,) = [line for line in done.stdout.splitlines() if "error:" in line]
    assert message in error, error
    # It stopped before touching the store: no experiment, no run.
    assert store.client.get_experiment_by_name(EXPERIMENT) is None
