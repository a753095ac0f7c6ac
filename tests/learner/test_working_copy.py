"""The learner's working copy (`make lab`, tools/lab.py): every exercise's solution is a raw
cell, so Run All leaves each exercise at "Not yet"; one deliberate act (show it, make it a
code cell, run it) runs the solution. The committed notebooks keep running their solutions.
What Run All does with the copy on the realtime clock: test_path_in_order.py."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import lab  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lab") / "my-notebooks"
    lab.prepare(folder)
    return folder


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name.split("_")[0])
def test_solutions_are_raw_cells_in_the_working_copy(copy, path):
    committed = nbformat.read(path, as_version=4)
    mine = nbformat.read(copy / path.name, as_version=4)
    nbformat.validate(mine)
    assert len(mine.cells) == len(committed.cells)
    solutions = 0
    for theirs, ours in zip(committed.cells, mine.cells):
        if "solution" not in theirs.metadata.get("tags", []):
            assert ours == theirs  # everything else as committed, outputs included
            continue
        solutions += 1
        assert ours.cell_type == "raw" and "outputs" not in ours
        assert ours.metadata == theirs.metadata  # still tagged, still collapsed
        head, _, body = theirs.source.partition("\n")
        if head == "# Solution":
            assert ours.source == lab.RAW_HEADER + "\n" + body
        else:
            assert ours.source == theirs.source
    assert solutions >= 2
    assert [c.cell_type for c in committed.cells if "solution" in c.metadata.get("tags", [])] \
        == ["code"] * solutions  # the committed notebook runs its solutions


def test_a_notebook_without_solutions_is_copied_byte_for_byte(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["exercise"]})])
    nbformat.write(nb, src / "00_x.ipynb")
    (src / "01_broken.ipynb").write_text('{"cells": [1]}')
    lab.prepare(tmp_path / "copy", src)
    for name in ("00_x.ipynb", "01_broken.ipynb"):
        assert (tmp_path / "copy" / name).read_bytes() == (src / name).read_bytes()


def test_the_copy_is_made_with_the_standard_library_alone():
    """`make lab-reset` runs tools/lab.py with the system's Python, without the kit's packages."""
    import ast

    tree = ast.parse((ROOT / "tools" / "lab.py").read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name.split("_")[0])
def test_a_collapsed_solution_gives_nothing_away(path):
    """JupyterLab shows a collapsed cell's first line: it says "Solution", nothing more."""
    heads = [c.source.split("\n", 1)[0] for c in nbformat.read(path, as_version=4).cells
             if "solution" in c.metadata.get("tags", [])]
    assert heads == ["# Solution", "# Solution: its check, again"], heads
