"""`aci-tutorial release OUTDIR`: participant copies without solutions and outputs, the
trainer's copy as committed, following the exercise convention (cell tags)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SECRET = "answer = 6 * 7  # THE-SOLUTION-TEXT"


def cell(source: str, tags: list[str], outputs: list | None = None, hidden: bool = False):
    c = nbformat.v4.new_code_cell(source, metadata={"tags": tags})
    if hidden:
        c.metadata["jupyter"] = {"source_hidden": True}
    c.outputs = outputs or []
    c.execution_count = 1 if outputs else None
    return c


def stream(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def check_source() -> str:
    return ('print("Not yet: set answer to six times seven" if answer is None '
            'else f"Pass: answer is {answer}")')


def synthetic_notebook():
    """A notebook in the convention: skeleton, its check, the hidden solution and its check."""
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Try it: compute the answer"),
        cell("answer = None  # your code here", ["exercise"]),
        cell(check_source(), ["check"], [stream("Not yet: set answer to six times seven\n")]),
        cell(SECRET, ["solution", "hide-input"], hidden=True),
        cell(check_source(), ["solution", "hide-input"], [stream("Pass: answer is 42\n")], hidden=True),
        cell("print('after the exercise')", [], [stream("after the exercise\n")]),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(synthetic_notebook(), folder / "01_try.ipynb")
    return folder


def run(nb):
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    return nb


def text_of(nb) -> str:
    return json.dumps(nb)


def test_participant_copy_has_no_solution_and_no_output_and_still_says_not_yet(source, tmp_path, cli):
    out = tmp_path / "release"
    code, printed, _ = cli("release", str(out), "--notebooks", str(source))
    assert code == 0, printed
    assert "01_try.ipynb" in printed and "1 solution" not in printed  # 2 cells removed
    part = nbformat.read(out / "participant" / "01_try.ipynb", as_version=4)
    nbformat.validate(part)
    assert "THE-SOLUTION-TEXT" not in text_of(part) and "Pass: answer is 42" not in text_of(part)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in part.cells if c.cell_type == "code")
    assert [c.metadata.get("tags", []) for c in part.cells] == [[], ["exercise"], ["check"], []]
    run(part)
    assert part.cells[2].outputs[0]["text"].startswith("Not yet:")
    trainer = nbformat.read(out / "trainer" / "01_try.ipynb", as_version=4)
    assert "THE-SOLUTION-TEXT" in text_of(trainer) and "Pass: answer is 42" in text_of(trainer)
    readme = (out / "participant" / "README.txt").read_text()
    assert f"make lab LAB_DIR={(out / 'participant').resolve()}" in readme


def test_release_again_replaces_the_earlier_one(source, tmp_path, cli):
    out = tmp_path / "release"
    assert cli("release", str(out), "--notebooks", str(source))[0] == 0
    (source / "02_more.ipynb").write_text((source / "01_try.ipynb").read_text())
    assert cli("release", str(out), "--notebooks", str(source))[0] == 0
    assert sorted(p.name for p in (out / "participant").glob("*.ipynb")) == ["01_try.ipynb", "02_more.ipynb"]


@pytest.mark.parametrize("where, message", [
    ("inside", "is inside the notebooks folder"),
    ("occupied", "holds other files"),
])
def test_release_refuses_a_dangerous_outdir_and_writes_nothing(source, tmp_path, cli, where, message):
    out = source / "release" if where == "inside" else tmp_path / "occupied"
    if where == "occupied":
        out.mkdir()
        (out / "thesis.tex").write_text("mine")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, _, err = cli("release", str(out), "--notebooks", str(source))
    assert code == 2 and message in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_an_invalid_notebook_is_named(source, tmp_path, cli):
    (source / "00_broken.ipynb").write_text("{not json")
    code, _, err = cli("release", str(tmp_path / "out"), "--notebooks", str(source))
    assert code == 2 and "00_broken.ipynb is not a valid notebook" in err
    assert not (tmp_path / "out").exists()


def _tagged_notebooks() -> list[Path]:
    return [p for p in sorted(NOTEBOOKS.glob("*.ipynb"))
            if any("solution" in c.get("metadata", {}).get("tags", [])
                   for c in json.loads(p.read_text())["cells"])]


@pytest.mark.skipif(not _tagged_notebooks(), reason="no notebook in notebooks/ tags a cell "
                    "'solution' yet (the exercise convention lands with the learner-notebooks "
                    "branch); this test turns on by itself when one does")
@pytest.mark.parametrize("path", _tagged_notebooks(), ids=lambda p: p.name.split("_")[0])
def test_the_real_notebooks_release_without_solutions(path, tmp_path, cli):
    """No line of a solution is shown, no output is left. That each participant copy runs
    from top to bottom, its checks saying "Not yet", is the learner's path opened alone
    (tests/learner/test_path_alone.py runs exactly these copies, on the realtime clock)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "release"
    code, printed, _ = cli("release", str(out), "--notebooks", str(folder))
    assert code == 0, printed
    nb = nbformat.read(path, as_version=4)
    part = nbformat.read(out / "participant" / path.name, as_version=4)
    nbformat.validate(part)
    kept = {ln.strip() for c in nb.cells if "solution" not in c.metadata.get("tags", [])
            for ln in c.source.splitlines()}
    secret = {ln.strip() for c in nb.cells if "solution" in c.metadata.get("tags", [])
              for ln in c.source.splitlines()} - kept - {""}
    shown = {ln.strip() for c in part.cells for ln in c.source.splitlines()}
    assert not secret & shown, (path.name, sorted(secret & shown)[:3])
    assert all(not c.get("outputs") for c in part.cells if c.cell_type == "code")
    assert any("check" in c.metadata.get("tags", []) for c in part.cells), path.name
    # no sentence promises a solution that the copy (or the book, made the same way) lacks
    prose = " ".join(c.source for c in part.cells if c.cell_type == "markdown")
    assert not re.search(r"(?i)solution is hidden|hidden (below|under) the check", prose), path.name


def test_release_as_a_git_repository_for_nbgitpuller(cli, tmp_path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    out = tmp_path / "release"
    code, text, _ = cli("release", str(out), "--git")
    assert code == 0 and "nbgitpuller link" in text and (out / ".git").is_dir()
    log = subprocess.run(["git", "-C", str(out), "log", "--oneline"], capture_output=True, text=True)
    assert log.stdout.count("\n") == 1
    files = subprocess.run(["git", "-C", str(out), "ls-files"], capture_output=True, text=True).stdout
    assert "participant/01_create_single_container_group.ipynb" in files
    code, text, _ = cli("release", str(out), "--git")  # again: the same folder, no new commit
    assert code == 0
    log = subprocess.run(["git", "-C", str(out), "log", "--oneline"], capture_output=True, text=True)
    assert log.stdout.count("\n") == 1
