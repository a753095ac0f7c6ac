"""Container group profiles (api-version 2024-05-01-preview), as the Azure CLI's recordings
show them (tests/conformance/public/azcli_test_container_group_profile_*.json)."""

from __future__ import annotations

import base64

import pytest

from .conftest import LOC, RG

API = "2024-05-01-preview"
SECRET = base64.b64encode(b"s3cret-profile").decode()


def _profile(restart: str = "Never", **props) -> dict:
    p = {"osType": "Linux", "restartPolicy": restart,
         "containers": [{"name": "c1", "properties": {
             "image": "alpine:latest", "command": ["/bin/sh", "-c", "sleep 60"],
             "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.0}},
             "volumeMounts": [{"name": "secrets", "mountPath": "/s"}]}}],
         "volumes": [{"name": "secrets", "secret": {"k": SECRET}}]}
    p.update(props)
    return {"location": LOC, "properties": p}


def _path(cloud, name: str, rg: str = RG) -> str:
    return (f"/subscriptions/{cloud.sub}/resourceGroups/{rg}/providers/"
            f"Microsoft.ContainerInstance/containerGroupProfiles/{name}")


def test_profile_revisions_are_kept_and_readable(cloud):
    """test_container_group_profile_update: PUT 201 revision 1, a changed PUT 200 revision 2,
    both revisions readable; no provisioningState, no async operation, secrets blanked."""
    st, headers, first = cloud.raw("PUT", _path(cloud, "p1"), _profile("Never"), api=API)
    assert st == 201 and first["properties"]["revision"] == 1
    assert "azure-asyncoperation" not in {k.lower() for k in headers}
    assert "provisioningState" not in first["properties"]
    assert first["properties"]["volumes"] == [{"name": "secrets", "secret": {}}]
    assert first["type"] == "Microsoft.ContainerInstance/containerGroupProfiles"
    st, _, second = cloud.raw("PUT", _path(cloud, "p1"), _profile("OnFailure"), api=API)
    assert (st, second["properties"]["revision"]) == (200, 2)
    # the same properties again add no revision (PROFILE_SAME_SPEC_KEEPS_REVISION)
    st, _, again = cloud.raw("PUT", _path(cloud, "p1"), _profile("OnFailure"), api=API)
    assert (st, again["properties"]["revision"]) == (200, 2)
    _, _, r1 = cloud.raw("GET", _path(cloud, "p1") + "/revisions/1", api=API)
    _, _, r2 = cloud.raw("GET", _path(cloud, "p1") + "/revisions/2", api=API)
    assert (r1["properties"]["restartPolicy"], r2["properties"]["restartPolicy"]) == \
        ("Never", "OnFailure")
    _, _, latest = cloud.raw("GET", _path(cloud, "p1"), api=API)
    assert latest == r2
    _, _, every = cloud.raw("GET", _path(cloud, "p1") + "/revisions", api=API)
    assert [r["properties"]["revision"] for r in every["value"]] == [1, 2]
    st, _, err = cloud.raw("GET", _path(cloud, "p1") + "/revisions/3", api=API)
    assert st == 404 and "revisions are 1 to 2" in err["error"]["message"]
    prov = f"/subscriptions/{cloud.sub}/providers/Microsoft.ContainerInstance"
    _, _, listed = cloud.raw("GET", prov + "/containerGroupProfiles", api=API)
    assert [p["name"] for p in listed["value"]] == ["p1"]
    assert b"s3cret-profile" not in b"".join(cloud.bodies())
    assert SECRET.encode() not in b"".join(cloud.bodies())
    st, _, body = cloud.raw("DELETE", _path(cloud, "p1"), api=API)
    assert (st, body) == (200, None)
    assert cloud.raw("GET", _path(cloud, "p1"), api=API)[0] == 404
    assert cloud.raw("DELETE", _path(cloud, "p1"), api=API)[0] == 204


def test_bad_profiles_are_refused_and_change_nothing(cloud):
    """A profile gets a container group's checks; a Confidential one may ask only for
    privileged (test_container_group_profile_create_with_confidential_sku: 400)."""
    bad = _profile()
    bad["properties"]["containers"][0]["properties"]["resources"]["requests"]["cpu"] = 0
    st, _, err = cloud.raw("PUT", _path(cloud, "bad"), bad, api=API)
    assert st == 400
    conf = _profile(sku="Confidential")
    conf["properties"]["containers"][0]["properties"]["securityContext"] = {
        "privileged": True, "allowPrivilegeEscalation": True, "capabilities": {}}
    st, _, err = cloud.raw("PUT", _path(cloud, "conf"), conf, api=API)
    assert (st, err["error"]["code"]) == (400, "SecurityContextNotSupported")
    assert "Only the \"Privileged\" flag is supported" in err["error"]["message"]
    for name in ("bad", "conf"):
        assert cloud.raw("GET", _path(cloud, name), api=API)[0] == 404
    # a version whose spec does not document profiles: ARM's NoRegisteredProviderFound
    st, _, err = cloud.raw("PUT", _path(cloud, "old"), _profile(), api="2023-05-01")
    assert (st, err["error"]["code"]) == (400, "NoRegisteredProviderFound")


