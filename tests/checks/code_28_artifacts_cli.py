"""Check for lesson 28, replayed twice (the second in bash): each run's files recomputed here (the
report from a model trained here, the reviewed copy, the archive unpacked byte for byte), and
the printed commands run again, as printed."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import re
import shlex
import subprocess
import sys
import zipfile

from conftest import Lesson, lesson_env

import course
from checks import check
from checks.common import finished, reference_model

EXPERIMENT = "28-artifacts-cli"
PATHS = {
    "reports/metrics.json",
    "data/train.csv",
    "data/test.csv",
    "reviewed/metrics.json",
    "archive/data.zip",
    "archive/SHA256SUMS",
}
# The subcommands, in the lesson's order: look, fetch a file, add its changed copy, fetch
# a folder, add its archive.
SEQUENCE = ["list", "list", "download", "log-artifact", "download", "log-artifacts"]


def printed_commands(output: str) -> list[list[str]]:
    """The `$ mlflow ...` lines of an output, split as a shell would."""
    return [shlex.split(line[2:]) for line in output.splitlines() if line.startswith("$ mlflow ")]


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


# Two replays, the second in a shell: every command the lesson printed, pasted into bash as
# a learner would, must have the same effects as the first replay's, run in-process.
@check("28", replays=2, last_in_shell=True)
def artifacts_cli(lesson: Lesson) -> None:
    runs = lesson.store.runs(EXPERIMENT)
    assert [r.info.run_name for r in runs] == ["artifacts-cli"] * len(lesson.outputs)
    assert finished(runs)
    review = importlib.import_module("code_28_artifacts_cli").REVIEW

    # What the Python part logged, recomputed: log_dict writes json.dump(indent=2).
    X_train, X_test, y_train, y_test = course.load_iris_split()
    accuracy = reference_model().score(X_test, y_test)
    report = {"model": "LogisticRegression", "accuracy": accuracy, "test_rows": len(X_test)}
    data = {
        "train.csv": X_train.assign(species=y_train).to_csv(index=False).encode(),
        "test.csv": X_test.assign(species=y_test).to_csv(index=False).encode(),
    }

    for number, (run, output) in enumerate(zip(runs, lesson.outputs, strict=True), start=1):
        run_id = run.info.run_id
        assert f"run id:      {run_id} " in output
        assert run.data.metrics == {"accuracy": accuracy}
        # Each replay's run holds exactly these files: the CLI added to the run it was
        # given, after it had finished, and to no other.
        assert lesson.store.artifact_paths(run_id) == PATHS

        def read(path: str, run_id: str = run_id, number: int = number) -> bytes:
            return lesson.store.read_artifact(run_id, path, lesson.tmp / f"{number}" / path)

        # The original is byte for byte what Python logged; the copy is it plus the review.
        original = read("reports/metrics.json")
        assert original == json.dumps(report, indent=2).encode()
        reviewed = json.loads(read("reviewed/metrics.json"))
        assert reviewed.pop("review") == review
        assert reviewed == json.loads(original)
        for name, content in data.items():
            assert read(f"data/{name}") == content

        # The archive: exactly the folder's files, same bytes, and a checksum that holds.
        packed = read("archive/data.zip")
        with zipfile.ZipFile(io.BytesIO(packed)) as archive:
            assert sorted(archive.namelist()) == sorted(data)
            assert {name: archive.read(name) for name in data} == data
        digest = hashlib.sha256(packed).hexdigest()
        assert read("archive/SHA256SUMS").decode() == f"{digest}  data.zip\n"
        assert f"archive:     archive/data.zip sha256 {digest[:16]}…" in output

        # The commands, as printed: all six, each on this replay's run.
        commands = printed_commands(output)
        assert [c[2] for c in commands if c[1] == "artifacts"] == SEQUENCE
        assert len(commands) == len(SEQUENCE)
        for command in commands[:2] + commands[3:4] + commands[5:]:
            assert option(command, "--run-id") == run_id
        # Each download landed in its --dst-path, where the lesson says (the "→" line).
        first, folder = commands[2], commands[4]
        assert option(first, "--run-id") == run_id
        assert option(first, "--artifact-path") == "reports/metrics.json"
        assert option(folder, "--artifact-uri") == f"runs:/{run_id}/data"
        landed = re.findall(r"^  → (.+)$", output, flags=re.MULTILINE)
        assert landed == [
            f"{option(first, '--dst-path')}/metrics.json",
            f"{option(folder, '--dst-path')}/data",
        ]
        # The listing printed from the sub-folder's JSON is the store's.
        sizes = {a.path: a.file_size for a in lesson.store.client.list_artifacts(run_id, "data")}
        assert sizes == {f"data/{name}": len(content) for name, content in data.items()}
        for path, size in sizes.items():
            assert f"\n  {path:<28} {size} bytes\n" in output

    # Pasted into a terminal with MLFLOW_TRACKING_URI set, a printed command runs and
    # answers from the store: the first listing, now showing what the CLI added.
    command = printed_commands(lesson.outputs[-1])[0]
    done = subprocess.run(
        [sys.executable, "-m", *command],
        env=lesson_env(lesson.store),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    listed = {(e["path"], e["is_dir"]) for e in json.loads(done.stdout)}
    assert listed == {(a.path, a.is_dir) for a in lesson.store.client.list_artifacts(run_id)}
    assert listed == {(name, True) for name in ("archive", "data", "reports", "reviewed")}
