"""The repository's conda.yaml pins exactly what requirements.txt pins for its Python.

conda.yaml names one Python and must agree with requirements.txt evaluated for it (should
requirements.txt ever carry environment markers again, they are evaluated for that Python).
"""

from __future__ import annotations

import re

import yaml
from conftest import REPO_ROOT
from packaging.requirements import Requirement

CONDA_FILE = REPO_ROOT / "conda.yaml"
REQUIREMENTS_FILE = REPO_ROOT / "requirements.txt"


def requirements_for(python_version: str) -> dict[str, str]:
    """``{package: pin}`` of requirements.txt with its markers evaluated for ``python_version``."""
    environment = {"python_version": python_version, "python_full_version": f"{python_version}.0"}
    pins = {}
    for line in REQUIREMENTS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"requirements.txt: {line!r} is not an exact pin"
            pins[requirement.name] = spec.version
    return pins


def test_conda_yaml_agrees_with_requirements() -> None:
    conda = yaml.safe_load(CONDA_FILE.read_text(encoding="utf-8"))
    assert conda["name"] == "mlflow-course"
    assert conda["channels"] == ["conda-forge"]
    dependencies = conda["dependencies"]
    pythons = [d for d in dependencies if isinstance(d, str) and re.match(r"python\b", d)]
    assert len(pythons) == 1, pythons
    match = re.fullmatch(r"python=(3\.\d+)", pythons[0])
    assert match, f"conda.yaml should pin one minor Python, e.g. python=3.11: {pythons[0]}"
    assert "pip" in dependencies
    (pip_section,) = [d["pip"] for d in dependencies if isinstance(d, dict)]

    conda_pins = {}
    for line in pip_section:
        requirement = Requirement(line)
        assert requirement.marker is None, f"conda.yaml: no markers in conda: {line!r}"
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"conda.yaml: {line!r} is not an exact pin"
        conda_pins[requirement.name] = spec.version
    assert len(conda_pins) == len(pip_section), "a package is listed twice"
    assert conda_pins == requirements_for(match.group(1))
