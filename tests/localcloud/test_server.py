"""``aci-tutorial serve``: the emulator over HTTPS, with the SDK's own clients signed in
through azure-identity against the local authority (what a real client does)."""
from __future__ import annotations

import base64
import json
import signal
import socket
import ssl
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from aci_helpers.emulator import Emulator

from .conftest import ROOT, SECRET, TENANT, cli_env, clients, credential

HELLO = "mcr.microsoft.com/azuredocs/aci-helloworld"


def _group(location: str = "eastus", secure: str | None = None) -> dict:
    env = [{"name": "API_KEY", "secureValue": secure}] if secure else []
    return {"location": location, "properties": {
        "osType": "Linux", "restartPolicy": "Always",
        "containers": [{"name": "web", "properties": {
            "image": HELLO, "environmentVariables": env,
            "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.5}},
            "ports": [{"port": 80}]}}]}}


def _rg(resources, name: str = "rg") -> None:
    resources.resource_groups.create_or_update(name, {"location": "eastus"})


def test_sdk_clients_over_https_see_the_state_the_notebooks_see(served) -> None:
    emu, srv = served
    aci, resources = clients(emu, srv)
    _rg(resources)
    created = aci.container_groups.begin_create_or_update("rg", "web", _group()).result()
    assert created.provisioning_state == "Succeeded"
    assert aci.container_groups.get("rg", "web").instance_view.state == "Running"
    assert [g.name for g in aci.container_groups.list_by_resource_group("rg")] == ["web"]
    assert "listening on port 80" in aci.containers.list_logs("rg", "web", "web").content
    # A notebook's in-process client on the same state file sees the same group.
    from azure.mgmt.containerinstance import ContainerInstanceManagementClient

    other = Emulator(emu.state, clock="instant")
    local = ContainerInstanceManagementClient(other.credential(), other.subscription_id,
                                              transport=other.transport())
    seen = local.container_groups.get("rg", "web")
    assert (seen.id, seen.instance_view.state) == (created.id, "Running")
    other.close()
    # Links in answers point back at the server (the poller follows them over HTTPS).
    aci.container_groups.begin_restart("rg", "web").result()
    aci.container_groups.begin_delete("rg", "web").result()
    assert list(aci.container_groups.list()) == []


def test_sign_in_is_the_local_clouds_own(served) -> None:
    emu, srv = served
    token = credential(srv).get_token("https://management.azure.com/.default").token
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["tid"] == TENANT and claims["appid"] == "any-client-id"
    get = lambda path: requests.get(srv.url + path, verify=srv.ca_file,  # noqa: E731
                                    headers={"Authorization": f"Bearer {token}"}, timeout=10)
    oidc = get(f"/{TENANT}/v2.0/.well-known/openid-configuration").json()
    assert oidc["token_endpoint"] == f"{srv.url}/{TENANT}/oauth2/v2.0/token"
    meta = get("/metadata/endpoints?api-version=2022-09-01").json()
    assert meta["resourceManager"] == srv.url + "/"
    assert meta["authentication"]["loginEndpoint"] == srv.url + "/"
    assert get("//metadata/endpoints?api-version=2022-09-01").status_code == 200
    subs = get("/subscriptions?api-version=2022-12-01").json()["value"]
    assert [(s["subscriptionId"], s["tenantId"]) for s in subs] == [(emu.subscription_id, TENANT)]
    assert get(f"/subscriptions/{emu.subscription_id}?api-version=2022-12-01").status_code == 200
    assert get("/subscriptions/11111111-1111-1111-1111-111111111111?api-version=2022-12-01"
               ).json()["error"]["code"] == "SubscriptionNotFound"
    assert get("/tenants?api-version=2022-12-01").json()["value"][0]["tenantId"] == TENANT


@pytest.mark.parametrize("form, status, code", [
    ({"grant_type": "client_credentials", "client_secret": "x", "scope": "s"}, 400, 900144),
    ({"grant_type": "client_credentials", "client_id": "a", "scope": "s"}, 401, 7000216),
    ({"grant_type": "password", "client_id": "a", "client_secret": "x"}, 400, 70003),
    ({"client_id": "a", "client_secret": "x"}, 400, 900144),
])
def test_token_requests_entra_would_refuse_get_its_error_shape(served, form, status, code) -> None:
    _, srv = served
    r = requests.post(f"{srv.url}/{TENANT}/oauth2/v2.0/token", data=form, verify=srv.ca_file,
                      timeout=10)
    assert r.status_code == status
    body = r.json()
    assert body["error_codes"] == [code] and body["error_description"].startswith(f"AADSTS{code}:")
    assert "x" not in body["error_description"].split("AADSTS")[0]  # nothing sent is echoed


