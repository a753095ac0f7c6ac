"""A kernel on a served emulator (``ACI_EMULATOR_URL``, issue 20 item 3): connect() gives
the real SDK clients over HTTPS, signed in with azure-identity against the server's Entra
endpoints, verified with the server's CA; ``s.emulator`` reaches the server's own routes."""
from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from aci_helpers import connect, ensure_resource_group
from aci_helpers.builders import single_container_group
from aci_helpers.errors import ConfigurationError
from aci_helpers.emulator import Emulator

from .conftest import ROOT

HELLO = "mcr.microsoft.com/azuredocs/aci-helloworld"


def _served_session(srv, **kw):
    return connect(emulator_url=srv.url, emulator_ca=srv.ca_file, **kw)


def _create(s, name: str = "aci-123456"):
    ensure_resource_group(s)
    return s.aci.container_groups.begin_create_or_update(
        s.resource_group, name, single_container_group(name, s.location)).result()


def test_a_served_session_is_the_sdk_over_https_on_the_servers_cloud(served) -> None:
    emu, srv = served
    with _served_session(srv) as s:
        assert s.backend == "emulator" and repr(s.emulator) == f"RemoteEmulator(url={srv.url!r})"
        assert s.emulator.state is None and s.emulator.url == srv.url
        assert s.emulator.clock == "instant" and s.emulator.seed == 0
        created = _create(s)
        assert created.provisioning_state == "Succeeded"
        with s.requests.capture() as sent:
            s.aci.container_groups.get(s.resource_group, "aci-123456")
        assert sent[0].url.startswith(srv.url + "/subscriptions/")
        # Sign-in as a real client: azure-identity's ClientSecretCredential, a token of the
        # server's; certificate checks with the server's CA only.
        token = s.credential.get_token("https://management.azure.com/.default").token
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        assert type(s.credential).__name__ == "ClientSecretCredential"
        assert claims["appid"] == "aci-tutorial" and claims["tid"] == emu.tenant_id
        assert s.aci._client._pipeline._transport.connection_config.verify == srv.ca_file
    # A notebook's in-process client on the server's state file sees the same group.
    with connect(state=emu.state) as local:
        assert local.aci.container_groups.get("aci-tutorial-rg", "aci-123456").id == created.id


def test_the_ca_is_found_beside_the_servers_state_or_named(served, monkeypatch) -> None:
    _, srv = served
    emu = served[0]
    monkeypatch.setenv("ACI_EMULATOR_URL", srv.url.replace("127.0.0.1", "localhost") + "/")
    monkeypatch.setenv("ACI_EMULATOR_STATE", emu.state)   # this account serves that state
    with connect() as s:
        assert s.emulator.ca_file == srv.ca_file and s.emulator.url.endswith(srv.url[-5:])
        assert [g.name for g in s.resources.resource_groups.list()] == []
    monkeypatch.setenv("ACI_EMULATOR_STATE", "memory")    # nothing beside: the CA must be named
    with pytest.raises(ConfigurationError, match="needs the server's CA certificate.*"
                       "ACI_EMULATOR_CA.*never turned off"):
        connect()
    monkeypatch.setenv("ACI_EMULATOR_CA", str(Path(srv.ca_file).with_name("nope.pem")))
    with pytest.raises(ConfigurationError, match="nope.pem .ACI_EMULATOR_CA. cannot be read"):
        connect()
    monkeypatch.setenv("ACI_EMULATOR_CA", str(ROOT / "README.md"))
    with pytest.raises(ConfigurationError, match="README.md is not a PEM certificate"):
        connect()


def test_another_ca_fails_the_tls_check_with_what_to_do(served, tmp_path) -> None:
    _, srv = served
    other = Emulator(tmp_path / "other.db", clock="instant")
    with connect(emulator_url=srv.url, emulator_ca=other.local_cloud().ca_file) as s:
        with pytest.raises(Exception) as caught:
            s.resources.resource_groups.list().next()
    other.close()
    # (raised by the sign-in, the first request: azure-identity's ClientAuthenticationError)
    assert f"The emulator served at {srv.url} does not answer" in str(caught.value)
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_a_server_that_is_gone_is_named_with_what_to_do(tmp_path) -> None:
    emu = Emulator(tmp_path / "cloud.db", clock="instant")
    with emu.server() as srv:
        url, ca = srv.url, srv.ca_file
    emu.close()
    with connect(emulator_url=url, emulator_ca=ca) as s:
        with pytest.raises(Exception, match=r"does not answer .*Is `aci-tutorial serve` still "
                           r"running there\?.*workshop leave"):
            s.resources.resource_groups.check_existence("rg")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8443", "https://10.0.0.5:8443",
                                 "https://hub.example.org:8443", "https://127.0.0.1",
                                 "https://127.0.0.1:8443/api", "https://127.0.0.1:99999"])
