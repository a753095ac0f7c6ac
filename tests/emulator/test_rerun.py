"""What a learner does again and again on the shared state file, and the realtime clock."""

from __future__ import annotations

import time

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.containerinstance import models as m

from aci_helpers.emulator import Emulator

from .conftest import LOC, RG, Cloud, container, group, task


def _iv(cloud, name, rg=RG):
    return cloud.raw("GET", cloud.cg_path(name, rg))[2]


def _events(body, i=0):
    return [(e["name"], e["count"]) for e in
            body["properties"]["containers"][i]["properties"]["instanceView"]["events"]]


def test_same_put_twice_then_new_image_then_cpu_change(cloud):
    ip = m.IpAddress(type="Public", ports=[m.Port(port=80)], dns_name_label="rerun-label")
    g = group(container(ports=[m.ContainerPort(port=80)]), ip=ip)
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", g).result()
    first = _iv(cloud, "g1")
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", g).result()
    assert cloud.transport.exchanges[-3].status == 200           # an update, not a create
    again = _iv(cloud, "g1")
    assert again["properties"]["instanceView"]["state"] == "Running"
    assert _events(again) == _events(first) == [("Pulling", 1), ("Pulled", 1), ("Started", 1)]
    assert again["properties"]["ipAddress"]["ip"] == first["properties"]["ipAddress"]["ip"]
    g.containers[0].image = "mcr.microsoft.com/azuredocs/aci-tutorial-sidecar"
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", g).result()
    redeployed = _iv(cloud, "g1")
    assert _events(redeployed) == [("Pulling", 1), ("Pulled", 1), ("Started", 1)] * 2
    assert "aci-tutorial-sidecar" in redeployed["properties"]["containers"][0]["properties"][
        "instanceView"]["events"][-3]["message"]
    g.containers[0].resources.requests.cpu = 2
    with pytest.raises(HttpResponseError) as e:
        cloud.aci.container_groups.begin_create_or_update(RG, "g1", g)
    assert e.value.error.message.startswith("The updates on container group 'g1' are invalid.")
    assert _iv(cloud, "g1") == redeployed


