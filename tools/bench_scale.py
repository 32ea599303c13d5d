"""Replay the course many times on one store, then start lessons at once on a new store.

`make bench-scale` runs this (R=10 replays by default). Two questions, two parts:

1. Does a lesson slow down as the store fills? The whole course is replayed R times, in
   order, on one new temporary SQLite store (created beforehand, so that the first replay
   does not pay the one-time migration), as `make all` would replay it. The table gives
   each lesson's wall and CPU time (its processes' user + system) in the 1st and the last
   replay, and the median CPU time of the first and of the last WINDOW replays. A lesson
   whose later median exceeds SLOWER_LIMIT times its earlier one is listed as slower. CPU
   time is the verdict because it barely moves when something else runs on the machine
   (wall time does), and medians because one replay of the same lesson on the same store
   varies by up to 30% from the next (lesson 18: 8.4 to 11.2 s of CPU). The store's size (runs,
   model versions, logged models, MB) is printed after each replay, and every lesson's time
   in every replay is saved to plots/bench_scale.json.
2. Do lessons started at the same moment on a brand-new store all succeed and leave it
   intact? CONCURRENT lessons start together, ROUNDS times, each round on a new store; every
   lesson must exit 0 and the store must answer `PRAGMA integrity_check` with "ok".

Not a test: timings depend on the machine (a 10-replay run takes about an hour here).
Exits 1 if a lesson fails, a store is damaged, or a lesson got slower.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course import REPO_ROOT, lesson_number, lessons, venv_env
from run_course import NEEDS_STACK, run_lesson

SLOWER_LIMIT = 1.1
WINDOW = 3  # replays at each end whose median is compared
SAVED = REPO_ROOT / "plots" / "bench_scale.json"
CONCURRENT = ["08", "09", "21", "25"]  # they search runs, create experiments, register models
ROUNDS = 3
COUNTS = {
    "runs": "SELECT COUNT(*) FROM runs",
    "versions": "SELECT COUNT(*) FROM model_versions",
    "logged models": "SELECT COUNT(*) FROM logged_models",
}


def store_env(db: Path) -> dict[str, str]:
    env = {**venv_env(), "MLFLOW_TRACKING_URI": f"sqlite:///{db}"}
    env.pop("COURSE_ARTIFACT_ROOT", None)  # artifacts next to the store, in the temp dir
    return env


def store_size(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        counts = [f"{connection.execute(sql).fetchone()[0]} {name}" for name, sql in COUNTS.items()]
    return f"{', '.join(counts)}, {db.stat().st_size / 1e6:.1f} MB"


def cpu_seconds() -> float:
    """CPU time (user + system) of every child process this one has waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def replay(scripts: list[Path], replays: int, db: Path) -> dict[str, list[tuple[float, float]]]:
    """Every lesson's (wall, CPU) seconds, replay after replay, on the one store `db`."""
    db.parent.mkdir(parents=True)
    env, times = store_env(db), {s.stem.removeprefix("code_"): [] for s in scripts}
    # Create (migrate) the store first, so the 1st replay's lesson 00 does not pay it.
    subprocess.run(
        [sys.executable, "-c", "import course; course.connect()"],
        env=env,
        cwd=REPO_ROOT / "scripts",
        check=True,
    )
    for number in range(1, replays + 1):
        start = time.perf_counter()
        for script in scripts:
            cpu = cpu_seconds()
            result = run_lesson(script, env)
            cpu = cpu_seconds() - cpu
            if result.returncode != 0:
                raise SystemExit(
                    f"replay {number}: {script.name} failed (exit "
                    f"{result.returncode}):\n{result.output}"
                )
            times[script.stem.removeprefix("code_")].append((result.seconds, cpu))
        print(
            f"replay {number:>2}: {time.perf_counter() - start:7.1f} s; store: {store_size(db)}",
            flush=True,
        )
    return times