def test_certificate_checks_stay_on_and_keys_are_the_users_only(served) -> None:
    emu, srv = served
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(srv.url + "/metadata/endpoints", timeout=10)   # the system CAs: refused
    assert requests.get(srv.url + "/metadata/endpoints", verify=srv.ca_file, timeout=10).ok
    tls_dir = Path(srv.ca_file).parent
    assert stat.S_IMODE(tls_dir.stat().st_mode) == 0o700
    for key in ("ca-key.pem", "server-key.pem"):
        assert stat.S_IMODE((tls_dir / key).stat().st_mode) == 0o600
    # Python's strict X.509 checks (3.13's default) accept the chain too.
    ctx = ssl.create_default_context(cafile=srv.ca_file)
    ctx.verify_flags |= getattr(ssl, "VERIFY_X509_STRICT", 0)
    port = int(srv.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as raw, \
            ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    # A second server on the same state, in this process too, is refused.
    from aci_helpers.emulator.server import ServerBusy

    with pytest.raises(ServerBusy, match="already served by this process at " + srv.url):
        emu.server().start()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc/net/tcp")
def test_it_listens_on_loopback_only(served) -> None:
    _, srv = served
    port = int(srv.url.rsplit(":", 1)[1])
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.rsplit(":", 1)
            if state == "0A" and int(p, 16) == port:
                listening.add(addr)
    assert listening == {"0100007F"}   # 127.0.0.1, and nothing else (no IPv6, no 0.0.0.0)


def _raw_tls(port: int, ca: str) -> ssl.SSLSocket:
    ctx = ssl.create_default_context(cafile=ca)
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                           server_hostname="127.0.0.1")


def test_bad_input_never_kills_it(served) -> None:
    emu, srv = served
    port = int(srv.url.rsplit(":", 1)[1])
    # Not TLS at all, then TLS that stops half-way, then nonsense inside TLS.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(100)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
    with _raw_tls(port, srv.ca_file) as t:
        t.sendall(b"\x00\xffNOT HTTP\r\n\r\n")
        assert t.recv(100).startswith(b"HTTP/1.1 400")
    with _raw_tls(port, srv.ca_file) as t:   # a request cut off in its body
        t.sendall(b"PUT /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"a\"")
    token = credential(srv).get_token("https://management.azure.com/.default").token
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    rg = f"{srv.url}/subscriptions/{emu.subscription_id}/resourcegroups/rg?api-version=2022-09-01"
    put = lambda url, data: requests.put(url, data=data, headers=auth,  # noqa: E731
                                         verify=srv.ca_file, timeout=30)
    assert put(rg, b'{"location": "eastus"}').status_code == 201
    cg = (f"{srv.url}/subscriptions/{emu.subscription_id}/resourceGroups/rg/providers/"
          "Microsoft.ContainerInstance/containerGroups/web?api-version=2023-05-01")
    for body in (b"{not json", b"\xff\xfe", b"[]", b'{"location": "eastus"' + b" " * 5_000_000):
        r = put(cg, body)
        assert 400 <= r.status_code < 500 and r.json()["error"]["code"], (body[:20], r.text)
    assert requests.get(srv.url + "/no/such/path", headers=auth, verify=srv.ca_file,
                        timeout=10).json()["error"]["code"]
    assert requests.get(cg, verify=srv.ca_file, timeout=10).status_code == 401  # no token
    # A name other than the loopback's (a page rebinding its DNS name to 127.0.0.1): refused.
    rebound = requests.get(cg, headers=dict(auth, Host="evil.example"), verify=srv.ca_file,
                           timeout=10)
    assert (rebound.status_code, rebound.json()["error"]["code"]) == (400, "InvalidHost")
    # Still serving, and nothing was changed.
    aci, _ = clients(emu, srv)
    assert list(aci.container_groups.list()) == []


def test_injected_faults_and_the_clock_are_the_emulators(served) -> None:
    emu, srv = served
    token = credential(srv).get_token("https://management.azure.com/.default").token
    emu.inject_fault("GET", r"/containerGroups$", status=429, code="TooManyRequests",
                     retry_after=7)
    url = (f"{srv.url}/subscriptions/{emu.subscription_id}/providers/"
           "Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01")
    r = requests.get(url, headers={"Authorization": f"Bearer {token}"}, verify=srv.ca_file,
                     timeout=10)
    assert (r.status_code, r.json()["error"]["code"], r.headers["Retry-After"]) == \
        (429, "TooManyRequests", "7")
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}, verify=srv.ca_file,
                        timeout=10).json() == {"value": []}


