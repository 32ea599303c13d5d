"""Benchmark a replay of the course against the cost it cannot avoid: its imports.

`make bench` runs this. The floor is a Python process that imports mlflow, scikit-learn,
pandas, matplotlib and seaborn and nothing else (median of FLOOR_SAMPLES runs, measured in
this same run). Then every lesson runs as `make all` runs it, on a fresh temporary store
(created once beforehand, so lesson 00 does not pay the one-time migration), and the table
gives each lesson's wall time, the floor and the ratio, then the totals.

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

from run_course import lesson_env, lessons, run_lesson

FLOOR_IMPORTS = "import mlflow, sklearn, pandas, matplotlib, seaborn"
FLOOR_SAMPLES = 3


def measure_floor(env: dict[str, str]) -> float:
    samples = []
    for _ in range(FLOOR_SAMPLES):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", FLOOR_IMPORTS], env=env, check=True)
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
        floor = measure_floor(env)
        print(f"import floor: {floor:.2f} s ({FLOOR_IMPORTS}; median of {FLOOR_SAMPLES})\n")
        print(f"{'lesson':<30} {'seconds':>8} {'floor':>7} {'ratio':>6}")
        total = 0.0
        for script in scripts:
            result = run_lesson(script, env)
            if result.returncode != 0:
                print(f"{script.name} failed (exit {result.returncode}):\n{result.output}")
                return 1
            total += result.seconds
            label = f"{result.number} {result.name}"
            print(f"{label:<30} {result.seconds:8.2f} {floor:7.2f} {result.seconds / floor:6.2f}",
                  flush=True)  # fmt: skip
    floors = floor * len(scripts)
    print(f"{'total':<30} {total:8.2f} {floors:7.2f} {total / floors:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
