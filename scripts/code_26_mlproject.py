"""26 · A parameterised MLflow Project — Code 26 « Projet MLflow paramétré »

What you learn
  * the MLproject file (repository root): a name, an environment (conda_env: conda.yaml)
    and entry points, each a command with typed parameters and defaults: `main` runs
    lesson 25's script, `cross_validate` lesson 08's 5-fold cross-validated grid
  * run an entry point with other values, from Python or from a terminal:
        mlflow.projects.run(uri, entry_point="main", parameters={"C": 0.1, ...},
                            env_manager="local", experiment_id=...)
        mlflow run <repo> -e main -P C=0.5 --experiment-name 26-mlproject --env-manager local
  * MLflow creates the run, logs the parameters, tags it (mlflow.source.type=PROJECT,
    mlflow.project.entryPoint), then starts the command with MLFLOW_RUN_ID set: the
    script's mlflow.start_run() continues that run
  * a value the script refuses: exit code != 0 → ExecutionException, run FAILED
  Environments: `--env-manager local` runs the command in the current one (this venv).
  `conda` builds a conda env from conda.yaml once (needs conda; the default for a project
  with conda_env:). `virtualenv` needs pyenv: MLflow converts conda.yaml (python=3.11 →
  `pyenv install 3.11.x`, a venv, then pip installs the pip list; a `python_env:` file in
  MLproject is read instead if given). `uv` does the same with uv. Both cache in ~/.mlflow/envs.

Run:  python scripts/code_26_mlproject.py   (or: make run N=26)
UI:   experiment 26-mlproject → runs logreg-complete (Parameters; Tags: mlflow.source.type,
      mlflow.project.entryPoint) and comparison (expand: one child per configuration);
      Models → iris-project
Prev: code_25_complete_script.py · Next: code_27_doctor.py
"""

import os
import shlex
import sys

import mlflow
from mlflow.exceptions import ExecutionException

import course

EXPERIMENT = "26-mlproject"
PROJECT = course.REPO_ROOT  # the folder that holds MLproject
REGISTERED_MODEL = "iris-project"  # not lesson 25's iris-complete
# MLflow logs each parameter as given (-P C=1 stays "1") before the script starts; lesson
# 25 then logs only the params the run lacks, since a param cannot change.
# One training with values other than MLproject's defaults: each further one would cost a
# whole interpreter (~5 s) and teach nothing new; `make project P="C=0.5"` runs yours.
TRAININGS = [{"C": 0.1, "max_iter": 300, "solver": "newton-cg"}]
BAD_VALUE = {"C": "abc"}  # MLflow does not check `type: float`; the script's argparse does


def launch(entry_point: str, parameters: dict, experiment_id: str) -> str:
    """Run one entry point as a project run; print the terminal's equivalent first."""
    options = [word for k, v in parameters.items() for word in ("-P", f"{k}={v}")]
    command = ["mlflow", "run", str(PROJECT), "-e", entry_point, *options]
    command += ["--experiment-name", EXPERIMENT, "--env-manager", "local"]
    print(f"$ {shlex.join(command)}", flush=True)
    submitted = mlflow.projects.run(
        uri=str(PROJECT),
        entry_point=entry_point,
        parameters=parameters,
        env_manager="local",
        experiment_id=experiment_id,
        synchronous=True,
    )
    return submitted.run_id


def main() -> list[str]:
    experiment_id = course.use_experiment(EXPERIMENT)
    # 1. The entry point's command says `python`: MLflow finds it on PATH, so this venv's
    #    bin/ goes first, even for `.venv/bin/python scripts/...` without an activated venv.
    os.environ["PATH"] = course.venv_env()["PATH"]

    # 2. One script, any values: only the parameters change, and each project run records
    #    them (and registers a version of iris-project). The second entry point,
    #    cross_validate, is another strategy (cross-validation) from the same project.
    try:
        run_ids = [
            launch("main", {**values, "registered_model": REGISTERED_MODEL}, experiment_id)
            for values in TRAININGS
        ]
        run_ids.append(launch("cross_validate", {}, experiment_id))
    except ExecutionException as error:
        sys.exit(f"error: a project run failed ({error}); its command's output is above.")

    # 3. MLflow creates the run and logs C=abc before the command starts; argparse then exits
    #    2 (its message above), so MLflow marks the run FAILED and raises ExecutionException.
    #    (A failure before the command starts, e.g. --env-manager conda without conda, leaves
    #    the run RUNNING: end it yourself with MlflowClient().set_terminated(id, "FAILED").)
    try:
        launch("main", BAD_VALUE, experiment_id)
    except ExecutionException as error:
        print(f"refused:     C=abc → ExecutionException: {error}")
    (failed,) = mlflow.search_runs(
        [experiment_id],
        filter_string="params.C = 'abc'",
        order_by=["attributes.start_time DESC"],
        max_results=1,
        output_format="list",
    )
    assert failed.info.status == "FAILED", failed.info.status
    run_ids.append(failed.info.run_id)

    # 4. Read back what each project run recorded: its entry point, parameters and source.
    client = mlflow.MlflowClient()
    print(f"project runs of this replay (experiment {EXPERIMENT} grows with each replay):")
    for run_id in run_ids:
        run = client.get_run(run_id)
        tags = run.data.tags
        params = " ".join(f"{k}={v}" for k, v in sorted(run.data.params.items()))
        print(
            f"  {run_id}  {tags['mlflow.project.entryPoint']:<14} {run.info.status:<8} "
            f"source.type={tags['mlflow.source.type']}  {params or '(no params)'}"
        )
    versions = client.search_model_versions(f"name = '{REGISTERED_MODEL}'")
    print(f"registered:  {REGISTERED_MODEL} has {len(versions)} versions (grows with each replay)")
    print(f"UI:          make ui → experiment {EXPERIMENT}; Models → {REGISTERED_MODEL}")
    return run_ids


if __name__ == "__main__":
    main()
