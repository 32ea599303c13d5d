"""Check the course's store in the MLflow UI, in a real headless browser, and screenshot it.

`make ui-check` runs this after `make all`. It starts `mlflow ui` on the course's store as
`make ui` does (127.0.0.1, a free port), opens it in Debian's Chromium driven by Playwright
(no browser download: `apt-get install chromium chromium-driver`) with an empty profile, as
a new learner's browser, and checks what the README tells a learner to do and see:

1. MLflow 3.17 opens on its GenAI view (Prompts, AI Gateway in the sidebar): a click on
   "Model training", in the sidebar's GenAI | Model training switch, turns it into the
   model-training view (Experiments, Model registry). The UI keeps that choice in the
   browser (localStorage ``mlflow.workflowType_v1``); every check below runs in that view;
2. every experiment of the store is listed on the experiments page;
3. lesson 00's experiment, searched and clicked, lists its run; clicked, the run page shows
   each param lesson 00 logged (the installed versions), with its value;
4. lesson 25's latest run page shows its params and metrics, with their values;
5. its confusion matrix artifact renders, at the size of the PNG in the store;
6. lesson 32's latest run page shows its values; its Model metrics tab, searched for
   "loss/", draws loss/train and loss/val as lines of one point per step logged; its
   report.html renders as a page in the artifact viewer, with the run's numbers;
7. the experiment's chart view overlays the curves of its recent runs (up to 10).

Screenshots go to plots/ui_*.png; lesson 00's run page, plots/ui_model_training.png, is
also the README's picture, docs/images/ui_model_training.png. Exits 1 with one line on
the first thing the browser does not show. tests/test_ui_browser.py runs the same checks.
"""

from __future__ import annotations

import math
import os
import shutil
import struct
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import course
import start

CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
# Headless as root, and no calls to Google's services (this network refuses them).
CHROMIUM_ARGS = [
    *("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"),
    *("--disable-background-networking", "--disable-component-update", "--disable-sync"),
]
# The sidebar's switch between MLflow 3.17's two views, and a link each view alone shows.
TRAINING_VIEW = "Model training"  # the other button of the switch is "GenAI"
TRAINING_ONLY, GENAI_ONLY = "Model registry", "Prompts"
INSTALL_EXPERIMENT, INSTALL_RUN = "00-installation", "installation-check"  # lesson 00
RUN_EXPERIMENT = "25-complete-script"
FIGURE = "plots/25_confusion_matrix.png"
CURVES_EXPERIMENT = "32-useful-artifacts"  # lesson 32: step metrics, an HTML report
CURVES_SEARCH = "loss/"  # typed in the chart search: keeps the charts of CURVES alone
CURVES = ("loss/train", "loss/val")
REPORT = "report.html"
CHART_RUNS = 10  # how many runs a chart view draws by default, the newest
README_IMAGE = course.REPO_ROOT / "docs" / "images" / "ui_model_training.png"
WAIT_MS = 30_000
VIEWPORT = {"width": 1400, "height": 1000}


class UIError(AssertionError):
    """Something the learner should see is not on the page."""


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return struct.unpack(">II", data[16:24])


def missing_browser() -> str | None:
    """Why the browser check cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install Debian's browser (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: make install (requirements-dev.txt)"
    return None


@contextmanager
def ui_server(store: Path) -> Iterator[str]:
    """`mlflow ui` on ``store`` exactly as `make ui` starts it, on a free port; yields its URL."""
    port = course.free_port()
    url = f"http://{course.LOOPBACK}:{port}"
    env = course.venv_env(**start.UI_ENV)
    with course.background_server(
        start.ui_command(store, port), f"{url}/health", what="mlflow ui", env=env
    ):
        yield url


@contextmanager
def browser_page(profile: Path) -> Iterator[object]:
    """A page of headless Chromium with an empty profile in ``profile``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport=VIEWPORT,
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def _wait(locator, what: str, timeout_ms: int) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.first.wait_for(timeout=timeout_ms)
    except PlaywrightTimeout:
        raise UIError(f"the UI does not show {what} (waited {timeout_ms / 1000:.0f} s)") from None


