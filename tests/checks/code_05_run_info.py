"""Check for lesson 05, replayed twice: one run per C per replay; the printed verdict and search
count agree with the store's runs, the search spanning every replay."""

from __future__ import annotations

from conftest import Lesson

from checks import check
from checks.common import finished


# Two replays: the lesson's search spans every replay's runs ("grows per replay": the printed
# count is checked against all runs in the store) while its verdict keeps to its own runs.
@check("05", replays=2)
def run_info(lesson: Lesson) -> None:
    runs = lesson.store.runs("05-run-info")
    grid = ["0.01", "0.1", "1.0"]  # one run per C, per replay
    assert len(runs) == len(grid) * len(lesson.outputs)
    assert finished(runs)
    assert [r.data.params["C"] for r in runs] == grid * len(lesson.outputs)
    # Its verdict equals the store's: the best run of the last replay (ties: the newest).
    last = runs[-len(grid) :]
    best = max(last, key=lambda r: (r.data.metrics["accuracy"], r.info.start_time))
    assert f"best:         C={best.data.params['C']} " in lesson.outputs[-1]
    good = [r for r in runs if r.data.metrics["accuracy"] >= 0.9]
    assert f"search:       {len(good)} run(s)" in lesson.outputs[-1]
    for run in last:
        assert run.info.run_id in lesson.outputs[-1]
