"""Wire facts the recordings and aci-behaviour.md state, checked on every exchange of the
realistic scenarios (no reference files needed: the facts are restated here, with their
source)."""

from __future__ import annotations

import json
import re

import pytest

from . import scenarios as S
from .shape import FQDN
from .wire import ASYNC_URL, OPERATION_STATUS, parse

CG_ITEM = re.compile(r"/containerGroups/[^/]+$", re.IGNORECASE)
CG_LIST = re.compile(r"/containerGroups$", re.IGNORECASE)


@pytest.fixture(scope="module")
def runs():
    return {name: S.run(name) for name in S.SCENARIOS}


def _all(runs):
    for name, run in runs.items():
        for x in run.exchanges:
            yield name, run, parse(x)


def test_async_operations_carry_an_absolute_azure_asyncoperation_url(runs):
    """PUT 200/201, restart 204, start 202/204: ``Azure-AsyncOperation`` =
    https://<host>/subscriptions/{sub}/providers/Microsoft.ContainerInstance/locations/{loc}/
    operations/{guid}?api-version=2018-06-01 (every recording), and no ``Location``."""
    seen = 0
    for name, run, w in _all(runs):
        lro = (w.method == "PUT" and CG_ITEM.search(w.path) and w.status in (200, 201)) or \
              (w.method == "POST" and w.path.lower().endswith(("/restart", "/start"))
               and w.status < 300)
        if not lro:
            assert "azure-asyncoperation" not in w.headers, f"[{name}] {w.label}"
            continue
        seen += 1
        url = w.headers.get("azure-asyncoperation", "")
        m = ASYNC_URL.match(url)
        assert m, f"[{name}] {w.label}: Azure-AsyncOperation {url!r}"
        assert m.group("sub") == run.sub and m.group("loc") == S.LOC
        assert m.group("api") == "2018-06-01"
        assert "location" not in w.headers, f"[{name}] {w.label}: unexpected Location"
    assert seen >= 10


def test_operation_status_answers_have_the_recorded_keys(runs):
    polled = [w for _, _, w in _all(runs) if OPERATION_STATUS.match(w.path) and w.status == 200]
    assert polled
    for w in polled:
        assert list(w.body) == ["id", "status", "startTime", "properties"], w.label
        assert list(w.body["properties"]) == ["events"]
        assert "/providers/Microsoft.ContainerInstance/containerGroups/" in w.body["id"]


def test_lists_never_carry_instance_views_and_gets_always_do(runs):
    for name, _, w in _all(runs):
        if w.method != "GET" or w.status != 200:
            continue
        if CG_LIST.search(w.path):
            assert "instanceView" not in w.raw.decode(), f"[{name}] {w.label}"
        elif CG_ITEM.search(w.path):
            assert "instanceView" in w.body["properties"], f"[{name}] {w.label}"


def test_delete_answers_200_with_the_full_body_then_204(runs):
    deletes = [w for _, _, w in _all(runs) if w.method == "DELETE" and CG_ITEM.search(w.path)]
    assert {w.status for w in deletes} == {200, 204}
    for w in deletes:
        if w.status == 200:
            assert {"id", "name", "type", "location", "properties"} <= set(w.body)
            assert "instanceView" in w.body["properties"]
            assert w.body["properties"]["provisioningState"] == "Succeeded"
        else:
            assert w.raw == b""


def test_fqdn_is_label_dot_location_dot_azurecontainer_io(runs):
    n = 0
    for _, _, w in _all(runs):
        for g in (w.body or {}).get("value", [w.body]) if isinstance(w.body, dict) else []:
            ip = (g.get("properties") or {}).get("ipAddress") if isinstance(g, dict) else None
            if ip and "dnsNameLabel" in ip:
                n += 1
                assert ip["fqdn"] == f"{ip['dnsNameLabel']}.{g['location']}.azurecontainer.io"
                assert FQDN.match(ip["fqdn"])
            elif ip:
                assert "fqdn" not in ip
    assert n


def test_logs_answer_content_only(runs):
    logs = [w for _, _, w in _all(runs) if w.path.lower().endswith("/logs") and w.status == 200]
    assert logs
    for w in logs:
        assert list(w.body) == ["content"] and isinstance(w.body["content"], str), w.label


def _get(run, name):
    return [w.body for w in map(parse, run.exchanges)
            if w.method == "GET" and w.path.endswith(f"/containerGroups/{name}")
            and w.status == 200]


def test_task_states_match_the_recordings(runs):
    """wordcount exits 0: Terminated/Completed, group Succeeded (sdkpy recording); the failing
    Never task: Terminated exitCode 3 'Error', a Killing event, group Failed while
    provisioningState stays Succeeded (azcli_test_container_attach)."""
    wc = _get(runs["wordcount"], "wordcount")[-1]["properties"]
    st = wc["containers"][0]["properties"]["instanceView"]["currentState"]
    assert (st["state"], st["exitCode"], st["detailStatus"]) == ("Terminated", 0, "Completed")
    assert wc["instanceView"]["state"] == "Succeeded" and wc["provisioningState"] == "Succeeded"
    env = wc["containers"][0]["properties"]["environmentVariables"]
    assert env == [{"name": "NumWords", "value": "5"}, {"name": "MinLength", "value": "8"},
                   {"name": "API_TOKEN"}]
    assert wc["restartPolicy"] == "Never"
    failing = _get(runs["failing-task"], "failing")[-1]["properties"]
    iv = failing["containers"][0]["properties"]["instanceView"]
    st = iv["currentState"]
    assert (st["state"], st["exitCode"], st["detailStatus"]) == ("Terminated", 3, "Error")
    assert [e["name"] for e in iv["events"]][-1] == "Killing"
    assert failing["instanceView"]["state"] == "Failed"
    assert failing["provisioningState"] == "Succeeded"


def test_stop_answers_204_and_leaves_a_stopped_group_without_container_views(runs):
    run = runs["helloworld"]
    ws = list(map(parse, run.exchanges))
    i = next(i for i, w in enumerate(ws) if w.method == "POST" and w.path.endswith("/stop"))
    assert ws[i].status == 204 and ws[i].raw == b"" and "azure-asyncoperation" not in ws[i].headers
    after = ws[i + 1].body["properties"]
    assert after["instanceView"]["state"] == "Stopped"
    assert all("instanceView" not in c["properties"] for c in after["containers"])


def test_create_answers_201_pending_and_update_200(runs):
    puts = [w for w in map(parse, runs["helloworld"].exchanges)
            if w.method == "PUT" and CG_ITEM.search(w.path)]
    assert [w.status for w in puts] == [201, 200]
    first = puts[0].body["properties"]
    assert first["provisioningState"] == "Pending"
    assert first["instanceView"] == {"events": [], "state": "Pending"}
    assert "instanceView" not in first["containers"][0]["properties"]
    # the service fills these in (aci-behaviour.md, every 2023-05-01 recording)
    assert (first["sku"], first["initContainers"], first["osType"],
            first["restartPolicy"]) == ("Standard", [], "Linux", "Always")
    assert json.loads(json.dumps(first["provisioningTimeoutInSeconds"])) == 1800
    assert first["isCustomProvisioningTimeout"] is False
