"""What issue 17's public evidence says the service does, modelled: volume kinds by
api-version (secretReference from the versions that define it). More cases follow the
create's order, the failed creates and the Spot quota."""

from __future__ import annotations

RG_PATH = "/subscriptions/{sub}/resourcegroups/rg1"


def _rg(cloud) -> None:
    status, _, _ = cloud.raw("PUT", RG_PATH.format(sub=cloud.sub), {"location": "westus"},
                             api="2021-04-01")
    assert status in (200, 201)


def _secret_reference_group() -> dict:
    return {"location": "westus", "properties": {
        "osType": "Linux", "restartPolicy": "Never",
        "secretReferences": [{"name": "token", "secretReferenceUri": "https://kv.vault.azure.net/secrets/token",
                              "identity": "/subscriptions/x/resourceGroups/r/providers/"
                                          "Microsoft.ManagedIdentity/userAssignedIdentities/u"}],
        "volumes": [{"name": "v", "secretReference": {"token.txt": "token"}}],
        "containers": [{"name": "c", "properties": {
            "image": "alpine", "command": ["cat", "/mnt/v/token.txt"],
            "resources": {"requests": {"cpu": 1, "memoryInGB": 1}},
            "volumeMounts": [{"name": "v", "mountPath": "/mnt/v"}]}}]}}


def test_a_secret_reference_volume_is_accepted_where_the_version_defines_it(cloud):
    """2025-09-01 (the 2025-09-01 spec's Volume.secretReference) and later accept it, and
    answer it; 2023-05-01 does not know the kind, so the volume has none and is refused."""
    _rg(cloud)
    for api in ("2025-09-01", "2026-05-01"):
        status, _, body = cloud.raw("PUT", cloud.cg_path(f"ref-{api[:4]}"), _secret_reference_group(), api=api)
        assert status == 201, body
        assert body["properties"]["volumes"] == [{"name": "v", "secretReference": {"token.txt": "token"}}]
        status, _, logs = cloud.raw("GET", cloud.cg_path(f"ref-{api[:4]}") + "/containers/c/logs", api=api)
        assert status == 200 and "cannot" in logs["content"].splitlines()[0]  # no Key Vault offline
    status, _, body = cloud.raw("PUT", cloud.cg_path("ref-2023"), _secret_reference_group(), api="2023-05-01")
    assert status == 400 and body["error"]["code"] == "InvalidVolume", body


# ---- the create's order: Succeeded once the containers have started ----------------------------

def test_the_create_succeeds_once_its_containers_have_started():
    """Microsoft's states page: Succeeded = the group got its containers into the running
    state; the recorded creates poll Pending before the container's Started, Succeeded after."""
    from aci_helpers.emulator import assumptions as A
    from aci_helpers.emulator.model import lifecycle as L
    from aci_helpers.emulator.model.records import Operation

    doc = {"runs": [{"start": 100.0, "kind": "create", "ip": None, "end": None}], "stopped_at": None}
    seen = [L.provisioning_state(doc, 100.0 + dt) for dt in
            (0.0, A.CREATING_AFTER, A.PULLED_AFTER, A.STARTED_AFTER - 0.01, A.STARTED_AFTER)]
    assert seen == ["Pending", "Creating", "Creating", "Creating", "Succeeded"]
    op = Operation("op", {"key": "k", "id": "i", "location": "westus", "start": 100.0,
                          "kind": "create", "done_at": 100.0 + A.STARTED_AFTER,
                          "pending": "Pending", "run": 0})
    assert op.status(100.0 + A.PULLED_AFTER) == "Pending"
    assert op.status(100.0 + A.STARTED_AFTER) == "Succeeded"


# ---- a program that is not in the image: the create fails ------------------------------------

def _task(command, image="mcr.microsoft.com/azuredocs/aci-wordcount", mounts=None, volumes=None):
    from azure.mgmt.containerinstance import models as m
    c = m.Container(name="c", image=image, command=command, volume_mounts=mounts,
                    resources=m.ResourceRequirements(requests=m.ResourceRequests(cpu=1, memory_in_gb=1)))
    return m.ContainerGroup(location="westus", os_type="Linux", restart_policy="Never",
                            containers=[c], volumes=volumes)


def test_an_exec_form_program_missing_from_the_image_fails_the_create(cloud):
    """MicrosoftDocs/azure-docs#106296: the create fails with a CodePackage activation error
    carrying the runtime's 'executable file not found in $PATH'; no process, no exit code."""
    import pytest
    from azure.core.exceptions import HttpResponseError

    poller = cloud.aci.container_groups.begin_create_or_update("rg1", "one", _task(["echo FOO BAR"]))
    with pytest.raises(HttpResponseError) as err:
        poller.result()
    assert err.value.error.code == "ContainerActivationFailed"
    message = err.value.error.message
    assert "There was an error during CodePackage activation" in message
    assert 'exec: "echo FOO BAR": executable file not found in $PATH' in message
    g = cloud.aci.container_groups.get("rg1", "one")
    assert g.provisioning_state == "Failed" and g.instance_view.state == "Failed"
    view = g.containers[0].instance_view
    assert view.current_state.state == "Waiting" and view.current_state.exit_code is None
    assert view.restart_count == 0
    failed = [e for e in view.events if e.type == "Warning"]
    assert [e.name for e in failed] == ["Failed"] and failed[0].message == message
    assert cloud.aci.containers.list_logs("rg1", "one", "c").content == ""
    # Started again, it fails again; deleted, it is gone
    with pytest.raises(HttpResponseError):
        cloud.aci.container_groups.begin_restart("rg1", "one").result()
    cloud.aci.container_groups.begin_delete("rg1", "one").result()


