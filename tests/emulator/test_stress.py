"""Stress: kernels writing and reading one state file while others are interrupted (Ctrl-C)
and killed (kill -9) at random. Bounded: a few seconds, a fixed seed for the timings.

Afterwards the file opens, every acknowledged write is there, and every kernel that was
interrupted (not killed) still works (issue 9).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import sys
import time
import traceback

import pytest

from aci_helpers.emulator import Emulator

from .conftest import LOC, RG, Cloud, group

STRESS_SECONDS = 5.0
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="signals and kill -9 as on Linux kernels")


def _log(path: str, line: str) -> None:
    # One write per line, flushed: a kill -9 loses at most the line being written.
    with open(path, "a") as f:
        f.write(line + "\n")


def _writer(path: str, prefix: str, acks: str, stop) -> None:
    """Creates groups; records each one only once the emulator acknowledged it."""
    c = Cloud(Emulator(path, clock="instant", quota_cores=100_000))
    i = 0
    while not stop.is_set():
        name = f"{prefix}-{i}"
        c.aci.container_groups.begin_create_or_update(RG, name, group()).result()
        _log(acks, name)
        i += 1


def _reader(path: str, errors: str, stop) -> None:
    c = Cloud(Emulator(path, clock="instant", quota_cores=100_000))
    while not stop.is_set():
        try:
            groups = list(c.aci.container_groups.list_by_resource_group(RG))
            if groups:
                c.aci.container_groups.get(RG, groups[-1].name)
        except Exception:  # noqa: BLE001 - any failure of a reader is a finding
            _log(errors, "reader: " + traceback.format_exc(limit=3).replace("\n", " | "))


def _kernel(path: str, prefix: str, acks: str, errors: str, requests, answers) -> None:
    """A kernel someone keeps interrupting: each Ctrl-C stops the current cell, the next
    cell runs. At the end it is asked to prove it still works.

    Like ipykernel, it turns SIGINT into KeyboardInterrupt only while a cell runs, and once
    per cell: an interrupt that lands in the kernel's own loop (here, the except clause) must
    not end the process (it did, now and then, on a loaded machine)."""
    in_cell = False

    def interrupt(signum, frame):
        nonlocal in_cell
        if in_cell:
            in_cell = False
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    c = Cloud(Emulator(path, clock="instant", quota_cores=100_000))
    answers.put((prefix, "ready"))  # interrupts start once every kernel is up
    i = 0
    while True:
        try:
            in_cell = True
            if not requests.empty():
                in_cell = False  # the proof is not interrupted: it is asked after the storm
                requests.get()
                name = f"{prefix}-final"
                c.aci.container_groups.begin_create_or_update(RG, name, group()).result()
                c.aci.container_groups.get(RG, name)
                answers.put((prefix, "works"))
                return
            name = f"{prefix}-{i}"
            i += 1
            c.aci.container_groups.begin_create_or_update(RG, name, group()).result()
            _log(acks, name)
            c.aci.container_groups.stop(RG, name)
            list(c.aci.container_groups.list_by_resource_group(RG))
            in_cell = False
        except KeyboardInterrupt:
            continue
        except Exception:  # noqa: BLE001 - a kernel's failure is a finding
            in_cell = False
            _log(errors, f"kernel {prefix}: " + traceback.format_exc(limit=3).replace("\n", " | "))


def test_interrupted_and_killed_kernels_lose_nothing(tmp_path):
    path = str(tmp_path / "state.db")
    acks, errors = str(tmp_path / "acks.txt"), str(tmp_path / "errors.txt")
    setup = Cloud(Emulator(path, clock="instant"))
    setup.res.resource_groups.create_or_update(RG, {"location": LOC})
    setup.emu.close()
    ctx = mp.get_context("fork")
    stop, requests, answers = ctx.Event(), ctx.Queue(), ctx.Queue()
    rng = random.Random(9)
    steady = [ctx.Process(target=_writer, args=(path, f"w{k}", acks, stop)) for k in range(2)]
    steady.append(ctx.Process(target=_reader, args=(path, errors, stop)))
    kernels = {f"k{k}": ctx.Process(target=_kernel, args=(path, f"k{k}", acks, errors,
                                                           requests, answers))
               for k in range(2)}
    victims, killed = [], 0
    for p in [*steady, *kernels.values()]:
        p.start()
    assert sorted(answers.get(timeout=60) for _ in kernels) == [(k, "ready") for k in sorted(kernels)]
    try:
        end = time.monotonic() + STRESS_SECONDS
        while time.monotonic() < end:
            time.sleep(rng.uniform(0.02, 0.12))
            roll = rng.random()
            if roll < 0.7:  # Ctrl-C in an interrupted kernel
                os.kill(rng.choice(list(kernels.values())).pid, signal.SIGINT)
            elif roll < 0.85:  # a kernel killed mid-write, then started again
                if victims:
                    os.kill(victims.pop().pid, signal.SIGKILL)
                    killed += 1
                v = ctx.Process(target=_writer, args=(path, f"v{killed}", acks, stop))
                v.start()
                victims.append(v)
        stop.set()
        for p in [*steady, *victims]:
            p.join(60)
        for v in victims:
            if v.exitcode is None:
                v.kill()
        for _ in kernels:
            requests.put("prove it")
        proofs = sorted(answers.get(timeout=60) for _ in kernels)
    finally:
        stop.set()
        for p in [*steady, *victims, *kernels.values()]:
            if p.is_alive():
                p.kill()
            p.join(10)
    found = open(errors).read() if os.path.exists(errors) else ""
    assert not found, found[:3000]
    assert proofs == [(k, "works") for k in sorted(kernels)]
    acked = set(open(acks).read().split())
    assert killed >= 3 and len(acked) > 50, (killed, len(acked))
    after = Cloud(Emulator(path, clock="instant", quota_cores=100_000))  # the file opens
    present = {g.name for g in after.aci.container_groups.list()}
    assert acked <= present, f"lost: {sorted(acked - present)[:10]}"
    assert {f"{k}-final" for k in kernels} <= present
    after.aci.container_groups.begin_create_or_update(RG, "afterwards", group()).result()
    # The cores the quota counts, kept by the store, survived every kill -9 and Ctrl-C.
    with after.emu._store.tx(write=False) as tx:
        kept = tx.cores_in_use(LOC)
        summed = tx.c.execute("SELECT round(SUM(cores), 6) FROM container_groups "
                              "WHERE location=? AND active=1", (LOC,)).fetchone()[0]
    assert kept == summed > 0