@pytest.mark.parametrize("how", ["resource group", "reset"])
def test_profiles_go_with_their_resource_group(cloud, how):
    assert cloud.raw("PUT", _path(cloud, "p"), _profile(), api=API)[0] == 201
    if how == "reset":
        cloud.emu.reset()
        cloud.res.resource_groups.create_or_update(RG, {"location": LOC})
    else:
        cloud.res.resource_groups.begin_delete(RG).result()
        cloud.res.resource_groups.create_or_update(RG, {"location": LOC})
    assert cloud.raw("GET", _path(cloud, "p"), api=API)[0] == 404


def test_a_group_from_a_standby_pool_is_the_profiles_and_runs_at_once(cloud):
    """test_container_reuse_from_standbypool_outbound: a PUT naming containerGroupProfile and
    standbyPoolProfile, whose containers name only a configMap, answers 201 with the pool's
    group already Running (the profile's containers, isCreatedFromStandbyPool true, the
    profile reference echoed, the pool's not); its operation is Succeeded at once, with no
    properties."""
    assert cloud.raw("PUT", _path(cloud, "pool"), _profile(), api=API)[0] == 201
    ref = {"id": _path(cloud, "pool"), "revision": 1}
    pool = {"id": f"/subscriptions/{cloud.sub}/resourceGroups/{RG}/providers/"
                  f"Microsoft.StandbyPool/standbyContainerGroupPools/p",
            "failContainerGroupCreateOnReuseFailure": False}
    req = {"location": LOC, "properties": {
        "containers": [{"name": "mine", "properties": {"configMap": {"keyValuePairs": {"K": "V"}}}}],
        "containerGroupProfile": ref, "standbyPoolProfile": pool}}
    st, headers, put = cloud.raw("PUT", cloud.cg_path("reused"), req, api=API)
    assert st == 201, put
    p = put["properties"]
    assert p["isCreatedFromStandbyPool"] is True and p["provisioningState"] == "Succeeded"
    assert p["containerGroupProfile"] == ref and "standbyPoolProfile" not in p
    assert [c["name"] for c in p["containers"]] == ["c1"]
    assert p["containers"][0]["properties"]["instanceView"]["currentState"]["state"] == "Running"
    assert p["instanceView"]["state"] == "Running"
    op_url = {k.lower(): v for k, v in headers.items()}["azure-asyncoperation"]
    _, _, op = cloud.raw("GET", op_url.split("management.azure.com", 1)[-1], api=None)
    assert op["status"] == "Succeeded" and "properties" not in op
    # the profile's secret volume came along, and is not shown
    assert p["volumes"] == [{"name": "secrets", "secret": {}}]
    # an ordinary group of the same version says it was not made from a pool
    plain = _profile()
    st, _, made = cloud.raw("PUT", cloud.cg_path("plain"), plain, api=API)
    assert st == 201 and made["properties"]["isCreatedFromStandbyPool"] is False


def test_a_group_naming_a_missing_profile_is_refused_and_not_made(cloud):
    req = {"location": LOC, "properties": {
        "containers": [{"name": "mine", "properties": {}}],
        "containerGroupProfile": {"id": _path(cloud, "none"), "revision": 1}}}
    st, _, err = cloud.raw("PUT", cloud.cg_path("g"), req, api=API)
    assert st == 404 and "containerGroupProfiles/none" in err["error"]["message"]
    assert cloud.raw("PUT", _path(cloud, "one"), _profile(), api=API)[0] == 201
    req["properties"]["containerGroupProfile"] = {"id": _path(cloud, "one"), "revision": 2}
    st, _, err = cloud.raw("PUT", cloud.cg_path("g"), req, api=API)
    assert st == 404 and "revisions are 1 to 1" in err["error"]["message"]
    req["properties"]["containerGroupProfile"] = {"id": "/not/an/id"}
    st, _, err = cloud.raw("PUT", cloud.cg_path("g"), req, api=API)
    assert (st, err["error"]["code"]) == (400, "InvalidRequestContent")
    assert cloud.raw("GET", cloud.cg_path("g"), api=API)[0] == 404
