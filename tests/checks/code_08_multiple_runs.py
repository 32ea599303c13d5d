"""Check for lesson 08: per replay one parent run whose nine children cover the grid; the parent
names its best child and keeps the comparison plot."""

from __future__ import annotations

from conftest import REPO_ROOT, Lesson

from checks import check
from checks.common import PNG_MAGIC


@check("08")
def multiple_runs(lesson: Lesson) -> None:
    parents = lesson.store.runs("08-multiple-runs", "tags.mlflow.runName = 'comparison'")
    assert len(parents) == len(lesson.outputs)
    expected_configs = {("logreg", "None", c) for c in ("0.1", "1.0", "10.0")} | {
        ("svc", kernel, c) for kernel in ("linear", "rbf") for c in ("0.1", "1.0", "10.0")
    }
    for parent in parents:
        children = lesson.store.runs(
            "08-multiple-runs", f"tags.mlflow.parentRunId = '{parent.info.run_id}'"
        )
        configs = {
            (c.data.params["model"], c.data.params.get("kernel", "None"), c.data.params["C"])
            for c in children
        }
        assert configs == expected_configs
        assert len(children) == 9
        best = max(
            children,
            key=lambda c: (
                c.data.metrics["cv_accuracy"],
                c.data.metrics["test_accuracy"],
                -c.info.start_time,
            ),
        )
        assert parent.data.tags["best_run_id"] == best.info.run_id
        assert parent.data.metrics["best_cv_accuracy"] == best.data.metrics["cv_accuracy"]
        assert lesson.store.artifact_paths(parent.info.run_id) == {"plots/model_comparison.png"}
    assert (REPO_ROOT / "plots" / "model_comparison.png").read_bytes().startswith(PNG_MAGIC)
