"""Fixtures: an instant-clock emulator and the real, unmodified SDK clients on it."""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
from typing import Callable, Iterator

import pytest
from azure.core.rest import HttpRequest
from azure.mgmt.containerinstance import ContainerInstanceManagementClient
from azure.mgmt.containerinstance import models as m
from azure.mgmt.resource.resources import ResourceManagementClient

from aci_helpers.emulator import Emulator

BASE = "https://management.azure.com"
RG = "rg1"
LOC = "westus"


class Cloud:
    """An emulator, a recording transport and the two SDK clients sharing it."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.sub = emu.subscription_id
        self.transport = emu.transport(record=True)
        self.aci = ContainerInstanceManagementClient(emu.credential(), self.sub,
                                                     transport=self.transport)
        self.res = ResourceManagementClient(emu.credential(), self.sub, transport=self.transport)

    def raw(self, method: str, path: str, body=None, *, api: str | None = "2023-05-01",
            auth: bool = True, headers: dict | None = None, base: str = BASE):
        """Send one raw request through the transport; returns (status, headers, json|None)."""
        url = base + path
        if api is not None:
            url += ("&" if "?" in url else "?") + f"api-version={api}"
        h = {"Authorization": "Bearer t"} if auth else {}
        h.update(headers or {})
        content = None
        if body is not None:
            content = body if isinstance(body, (bytes, str)) else json.dumps(body)
            h["Content-Type"] = "application/json"
        resp = self.transport.send(HttpRequest(method, url, headers=h, content=content))
        data = resp.read()
        return resp.status_code, resp.headers, (json.loads(data) if data else None)

    def cg_path(self, name: str, rg: str = RG) -> str:
        return (f"/subscriptions/{self.sub}/resourceGroups/{rg}/providers/"
                f"Microsoft.ContainerInstance/containerGroups/{name}")

    def bodies(self) -> list[bytes]:
        return [x.response_body for x in self.transport.exchanges]


@pytest.fixture
def cloud() -> Cloud:
    c = Cloud(Emulator(None, clock="instant", seed=0, quota_cores=1000))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    return c


def container(name: str = "c1", image: str = "mcr.microsoft.com/azuredocs/aci-helloworld",
              cpu: float = 1.0, mem: float = 1.5, command=None, ports=None, env=None,
              **kw) -> m.Container:
    return m.Container(name=name, image=image, command=command,
                       resources=m.ResourceRequirements(
                           requests=m.ResourceRequests(cpu=cpu, memory_in_gb=mem)),
                       ports=ports, environment_variables=env, **kw)


def group(*containers: m.Container, restart: str | None = None, ip=None, **kw) -> m.ContainerGroup:
    return m.ContainerGroup(location=LOC, os_type="Linux", restart_policy=restart,
                            containers=list(containers) or [container()], ip_address=ip, **kw)


def task(command: str, restart: str = "Never", **kw) -> m.ContainerGroup:
    return group(container(image="alpine:latest", command=["/bin/sh", "-c", command]),
                 restart=restart, **kw)


@contextlib.contextmanager
def another_process(target: Callable, path: str) -> Iterator[mp.Process]:
    """Run ``target(path, ready, release)`` in a spawned process (another kernel) until the
    block ends; the block starts once it has set ``ready`` (what it holds, it holds now)."""
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=target, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(60), f"{target.__name__} did not get ready within 60 s"
        yield holder
    finally:
        release.set()
        holder.join(30)