def report(times: dict[str, list[tuple[float, float]]]) -> list[str]:
    """The 1st and last replay of each lesson, and the verdict on the median CPU time of the
    first and last WINDOW replays (fewer when there are fewer than 2 x WINDOW replays)."""
    window = max(1, min(WINDOW, len(next(iter(times.values()))) // 2))
    print(
        f"\n{'lesson':<26} {'wall 1st':>8} {'last':>6}   {'CPU 1st':>7} {'last':>6} "
        f"{'ratio':>5}   {'median first':>12} {'last':>5} {'ratio':>5}  ({window} replays)"
    )
    slower, totals = [], [0.0] * 6
    for lesson, seconds in times.items():
        wall, cpu = [s[0] for s in seconds], [s[1] for s in seconds]
        early, late = statistics.median(cpu[:window]), statistics.median(cpu[-window:])
        row = [wall[0], wall[-1], cpu[0], cpu[-1], early, late]
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        flag = "  SLOWER" if late / early > SLOWER_LIMIT else ""
        print(
            f"{lesson:<26} {row[0]:8.2f} {row[1]:6.2f}   {row[2]:7.2f} {row[3]:6.2f} "
            f"{row[3] / row[2]:5.2f}   {early:12.2f} {late:5.2f} {late / early:5.2f}{flag}"
        )
        if flag:
            slower.append(lesson)
    print(
        f"{'total':<26} {totals[0]:8.2f} {totals[1]:6.2f}   {totals[2]:7.2f} {totals[3]:6.2f} "
        f"{totals[3] / totals[2]:5.2f}   {totals[4]:12.2f} {totals[5]:5.2f} "
        f"{totals[5] / totals[4]:5.2f}"
    )
    return slower


def at_once(scripts: list[Path], tmp: Path, round_: int) -> bool:
    """Start the lessons together on a store that does not exist yet; all must pass."""
    db = tmp / f"concurrent-{round_}" / "mlflow.db"
    db.parent.mkdir()
    env, start = store_env(db), time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, str(s)],
            env=env,
            cwd=db.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for s in scripts
    ]
    outputs = [p.communicate(timeout=600)[0] for p in processes]
    results = zip(scripts, processes, outputs, strict=True)
    failed = [(s, p, o) for s, p, o in results if p.returncode != 0]
    for script, process, output in failed:
        print(f"round {round_}: {script.name} failed (exit {process.returncode}):\n{output}")
    with sqlite3.connect(db) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    print(
        f"round {round_}: {len(scripts) - len(failed)}/{len(scripts)} lessons passed in "
        f"{time.perf_counter() - start:.1f} s; integrity_check: {integrity}; "
        f"store: {store_size(db)}",
        flush=True,
    )
    return not failed and integrity == "ok"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replays", type=int, default=10, help="replays on one store")
    parser.add_argument("--only", nargs="*", default=[], help="lesson numbers, e.g. 08 21")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds of lessons at once")
    args = parser.parse_args()
    scripts = [
        s
        for s in lessons()
        if lesson_number(s) not in NEEDS_STACK and (not args.only or lesson_number(s) in args.only)
    ]
    print(f"{len(scripts)} lessons (lesson 11 needs the stack: left out), with {sys.executable}")
    with tempfile.TemporaryDirectory(prefix="course-scale-") as tmp:
        print(
            f"\nLessons {', '.join(CONCURRENT)} started at once on a brand-new store, "
            f"{args.rounds} rounds:"
        )
        concurrent = [s for s in lessons() if lesson_number(s) in CONCURRENT]
        intact = all([at_once(concurrent, Path(tmp), r) for r in range(1, args.rounds + 1)])
        print(f"\nThe course replayed {args.replays} times on one new store:")
        times = replay(scripts, args.replays, Path(tmp) / "replays" / "mlflow.db")
    SAVED.write_text(json.dumps({"wall_cpu_seconds_per_replay": times}, indent=1))
    slower = report(times)
    print(f"every replay's times: {SAVED.relative_to(REPO_ROOT)}")
    if slower:
        print(
            f"\nslower (median CPU of the last {WINDOW} replays > {SLOWER_LIMIT}x the first "
            f"{WINDOW}): {', '.join(slower)}"
        )
    print(f"\nverdict: {'ok' if intact and not slower else 'NOT OK'} (repository: {REPO_ROOT})")
    return 0 if intact and not slower else 1


if __name__ == "__main__":
    sys.exit(main())
