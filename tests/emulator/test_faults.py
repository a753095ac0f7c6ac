"""Injected faults: ARM errors on demand, answered through the real SDK, changing nothing."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest

from aci_helpers.emulator import Emulator

from .conftest import BASE, LOC, RG, Cloud, group


def test_a_fault_reaches_the_sdk_and_changes_nothing(cloud):
    cloud.emu.inject_fault("PUT", r"/containerGroups/web$", status=409, code="ServiceUnavailable",
                           message="The requested resource is not available in the location 'eastus' "
                                   "at this moment.")
    with pytest.raises(HttpResponseError) as err:
        cloud.aci.container_groups.begin_create_or_update(RG, "web", group())
    assert err.value.status_code == 409 and err.value.error.code == "ServiceUnavailable"
    assert "not available in the location" in err.value.error.message
    assert [g.name for g in cloud.aci.container_groups.list()] == []
    # once only: the retry goes through
    cloud.aci.container_groups.begin_create_or_update(RG, "web", group()).result()
    assert [g.name for g in cloud.aci.container_groups.list()] == ["web"]


def test_throttling_is_retried_by_azure_core_as_on_azure(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "web", group()).result()
    cloud.emu.inject_fault("GET", r"/containerGroups/web$", status=429, code="TooManyRequests",
                           retry_after=2, times=2)
    cloud.transport.exchanges.clear()
    assert cloud.aci.container_groups.get(RG, "web").name == "web"
    statuses = [x.status for x in cloud.transport.exchanges]
    assert statuses == [429, 429, 200]
    assert cloud.transport.exchanges[0].response_headers["Retry-After"] == "2"


@pytest.mark.parametrize("status, phrase", [(429, "Too Many Requests"), (503, "Service Unavailable"),
                                            (409, "Conflict"), (599, "Unknown")])
def test_an_injected_status_has_its_http_reason_phrase(cloud, status, phrase):
    """What the SDK's ``HttpResponseError`` shows next to the status (was "Unknown" for any
    status outside a hand-written table: 429 and 503 included)."""
    cloud.emu.inject_fault("GET", r"/containerGroups/web$", status=status, code="Injected")
    resp = cloud.transport.send(HttpRequest(
        "GET", BASE + cloud.cg_path("web") + "?api-version=2023-05-01",
        headers={"Authorization": "Bearer t"}))
    assert (resp.status_code, resp.reason) == (status, phrase)


def test_default_message_says_it_was_injected_and_reset_clears():
    c = Cloud(Emulator(None, clock="instant"))
    c.emu.inject_fault("PUT", "resourcegroups", status=500, code="InternalServerError", times=99)
    with pytest.raises(HttpResponseError) as err:
        c.res.resource_groups.create_or_update(RG, {"location": LOC})
    assert "inject_fault" in err.value.error.message
    c.emu.reset()
    c.res.resource_groups.create_or_update(RG, {"location": LOC})


@pytest.mark.parametrize("kwargs, words", [
    ({"method": "", "path": "x"}, "method must be an HTTP method"),
    ({"method": "GET", "path": "("}, "path must be a regular expression"),
    ({"method": "GET", "path": "x", "status": 200}, "status must be an HTTP error status"),
    ({"method": "GET", "path": "x", "times": 0}, "times must be a positive integer"),
    ({"method": "GET", "path": "x", "code": ""}, "code must be a non-empty ARM error code"),
    ({"method": "GET", "path": "x", "retry_after": -1}, "retry_after must be"),
])
def test_bad_arguments_are_refused(kwargs, words):
    emu = Emulator(None, clock="instant")
    with pytest.raises(ValueError, match=words):
        emu.inject_fault(**kwargs)
