"""Fixtures for the aci_helpers tests: a private emulator per test, a network guard."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture
def s(monkeypatch):
    """A session on a fresh in-memory emulator with the instant clock and seed 0."""
    from aci_helpers import connect
    from aci_helpers.names import reset_names

    monkeypatch.setenv("TQDM_DISABLE", "1")
    reset_names()
    session = connect("emulator", state="memory", clock="instant", seed=0)
    yield session
    session.close()


@pytest.fixture
def no_network(monkeypatch):
    """Fail any attempt to open a socket: proves that building credentials and clients is lazy."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


@pytest.fixture
def clean_env(monkeypatch):
    """No ACI_*/AZURE_* variables from the caller's environment."""
    import os

    for var in list(os.environ):
        if var.startswith(("ACI_", "AZURE_")):
            monkeypatch.delenv(var, raising=False)
    yield monkeypatch
