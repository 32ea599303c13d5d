"""Benchmark the course against the cost it cannot avoid: its imports.

`make bench` runs this and prints, from one run on this machine:

1. the import floor: a Python process that imports mlflow, mlflow.sklearn, scikit-learn,
   pandas, matplotlib and seaborn and nothing else (median of FLOOR_SAMPLES runs); and the
   store floor, the same plus opening MLflow's SQLite store (SQLAlchemy, ~1 s of imports);
2. each lesson's wall time, run alone as `make all J=1` runs it on a fresh temporary store
   (created beforehand, so that lesson 00 does not pay the one-time migration), and its
   ratio to the import floor; the sum, the sum for lessons 00-10 without 03, and which
   lessons cost more than 3 floors;
3. `make all`'s wall time: the whole course replayed on a new store, one lesson per core;
4. `make install`'s time with uv and with pip, each into a new venv twice (the second run
   has a warm cache), and `git clone` → `make run N=00` (install included) in a new clone.

Not a test: timings depend on the machine and its load. Use it to compare before and after
a change, on a quiet machine. `--only 03 10` times some lessons only (steps 1-2).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_course import NEEDS_STACK, REPO_ROOT, Runner, lesson_env, lesson_number, lessons, replay

FLOOR_IMPORTS = "import mlflow, mlflow.sklearn, sklearn, pandas, matplotlib, seaborn"
STORE_OPEN = "; mlflow.MlflowClient().search_experiments(max_results=1)"
FLOOR_SAMPLES = 3
FIRST_LESSONS = [f"{n:02d}" for n in range(11) if n != 3]  # 00-10 without 03 (a server)
CEILING = 3.0  # no lesson above 3 floors, but those that start processes (below)
STARTS_PROCESSES = {
    "03": "starts and stops an `mlflow server`",
    "26": "runs 3 project entry points, each a new interpreter (lessons 25, 08, 25)",
    "30": "starts `mlflow models serve` (uvicorn) and sends it HTTP requests",
}


def seconds_of(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, **kwargs)
    return time.perf_counter() - start


def floors(env: dict[str, str]) -> tuple[float, float]:
    samples = {code: [] for code in (FLOOR_IMPORTS, FLOOR_IMPORTS + STORE_OPEN)}
    for _ in range(FLOOR_SAMPLES):
        for code, times in samples.items():
            times.append(seconds_of([sys.executable, "-c", code], env=env))
    floor, store = (statistics.median(times) for times in samples.values())
    print(f"import floor: {floor:.2f} s ({FLOOR_IMPORTS}; median of {FLOOR_SAMPLES})")
    print(f"store floor:  {store:.2f} s (the same, then opening the SQLite store)\n")
    return floor, store


def time_lessons(scripts: list[Path], env: dict[str, str], floor: float) -> dict[str, float]:
    print(f"{'lesson':<26} {'seconds':>8} {'/ floor':>8}")
    times, runner = {}, Runner()
    for script in scripts:
        result = runner.run(script, env)
        if result.returncode != 0:
            sys.exit(f"{script.name} failed (exit {result.returncode}):\n{result.output}")
        times[result.number] = result.seconds
        label = f"{result.number} {result.name}"
        why = STARTS_PROCESSES.get(result.number, "not a lesson that starts processes")
        flag = f"  above {CEILING:.0f}x: {why}"
        over = result.seconds > CEILING * floor
        print(f"{label:<26} {result.seconds:8.2f} {result.seconds / floor:8.2f}{flag * over}")
    return times


def summarise(times: dict[str, float], floor: float) -> None:
    total = sum(times.values())
    print(f"{'sum':<26} {total:8.2f} {total / (len(times) * floor):8.2f}  ({len(times)} lessons)")
    first = [times[n] for n in FIRST_LESSONS if n in times]
    if first:
        ratio = sum(first) / (len(first) * floor)
        print(f"{'00-10 without 03':<26} {sum(first):8.2f} {ratio:8.2f}  ({len(first)} lessons)")


def time_make_all(env: dict[str, str]) -> None:
    """The course on a new store, one lesson per core, as `make all` replays it."""
    jobs = os.cpu_count() or 1
    scripts = [s for s in lessons() if lesson_number(s) not in NEEDS_STACK]
    print(f"\nmake all ({jobs} at a time, new store):")
    start = time.perf_counter()
    results, failed = replay(scripts, jobs, Runner(), env=env)
    if failed:
        sys.exit(f"{failed.script.name} failed in make all:\n{failed.output}")
    wall = time.perf_counter() - start
    total = sum(r.seconds for r in results)
    print(f"  {len(results)} lessons in {wall:.1f} s wall ({total:.1f} s of lesson time)")


def time_installs(tmp: Path) -> None:
    """tools/install.py into new venvs, as `make install` runs it, with each installer."""
    print("\nmake install (requirements.txt into a new venv; the 2nd has a warm cache):")
    install = [sys.executable, str(REPO_ROOT / "tools" / "install.py")]
    python = shutil.which("python3") or sys.executable
    for installer in ("uv", "pip"):
        runs = []
        for attempt in (1, 2):
            venv = tmp / f"venv-{installer}-{attempt}"
            command = [python, *install[1:], "--venv", str(venv), "--installer", installer]
            runs.append(seconds_of([*command, "requirements.txt"], stdout=subprocess.DEVNULL))
        print(f"  {installer:<4} {runs[0]:6.1f} s, then {runs[1]:6.1f} s")
    # A learner's first minute: a new clone of this repository's HEAD, its own store.
    clone = tmp / "clone"
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    start = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    make = ["make", "-C", str(clone), "run", "N=00"]
    subprocess.run(make, check=True, env=env, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    print(f"  git clone, then make run N=00 (install included): {seconds:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="lesson numbers, e.g. 03 10")
    args = parser.parse_args()
    scripts = [s for s in lessons() if not args.only or lesson_number(s) in args.only]
    scripts = [s for s in scripts if lesson_number(s) not in NEEDS_STACK]  # a stack of its own

    with tempfile.TemporaryDirectory(prefix="course-bench-") as folder:
        tmp = Path(folder)
        env = {**lesson_env(), "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/mlflow.db"}
        env.pop("COURSE_ARTIFACT_ROOT", None)
        create = [sys.executable, "-c", "import course; course.connect()"]
        seconds = seconds_of(create, env=env, cwd=REPO_ROOT / "scripts")
        print(f"store created in {seconds:.1f} s (one-time, not counted)")
        floor, _ = floors(env)
        summarise(time_lessons(scripts, env, floor), floor)
        if not args.only:
            time_make_all({**env, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/all/mlflow.db"})
            time_installs(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
