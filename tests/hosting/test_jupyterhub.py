"""A workshop class on a real JupyterHub (issue 20): N participants (5 here, 30 in
benchmarks/bench_hub.py), each server started through the hub's REST API, notebooks 00->03
run in a kernel through that server's own API with the solutions (so the exercise checks of
01 and 03 run with the solution answers), and the trainer's `aci-tutorial workshop status`
on what they did. Two ways: each participant's cloud their own (the emulator state in their
home), or the whole class on one served emulator (item 3: the README's steps, each command
run as written, and one `status` showing everyone).

Needs the `hub` extra and configurable-http-proxy from npm: `.ci/run` installs both and runs
this file; `make test` skips it (with the reason) where they are absent, which keeps the
suite's budget (this test alone: about a minute of wall time and 1.5 CPU-minutes).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .hub import BIN, ROOT, Hub, Serve, free_port, missing, pss_mb

NOTEBOOKS = ("00_authenticate", "01_create_single_container_group",
             "02_create_multi_container_group", "03_task_based_container_group")
CHECKED = ("01_create_single_container_group", "03_task_based_container_group")
N = int(os.environ.get("ACI_HUB_PARTICIPANTS", "5"))


def run_class(folder: Path, participants: int, workers: int, *, workshop: str = "demo",
              hub_env: dict[str, str] | None = None) -> dict:
    """Start a hub, run the class, return what was measured (and the per-user outputs).
    ``hub_env``: the hub's environment besides ACI_WORKSHOP (a served class's URL and CA)."""
    users = [f"p{i:02d}" for i in range(1, participants + 1)]
    out: dict = {"users": users, "outputs": {}, "start": {}, "pss_mb": {}}
    cpu = os.times()
    with Hub(folder, workshop=workshop, env={"ACI_EMULATOR_CLOCK": "instant"},
             hub_env=hub_env) as hub:
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
    done = os.times()   # this process's children: the hub, the proxy, servers and kernels
    out["class_cpu"] = (done.children_user + done.children_system
                        - cpu.children_user - cpu.children_system)
    return out


def trainer_status(state: Path) -> subprocess.CompletedProcess:
    """`aci-tutorial workshop status` as the trainer runs it, on one participant's cloud."""
    env = {**os.environ, "ACI_EMULATOR_STATE": str(state), "ACI_SETTINGS_FILE": "none"}
    return subprocess.run([str(Path(sys.executable).parent / "aci-tutorial"), "workshop",
                           "status", "--workshop", "demo"], env=env, capture_output=True,
                          text=True, timeout=120)


def _hub_or_skip() -> None:
    reason = missing()
    if reason and os.environ.get("ACI_REQUIRE_HUB"):
        pytest.fail(f"ACI_REQUIRE_HUB is set (CI) but {reason}")
    if reason:
        pytest.skip(reason)


@pytest.mark.slow(90)
def test_a_class_of_five_on_a_real_jupyterhub(tmp_path):
    _hub_or_skip()
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
          f"{done['class_wall']:.1f} s wall, {done['class_cpu']:.1f} CPU-s; PSS per participant (server + kernel) "
          f"{min(done['pss_mb'].values()):.0f}-{max(done['pss_mb'].values()):.0f} MB")


# ------------------------------------------------------------------ one served emulator
CLASS_HEADING = "**A class on one served emulator**"


