"""Packaging promises: environment.yml names what pyproject.toml names, the Makefile and CI agree."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _split(requirement: str) -> tuple[str, str]:
    """Return (normalised name, specifier) of a PEP 508 requirement string."""
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert m, f"cannot parse requirement {requirement!r}"
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"]) + list(project["optional-dependencies"]["dev"])
    return dict(_split(r) for r in reqs)


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep["pip"]:
                if not pip_dep.startswith("-e"):
                    name, spec = _split(pip_dep)
                    found[name] = spec
        else:
            name, spec = _split(dep)
            if name not in {"python", "pip"}:
                found[name] = spec
    return found


def test_environment_yml_matches_pyproject() -> None:
    assert _environment_requirements() == _pyproject_requirements()


def test_environment_yml_uses_conda_forge_and_same_python() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    # repo2docker reads only an exact `python=X.Y` (it falls back to an old default otherwise)
    pins = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert len(pins) == 1 and re.fullmatch(r"python=3\.\d+", pins[0]), pins
    from packaging.specifiers import SpecifierSet

    assert pins[0].split("=")[1] + ".0" in SpecifierSet(python)


def test_output_changing_dependencies_are_pinned_to_a_range() -> None:
    reqs = _pyproject_requirements()
    for name in ("pandas", "ipywidgets"):
        assert "<" in reqs[name] and ">=" in reqs[name], f"{name} must be pinned to a tested range"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme.split("##")[0] + readme.split("##")[1]
    assert "\nmake test\n" in ci
