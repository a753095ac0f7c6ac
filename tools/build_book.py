"""Build the tutorial as a Jupyter Book (1.x, Sphinx) offline: `make book`.

The pages are the notebooks with their committed outputs and without the cells tagged
`solution` (the same TagRemovePreprocessor as `aci-tutorial release`); nothing is
executed. A live widget cannot be on a static page: where a notebook shows the explorer,
the page shows its picture (book/images/explorer.png, taken by tools/screenshot_explorer.py)
under the note that the explorer needs a running kernel. Output:
build/book/_build/html/index.html.
"""
from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "build" / "book"
EXPLORER_PICTURE = ROOT / "book" / "images" / "explorer.png"
PICTURE_TEXT = ("A picture of the explorer (notebook 07 on the emulator, the app + sidecar group "
                "selected): on this page it is not live.")


def widgets_as_pictures(nb: nbformat.NotebookNode) -> int:
    """Replace each output of the explorer (a widget view, or its text repr) with its picture;
    return how many were replaced."""
    picture = base64.b64encode(EXPLORER_PICTURE.read_bytes()).decode()
    replaced = 0
    for cell in nb.cells:
        for i, out in enumerate(cell.get("outputs", [])):
            text = "".join(out.get("data", {}).get("text/plain", ""))
            if out.get("output_type") in ("display_data", "execute_result") and \
                    text.startswith("Explorer("):
                cell.outputs[i] = nbformat.v4.new_output(
                    "display_data", data={"image/png": picture, "text/plain": PICTURE_TEXT})
                replaced += 1
    return replaced


def stage(dest: Path = SRC) -> list[Path]:
    """Write the book's sources to ``dest``: config, intro, pages, table of contents."""
    from aci_helpers.trainer.release import book_copy  # heavy (nbconvert): only when building

    shutil.rmtree(dest, ignore_errors=True)
    (dest / "notebooks").mkdir(parents=True)
    for name in ("_config.yml", "intro.md"):
        shutil.copy2(ROOT / "book" / name, dest / name)
    pages = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")):
        page = book_copy(nbformat.read(path, as_version=4))
        widgets_as_pictures(page)
        nbformat.write(page, dest / "notebooks" / path.name)
        pages.append(dest / "notebooks" / path.name)
    (dest / "_toc.yml").write_text(yaml.safe_dump(
        {"format": "jb-book", "root": "intro",
         "chapters": [{"file": f"notebooks/{p.stem}"} for p in pages]}, sort_keys=False))
    # The launch links open the notebook in the repository's notebooks/ folder.
    config = yaml.safe_load((dest / "_config.yml").read_text())
    config["repository"]["path_to_book"] = ""
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return pages


def main() -> int:
    """Stage the pages, write the table of contents, run jupyter-book."""
    stage()
    exe = Path(sys.executable).parent / "jupyter-book"
    return subprocess.run([str(exe), "build", str(SRC), "--keep-going"], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