def test_only_a_loopback_https_url_is_a_served_emulator(url) -> None:
    with pytest.raises(ConfigurationError, match="not a served emulator's address.*"
                       "another machine is not supported"):
        connect(emulator_url=url)


def test_a_settings_files_emulator_url_is_checked_and_the_environment_wins(
        served, tmp_path, monkeypatch) -> None:
    _, srv = served
    path = tmp_path / "settings.toml"
    monkeypatch.setenv("ACI_SETTINGS_FILE", str(path))
    path.write_text('emulator_url = "http://127.0.0.1:1"\n')
    with pytest.raises(ConfigurationError, match="emulator_url = 'http://127.0.0.1:1' is not valid"):
        connect()
    path.write_text(f'emulator_url = "{srv.url}"\nemulator_ca = "{srv.ca_file}"\n')
    with connect() as s:
        assert s.emulator.url == srv.url
    monkeypatch.setenv("ACI_BACKEND", "azure")      # the subscription wins over the file's URL
    from aci_helpers.session import load_settings
    assert load_settings().emulator_url is None


def test_faults_and_quota_hold_for_the_session_that_set_them(served) -> None:
    emu, srv = served
    with _served_session(srv) as a, _served_session(srv) as b:
        _create(a)
        path = r"/containerGroups/aci-123456$"
        a.emulator.inject_fault("GET", path, status=409, code="NoCapacityHere", times=2)
        b.emulator.inject_fault("GET", ".*", status=500, code="EveryoneDown", times=50)
        # a's fault reaches a; b's broad one never reaches a (nor the server's own clients)
        with pytest.raises(Exception) as caught:
            a.aci.container_groups.get(a.resource_group, "aci-123456")
        assert caught.value.error.code == "NoCapacityHere"
        local = connect(state=emu.state)
        assert local.aci.container_groups.get("aci-tutorial-rg", "aci-123456").name
        local.close()
        a.emulator.quota_cores = 1
        assert (a.emulator.quota_cores, b.emulator.quota_cores, emu.quota_cores) == (1, 100, 100)
        usage = {u.name.value: u.limit for u in a.aci.location.list_usage(a.location)}
        assert usage["StandardCores"] == 1
        with pytest.raises(ValueError, match="quota_cores must be a positive number"):
            a.emulator.quota_cores = 0
        with pytest.raises(ValueError, match="status must be an HTTP error status"):
            a.emulator.inject_fault("GET", "x", status=200)
        with pytest.raises(ValueError, match="path must be a regular expression"):
            a.emulator.inject_fault("GET", "(")


def test_a_registry_goes_into_the_shared_cloud(served) -> None:
    emu, srv = served
    with _served_session(srv) as s:
        login = s.emulator.add_registry("acitutorialp01.azurecr.io",
                                        {"aci-helloworld:v1": HELLO})
        assert login.server == "acitutorialp01.azurecr.io" and login.password
        assert "password" not in repr(login)
        assert [r["server"] for r in s.emulator.registries()] == ["acitutorialp01.azurecr.io"]
        with pytest.raises(ValueError):
            s.emulator.add_registry("not a server", {})
    assert [r["server"] for r in emu.registries()] == ["acitutorialp01.azurecr.io"]


def test_reset_needs_the_servers_admin_key(served, tmp_path) -> None:
    emu, srv = served
    key = Path(srv.cloud.admin_key_file)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    ca_copy = tmp_path / "handed-out-ca.pem"          # what a participant has: the CA alone
    ca_copy.write_bytes(Path(srv.ca_file).read_bytes())
    with connect(emulator_url=srv.url, emulator_ca=ca_copy) as participant:
        _create(participant)
        participant.emulator.add_registry("acitutorialp01.azurecr.io", {})
        for call in (participant.emulator.reset,
                     lambda: participant.emulator.remove_registry("acitutorialp01.azurecr.io")):
            with pytest.raises(PermissionError, match=f"whole cloud served at {srv.url}.*"
                               "only the account that runs `aci-tutorial serve`.*notebook 06"):
                call()
        assert participant.resources.resource_groups.check_existence("aci-tutorial-rg")
        assert emu.registries()
    with _served_session(srv) as owner:               # the CA beside the state: its key too
        assert owner.emulator.remove_registry("acitutorialp01.azurecr.io") is True
        owner.emulator.reset()
        assert list(owner.resources.resource_groups.list()) == []
    srv.stop()
    assert not key.exists()                           # the key dies with the server's run


