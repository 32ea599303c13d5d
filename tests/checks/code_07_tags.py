"""Check for lesson 07: every run's tags (given at start, overwritten, computed), and a search by
tags finds exactly the tree runs."""

from __future__ import annotations

from conftest import Lesson

from checks import check


@check("07")
def tags(lesson: Lesson) -> None:
    runs = lesson.store.runs("07-tags")
    assert [r.info.run_name for r in runs] == ["logreg", "tree"] * len(lesson.outputs)
    for run in runs:
        tags = run.data.tags
        assert tags["owner"] == "course"
        assert tags["dataset"] == "iris"
        assert tags["model_family"] == run.info.run_name
        assert tags["stage"] == "baseline"  # set_tags overwrote "candidate"
        passed = run.data.metrics["accuracy"] >= 0.9
        assert tags["quality_gate"] == ("passed" if passed else "failed")
        assert tags["mlflow.note.content"].endswith("tagged for search.")
    found = lesson.store.runs("07-tags", "tags.stage = 'baseline' and tags.model_family = 'tree'")
    assert [r.info.run_id for r in found] == [r.info.run_id for r in runs[1::2]]
