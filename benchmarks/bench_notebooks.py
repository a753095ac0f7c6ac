"""Benchmark: the nbval notebook suite against its floor, side by side in one run.

Floor: the same number of fresh kernels, each importing only the packages the notebooks
import, then shutting down. The suite should cost at most 1.5x that floor (the rest is
the notebooks' own work on the emulator). Prints both figures and the ratio.

Run with `make bench` (or `.venv/bin/python benchmarks/bench_notebooks.py`).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FLOOR_IMPORTS = (
    "import aci_helpers, aci_helpers.emulator, pandas, matplotlib, ipywidgets, tqdm.auto\n"
    "from azure.mgmt.containerinstance import ContainerInstanceManagementClient\n"
    "from azure.mgmt.resource.resources import ResourceManagementClient\n"
    "import azure.identity"
)
ENV = {"ACI_BACKEND": "emulator", "ACI_EMULATOR_CLOCK": "instant", "ACI_EMULATOR_SEED": "0",
       "ACI_EMULATOR_STATE": "memory"}


def floor_seconds() -> float:
    """Start one kernel per notebook, import the packages, stop it."""
    start = time.perf_counter()
    for _ in NOTEBOOKS:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_IMPORTS)])
        NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    return time.perf_counter() - start


def suite_seconds() -> float:
    """The notebook part of `make test`: pytest --nbval on every notebook."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                    "--nbval-current-env", *map(str, NOTEBOOKS)],
                   cwd=ROOT, check=True, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    os.environ.update(ENV)
    floor = floor_seconds()
    suite = suite_seconds()
    print(f"notebooks: {len(NOTEBOOKS)}")
    print(f"floor (kernels that only import): {floor:6.2f} s")
    print(f"nbval suite:                      {suite:6.2f} s")
    print(f"ratio: {suite / floor:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
