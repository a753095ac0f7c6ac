"""The ``.aio`` clients on the emulator's AsyncHttpTransport: same state, clock and faults as
the sync clients; the event loop keeps running while the store works."""

from __future__ import annotations

import asyncio
import threading

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerinstance import models as m
from azure.mgmt.containerinstance.aio import ContainerInstanceManagementClient as AioAci
from azure.mgmt.resource.resources.aio import ResourceManagementClient as AioResources

from aci_helpers.emulator import Emulator
from aci_helpers.emulator import assumptions as A

from .conftest import LOC, RG, container, group


def _aio(emu: Emulator, api: str | None = None, record: bool = False):
    kw = {"api_version": api} if api else {}
    t = emu.async_transport(record=record)
    return (AioAci(emu.async_credential(), emu.subscription_id, transport=t, **kw),
            AioResources(emu.async_credential(), emu.subscription_id, transport=t), t)


@pytest.mark.parametrize("api", A.ACI_API_VERSIONS)
def test_aio_clients_run_the_tutorial_flow_in_every_version(api):
    emu = Emulator(None, clock="instant", seed=0)

    async def flow():
        aci, res, t = _aio(emu, api, record=True)
        async with aci, res:
            await res.resource_groups.create_or_update(RG, {"location": LOC})
            poller = await aci.container_groups.begin_create_or_update(RG, "g", group())
            assert (await poller.result()).provisioning_state == "Succeeded"
            got = await aci.container_groups.get(RG, "g")
            assert got.containers[0].instance_view.current_state.state == "Running"
            logs = await aci.containers.list_logs(RG, "g", "c1")
            assert logs.content.startswith("listening on port 80")
            assert [g.name async for g in aci.container_groups.list()] == ["g"]
            await (await aci.container_groups.begin_delete(RG, "g")).result()
            assert [g.name async for g in aci.container_groups.list()] == []
        return t.exchanges

    exchanges = asyncio.run(flow())
    assert {x.url.split("api-version=")[1].split("&")[0] for x in exchanges
            if "/containerGroups/" in x.url} == {api}


def test_sync_and_async_clients_share_state_clock_and_faults(cloud):
    """A group the sync client made is read by the async one; an injected fault answers the
    async client too; the instant clock is the one clock of the cloud."""
    cloud.aci.container_groups.begin_create_or_update(RG, "sync", group()).result()
    cloud.emu.inject_fault("GET", r"/containerGroups/sync$", status=409,
                           code="ServiceUnavailable", times=1)

    async def read():
        aci, res, _ = _aio(cloud.emu)
        async with aci, res:
            with pytest.raises(HttpResponseError) as e:
                await aci.container_groups.get(RG, "sync")
            assert e.value.error.code == "ServiceUnavailable"
            got = await aci.container_groups.get(RG, "sync")
            poller = await aci.container_groups.begin_create_or_update(
                RG, "async", group(container(name="c2")))
            await poller.result()
            return got

    got = asyncio.run(read())
    assert got.instance_view.state == "Running"
    assert cloud.aci.container_groups.get(RG, "async").provisioning_state == "Succeeded"


def test_requests_are_answered_off_the_event_loop_thread(cloud, monkeypatch):
    """The store is synchronous: the async transport hands each request to a worker thread,
    so other coroutines keep running while it works."""
    seen: list[int] = []
    handle = cloud.emu._app.handle

    def spy(*a, **kw):
        seen.append(threading.get_ident())
        return handle(*a, **kw)

    monkeypatch.setattr(cloud.emu._app, "handle", spy)
    ticks: list[int] = []

    async def main():
        loop_thread = threading.get_ident()

        async def ticker():
            for i in range(50):
                ticks.append(i)
                await asyncio.sleep(0)

        aci, res, _ = _aio(cloud.emu)
        async with aci, res:
            await asyncio.gather(ticker(), aci.container_groups.begin_create_or_update(
                RG, "g", group()))
        return loop_thread

    loop_thread = asyncio.run(main())
    assert seen and loop_thread not in seen
    assert ticks == list(range(50))


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    """Every asyncio.sleep of this test's thread, recorded instead of waited (each yields
    to the event loop once). asyncio.sleep is patched for the whole process: another
    thread's event loop (a socket server an earlier test on this worker left running)
    sleeps as it would, unrecorded."""
    seconds_slept: list[float] = []
    real_sleep = asyncio.sleep
    this_thread = threading.get_ident()

    async def fake_sleep(seconds, *a, **kw):
        if threading.get_ident() != this_thread:
            return await real_sleep(seconds, *a, **kw)
        seconds_slept.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    return seconds_slept


def test_async_sleep_follows_the_emulator_clock(slept):
    for clock, seconds in (("instant", 30), ("realtime", 1.5)):
        emu = Emulator(None, clock=clock)
        try:
            asyncio.run(emu.async_transport().sleep(seconds))
        finally:
            emu.close()
        # virtual time: no waiting at all on the instant clock
        assert slept == ([] if clock == "instant" else [1.5])


def test_aio_poller_on_the_instant_clock_never_waits(slept):
    """The LRO poller sleeps through the transport: on the instant clock a create + wait
    does not call asyncio.sleep for its polling interval."""
    emu = Emulator(None, clock="instant")

    async def create():
        aci, res, _ = _aio(emu)
        async with aci, res:
            await res.resource_groups.create_or_update(RG, {"location": LOC})
            p = await aci.container_groups.begin_create_or_update(
                RG, "g", group(restart="Never", ip=None))
            return await p.result()

    try:
        assert asyncio.run(create()).provisioning_state == "Succeeded"
    finally:
        emu.close()
    assert [s for s in slept if s] == []  # (a zero only yields to the loop)


def test_aio_model_flows_through_the_same_validation(cloud):
    async def bad():
        aci, res, _ = _aio(cloud.emu)
        async with aci, res:
            g = group(container(cpu=9.0))
            with pytest.raises(HttpResponseError) as e:
                await aci.container_groups.begin_create_or_update(RG, "big", g)
            return e.value.error.code

    assert asyncio.run(bad()) == "ServiceUnavailable"
    assert m.ContainerGroup  # the sync models serve the aio clients too
