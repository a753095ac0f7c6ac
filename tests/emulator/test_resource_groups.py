"""Resource groups through azure-mgmt-resource 26."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from .conftest import LOC, RG, group


def test_create_get_head_list_patch(cloud):
    st, _, body = cloud.raw("PUT", f"/subscriptions/{cloud.sub}/resourcegroups/rg2",
                            {"location": "West US", "tags": {"a": "b"}}, api="2025-04-01")
    assert st == 201
    assert body == {"id": f"/subscriptions/{cloud.sub}/resourceGroups/rg2", "name": "rg2",
                    "type": "Microsoft.Resources/resourceGroups", "location": "westus",
                    "tags": {"a": "b"}, "properties": {"provisioningState": "Succeeded"}}
    st, _, _ = cloud.raw("PUT", f"/subscriptions/{cloud.sub}/resourcegroups/rg2",
                         {"location": "westus"}, api="2025-04-01")
    assert st == 200
    assert cloud.res.resource_groups.get("RG2").name == "rg2"
    assert cloud.res.resource_groups.check_existence("rg2") is True
    assert cloud.res.resource_groups.check_existence("zzz") is False
    assert sorted(g.name for g in cloud.res.resource_groups.list()) == ["rg1", "rg2"]
    r = cloud.res.resource_groups.update("rg2", {"tags": {"x": "y"}})
    assert r.tags == {"x": "y"}
    with pytest.raises(ResourceNotFoundError) as e:
        cloud.res.resource_groups.get("zzz")
    assert e.value.error.code == "ResourceGroupNotFound"


def test_names_and_location(cloud):
    for bad in ("ends.", "bad/name", "x" * 91, "sp ace"):
        with pytest.raises(HttpResponseError) as e:
            cloud.res.resource_groups.create_or_update(bad, {"location": LOC})
        assert e.value.error.code in ("InvalidResourceGroup", "InvalidResourceType", "NotFound")
    with pytest.raises(HttpResponseError) as e:
        cloud.res.resource_groups.create_or_update("ok", {"tags": {}})
    assert e.value.error.code == "LocationRequired"
    with pytest.raises(HttpResponseError) as e:
        cloud.res.resource_groups.create_or_update(RG, {"location": "eastus"})
    assert e.value.error.code == "InvalidResourceGroupLocation"


def test_delete_is_long_running_and_deletes_contents(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    assert [r.name for r in cloud.res.resources.list_by_resource_group(RG)] == ["g1"]
    st, headers, body = cloud.raw("DELETE", f"/subscriptions/{cloud.sub}/resourcegroups/{RG}",
                                  api="2025-04-01")
    assert st == 202 and body is None
    assert headers["Location"].startswith(
        f"https://management.azure.com/subscriptions/{cloud.sub}/operationresults/")
    assert list(cloud.aci.container_groups.list()) == []  # contents go at once
    loc = headers["Location"].split("management.azure.com")[1]
    st, _, _ = cloud.raw("GET", loc, api=None)
    assert st == 200  # the instant clock lets the deletion finish
    assert cloud.res.resource_groups.check_existence(RG) is False
    assert list(cloud.aci.container_groups.list()) == []
    with pytest.raises(ResourceNotFoundError):
        cloud.res.resource_groups.begin_delete(RG)