def switch_to_model_training(page, url: str) -> None:
    """Open the UI as a new learner does, on its home page in MLflow 3.17's GenAI view, and
    click "Model training" in the sidebar's GenAI | Model training switch, as the README
    says. The sidebar must change: Model registry in, Prompts out."""
    page.goto(f"{url}/", wait_until="domcontentloaded")  # it never goes idle
    sidebar = page.get_by_role("navigation")
    _wait(sidebar.get_by_role("link", name=GENAI_ONLY, exact=True), "its GenAI view", WAIT_MS)
    close_assistant(page)
    switch = page.get_by_role("button", name=TRAINING_VIEW, exact=True)
    _wait(switch, f"the sidebar's switch to {TRAINING_VIEW!r}", WAIT_MS)
    switch.first.click()
    check_training_view(page)


def check_training_view(page, timeout_ms: int = WAIT_MS) -> None:
    """The sidebar is the model-training view's: Model registry listed, Prompts not."""
    sidebar = page.get_by_role("navigation")
    _wait(
        sidebar.get_by_role("link", name=TRAINING_ONLY, exact=True),
        f"the {TRAINING_VIEW.lower()} view ({TRAINING_ONLY!r} in the sidebar)",
        timeout_ms,
    )
    if sidebar.get_by_role("link", name=GENAI_ONLY, exact=True).count():
        raise UIError(f"the sidebar still lists {GENAI_ONLY!r}: the GenAI view is still on")


def open_experiments(page, timeout_ms: int = WAIT_MS):
    """Click Experiments in the sidebar; returns the page's search box."""
    page.get_by_role("navigation").get_by_role("link", name="Experiments", exact=True).click()
    search = page.get_by_placeholder("Search experiments")
    _wait(search, "the experiments page", timeout_ms)
    return search


def check_experiments(page, names: list[str], newest: str, timeout_ms: int = WAIT_MS) -> None:
    """Each experiment is found by the page's search box, as a learner finds it (the list
    shows 25 per page). The first may take the page's load time (WAIT_MS); the others then
    get ``timeout_ms`` each. Ends on the whole list, the ``newest`` experiment on top."""
    search = open_experiments(page)
    for index, name in enumerate(names):
        search.fill(name)
        search.press("Enter")
        link = page.get_by_role("link", name=name, exact=True)
        _wait(link, f"experiment {name!r}", WAIT_MS if index == 0 else timeout_ms)
    search.fill("")
    search.press("Enter")
    _wait(page.get_by_role("link", name=newest, exact=True), "the whole list", WAIT_MS)


def find_run(page, experiment: str, run, timeout_ms: int = WAIT_MS) -> None:
    """Experiments → search ``experiment`` → click it → click the run's name in its runs
    table (the newest on top): the page must be that run's, showing its values."""
    info = run.info
    search = open_experiments(page)
    search.fill(experiment)
    search.press("Enter")
    link = page.get_by_role("link", name=experiment, exact=True)
    _wait(link, f"experiment {experiment!r}", timeout_ms)
    link.first.click()
    link = page.get_by_role("link", name=info.run_name, exact=True)
    _wait(link, f"run {info.run_name!r} in the runs of {experiment!r}", timeout_ms)
    link.first.click()
    check_values(page, run, timeout_ms)
    if f"/runs/{info.run_id}" not in page.url:
        raise UIError(f"run {info.run_name!r} opens {page.url}, not run {info.run_id}")


def close_assistant(page) -> None:
    """MLflow 3.17 opens its Assistant panel on the right; close it, as a learner would."""
    close = page.get_by_role("button", name="Close", exact=True)
    if close.count():
        close.first.click()


def check_run(page, url: str, run, timeout_ms: int = WAIT_MS) -> None:
    """The run page, opened by its URL, shows the run's values (``check_values``)."""
    info = run.info
    page.goto(
        f"{url}/#/experiments/{info.experiment_id}/runs/{info.run_id}",
        wait_until="domcontentloaded",
    )
    check_values(page, run, timeout_ms)


def check_values(page, run, timeout_ms: int = WAIT_MS) -> None:
    """The run page shows each param and each metric in a row of its own, with its value;
    scrolled to the metrics, when there are some."""
    info = run.info
    for kind, values in (("param", run.data.params), ("metric", run.data.metrics)):
        for key, value in values.items():
            has_key = page.get_by_role("cell", name=key, exact=True)
            row = page.get_by_role("row").filter(has=has_key)
            _wait(row, f"{kind} {key!r} of run {info.run_id}", timeout_ms)
            cells = [cell.strip() for cell in row.first.get_by_role("cell").all_inner_texts()]
            if not any(shows(cell, value) for cell in cells[1:]):
                raise UIError(f"{kind} {key!r} shows {cells}, not {value!r}")
    if run.data.metrics:
        metric = next(iter(run.data.metrics))
        page.get_by_text(metric, exact=True).first.scroll_into_view_if_needed()


