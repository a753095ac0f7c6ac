"""A workshop class on a real JupyterHub (issue 20): N participants (5 here, 30 in
benchmarks/bench_hub.py), each server started through the hub's REST API, notebooks 00->03
run in a kernel through that server's own API with the solutions (so the exercise checks of
01 and 03 run with the solution answers), each participant's cloud their own (the emulator
state in their home), and the trainer's `aci-tutorial workshop status` on what they did.

Needs the `hub` extra and configurable-http-proxy from npm: `.ci/run` installs both and runs
this file; `make test` skips it (with the reason) where they are absent, which keeps the
suite's budget (this test alone: about a minute of wall time and 1.5 CPU-minutes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .hub import ROOT, Hub, missing, pss_mb

NOTEBOOKS = ("00_authenticate", "01_create_single_container_group",
             "02_create_multi_container_group", "03_task_based_container_group")
CHECKED = ("01_create_single_container_group", "03_task_based_container_group")
N = int(os.environ.get("ACI_HUB_PARTICIPANTS", "5"))


def run_class(folder: Path, participants: int, workers: int) -> dict:
    """Start a hub, run the class, return what was measured (and the per-user outputs)."""
    users = [f"p{i:02d}" for i in range(1, participants + 1)]
    out: dict = {"users": users, "outputs": {}, "start": {}, "pss_mb": {}}
    with Hub(folder, env={"ACI_EMULATOR_CLOCK": "instant"}) as hub:
        out["hub_start"] = hub.started_in
        began = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            out["start"] = dict(zip(users, pool.map(hub.start_server, users)))

        def work(user: str) -> None:
            kernel = hub.kernel(user)
            try:
                out["outputs"][user] = {nb: kernel.run_notebook(ROOT / "notebooks" / f"{nb}.ipynb")
                                        for nb in NOTEBOOKS}
                out["pss_mb"][user] = pss_mb(user)  # server + kernel, after 00->03
            finally:
                kernel.close()

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, users))
        out["class_wall"] = time.perf_counter() - began
        out["homes"] = {u: hub.home(u) for u in users}
    return out


def trainer_status(state: Path) -> subprocess.CompletedProcess:
    """`aci-tutorial workshop status` as the trainer runs it, on one participant's cloud."""
    env = {**os.environ, "ACI_EMULATOR_STATE": str(state), "ACI_SETTINGS_FILE": "none"}
    return subprocess.run([str(Path(sys.executable).parent / "aci-tutorial"), "workshop",
                           "status", "--workshop", "demo"], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow(90)
def test_a_class_of_five_on_a_real_jupyterhub(tmp_path):
    reason = missing()
    if reason and os.environ.get("ACI_REQUIRE_HUB"):
        pytest.fail(f"ACI_REQUIRE_HUB is set (CI) but {reason}")
    if reason:
        pytest.skip(reason)
    from aci_helpers import connect
    from aci_helpers.settings_file import read_settings

    import aci_helpers.exercises as exercises

    wired = hasattr(getattr(exercises, "check_word_count", None), "__wrapped__")
    done = run_class(tmp_path, N, workers=min(N, 5))
    for user in done["users"]:
        outputs = done["outputs"][user]
        for nb in CHECKED:  # the solution's check, after the solution ran
            assert any(text.startswith("Pass:") for _, text in outputs[nb]), (user, nb, outputs[nb])
        home = done["homes"][user]
        settings = read_settings(home / ".config" / "aci-tutorial" / "settings.toml")
        assert settings["participant"] == user and settings["resource_group"] == f"aci-ws-demo-{user}"
        # Their own cloud, in their home: only their resource group and their groups.
        state = home / ".cache" / "aci-tutorial" / "emulator.db"
        with connect(state=str(state), clock="instant") as s:
            rgs = [rg.name for rg in s.resources.resource_groups.list()]
            groups = {g.id.split("/")[4] for g in s.aci.container_groups.list()}
        # (00 makes a resource group of "another team" of its own, to list.)
        assert {r for r in rgs if r.startswith("aci-ws-")} == {f"aci-ws-demo-{user}"}
        assert groups == {f"aci-ws-demo-{user}"}
        status = trainer_status(state)
        assert status.returncode == 0, status.stderr
        row = next(ln for ln in status.stdout.splitlines() if ln.startswith(user + " "))
        assert f"aci-ws-demo-{user}" in row and "Running" in row
        if wired:  # the checks record progress (aci_helpers.progress.recorded)
            assert "passed 03" in row, row
    print(f"\nhub start {done['hub_start']:.1f} s; server starts "
          f"{min(done['start'].values()):.1f}-{max(done['start'].values()):.1f} s; class "
          f"{done['class_wall']:.1f} s; PSS per participant (server + kernel) "
          f"{min(done['pss_mb'].values()):.0f}-{max(done['pss_mb'].values()):.0f} MB")
