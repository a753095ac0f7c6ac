"""A container's program is launched (its image's script interpreted) when first needed,
never at the write that creates it, and never inside the state's write lock; the answers
are the same (the committed notebooks, compared byte for byte by nbval, are the proof)."""

from __future__ import annotations

import threading

import pytest

from aci_helpers.emulator import Emulator, runtime
from aci_helpers.emulator.store import Store

from .conftest import LOC, RG, Cloud, task


class Launches(list):
    """(image, whether the launching thread held a write transaction) of every launch."""


@pytest.fixture
def launches(monkeypatch) -> Launches:
    """Every launch of a container's program from now on, and whether the thread that
    launched it was inside a write transaction of the store at that moment (the SDK's
    poller threads write meanwhile: only the launching thread's own transaction counts)."""
    seen = Launches()
    real_launch, real_tx = runtime.launch, Store.tx
    writing = threading.local()

    class Tracked:
        def __init__(self, inner, write: bool) -> None:
            self.inner, self.write = inner, write

        def __enter__(self):
            tx = self.inner.__enter__()
            writing.now = self.write
            return tx

        def __exit__(self, *exc):
            writing.now = False
            return self.inner.__exit__(*exc)

    def launch(info, *args, **kwargs):
        seen.append((info.reference, getattr(writing, "now", False)))
        return real_launch(info, *args, **kwargs)

    monkeypatch.setattr(runtime, "launch", launch)
    monkeypatch.setattr(Store, "tx", lambda self, write: Tracked(real_tx(self, write), write))
    return seen


def _cloud(path=None, clock="instant") -> Cloud:
    c = Cloud(Emulator(path, clock=clock, seed=0, speed=1 if clock == "instant" else 20))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    return c


def test_a_create_answers_without_launching_and_the_next_request_settles_it(launches):
    c = _cloud()
    status, _, body = c.raw("PUT", c.cg_path("t1"), c.aci.container_groups._serialize.body(
        task("echo hello; sleep 5"), "ContainerGroup"))
    assert status == 201 and body["properties"]["provisioningState"] == "Pending"
    assert launches == []
    got = c.aci.container_groups.get(RG, "t1")  # the instant clock lets everything happen
    assert len(launches) == 1
    assert got.instance_view.state == "Succeeded"
    assert got.containers[0].instance_view.current_state.exit_code == 0
    assert c.aci.containers.list_logs(RG, "t1", "c1").content == "hello\n"
    assert len(launches) == 1  # launched once per run, whatever asks


def test_launches_happen_outside_the_write_lock(tmp_path, launches):
    c = _cloud(tmp_path / "state.db")
    c.aci.container_groups.begin_create_or_update(RG, "t1", task("echo one")).result()
    # PUT after PUT (no poll between): the second write launches the first group from a
    # snapshot before it takes the lock.
    c.aci.container_groups.begin_create_or_update(RG, "t2", task("echo two"))
    c.aci.container_groups.begin_create_or_update(RG, "t3", task("echo three"))
    c.aci.container_groups.get(RG, "t3")
    c.aci.container_groups.begin_restart(RG, "t1").result()
    c.aci.container_groups.get(RG, "t1")
    assert len(launches) == 4 and not any(locked for _, locked in launches), launches


def test_another_kernel_settles_what_this_one_created(tmp_path):
    """The settle time of a group one process created, not yet launched anywhere, is found
    by whichever process asks next (the instant clock then moves to it)."""
    path = tmp_path / "state.db"
    a, b = _cloud(path), Cloud(Emulator(path, clock="instant", seed=0))
    status, _, _ = a.raw("PUT", a.cg_path("t1"), a.aci.container_groups._serialize.body(
        task("echo hello; sleep 30"), "ContainerGroup"))
    assert status == 201
    got = b.aci.container_groups.get(RG, "t1")
    assert got.instance_view.state == "Succeeded"
    assert b.aci.containers.list_logs(RG, "t1", "c1").content == "hello\n"
    assert a.aci.container_groups.get(RG, "t1").instance_view.state == "Succeeded"


def test_a_realtime_kernels_groups_settle_when_an_instant_one_opens_the_file(tmp_path):
    path = tmp_path / "state.db"
    a = _cloud(path, clock="realtime")
    a.aci.container_groups.begin_create_or_update(RG, "t1", task("echo hello")).result()
    a.emu.close()
    b = Cloud(Emulator(path, clock="instant", seed=0))
    assert b.aci.container_groups.get(RG, "t1").instance_view.state == "Succeeded"
    with b.emu._store.tx(write=False) as tx:
        assert tx.unsettled() == []
