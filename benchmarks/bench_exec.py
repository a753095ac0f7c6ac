"""Benchmark: exec over real WebSockets (issue 18).

- exec round trip: on an open ``/bin/sh`` socket, from sending ``echo hi\\r`` to reading
  ``hi`` and the next prompt; p50 and p95, in alternating rounds, against the kernel's own
  endpoint (the in-process transport's exec) and against the HTTPS server
  (``emu.server()``, the SDK over HTTPS);
- a whole exec: ``execute_command`` + connect + password + ``echo hi`` + ``exit`` (what
  ``aci_helpers.terminal.exec_command`` does), both ways;
- 16 concurrent exec clients over the HTTPS server for ``--seconds`` (default 20): sessions,
  commands, errors, and whether every command's output came back to the client that typed
  it, once (nothing lost, nothing crossed).

The machine may be shared: rounds alternate, figures are min / p50 / p95.
Run: ``.venv/bin/python benchmarks/bench_exec.py [--rounds N] [--seconds S]``.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import websocket
from azure.identity import ClientSecretCredential
from azure.mgmt.containerinstance import ContainerInstanceManagementClient
from azure.mgmt.containerinstance import models as m
from azure.mgmt.resource.resources import ResourceManagementClient

from aci_helpers.emulator import Emulator

RG = "bench-rg"
PROMPT = b"/ # "


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(v: float) -> str:
    return f"{v * 1000:.2f} ms"


def read_until(ws: websocket.WebSocket, end: bytes) -> bytes:
    out = b""
    while not out.endswith(end):
        chunk = ws.recv()
        if not chunk:
            raise RuntimeError(f"closed after {out!r}")
        out += chunk if isinstance(chunk, bytes) else chunk.encode()
    return out


class Side:
    """The SDK's ACI client one way (in-process transport, or HTTPS to the server)."""

    def __init__(self, label: str, aci: ContainerInstanceManagementClient, ca: str) -> None:
        self.label, self.aci, self.ca = label, aci, ca

    def open(self, group: str) -> websocket.WebSocket:
        answer = self.aci.containers.execute_command(RG, group, "sh", m.ContainerExecRequest(
            command="/bin/sh", terminal_size=m.ContainerExecRequestTerminalSize(rows=24, cols=80)))
        ws = websocket.create_connection(answer.web_socket_uri, sslopt={"ca_certs": self.ca},
                                         timeout=30)
        ws.send(answer.password)
        read_until(ws, PROMPT)
        return ws


def round_trip(ws: websocket.WebSocket, tag: str = "hi") -> float:
    began = time.perf_counter()
    ws.send_binary(f"echo {tag}\r".encode())
    out = read_until(ws, PROMPT)
    took = time.perf_counter() - began
    assert f"\r\n{tag}\r\n".encode() in out, out
    return took


def whole_exec(side: Side, group: str) -> float:
    began = time.perf_counter()
    ws = side.open(group)
    round_trip(ws)
    ws.send_binary(b"exit\r")
    try:
        while ws.recv():
            pass
    except websocket.WebSocketConnectionClosedException:
        pass
    ws.close()
    return time.perf_counter() - began


def concurrent(side: Side, group: str, clients: int, seconds: float) -> dict:
    stats = {"sessions": 0, "commands": 0, "errors": 0, "lost_or_crossed": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        n = 0
        while time.monotonic() < stop:
            try:
                ws = side.open(group)
                with lock:
                    stats["sessions"] += 1
                for _ in range(10):
                    tag = f"c{i}-{n}"
                    n += 1
                    ws.send_binary(f"echo {tag}\r".encode())
                    out = read_until(ws, PROMPT)
                    ok = out.count(f"\r\n{tag}\r\n".encode()) == 1 and out.count(b"\r\nc") == 1
                    with lock:
                        stats["commands"] += 1
                        stats["lost_or_crossed"] += 0 if ok else 1
                ws.send_binary(b"exit\r")
                ws.close()
            except Exception:  # noqa: BLE001 - counted: the benchmark reports errors
                with lock:
                    stats["errors"] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--per-round", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-exec-"))
    emu = Emulator(tmp / "cloud.db", clock="realtime")
    srv = emu.server().start()
    try:
        local = Side("in-kernel", ContainerInstanceManagementClient(
            emu.credential(), emu.subscription_id, transport=emu.transport()), emu.ca_file)
        cred = ClientSecretCredential("00000000-0000-0000-0000-0000000ac1e1", "bench", "bench",
                                      authority=srv.url, disable_instance_discovery=True,
                                      connection_verify=srv.ca_file)
        https = Side("HTTPS server", ContainerInstanceManagementClient(
            cred, emu.subscription_id, **srv.client_kwargs()), srv.ca_file)
        ResourceManagementClient(emu.credential(), emu.subscription_id,
                                 transport=emu.transport()).resource_groups.create_or_update(
                                     RG, {"location": "eastus"})
        local.aci.container_groups.begin_create_or_update(RG, "shells", m.ContainerGroup(
            location="eastus", os_type="Linux", containers=[m.Container(
                name="sh", image="alpine", command=["/bin/sh", "-c", "sleep infinity"],
                resources=m.ResourceRequirements(requests=m.ResourceRequests(
                    cpu=1, memory_in_gb=1)))])).result()
        while local.aci.container_groups.get(RG, "shells").instance_view.state != "Running":
            time.sleep(0.2)
        rtt: dict[str, list[float]] = {local.label: [], https.label: []}
        whole: dict[str, list[float]] = {local.label: [], https.label: []}
        for side in (local, https):             # warm: imports, TLS sessions, endpoint start
            whole_exec(side, "shells")
        for _ in range(args.rounds):
            for side in (local, https):
                ws = side.open("shells")
                rtt[side.label] += [round_trip(ws) for _ in range(args.per_round)]
                ws.close()
                whole[side.label] += [whole_exec(side, "shells") for _ in range(5)]
        print("exec round trip (echo hi through /bin/sh on an open socket), machine shared:")
        for label, v in rtt.items():
            print(f"  {label:13s} n={len(v)} min {ms(min(v))}  p50 {ms(statistics.median(v))}  "
                  f"p95 {ms(pct(v, 95))}")
        print("whole exec (execute_command + connect + password + echo hi + exit):")
        for label, v in whole.items():
            print(f"  {label:13s} n={len(v)} min {ms(min(v))}  p50 {ms(statistics.median(v))}  "
                  f"p95 {ms(pct(v, 95))}")
        got = concurrent(https, "shells", 16, args.seconds)
        print(f"16 concurrent exec clients over HTTPS for {args.seconds:g} s: {got}")
    finally:
        srv.stop()
        emu.close()


if __name__ == "__main__":
    main()
