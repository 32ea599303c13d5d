"""Replay the course: every scripts/code_NN_*.py, one line per lesson, in course order.

`make all` runs this. Each lesson runs as a learner would run it (`python <script>`), with
this interpreter's bin/ first on PATH; its output is kept and shown only if it fails.
Lessons are independent, so up to --jobs of them (default: one per core) run at once; the
lines still come out in course order, and the replay stops at the first lesson (in course
order) that fails, with its output and a non-zero exit; the lessons still running are
stopped. `--jobs 1` (`make all J=1`) replays strictly one after the other.

Two kinds of lesson wait for others, so that the store ends as a sequential replay leaves
it: lesson 26 runs lessons 08 and 25 as project entry points (they write the same plots),
and the lessons that use the registry's champion (23, 30) come after lesson 21 sets it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import course
from course import REPO_ROOT, lesson_number, lessons, venv_env

NEEDS_STACK = {"11", "31"}  # lessons that need `make stack-up`: skipped, visibly, without it
AFTER = {"23": {"21"}, "26": {"08", "25"}, "30": {"21"}}  # lesson: lessons it waits for
LESSON_TIMEOUT_S = 600
STOP_GRACE_S = 20


@dataclass
class Result:
    script: Path
    returncode: int
    seconds: float
    output: str

    @property
    def number(self) -> str:
        return lesson_number(self.script)

    @property
    def name(self) -> str:
        return self.script.stem.split("_", 2)[2]


class Runner:
    """Runs lessons as subprocesses and can stop every one still running."""

    def __init__(self) -> None:
        self._running: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self.stopping = False

    def run(self, script: Path, env: dict[str, str] | None = None) -> Result:
        start = time.perf_counter()
        with self._lock:
            if self.stopping:
                return Result(script, -1, 0.0, "(not started: an earlier lesson failed)")
            process = subprocess.Popen(
                [sys.executable, str(script)],
                env=env or venv_env(),  # lessons start `python`, `uvicorn` by name
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            self._running.add(process)
        try:
            output, _ = process.communicate(timeout=LESSON_TIMEOUT_S)
            returncode = process.returncode
        except subprocess.TimeoutExpired:
            self._terminate(process)
            output, _ = process.communicate()
            returncode, output = -1, f"{output}\n(stopped after {LESSON_TIMEOUT_S} s)"
        finally:
            with self._lock:
                self._running.discard(process)
        return Result(script, returncode, time.perf_counter() - start, output)

    def stop_all(self) -> None:
        with self._lock:
            self.stopping = True
            running = list(self._running)
        for process in running:
            self._terminate(process)

    @staticmethod
    def _terminate(process: subprocess.Popen) -> None:
        course.stop_process(process, STOP_GRACE_S)


def run_lesson(script: Path, env: dict[str, str] | None = None) -> Result:
    """Run one lesson to its end (tools that time lessons one by one use this)."""
    return Runner().run(script, env)


def stack_is_up() -> bool:
    try:
        urllib.request.urlopen(f"{course.STACK_TRACKING_URI}/health", timeout=2).close()
    except (urllib.error.URLError, OSError):
        return False
    return True


def replay(
    scripts: list[Path],
    jobs: int,
    runner: Runner,
    skipped: dict[Path, str] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[list[Result], Result | None]:
    """Run ``scripts`` with up to ``jobs`` at once; print one line each, in course order.

    ``skipped`` lessons get a line saying why, in their place; ``env`` replaces
    ``course.venv_env()`` (another store, say). Returns the results, and
    the first failure in course order (or None); after a failure, the lessons still
    running are stopped and no new one starts.
    """
    skipped = skipped or {}
    futures: dict[str, Future] = {}
    results: list[Result] = []

    def after_prerequisites(script: Path) -> Result:
        for number in sorted(AFTER.get(lesson_number(script), ())):
            if number in futures:
                futures[number].result()  # submitted earlier, so it never waits on us
        return runner.run(script, env)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for script in scripts:  # course order: a prerequisite is always submitted first
            if script not in skipped:
                futures[lesson_number(script)] = pool.submit(after_prerequisites, script)
        for script in scripts:
            if script in skipped:
                name = script.stem.split("_", 2)[2]
                print(f"  {lesson_number(script)}  {name:<24} skipped: {skipped[script]}")
                continue
            result = futures[lesson_number(script)].result()
            status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
            line = f"  {result.number}  {result.name:<24} {status:<8} {result.seconds:6.1f} s"
            print(line, flush=True)
            results.append(result)
            if result.returncode != 0:
                runner.stop_all()
                pool.shutdown(wait=True, cancel_futures=True)
                return results, result
    return results, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", "-j", type=int, default=0, help="lessons at once (default: one per core)"
    )
    jobs = parser.parse_args().jobs or os.cpu_count() or 1
    scripts = lessons()
    stack_down = "stack not running (make stack-up)"
    skipped = {s: stack_down for s in scripts if lesson_number(s) in NEEDS_STACK}
    if skipped and stack_is_up():
        skipped = {}
    print(f"Replaying {len(scripts)} lessons with {sys.executable}, {jobs} at a time")
    start, runner = time.perf_counter(), Runner()
    try:
        results, failed = replay(scripts, jobs, runner, skipped)
    except KeyboardInterrupt:
        runner.stop_all()
        print("\nInterrupted: the lessons still running were stopped.")
        return 130
    wall = time.perf_counter() - start
    if failed:
        print(f"\n--- output of {failed.script.relative_to(REPO_ROOT)} ---\n{failed.output}")
        print(f"Stopped at lesson {failed.number}. Rerun it alone: make run N={failed.number}")
        return 1
    total = sum(r.seconds for r in results)
    note = f" ({len(skipped)} skipped)" if skipped else ""
    print(
        f"All {len(results)} lessons passed in {wall:.1f} s ({total:.1f} s of lesson time, "
        f"{jobs} at a time){note}. Browse them: make ui"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
