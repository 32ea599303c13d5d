"""Check for lesson 04, replayed twice: the experiment created once (location, note, tags) then
found again; deleted, it comes back at one more replay with the same id."""

from __future__ import annotations

from conftest import Lesson, lesson_env, run_script

from checks import check


# Two replays: the second finds the experiment "already there" (and refreshes its tags), and
# the restore of the deleted experiment is checked by one more run on the same store.
@check("04", replays=2)
def create_experiment(lesson: Lesson) -> None:
    experiment = lesson.store.experiment("04-create-experiment")
    location = lesson.store.artifacts / "04-create-experiment"
    assert experiment.artifact_location == location.as_uri()
    assert experiment.tags["mlflow.note.content"].startswith("Iris classifiers")
    assert {k: experiment.tags[k] for k in ("project", "dataset", "team")} == {
        "project": "mlflow-course",
        "dataset": "iris",
        "team": "learners",
    }
    runs = lesson.store.runs("04-create-experiment")
    assert len(runs) == 2
    for run in runs:  # the runs' files really are under the experiment's location
        assert (location / run.info.run_id / "artifacts" / "hello.txt").is_file()
    assert "created:" in lesson.outputs[0]
    assert "already there:" in lesson.outputs[1]
    # Deleted in the UI, the experiment comes back at the next replay, same id and place.
    lesson.store.client.delete_experiment(experiment.experiment_id)
    done = run_script(lesson.script, lesson.tmp / "cwd", lesson_env(lesson.store))
    assert done.returncode == 0, done.stdout
    again = lesson.store.experiment("04-create-experiment")
    assert again.lifecycle_stage == "active"
    assert again.experiment_id == experiment.experiment_id
    assert len(lesson.store.runs("04-create-experiment")) == 3