def readme_class_steps() -> list[str]:
    """The commands of the README's class block, in order (comments and prompts removed)."""
    text = (ROOT / "README.md").read_text()
    block = text.split(CLASS_HEADING, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [ln.split("  #", 1)[0].strip() for ln in block.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def test_the_readmes_class_steps_are_the_ones_the_hub_test_runs():
    steps = readme_class_steps()
    kinds = [[w for w in step.split() if not re.fullmatch(r"[A-Z_]+=\S+", w)][:3]
             for step in steps]
    assert kinds == [["aci-tutorial", "serve", "--port"], ["export"],
                     ["aci-tutorial", "workshop", "setup"], ["jupyterhub", "-f",
                                                              "hosting/jupyterhub_config.py"],
                     ["aci-tutorial", "workshop", "status"], ["aci-tutorial", "workshop",
                                                              "cleanup"]], steps


def _trainer_run(step: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """One of the README's `aci-tutorial ...` lines, as the trainer's terminal runs it."""
    args = step.split()
    return subprocess.run([str(BIN / "aci-tutorial"), *args[1:]], env=env, capture_output=True,
                          text=True, timeout=300)


def _watch_cores(url: str, ca: str) -> tuple[dict[str, float], threading.Event]:
    """The most standard cores in use per region, seen once a second (until the event)."""
    from aci_helpers import connect

    peak: dict[str, float] = {}
    stop = threading.Event()

    def watch() -> None:
        with connect(emulator_url=url, emulator_ca=ca) as s:
            while not stop.wait(1.0):
                for region in {rg.location for rg in s.resources.resource_groups.list()}:
                    for u in s.aci.location.list_usage(region):
                        if u.name.value == "StandardCores":
                            peak[region] = max(peak.get(region, 0), u.current_value)

    threading.Thread(target=watch, daemon=True).start()
    return peak, stop


def run_served_class(folder: Path, participants: int, workers: int,
                     serve_options: tuple[str, ...] = ()) -> dict:
    """The README's class steps as written (the port and the class's size aside) in a
    trainer's terminal of its own (their home in ``folder``): serve, export what it printed,
    setup, the hub's class, status (timed), cleanup, Ctrl-C. Returns run_class's figures
    with every step's output. ``serve_options``: added to serve's line (``--quota-cores``)."""
    steps = readme_class_steps()
    port = free_port()
    home = folder / "trainer"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACI_", "XDG_"))}
    env.update(HOME=str(home), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               ACI_EMULATOR_CLOCK="instant")   # the test's only change: no waiting
    fill = lambda step: step.replace("8443", str(port)).replace(  # noqa: E731
        "--participants 30", f"--participants {participants}")
    serve = Serve(fill(steps[0]).split()[1:] + list(serve_options), env)
    out: dict = {"steps": steps, "url": serve.url, "trainer_env": env}
    try:
        exports = fill(steps[1]).split()[1:]
        env.update({k: v.replace("$HOME", str(home)) for k, v in (e.split("=", 1) for e in exports)})
        out["serve_said"] = "".join(serve.lines)
        out["setup"] = _trainer_run(fill(steps[2]), env)
        assert out["setup"].returncode == 0, out["setup"].stderr
        workshop = re.search(r"--workshop (\S+)", steps[2]).group(1)
        served = {"ACI_EMULATOR_URL": env["ACI_EMULATOR_URL"],
                  "ACI_EMULATOR_CA": env["ACI_EMULATOR_CA"]}
        peak, stop = _watch_cores(serve.url, env["ACI_EMULATOR_CA"])
        try:
            out.update(run_class(folder / "hub", participants, workers, workshop=workshop,
                                 hub_env=served), workshop=workshop)
        finally:
            stop.set()
        out["peak_cores"] = peak
        began = time.perf_counter()
        out["status"] = _trainer_run(steps[4], env)
        out["status_s"] = time.perf_counter() - began
        from aci_helpers import connect

        with connect(emulator_url=serve.url, emulator_ca=env["ACI_EMULATOR_CA"]) as s:
            out["groups"] = [g.id for g in s.aci.container_groups.list()]
        out["cleanup"] = _trainer_run(steps[5], env)
        with connect(emulator_url=serve.url, emulator_ca=env["ACI_EMULATOR_CA"]) as s:
            out["left"] = [g.id for g in s.aci.container_groups.list()]
        out["serve_cpu"] = serve.cpu_seconds()
    finally:
        out["serve_output"] = serve.stop()
    out["served_requests"] = out["serve_output"].count(" ms\n")
    return out


@pytest.mark.slow(120)
def test_a_class_of_five_on_one_served_emulator(tmp_path):
    """The README's steps: the trainer serves their emulator, sets the class up on it,
    starts the hub, whose participants join the served cloud (no state of their own), and
    one `status` shows every participant's progress; cleanup leaves nothing; Ctrl-C stops
    the server."""
    _hub_or_skip()
    from aci_helpers.settings_file import read_settings

    done = run_served_class(tmp_path, N, workers=min(N, 5))
    url, workshop, env = done["url"], done["workshop"], done["trainer_env"]
    assert url.startswith("https://127.0.0.1:") and Path(env["ACI_EMULATOR_CA"]).is_file()
    # what serve printed is what the README exports; the hub is started as the README says
    assert f"ACI_EMULATOR_URL={url} ACI_EMULATOR_CA={env['ACI_EMULATOR_CA']}" in done["serve_said"]
    assert re.fullmatch(rf"ACI_WORKSHOP={workshop} jupyterhub -f hosting/jupyterhub_config.py",
                        done["steps"][3])
    assert f"backend: emulator served at {url}" in done["setup"].stdout
    for user in done["users"]:
        for nb in CHECKED:
            assert any(text.startswith("Pass:") for _, text in done["outputs"][user][nb]), user
        config = done["homes"][user] / ".config" / "aci-tutorial"
        settings = read_settings(config / "settings.toml")
        assert settings["emulator_url"] == url
        assert settings["emulator_ca"] == str(config / "emulator-ca.pem")
        assert not (done["homes"][user] / ".cache" / "aci-tutorial" / "emulator.db").exists()
    # One look shows the whole class, each with their progress.
    status = done["status"]
    assert status.returncode == 0, status.stderr
    rows = {ln.split()[0]: ln for ln in status.stdout.splitlines()
            if ln.split() and ln.split()[0] in done["users"]}
    assert sorted(rows) == done["users"], status.stdout
    for user, row in rows.items():
        assert f"aci-ws-{workshop}-{user}" in row and "Running" in row and "passed 03" in row, row
    # Each one's groups in their own resource group, named with their own suffix.
    owners = {(gid.split("/")[4], gid.split("/")[-1].split("-")[1]) for gid in done["groups"]}
    assert {rg for rg, _ in owners} == {f"aci-ws-{workshop}-{u}" for u in done["users"]}
    assert len({suffix for _, suffix in owners}) == N
    assert done["cleanup"].returncode == 0, done["cleanup"].stdout + done["cleanup"].stderr
    assert done["left"] == []
    assert "Stopped serving" in done["serve_output"], done["serve_output"][-2000:]
    print(f"\nserved class of {N}: hub start {done['hub_start']:.1f} s; server starts "
          f"{min(done['start'].values()):.1f}-{max(done['start'].values()):.1f} s; class "
          f"{done['class_wall']:.1f} s wall, {done['class_cpu']:.1f} CPU-s (hub, servers, "
          f"kernels) + {done['serve_cpu']:.1f} CPU-s the served emulator "
          f"({done['served_requests']} requests); status {done['status_s']:.2f} s")
