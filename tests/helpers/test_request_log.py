"""The session's request log: what the two clients sent, for the exercises' checks."""

from __future__ import annotations

from aci_helpers import connect, ensure_resource_group, single_container_group, wait


def test_the_log_sees_every_request_of_both_clients(s):
    ensure_resource_group(s)
    with s.requests.capture() as sent:
        wait(s.aci.container_groups.begin_create_or_update(
            s.resource_group, "aci-log", single_container_group("aci-log", s.location)))
        s.aci.container_groups.get(s.resource_group, "aci-log")
    methods = [r.method for r in sent]
    assert methods[0] == "PUT" and methods[-1] == "GET" and len(sent) >= 3
    assert all("?" not in r.url for r in sent)  # no query strings, nothing but method and URL
    assert sent[-1].url.endswith("/containerGroups/aci-log")
    with s.requests.capture() as none:
        pass
    assert none == []
    assert s.requests.entries[-1] == sent[-1]


def test_the_log_is_on_the_azure_clients_too(clean_env, no_network):
    clean_env.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000001")
    s = connect("azure")
    for client in (s.aci, s.resources):
        runners = client._client._pipeline._impl_policies
        assert any(getattr(r, "_policy", None) is s.requests for r in runners)
    assert s.requests.count == 0
