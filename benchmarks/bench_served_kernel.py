"""Benchmark: a notebook's requests over a served emulator (ACI_EMULATOR_URL) against the
same notebook's in-process emulator (issue 20 item 3).

Both sessions come from ``connect()`` as a notebook's do: in-process on a state file, or over
HTTPS to ``aci-tutorial serve`` on that same file in a process of its own (ClientSecretCredential
sign-in, the server's CA, the session header). Each round runs notebook 01's calls (the
resource group, create and wait, get, list, logs, delete and wait; instant clock); the two
kinds of session alternate, round after round. Reports p50 and p95 of every HTTP request
(timed at the transport) and of each SDK call, per kind, and the p50 overhead.

    .venv/bin/python benchmarks/bench_served_kernel.py [--rounds 40]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["ACI_SETTINGS_FILE"] = "none"

from benchmarks.bench_local_cloud import Serve, ms, pct

from aci_helpers import connect, ensure_resource_group
from aci_helpers.builders import single_container_group


def timed_transport(s: Any, into: list[float]) -> None:
    """Time every request the session's clients send, at their (shared) transport."""
    transport = s.aci._client._pipeline._transport
    send = transport.send

    def timed(request: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return send(request, **kwargs)
        finally:
            into.append(time.perf_counter() - began)

    transport.send = timed


def notebook_01(s: Any, calls: dict[str, list[float]]) -> None:
    """The calls of notebook 01, each SDK call timed."""
    def call(name: str, fn: Any, *args: Any) -> Any:
        began = time.perf_counter()
        result = fn(*args)
        calls.setdefault(name, []).append(time.perf_counter() - began)
        return result

    rg, name = s.resource_group, "aci-123456"
    call("resource group", ensure_resource_group, s)
    group = single_container_group(name, s.location)
    call("create + wait", lambda: s.aci.container_groups.begin_create_or_update(
        rg, name, group).result())
    call("get", s.aci.container_groups.get, rg, name)
    call("list", lambda: list(s.aci.container_groups.list_by_resource_group(rg)))
    call("logs", s.aci.containers.list_logs, rg, name, name)
    call("delete + wait", lambda: s.aci.container_groups.begin_delete(rg, name).result())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "cloud.db"
        srv = Serve(state)
        try:
            began = time.perf_counter()
            served = connect(emulator_url=srv.url, emulator_ca=srv.ca, clock="instant")
            served.resources.resource_groups.check_existence("warm-up")   # the sign-in
            sign_in = time.perf_counter() - began
            local = connect(state=str(state), clock="instant")
            kinds = {"in-process": local, "served": served}
            requests: dict[str, list[float]] = {k: [] for k in kinds}
            calls: dict[str, dict[str, list[float]]] = {k: {} for k in kinds}
            for kind, s in kinds.items():
                timed_transport(s, requests[kind])
                notebook_01(s, {})                                     # warm-up round
                requests[kind].clear()
            for _ in range(args.rounds):
                for kind, s in kinds.items():
                    notebook_01(s, calls[kind])
        finally:
            srv.stop()
    print(f"{args.rounds} rounds of notebook 01's calls, alternating (instant clock; shared "
          f"2-core machine). First served connect() + sign-in: {ms(sign_in)}.")
    for kind in kinds:
        r = requests[kind]
        print(f"  {kind:11} per request: p50 {ms(statistics.median(r))}, p95 {ms(pct(r, 95))} "
              f"({len(r) // args.rounds} requests a round)")
    over = statistics.median(requests["served"]) - statistics.median(requests["in-process"])
    print(f"  overhead per request (p50): {ms(over)}")
    for name in calls["in-process"]:
        a, b = calls["in-process"][name], calls["served"][name]
        print(f"  {name:15} p50 {ms(statistics.median(a))} in-process, "
              f"{ms(statistics.median(b))} served (p95 {ms(pct(a, 95))} / {ms(pct(b, 95))})")


if __name__ == "__main__":
    main()
