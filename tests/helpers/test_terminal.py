"""aci_helpers.terminal.exec_command: a command run inside a running container over exec's
WebSocket (issue 18; notebook 12 builds on it). It returns the output, never the password,
and says clearly when there is nothing to exec into."""

from __future__ import annotations

import pytest
from azure.mgmt.containerinstance import models as m

from aci_helpers import ensure_resource_group
from aci_helpers.errors import WaitTimeout
from aci_helpers.terminal import ExecError, exec_command

pytest.importorskip("websocket")

SECRET = "s3cr3t-api-key"


@pytest.fixture
def web(s):
    """A running group: alpine whose main process writes a file, with a secure variable."""
    ensure_resource_group(s)
    s.aci.container_groups.begin_create_or_update(s.resource_group, "inside", m.ContainerGroup(
        location=s.location, os_type="Linux", restart_policy="Always", containers=[m.Container(
            name="app", image="alpine",
            command=["/bin/sh", "-c", "echo ready > /tmp/state; sleep infinity"],
            environment_variables=[m.EnvironmentVariable(name="API_KEY", secure_value=SECRET)],
            resources=m.ResourceRequirements(requests=m.ResourceRequests(cpu=1, memory_in_gb=1)))]
    )).result()
    yield s
    s.emulator.close()   # the kernel's exec endpoint, started by the first exec


def test_it_returns_what_the_command_printed(web):
    out = exec_command(web, "inside", "app", "cat /tmp/state; echo $API_KEY | wc -c")
    assert out == "ready\n15\n"
    assert exec_command(web, "inside", None, "ls /tmp") == "state\n"   # the only container


def test_arguments_pipes_and_a_failing_command(web):
    assert exec_command(web, "inside", "app", "echo a b | wc -w") == "2\n"
    assert exec_command(web, "inside", "app", "cat /nope") == \
        "cat: can't open '/nope': No such file or directory\n"


def test_the_password_never_leaves_it(web, monkeypatch):
    import websocket

    seen = []
    real = websocket.WebSocket.send

    def spy(self, payload, *args, **kwargs):
        if isinstance(payload, str) and payload.endswith("[[EOM]]"):
            seen.append(payload)           # the password, sent first, as text
        return real(self, payload, *args, **kwargs)

    monkeypatch.setattr(websocket.WebSocket, "send", spy)
    out = exec_command(web, "inside", "app", "echo hi")
    assert out == "hi\n" and seen and seen[0] not in out
    with pytest.raises(ExecError) as err:
        exec_command(web, "inside", "app", "echo hi", shell="/bin/bash")   # alpine has none
    assert seen[-1] not in str(err.value) and "has no /bin/bash" in str(err.value)


def test_clear_errors_when_there_is_nothing_to_exec_into(web):
    with pytest.raises(ExecError, match="has no container 'nope'"):
        exec_command(web, "inside", "nope", "ls")
    with pytest.raises(ExecError, match="one line of text"):
        exec_command(web, "inside", "app", "")
    web.aci.container_groups.stop(web.resource_group, "inside")
    with pytest.raises(ExecError, match="is Stopped.*begin_start"):
        exec_command(web, "inside", "app", "ls")


def test_a_command_that_does_not_finish_times_out(web):
    with pytest.raises(WaitTimeout, match="within 1 s"):
        exec_command(web, "inside", "app", "sleep infinity", timeout=1)