def shows(cell: str, value: str | float) -> bool:
    """A param's exact text, or a metric's number however many digits the page prints."""
    if isinstance(value, str):
        return cell == value
    try:
        return math.isclose(float(cell), value, rel_tol=1e-6)
    except ValueError:
        return False


def open_artifact(page, path: str, timeout_ms: int = WAIT_MS) -> None:
    """On the run page: open the Artifacts tab, click down to ``path``."""
    _wait(page.get_by_text("Artifacts", exact=True), "the Artifacts tab", timeout_ms)
    page.get_by_text("Artifacts", exact=True).first.click()
    for part in Path(path).parts:
        _wait(page.get_by_text(part, exact=True), f"artifact entry {part!r}", timeout_ms)
        page.get_by_text(part, exact=True).first.click()


def check_image_artifact(page, path: str, size: tuple[int, int], timeout_ms: int = WAIT_MS):
    """On the run page: open ``path`` in the Artifacts tab; the image must load."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    open_artifact(page, path, timeout_ms)
    width, height = size
    try:
        page.wait_for_function(
            f"() => [...document.images].some(i => i.complete && i.naturalWidth === {width} "
            f"&& i.naturalHeight === {height})",
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        raise UIError(f"{path} does not render as a {width}x{height} image") from None


def check_html_artifact(page, path: str, texts: list[str], timeout_ms: int = WAIT_MS) -> None:
    """On the run page: open ``path`` in the Artifacts tab; the viewer renders the HTML in a
    frame of its own, which must show each of ``texts`` (a table cell, a paragraph)."""
    open_artifact(page, path, timeout_ms)
    frame = page.frame_locator("iframe")
    for text in texts:
        _wait(frame.get_by_text(text, exact=True), f"{text!r} in {path}, rendered", timeout_ms)


def check_curves(page, runs: list, steps: int, timeout_ms: int = WAIT_MS) -> None:
    """The page's metric charts, searched for CURVES_SEARCH: a chart per metric of CURVES,
    each drawing every run of ``runs`` as a line of ``steps`` points (one per step), its
    legend naming the run and the metric. The run page and the chart view alike."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    search = page.get_by_placeholder("Search metric charts")
    _wait(search, "the metric charts' search box", timeout_ms)
    search.fill(CURVES_SEARCH)
    for run in runs:
        for metric in CURVES:
            legend = page.get_by_text(f"{run.info.run_name} ({metric})", exact=True)
            _wait(legend, f"a {metric} chart with run {run.info.run_name!r}", timeout_ms)
    try:  # plotly's DOM: a trace of markers per run (and one of the line alone)
        page.wait_for_function(
            """([charts, lines, points]) => {
                const plots = [...document.querySelectorAll('.js-plotly-plot')];
                return plots.length === charts && plots.every(plot =>
                    [...plot.querySelectorAll('.scatterlayer .trace')]
                        .filter(trace => trace.querySelectorAll('.point').length === points)
                        .length === lines);
            }""",
            arg=[len(CURVES), len(runs), steps],
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        raise UIError(
            f"the charts of {', '.join(CURVES)} do not draw {len(runs)} line(s) of {steps} points"
        ) from None


def latest_run(client, experiment: str, lesson: str, name: str | None = None):
    """The newest run of ``experiment`` (named ``name``, when given), or UIError."""
    found = client.get_experiment_by_name(experiment)
    named = f"attributes.run_name = '{name}'" if name else ""
    runs = client.search_runs([found.experiment_id], named, max_results=1) if found else []
    if not runs:
        raise UIError(f"no run in experiment {experiment!r}: run lesson {lesson} first")
    return runs[0]


def check_ui(
    store: Path,
    shots: Path,
    profile: Path,
    expected: list[str],
    timeout_ms: int = WAIT_MS,
) -> str:
    """The checks on the SQLite ``store``, in the model-training view, expecting every
    experiment it holds and those named in ``expected`` too; returns a one-line summary."""
    import mlflow

    uri = f"sqlite:///{store}"
    (shots / "ui_failure.png").unlink(missing_ok=True)  # written again if the browser fails
    client = mlflow.MlflowClient(uri)
    by_date = client.search_experiments(max_results=1000, order_by=["last_update_time DESC"])
    stored = sorted(e.name for e in by_date)
    names = stored + sorted(set(expected) - set(stored))  # the stored ones load the page
    install = latest_run(client, INSTALL_EXPERIMENT, "00", INSTALL_RUN)
    run = latest_run(client, RUN_EXPERIMENT, "25")
    local = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path=FIGURE, dst_path=str(profile.parent), tracking_uri=uri
    )
    size = png_size(Path(local).read_bytes())
    curves_run = latest_run(client, CURVES_EXPERIMENT, "32")
    steps = len(client.get_metric_history(curves_run.info.run_id, CURVES[0]))
    recent = client.search_runs([curves_run.info.experiment_id], max_results=CHART_RUNS)
    report = [*course.SPECIES, f"accuracy: {curves_run.data.metrics['report/accuracy']:.4f}"]
    shots.mkdir(parents=True, exist_ok=True)
    with ui_server(store) as url, browser_page(profile) as page:
        try:
            switch_to_model_training(page, url)
            check_experiments(page, names, by_date[0].name, timeout_ms)
            page.screenshot(path=str(shots / "ui_experiments.png"))
            find_run(page, INSTALL_EXPERIMENT, install)
            check_training_view(page)  # still on, on the run page: the README's picture
            close_assistant(page)  # should it have opened late
            page.screenshot(path=str(shots / "ui_model_training.png"))
            check_run(page, url, run)
            page.screenshot(path=str(shots / "ui_run.png"))
            check_image_artifact(page, FIGURE, size)
            page.screenshot(path=str(shots / "ui_artifact.png"))
            check_run(page, url, curves_run)
            page.get_by_role("tab", name="Model metrics", exact=True).click()
            check_curves(page, [curves_run], steps, timeout_ms)
            page.screenshot(path=str(shots / "ui_run_curves.png"))
            check_html_artifact(page, REPORT, report, timeout_ms)
            page.screenshot(path=str(shots / "ui_html_report.png"))
            experiment_id = curves_run.info.experiment_id
            page.goto(f"{url}/#/experiments/{experiment_id}/runs?compareRunsMode=CHART")
            check_curves(page, recent, steps, timeout_ms)
            page.screenshot(path=str(shots / "ui_compare_curves.png"))
        except UIError:
            page.screenshot(path=str(shots / "ui_failure.png"))  # what the browser showed
            raise
    return (
        f"{TRAINING_VIEW.lower()} view on; {len(names)} experiments listed; "
        f"run {install.info.run_id} ({INSTALL_EXPERIMENT}): {len(install.data.params)} params; "
        f"run {run.info.run_id} ({RUN_EXPERIMENT}): {len(run.data.params)} params, "
        f"{len(run.data.metrics)} metrics, {FIGURE} rendered at {size[0]}x{size[1]}; "
        f"run {curves_run.info.run_id} ({CURVES_EXPERIMENT}): {', '.join(CURVES)} drawn over "
        f"{steps} steps, {REPORT} rendered; {len(recent)} runs overlaid in the chart view"
    )


