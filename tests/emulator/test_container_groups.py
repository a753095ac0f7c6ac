"""Container groups and containers through the unmodified SDK (instant clock)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.containerinstance import models as m

from .conftest import LOC, RG, container, group, task


def test_create_answers_201_pending_with_async_operation(cloud):
    status, headers, body = cloud.raw("PUT", cloud.cg_path("g1"), cloud.aci.container_groups
                                      ._serialize.body(group(), "ContainerGroup"))
    assert status == 201
    op = headers["Azure-AsyncOperation"]
    assert op.startswith(f"https://management.azure.com/subscriptions/{cloud.sub}/providers/"
                         f"Microsoft.ContainerInstance/locations/{LOC}/operations/")
    assert op.endswith("?api-version=2018-06-01")
    assert headers["Retry-After"] == "1" and "Location" not in headers
    p = body["properties"]
    assert p["provisioningState"] == "Pending"
    assert p["instanceView"] == {"events": [], "state": "Pending"}
    assert p["sku"] == "Standard" and p["initContainers"] == []
    assert p["provisioningTimeoutInSeconds"] == 1800 and p["isCustomProvisioningTimeout"] is False
    assert p["restartPolicy"] == "Always" and p["osType"] == "Linux"
    c = p["containers"][0]["properties"]
    assert c["ports"] == [] and c["environmentVariables"] == [] and "instanceView" not in c
    assert c["resources"] == {"requests": {"memoryInGB": 1.5, "cpu": 1.0}}
    st, _, poll = cloud.raw("GET", op.split("management.azure.com")[1].split("?")[0],
                            api="2018-06-01")
    assert st == 200 and poll["status"] == "Succeeded"
    # Succeeded once the container has started (Microsoft's states page; the Azure CLI's
    # recorded creates poll Pending before Started and Succeeded after it)
    assert [e["name"] for e in poll["properties"]["events"]] == ["Pulling", "Pulled", "Started"]
    assert poll["id"] == cloud.cg_path("g1")


def test_create_get_running_with_events_ip_and_fqdn(cloud):
    ip = m.IpAddress(ports=[m.Port(port=80)], type="public", dns_name_label="hello-demo")
    cg = group(container(ports=[m.ContainerPort(port=80)]), ip=ip)
    r = cloud.aci.container_groups.begin_create_or_update(RG, "g1", cg).result()
    assert r.provisioning_state == "Succeeded"
    assert r.instance_view.state == "Running"
    assert r.ip_address.fqdn == f"hello-demo.{LOC}.azurecontainer.io"
    assert r.ip_address.ip and r.ip_address.type == "Public"
    assert r.ip_address.ports[0].protocol == "TCP"
    iv = r.containers[0].instance_view
    assert iv.current_state.state == "Running" and iv.current_state.detail_status == ""
    assert iv.restart_count == 0 and iv.previous_state is None
    assert [e.name for e in iv.events] == ["Pulling", "Pulled", "Started"]
    assert iv.events[0].message.startswith('pulling image "')
    got = cloud.aci.container_groups.get(RG, "g1")
    assert got.as_dict() == r.as_dict()
    logs = cloud.aci.containers.list_logs(RG, "g1", "c1").content
    assert logs.startswith("listening on port 80\n")


def test_get_missing_group_and_missing_resource_group(cloud):
    with pytest.raises(ResourceNotFoundError) as e:
        cloud.aci.container_groups.get(RG, "nope")
    assert e.value.error.code == "ResourceNotFound"
    assert e.value.error.message == (
        "The Resource 'Microsoft.ContainerInstance/containerGroups/nope' under resource group "
        "'rg1' was not found. For more details please go to "
        "https://aka.ms/ARMResourceNotFoundFix")
    with pytest.raises(ResourceNotFoundError) as e:
        cloud.aci.container_groups.begin_create_or_update("norg", "g1", group())
    assert e.value.error.code == "ResourceGroupNotFound"
    assert e.value.error.message == "Resource group 'norg' could not be found."


def test_list_has_no_instance_view_and_pages_with_absolute_next_link(cloud):
    for i in range(105):
        cloud.aci.container_groups.begin_create_or_update(RG, f"g{i:03d}", group())
    names = [g.name for g in cloud.aci.container_groups.list_by_resource_group(RG)]
    assert names == [f"g{i:03d}" for i in range(105)]
    assert len(list(cloud.aci.container_groups.list())) == 105
    st, _, first = cloud.raw("GET", f"/subscriptions/{cloud.sub}/providers/"
                                    f"Microsoft.ContainerInstance/containerGroups",
                             base="http://127.0.0.1:8080")
    assert len(first["value"]) == 100
    assert first["nextLink"].startswith("http://127.0.0.1:8080/subscriptions/")
    for g in first["value"]:
        assert "instanceView" not in g["properties"]
        assert all("instanceView" not in c["properties"] for c in g["properties"]["containers"])


def test_patch_tags_and_refused_update(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    r = cloud.aci.container_groups.update(RG, "g1", m.Resource(tags={"env": "dev"}))
    assert r.tags == {"env": "dev"}
    bigger = group(container(cpu=2.0))
    with pytest.raises(HttpResponseError) as e:
        cloud.aci.container_groups.begin_create_or_update(RG, "g1", bigger)
    assert e.value.error.code == "InvalidContainerGroupUpdate"
    assert "you must delete it first and then create a new one" in e.value.error.message
    with pytest.raises(HttpResponseError):
        cloud.aci.container_groups.begin_create_or_update(RG, "g1", group(restart="Never"))
    g = cloud.aci.container_groups.get(RG, "g1")
    assert g.containers[0].resources.requests.cpu == 1.0 and g.restart_policy == "Always"
    # an allowed update (new environment) redeploys: 200, events accumulate
    upd = group(container(env=[m.EnvironmentVariable(name="A", value="1")]))
    st, _, body = cloud.raw("PUT", cloud.cg_path("g1"),
                            cloud.aci.container_groups._serialize.body(upd, "ContainerGroup"))
    assert st == 200 and body["properties"]["provisioningState"] == "Pending"
    g = cloud.aci.container_groups.get(RG, "g1")
    assert [e.name for e in g.containers[0].instance_view.events].count("Pulling") == 2


def test_delete_returns_last_body_then_204(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    st, _, body = cloud.raw("DELETE", cloud.cg_path("g1"))
    assert st == 200 and body["name"] == "g1"
    assert body["properties"]["instanceView"]["state"] == "Running"
    st, _, body = cloud.raw("DELETE", cloud.cg_path("g1"))
    assert st == 204 and body is None
    cloud.aci.container_groups.begin_delete(RG, "g1").result()
    with pytest.raises(ResourceNotFoundError):
        cloud.aci.container_groups.get(RG, "g1")


def test_task_exit_zero_succeeds_and_exit_nonzero_fails_with_killing(cloud):
    ok = cloud.aci.container_groups.begin_create_or_update(
        RG, "ok", task("echo done; exit 0")).result()
    assert ok.instance_view.state == "Succeeded" and ok.provisioning_state == "Succeeded"
    cs = ok.containers[0].instance_view.current_state
    assert (cs.state, cs.exit_code, cs.detail_status) == ("Terminated", 0, "Completed")
    assert cs.finish_time >= cs.start_time
    assert cloud.aci.containers.list_logs(RG, "ok", "c1").content == "done\n"
    bad = cloud.aci.container_groups.begin_create_or_update(
        RG, "bad", task("echo oops; exit 2")).result()
    assert bad.instance_view.state == "Failed" and bad.provisioning_state == "Succeeded"
    iv = bad.containers[0].instance_view
    assert (iv.current_state.state, iv.current_state.exit_code,
            iv.current_state.detail_status) == ("Terminated", 2, "Error")
    assert iv.events[-1].name == "Killing"
    assert iv.events[-1].message.startswith("Killing container with id ")


def test_restart_policies_restart_at_once_as_recorded(cloud):
    """RESTART_AFTER_EXIT_SECONDS: Running throughout, a Killing event before each restart,
    no BackOff (the 2023 recordings)."""
    onf = cloud.aci.container_groups.begin_create_or_update(
        RG, "onf", task("exit 1", restart="OnFailure")).result()
    iv = onf.containers[0].instance_view
    assert iv.restart_count >= 1 and iv.previous_state.state == "Terminated"
    assert iv.previous_state.exit_code == 1
    assert iv.current_state.state == "Running" and iv.current_state.detail_status == ""
    assert iv.current_state.start_time == iv.previous_state.finish_time
    names = {e.name: e for e in iv.events}
    assert names["Started"].count == iv.restart_count + 1
    assert names["Killing"].count == iv.restart_count and names["Killing"].type == "Normal"
    assert "BackOff" not in names
    assert onf.instance_view.state == "Running"
    done = cloud.aci.container_groups.begin_create_or_update(
        RG, "onf0", task("exit 0", restart="OnFailure")).result()
    assert done.instance_view.state == "Succeeded"
    assert done.containers[0].instance_view.restart_count == 0
    alw = cloud.aci.container_groups.begin_create_or_update(
        RG, "alw", task("exit 0", restart="Always")).result()
    assert alw.containers[0].instance_view.restart_count >= 1


def test_logs_tail_timestamps_and_empty(cloud):
    cloud.aci.container_groups.begin_create_or_update(
        RG, "t", task("echo a; echo b; echo c; exit 0")).result()
    assert cloud.aci.containers.list_logs(RG, "t", "c1").content == "a\nb\nc\n"
    assert cloud.aci.containers.list_logs(RG, "t", "c1", tail=2).content == "b\nc\n"
    ts = cloud.aci.containers.list_logs(RG, "t", "c1", timestamps=True).content
    first = ts.splitlines()[0]
    stamp, text = first.split(" ", 1)
    assert text == "a" and stamp.endswith("Z") and len(stamp) == len("2024-01-01T00:00:03.000000000Z")
    cloud.aci.container_groups.begin_create_or_update(
        RG, "quiet", task("sleep 100000")).result()
    assert cloud.aci.containers.list_logs(RG, "quiet", "c1").content == ""
    with pytest.raises(ResourceNotFoundError) as e:
        cloud.aci.containers.list_logs(RG, "quiet", "nope")
    assert e.value.error.code == "ContainerNotFound"
    st, _, body = cloud.raw("GET", cloud.cg_path("t") + "/containers/c1/logs?tail=x")
    assert st == 400 and body["error"]["code"] == "InvalidParameter"


def test_stop_start_restart(cloud):
    cloud.aci.container_groups.begin_create_or_update(
        RG, "g1", group(container(ports=[m.ContainerPort(port=80)]),
                        ip=m.IpAddress(ports=[m.Port(port=80)], type="Public"))).result()
    before = cloud.aci.container_groups.get(RG, "g1").ip_address.ip
    assert before
    st, _, body = cloud.raw("POST", cloud.cg_path("g1") + "/stop")
    assert st == 204 and body is None
    g = cloud.aci.container_groups.get(RG, "g1")
    assert g.instance_view.state == "Stopped" and g.provisioning_state == "Succeeded"
    # the IP it had is still listed (STOPPED_GROUP_LISTS_LAST_IP); a start brings a new one
    assert g.containers[0].instance_view is None and g.ip_address.ip == before
    with pytest.raises(HttpResponseError) as e:
        cloud.aci.container_groups.begin_restart(RG, "g1").result()
    assert e.value.error.code == "ContainerGroupStopped"
    st, headers, _ = cloud.raw("POST", cloud.cg_path("g1") + "/start")
    assert st == 204 and "Azure-AsyncOperation" in headers
    cloud.aci.container_groups.begin_start(RG, "g1").result()
    g = cloud.aci.container_groups.get(RG, "g1")
    assert g.instance_view.state == "Running" and g.ip_address.ip not in (None, before)
    st, headers, _ = cloud.raw("POST", cloud.cg_path("g1") + "/restart")
    assert st == 204
    op_path = headers["Azure-AsyncOperation"].split("management.azure.com")[1].split("?")[0]
    # the restart's operation answers Updating until the new run is provisioned
    st, _, op = cloud.raw("GET", op_path, api="2018-06-01")
    assert op["status"] == "Succeeded"
    cloud.aci.container_groups.begin_restart(RG, "g1").result()
    g = cloud.aci.container_groups.get(RG, "g1")
    assert [e.name for e in g.containers[0].instance_view.events].count("Started") == 4


def test_restart_operation_polls_updating_with_realtime_clock():
    from aci_helpers.emulator import Emulator
    from .conftest import Cloud
    c = Cloud(Emulator(None, clock="realtime"))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    st, _, body = c.raw("PUT", c.cg_path("g1"),
                        c.aci.container_groups._serialize.body(group(), "ContainerGroup"))
    assert st == 201
    g = c.aci.container_groups.get(RG, "g1")
    assert g.provisioning_state in ("Pending", "Creating") and g.instance_view.state == "Pending"
    st, headers, _ = c.raw("POST", c.cg_path("g1") + "/restart")
    op_path = headers["Azure-AsyncOperation"].split("management.azure.com")[1].split("?")[0]
    st, _, op = c.raw("GET", op_path, api="2018-06-01")
    assert op["status"] == "Updating" and op["startTime"].endswith("Z")


def test_outbound_usages_capabilities_cached_images_operations(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", group(container(cpu=2))).result()
    assert cloud.aci.container_groups.get_outbound_network_dependencies_endpoints(RG, "g1") == []
    usage = {u.name.value: u for u in cloud.aci.location.list_usage(LOC)}
    assert usage["StandardCores"].current_value == 2 and usage["StandardCores"].limit == 1000
    assert usage["ContainerGroups"].current_value == 1
    caps = list(cloud.aci.location.list_capabilities(LOC))
    assert {c.os_type for c in caps} == {"Linux", "Windows"}
    assert caps[0].capabilities.max_cpu == 4
    assert all(i.image for i in cloud.aci.location.list_cached_images(LOC))
    ops = [o.name for o in cloud.aci.operations.list()]
    assert "Microsoft.ContainerInstance/containerGroups/read" in ops


def test_quota_reached_and_stopped_groups_release_cores():
    from aci_helpers.emulator import Emulator
    from .conftest import Cloud
    c = Cloud(Emulator(None, clock="instant", quota_cores=2))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    c.aci.container_groups.begin_create_or_update(RG, "a", group(container(cpu=2))).result()
    with pytest.raises(HttpResponseError) as e:
        c.aci.container_groups.begin_create_or_update(RG, "b", group(container(cpu=1)))
    assert e.value.error.code == "ContainerGroupQuotaReached"
    assert e.value.error.message == (
        "Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota "
        "'StandardCores' exceeded in region 'westus'. Limit: '2', Usage: '2' Requested: '1'.")
    c.aci.container_groups.stop(RG, "a")
    c.aci.container_groups.begin_create_or_update(RG, "b", group(container(cpu=1))).result()
    with pytest.raises(HttpResponseError) as e:
        c.aci.container_groups.begin_start(RG, "a")
    assert e.value.error.code == "ContainerGroupQuotaReached"


def test_crash_loop_on_the_instant_clock_follows_the_realtime_timeline(cloud):
    """Evidence (Azure/azure-cli, src/azure-cli/azure/cli/command_modules/container/tests/
    latest/recordings/test_container_create_with_msi.yaml): alpine:latest under Always, PUT at
    16:06:30, GET at 16:07:02 answers ``"restartCount":2,"currentState":{"state":"Running",
    "startTime":"2023-02-07T16:06:59.268Z"...}``, the previous attempt 6 s long - a crash loop
    ~30 s in shows a few restarts, ~6 s apart. The instant clock stops at the realtime
    timeline's first restart at or after INSTANT_CRASHLOOP_SETTLE_SECONDS, and repeated GETs do
    not move it."""
    from aci_helpers.emulator import assumptions as A
    cloud.aci.container_groups.begin_create_or_update(
        RG, "loop", task("echo boom; exit 1", restart="Always")).result()
    counts = {cloud.aci.container_groups.get(RG, "loop").containers[0].instance_view.restart_count
              for _ in range(3)}
    assert len(counts) == 1 and 2 <= counts.pop() <= 4
    iv = cloud.aci.container_groups.get(RG, "loop").containers[0].instance_view
    assert iv.current_state.start_time - iv.previous_state.start_time >= \
        __import__("datetime").timedelta(seconds=A.RESTART_AFTER_EXIT_SECONDS)
    assert not [e for e in iv.events if e.name == "BackOff"]
    assert cloud.aci.containers.list_logs(RG, "loop", "c1").content == "boom\n"
    # time moves on with other requests (another group's create): the loop goes on
    before = iv.restart_count
    cloud.aci.container_groups.begin_create_or_update(
        RG, "later", task("sleep 600; exit 0", restart="Never")).result()
    iv = cloud.aci.container_groups.get(RG, "loop").containers[0].instance_view
    assert iv.restart_count > before


def test_stopped_logs_keep_the_last_1000_lines(cloud):
    script = "i=0; while [ $i -lt 1500 ]; do echo line$i; i=$((i+1)); done; exit 0"
    cloud.aci.container_groups.begin_create_or_update(RG, "many", task(script)).result()
    lines = cloud.aci.containers.list_logs(RG, "many", "c1").content.splitlines()
    assert len(lines) == 1000 and lines[-1] == "line1499" and lines[0] == "line500"
    assert cloud.aci.containers.list_logs(RG, "many", "c1", tail=3).content == \
        "line1497\nline1498\nline1499\n"
