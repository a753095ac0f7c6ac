"""Settings shared by every test run.

The whole suite runs on the emulator, whatever the caller's environment says: the notebooks'
committed outputs were produced with the instant clock, seed 0 and an in-memory cloud, and
no test may touch the user's default emulator state file or a real subscription. Kernels
that nbval starts inherit these variables.
"""
from __future__ import annotations

import os
import signal

import pytest

NOTEBOOK_ENV = {
    "ACI_BACKEND": "emulator",
    "ACI_EMULATOR_CLOCK": "instant",
    "ACI_EMULATOR_SEED": "0",
    "ACI_EMULATOR_STATE": "memory",
    "ACI_SETTINGS_FILE": "none",  # a workshop participant's settings file never applies here
}
os.environ.update(NOTEBOOK_ENV)
# A run started in the background by a shell without job control (`make test &` in a script,
# a CI step, nohup ... &) inherits SIGINT ignored (POSIX), and Python then sets no handler: the
# Ctrl-C tests would see nothing, and the servers they start and interrupt would ignore it too
# (three such failures in every fresh-clone run started that way). Ctrl-C as in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
for var in ("ACI_LOCATION", "ACI_RESOURCE_GROUP", "AZURE_AUTH_LOCATION", "ACI_EMULATOR_SPEED",
            "ACI_NAME_SUFFIX", "ACI_PROGRESS", "ACI_EMULATOR_URL", "ACI_EMULATOR_CA"):
    os.environ.pop(var, None)


#: nbval's notebooks, by what one run takes on the instant clock (s) where it stands out:
#: 10 waits 10 s inside the SDK's own provider registration. The rest take 1-3 s.
NOTEBOOK_SECONDS = {"notebooks/10_troubleshooting.ipynb": 12, "notebooks/11_many_tasks.ipynb": 4,
                    "notebooks/09_volumes.ipynb": 4, "notebooks/12_inside_a_container.ipynb": 5}

#: Tests that share nothing with the other tests of their file (each runs a notebook in its
#: own cloud): pytest-xdist may hand each to a different worker. Every other test goes with
#: its whole file (a notebook's cells, a path run in order, module-scoped fixtures).
EACH_ON_ITS_OWN = ("tests/learner/test_path_alone.py::",)

#: Files whose tests share one server: one worker runs them all, one after the other. The
#: browser tests that need only a plain JupyterLab share one server and one Chromium
#: (tests/browser/conftest.py, ``shared_lab``): one JupyterLab start instead of three.
SHARED_UNITS = {f"tests/browser/{name}.py": "tests/browser (one JupyterLab)" for name in (
    "test_explorer_jupyterlab", "test_exec_panel_jupyterlab", "test_check_markdown")}


def work_unit(nodeid: str) -> str:
    """What pytest-xdist hands to one worker: the test's file, the files that share a server,
    or the test alone."""
    if nodeid.startswith(EACH_ON_ITS_OWN):
        return nodeid
    path = nodeid.split("::")[0]
    return SHARED_UNITS.get(path, path)


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "slow(seconds): a test that takes about that many seconds of wall-clock "
        "time (a real browser, the realtime clock); run first, longest first")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` (`make test`), except that EACH_ON_ITS_OWN tests are units of their
    own. (pytest-xdist's ``loadgroup`` would do this with marks, but it renames node ids,
    which pytest 9.2 no longer allows.) Other ``--dist`` modes are pytest-xdist's."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling  # only under xdist

    class WorkUnits(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return WorkUnits(config, log)


def pytest_collection_modifyitems(config, items) -> None:
    """Work units with long tests first (``@pytest.mark.slow(seconds)``; a unit of several
    files adds up their longest tests), longest first; the rest in collection order.

    `make test` runs pytest-xdist with ``--dist loadfile --no-loadscope-reorder``: units
    (``work_unit``) are handed to the workers in this order, so the long ones start at once,
    side by side on different workers, instead of queueing behind each other at the end.
    The sort is stable: the tests of one file (a notebook's cells, a path in order) keep
    their order.
    """
    def cost(item) -> float:
        mark = item.get_closest_marker("slow")
        if mark and mark.args:
            return float(mark.args[0])
        return float(NOTEBOOK_SECONDS.get(item.nodeid.split("::")[0], 0))

    per_file: dict[str, float] = {}  # a file's (or a test's own unit's) longest test
    for item in items:
        unit = work_unit(item.nodeid)
        key = item.nodeid if unit == item.nodeid else item.nodeid.split("::")[0]
        per_file[key] = max(per_file.get(key, 0.0), cost(item))
    per_unit: dict[str, float] = {}  # a unit that shares a server runs its files in turn
    for key, seconds in per_file.items():
        unit = work_unit(key)
        per_unit[unit] = per_unit.get(unit, 0.0) + seconds
    items.sort(key=lambda item: -per_unit[work_unit(item.nodeid)])
