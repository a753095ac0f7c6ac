"""Every served api-version, driven by the real SDK clients built with ``api_version=``, and
the views one stored group gets in each version; the newer versions' resource types."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerinstance import ContainerInstanceManagementClient
from azure.mgmt.containerinstance import models as m

from aci_helpers.emulator import assumptions as A
from aci_helpers.emulator.model import versions as V

from .conftest import LOC, RG, container, group

HELLO = "mcr.microsoft.com/azuredocs/aci-helloworld"


def _body(restart: str | None = None, **props) -> dict:
    p = {"osType": "Linux", "containers": [{"name": "c1", "properties": {
        "image": HELLO, "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.5}}}}]}
    if restart:
        p["restartPolicy"] = restart
    p.update(props)
    return {"location": LOC, "properties": p}


@pytest.mark.parametrize("api", A.ACI_API_VERSIONS)
def test_sdk_clients_built_for_each_version_run_the_tutorial_flow(cloud, api):
    """create -> get -> logs -> list -> delete with the real client sending ``api``."""
    aci = ContainerInstanceManagementClient(cloud.emu.credential(), cloud.sub,
                                            transport=cloud.transport, api_version=api)
    g = group(container(ports=[m.ContainerPort(port=80)]),
              ip=m.IpAddress(type="Public", ports=[m.Port(port=80)]))
    created = aci.container_groups.begin_create_or_update(RG, "hello", g).result()
    assert created.provisioning_state == "Succeeded"
    got = aci.container_groups.get(RG, "hello")
    assert got.instance_view.state == "Running" and got.ip_address.ip
    assert aci.containers.list_logs(RG, "hello", "c1").content.startswith("listening on port 80")
    assert [x.name for x in aci.container_groups.list_by_resource_group(RG)] == ["hello"]
    aci.container_groups.begin_delete(RG, "hello").result()
    sent = {x.url.split("api-version=")[1].split("&")[0] for x in cloud.transport.exchanges
            if "/containerGroups" in x.url}
    assert sent == {api}


def test_an_unknown_version_is_refused_with_the_served_list(cloud):
    st, headers, body = cloud.raw("GET", cloud.cg_path("g1"), api="2025-05-01-preview")
    assert st == 400 and body["error"]["code"] == "NoRegisteredProviderFound"
    assert f"The supported api-versions are '{', '.join(A.ACI_API_VERSIONS)}'." in \
        body["error"]["message"]
    assert headers["x-ms-failure-cause"] == "gateway"


def test_members_a_version_does_not_know_are_neither_stored_nor_returned(cloud):
    """configMap arrived with 2024-05-01-preview: at 2023-05-01 it is dropped, as ARM's
    deserializer drops unknown members; at 2024-05-01-preview it is kept and returned."""
    cm = {"keyValuePairs": {"K": "v"}}
    body = _body()
    body["properties"]["containers"][0]["properties"]["configMap"] = cm
    st, _, old = cloud.raw("PUT", cloud.cg_path("old"), body, api="2023-05-01")
    assert st == 201 and "configMap" not in old["properties"]["containers"][0]["properties"]
    st, _, new = cloud.raw("PUT", cloud.cg_path("new"), body, api="2024-05-01-preview")
    assert st == 201 and new["properties"]["containers"][0]["properties"]["configMap"] == cm
    # stored once, viewed per version: the older version does not show what it cannot know
    _, _, as_old = cloud.raw("GET", cloud.cg_path("new"), api="2023-05-01")
    assert "configMap" not in as_old["properties"]["containers"][0]["properties"]
    _, _, as_new = cloud.raw("GET", cloud.cg_path("new"), api="2026-06-01-preview")
    assert as_new["properties"]["containers"][0]["properties"]["configMap"] == cm
    _, _, old_as_new = cloud.raw("GET", cloud.cg_path("old"), api="2026-05-01")
    assert "configMap" not in old_as_new["properties"]["containers"][0]["properties"]


def test_each_version_is_validated_by_its_own_model(cloud):
    body = _body()
    body["properties"]["containers"][0]["properties"]["configMap"] = {"keyValuePairs": [1]}
    st, _, err = cloud.raw("PUT", cloud.cg_path("bad"), body, api="2025-09-01")
    assert st == 400 and err["error"]["code"] == "InvalidRequestContent"
    assert "configMap.keyValuePairs" in err["error"]["message"]
    st, _, _ = cloud.raw("PUT", cloud.cg_path("bad"), body, api="2023-05-01")  # unknown: ignored
    assert st == 201


def test_restart_policy_when_omitted_follows_the_version(cloud):
    """Evidence (Azure/azure-cli, src/azure-cli/azure/cli/command_modules/container/tests/
    latest/recordings/test_container_reuse_from_standbypool_outbound.yaml, recorded
    2025-07-21): a PUT at api-version=2024-05-01-preview whose body has no restartPolicy is
    answered ``..."initContainers":[],"imageRegistryCredentials":[],"osType":"Linux",
    "instanceView":{...}`` - no restartPolicy. At 2023-05-01 the service fills ``Always``
    (aci-behaviour.md). The containers restart as Always in every version."""
    st, _, b = cloud.raw("PUT", cloud.cg_path("g"), _body(), api="2024-05-01-preview")
    assert st == 201 and "restartPolicy" not in b["properties"]
    for api in A.ACI_API_VERSIONS:
        _, _, got = cloud.raw("GET", cloud.cg_path("g"), api=api)
        if api in A.RESTART_POLICY_ECHOED_WHEN_OMITTED:
            assert got["properties"]["restartPolicy"] == "Always", api
        else:
            assert "restartPolicy" not in got["properties"], api
    cloud.raw("PUT", cloud.cg_path("set"), _body("OnFailure"), api="2025-09-01")
    _, _, got = cloud.raw("GET", cloud.cg_path("set"), api="2025-09-01")
    assert got["properties"]["restartPolicy"] == "OnFailure"      # sent: always echoed
    # behaviour: a container that exits is restarted (Always) whatever the version shows
    loop = _body()
    loop["properties"]["containers"][0]["properties"].update(
        image="alpine:latest", command=["/bin/sh", "-c", "exit 1"])
    cloud.raw("PUT", cloud.cg_path("loop"), loop, api="2026-05-01")
    _, _, got = cloud.raw("GET", cloud.cg_path("loop"), api="2026-05-01")
    assert got["properties"]["containers"][0]["properties"]["instanceView"]["restartCount"] >= 1


def test_user_assigned_identity_carries_the_tenant_id(cloud):
    """Evidence (Azure/azure-cli, .../recordings/test_container_create_with_msi.yaml, PUT at
    2021-09-01 with ``"identity": {"type": "UserAssigned", "userAssignedIdentities": {...}}``)
    answered ``"identity":{"userAssignedIdentities":{"/subscriptions/.../cliaciidentity000005":
    {"principalId":"600b44a9-...","clientId":"d9c4002c-..."}},"tenantId":"54826b22-...",
    "type":"UserAssigned"}``."""
    uai = (f"/subscriptions/{cloud.sub}/resourceGroups/{RG}/providers/"
           f"Microsoft.ManagedIdentity/userAssignedIdentities/id1")
    g = group(identity=m.ContainerGroupIdentity(
        type="UserAssigned", user_assigned_identities={uai: m.UserAssignedIdentities()}))
    cloud.aci.container_groups.begin_create_or_update(RG, "uai", g).result()
    st, _, body = cloud.raw("GET", cloud.cg_path("uai"))
    ident = body["identity"]
    assert list(ident) == ["userAssignedIdentities", "tenantId", "type"]
    assert ident["tenantId"] == A.TENANT_ID and ident["type"] == "UserAssigned"
    assert set(ident["userAssignedIdentities"][uai]) == {"principalId", "clientId"}


def test_private_ip_address_is_omitted_until_it_exists(cloud):
    """Evidence (Azure/azure-cli, .../recordings/test_container_create_with_vnet.yaml): the
    PUT of a group with ``"ipAddress": {"ports": [...], "type": "Private"}`` is answered
    ``..."initContainers":[],"restartPolicy":"Always","osType":"Linux","instanceView":{"events"
    :[],"state":"Pending"},"subnetIds":[...]`` (no ipAddress); once Running the GET carries
    ``"ipAddress":{"ports":[{"protocol":"TCP","port":80}],"ip":"10.0.0.4","type":"Private"}``."""
    body = _body(ipAddress={"type": "Private", "ports": [{"port": 80}]},
                 subnetIds=[{"id": "/subscriptions/s/resourceGroups/r/providers/"
                                   "Microsoft.Network/virtualNetworks/v/subnets/s"}])
    body["properties"]["containers"][0]["properties"]["ports"] = [{"port": 80}]
    st, _, put = cloud.raw("PUT", cloud.cg_path("private"), body)
    assert st == 201 and "ipAddress" not in put["properties"]
    _, _, got = cloud.raw("GET", cloud.cg_path("private"))
    ip = got["properties"]["ipAddress"]
    assert ip["type"] == "Private" and ip["ip"].startswith("10.") and ip["ports"]
    # a public group's PUT answer still carries ipAddress (without an ip yet), as recorded
    pub = _body(ipAddress={"type": "Public", "ports": [{"port": 80}]})
    pub["properties"]["containers"][0]["properties"]["ports"] = [{"port": 80}]
    _, _, put = cloud.raw("PUT", cloud.cg_path("public"), pub)
    assert put["properties"]["ipAddress"]["type"] == "Public"
    assert "ip" not in put["properties"]["ipAddress"]


@pytest.mark.parametrize("rtype", ["ngroups", "sandboxGroups"])
def test_newer_resource_types_are_listed_empty_or_refused_honestly(cloud, rtype):
    documenting = V.versions_documenting(rtype)
    assert documenting and "2023-05-01" not in documenting
    rg_path = f"/subscriptions/{cloud.sub}/resourceGroups/{RG}/providers/Microsoft.ContainerInstance"
    # a version whose spec does not document the type: ARM's NoRegisteredProviderFound
    st, _, body = cloud.raw("GET", f"{rg_path}/{rtype}", api="2023-05-01")
    assert st == 400 and body["error"]["code"] == "NoRegisteredProviderFound"
    assert f"'{', '.join(documenting)}'" in body["error"]["message"]
    api = documenting[-1]
    st, _, body = cloud.raw("GET", f"{rg_path}/{rtype}", api=api)
    assert (st, body) == (200, {"value": []})
    st, _, body = cloud.raw("PUT", f"{rg_path}/{rtype}/x1", {"location": LOC, "properties": {}},
                            api=api)
    assert st == 501 and body["error"]["code"] == "NotImplemented"
    assert rtype in body["error"]["message"] and "nothing was created" in body["error"]["message"]
    st, _, body = cloud.raw("GET", f"{rg_path}/{rtype}", api=api)
    assert body == {"value": []}


def test_every_served_version_has_its_type_trees():
    for v in A.ACI_API_VERSIONS:
        api = V.api(v)
        assert api.request["p"]["properties"]["p"]["containers"]
        assert "containerGroups" in api.resource_types
    assert V.covers("2026-06-01-preview", "2023-05-01")
    assert not V.covers("2023-05-01", "2024-05-01-preview")
    with pytest.raises(KeyError):
        V.api("2025-05-01-preview")


def test_bad_input_changes_nothing_in_any_version(cloud):
    for api in A.ACI_API_VERSIONS:
        body = _body()
        body["properties"]["containers"][0]["properties"]["resources"]["requests"]["cpu"] = "x"
        st, _, err = cloud.raw("PUT", cloud.cg_path("g"), body, api=api)
        assert st == 400 and err["error"]["code"] == "InvalidRequestContent", api
    with pytest.raises(HttpResponseError):
        cloud.aci.container_groups.get(RG, "g")


@pytest.mark.parametrize("api", A.RESOURCES_API_VERSIONS)
def test_resource_group_clients_of_every_accepted_version(cloud, api):
    """azure-mgmt-resource 23-26 bundle and send these versions; the group's shape is the
    same in all of them."""
    from azure.mgmt.resource.resources import ResourceManagementClient
    res = ResourceManagementClient(cloud.emu.credential(), cloud.sub, transport=cloud.transport,
                                   api_version=api)
    made = res.resource_groups.create_or_update("rg-v", {"location": LOC, "tags": {"v": api}})
    assert made.name == "rg-v" and made.tags == {"v": api}
    assert res.resource_groups.check_existence("rg-v")
    assert "rg-v" in [g.name for g in res.resource_groups.list()]
    res.resource_groups.begin_delete("rg-v").result()
    assert not res.resource_groups.check_existence("rg-v")


def test_key_vault_references_of_newer_versions_are_echoed_and_secrets_are_not(cloud):
    """secretReferences and the ...Reference members (2024-10-01-preview and later) are
    references, not secrets: stored and returned; the secrets beside them never are."""
    body = _body(secretReferences=[{"name": "pw", "identity": "/subscriptions/s/id",
                                    "secretReferenceUri": "https://kv.vault.azure.net/secrets/x"}])
    c = body["properties"]["containers"][0]["properties"]
    c["environmentVariables"] = [{"name": "A", "secureValueReference": "pw"},
                                 {"name": "B", "secureValue": "s3cret-env"}]
    st, _, put = cloud.raw("PUT", cloud.cg_path("kv"), body, api="2024-10-01-preview")
    assert st == 201, put
    for api in ("2024-10-01-preview", "2025-09-01"):
        _, _, got = cloud.raw("GET", cloud.cg_path("kv"), api=api)
        env = got["properties"]["containers"][0]["properties"]["environmentVariables"]
        assert env == [{"name": "A", "secureValueReference": "pw"}, {"name": "B"}], api
        assert got["properties"]["secretReferences"][0]["name"] == "pw"
    _, _, old = cloud.raw("GET", cloud.cg_path("kv"), api="2023-05-01")
    assert "secretReferences" not in old["properties"]
    assert old["properties"]["containers"][0]["properties"]["environmentVariables"] == \
        [{"name": "A"}, {"name": "B"}]
    assert b"s3cret-env" not in b"".join(cloud.bodies())


def test_the_provider_lists_each_type_with_the_versions_that_document_it(cloud):
    from azure.mgmt.resource.resources import ResourceManagementClient
    res = ResourceManagementClient(cloud.emu.credential(), cloud.sub, transport=cloud.transport)
    types = {t.resource_type: t.api_versions
             for t in res.providers.get("Microsoft.ContainerInstance").resource_types}
    assert types["containerGroups"] == list(A.ACI_API_VERSIONS)
    for rtype in ("containerGroupProfiles", "ngroups", "sandboxGroups"):
        assert types[rtype] == list(V.versions_documenting(rtype))
