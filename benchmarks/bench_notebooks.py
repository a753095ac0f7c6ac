"""Benchmark: the nbval notebook suite against its floor, side by side in one run.

Floor: the same harness (`pytest --nbval`, one fresh kernel per notebook) on as many
notebooks that each only import exactly the modules its counterpart's kernel had loaded
once it had run (found by a first, untimed run). The suite should cost at most 1.5x that
floor (the rest is the notebooks' own work on the emulator). Prints both figures and the
ratio, and on its own line the SDK's fixed sleep that the suite contains: azure-mgmt-core's
automatic provider registration (notebook 10) sleeps 10 s before it looks at the
registration again, whatever the backend answers; the ratio is also shown without it.

Run with `make bench` (or `.venv/bin/python benchmarks/bench_notebooks.py`).
"""
from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
ENV = {"ACI_BACKEND": "emulator", "ACI_EMULATOR_CLOCK": "instant", "ACI_EMULATOR_SEED": "0",
       "ACI_EMULATOR_STATE": "memory", "ACI_EMULATOR_SPEED": "1"}
# Every module, submodules included: `import azure` alone would not load the SDK clients.
MODULES_CELL = "import json, sys; print(json.dumps(sorted(sys.modules)))"


def modules_of(path: Path) -> list[str]:
    """Modules loaded once the notebook has run (what its kernel really imports)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MODULES_CELL))
    NotebookClient(nb, kernel_name="python3", timeout=300,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return json.loads(nb.cells[-1].outputs[0]["text"])


def import_cell(modules: list[str]) -> str:
    """A cell that imports the same modules, and does nothing else."""
    return ("import importlib\n"
            f"for name in {modules!r}:\n"
            "    try:\n        importlib.import_module(name)\n"
            "    except Exception:\n        pass\n")


def run_nbval(paths: list[Path]) -> float:
    """Seconds for `pytest --nbval` (strict) on these notebooks, as `make test` runs it."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                    "--nbval-current-env", *map(str, paths)],
                   cwd=ROOT, check=True, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def floor_seconds(cells: list[str]) -> float:
    """The same harness on import-only notebooks: one kernel each, importing its modules."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for index, cell in enumerate(cells):
            path = Path(tmp) / f"floor_{index}.ipynb"
            nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), path)
            paths.append(path)
        return run_nbval(paths)


def sdk_registration_sleep() -> tuple[float, int]:
    """The seconds azure-mgmt-core's automatic registration sleeps (read from its source), and
    how often the suite registers: each "Registration succeeded." the SDK logged in a
    committed output followed one such sleep."""
    from azure.mgmt.core.policies import ARMAutoResourceProviderRegistrationPolicy as Policy
    found = re.search(r"time\.sleep\((\d+(?:\.\d+)?)\)", inspect.getsource(Policy._register_rp))
    seconds = float(found.group(1)) if found else 0.0
    times = sum(p.read_text(encoding="utf-8").count("Registration succeeded.") for p in NOTEBOOKS)
    return seconds, times


def main() -> None:
    os.environ.update(ENV)
    cells = [import_cell(modules_of(path)) for path in NOTEBOOKS]
    floor = floor_seconds(cells)
    suite = run_nbval(NOTEBOOKS)
    print(f"notebooks: {len(NOTEBOOKS)}")
    print(f"floor (nbval on import-only notebooks, same modules): {floor:6.2f} s")
    sleep, times = sdk_registration_sleep()
    print(f"nbval suite:                                            {suite:6.2f} s")
    print(f"  of which the SDK's own sleep (10: provider auto-registration, {sleep:g} s x "
          f"{times}): {sleep * times:6.2f} s")
    print(f"ratio: {suite / floor:.2f}x (goal <= 1.5x); without the SDK's sleep "
          f"{(suite - sleep * times) / floor:.2f}x")


if __name__ == "__main__":
    main()
