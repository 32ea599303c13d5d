"""Benchmark the course against the cost it cannot avoid: its imports.

`make bench` runs this and prints, from one run on this machine:

1. the import floor: a Python process that imports mlflow, mlflow.sklearn, scikit-learn,
   pandas, matplotlib and seaborn and nothing else, sampled once before each lesson and
   taken as the median, so that it sees the same machine as the lessons (a shared 2-core
   machine drifts by 10-20% within minutes); and the store floor, the same plus opening
   MLflow's SQLite store (SQLAlchemy, ~1 s of imports), sampled FLOOR_SAMPLES times;
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
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from course import REPO_ROOT, lesson_number, lessons, venv_env
from run_course import NEEDS_STACK, Runner, replay

FLOOR_IMPORTS = "import mlflow, mlflow.sklearn, sklearn, pandas, matplotlib, seaborn"
T = TypeVar("T")
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


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(run: Callable[[], T]) -> tuple[T, float, float]:
    """What ``run`` returns, its wall seconds, and the CPU seconds of the processes it
    started and waited for."""
    start, cpu = time.perf_counter(), children_cpu()
    returned = run()
    return returned, time.perf_counter() - start, children_cpu() - cpu


def floor_sample(code: str, env: dict[str, str]) -> tuple[float, float]:
    _, wall, cpu = timed(lambda: subprocess.run([sys.executable, "-c", code], env=env, check=True))
    return wall, cpu


def time_lessons(scripts: list[Path], env: dict[str, str]) -> tuple[dict, tuple[float, float]]:
    """Each lesson's (wall, CPU) seconds, a floor sample before each; ratios once all are in.

    CPU time (user + system, the lesson's servers and entry points included) is what a
    busy machine barely changes; wall time is what a learner waits.
    """
    print(f"timing {len(scripts)} lessons, a floor sample before each...", flush=True)
    store = statistics.median(
        floor_sample(FLOOR_IMPORTS + STORE_OPEN, env)[0] for _ in range(FLOOR_SAMPLES)
    )
    samples = [floor_sample(FLOOR_IMPORTS, env) for _ in range(FLOOR_SAMPLES)]
    times, runner = {}, Runner()
    for script in scripts:
        samples.append(floor_sample(FLOOR_IMPORTS, env))
        result, wall, cpu = timed(lambda s=script: runner.run(s, env))
        if result.returncode != 0:
            sys.exit(f"{script.name} failed (exit {result.returncode}):\n{result.output}")
        times[script.stem.removeprefix("code_")] = wall, cpu
    walls, cpus = zip(*samples, strict=True)
    floor = statistics.median(walls), statistics.median(cpus)
    print(
        f"import floor: {floor[0]:.2f} s wall, {floor[1]:.2f} s CPU ({FLOOR_IMPORTS}; median "
        f"of {len(samples)} samples, wall {min(walls):.2f} to {max(walls):.2f} s)"
    )
    print(f"store floor:  {store:.2f} s wall (the same, then opening the SQLite store)\n")
    print(f"{'lesson':<26} {'wall s':>7} {'/ floor':>8} {'CPU s':>7} {'/ floor':>8}")
    for label, (wall, cpu) in times.items():
        why = STARTS_PROCESSES.get(label[:2], "not a lesson that starts processes")
        flag = f"  above {CEILING:.0f}x: {why}" * (wall > CEILING * floor[0])
        ratios = f"{wall:7.2f} {wall / floor[0]:8.2f} {cpu:7.2f} {cpu / floor[1]:8.2f}"
        print(f"{label.replace('_', ' ', 1):<26} {ratios}{flag}")
    return {label[:2]: numbers for label, numbers in times.items()}, floor


def summarise(times: dict[str, tuple[float, float]], floor: tuple[float, float]) -> None:
    for label, numbers in (("sum", list(times)), ("00-10 without 03", FIRST_LESSONS)):
        chosen = [times[n] for n in numbers if n in times]
        if not chosen:
            continue
        wall, cpu = (sum(column) for column in zip(*chosen, strict=True))
        n = len(chosen)
        ratios = f"{wall:7.2f} {wall / (n * floor[0]):8.2f} {cpu:7.2f} {cpu / (n * floor[1]):8.2f}"
        print(f"{label:<26} {ratios}  ({n} lessons)")


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
        env = {**venv_env(), "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/mlflow.db"}
        env.pop("COURSE_ARTIFACT_ROOT", None)
        create = [sys.executable, "-c", "import course; course.connect()"]
        seconds = seconds_of(create, env=env, cwd=tmp)
        print(f"store created in {seconds:.1f} s (one-time, not counted)")
        summarise(*time_lessons(scripts, env))
        if not args.only:
            time_make_all({**env, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/all/mlflow.db"})
            time_installs(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
