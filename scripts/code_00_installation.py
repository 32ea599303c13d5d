"""00 · Installation — Code 0 « Installation de MLflow »

What you learn
  * check that every package of requirements.txt is installed, at its pinned version
    (importlib.metadata, before importing anything heavy)
  * where MLflow will write:            mlflow.get_tracking_uri()
    MLflow 3.17's order: mlflow.set_tracking_uri(...), else $MLFLOW_TRACKING_URI, else
    ./mlruns if it already holds experiments (MLflow 2's file store, which 3.17 then refuses
    without MLFLOW_ALLOW_FILE_STORE=true), else sqlite:///mlflow.db, both in the *current*
    directory. The course calls set_tracking_uri with $MLFLOW_TRACKING_URI or
    <repo>/mlflow.db: the same store from any directory.
  * the store works: one run logged     mlflow.start_run / mlflow.log_params
  * how to browse it:                   make ui  (or: mlflow server --backend-store-uri ...)

Run:  python scripts/code_00_installation.py   (or: make run N=00)
UI:   at the top of the sidebar, switch GenAI | Model training to Model training (MLflow
      3.17 opens on GenAI); then Experiments → 00-installation → run "installation-check"
      → Parameters (the versions)
Next: code_01_first_experiment.py
"""

import platform
import sys

import course

EXPERIMENT = "00-installation"
INSTALL_HINT = "make install   (or: python -m pip install -r requirements.txt)"


def main() -> str:
    # 1. Compare the pins with what is installed before importing anything: a missing
    #    package must give one clear sentence, not an ImportError traceback.
    try:
        pins = course.read_requirements()
    except ImportError:  # 'packaging' arrives with mlflow: nothing is installed yet
        sys.exit(f"error: the course's packages are not installed. Run: {INSTALL_HINT}")
    installed = course.installed_versions(pins)
    missing = [f"{name}=={pin}" for name, pin in pins.items() if installed[name] is None]
    different = [
        f"{name} {installed[name]} (requirements.txt pins {pin})"
        for name, pin in pins.items()
        if installed[name] and pin and installed[name] != pin
    ]
    if missing:
        sys.exit(
            f"error: {len(missing)} package(s) of requirements.txt are not installed in "
            f"{sys.prefix}: {', '.join(missing)}. Install them with: {INSTALL_HINT}. "
            f"If you did, check that this python ({sys.executable}) is the one you installed into."
        )
    print(f"python:       {platform.python_version()} ({sys.executable})")
    for name, found in installed.items():
        print(f"  {name:<12} {found}")
    for line in different:  # works, but not what the course was tested with
        print(f"warning: {line}; run `{INSTALL_HINT}` to match the course")

    # 2. Only now import MLflow. Left to itself it would write in the *current* directory:
    #    into ./mlruns if that folder already holds experiments (then refused: the file store
    #    needs MLFLOW_ALLOW_FILE_STORE=true), else into ./mlflow.db.
    #    course.use_experiment() calls mlflow.set_tracking_uri() to pin the course's store.
    import mlflow

    course.use_experiment(EXPERIMENT)
    print(f"tracking URI: {course.shown_uri(mlflow.get_tracking_uri())}")  # no password shown

    # 3. Prove the store accepts writes: one run whose params are the installed versions.
    with mlflow.start_run(run_name="installation-check") as run:
        mlflow.log_params({"python": platform.python_version(), **installed})
    print(f"run id:       {run.info.run_id} (experiment {EXPERIMENT})")

    # 4. The store is a database file; the UI is a web server reading it.
    print("open the UI:  make ui   → http://127.0.0.1:5000, sidebar switch → Model training")
    shown = course.shown_uri(mlflow.get_tracking_uri())
    print(f"  or:         mlflow ui --backend-store-uri {shown} --port 5000")
    print("team server:  mlflow server --host 127.0.0.1 --port 5000   (lesson 03 starts one)")
    return run.info.run_id


if __name__ == "__main__":
    main()
