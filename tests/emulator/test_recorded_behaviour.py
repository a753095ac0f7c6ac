"""Behaviours the public recordings of real ACI traffic show (tests/conformance/public),
modelled by the emulator: each test names the transcript it follows."""

from __future__ import annotations

import base64
import re
from datetime import datetime

from .conftest import LOC, RG


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _confidential(policy: dict | None) -> dict:
    props = {"osType": "Linux", "sku": "Confidential", "restartPolicy": "Never",
             "containers": [{"name": "c", "properties": {
                 "image": "alpine", "command": ["/bin/sh", "-c", "sleep 60"],
                 "resources": {"requests": {"cpu": 1, "memoryInGB": 1}},
                 "securityContext": {"privileged": True, "allowPrivilegeEscalation": True}}}]}
    if policy is not None:
        props["confidentialComputeProperties"] = policy
    return {"location": LOC, "properties": props}


def test_a_confidential_group_gets_the_default_cce_policy(cloud):
    """azcli_test_container_create_with_confidential_sku (properties {}) and the .NET record
    CreateOrUpdate_ConfidentialContainerGroup (none sent): the same allow-all Rego policy, in
    the PUT's answer and every later one; a policy the request gives is kept."""
    for name, policy in (("empty", {}), ("absent", None)):
        status, _, put = cloud.raw("PUT", cloud.cg_path(name), _confidential(policy))
        assert status == 201, put
        _, _, got = cloud.raw("GET", cloud.cg_path(name))
        for body in (put, got):
            cce = body["properties"]["confidentialComputeProperties"]["ccePolicy"]
            rego = base64.b64decode(cce).decode()
            assert rego.startswith('package policy\n\napi_svn := "0.10.0"\n')
            assert 'exec_in_container := {"allowed": true, "env_list": null}' in rego
    own = base64.b64encode(b"package policy\n").decode()
    _, _, put = cloud.raw("PUT", cloud.cg_path("own"), _confidential({"ccePolicy": own}))
    assert put["properties"]["confidentialComputeProperties"] == {"ccePolicy": own}
    _, _, std = cloud.raw("PUT", cloud.cg_path("std"), {**_confidential(None), "properties": {
        **_confidential(None)["properties"], "sku": "Standard"}})
    assert "confidentialComputeProperties" not in std["properties"]


def test_service_flags_of_2024_05_01_preview(cloud):
    """azcli_test_container_create_with_acr (2024-05-01-preview): every group answer carries
    isCreatedFromStandbyPool false and each registry credential isDelegatedIdentity false;
    2023-05-01 knows neither."""
    body = {"location": LOC, "properties": {
        "osType": "Linux", "restartPolicy": "Never",
        "imageRegistryCredentials": [{"server": "myreg.azurecr.io", "username": "u",
                                      "password": "p4ss-w0rd"}],
        "containers": [{"name": "c", "properties": {
            "image": "alpine", "resources": {"requests": {"cpu": 1, "memoryInGB": 1}}}}]}}
    status, _, put = cloud.raw("PUT", cloud.cg_path("acr"), body, api="2024-05-01-preview")
    assert status == 201, put
    _, _, got = cloud.raw("GET", cloud.cg_path("acr"), api="2024-05-01-preview")
    for answer in (put, got):
        assert answer["properties"]["isCreatedFromStandbyPool"] is False
        assert [c["isDelegatedIdentity"] for c in
                answer["properties"]["imageRegistryCredentials"]] == [False]
    _, _, old = cloud.raw("GET", cloud.cg_path("acr"), api="2023-05-01")
    assert "isCreatedFromStandbyPool" not in old["properties"]
    assert "isDelegatedIdentity" not in old["properties"]["imageRegistryCredentials"][0]


