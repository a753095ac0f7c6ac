"""The realtime clock's speed-up (ACI_EMULATOR_SPEED / Emulator(speed=)): the same cloud,
the same order of states, ``speed`` times sooner; processes sharing a file agree on the
time. A fake wall clock replaces the real one, so no test waits."""

from __future__ import annotations

import math

import pytest

from aci_helpers import connect
from aci_helpers.emulator import Emulator
from aci_helpers.emulator import clock as clock_module
from aci_helpers.errors import ConfigurationError
from aci_helpers.session import load_settings

from .conftest import LOC, RG, Cloud, task

START = 1_900_000_000.0  # a wall-clock moment (2030), far from any real one


class FakeWall:
    """The wall clock the realtime clock reads; ``sleep`` moves it and records the call."""

    def __init__(self) -> None:
        self.t = START
        self.slept: list[float] = []

    def time(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


@pytest.fixture
def wall(monkeypatch) -> FakeWall:
    fake = FakeWall()
    monkeypatch.setattr(clock_module, "time", fake)
    return fake


JOB = "echo one; sleep 4; echo two; sleep 4; echo three"


def _timeline(speed: float, wall: FakeWall, moments: list[float]) -> list[tuple]:
    """Create a task, then look at it at each moment (virtual seconds after the create)."""
    wall.t = START
    c = Cloud(Emulator(None, clock="realtime", speed=speed))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    st, _, _ = c.raw("PUT", c.cg_path("t1"),
                     c.aci.container_groups._serialize.body(task(JOB), "ContainerGroup"))
    assert st == 201
    seen = []
    for moment in moments:
        wall.t = START + moment / speed
        g = c.aci.container_groups.get(RG, "t1")
        iv = g.containers[0].instance_view
        seen.append((g.provisioning_state, g.instance_view.state,
                     iv.current_state.state if iv and iv.current_state else None,
                     tuple(e.name for e in (iv.events if iv else [])),
                     c.aci.containers.list_logs(RG, "t1", "c1").content))
    return seen


def test_same_states_in_the_same_order_ten_times_sooner(wall):
    # away from the lifecycle's boundaries, where rounding could tip either way
    moments = [0.3, 0.7, 1.3, 2.2, 3.1, 4.7, 6.2, 8.9, 11.3, 13.7, 30.1]
    at_pace = _timeline(1, wall, moments)
    fast = _timeline(10, wall, moments)
    assert fast == at_pace
    states = [s[1] for s in at_pace]
    assert states[0] == "Pending" and "Running" in states and states[-1] == "Succeeded"
    assert at_pace[-1][-1] == "one\ntwo\nthree\n"


def test_virtual_time_runs_speed_times_faster(wall):
    c = Cloud(Emulator(None, clock="realtime", speed=10))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})   # a write anchors the clock
    first = c.emu._app.clock
    with c.emu._store.tx(write=False) as tx:
        t0 = first.now(tx)
    wall.t += 3
    with c.emu._store.tx(write=False) as tx:
        assert first.now(tx) == pytest.approx(t0 + 30)


def test_the_transport_and_the_sdk_poller_sleep_speed_times_less(wall):
    c = Cloud(Emulator(None, clock="realtime", speed=10))
    c.transport.sleep(1)
    assert wall.slept == [pytest.approx(0.1)]
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    wall.slept.clear()
    c.aci.container_groups.begin_create_or_update(RG, "t1", task("echo hi")).result()
    # Retry-After: 1 (virtual second) from the emulator, slept as 0.1 s of wall clock
    assert wall.slept and wall.slept == pytest.approx([0.1] * len(wall.slept))


def test_processes_sharing_a_file_agree_on_the_time(wall, tmp_path):
    path = tmp_path / "state.db"
    a = Cloud(Emulator(path, clock="realtime", speed=10))
    a.res.resource_groups.create_or_update(RG, {"location": LOC})
    wall.t += 2
    b = Cloud(Emulator(path, clock="realtime", speed=10))   # started later, same factor
    a.aci.container_groups.begin_create_or_update(RG, "t1", task(JOB)).result()
    wall.t += 0.5
    seen_a = a.aci.container_groups.get(RG, "t1")
    seen_b = b.aci.container_groups.get(RG, "t1")
    assert seen_a.as_dict() == seen_b.as_dict()
    assert a.raw("GET", a.cg_path("t1"))[1]["Date"] == b.raw("GET", b.cg_path("t1"))[1]["Date"]


