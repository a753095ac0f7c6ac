"""exec and attach through the SDK (issue 18): ``execute_command`` answers a ``wss://`` URI
and a password on this kernel's endpoint; websocket-client (what the Azure CLI uses) runs
the command inside the container; attach streams what it prints from then on."""

from __future__ import annotations

import re
import socket
import time

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.containerinstance import models as m

from aci_helpers.emulator import Emulator

from .conftest import LOC, RG, Cloud, container, group, task

websocket = pytest.importorskip("websocket")
from wsclient import read_to_close, read_until  # noqa: E402 - after the skip

SECRET = "s3cr3t-only-inside"


@pytest.fixture
def cloud():
    c = Cloud(Emulator(None, clock="instant", seed=0, quota_cores=1000))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    yield c
    c.emu.close()


def web(name: str = "web") -> m.ContainerGroup:
    """aci-helloworld with a secure variable and an emptyDir its main process writes to."""
    env = [m.EnvironmentVariable(name="MODE", value="demo"),
           m.EnvironmentVariable(name="API_KEY", secure_value=SECRET)]
    return group(container(
        name, env=env, volume_mounts=[m.VolumeMount(name="scratch", mount_path="/mnt/scratch")],
        image="alpine:latest",
        command=["/bin/sh", "-c", "echo written-by-main > /mnt/scratch/note; sleep infinity"]),
        volumes=[m.Volume(name="scratch", empty_dir={})])


def exec_request(command: str = "/bin/sh", rows: int = 24, cols: int = 80):
    return m.ContainerExecRequest(command=command, terminal_size=m.ContainerExecRequestTerminalSize(
        rows=rows, cols=cols))


def open_socket(c: Cloud, answer) -> "websocket.WebSocket":
    ws = websocket.create_connection(answer.web_socket_uri, sslopt={"ca_certs": c.emu.ca_file},
                                     timeout=10)
    ws.send(answer.password)
    return ws


