"""``Session.aio()``: the ``.aio`` clients on the session's backend."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from aci_helpers import ConfigurationError, connect
from aci_helpers.builders import single_container_group

SUB = "00000000-1111-2222-3333-444444444444"


def sdk_auth() -> dict:
    return {"clientId": "22222222-3333-4444-5555-666666666666", "clientSecret": "not-a-secret",
            "subscriptionId": SUB, "tenantId": "11111111-2222-3333-4444-555555555555",
            "activeDirectoryEndpointUrl": "https://login.microsoftonline.com",
            "resourceManagerEndpointUrl": "https://management.azure.com/"}


def test_aio_clients_share_the_sessions_emulator(s):
    from aci_helpers.session import ensure_resource_group
    ensure_resource_group(s)
    s.aci.container_groups.begin_create_or_update(
        s.resource_group, "made-sync", single_container_group("made-sync", s.location)).result()

    async def main():
        async with s.aio() as a:
            names = sorted([g.name async for g in a.aci.container_groups.list()])
            rg = await a.resources.resource_groups.get(s.resource_group)
            poller = await a.aci.container_groups.begin_create_or_update(
                s.resource_group, "made-async", single_container_group("made-async", s.location))
            await poller.result()
            return names, rg.name

    names, rg = asyncio.run(main())
    assert names == ["made-sync"] and rg == s.resource_group
    assert s.aci.container_groups.get(s.resource_group, "made-async").provisioning_state == \
        "Succeeded"


def test_aio_on_azure_uses_an_aio_credential_of_the_same_sign_in(tmp_path, clean_env,
                                                                no_network, monkeypatch):
    """The auth file's service principal, as azure-identity's aio credential (built lazily;
    azure-identity's aio credentials themselves need aiohttp, which the emulator does not)."""
    import azure.identity.aio as identity_aio

    from aci_helpers.auth import azure_target
    made: list[tuple[str, dict]] = []
    monkeypatch.setattr(identity_aio, "ClientSecretCredential",
                        lambda **kw: made.append(("secret", kw)) or "aio-secret")
    monkeypatch.setattr(identity_aio, "DefaultAzureCredential",
                        lambda **kw: made.append(("default", kw)) or "aio-default")
    p = tmp_path / "auth.json"
    p.write_text(json.dumps(sdk_auth()))
    target = azure_target(str(p), None)
    assert made == [] and "not-a-secret" not in repr(target)
    assert target.aio_credential() == "aio-secret"
    kind, kw = made[0]
    assert kind == "secret" and kw["client_secret"] == "not-a-secret"
    assert kw["tenant_id"] == sdk_auth()["tenantId"]
    assert kw["authority"] == "https://login.microsoftonline.com"
    assert azure_target(None, SUB).aio_credential() == "aio-default"


def test_aio_on_azure_without_aiohttp_says_what_to_install(tmp_path, clean_env, no_network,
                                                          monkeypatch):
    p = tmp_path / "auth.json"
    p.write_text(json.dumps(sdk_auth()))
    s = connect("azure", auth_location=str(p))
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    with pytest.raises(ConfigurationError, match="pip install aiohttp"):
        s.aio()
