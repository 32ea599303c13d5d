"""04 · Create an experiment — Code 4 « Créer une expérience »

What you learn
  * one experiment per project or line of research, created explicitly:
        MlflowClient().create_experiment(name, artifact_location=..., tags={...})
  * its description is the tag "mlflow.note.content" (shown on the experiment page)
  * get or create, so a re-run never fails:   client.get_experiment_by_name(name)
  * update an existing one:                   client.set_experiment_tag(...)
  * then log into it:                         mlflow.set_experiment(experiment_id=...)

Run:  python scripts/code_04_create_experiment.py   (or: make run N=04)
UI:   experiment 04-create-experiment → description and tags (top of the page), its run
Prev: code_03_tracking_uri.py · Next: code_05_run_info.py
"""

import mlflow

import course

EXPERIMENT = "04-create-experiment"
DESCRIPTION = "Iris classifiers for the MLflow course: one experiment per line of research."
TAGS = {"project": "mlflow-course", "dataset": "iris", "team": "learners"}


def main() -> str:
    course.connect()
    client = mlflow.MlflowClient()

    # 1. create_experiment fails when the name exists, so look it up first. Names stay
    #    reserved while an experiment is deleted (lesson 29 restores or purges them).
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is None:
        # 2. The artifact location is fixed at creation: an absolute one, or MLflow records
        #    ./mlruns/<id> under whatever directory you happened to be in.
        experiment_id = client.create_experiment(
            EXPERIMENT,
            artifact_location=course.artifact_location(EXPERIMENT),
            tags={**TAGS, "mlflow.note.content": DESCRIPTION},
        )
        print(f"created:           experiment {EXPERIMENT} (id {experiment_id})")
    else:
        # 3. Tags and description can change later; the location cannot.
        experiment_id = experiment.experiment_id
        if experiment.lifecycle_stage == "deleted":  # deleted in the UI: bring it back
            client.restore_experiment(experiment_id)
        for key, value in {**TAGS, "mlflow.note.content": DESCRIPTION}.items():
            client.set_experiment_tag(experiment_id, key, value)
        print(f"already there:     experiment {EXPERIMENT} (id {experiment_id}), tags refreshed")

    # 4. Runs land in the active experiment; their artifacts under its location.
    mlflow.set_experiment(experiment_id=experiment_id)
    with mlflow.start_run(run_name="first-run-in-experiment") as run:
        mlflow.log_text("artifacts of this run live under the experiment's location\n", "hello.txt")

    experiment = client.get_experiment(experiment_id)
    print(f"artifact location: {experiment.artifact_location}")
    print(f"run artifacts:     {run.info.artifact_uri}")
    print(f"tags:              {experiment.tags}")
    print(f"UI:                make ui → experiment {EXPERIMENT} (description at the top)")
    return experiment_id


if __name__ == "__main__":
    main()