def test_execute_command_answers_a_socket_on_this_machine(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", web("c1")).result()
    answer = cloud.aci.containers.execute_command(RG, "g1", "c1", exec_request(rows=30, cols=100))
    assert re.fullmatch(r"wss://127\.0\.0\.1:\d+/execstream/sessionId/[0-9a-f-]{36}"
                        r"\?api-version=1\.0&rows=30&cols=100", answer.web_socket_uri)
    assert answer.password.endswith("[[EOM]]")
    ws = open_socket(cloud, answer)
    assert read_until(ws, b"/ # ") == b"/ # "
    ws.send_binary(b"echo $API_KEY $MODE; cat /mnt/scratch/note; stty size\r")
    out = read_until(ws, b"/ # ").decode()
    assert f"{SECRET} demo\r\nwritten-by-main\r\n30 100\r\n" in out
    ws.send_binary(b"exit\r")
    assert read_to_close(ws)[1] == 1000


def test_the_sdk_own_test_exec_step_passes(cloud):
    """azure-sdk-for-python, azure-mgmt-containerinstance
    tests/disable_test_mgmt_containerinstance.py @4cb287df: its group, then its exec step
    with its assertions unchanged. (Its call is the SDK of its day's,
    ``client.container.execute_command(rg, group, container, command, terminal_size)``; SDK
    10.1 takes the same values as a ContainerExecRequest.)"""
    name = "pycontainer1"
    cloud.aci.container_groups.begin_create_or_update(RG, name, {
        "identity": {"type": "SystemAssigned"},
        "location": LOC,
        "containers": [{
            "name": name, "image": "alpine:latest",
            "resources": {"requests": {"memory_in_gb": 1, "cpu": 1}},
            "volume_mounts": [m.VolumeMount(name="empty-volume", mount_path="/mnt/mydir")],
            "liveness_probe": {"exec": {"command": ["cat" "/tmp/healthy"]}, "periodSeconds": 5},
        }],
        "os_type": "Linux", "restart_policy": "OnFailure",
        "diagnostics": {"log_analytics": {"workspace_id": "workspaceId",
                                          "workspace_key": "workspaceKey"}},
        "volumes": [m.Volume(name="empty-volume", empty_dir={})],
    }).result()
    container_group = cloud.aci.container_groups.get(RG, name)
    # Testing Container_Execute_Command
    terminal_size = {"rows": 24, "cols": 80}
    command = "/bin/bash"
    containerExecResponse = cloud.aci.containers.execute_command(  # the test's own name
        RG, container_group.name, container_group.containers[0].name,
        m.ContainerExecRequest(command=command, terminal_size=terminal_size))
    assert containerExecResponse.web_socket_uri is not None
    assert containerExecResponse.password is not None


def test_the_one_program_rule_and_its_way_out(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", web("c1")).result()
    refused = cloud.aci.containers.execute_command(RG, "g1", "c1", exec_request("ls /mnt/scratch"))
    out, code = read_to_close(open_socket(cloud, refused))
    assert b'exec: \\"ls /mnt/scratch\\": stat ls /mnt/scratch: no such file or directory' in out
    assert code == 1000
    ws = open_socket(cloud, cloud.aci.containers.execute_command(RG, "g1", "c1", exec_request()))
    read_until(ws, b"/ # ")
    ws.send_binary(b"ls /mnt/scratch\r")
    assert read_until(ws, b"/ # ") == b"ls /mnt/scratch\r\nnote\r\n/ # "
    ws.close()


@pytest.mark.parametrize("how", ["terminated", "stopped"])
def test_exec_where_nothing_runs_is_answered_then_closed(cloud, how):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", task("echo done")).result()
    if how == "stopped":
        cloud.aci.container_groups.stop(RG, "g1")
    answer = cloud.aci.containers.execute_command(RG, "g1", "c1", exec_request())
    assert answer.web_socket_uri and answer.password      # 200, as ACI answers (ev:pub-exec)
    out, code = read_to_close(open_socket(cloud, answer))
    assert out.startswith(b"[aci-emulator] ") and code == 1000
    assert (b"Terminated" if how == "terminated" else b"Stopped") in out


def test_a_missing_container_is_404_and_bad_bodies_400(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", web("c1")).result()
    with pytest.raises(ResourceNotFoundError):
        cloud.aci.containers.execute_command(RG, "g1", "nope", exec_request())
    with pytest.raises(ResourceNotFoundError):
        cloud.aci.containers.attach(RG, "g1", "nope")
    path = cloud.cg_path("g1") + "/containers/c1/exec"
    for body in ({"command": 5}, {"command": "sh", "terminalSize": {"rows": 0, "cols": 80}},
                 {"command": "sh", "terminalSize": {"rows": 24, "cols": "80"}}, [1]):
        status, _, err = cloud.raw("POST", path, body)
        assert status == 400 and err["error"]["code"] == "InvalidRequestContent", body
    status, _, ok = cloud.raw("POST", path, {"command": "/bin/sh"})   # the size defaults
    assert status == 200 and "rows=24&cols=80" in ok["webSocketUri"]


def test_what_an_exec_wrote_the_next_exec_finds_even_in_another_kernel(tmp_path):
    path = str(tmp_path / "cloud.db")
    a, b = Cloud(Emulator(path, clock="instant")), Cloud(Emulator(path, clock="instant"))
    try:
        a.res.resource_groups.create_or_update(RG, {"location": LOC})
        a.aci.container_groups.begin_create_or_update(RG, "g1", web("c1")).result()
        ws = open_socket(a, a.aci.containers.execute_command(RG, "g1", "c1", exec_request()))
        read_until(ws, b"/ # ")
        ws.send_binary(b"echo from-a > /tmp/mine; echo shared >> /mnt/scratch/note\r")
        read_until(ws, b"/ # ")
        ws.close()
        ws = open_socket(b, b.aci.containers.execute_command(RG, "g1", "c1", exec_request()))
        read_until(ws, b"/ # ")
        ws.send_binary(b"cat /tmp/mine /mnt/scratch/note\r")
        assert b"from-a\r\nwritten-by-main\r\nshared\r\n/ # " in read_until(ws, b"/ # ")
        ws.close()
        # a restart is a new run: a fresh container, nothing kept
        b.aci.container_groups.begin_restart(RG, "g1").result()
        ws = open_socket(b, b.aci.containers.execute_command(RG, "g1", "c1", exec_request()))
        read_until(ws, b"/ # ")
        ws.send_binary(b"cat /tmp/mine\r")
        assert b"No such file or directory" in read_until(ws, b"/ # ")
        ws.close()
    finally:
        a.emu.close()
        b.emu.close()


def test_attach_streams_from_now_on_including_a_restart():
    c = Cloud(Emulator(None, clock="realtime", speed=20))
    try:
        c.res.resource_groups.create_or_update(RG, {"location": LOC})
        c.aci.container_groups.begin_create_or_update(
            RG, "g1", task("echo boot; sleep 20; echo crash; exit 1", restart="OnFailure")).result()
        while c.aci.container_groups.get(RG, "g1").containers[0].instance_view is None or \
                c.aci.container_groups.get(RG, "g1").containers[0].instance_view.current_state \
                .state != "Running":
            time.sleep(0.05)
        time.sleep(0.1)      # "boot" is printed: attach shows what comes after
        answer = c.aci.containers.attach(RG, "g1", "c1")
        assert re.fullmatch(r"wss://127\.0\.0\.1:\d+/logstream/sessionId/[0-9a-f-]{36}"
                            r"\?api-version=1\.0", answer.web_socket_uri)
        ws = websocket.create_connection(answer.web_socket_uri,
                                         sslopt={"ca_certs": c.emu.ca_file}, timeout=20,
                                         header=[f"Authorization: {answer.password}"])
        out = read_until(ws, b"crash\nboot\n")   # then the restart's first line
        assert out == b"crash\nboot\n"
        ws.close()
    finally:
        c.emu.close()


def test_the_endpoint_starts_at_the_first_exec_and_stops_with_close():
    emu = Emulator(None, clock="instant")
    c = Cloud(emu)
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    assert emu._sockets is None          # nothing listens before the first exec
    c.aci.container_groups.begin_create_or_update(RG, "g1", web("c1")).result()
    port = int(re.search(r":(\d+)/", c.aci.containers.execute_command(
        RG, "g1", "c1", exec_request()).web_socket_uri).group(1))
    c.aci.containers.execute_command(RG, "g1", "c1", exec_request())
    emu.close()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_no_secure_value_in_any_answer(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", web("c1")).result()
    cloud.aci.containers.execute_command(RG, "g1", "c1", exec_request())
    cloud.aci.containers.attach(RG, "g1", "c1")
    assert not [b for b in cloud.bodies() if SECRET.encode() in (b or b"")]
