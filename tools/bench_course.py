"""Benchmark a replay of the course against the cost it cannot avoid: its imports.

`make bench` runs this. The floor is a Python process that imports mlflow, scikit-learn,
pandas, matplotlib and seaborn and nothing else (median of FLOOR_SAMPLES runs, measured in
this same run). A second floor adds what every lesson pays to use MLflow's SQLite store at
all: opening it (MLflow's SQLAlchemy store, ~1 s of imports and ORM set-up). Then every
lesson runs as `make all` runs it, on a fresh temporary store (created once beforehand, so
lesson 00 does not pay the one-time migration), and the table gives each lesson's wall
time and its ratio to both floors, then the totals.

Not a test: timings depend on the machine. Use it to compare before and after a change.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_course import NEEDS_STACK, lesson_env, lessons, run_lesson, stack_is_up

FLOOR_IMPORTS = "import mlflow, sklearn, pandas, matplotlib, seaborn"
STORE_OPEN = "; mlflow.MlflowClient().search_experiments(max_results=1)"
FLOOR_SAMPLES = 3


def measure(code: str, env: dict[str, str]) -> float:
    samples = []
    for _ in range(FLOOR_SAMPLES):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="lesson numbers, e.g. 03 10")
    args = parser.parse_args()
    scripts = [s for s in lessons() if not args.only or s.stem.split("_")[1] in args.only]

    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        env = {**lesson_env(), "MLFLOW_TRACKING_URI": f"sqlite:///{Path(tmp)}/mlflow.db"}
        env.pop("COURSE_ARTIFACT_ROOT", None)
        start = time.perf_counter()
        create = "import course; course.connect()"
        subprocess.run([sys.executable, "-c", create], env=env, check=True,
                       cwd=Path(__file__).resolve().parent.parent / "scripts")  # fmt: skip
        print(f"store created in {time.perf_counter() - start:.1f} s (one-time, not counted)")
        floor = measure(FLOOR_IMPORTS, env)
        store_floor = measure(FLOOR_IMPORTS + STORE_OPEN, env)
        print(f"import floor: {floor:.2f} s ({FLOOR_IMPORTS}; median of {FLOOR_SAMPLES})")
        print(f"store floor:  {store_floor:.2f} s (the same, then opening the SQLite store)\n")
        print(f"{'lesson':<26} {'seconds':>8} {'/ import floor':>15} {'/ store floor':>14}")
        total = 0.0
        for script in list(scripts):
            if script.stem.split("_")[1] in NEEDS_STACK and not stack_is_up():
                print(f"{script.stem[5:]:<26} skipped: stack not running (make stack-up)")
                scripts.remove(script)
                continue
            result = run_lesson(script, env)
            if result.returncode != 0:
                print(f"{script.name} failed (exit {result.returncode}):\n{result.output}")
                return 1
            total += result.seconds
            label = f"{result.number} {result.name}"
            print(f"{label:<26} {result.seconds:8.2f} {result.seconds / floor:15.2f} "
                  f"{result.seconds / store_floor:14.2f}", flush=True)  # fmt: skip
    floors, store_floors = len(scripts) * floor, len(scripts) * store_floor
    print(f"{'total':<26} {total:8.2f} {total / floors:15.2f} {total / store_floors:14.2f}")
    print(f"(summed floors: {floors:.1f} s of imports, {store_floors:.1f} s with the store)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