def main() -> int:
    import tempfile

    # The store first: before `make all`, that is what to fix, browser or not.
    uri = course.tracking_uri()
    db = course.sqlite_path(uri)
    if db is None or not db.exists():
        print(f"error: {uri} is not an existing SQLite store: run the course first (make all).")
        return 1
    if problem := missing_browser():
        print(f"error: cannot check the UI in a browser: {problem}.")
        return 1
    with tempfile.TemporaryDirectory(prefix="course-ui-") as tmp:
        try:
            summary = check_ui(
                db,
                course.PLOTS_DIR,
                Path(tmp) / "profile",
                expected=[],
            )
        except UIError as error:
            failure = course.PLOTS_DIR / "ui_failure.png"
            shown = f" What the browser showed: {failure}" if failure.exists() else ""
            print(f"error: {error}.{shown}")
            return 1
    shutil.copyfile(course.PLOTS_DIR / "ui_model_training.png", README_IMAGE)
    print(f"UI checked in Chromium: {summary}")
    print(
        f"screenshots: {course.PLOTS_DIR}/ui_experiments.png, ui_model_training.png, "
        f"ui_run.png, ui_artifact.png, ui_run_curves.png, ui_html_report.png, "
        f"ui_compare_curves.png; the README's: {README_IMAGE}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
