"""Participant and trainer copies of the notebooks (``aci-tutorial release OUTDIR``).

The exercise convention (cell tags, see the README): ``exercise`` cells are the skeleton,
``check`` cells answer "Not yet" / "Pass", ``solution`` cells hold the answer and the check
that follows it. The participant copy drops every ``solution`` cell with nbconvert's
``TagRemovePreprocessor`` and clears every output; the trainer copy keeps everything.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

SOLUTION_TAG = "solution"
LAYOUT = ("participant", "trainer")
README = {
    "participant": "Participant copies of the tutorial's notebooks: exercises without their "
                   "solutions, no outputs.\nOpen them from the tutorial's folder (its checkout) "
                   "with:\n\n    make lab LAB_DIR={folder}\n\nJupyterLab then opens this "
                   "folder. (Plain `make lab` opens the tutorial's own notebooks, with the "
                   "solutions.) Any Jupyter with the aci-helpers package installed opens them "
                   "too; run them in order. On a JupyterHub, participants get this folder "
                   "through an nbgitpuller link (the tutorial's README, \"Hosted\").\n",
    "trainer": "Trainer copies: the notebooks as committed, with solutions and outputs.\n",
}


class ReleaseError(ValueError):
    """The release cannot be made; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Released:
    """One notebook's copies and what the participant copy lost."""

    name: str
    solution_cells: int
    exercise_cells: int


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def participant_copy(nb: "object") -> "object":
    """The notebook without ``solution`` cells, outputs, execution counts or widget state."""
    import copy  # noqa: PLC0415

    from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor  # noqa: PLC0415

    out = copy.deepcopy(nb)
    out, _ = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}).preprocess(out, {})
    out, _ = ClearOutputPreprocessor().preprocess(out, {})
    out.metadata.pop("widgets", None)
    return out


def book_copy(nb: "object") -> "object":
    """The notebook without ``solution`` cells, outputs kept (the book's pages)."""
    import copy  # noqa: PLC0415

    from nbconvert.preprocessors import TagRemovePreprocessor  # noqa: PLC0415

    out, _ = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}).preprocess(copy.deepcopy(nb), {})
    return out


def release(notebooks: str | Path, outdir: str | Path) -> list[Released]:
    """Write ``outdir/participant`` and ``outdir/trainer`` from the notebooks in ``notebooks``.

    ``outdir`` must be new, empty, or an earlier release (only those two folders and their
    README are replaced); it may not be inside the notebooks folder."""
    import nbformat  # noqa: PLC0415

    src, out = Path(notebooks).resolve(), Path(outdir).resolve()
    paths = sorted(src.glob("*.ipynb"))
    if not paths:
        raise ReleaseError(f"No notebooks (*.ipynb) in {src}.")
    if out == src or src in out.parents:
        raise ReleaseError(f"OUTDIR {out} is inside the notebooks folder {src}: choose a "
                           "folder outside it (e.g. ../release).")
    if out.exists():
        if not out.is_dir():
            raise ReleaseError(f"OUTDIR {out} exists and is not a folder.")
        other = sorted(p.name for p in out.iterdir() if p.name not in LAYOUT + (".git",))
        if other:
            raise ReleaseError(f"OUTDIR {out} holds other files ({', '.join(other[:5])}): give "
                               "a new or empty folder, or an earlier release.")
    books = []
    for path in paths:
        try:
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        except Exception as err:  # noqa: BLE001 - name the notebook, write nothing
            raise ReleaseError(f"{path.name} is not a valid notebook: {err}") from None
        books.append((path, nb))
    results = []
    staged = {kind: out / f".{kind}.new" for kind in LAYOUT}
    for d in staged.values():
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    for path, nb in books:
        part = participant_copy(nb)
        nbformat.validate(part)
        nbformat.write(part, staged["participant"] / path.name)
        shutil.copy2(path, staged["trainer"] / path.name)
        results.append(Released(path.name,
                                sum(SOLUTION_TAG in _tags(c) for c in nb.cells),
                                sum("exercise" in _tags(c) for c in nb.cells)))
    for kind, d in staged.items():
        (d / "README.txt").write_text(README[kind].format(folder=out / kind))
        shutil.rmtree(out / kind, ignore_errors=True)
        d.rename(out / kind)
    return results


def commit_release(outdir: str | Path, message: str) -> str:
    """Make ``outdir`` a git repository (if it is not one) and commit the release in it, as
    nbgitpuller needs (it pulls from a git repository); returns the commit's short id."""
    import subprocess  # noqa: PLC0415

    out = Path(outdir).resolve()

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(out), *args], check=True, text=True,
                                  capture_output=True, timeout=60).stdout.strip()
        except FileNotFoundError:
            raise ReleaseError("--git needs git (https://git-scm.com): install it, or make "
                               f"{out} a repository yourself.") from None
        except subprocess.CalledProcessError as err:
            raise ReleaseError(f"git {' '.join(args)} failed in {out}: "
                               f"{(err.stderr or err.stdout).strip()[:300]}") from None

    if not (out / ".git").exists():
        git("init", "--quiet", "--initial-branch=main")
    git("add", "--all")
    if git("status", "--porcelain"):
        who = [] if _has_identity(out) else [  # a machine without a git identity still commits
            "-c", "user.name=aci-tutorial release", "-c", "user.email=aci-tutorial@localhost"]
        git(*who, "commit", "--quiet", "-m", message)
    return git("rev-parse", "--short", "HEAD")


def _has_identity(out: Path) -> bool:
    import subprocess  # noqa: PLC0415

    return subprocess.run(["git", "-C", str(out), "config", "--get", "user.email"],
                          capture_output=True).returncode == 0
