"""Create the course's venv and install requirement files into it, with uv or pip.

`make install` (lessons: requirements.txt) and `make install-dev` (tests, lint, browser:
requirements-dev.txt) run this with the system's python3; `make bench` runs it into
throw-away venvs to time both installers. Standard library only: nothing is installed yet.

* The venv is made by ``python -m venv`` (so it has pip, as a learner expects).
* ``--installer auto`` (the default) uses uv when it can be had: a ``uv`` already in the
  venv or on PATH, else ``pip install uv`` into the venv (one small wheel); pip otherwise.
  ``--installer uv`` or ``pip`` forces one.
* uv compiles the packages' bytecode as it installs (``--compile-bytecode``), as pip does:
  it costs ~12 s once, and without it every lesson would compile its imports again where
  Python may not write ``__pycache__`` (``PYTHONDONTWRITEBYTECODE=1``, set on this
  machine and in many container images): ~6.5 s instead of ~2.6 s per process here.
* ``--project`` also installs this repository in editable mode (``-e .``, pyproject.toml):
  the shared module ``course`` becomes importable by the venv's Python from anywhere, the
  one way tools/ and tests/ import it.
* Quiet when it works (one line: what, with which installer, how long); on failure the
  installer's own output, then one line saying what to try.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

MIN_PYTHON = (3, 11)
REPO_ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT)


def find_uv(venv_bin: Path, python: Path) -> str | None:
    """A working uv: the venv's, the one on PATH, or one pip installs into the venv."""
    for candidate in (venv_bin / "uv", shutil.which("uv")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    if run([str(python), "-m", "pip", "install", "--quiet", "uv"]).returncode == 0:
        return str(venv_bin / "uv")
    return None


def fail(what: str, done: subprocess.CompletedProcess, hint: str) -> None:
    print((done.stdout + done.stderr).strip(), file=sys.stderr)
    sys.exit(f"error: {what} failed (exit {done.returncode}). {hint}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", nargs="+", help="requirement files to install")
    parser.add_argument("--venv", default=".venv", help="the venv folder (default: .venv)")
    parser.add_argument("--installer", choices=["auto", "uv", "pip"], default="auto")
    parser.add_argument("--project", action="store_true", help="also install -e . (course)")
    args = parser.parse_args()
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"error: the course needs Python >= {'.'.join(map(str, MIN_PYTHON))}, this is "
            f"{sys.version.split()[0]} ({sys.executable}). Run: make install PYTHON=python3.11"
        )

    # 1. The venv, once. python -m venv gives it pip, which a learner may use by hand.
    start = time.perf_counter()
    venv = (REPO_ROOT / args.venv).resolve()
    python = venv / "bin" / "python"
    if not python.exists():
        made = run([sys.executable, "-m", "venv", str(venv)])
        if made.returncode != 0:
            fail(f"python -m venv {venv}", made, "On Debian: apt-get install python3-venv.")

    # 2. uv resolves and installs the pinned wheels in seconds; pip is the fallback.
    uv = find_uv(venv / "bin", python) if args.installer != "pip" else None
    if args.installer == "uv" and uv is None:
        sys.exit("error: uv is neither on PATH nor installable (pip install uv). Use pip.")
    files = [word for path in args.requirements for word in ("-r", path)]
    files += ["-e", "."] if args.project else []
    if uv:
        options = ["--quiet", "--compile-bytecode", "--python", str(python)]
        command = [uv, "pip", "install", *options, *files]
    else:
        command = [str(python), "-m", "pip", "install", "--quiet", *files]
    done = run(command)
    if done.returncode != 0:
        hint = "Check your network to PyPI" + (", or retry with INSTALLER=pip." if uv else ".")
        fail(f"installing {' '.join(args.requirements)}", done, hint)
    seconds = time.perf_counter() - start
    version = run([str(python), "--version"]).stdout.strip()
    used = "uv" if uv else "pip"
    what = " ".join(args.requirements) + (" and the course module (-e .)" if args.project else "")
    print(f"installed: {what} with {used} in {seconds:.1f} s ({version})")


if __name__ == "__main__":
    main()
