"""Committed notebooks: normalised, safe to publish, and all built on the same skeleton
(including the "Try it" cell convention: exercise / check / hidden solution)."""
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

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
# 00-07 follow the 2019 page; 08 onwards are the second track.
ORDER = ["00", "01", "02", "03", "03b", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
SKELETON = [
    ("objective", r"(?im)^#\s+\S"),
    ("prerequisites and time", r"(?i)prerequisites"),
    ("the docs section it mirrors", r"(?i)mirrors"),
    ("a 'Try it' exercise", r"(?im)^#+\s*try it"),
    ("a 'Clean up' section", r"(?im)^#+\s*clean up"),
    ("a 'Key takeaways' section", r"(?im)^#+\s*key takeaways"),
    ("a 'What's next' section", r"(?im)^#+\s*what.s next"),
]
SECRET_PATTERNS = [r"clientSecret\"?\s*[:=]\s*\"[^\"*]", r"eyJ[A-Za-z0-9_-]{20,}\.", r"secureValue\"?:\s*\"[^\"*]",
                   r"storageAccountKey\"?:\s*\"[^\"*]", r"storage_account_key='[^*']"]


def test_the_notebooks_are_the_listed_ones() -> None:
    assert [p.name.split("_")[0] for p in NOTEBOOKS] == ORDER


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_key_takeaways_are_three_to_five_bullets(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    section = re.search(r"(?ims)^#+\s*key takeaways\s*$(.*?)(?=^#)", markdown)
    assert section, f"{path.name}: no Key takeaways section followed by another heading"
    bullets = re.findall(r"(?m)^- ", section.group(1))
    assert 3 <= len(bullets) <= 5, f"{path.name}: {len(bullets)} takeaways"


def _tagged(nb: nbformat.NotebookNode, tag: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if tag in c.metadata.get("tags", [])]


def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text") or out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_try_it_follows_the_cell_convention(path: Path) -> None:
    """exercise -> check ("Not yet") -> hidden solution cells whose last check says "Pass"."""
    nb = nbformat.read(path, as_version=4)
    exercise, check, solution = (_tagged(nb, t) for t in ("exercise", "check", "solution"))
    assert len(exercise) == 1 and len(check) == 1 and len(solution) >= 2, path.name
    assert exercise[0] < check[0] < solution[0], "skeleton, then its check, then the solution"
    assert solution == list(range(solution[0], solution[0] + len(solution))), "one solution block"
    assert _text(nb.cells[check[0]]).startswith("Not yet: "), "the skeleton's check says Not yet"
    assert _text(nb.cells[solution[-1]]).startswith("Pass: "), "the solution's check says Pass"
    assert "exercises import check_" in nb.cells[check[0]].source
    for i in solution:
        cell = nb.cells[i]
        assert "hide-input" in cell.metadata["tags"], "Jupyter Book's click-to-reveal"
        # JupyterLab shows a collapsed cell's first line: it must not give the answer away
        assert cell.source.startswith("#"), "a solution cell starts with a comment line"
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, "collapsed in JupyterLab"
    for i in exercise + check:
        assert not nb.cells[i].metadata.get("jupyter", {}).get("source_hidden")
