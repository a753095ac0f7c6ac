"""Measure what one participant's run of the notebooks holds in a region at once.

Runs every notebook in order in fresh kernels on ONE emulator state file (instant clock,
seed 0), the way a participant works through them, solutions included (a participant does
each Try it), and after every cell reads the region's usage (``location.list_usage``):
standard cores (Spot cores count apart) and container groups in use. The peak, within a
notebook as well as after it (02's Try it holds a second group while 02's own still runs),
rounded up to whole cores, is what ``aci-tutorial workshop plan`` counts per participant. Writes
aci_helpers/trainer/data/participant_needs.json; rerun it when the notebooks change.
"""
from __future__ import annotations

import json
import math
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

        def usage() -> dict[str, float]:
            return {u.name.value: float(u.current_value)
                    for u in s.aci.location.list_usage(s.location)}

        after: dict[str, dict[str, float]] = {}
        within: dict[str, dict[str, float]] = {}
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")):
            began = time.monotonic()
            most = {"cores": 0.0, "groups": 0.0}

            def seen(**_: object) -> None:
                now = usage()
                most["cores"] = max(most["cores"], now["StandardCores"])
                most["groups"] = max(most["groups"], now["ContainerGroups"])

            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3", on_cell_executed=seen,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            now = usage()
            after[path.name] = {"cores": now["StandardCores"], "groups": now["ContainerGroups"]}
            within[path.name] = dict(most)
            print(f"{path.name}: after {after[path.name]}, at most {most} "
                  f"({time.monotonic() - began:.1f} s)", file=sys.stderr)
        s.close()
    peak = {"cores": math.ceil(max(v["cores"] for v in within.values())),
            "groups": math.ceil(max(v["groups"] for v in within.values()))}
    OUT.write_text(json.dumps({"peak": peak, "at_most_within_each_notebook": within,
                               "after_each_notebook": after,
                               "how": "tools/measure_participant_needs.py: notebooks in order on "
                                      "one emulator cloud, solutions included, usage read "
                                      "after every cell"}, indent=1) + "\n")
    print(json.dumps(peak))
    return 0


if __name__ == "__main__":
    sys.exit(main())
