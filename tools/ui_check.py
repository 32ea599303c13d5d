"""Check the course's store in the MLflow UI, in a real headless browser, and screenshot it.

`make ui-check` runs this after `make all`. It starts `mlflow ui` on the course's store as
`make ui` does (127.0.0.1, a free port), opens it in Debian's Chromium driven by Playwright
(no browser download: `apt-get install chromium chromium-driver`), and checks what a
learner should see:

1. every experiment of the store is listed on the experiments page;
2. lesson 25's latest run page shows its params and metrics, with their values;
3. its confusion matrix artifact renders, at the size of the PNG in the store.

Screenshots of the three pages go to plots/ui_*.png. Exits 1 with one line on the first
thing the browser does not show. tests/test_ui_browser.py runs the same checks.
"""

from __future__ import annotations

import math
import os
import struct
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import course  # noqa: E402

CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
# Headless as root, and no calls to Google's services (this network refuses them).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
RUN_EXPERIMENT = "25-complete-script"
FIGURE = "plots/25_confusion_matrix.png"
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
def ui_server(uri: str, artifacts: Path) -> Iterator[str]:
    """`mlflow ui` on the store, as `make ui` starts it, on a free port; yields its URL."""
    port = course.free_port()
    url = f"http://{course.LOOPBACK}:{port}"
    command = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri,
               "--artifacts-destination", str(artifacts), "--host", course.LOOPBACK,
               "--port", str(port), "--workers", "1"]  # fmt: skip
    env = course.venv_env(MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    with course.background_server(command, f"{url}/health", what="mlflow ui", env=env):
        yield url


@contextmanager
def browser_page(profile: Path) -> Iterator[object]:
    """A page of headless Chromium with an empty profile in ``profile``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
            headless=True, viewport=VIEWPORT,
        )  # fmt: skip
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


def check_experiments(
    page, url: str, names: list[str], newest: str, timeout_ms: int = WAIT_MS
) -> None:
    """Each experiment is found by the page's search box, as a learner finds it (the list
    shows 25 per page). The first may take the page's load time (WAIT_MS); the others then
    get ``timeout_ms`` each. Ends on the whole list, the ``newest`` experiment on top."""
    page.goto(f"{url}/#/experiments", wait_until="domcontentloaded")  # it never goes idle
    search = page.get_by_placeholder("Search experiments")
    _wait(search, "the experiments page", WAIT_MS)
    close_assistant(page)
    for index, name in enumerate(names):
        search.fill(name)
        search.press("Enter")
        link = page.get_by_role("link", name=name, exact=True)
        _wait(link, f"experiment {name!r}", WAIT_MS if index == 0 else timeout_ms)
    search.fill("")
    search.press("Enter")
    _wait(page.get_by_role("link", name=newest, exact=True), "the whole list", WAIT_MS)


def close_assistant(page) -> None:
    """MLflow 3.17 opens its Assistant panel on the right; close it, as a learner would."""
    close = page.get_by_role("button", name="Close", exact=True)
    if close.count():
        close.first.click()


def check_run(page, url: str, run, timeout_ms: int = WAIT_MS) -> None:
    """The run page shows each param and each metric in a row of its own, with its value."""
    info = run.info
    page.goto(f"{url}/#/experiments/{info.experiment_id}/runs/{info.run_id}",
              wait_until="domcontentloaded")  # fmt: skip
    for kind, values in (("param", run.data.params), ("metric", run.data.metrics)):
        for key, value in values.items():
            has_key = page.get_by_role("cell", name=key, exact=True)
            row = page.get_by_role("row").filter(has=has_key)
            _wait(row, f"{kind} {key!r} of run {info.run_id}", timeout_ms)
            cells = [cell.strip() for cell in row.first.get_by_role("cell").all_inner_texts()]
            if not any(shows(cell, value) for cell in cells[1:]):
                raise UIError(f"{kind} {key!r} shows {cells}, not {value!r}")
    page.get_by_text(next(iter(run.data.metrics)), exact=True).first.scroll_into_view_if_needed()


def shows(cell: str, value: str | float) -> bool:
    """A param's exact text, or a metric's number however many digits the page prints."""
    if isinstance(value, str):
        return cell == value
    try:
        return math.isclose(float(cell), value, rel_tol=1e-6)
    except ValueError:
        return False


def check_image_artifact(page, path: str, size: tuple[int, int], timeout_ms: int = WAIT_MS):
    """On the run page: open the Artifacts tab, click down to ``path``; the image must load."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _wait(page.get_by_text("Artifacts", exact=True), "the Artifacts tab", timeout_ms)
    page.get_by_text("Artifacts", exact=True).first.click()
    for part in Path(path).parts:
        _wait(page.get_by_text(part, exact=True), f"artifact entry {part!r}", timeout_ms)
        page.get_by_text(part, exact=True).first.click()
    width, height = size
    try:
        page.wait_for_function(
            f"() => [...document.images].some(i => i.complete && i.naturalWidth === {width} "
            f"&& i.naturalHeight === {height})", timeout=timeout_ms)  # fmt: skip
    except PlaywrightTimeout:
        raise UIError(f"{path} does not render as a {width}x{height} image") from None


def check_ui(uri: str, artifacts: Path, shots: Path, profile: Path, expected: list[str],
             timeout_ms: int = WAIT_MS) -> str:  # fmt: skip
    """The three checks on the store at ``uri``, expecting every experiment it holds and
    those named in ``expected`` too; returns a one-line summary."""
    import mlflow

    client = mlflow.MlflowClient(uri)
    by_date = client.search_experiments(max_results=1000, order_by=["last_update_time DESC"])
    stored = sorted(e.name for e in by_date)
    names = stored + sorted(set(expected) - set(stored))  # the stored ones load the page
    experiment = client.get_experiment_by_name(RUN_EXPERIMENT)
    runs = client.search_runs([experiment.experiment_id], max_results=1) if experiment else []
    if not runs:
        raise UIError(f"no run in experiment {RUN_EXPERIMENT!r}: run lesson 25 first")
    run = runs[0]
    local = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path=FIGURE, dst_path=str(profile.parent), tracking_uri=uri
    )
    size = png_size(Path(local).read_bytes())
    shots.mkdir(parents=True, exist_ok=True)
    with ui_server(uri, artifacts) as url, browser_page(profile) as page:
        try:
            check_experiments(page, url, names, by_date[0].name, timeout_ms)
            page.screenshot(path=str(shots / "ui_experiments.png"))
            check_run(page, url, run)
            page.screenshot(path=str(shots / "ui_run.png"))
            check_image_artifact(page, FIGURE, size)
            page.screenshot(path=str(shots / "ui_artifact.png"))
        except UIError:
            page.screenshot(path=str(shots / "ui_failure.png"))  # what the browser showed
            raise
    return (f"{len(names)} experiments listed; run {run.info.run_id}: "
            f"{len(run.data.params)} params, {len(run.data.metrics)} metrics, "
            f"{FIGURE} rendered at {size[0]}x{size[1]}")  # fmt: skip


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
            summary = check_ui(uri, db.parent / course.ARTIFACTS_DIRNAME, course.PLOTS_DIR,
                               Path(tmp) / "profile", expected=[])  # fmt: skip
        except UIError as error:
            print(f"error: {error}. What the browser showed: {course.PLOTS_DIR}/ui_failure.png")
            return 1
    print(f"UI checked in Chromium: {summary}")
    print(f"screenshots: {course.PLOTS_DIR}/ui_experiments.png, ui_run.png, ui_artifact.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
