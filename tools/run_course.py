"""Replay the course: every scripts/code_NN_*.py in order, one line per lesson.

`make all` runs this. Each lesson runs as a learner would run it (`python <script>`), with
this interpreter's bin/ first on PATH; its output is kept and shown only if it fails, and
the replay stops there with a non-zero exit.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))
from course import STACK_TRACKING_URI, venv_env  # noqa: E402

NEEDS_STACK = {"11"}  # lessons that need `make stack-up`: skipped, visibly, without it
LESSON_GLOB = "code_[0-9][0-9]_*.py"
LESSON_TIMEOUT_S = 600


@dataclass
class Result:
    script: Path
    returncode: int
    seconds: float
    output: str

    @property
    def number(self) -> str:
        return self.script.stem.split("_")[1]

    @property
    def name(self) -> str:
        return self.script.stem.split("_", 2)[2]


def lessons() -> list[Path]:
    return sorted((REPO_ROOT / "scripts").glob(LESSON_GLOB))


def lesson_env() -> dict[str, str]:
    """The caller's environment with this interpreter's bin/ first on PATH (see
    course.venv_env): lessons must find the venv's `python` and `uvicorn` by name."""
    return venv_env()


def run_lesson(script: Path, env: dict[str, str] | None = None) -> Result:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(script)],
            env=env or lesson_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=LESSON_TIMEOUT_S,
        )
        returncode, output = done.returncode, done.stdout
    except subprocess.TimeoutExpired as timeout:
        returncode = -1
        output = f"{timeout.output or ''}\n(stopped after {LESSON_TIMEOUT_S} s)"
    return Result(script, returncode, time.perf_counter() - start, output)


def stack_is_up() -> bool:
    try:
        urllib.request.urlopen(f"{STACK_TRACKING_URI}/health", timeout=2).close()
    except (urllib.error.URLError, OSError):
        return False
    return True


def main() -> int:
    scripts = lessons()
    print(f"Replaying {len(scripts)} lessons with {sys.executable}")
    total, skipped = 0.0, 0
    for script in scripts:
        number, name = script.stem.split("_", 2)[1:]
        if number in NEEDS_STACK and not stack_is_up():
            print(f"  {number}  {name:<24} skipped: stack not running (make stack-up)", flush=True)
            skipped += 1
            continue
        result = run_lesson(script)
        total += result.seconds
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"  {result.number}  {result.name:<24} {status:<8} {result.seconds:6.1f} s",
              flush=True)  # fmt: skip
        if result.returncode != 0:
            print(f"\n--- output of {script.relative_to(REPO_ROOT)} ---\n{result.output}")
            print(f"Stopped at lesson {result.number}. Rerun it alone: make run N={result.number}")
            return 1
    ran = len(scripts) - skipped
    note = f" ({skipped} skipped)" if skipped else ""
    print(f"All {ran} lessons passed in {total:.1f} s{note}. Browse them: make ui")
    return 0


if __name__ == "__main__":
    sys.exit(main())
