"""Measure what one participant's run of the notebooks holds in a region at once.

Runs every notebook in order in fresh kernels on ONE emulator state file (instant clock,
seed 0), the way a participant works through them, and after each notebook reads the
region's usage (``location.list_usage``): standard cores and container groups in use. The
peak is what ``aci-tutorial workshop plan`` counts per participant. Writes
aci_helpers/trainer/data/participant_needs.json; rerun it when the notebooks change.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "aci_helpers" / "trainer" / "data" / "participant_needs.json"


def main() -> int:
    """Run the notebooks, record the usage after each, write the peak."""
    from aci_helpers import connect

    with tempfile.TemporaryDirectory() as tmp:
        state = str(Path(tmp) / "emulator.db")
        os.environ.update({"ACI_BACKEND": "emulator", "ACI_EMULATOR_CLOCK": "instant",
                           "ACI_EMULATOR_SEED": "0", "ACI_EMULATOR_STATE": state,
                           "TQDM_DISABLE": "1"})
        s = connect()
        after: dict[str, dict[str, int]] = {}
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")):
            began = time.monotonic()
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            usage = {u.name.value: int(u.current_value) for u in s.aci.location.list_usage(s.location)}
            after[path.name] = {"cores": usage["StandardCores"], "groups": usage["ContainerGroups"]}
            print(f"{path.name}: {after[path.name]} ({time.monotonic() - began:.1f} s)", file=sys.stderr)
        s.close()
    peak = {"cores": max(v["cores"] for v in after.values()),
            "groups": max(v["groups"] for v in after.values())}
    OUT.write_text(json.dumps({"peak": peak, "after_each_notebook": after,
                               "how": "tools/measure_participant_needs.py: notebooks in order on "
                                      "one emulator cloud, usage read after each"}, indent=1) + "\n")
    print(json.dumps(peak))
    return 0


if __name__ == "__main__":
    sys.exit(main())
