"""The lesson cards: each lesson opens with its number and the course's French title, says
how to run it, and the README lists it.

The French titles come from the course itself, whose copy the repository keeps for learners
(docs/course/); where the course's source sits beside the repository (../shared/course/),
that copy must be the same text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import LESSONS, REPO_ROOT

import course

COURSE = REPO_ROOT / "docs" / "course" / "cours-mlflow-0-29.md"
NOTE = COURSE.with_name("bonnes-pratiques-mlflow.md")
SOURCE = REPO_ROOT.parent / "shared" / "course"  # where the course is written, if here
BONUS = {"30", "31", "32"}  # beyond the course's 0-29: a phrase of the course or its note
TITLE = "course (French title)"  # the heading of the README's column of French titles


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|")[1:-1]]


def readme_lessons() -> dict[str, dict[str, str]]:
    """README's lesson table, by lesson number: each row's cells by their column's heading."""
    lines = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    header = next((cells(line) for line in lines if line.startswith("| # |")), [])
    assert {"file", TITLE} <= set(header), f"README's lesson table has no {TITLE!r} or 'file'"
    rows = [cells(line) for line in lines if re.match(r"\| \d\d \| ", line)]
    for row in rows:
        assert len(row) == len(header), f"README row {row[0]} has not {len(header)} cells"
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


@pytest.mark.parametrize("script", LESSONS, ids=lambda path: path.stem)
def test_lesson_card(script: Path) -> None:
    number = course.lesson_number(script)
    source = script.read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source)) or ""
    first = docstring.splitlines()[0] if docstring else ""
    assert first.startswith(f"{number} · "), first
    # The French title is the course's own (or its note's), as the README's table gives it.
    row = readme_lessons().get(number)
    assert row, f"README's lesson table has no row {number}"
    if number in BONUS:
        assert f"bonus « {row[TITLE]} »" in first, first
    else:
        assert f"Code {int(number)} « {row[TITLE]} »" in first, first
    assert "What you learn" in docstring
    assert f"Run:  python scripts/{script.name}" in docstring
    assert 'if __name__ == "__main__":\n    main()' in source
    assert 40 <= len(source.splitlines()) <= 150, f"{len(source.splitlines())} lines"


def test_french_titles_are_the_course_s() -> None:
    """The README's French titles are the course's (a bonus lesson's: a phrase of the course
    or of its note)."""
    titles = dict(re.findall(r"\*\*Code (\d+) \u2013 (.+?)\*\*", COURSE.read_text("utf-8")))
    rows = readme_lessons()
    for script in LESSONS:
        number = course.lesson_number(script)
        if number in BONUS:  # 30, 32: sections of the note; 31: code 11's "multi-utilisateur"
            texts = COURSE.read_text("utf-8") + NOTE.read_text("utf-8")
            assert rows[number][TITLE] in texts, f"README row {number}"
        else:
            assert rows[number][TITLE] == titles[str(int(number))], f"README row {number}"


@pytest.mark.parametrize("copy", [COURSE, NOTE], ids=lambda path: path.name)
def test_course_copy_is_the_course(copy: Path) -> None:
    source = SOURCE / copy.name
    if not source.exists():
        pytest.skip(f"no course source beside the repository ({source} is absent) to compare")
    assert copy.read_bytes() == source.read_bytes(), f"{copy} differs from {source}: copy it again"


def test_readme_lists_every_lesson() -> None:
    """One row per lesson: its number, its file, and no empty cell (French title, concept)."""
    rows = readme_lessons()
    for script in LESSONS:
        number = course.lesson_number(script)
        assert number in rows, f"README's lesson table has no row {number}"
        row = rows[number]
        assert f"scripts/{script.name}" in row["file"], f"README row {number} is not {script.name}"
        assert all(row.values()), f"README row {number} has an empty cell"
