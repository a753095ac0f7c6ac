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
                   "solutions, no outputs.\nOpen them in JupyterLab (make lab, or any Jupyter "
                   "with the aci-helpers package installed) and run them in order.\n",
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
        other = sorted(p.name for p in out.iterdir() if p.name not in LAYOUT)
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
        (d / "README.txt").write_text(README[kind])
        shutil.rmtree(out / kind, ignore_errors=True)
        d.rename(out / kind)
    return results
