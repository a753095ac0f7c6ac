"""Settings shared by every test run.

The whole suite runs on the emulator, whatever the caller's environment says: the notebooks'
committed outputs were produced with the instant clock, seed 0 and an in-memory cloud, and
no test may touch the user's default emulator state file or a real subscription. Kernels
that nbval starts inherit these variables.
"""
from __future__ import annotations

import os

NOTEBOOK_ENV = {
    "ACI_BACKEND": "emulator",
    "ACI_EMULATOR_CLOCK": "instant",
    "ACI_EMULATOR_SEED": "0",
    "ACI_EMULATOR_STATE": "memory",
}
os.environ.update(NOTEBOOK_ENV)
for var in ("ACI_LOCATION", "ACI_RESOURCE_GROUP", "AZURE_AUTH_LOCATION", "ACI_EMULATOR_SPEED"):
    os.environ.pop(var, None)


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "slow(seconds): a test that takes about that many seconds of wall-clock "
        "time (a real browser, the realtime clock); run first, longest first")


def pytest_collection_modifyitems(config, items) -> None:
    """Files with long tests first (``@pytest.mark.slow(seconds)``), longest first; the rest
    in collection order.

    `make test` runs pytest-xdist with ``--dist loadfile --no-loadscope-reorder``: files are
    handed to the workers in this order, one each in turn, so the long ones start at once,
    side by side on different workers, instead of queueing behind each other at the end.
    A file moves as a whole and the sort is stable: tests of one file (a notebook's cells, a
    path run in order) keep their order.
    """
    def cost(item) -> float:
        mark = item.get_closest_marker("slow")
        return float(mark.args[0]) if mark and mark.args else 0.0

    per_file: dict[str, float] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        per_file[path] = max(per_file.get(path, 0.0), cost(item))
    items.sort(key=lambda item: -per_file[item.nodeid.split("::")[0]])