def test_the_control_routes_want_a_sign_in_a_session_and_small_json(served) -> None:
    _, srv = served
    url = srv.url + "/_emulator"
    get = lambda path, **kw: requests.request(kw.pop("method", "GET"), url + path,  # noqa: E731
                                              verify=srv.ca_file, timeout=10, **kw)
    assert get("/info").status_code == 401
    bearer = {"Authorization": "Bearer x"}
    r = get("/info", headers=bearer)
    assert r.status_code == 400 and r.json()["error"]["code"] == "MissingClientSession"
    ok = {**bearer, "x-aci-emulator-session": "a" * 32}
    assert get("/info", headers=ok).json()["clock"] == "instant"
    assert get("/faults", method="POST", headers=ok, data=b"[").json()["error"]["code"] == \
        "InvalidRequestContent"
    assert get("/faults", method="POST", headers=ok, data=b"x" * 70000).status_code == 413
    assert get("/faults", method="POST", headers=ok, json={"method": "GET", "path": "x",
                                                            "bogus": 1}).status_code == 400
    r = get("/reset", method="POST", headers={**ok, "x-aci-emulator-admin-key": "guess"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "AdminKeyRequired"


def test_waits_follow_the_servers_clock(monkeypatch) -> None:
    from aci_helpers.emulator import remote

    slept = []
    monkeypatch.setattr(remote.time, "sleep", slept.append)
    remote.ServedTransport("https://127.0.0.1:1", lambda: float("inf")).sleep(5)  # instant
    remote.ServedTransport("https://127.0.0.1:1", lambda: 10.0).sleep(5)          # speed 10
    assert slept == [0.5]


def test_the_async_clients_work_without_aiohttp(served) -> None:
    import asyncio

    _, srv = served
    with _served_session(srv) as s:
        _create(s)

        async def read():
            async with s.aio() as a:
                return (await a.aci.container_groups.get(s.resource_group, "aci-123456")).name

        assert asyncio.run(read()) == "aci-123456"


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aci_helpers.trainer", *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_join_keeps_the_served_cloud_and_a_copy_of_its_ca(served, tmp_path) -> None:
    emu, srv = served
    settings = tmp_path / "home" / "settings.toml"
    env = dict(os.environ, ACI_SETTINGS_FILE=str(settings), ACI_EMULATOR_STATE=emu.state)
    setup = _cli("workshop", "setup", "--workshop", "demo", "--participants", "2", env=env)
    assert setup.returncode == 0, setup.stderr
    assert f"served at {srv.url} too" in setup.stdout
    line = next(ln.strip() for ln in setup.stdout.splitlines() if "--participant p02" in ln)
    assert line.endswith(f"--emulator-url {srv.url} --emulator-ca {srv.ca_file}")
    args = line.split()[1:]
    joined = _cli(*args, env=dict(env, ACI_EMULATOR_STATE="memory"))
    assert joined.returncode == 0, joined.stderr
    from aci_helpers.settings_file import read_settings

    values = read_settings(settings)
    copy = settings.with_name("emulator-ca.pem")
    assert values["emulator_url"] == srv.url and values["emulator_ca"] == str(copy)
    assert copy.read_bytes() == Path(srv.ca_file).read_bytes()
    assert values["location"] and values["name_suffix"] and "Note" not in joined.stdout
    # Their kernels reach the class's cloud through the file alone.
    probe = "from aci_helpers import connect; s = connect(); print(s.emulator.url, " \
            "s.resources.resource_groups.get(s.resource_group).tags['aci-tutorial-participant'])"
    out = subprocess.run([sys.executable, "-c", probe], env=dict(env, ACI_EMULATOR_STATE="memory"),
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == [srv.url, "p02"], out.stderr
    # A participant setup never made is not created on the class's cloud.
    other = _cli("workshop", "join", "--workshop", "demo", "--participant", "p09",
                 "--emulator-url", srv.url, env=env)
    assert "aci-ws-demo-p09 is not in the class's cloud" in other.stdout
    with connect(state=emu.state) as local:
        assert not local.resources.resource_groups.check_existence("aci-ws-demo-p09")
    refused = _cli("workshop", "join", "--workshop", "demo", "--participant", "p01", "--azure",
                   "--emulator-url", srv.url, env=env)
    assert refused.returncode == 2 and "exclude each other" in refused.stderr
    assert _cli("workshop", "leave", env=env).returncode == 0
    assert not settings.exists() and not copy.exists()


def test_serve_and_reset_on_a_served_kernel(served, tmp_path) -> None:
    emu, srv = served
    env = dict(os.environ, ACI_EMULATOR_URL=srv.url, ACI_EMULATOR_CA=srv.ca_file)
    refused = _cli("serve", env=env)
    assert refused.returncode == 2 and f"emulator served at {srv.url}" in refused.stderr
    ca_copy = tmp_path / "ca.pem"
    ca_copy.write_bytes(Path(srv.ca_file).read_bytes())
    denied = _cli("reset", env=dict(env, ACI_EMULATOR_CA=str(ca_copy)))
    assert denied.returncode == 1 and "only the account that runs" in denied.stderr
    done = _cli("reset", env=env)
    assert done.returncode == 0 and f"served at {srv.url}" in done.stdout


@pytest.mark.slow(36)
def test_the_notebooks_that_use_s_emulator_run_unchanged_over_the_url(served) -> None:
    """08 (a private registry), 10 (faults, quota), 11 (the .aio clients) and 12 (exec and
    attach over the server's own wss): their committed outputs, compared strictly by nbval,
    with every kernel on the served emulator."""
    emu, srv = served
    env = dict(os.environ, ACI_EMULATOR_URL=srv.url, ACI_EMULATOR_CA=srv.ca_file)
    for nb in ("08_private_images", "10_troubleshooting", "11_many_tasks", "12_inside_a_container"):
        emu.reset()   # each notebook's committed outputs start from an empty cloud
        done = subprocess.run(
            # --noconftest: the suite's conftest would drop ACI_EMULATOR_URL (this process's
            # environment is already the suite's).
            [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
             "--noconftest", "--nbval", "--nbval-current-env", f"notebooks/{nb}.ipynb"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:]
    assert srv.requests > 100


def test_spot_quota_and_failed_operations_hold_for_the_session_that_set_them(served) -> None:
    """Notebooks 10 and 11 over a served emulator: a session's Spot quota (0: every Spot group
    refused) and a create whose operation fails (during='operation') are its own."""
    from azure.core.exceptions import HttpResponseError

    from aci_helpers import ensure_resource_group, task_container_group

    emu, srv = served
    with _served_session(srv) as a, _served_session(srv) as b:
        ensure_resource_group(a)
        a.emulator.spot_quota_cores = 0
        assert (a.emulator.spot_quota_cores, b.emulator.spot_quota_cores) == (0, emu.spot_quota_cores)
        usage = {u.name.value: u.limit for u in a.aci.location.list_usage("westus")}
        assert usage["StandardSpotCores"] == 0
        spot = task_container_group("spot-a", "westus")
        spot.priority = "Spot"
        with pytest.raises(HttpResponseError, match="StandardSpotCores"):
            a.aci.container_groups.begin_create_or_update(a.resource_group, "spot-a", spot).result()
        with pytest.raises(ValueError, match="spot_quota_cores must be a number of zero or more"):
            a.emulator.spot_quota_cores = -1
        a.emulator.inject_fault("PUT", r"/containerGroups/far-a$", during="operation")
        with pytest.raises(HttpResponseError, match="not available in the location"):
            a.aci.container_groups.begin_create_or_update(
                a.resource_group, "far-a", task_container_group("far-a", a.location)).result()
        assert a.aci.container_groups.get(a.resource_group, "far-a").provisioning_state == "Failed"
        with pytest.raises(ValueError, match="during must be"):
            a.emulator.inject_fault("PUT", "x", during="later")


def test_serve_quota_cores_is_what_every_client_meets(serve_process, tmp_path) -> None:
    state = tmp_path / "class.db"
    proc = serve_process("--quota-cores", "7", state=state)
    assert "quota 7 standard cores a region" in proc.proc.stdout.readline()   # the state line
    ca = state.with_name("class-local-cloud") / "tls" / "ca.pem"
    with connect(emulator_url=proc.url, emulator_ca=ca) as s:
        assert s.emulator.quota_cores == 7
        usage = {u.name.value: u.limit for u in s.aci.location.list_usage("westeurope")}
        assert usage["StandardCores"] == 7
        s.emulator.quota_cores = 2                 # a session's own, as notebook 10 sets it
        assert s.emulator.quota_cores == 2
    with connect(emulator_url=proc.url, emulator_ca=ca) as other:
        assert other.emulator.quota_cores == 7
    done = subprocess.run([sys.executable, "-m", "aci_helpers.trainer", "serve", "--quota-cores",
                           "-1"], env=dict(os.environ, ACI_EMULATOR_STATE=str(tmp_path / "b.db")),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "quota_cores must be a positive number" in done.stderr



def test_exec_over_the_served_emulator(served) -> None:
    """exec's socket is the server's own (wss on the URL), verified with the same CA."""
    from aci_helpers.terminal import exec_command

    _, srv = served
    with _served_session(srv) as s:
        _create(s)
        assert s.ca_file == srv.ca_file
        out = exec_command(s, "aci-123456", "aci-123456", "echo hi from $HOSTNAME; ls /usr/src/app")
        assert out.startswith("hi from") and "index.js" in out, out
        with s.requests.capture() as sent:
            exec_command(s, "aci-123456", "aci-123456", "true")
        assert sent[0].url.startswith(srv.url + "/subscriptions/")
