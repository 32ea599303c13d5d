"""The lesson cards: each lesson opens with its number and the course's French title, says
how to run it, and the README lists it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import LESSONS, REPO_ROOT

COURSE = REPO_ROOT.parent / "shared" / "course" / "cours-mlflow-0-29.md"
NOTE = COURSE.with_name("bonnes-pratiques-mlflow.md")
BONUS = {"30": "Déploiement local simple (serveur REST)"}


@pytest.mark.parametrize("script", LESSONS, ids=lambda path: path.stem)
def test_lesson_card(script: Path) -> None:
    number = script.stem.split("_")[1]
    source = script.read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source)) or ""
    first = docstring.splitlines()[0] if docstring else ""
    assert first.startswith(f"{number} · "), first
    if number in BONUS:  # beyond the course's 0-29: a section of its best-practice note
        assert f"bonus « {BONUS[number]} »" in first, first
        if NOTE.exists():
            assert BONUS[number] in NOTE.read_text(encoding="utf-8")
    else:
        assert f"Code {int(number)} «" in first, first
    assert "What you learn" in docstring
    assert f"Run:  python scripts/{script.name}" in docstring
    assert 'if __name__ == "__main__":\n    main()' in source
    assert 40 <= len(source.splitlines()) <= 150, f"{len(source.splitlines())} lines"
    if COURSE.exists() and number not in BONUS:  # the French title is the course's own
        titles = dict(re.findall(r"\*\*Code (\d+) \u2013 (.+?)\*\*", COURSE.read_text("utf-8")))
        assert f"« {titles[str(int(number))]} »" in first


def test_readme_lists_every_lesson() -> None:
    """One row per lesson: number, file, concept, French title, what to look at in the UI."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
            for line in readme.splitlines() if re.match(r"\| \d\d \| ", line)}  # fmt: skip
    for script in LESSONS:
        number = script.stem.split("_")[1]
        assert number in rows, f"README's lesson table has no row {number}"
        file, concept, title, ui = rows[number]
        assert f"scripts/{script.name}" in file, f"README row {number} is not {script.name}"
        assert all((concept, title, ui)), f"README row {number} has an empty cell"