def test_init_containers_show_completed_and_location_is_echoed_as_sent(cloud):
    """.NET SDK records (2021 ContainerGroupsStartRestartStopTest, 2023 CreateOrUpdate_*): an
    init container's view is Terminated, exit code 0, Completed, before the group's containers
    run (INIT_CONTAINERS_NOT_RUN); the 2021 answers give the location as the request wrote it,
    the fqdn the canonical region (LOCATION_ECHOED_AS_SENT)."""
    body = {"location": "East US", "properties": {
        "osType": "Linux", "restartPolicy": "Never",
        "ipAddress": {"type": "Public", "dnsNameLabel": "init-echo", "ports": [{"port": 80}]},
        "initContainers": [{"name": "init", "properties": {
            "image": "alpine", "command": ["/bin/sh", "-c", "sleep 5"]}}],
        "containers": [{"name": "web", "properties": {
            "image": "mcr.microsoft.com/azuredocs/aci-helloworld", "ports": [{"port": 80}],
            "resources": {"requests": {"cpu": 1, "memoryInGB": 1}}}}]}}
    status, _, put = cloud.raw("PUT", cloud.cg_path("init"), body)
    assert status == 201, put
    _, _, got = cloud.raw("GET", cloud.cg_path("init"))
    assert got["location"] == "East US"
    assert got["properties"]["ipAddress"]["fqdn"] == "init-echo.eastus.azurecontainer.io"
    iv = got["properties"]["initContainers"][0]["properties"]["instanceView"]
    cur = iv["currentState"]
    assert (cur["state"], cur["exitCode"], cur["detailStatus"]) == ("Terminated", 0, "Completed")
    main = got["properties"]["containers"][0]["properties"]["instanceView"]["currentState"]
    assert _when(cur["finishTime"]) <= _when(main["startTime"])
    _, _, listed = cloud.raw("GET", cloud.cg_path("init").rsplit("/", 1)[0])
    assert "instanceView" not in listed["value"][0]["properties"]["initContainers"][0][
        "properties"]
    assert cloud.aci.container_groups.get(RG, "init").location == "East US"


def test_usages_and_capabilities_as_recorded(cloud):
    """.NET SDK LocationTests (2021): usage ids keep the location as requested, with the
    recorded rows (and the emulator's StandardSpotCores last); capabilities list Linux
    Public/Private and Windows Public, the location upper-case."""
    loc = f"/subscriptions/{cloud.sub}/providers/Microsoft.ContainerInstance/locations/West%20US"
    _, _, usages = cloud.raw("GET", loc + "/usages")
    ids = [u["id"].rsplit("/usages/", 1) for u in usages["value"]]
    assert {base.rsplit("/", 1)[-1] for base, _ in ids} == {"West US"}
    assert [i for _, i in ids] == ["ContainerGroups", "standardCores", "standardK80Cores",
                                   "standardP100Cores", "standardV100Cores",
                                   "DedicatedContainerGroups", "dedicatedCores",
                                   "standardSpotCores"]
    assert usages["value"][1]["name"]["value"] == "StandardCores"
    _, _, caps = cloud.raw("GET", loc + "/capabilities")
    assert [(c["osType"], c["ipAddressType"], c["location"]) for c in caps["value"]] == [
        ("Linux", "Public", "WESTUS"), ("Linux", "Private", "WESTUS"),
        ("Windows", "Public", "WESTUS")]


def test_container_state_times_are_trimmed_as_the_service_writes_them(cloud):
    """Transcripts: '16:44:40.37Z', '16:06:59.268Z', '08:11:41Z' - milliseconds without
    trailing zeros (the instant clock's whole seconds: no fraction at all)."""
    body = {"location": LOC, "properties": {"osType": "Linux", "restartPolicy": "Never",
            "containers": [{"name": "c", "properties": {
                "image": "alpine", "command": ["/bin/sh", "-c", "echo hi"],
                "resources": {"requests": {"cpu": 1, "memoryInGB": 1}}}}]}}
    assert cloud.raw("PUT", cloud.cg_path("t"), body)[0] == 201
    _, _, got = cloud.raw("GET", cloud.cg_path("t"))
    state = got["properties"]["containers"][0]["properties"]["instanceView"]["currentState"]
    for key in ("startTime", "finishTime"):
        assert not re.search(r"\.\d*0Z$", state[key]) and state[key].endswith("Z"), state
