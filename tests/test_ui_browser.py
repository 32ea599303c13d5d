"""The last step of the course, browsing in `mlflow ui`, checked in a real browser.

Lessons 00, 07, 25 and 32 are replayed into a store; tools/ui_check.py (`make ui-check`) then
starts `mlflow ui` on it as `make ui` does and drives Debian's headless Chromium with
Playwright, from an empty profile: the sidebar's "Model training" switch must turn the
GenAI view into the model-training view; there, every experiment must be found on the
experiments page, lesson 00's run found by clicks and its page show each param's value,
lesson 25's run page show its params with their values and its metrics, and its confusion
matrix render at the size of the PNG in the store; lesson 32's run page draw its loss
curves, one point per step, and render its report.html with the run's numbers, and the
experiment's chart view overlay both its runs' curves. Screenshots go to plots/ui_*.png;
plots/ui_model_training.png, lesson 00's run, is what `make ui-check` copies to the README.

The second test shows the check can fail: it expects an experiment no lesson created here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCRIPTS_DIR, Store, lesson_env, run_script

import course
import ui_check

LESSONS = {  # the lessons replayed, and the experiment each must leave in the UI
    "code_00_installation.py": ui_check.INSTALL_EXPERIMENT,
    "code_07_tags.py": "07-tags",
    "code_25_complete_script.py": "25-complete-script",
    "code_32_useful_artifacts.py": ui_check.CURVES_EXPERIMENT,
}
NOT_REPLAYED = "08-multiple-runs"
SHORT_WAIT_MS = 5_000
SHOTS = (
    *("ui_experiments.png", "ui_model_training.png", "ui_run.png", "ui_artifact.png"),
    *("ui_run_curves.png", "ui_html_report.png", "ui_compare_curves.png"),
)
README_IMAGE_MAX_BYTES = 200_000

# Both tests share one replayed store (a module fixture): keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("ui-browser")

if reason := ui_check.missing_browser():
    pytest.skip(f"no browser test: {reason}", allow_module_level=True)


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Store:
    """One store with lessons 00, 07, 25 and 32 replayed, shared by this module's tests."""
    root = tmp_path_factory.mktemp("ui")
    store = Store(root / "store")
    store.root.mkdir()
    store.db.write_bytes(template_db.read_bytes())
    for name in LESSONS:
        cwd = root / f"cwd-{name}"
        cwd.mkdir()
        done = run_script(SCRIPTS_DIR / name, cwd, lesson_env(store))
        assert done.returncode == 0, done.stdout
    return store


def mtime_ns(path: Path) -> int | None:
    """When ``path`` was last written, or None if there is no such file."""
    return path.stat().st_mtime_ns if path.exists() else None


def test_ui_shows_the_course_in_a_browser(replayed: Store, tmp_path: Path) -> None:
    (install,) = replayed.runs(ui_check.INSTALL_EXPERIMENT)
    (run,) = replayed.runs("25-complete-script")
    _, fast = replayed.runs(ui_check.CURVES_EXPERIMENT)  # oldest first: lr 0.001, 0.01
    steps = replayed.client.get_metric_history(fast.info.run_id, "loss/val")
    figure = replayed.read_artifact(run.info.run_id, ui_check.FIGURE, tmp_path / "figure")
    for shot in SHOTS:
        (course.PLOTS_DIR / shot).unlink(missing_ok=True)
    readme_image = mtime_ns(ui_check.README_IMAGE)

    summary = ui_check.check_ui(
        replayed.db,
        course.PLOTS_DIR,
        tmp_path / "profile",
        expected=list(LESSONS.values()),
    )

    width, height = ui_check.png_size(figure)
    assert (width, height) == (500, 400)  # lesson 25's figure: 5 x 4 inches at 100 dpi
    assert summary == (  # Default + the four lessons' experiments
        f"model training view on; 5 experiments listed; "
        f"run {install.info.run_id} (00-installation): {len(install.data.params)} params; "
        f"run {run.info.run_id} (25-complete-script): {len(run.data.params)} params, "
        f"{len(run.data.metrics)} metrics, {ui_check.FIGURE} rendered at {width}x{height}; "
        f"run {fast.info.run_id} (32-useful-artifacts): loss/train, loss/val drawn over "
        f"{len(steps)} steps, report.html rendered; 2 runs overlaid in the chart view"
    )
    assert [m.step for m in steps] == list(range(30))  # the points the charts must draw
    assert install.info.run_name == ui_check.INSTALL_RUN
    assert {"python", "mlflow"} <= install.data.params.keys()  # the versions, checked shown
    assert {"C", "max_iter", "solver"} <= run.data.params.keys()
    assert "accuracy" in run.data.metrics
    for shot in SHOTS:
        png = (course.PLOTS_DIR / shot).read_bytes()
        assert ui_check.png_size(png) == (1400, 1000), shot  # the viewport, screenshotted
    # The README's picture: `make ui-check` (main) copies it there, check_ui does not.
    assert (course.PLOTS_DIR / "ui_model_training.png").stat().st_size < README_IMAGE_MAX_BYTES
    assert mtime_ns(ui_check.README_IMAGE) == readme_image


def test_ui_check_fails_when_a_lesson_run_is_missing(replayed: Store, tmp_path: Path) -> None:
    """Expect lesson 08's experiment, never replayed here: the browser must not find it."""
    assert replayed.client.get_experiment_by_name(NOT_REPLAYED) is None
    with pytest.raises(ui_check.UIError, match=f"does not show experiment '{NOT_REPLAYED}'"):
        ui_check.check_ui(
            replayed.db,
            tmp_path / "shots",
            tmp_path / "profile",
            [*LESSONS.values(), NOT_REPLAYED],
            timeout_ms=SHORT_WAIT_MS,
        )
    assert (tmp_path / "shots" / "ui_failure.png").exists()  # what the browser showed instead
