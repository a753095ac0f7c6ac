"""The exec and attach WebSockets (server/sockets.py), driven by websocket-client (what the
Azure CLI uses): the password first, keystrokes in, output out, close at the end; refusals,
faults and many clients. Sessions here are issued straight to the process's broker; the
REST path (execute_command -> URI and password) is tested in test_exec_sdk.py."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time

import pytest

websocket = pytest.importorskip("websocket")

from aci_helpers.emulator import Emulator  # noqa: E402
from aci_helpers.emulator import assumptions as A  # noqa: E402
from aci_helpers.emulator.runtime import ImageCatalog, start_exec  # noqa: E402
from aci_helpers.emulator.streams import AttachStream, ExecStream, Pace  # noqa: E402
from aci_helpers.emulator.streams import socket_uri  # noqa: E402
from wsclient import read_to_close, read_until  # noqa: E402

ALPINE = ImageCatalog.default().resolve("alpine")
SECRET = "s3cr3t-value-never-logged"


class Ticket:
    """A session of /bin/sh in an alpine container, on the realtime clock."""

    def __init__(self, command: str = "/bin/sh", instant: bool = False) -> None:
        self.command, self.instant = command, instant
        self.finished: list = []

    def open(self) -> ExecStream:
        s = start_exec(ALPINE, self.command, env={"API_KEY": SECRET}, at=10.0)
        return ExecStream(s, Pace(at=10.0, instant=self.instant), self.finished.append)


@pytest.fixture(scope="module")
def emu():
    e = Emulator(None, clock="realtime")
    e.socket_base("https://management.azure.com")   # the kernel's endpoint, started once
    yield e
    e.close()


def issue(emu: Emulator, ticket=None, kind: str = "exec") -> tuple[str, str]:
    sid, password = emu._app.streams.issue(kind, ticket or Ticket())
    base = emu.socket_base("https://management.azure.com")
    return socket_uri(base, kind, sid, 24, 80), password


def connect(emu: Emulator, uri: str):
    return websocket.create_connection(uri, sslopt={"ca_certs": emu.ca_file}, timeout=10)


def shell(emu: Emulator, ticket=None):
    """A socket of a new session, its password sent and its first prompt read."""
    uri, password = issue(emu, ticket)
    ws = connect(emu, uri)
    ws.send(password)
    read_until(ws, b"/ # ")
    return ws


def close_code(ws) -> int:
    """Read to the close frame; its code."""
    return read_to_close(ws)[1]


def test_password_first_then_a_shell(emu):
    uri, password = issue(emu)
    ws = connect(emu, uri)
    ws.send(password)                                   # a text frame, as the CLI sends it
    assert read_until(ws, b"/ # ") == b"/ # "
    ws.send_binary(b"echo $API_KEY\r")                  # keystrokes: binary frames
    assert read_until(ws, b"/ # ") == f"echo $API_KEY\r\n{SECRET}\r\n/ # ".encode()
    ws.send("echo text frames work too\r")
    assert b"text frames work too\r\n/ # " in read_until(ws, b"/ # ")
    ws.send_binary(b"exit\r")
    assert read_until(ws, b"exit\r\n").endswith(b"exit\r\n")
    assert close_code(ws) == 1000


def test_the_output_is_paced_by_the_clock(emu):
    ws = shell(emu)
    began = time.monotonic()
    ws.send_binary(b"sleep 0.5; echo late\r")
    read_until(ws, b"late\r\n/ # ")
    assert time.monotonic() - began >= 0.45
    ws.close()


def test_on_the_instant_clock_a_finite_command_is_over_at_once(emu):
    ws = shell(emu, Ticket(instant=True))
    began = time.monotonic()
    ws.send_binary(b"sleep 30; echo late\r")
    read_until(ws, b"late\r\n/ # ")
    assert time.monotonic() - began < 5
    ws.send_binary(b"while true; do echo tick; sleep 0.1; done\r")
    assert read_until(ws, b"tick\r\ntick\r\n")      # an endless loop streams ...
    ws.send_binary(b"\x03")                          # ... until Ctrl-C
    assert read_until(ws, b"^C\r\n/ # ")
    ws.close()


def test_a_one_shot_command_and_a_refused_one_close_at_the_end(emu):
    uri, password = issue(emu, Ticket("hostname"))
    ws = connect(emu, uri)
    ws.send(password)
    assert read_until(ws, b"\r\n").startswith(b"SandboxHost-")
    assert close_code(ws) == 1000
    uri, password = issue(emu, Ticket("ls /app"))
    ws = connect(emu, uri)
    ws.send(password)
    assert b'exec: \\"ls /app\\": stat ls /app: no such file or directory' in read_until(ws, b"\r\n")
    assert close_code(ws) == 1000


@pytest.mark.parametrize("how", ["wrong", "reused", "unknown", "kind"])
def test_a_bad_password_or_session_closes_the_socket(emu, how):
    uri, password = issue(emu)
    if how == "reused":
        ws = connect(emu, uri)
        ws.send(password)
        read_until(ws, b"/ # ")
        ws.close()
    if how == "unknown":
        uri = uri.replace("sessionId/", "sessionId/0")
    if how == "kind":
        uri = uri.replace("/execstream/", "/logstream/")
    ws = connect(emu, uri)
    ws.send("wrong" if how == "wrong" else password)
    assert close_code(ws) == A.EXEC_REFUSED_CLOSE_CODE
    if how == "wrong":   # the session is spent: the right password no longer opens it
        ws = connect(emu, uri)
        ws.send(password)
        assert close_code(ws) == A.EXEC_REFUSED_CLOSE_CODE


def test_no_password_in_time_closes_the_socket(emu, monkeypatch):
    monkeypatch.setattr(A, "EXEC_PASSWORD_WAIT_SECONDS", 0.3)
    uri, _ = issue(emu)
    ws = connect(emu, uri)
    assert close_code(ws) == A.EXEC_REFUSED_CLOSE_CODE


def test_a_malformed_frame_closes_that_socket_only(emu):
    good = shell(emu)
    bad = shell(emu)
    bad.sock.sendall(b"\x83\x05hello")          # unmasked, reserved opcode: a protocol error
    with pytest.raises((websocket.WebSocketException, OSError)):
        for _ in range(10):
            if not bad.recv():
                raise websocket.WebSocketConnectionClosedException("closed")
    good.send_binary(b"echo still here\r")
    assert b"still here\r\n/ # " in read_until(good, b"/ # ")
    good.close()


def test_a_client_leaving_mid_command_ends_its_process_there(emu):
    ticket = Ticket()
    ws = shell(emu, ticket)
    ws.send_binary(b"sleep 5; echo x > /tmp/late\r")
    time.sleep(0.2)
    ws.sock.close()                                   # gone, without a close frame
    deadline = time.monotonic() + 10
    while not (ticket.finished and ticket.finished[-1].finished) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    session = ticket.finished[-1]
    assert session.finished and session.exit_code == 129
    assert "/tmp/late" not in session.changes().files


def test_sixteen_clients_at_once(emu):
    results: list[bytes] = []
    errors: list[BaseException] = []

    def client(i: int) -> None:
        try:
            ws = shell(emu)
            for j in range(5):
                ws.send_binary(f"echo client{i}-{j}\r".encode())
                results.append(read_until(ws, b"/ # "))
            ws.send_binary(b"exit\r")
            assert close_code(ws) == 1000
        except BaseException as err:  # noqa: BLE001 - collected, asserted below
            errors.append(err)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len(results) == 80
    for i in range(16):
        for j in range(5):
            assert sum(f"\r\nclient{i}-{j}\r\n".encode() in r for r in results) == 1


def test_attach_streams_what_is_printed_then_closes(emu):
    lines = iter([("first\n", False), ("", False), ("second\nrestarted\n", True)])

    class AttachTicket:
        def open(self):
            return AttachStream(lambda: next(lines), interval=0.05)

    uri, password = issue(emu, AttachTicket(), kind="attach")
    ws = websocket.create_connection(uri, sslopt={"ca_certs": emu.ca_file}, timeout=10,
                                     header=[f"Authorization: {password}"])
    ws.send_binary(b"typed input is dropped\r")
    assert read_until(ws, b"restarted\n") == b"first\nsecond\nrestarted\n"
    assert close_code(ws) == 1000


def test_attach_takes_its_password_in_the_authorization_header_only(emu):
    uri, password = issue(emu, kind="attach")
    ws = connect(emu, uri)
    ws.send(password)                          # exec's way: not attach's
    assert close_code(ws) == A.EXEC_REFUSED_CLOSE_CODE


def test_the_sockets_only_endpoint_serves_nothing_else(emu):
    import urllib.error
    import urllib.request

    base = emu.socket_base("https://management.azure.com")
    ctx = ssl.create_default_context(cafile=emu.ca_file)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + "/subscriptions?api-version=2022-12-01", context=ctx)
    assert err.value.code == 404
    host, port = base.removeprefix("https://").split(":")
    assert host == "127.0.0.1"
    with socket.socket() as s:   # not on another interface
        s.settimeout(1)
        other = socket.gethostbyname(socket.gethostname())
        if other.startswith("127."):
            pytest.skip("this machine has no other interface to try")
        assert s.connect_ex((other, int(port))) != 0


def test_no_password_or_secret_in_the_server_log(emu, caplog):
    caplog.set_level(logging.DEBUG)
    uri, password = issue(emu)
    ws = connect(emu, uri)
    ws.send(password)
    read_until(ws, b"/ # ")
    ws.send_binary(b"echo $API_KEY\r")
    read_until(ws, b"/ # ")
    ws.close()
    ws = connect(emu, issue(emu)[0])
    ws.send(password)   # spent: refused, and said so without the password
    close_code(ws)
    time.sleep(0.2)
    text = caplog.text
    assert "socket refused" in text
    assert password not in text and password.removesuffix("[[EOM]]") not in text
    assert SECRET not in text


def test_exec_through_the_https_server_is_served_by_that_server(served):
    """The SDK over HTTPS to ``emu.server()``: the answer's socket is on that server's own
    address (no second endpoint), verified with the same CA."""
    from azure.mgmt.containerinstance import models as m

    from .conftest import clients

    emu, srv = served
    aci, res = clients(emu, srv)
    res.resource_groups.create_or_update("rg", {"location": "eastus"})
    aci.container_groups.begin_create_or_update("rg", "g1", m.ContainerGroup(
        location="eastus", os_type="Linux", containers=[m.Container(
            name="c1", image="alpine", command=["/bin/sh", "-c", "sleep infinity"],
            resources=m.ResourceRequirements(requests=m.ResourceRequests(
                cpu=1, memory_in_gb=1)))])).result()
    answer = aci.containers.execute_command("rg", "g1", "c1", m.ContainerExecRequest(
        command="/bin/sh", terminal_size=m.ContainerExecRequestTerminalSize(rows=24, cols=80)))
    assert answer.web_socket_uri.startswith(srv.url.replace("https://", "wss://") + "/execstream/")
    assert emu._sockets is None
    ws = websocket.create_connection(answer.web_socket_uri, sslopt={"ca_certs": srv.ca_file},
                                     timeout=10)
    ws.send(answer.password)
    read_until(ws, b"/ # ")
    ws.send_binary(b"echo over-https\r")
    assert b"\r\nover-https\r\n/ # " in read_until(ws, b"/ # ")
    ws.close()
