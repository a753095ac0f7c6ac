"""Execute notebooks in fresh kernels and save them with normalised outputs.

Used by `make notebooks`. Each notebook runs alone in its own kernel, on the emulator, with
the environment the Makefile sets (instant clock, fixed seed, in-memory state), so the
committed outputs are reproducible and `pytest --nbval` can compare them byte for byte.

Normalising removes what changes from run to run or machine to machine: execution timing,
kernel versions, widget state, widget model ids. It refuses to save a notebook whose
outputs contain stderr, a warning, an error or a local path.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

PY_WARNING = re.compile(r"\b[A-Z][A-Za-z]*Warning: |warnings\.warn")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def local_paths() -> list[str]:
    """Paths of this machine that must never appear in a committed output."""
    candidates = {str(Path.home()), sys.prefix, str(Path(__file__).resolve().parent.parent), "/tmp/"}
    return sorted(p for p in candidates if p and p != "/")


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Everything in a notebook's outputs that must not be committed."""
    found = []
    paths = local_paths()
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            where = f"cell {index}"
            if out.output_type == "stream" and out.name == "stderr":
                found.append(f"{where}: stderr output: {out.text[:200]!r}")
            if out.output_type == "error":
                found.append(f"{where}: error {out.ename}: {out.evalue[:200]}")
            text = str(out)
            for p in paths:
                if p in text:
                    found.append(f"{where}: local path {p!r} in output")
            # Python warnings ("DeprecationWarning: ..."), not ACI events of type Warning.
            if PY_WARNING.search(text) and out.output_type != "error":
                found.append(f"{where}: a Python warning in output")
    return found


# A line redrawn in place (wait()'s progress: "\rcreate x: Pending\rcreate x: Pending → ...")
# keeps only its last drawing, as a front end shows it and as nbval compares it.
REDRAWN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)


def coalesce_streams(outputs: list) -> list:
    """Join consecutive pieces of one stream: a print may arrive in several messages (the SDK
    polls in a thread), and where it is cut changes from run to run. Lines redrawn with a
    carriage return keep their last drawing."""
    joined: list = []
    for out in outputs:
        last = joined[-1] if joined else None
        if (out.output_type == "stream" and last is not None and last.output_type == "stream"
                and last.name == out.name):
            last.text += out.text
        else:
            joined.append(out)
    for out in joined:
        if out.output_type == "stream":
            out.text = REDRAWN.sub("", out.text.replace("\r\n", "\n"))
    return joined


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip volatile metadata and widget state; keep what a reader and nbval need."""
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC,
                                      "language_info": {"name": "python"}})
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
        for out in cell.get("outputs", []):
            if "metadata" in out:
                out.metadata = {}
            data = out.get("data")
            if data and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
    return nb


def run(path: Path, timeout: int) -> list[str]:
    """Execute one notebook in a fresh kernel; return the problems found (saved only if none)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb = normalise(nb)
    found = problems(nb)
    if not found:
        nbformat.write(nb, path)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args(argv)
    if os.environ.get("ACI_BACKEND", "emulator") != "emulator":
        print("refusing: committed outputs come from the emulator (unset ACI_BACKEND)", file=sys.stderr)
        return 2
    failed = 0
    for path in args.notebooks:
        found = run(path, args.timeout)
        print(f"{path}: {'ok' if not found else 'NOT SAVED'}")
        for problem in found:
            print(f"  {problem}")
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