def test_16_clients_at_once_lose_nothing(served) -> None:
    emu, srv = served
    aci0, resources = clients(emu, srv)
    _rg(resources)
    errors: list[BaseException] = []

    def client(i: int) -> None:
        try:
            aci, _ = clients(emu, srv)
            for j in range(2):
                aci.container_groups.begin_create_or_update("rg", f"g{i}-{j}", _group()).result()
                assert aci.container_groups.get("rg", f"g{i}-{j}").name == f"g{i}-{j}"
                list(aci.container_groups.list_by_resource_group("rg"))
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    names = {g.name for g in aci0.container_groups.list_by_resource_group("rg")}
    assert names == {f"g{i}-{j}" for i in range(16) for j in range(2)}


def _cli(state: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aci_helpers.trainer", *args], cwd=ROOT,
                          env=cli_env(state, **env), capture_output=True, text=True, timeout=60)


@pytest.mark.slow(6)
def test_serve_ctrl_c_second_serve_and_its_log(tmp_path, serve_process) -> None:
    first = serve_process()
    assert first.url.startswith("https://127.0.0.1:")
    # A real client signs in and creates a group with a secure value; the log shows neither.
    emu = Emulator(tmp_path / "cloud.db", clock="instant")
    cloud = emu.local_cloud()
    running = cloud.running()
    assert running is not None and running.pid == first.proc.pid and running.url == first.url

    class Srv:
        url, ca_file = first.url, running.ca_file

        @staticmethod
        def client_kwargs() -> dict:
            return {"base_url": first.url, "connection_verify": running.ca_file}

    aci, resources = clients(emu, Srv)
    _rg(resources)
    aci.container_groups.begin_create_or_update("rg", "web", _group(secure="top-secret-42")
                                                ).result()
    # A second serve on the same state names the process that serves it, and changes nothing.
    second = _cli(tmp_path / "cloud.db", "serve")
    assert second.returncode == 1
    assert f"already served by process {first.proc.pid} (python -m aci_helpers.trainer serve)" \
        in second.stderr and first.url in second.stderr
    # Ctrl-C: a clean stop, the lock released, the same port again next time.
    first.proc.send_signal(signal.SIGINT)
    assert first.proc.wait(10) == 0
    out = first.output()
    assert "Stopped serving" in out and "PUT /subscriptions/" in out
    for secret in (SECRET, "top-secret-42", "Bearer", "client_secret"):
        assert secret not in out
    assert cloud.running() is None
    again = serve_process()
    assert again.url == first.url
    emu.close()


@pytest.mark.slow(4)
def test_serve_stop_memory_state_and_missing_cli(tmp_path, serve_process) -> None:
    state = tmp_path / "cloud.db"
    serving = serve_process("--idle-exit", "60")
    stopped = _cli(state, "serve", "--stop")
    assert stopped.returncode == 0 and f"Stopped process {serving.proc.pid}" in stopped.stdout
    assert serving.proc.wait(10) == 0
    assert "No server serves" in _cli(state, "serve", "--stop").stdout
    mem = _cli(state, "serve", ACI_EMULATOR_STATE="memory")
    assert mem.returncode == 2 and "private to one process" in mem.stderr
    # Without the Azure CLI: how to install it, exit 2, nothing started.
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "ACI_AZURE_CLI": ""}
    missing = _cli(state, "az", "container", "list", **env)
    assert missing.returncode == 2 and "aci-tutorial install-cli" in missing.stderr
    wrong = _cli(state, "az", "version", **dict(env, ACI_AZURE_CLI=str(tmp_path / "no-az")))
    assert wrong.returncode == 2 and "is not an executable Azure CLI" in wrong.stderr
    assert not (home / ".azure").exists()
    assert Emulator(state).local_cloud().running() is None


def test_a_websocket_to_a_path_without_a_socket_is_refused_cleanly(served) -> None:
    """The stack speaks WebSockets (exec and attach will be routes beside sign-in): a socket
    to a path that has none gets the handshake refused, and the server goes on."""
    websocket = pytest.importorskip("websocket")
    emu, srv = served
    url = srv.url.replace("https://", "wss://") + "/exec/nothing-here"
    with pytest.raises(websocket.WebSocketBadStatusException) as err:
        websocket.create_connection(url, sslopt={"ca_certs": srv.ca_file}, timeout=10)
    assert err.value.status_code == 403
    assert requests.get(srv.url + "/metadata/endpoints", verify=srv.ca_file, timeout=10).ok
