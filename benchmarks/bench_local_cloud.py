"""Benchmark: the local cloud (``aci-tutorial serve`` / ``aci-tutorial az``).

- server start: ``aci-tutorial serve`` from process start to its URL printed, and the
  server's own start (TLS, bind, uvicorn listening);
- per request, HTTPS to the served emulator against the in-process transport on the same
  state file, for get, list (20 groups) and create (instant clock): p50 and p95, alternating
  rounds;
- ``aci-tutorial az container list`` cold (no server, never signed in) and warm, beside
  ``az version`` in the same configuration folder (the CLI's own floor);
- 16 concurrent clients (15 SDK clients over HTTPS in threads, plus the Azure CLI in a loop)
  for ``--seconds`` (default 60): operations, requests, errors, and whether every group a
  client was told is created is there at the end (nothing lost);
- ``--install``: the Azure CLI's install time (warm uv cache, then cold in a fresh cache).

The CLI parts need the Azure CLI (``aci-tutorial install-cli`` or ``ACI_AZURE_CLI``) and are
skipped without it. Run: ``.venv/bin/python benchmarks/bench_local_cloud.py [--seconds N]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.identity import ClientSecretCredential
from azure.mgmt.containerinstance import ContainerInstanceManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient

from aci_helpers.trainer import azure_cli
from aci_helpers.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
GROUP = {"location": "eastus", "properties": {"osType": "Linux", "containers": [
    {"name": "web", "properties": {"image": "mcr.microsoft.com/azuredocs/aci-helloworld",
                                   "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.0}}}}]}}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(v: float) -> str:
    return f"{v * 1000:.1f} ms"


class Serve:
    """``aci-tutorial serve`` in a subprocess on ``state``."""

    def __init__(self, state: Path, clock: str = "instant") -> None:
        self.began = time.perf_counter()
        env = dict(os.environ, ACI_EMULATOR_STATE=str(state), ACI_EMULATOR_CLOCK=clock,
                   PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "aci_helpers.trainer", "serve"],
                                     env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.url = self.own = None
        for line in self.proc.stdout:
            if line.startswith("Serving the emulator's cloud at "):
                self.url = line.split(" at ", 1)[1].strip()
                self.to_url = time.perf_counter() - self.began
            if line.startswith("Started in "):
                self.own = float(line.split()[2])
                break
        self.ca = str(state.with_name(state.stem + "-local-cloud") / "tls" / "ca.pem")
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for _ in self.proc.stdout:
            pass

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(15)


class Count(SansIOHTTPPolicy):
    def __init__(self) -> None:
        self.n = 0

    def on_request(self, request: Any) -> None:
        self.n += 1


def https_clients(srv: Serve, sub: str, count: Count | None = None) -> tuple[Any, Any]:
    cred = ClientSecretCredential("00000000-0000-0000-0000-0000000ac1e1", "bench", "any",
                                  authority=srv.url, disable_instance_discovery=True,
                                  connection_verify=srv.ca)
    kw: dict[str, Any] = {"base_url": srv.url, "connection_verify": srv.ca}
    if count is not None:
        kw["per_call_policies"] = [count]
    return (ContainerInstanceManagementClient(cred, sub, **kw),
            ResourceManagementClient(cred, sub, **kw))


def bench_start(tmp: Path, rounds: int) -> None:
    to_url, own = [], []
    for i in range(rounds):
        srv = Serve(tmp / f"start{i}" / "s.db")
        to_url.append(srv.to_url)
        own.append(srv.own)
        srv.stop()
    print(f"server start, `aci-tutorial serve` to its URL printed: min {to_url and min(to_url):.2f} s"
          f", median {statistics.median(to_url):.2f} s; the server itself (TLS, bind, listen): "
          f"min {min(own):.2f} s, median {statistics.median(own):.2f} s ({rounds} starts; the "
          "first one also makes the CA)")


def bench_overhead(tmp: Path, rounds: int) -> None:
    state = tmp / "overhead" / "s.db"
    state.parent.mkdir(parents=True)
    srv = Serve(state)
    local = Emulator(state, clock="instant")
    try:
        aci_h, res_h = https_clients(srv, local.subscription_id)
        aci_l = ContainerInstanceManagementClient(local.credential(), local.subscription_id,
                                                  transport=local.transport())
        res_h.resource_groups.create_or_update("rg", {"location": "eastus"})
        for i in range(20):
            aci_l.container_groups.begin_create_or_update("rg", f"g{i}", GROUP).result()
        counter = iter(range(10**9))
        ops: dict[str, tuple[Callable[[Any], Any], int]] = {
            "get": (lambda a: a.container_groups.get("rg", "g0"), 20),
            "list (20 groups)": (lambda a: list(a.container_groups.list_by_resource_group("rg")),
                                 10),
            "create (instant clock)": (lambda a: a.container_groups.begin_create_or_update(
                "rg", f"c{next(counter)}", GROUP).result(), 5),
        }
        for name, (fn, number) in ops.items():
            fn(aci_h), fn(aci_l)   # warm both (connections, caches)
            th, tl = [], []
            for _ in range(rounds):
                for client, out in ((aci_h, th), (aci_l, tl)):
                    for _ in range(number):
                        t = time.perf_counter()
                        fn(client)
                        out.append(time.perf_counter() - t)
            print(f"{name:24} HTTPS p50 {ms(pct(th, 50))} p95 {ms(pct(th, 95))} | in-process "
                  f"p50 {ms(pct(tl, 50))} p95 {ms(pct(tl, 95))} | overhead p50 "
                  f"{ms(pct(th, 50) - pct(tl, 50))} ({len(th)} calls each)")
    finally:
        srv.stop()
        local.close()


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"{cmd} failed: {done.stderr[-500:]}")
    return time.perf_counter() - t


def bench_cli(tmp: Path, az: str, rounds: int) -> None:
    state = tmp / "cli" / "s.db"
    env = dict(os.environ, ACI_EMULATOR_STATE=str(state), ACI_AZURE_CLI=az,
               ACI_EMULATOR_CLOCK="instant")
    tool = [sys.executable, "-m", "aci_helpers.trainer", "az"]
    cold = _timed(tool + ["container", "list", "-o", "table"], env)
    config = state.with_name("s-local-cloud") / "azure"
    az_env = dict(env, AZURE_CONFIG_DIR=str(config))
    warm, floor = [], []
    for _ in range(rounds):
        warm.append(_timed(tool + ["container", "list", "-o", "table"], env))
        floor.append(_timed([az, "version", "-o", "none"], az_env))
    print(f"aci-tutorial az container list: cold {cold:.2f} s (starts the server, registers the "
          f"cloud, signs in); warm min {min(warm):.2f} s, median {statistics.median(warm):.2f} s"
          f" | az version in the same config dir: min {min(floor):.2f} s, median "
          f"{statistics.median(floor):.2f} s ({rounds} alternating rounds)")
    subprocess.run([sys.executable, "-m", "aci_helpers.trainer", "serve", "--stop"], env=env,
                   capture_output=True, cwd=ROOT)


def bench_concurrent(tmp: Path, az: str | None, seconds: float) -> None:
    state = tmp / "concurrent" / "s.db"
    state.parent.mkdir(parents=True)
    srv = Serve(state, clock="realtime")
    sub = Emulator(state).subscription_id
    count = Count()
    aci0, res0 = https_clients(srv, sub, count)
    res0.resource_groups.create_or_update("rg", {"location": "eastus"})
    stop = time.monotonic() + seconds
    ops, errors = [0], []
    created: set[str] = set()
    deleted: set[str] = set()
    lock = threading.Lock()

    def sdk(i: int) -> None:
        aci, _ = https_clients(srv, sub, count)
        k = 0
        while time.monotonic() < stop:
            name = f"c{i}-{k}"
            try:
                aci.container_groups.begin_create_or_update("rg", name, GROUP).result()
                with lock:
                    created.add(name)
                aci.container_groups.get("rg", name)
                list(aci.container_groups.list_by_resource_group("rg"))
                aci.containers.list_logs("rg", name, "web")
                if k % 5 or k >= 20:    # keep 4 a client: 60 in all, under the group quota
                    aci.container_groups.begin_delete("rg", name).result()
                    with lock:
                        deleted.add(name)
                with lock:
                    ops[0] += 5 if name in deleted else 4
            except Exception as err:  # noqa: BLE001 - counted and reported
                errors.append(f"{type(err).__name__}: {str(err)[:120]}")
                time.sleep(0.5)
            k += 1

    cli_runs = [0]

    def cli() -> None:
        env = dict(os.environ, ACI_EMULATOR_STATE=str(state), ACI_AZURE_CLI=az or "")
        while time.monotonic() < stop:
            done = subprocess.run([sys.executable, "-m", "aci_helpers.trainer", "az", "container",
                                   "list", "-g", "rg", "-o", "none"], env=env,
                                  capture_output=True, text=True, cwd=ROOT)
            cli_runs[0] += 1
            if done.returncode:
                errors.append(f"az: {done.stderr.strip()[-200:]}")

    threads = [threading.Thread(target=sdk, args=(i,)) for i in range(15 if az else 16)]
    if az:
        threads.append(threading.Thread(target=cli))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    have = {g.name for g in aci0.container_groups.list_by_resource_group("rg")}
    lost = sorted((created - deleted) - have)
    ghosts = sorted(have & deleted)
    srv.stop()
    print(f"16 concurrent clients for {seconds:g} s ({len(threads) - bool(az)} SDK over HTTPS"
          f"{', 1 Azure CLI' if az else ''}): {ops[0]} SDK operations, {count.n} SDK HTTP "
          f"requests, {cli_runs[0]} `aci-tutorial az container list` runs, {len(errors)} errors"
          f"{': ' + '; '.join(errors[:3]) if errors else ''}; {len(created)} groups created, "
          f"{len(deleted)} deleted, lost {len(lost)}, deleted but present {len(ghosts)}")


def bench_install(tmp: Path) -> None:
    warm = azure_cli.install(tmp / "warm")
    env_cold = dict(os.environ, UV_CACHE_DIR=str(tmp / "uv-cache"))
    old = os.environ.copy()
    os.environ.update(env_cold)
    try:
        cold = azure_cli.install(tmp / "cold")
    finally:
        os.environ.clear()
        os.environ.update(old)
    print(f"Azure CLI install (aci-tutorial install-cli): {warm:.1f} s with uv's cache warm, "
          f"{cold:.1f} s with an empty cache (downloads from PyPI)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--install", action="store_true")
    args = parser.parse_args()
    try:
        az: str | None = azure_cli.find_az()
    except azure_cli.AzureCliMissing:
        az = None
        print("(no Azure CLI: the CLI rows are skipped; aci-tutorial install-cli)")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_start(tmp, args.rounds)
        bench_overhead(tmp, args.rounds)
        if az:
            bench_cli(tmp, az, args.rounds)
        bench_concurrent(tmp, az, args.seconds)
        if args.install:
            bench_install(tmp)


if __name__ == "__main__":
    main()
