"""The local cloud: the emulator served over HTTPS (fixtures shared by its tests)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aci_helpers.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
TENANT = "00000000-0000-0000-0000-0000000ac1e1"
SECRET = "s3cret-the-log-must-never-show"   # a client secret the server must not log


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Emulator, object]]:
    """An emulator on a state file in ``tmp_path``, served in this process's thread."""
    emu = Emulator(tmp_path / "cloud.db", clock="instant")
    srv = emu.server().start()
    try:
        yield emu, srv
    finally:
        srv.stop()
        emu.close()


def credential(srv: object, **kwargs: object):
    """What a real client signs in with: azure-identity against the local authority."""
    from azure.identity import ClientSecretCredential

    return ClientSecretCredential(TENANT, "any-client-id", SECRET, authority=srv.url,
                                  disable_instance_discovery=True,
                                  connection_verify=srv.ca_file, **kwargs)


def clients(emu: Emulator, srv: object):
    """The two SDK clients of the notebooks, over HTTPS to the local cloud."""
    from azure.mgmt.containerinstance import ContainerInstanceManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient

    cred = credential(srv)
    return (ContainerInstanceManagementClient(cred, emu.subscription_id, **srv.client_kwargs()),
            ResourceManagementClient(cred, emu.subscription_id, **srv.client_kwargs()))


def cli_env(state: Path, **extra: str) -> dict[str, str]:
    """The environment of an ``aci-tutorial`` subprocess on ``state``."""
    env = dict(os.environ, ACI_EMULATOR_STATE=str(state), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class ServeProcess:
    """``aci-tutorial serve`` in a subprocess: its URL, its output, stopped at the end."""

    def __init__(self, state: Path, *args: str, **env: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aci_helpers.trainer", "serve", *args],
            env=cli_env(state, **env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, cwd=ROOT)
        self.lines: list[str] = []
        self.url = None
        deadline = time.monotonic() + 30
        while self.url is None:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("serve ended before printing its URL:\n" + "".join(self.lines))
            self.lines.append(line)
            if line.startswith("Serving the emulator's cloud at "):
                self.url = line.split(" at ", 1)[1].strip()
            if time.monotonic() > deadline:
                raise AssertionError("serve printed no URL within 30 s")

    def output(self) -> str:
        """Everything it printed (after it ended)."""
        rest = self.proc.stdout.read() if self.proc.stdout else ""
        return "".join(self.lines) + rest

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[type]:
    """Start ``aci-tutorial serve`` subprocesses; each is stopped at the end of the test."""
    started: list[ServeProcess] = []

    def start(*args: str, state: Path | None = None, **env: str) -> ServeProcess:
        p = ServeProcess(state or tmp_path / "cloud.db", *args, **env)
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()