def test_delete_and_recreate_same_name_starts_fresh(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", task("echo hi")).result()
    cloud.aci.container_groups.begin_restart(RG, "g1").result()
    cloud.aci.container_groups.begin_delete(RG, "g1").result()
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", task("echo hi")).result()
    body = _iv(cloud, "g1")
    assert _events(body)[:3] == [("Pulling", 1), ("Pulled", 1), ("Started", 1)]
    assert body["properties"]["containers"][0]["properties"]["instanceView"]["restartCount"] == 0
    assert cloud.aci.containers.list_logs(RG, "g1", "c1").content == "hi\n"


def test_delete_resource_group_while_groups_run(cloud):
    ip = m.IpAddress(type="Public", ports=[m.Port(port=80)], dns_name_label="rg-gone")
    g = group(container(ports=[m.ContainerPort(port=80)]), ip=ip)
    cloud.aci.container_groups.begin_create_or_update(RG, "web", g).result()
    cloud.aci.container_groups.begin_create_or_update(RG, "t1", task("sleep 1000")).result()
    cloud.res.resource_groups.begin_delete(RG).result()
    assert not cloud.res.resource_groups.check_existence(RG)
    with pytest.raises(ResourceNotFoundError) as e:
        cloud.aci.container_groups.get(RG, "web")
    assert e.value.error.code == "ResourceGroupNotFound"
    assert list(cloud.aci.container_groups.list()) == []
    cloud.res.resource_groups.create_or_update(RG, {"location": LOC})
    assert list(cloud.aci.container_groups.list_by_resource_group(RG)) == []
    cloud.aci.container_groups.begin_create_or_update(RG, "web", g).result()  # label is free


def test_resource_group_names_are_case_insensitive_and_keep_their_casing(cloud):
    cloud.res.resource_groups.create_or_update("MyRG", {"location": LOC})
    assert cloud.res.resource_groups.get("myrg").name == "MyRG"
    cloud.aci.container_groups.begin_create_or_update("myrg", "x1", group()).result()
    got = cloud.aci.container_groups.get("MYRG", "X1")
    assert got.name == "x1" and "/resourceGroups/MyRG/" in got.id
    assert [g.name for g in cloud.aci.container_groups.list_by_resource_group("mYrG")] == ["x1"]


def test_logs_unknown_container_and_stopped_group(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    status, _, body = cloud.raw("GET", cloud.cg_path("g1") + "/containers/nope/logs")
    assert status == 404 and body["error"]["code"] == "ContainerNotFound"
    assert "'nope'" in body["error"]["message"] and "'g1'" in body["error"]["message"]
    cloud.aci.container_groups.stop(RG, "g1")
    assert cloud.aci.containers.list_logs(RG, "g1", "c1").content == ""


def test_headers_as_recorded_on_every_answer(cloud):
    for path in (cloud.cg_path("missing"), f"/subscriptions/{cloud.sub}/resourcegroups/{RG}"):
        _, h, _ = cloud.raw("GET", path, api="2023-05-01" if "Container" in path
                            else "2025-04-01")
        assert h["Content-Type"] == "application/json; charset=utf-8"
        assert h["x-ms-request-id"] and h["x-ms-correlation-request-id"]
        assert h["Strict-Transport-Security"].startswith("max-age=")
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Cache-Control"] == "no-cache" and h["Expires"] == "-1" and h["Date"]


@pytest.mark.parametrize("n, pages", [(100, 1), (101, 2)])
def test_paging_at_exactly_one_page(n, pages):
    c = Cloud(Emulator(None, clock="instant", quota_cores=1000))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    for i in range(n):
        c.aci.container_groups.begin_create_or_update(RG, f"g{i:03d}", group(container(
            cpu=1))).result()
    names = [g.name for g in c.aci.container_groups.list_by_resource_group(RG)]
    assert names == sorted(f"g{i:03d}" for i in range(n))
    lists = [x for x in c.transport.exchanges if x.url.split("?")[0].endswith("containerGroups")
             and x.method == "GET"]
    assert len(lists[-pages:]) == pages and b"nextLink" not in lists[-1].response_body
    status, _, body = c.raw("GET", f"/subscriptions/{c.sub}/providers/"
                                   f"Microsoft.ContainerInstance/containerGroups?$skipToken=%ff%00zz")
    assert status == 200 and body["value"] == []


def test_instant_clock_on_a_realtime_file_does_not_go_back(tmp_path):
    path = tmp_path / "state.db"
    rt = Cloud(Emulator(path, clock="realtime"))
    rt.res.resource_groups.create_or_update(RG, {"location": LOC})
    before = time.time()
    rt.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    inst = Cloud(Emulator(path, clock="instant"))
    body = _iv(inst, "g1")
    assert body["properties"]["instanceView"]["state"] == "Running"      # not stuck Pending
    assert body["properties"]["provisioningState"] == "Succeeded"
    inst.aci.container_groups.begin_restart(RG, "g1").result()
    events = _iv(inst, "g1")["properties"]["containers"][0]["properties"]["instanceView"][
        "events"]
    assert [e["name"] for e in events] == ["Pulling", "Pulled", "Started"] * 2
    assert all(e["firstTimestamp"] >= time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(before))
               for e in events)
    # ... and a realtime emulator opening an instant-made file sees its groups, just old.
    path2 = tmp_path / "instant.db"
    a = Cloud(Emulator(path2, clock="instant"))
    a.res.resource_groups.create_or_update(RG, {"location": LOC})
    a.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    b = Cloud(Emulator(path2, clock="realtime"))
    assert _iv(b, "g1")["properties"]["instanceView"]["state"] == "Running"


def test_realtime_as_a_learner_sees_it():
    """≈6 s: Pending → Running visible, events accumulate, a task terminates, logs grow."""
    c = Cloud(Emulator(None, clock="realtime"))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    slept: list[float] = []
    real_sleep = c.transport.sleep
    c.transport.sleep = lambda seconds: (slept.append(seconds), real_sleep(seconds))
    t0 = time.monotonic()
    c.aci.container_groups.begin_create_or_update(
        RG, "t1", task("for i in 1 2 3; do echo line $i; sleep 1; done")).result()
    assert slept and set(slept) == {1}         # Retry-After honoured, not the SDK's 30 s
    seen, logs, counts = [], [], []
    while time.monotonic() - t0 < 8:
        g = c.aci.container_groups.get(RG, "t1")
        seen.append(g.instance_view.state)
        iv = g.containers[0].instance_view
        counts.append(len(iv.events) if iv else 0)
        logs.append(c.aci.containers.list_logs(RG, "t1", "c1").content)
        if g.instance_view.state == "Succeeded":
            break
        time.sleep(0.5)
    assert seen[0] in ("Pending", "Running") and seen[-1] == "Succeeded" and "Running" in seen
    assert counts == sorted(counts)            # events only accumulate
    assert iv.current_state.state == "Terminated" and iv.current_state.exit_code == 0
    assert logs[-1] == "line 1\nline 2\nline 3\n"
    assert any(x and x != logs[-1] for x in logs)   # seen partially, then complete
