"""Check for lesson 09: the same three models in two experiments, holdout and k-fold, switched
to by name, each with its own params, metrics and artifact location."""

from __future__ import annotations

from conftest import Lesson

from checks import check


@check("09")
def multiple_experiments(lesson: Lesson) -> None:
    holdout = lesson.store.runs("09-holdout")
    kfold = lesson.store.runs("09-kfold")
    families = ["logreg", "tree", "knn"] * len(lesson.outputs)
    assert [r.data.params["model"] for r in holdout] == families
    assert [r.data.params["model"] for r in kfold] == families
    # Each experiment has its own params and metrics: nothing leaks across.
    for run in holdout:
        assert run.data.params["validation"] == "holdout"
        assert set(run.data.metrics) == {"accuracy"}
    for run in kfold:
        assert run.data.params["validation"] == "kfold"
        assert run.data.params["n_splits"] == "5"
        assert set(run.data.metrics) == {"accuracy_mean", "accuracy_std"}
    # set_experiment("09-holdout") found the experiment of that name course.py had created
    # (its id, its artifact location), and every run started after it landed there.
    for name, runs in (("09-holdout", holdout), ("09-kfold", kfold)):
        experiment = lesson.store.experiment(name)
        assert experiment.artifact_location == (lesson.store.artifacts / name).as_uri()
        assert {r.info.experiment_id for r in runs} == {experiment.experiment_id}
        assert all(r.info.artifact_uri.startswith(experiment.artifact_location) for r in runs)
        assert f"experiment {experiment.experiment_id}: {len(runs)} runs" in lesson.outputs[-1]
