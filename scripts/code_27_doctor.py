"""27 · Diagnosing an MLflow setup — Code 27 « Diagnostic MLflow »

What you learn
  * what MLflow sees, in one report to paste into a bug report:   mlflow doctor --mask-envs
    (in Python: mlflow.doctor(mask_envs=True), which prints the active run's ids too)
  * what to read in it: MLflow and Python versions, the system, the tracking and registry
    URIs, which MLFLOW_* variables are set (--mask-envs prints *** for every value)
  * what it does not do: doctor only reports, it tests nothing. The lesson reads it: the
    mlflow, mlflow-skinny and mlflow-tracing versions must match, and the client's version
    is compared with the server's (GET <tracking URI>/version) when there is a server
  * keep it with a run, searchable:  mlflow.log_text(report, "doctor/report.txt"),
    mlflow.set_tags({"mlflow_version": ..., ...})
  * when to run it: before filing a bug, on "works on my machine" (compare two reports),
    and when a client and a server disagree (a newer client calling an older server)

Run:  python scripts/code_27_doctor.py   (or: make run N=27)
UI:   experiment 27-doctor → run "doctor" → Artifacts → doctor/report.txt, and Tags
Prev: code_26_mlproject.py · Next: code_28_artifacts_cli.py
"""

import os
import re
import sys
import urllib.error
import urllib.request

import mlflow

import course

EXPERIMENT = "27-doctor"
REPORT = "doctor/report.txt"
SECRET_NAME = re.compile(r"^(MLFLOW|AWS)_\w*(PASSWORD|TOKEN|SECRET|KEY|CREDENTIAL)")
MIN_LEN = 4  # shorter values ("1", "true") also appear in any report by chance
URI_WITH_PASSWORD = re.compile(r"\w+://[^\s/@:]*:[^\s/@]+@")  # scheme://user:password@
SAME_VERSION = ("mlflow-skinny", "mlflow-tracing")  # MLflow 3 ships as three packages


def parse_report(report: str) -> dict:
    """`Key: value` lines as a dict; the indented lines under a heading as a nested dict."""
    parsed, heading = {}, None
    for line in report.splitlines():
        key, _, value = line.strip().partition(":")
        if line.startswith(" ") and heading:
            parsed[heading][key] = value.strip()
        elif key:
            heading = key
            parsed[key] = value.strip() or {}
    return parsed


def leaks(report: str, environ: dict[str, str]) -> list[str]:
    """Names of the secrets that appear in the report: variables, or a URI's password."""
    secret = {n: v for n, v in environ.items() if SECRET_NAME.match(n) and len(v) >= MIN_LEN}
    found = [name for name, value in secret.items() if value in report]
    return found + ["a password inside a URI"] * bool(URI_WITH_PASSWORD.search(report))


def server_version(uri: str) -> str | None:
    """The version `mlflow server` reports at /version; None when no server is involved."""
    if not uri.startswith(course.HTTP_SCHEMES):
        return None  # a file or database store is opened by the client itself
    try:
        with urllib.request.urlopen(uri.rstrip("/") + "/version", timeout=5) as answer:
            return answer.read().decode().strip()
    except (urllib.error.URLError, OSError) as error:
        return f"unknown (GET /version: {getattr(error, 'reason', error)})"


def main() -> str:
    # 1. Diagnose first, before touching the store: doctor needs no store, so it still
    #    reports when the store is what is broken. --mask-envs hides the MLFLOW_* values
    #    (a token, a password); without it they are printed in clear, and end up in a log.
    report = course.mlflow_cli("doctor", "--mask-envs")
    # 2. Defence in depth: --mask-envs masks the MLFLOW_* variables only, not the "Tracking
    #    URI:" line (postgresql://user:password@... is printed as is). So the report is
    #    searched for every secret of this environment before it is kept anywhere.
    if found := leaks(report, dict(os.environ)):
        sys.exit(
            f"error: the doctor report shows the value of {', '.join(found)}, so it was "
            f"neither logged nor printed. Keep credentials out of URIs (use "
            f"MLFLOW_TRACKING_USERNAME/_PASSWORD, or ~/.pgpass for PostgreSQL)."
        )
    info = parse_report(report)
    version = info["MLflow version"]
    variables = info.get("MLflow environment variables", {})  # absent when none is set
    server = server_version(info["Tracking URI"])

    # 3. The report goes with a run; the few facts people filter on become tags.
    course.use_experiment(EXPERIMENT)
    with mlflow.start_run(run_name="doctor") as run:
        mlflow.log_text(report, REPORT)
        mlflow.set_tags(
            {
                "mlflow_version": version,
                "python_version": info["Python version"],
                "server_mlflow_version": server or "none",
                "mlflow_env_vars": " ".join(sorted(variables)),
            }
        )

    # 4. Read it as a reviewer would: do the versions agree, where does it log, what did
    #    the shell set. A mismatch here explains many "works on my machine" errors.
    packages = {name: info["MLflow dependencies"].get(name) for name in SAME_VERSION}
    agree = all(v == version for v in packages.values()) and server in (None, version)
    print(f"run id:      {run.info.run_id}")
    print(f"MLflow:      {version} (client) · server: {server or 'none, no server involved'}")
    verdict = "versions agree" if agree else "VERSION MISMATCH: reinstall or upgrade"
    print(f"packages:    {', '.join(f'{n} {v}' for n, v in packages.items())} → {verdict}")
    print(f"Python:      {info['Python version']} on {info['System information']}")
    print(f"tracking:    {info['Tracking URI']} (registry: {info['Registry URI']})")
    print("MLFLOW_*:    " + "  ".join(f"{k}={v}" for k, v in sorted(variables.items())))
    print(f"report:      {REPORT} ({len(report.splitlines())} lines, with the dependencies)")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run 'doctor' → Artifacts, Tags")
    return run.info.run_id


if __name__ == "__main__":
    main()
