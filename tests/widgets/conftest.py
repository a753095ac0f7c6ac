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
