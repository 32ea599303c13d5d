"""Check for lesson 22: only the paths that pass the check are logged, byte for byte, and a refused
path leaves no trace at all (not even the empty folder MLflow itself would create)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import LESSON_TIMEOUT_S, Lesson, lesson_env
from mlflow.entities import Run

import course
from checks import check
from checks.common import replayed_run

# Runs a command as root without the capabilities that let root ignore file modes.
NO_DAC_OVERRIDE = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
]
REFUSED_22 = {
    "config.json": "refused: does not exist",
    "plots": "refused: does not exist",
    "raw": "refused: is a folder, not a file",
}
UNREADABLE_22 = f"refused: cannot be read ({os.strerror(errno.EACCES)}): test.csv"


def mode_zero_is_readable(tmp: Path) -> bool:
    """Can this process open a chmod-0 file? (Yes for root, which the lesson must notice.)"""
    probe = tmp / "mode-zero-probe"
    probe.write_bytes(b"x")
    probe.chmod(0)
    try:
        with probe.open("rb"):
            return True
    except PermissionError:
        return False
    finally:
        probe.unlink()


def demo_files() -> dict[str, bytes]:
    """The bytes of the lesson's readable demo files, recomputed from the Iris split."""
    X_train, X_test, y_train, y_test = course.load_iris_split()
    return {
        "inputs/train.csv": X_train.assign(species=y_train).to_csv(index=False).encode(),
        "inputs/reports/summary.csv": X_train.describe().to_csv().encode(),
        "inputs/reports/counts.csv": y_train.value_counts().sort_index().to_csv().encode(),
        "inputs/test.csv": X_test.assign(species=y_test).to_csv(index=False).encode(),
    }


def entries(lesson: Lesson, run_id: str, path: str | None = None) -> set[str]:
    """Every artifact path of a run, folders included: an empty folder is a trace too."""
    found = set()
    for info in lesson.store.client.list_artifacts(run_id, path):
        found.add(info.path)
        if info.is_dir:
            found |= entries(lesson, run_id, info.path)
    return found


def assert_checked_logging(lesson: Lesson, run: Run, readable: bool) -> None:
    run_id = run.info.run_id
    assert run.info.status == "FINISHED"
    verdicts = json.loads(lesson.store.read_artifact(run_id, "path_checks.json", lesson.tmp))
    expected = {"train.csv": "logged", "reports": "logged", **REFUSED_22}
    expected["test.csv"] = "logged" if readable else UNREADABLE_22
    assert verdicts == expected
    refused = sum(v.startswith("refused: ") for v in expected.values())
    assert run.data.tags["paths_refused"] == str(refused)
    assert run.data.tags["paths_logged"] == str(len(expected) - refused)
    # Exactly the accepted files, with their bytes; nothing at all named after a refusal.
    files = demo_files()
    if not readable:
        del files["inputs/test.csv"]
    assert entries(lesson, run_id) == {*files, "path_checks.json", "inputs", "inputs/reports"}
    for path, content in files.items():
        assert lesson.store.read_artifact(run_id, path, lesson.tmp / run_id) == content


@check("22")
def path_checks(lesson: Lesson) -> None:
    readable = mode_zero_is_readable(lesson.tmp)
    replayed_run(lesson, "22-path-checks", "checked-logging")
    for run in lesson.store.runs("22-path-checks"):
        assert_checked_logging(lesson, run, readable)
    assert ("chmod 0 did not stop this user" in lesson.outputs[-1]) == readable

    # As root, chmod 0 stops nothing: replay once more without root's file-mode override,
    # so that the refusal of an unreadable file is tested here too.
    if readable and os.geteuid() == 0 and shutil.which("setpriv"):
        done = subprocess.run(
            [*NO_DAC_OVERRIDE, sys.executable, str(lesson.script)],
            cwd=lesson.tmp / "cwd",
            env=lesson_env(lesson.store),
            capture_output=True,
            text=True,
            timeout=LESSON_TIMEOUT_S,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"test.csv     as a file   → {UNREADABLE_22}" in done.stdout
        assert "chmod 0 did not stop this user" not in done.stdout
        assert_checked_logging(lesson, lesson.store.runs("22-path-checks")[-1], readable=False)

    # Unchecked, MLflow would have left a trace of the missing folder: an empty one. The
    # entries() above do see such traces (what "nothing logged" was checked against).
    client = lesson.store.client
    experiment_id = lesson.store.experiment("22-path-checks").experiment_id
    scratch = client.create_run(experiment_id, run_name="unchecked").info.run_id
    client.log_artifacts(scratch, str(lesson.tmp / "plots"), "inputs/plots")
    client.set_terminated(scratch)
    assert entries(lesson, scratch) == {"inputs", "inputs/plots"}