def test_a_shells_not_found_is_its_exit_code_127_and_the_create_succeeds(cloud):
    """POSIX: a shell exits 127 for a command it cannot find; the program that runs is the shell."""
    g = cloud.aci.container_groups.begin_create_or_update(
        "rg1", "typo", _task(["/bin/sh", "-c", "pyhton wordcount.py"])).result()
    assert g.provisioning_state == "Succeeded"
    g = cloud.aci.container_groups.get("rg1", "typo")
    state = g.containers[0].instance_view.current_state
    assert (state.state, state.exit_code, g.instance_view.state) == ("Terminated", 127, "Failed")
    assert "pyhton: not found" in cloud.aci.containers.list_logs("rg1", "typo", "c").content


def test_a_program_on_a_volume_is_looked_for_when_the_container_runs(cloud):
    """What a volume holds is known once the container runs: the create succeeds, and a
    program the volume does not hold exits 127 then."""
    from azure.mgmt.containerinstance import models as m
    g = cloud.aci.container_groups.begin_create_or_update("rg1", "vol", _task(
        ["/mnt/s/run.sh"], image="alpine", mounts=[m.VolumeMount(name="s", mount_path="/mnt/s")],
        volumes=[m.Volume(name="s", empty_dir={})])).result()
    assert g.provisioning_state == "Succeeded"
    state = cloud.aci.container_groups.get("rg1", "vol").containers[0].instance_view.current_state
    assert (state.state, state.exit_code) == ("Terminated", 127)


# ---- a region out of capacity, the create's other form: a failed operation -------------------

def test_an_injected_capacity_failure_fails_the_accepted_create(cloud):
    """Azure/Azure-Landing-Zones#2404: the PUT is accepted, the operation ends Failed with the
    capacity message and an 'InsufficientCapacity.' Warning event; nothing was placed."""
    import pytest
    from azure.core.exceptions import HttpResponseError

    _rg(cloud)
    cloud.emu.inject_fault("PUT", r"/containerGroups/far$", during="operation")
    status, headers, body = cloud.raw("PUT", cloud.cg_path("far"), {
        "location": "westus", "properties": {"osType": "Linux", "containers": [{"name": "c", "properties": {
            "image": "alpine", "resources": {"requests": {"cpu": 1, "memoryInGB": 1.5}}}}]}})
    assert status == 201 and body["properties"]["provisioningState"] == "Pending"
    op_path = headers["Azure-AsyncOperation"].split("management.azure.com")[1].split("?")[0]
    _, _, op = cloud.raw("GET", op_path, api="2018-06-01")
    message = ("The requested resource is not available in the location 'westus' at this moment. "
               "Please retry with a different resource request or in another location. Resource "
               "requested: '1' CPU '1.5' GB memory 'Linux' OS")
    assert op["status"] == "Failed" and op["error"] == {"code": "ServiceUnavailable", "message": message}
    assert [(e["name"], e["type"]) for e in op["properties"]["events"]] == [("InsufficientCapacity.", "Warning")]
    _, _, got = cloud.raw("GET", cloud.cg_path("far"))
    p = got["properties"]
    assert p["provisioningState"] == "Failed" and p["instanceView"]["state"] == "Failed"
    assert [e["name"] for e in p["instanceView"]["events"]] == ["InsufficientCapacity."]
    assert "instanceView" not in p["containers"][0]["properties"]
    # the SDK's poller raises it; the fault is spent: the next create of the name succeeds
    cloud.emu.inject_fault("PUT", r"/containerGroups/far2$", during="operation")
    with pytest.raises(HttpResponseError) as err:
        cloud.aci.container_groups.begin_create_or_update("rg1", "far2", _task(["echo", "hi"])).result()
    assert err.value.error.code == "ServiceUnavailable" and "not available in the location" in str(err.value)
    cloud.aci.container_groups.begin_delete("rg1", "far2").result()
    cloud.aci.container_groups.begin_create_or_update("rg1", "far2", _task(["echo", "hi"])).result()


def test_an_operation_fault_is_refused_unless_it_can_be_one(cloud):
    import pytest
    with pytest.raises(ValueError, match="during must be"):
        cloud.emu.inject_fault("PUT", "x", during="later")
    with pytest.raises(ValueError, match="the method is 'PUT'"):
        cloud.emu.inject_fault("GET", "x", during="operation")
    with pytest.raises(ValueError, match="event names"):
        cloud.emu.inject_fault("PUT", "x", event="Boom")
