"""02 · requirements.txt — Code 2 « Requirements.txt »

What you learn
  * requirements.txt is the contract: the versions the code was run and tested with
  * compare it with this environment, line by line (importlib.metadata)
  * keep the contract with the run:   mlflow.log_artifact("requirements.txt")
  * keep what really ran beside it:    mlflow.log_dict({...}, "environment/installed.json")
  * make drift searchable:             mlflow.set_tag("requirements_match", "true")

Run:  python scripts/code_02_requirements.py   (or: make run N=02)
UI:   experiment 02-requirements → run "requirements-check" → Tags, Artifacts
Prev: code_01_first_experiment.py · Next: code_03_tracking_uri.py
"""

import platform

import mlflow

import course

EXPERIMENT = "02-requirements"


def main() -> str:
    course.use_experiment(EXPERIMENT)

    # 1. Read the pins that apply to this Python (markers such as python_version < "3.11"
    #    are evaluated), then look up what is really installed.
    pins = course.read_requirements(course.REQUIREMENTS_FILE)
    installed = course.installed_versions(pins)
    differences = [
        f"{name}=={pinned} differs: installed {installed[name] or 'nothing'}"
        for name, pinned in pins.items()
        if installed[name] is None or (pinned and installed[name] != pinned)
    ]

    # 2. Attach both sides to a run: months later, the run still says what it ran on.
    with mlflow.start_run(run_name="requirements-check") as run:
        mlflow.log_artifact(str(course.REQUIREMENTS_FILE))
        mlflow.log_dict(
            {"python": platform.python_version(), "packages": installed, "pinned": pins},
            "environment/installed.json",
        )
        # 3. A tag, unlike an artifact, can be searched: find every run made off-contract.
        mlflow.set_tag("requirements_match", str(not differences).lower())
        if differences:
            mlflow.log_text("\n".join(differences) + "\n", "environment/differences.txt")

    print(f"run id:      {run.info.run_id}")
    print(f"pinned:      {len(pins)} packages in {course.REQUIREMENTS_FILE.name}")
    for line in differences:
        print(f"  {line}")
    verdict = "matches requirements.txt" if not differences else f"{len(differences)} differ"
    print(f"environment: {verdict} (tag requirements_match)")
    print("logged:      requirements.txt, environment/installed.json")
    print("find drift:  mlflow.search_runs(filter_string=\"tags.requirements_match = 'false'\")")
    return run.info.run_id


if __name__ == "__main__":
    main()