def test_another_speed_on_the_same_file_never_goes_back(wall, tmp_path):
    path = tmp_path / "state.db"
    fast = Cloud(Emulator(path, clock="realtime", speed=10))
    fast.res.resource_groups.create_or_update(RG, {"location": LOC})
    fast.aci.container_groups.begin_create_or_update(RG, "t1", task(JOB)).result()
    wall.t += 1                                     # 10 virtual seconds: the job is done
    assert fast.aci.container_groups.get(RG, "t1").instance_view.state == "Succeeded"
    slow = Cloud(Emulator(path, clock="realtime"))  # speed 1 opens the sped-up file
    assert slow.aci.container_groups.get(RG, "t1").instance_view.state == "Succeeded"
    slow.res.resource_groups.create_or_update("rg2", {"location": LOC})   # re-anchors at 1x
    with slow.emu._store.tx(write=False) as tx:
        t0 = slow.emu._app.clock.now(tx)
    wall.t += 1
    with slow.emu._store.tx(write=False) as tx:
        assert slow.emu._app.clock.now(tx) == pytest.approx(t0 + 1)
    assert slow.aci.container_groups.get(RG, "t1").instance_view.state == "Succeeded"


def test_speed_one_is_the_wall_clock(wall):
    c = Cloud(Emulator(None, clock="realtime"))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    with c.emu._store.tx(write=False) as tx:
        assert c.emu._app.clock.now(tx) == START
        assert tx.meta(clock_module.ANCHOR_KEY) is None


def test_reset_drops_the_anchor(wall):
    emu = Emulator(None, clock="realtime", speed=10)
    c = Cloud(emu)
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    emu.reset()
    with emu._store.tx(write=False) as tx:
        assert tx.meta(clock_module.ANCHOR_KEY) is None


@pytest.mark.parametrize("speed", [0.5, 0, -2, math.inf, math.nan, "10", True, None])
def test_bad_speed_is_a_clear_error(speed):
    with pytest.raises(ValueError, match="speed must be a number >= 1"):
        Emulator(None, clock="realtime", speed=speed)


def test_speed_is_for_the_realtime_clock_only():
    with pytest.raises(ValueError, match="realtime clock only"):
        Emulator(None, clock="instant", speed=10)
    assert Emulator(None, clock="instant", speed=1).speed == 1


def test_speed_shows_in_repr():
    assert "speed=2.5" in repr(Emulator(None, speed=2.5))
    assert "speed" not in repr(Emulator(None))


# ---- ACI_EMULATOR_SPEED ---------------------------------------------------------------

@pytest.fixture
def env(monkeypatch):
    for var in ("ACI_BACKEND", "ACI_EMULATOR_CLOCK", "ACI_EMULATOR_SPEED", "ACI_EMULATOR_STATE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ACI_EMULATOR_STATE", "memory")
    return monkeypatch


def test_speed_from_the_environment_reaches_the_emulator(env):
    assert load_settings().speed == 1
    env.setenv("ACI_EMULATOR_SPEED", "10")
    assert load_settings().speed == 10
    s = connect()
    assert s.emulator.speed == 10 and s.emulator.clock == "realtime"
    assert connect(speed=2).emulator.speed == 2      # an argument beats the environment


@pytest.mark.parametrize("value", ["fast", "0.5", "0", "-1", "inf", "nan"])
def test_bad_speed_variable_is_one_clear_error(env, value):
    env.setenv("ACI_EMULATOR_SPEED", value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert "ACI_EMULATOR_SPEED must be a number >= 1" in str(info.value)
    assert repr(value) in str(info.value) and "\n" not in str(info.value)


def test_speed_with_the_instant_clock_is_a_clear_error(env):
    env.setenv("ACI_EMULATOR_SPEED", "10")
    env.setenv("ACI_EMULATOR_CLOCK", "instant")
    with pytest.raises(ConfigurationError, match="realtime clock only.*ACI_EMULATOR_CLOCK=realtime"):
        connect()
    env.setenv("ACI_EMULATOR_SPEED", "1")
    assert connect().emulator.clock == "instant"
    env.setenv("ACI_EMULATOR_SPEED", "10")
    env.setenv("ACI_BACKEND", "azure")               # the emulator's clock does not apply
    assert load_settings().speed == 10
