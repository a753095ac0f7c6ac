"""Provider registration: a subscription not registered for Microsoft.ContainerInstance, as
the real SDK meets it (and as `aci-tutorial preflight --azure` checks it)."""

from __future__ import annotations

import logging
import types

import pytest
from azure.core.exceptions import HttpResponseError

from aci_helpers import connect, ensure_resource_group
from aci_helpers.builders import single_container_group

NS = "Microsoft.ContainerInstance"


@pytest.fixture
def sdk_sleeps(monkeypatch) -> list[float]:
    """The SDK's registration policy sleeps 10 s (time.sleep, not the transport's) before it
    checks the registration: record the sleeps instead of waiting."""
    from azure.mgmt.core.policies import _base

    slept: list[float] = []
    monkeypatch.setattr(_base, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture
def s(sdk_sleeps):
    session = connect("emulator", state="memory", clock="instant", seed=0)
    ensure_resource_group(session)
    yield session
    session.close()


def test_registered_by_default_with_its_resource_types(s):
    p = s.resources.providers.get(NS)
    assert (p.namespace, p.registration_state) == (NS, "Registered")
    types = {t.resource_type: t for t in p.resource_types}
    assert "containerGroups" in types and "2023-05-01" in types["containerGroups"].api_versions
    assert "eastus" in types["containerGroups"].locations


def test_unregistered_refuses_every_request_and_changes_nothing(s):
    assert s.resources.providers.unregister(NS).registration_state == "Unregistered"
    assert s.resources.providers.get(NS).registration_state == "Unregistered"
    # The SDK's own pipeline would register it (see the next test): ask without that policy.
    from azure.core.pipeline import Pipeline
    from azure.core.pipeline.policies import BearerTokenCredentialPolicy
    from azure.core.rest import HttpRequest

    pipeline = Pipeline(s.emulator.transport(), policies=[
        BearerTokenCredentialPolicy(s.emulator.credential(), "https://management.azure.com/.default")])
    for method, path in (("GET", "/locations/eastus/usages"),
                         ("PUT", f"/../../resourceGroups/{s.resource_group}/providers/{NS}/containerGroups/web-1")):
        url = (f"https://management.azure.com/subscriptions/{s.subscription_id}/providers/{NS}"
               f"{path}?api-version=2023-05-01")
        resp = pipeline.run(HttpRequest(method, url.replace(f"/providers/{NS}/../..", ""),
                                        json=single_container_group("web-1", s.location).serialize())
                            ).http_response
        assert resp.status_code == 409, (method, resp.text())
        assert resp.json()["error"] == {
            "code": "MissingSubscriptionRegistration",
            "message": f"The subscription is not registered to use namespace '{NS}'. See "
                       "https://aka.ms/rps-not-found for how to register subscriptions."}
    assert list(s.aci.container_groups.list()) == []  # (the SDK registers it here)


def test_the_sdk_registers_it_by_itself_as_on_azure(s, caplog, sdk_sleeps):
    """azure-mgmt-core's ARMAutoResourceProviderRegistrationPolicy answers the 409 by POSTing
    .../register?api-version=2016-02-01, then retries the request."""
    s.resources.providers.unregister(NS)
    with caplog.at_level(logging.WARNING):
        group = s.aci.container_groups.begin_create_or_update(
            s.resource_group, "web-reg-1", single_container_group("web-reg-1", s.location)).result()
    assert group.provisioning_state == "Succeeded"
    assert "We are registering for you" in caplog.text and "Registration succeeded" in caplog.text
    assert sdk_sleeps == [10]   # the SDK waited once before it found the namespace Registered
    assert s.resources.providers.get(NS).registration_state == "Registered"


def test_other_namespaces_are_not_modelled(s):
    with pytest.raises(HttpResponseError) as err:
        s.resources.providers.get("Microsoft.Storage")
    assert err.value.status_code == 404 and err.value.error.code == "InvalidResourceNamespace"


def test_reset_registers_it_again(s):
    s.resources.providers.unregister(NS)
    s.emulator.reset()
    assert s.resources.providers.get(NS).registration_state == "Registered"
