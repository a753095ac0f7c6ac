"""Fixtures for the explorer's headless tests: a private emulator per test."""

from __future__ import annotations

import pytest


@pytest.fixture
def s(monkeypatch):
    """A session on a fresh in-memory emulator (instant clock, seed 0) with its resource group."""
    from aci_helpers import connect, ensure_resource_group
    from aci_helpers.names import reset_names

    monkeypatch.setenv("TQDM_DISABLE", "1")
    reset_names()
    session = connect("emulator", state="memory", clock="instant", seed=0)
    ensure_resource_group(session)
    yield session
    session.close()


@pytest.fixture
def make_group(s):
    """Create a group through the SDK (not the explorer): ``make_group("web", kind="web")``."""
    from aci_helpers.builders import multi_container_group, single_container_group, task_container_group

    def make(name: str, kind: str = "web", resource_group: str | None = None, **kwargs):
        build = {"web": single_container_group, "multi": multi_container_group,
                 "task": task_container_group}[kind]
        rg = resource_group or s.resource_group
        if resource_group:
            s.resources.resource_groups.create_or_update(rg, {"location": s.location})
        return s.aci.container_groups.begin_create_or_update(
            rg, name, build(name, s.location, **kwargs)).result()

    return make


@pytest.fixture
def ex(s):
    """The explorer, built headless (no kernel: the Explorer class directly)."""
    from aci_helpers.widgets import Explorer

    widget = Explorer(s)
    yield widget
    widget.close()


@pytest.fixture
def volumes_group(s):
    """``volumes_group(name)``: a task group with the four kinds of volumes, through the SDK."""

    def make(name: str):
        import base64

        from azure.mgmt.containerinstance import models as m

        from aci_helpers.builders import task_container_group

        g = task_container_group(name, s.location, command=["/bin/sh", "-c", "ls /mnt"], env={})
        g.containers[0].volume_mounts = [
            m.VolumeMount(name="scratch", mount_path="/mnt/scratch"),
            m.VolumeMount(name="creds", mount_path="/mnt/creds"),
            m.VolumeMount(name="results", mount_path="/mnt/results", read_only=True),
            m.VolumeMount(name="code", mount_path="/mnt/code")]
        g.volumes = [
            m.Volume(name="scratch", empty_dir={}),
            m.Volume(name="creds", secret={"token": base64.b64encode(b"tok-123-secret").decode()}),
            m.Volume(name="results", azure_file=m.AzureFileVolume(
                share_name="results", storage_account_name="acistore",
                storage_account_key="a2V5LXZhbHVlLXNlY3JldA==")),
            m.Volume(name="code", git_repo=m.GitRepoVolume(
                repository="https://me:pat-secret-99@github.com/me/private", directory="."))]
        return s.aci.container_groups.begin_create_or_update(s.resource_group, name, g).result()

    return make
