"""Build the tutorial as a Jupyter Book (1.x, Sphinx) offline: `make book`.

The pages are the notebooks with their committed outputs and without the cells tagged
`solution` (the same TagRemovePreprocessor as `aci-tutorial release`); nothing is
executed. Output: build/book/_build/html/index.html.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "build" / "book"


def main() -> int:
    """Stage the pages, write the table of contents, run jupyter-book."""
    from aci_helpers.trainer.release import book_copy

    shutil.rmtree(SRC, ignore_errors=True)
    (SRC / "notebooks").mkdir(parents=True)
    for name in ("_config.yml", "intro.md"):
        shutil.copy2(ROOT / "book" / name, SRC / name)
    pages = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")):
        nbformat.write(book_copy(nbformat.read(path, as_version=4)), SRC / "notebooks" / path.name)
        pages.append({"file": f"notebooks/{path.stem}"})
    (SRC / "_toc.yml").write_text(yaml.safe_dump(
        {"format": "jb-book", "root": "intro", "chapters": pages}, sort_keys=False))
    # The launch links open the notebook in the repository's notebooks/ folder.
    config = yaml.safe_load((SRC / "_config.yml").read_text())
    config["repository"]["path_to_book"] = ""
    (SRC / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    exe = Path(sys.executable).parent / "jupyter-book"
    return subprocess.run([str(exe), "build", str(SRC), "--keep-going"], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
