"""Committed notebooks: normalised, safe to publish, and all built on the same skeleton."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from run_notebooks import KERNELSPEC, WIDGET_VIEW, problems  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SKELETON = [
    ("objective", r"(?im)^#\s+\S"),
    ("prerequisites and time", r"(?i)prerequisites"),
    ("the docs section it mirrors", r"(?i)mirrors"),
    ("a 'Try it' exercise", r"(?im)^#+\s*try it"),
    ("a 'Clean up' section", r"(?im)^#+\s*clean up"),
    ("a 'What's next' section", r"(?im)^#+\s*what.s next"),
]
SECRET_PATTERNS = [r"clientSecret\"?\s*[:=]\s*\"[^\"*]", r"eyJ[A-Za-z0-9_-]{20,}\.", r"secureValue\"?:\s*\"[^\"*]"]


def test_there_are_eight_notebooks() -> None:
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(8)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_committed_and_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "run `make notebooks`: some cells have no outputs"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "cells ran out of order"
    assert problems(nb) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_metadata_is_normalised(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert dict(nb.metadata) == {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    for cell in nb.cells:
        assert "execution" not in cell.metadata
        for out in cell.get("outputs", []):
            assert not out.get("metadata"), "output metadata is volatile"
            assert WIDGET_VIEW not in out.get("data", {}), "widget model ids are volatile"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_secret_in_committed_file(path: Path) -> None:
    text = path.read_text()
    for pattern in SECRET_PATTERNS:
        assert not re.search(pattern, text), f"{pattern} matches in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_follows_the_skeleton(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for what, pattern in SKELETON:
        assert re.search(pattern, markdown), f"{path.name} lacks {what}"
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "banner" in sources or "backend" in sources, f"{path.name} does not show which backend it runs on"
    assert json.dumps(nb.cells[0].source).startswith('"# '), "the first cell is the title"
