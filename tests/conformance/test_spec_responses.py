"""Every response body the emulator sends in realistic scenarios validates against the
response schema the OpenAPI spec declares for that operation and status - once per served
api-version, the scenarios' clients sending that version and the answers checked against that
version's spec (conftest.SPEC_OF names the two previews checked against a neighbour's).

The schema is looked up from the spec's ``paths`` by the request's path and method (never
hand-mapped). Statuses the spec does not declare fall to ``default`` (CloudError) for
errors; an undeclared *success* status is a failure. The async operation-status URL is not
in the spec: its body is checked against the recordings' shape and its events against the
spec's ``Event``. Resource-group URLs belong to another spec (Microsoft.Resources) and are
checked against the recordings in ``test_recordings.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from aci_helpers.emulator.assumptions import ACI_API_VERSIONS

from . import scenarios as S
from .wire import OPERATION_STATUS, RESOURCE_GROUPS, Wire, parse

#: Members the emulator sends that the spec does not declare, allowed because real ACI sends
#: them at api-version 2023-05-01. Each one is checked below against the recording it cites.
ALLOWED_UNDECLARED = {
    # azcli_test_container_create_spot_priority.yaml (PUT 201, GET, DELETE 200) and
    # azcli_test_container_attach.yaml (PUT 201, GET): "provisioningTimeoutInSeconds":1800
    "$.properties.provisioningTimeoutInSeconds":
        ("azcli_test_container_create_spot_priority.yaml", "azcli_test_container_attach.yaml"),
    # same recordings: "isCustomProvisioningTimeout":false
    "$.properties.isCustomProvisioningTimeout":
        ("azcli_test_container_create_spot_priority.yaml", "azcli_test_container_attach.yaml"),
}

#: As ALLOWED_UNDECLARED, from the public transcripts (tests/conformance/public) that show
#: real ACI sending them (checked below).
ALLOWED_UNDECLARED_PUBLIC = {
    # 2024-05-01-preview: every registry credential of every group answer
    # (DELEGATED_IDENTITY_SHOWN)
    "$.properties.imageRegistryCredentials[].isDelegatedIdentity":
        ("azcli_test_container_create_with_acr.json",),
    # a cached Windows image's osVersion (2021, api-version 2020-11-01; list items: "$.")
    "$.osVersion": ("netsdk_LocationTests.LocationListCachedImagesTest.json",),
}

#: Spec operations the scenarios need not answer with a success.
NOT_SERVED = {
    # virtual-network service association links: the emulator has no VNets
    "SubnetServiceAssociationLink_Delete": "no virtual networks in the emulator",
}

#: Operations on one item of the newer resource types: 501 NotImplemented (handlers/preview.py)
PREVIEW_ITEM = re.compile(r"/(ngroups|sandboxGroups)/\{", re.IGNORECASE)

OPERATION_STATUS_KEYS = {"id", "status", "startTime", "properties"}


def not_served(spec) -> dict[str, str]:
    """NOT_SERVED plus the version's operations on items of the newer resource types."""
    out = dict(NOT_SERVED)
    out.update({o.operation_id: "not modelled by the emulator (501 NotImplemented)"
                for o in spec.operations if PREVIEW_ITEM.search(o.template)})
    return out


@pytest.fixture(scope="module")
def all_runs():
    """{api-version: {scenario: Cloud}}, every scenario once per served version."""
    return {api: {name: S.run(name, api) for name in S.SCENARIOS} for api in ACI_API_VERSIONS}


@pytest.fixture(scope="module")
def runs(all_runs):
    return all_runs[S.API]


def check_exchange(spec, w: Wire) -> list[str]:
    """Problems of one exchange against the spec (empty when conformant)."""
    problems: list[str] = []
    if w.body is not None and not w.headers.get("content-type", "").startswith("application/json"):
        problems.append(f"body sent with content-type {w.headers.get('content-type')!r}")
    op = spec.operation_for(w.method, w.path)
    if op is None:
        if OPERATION_STATUS.match(w.path):
            return problems + _check_operation_status(spec, w)
        if RESOURCE_GROUPS.match(w.path) and "/providers/" not in w.path.lower():
            return problems   # Microsoft.Resources: not this spec (see test_recordings)
        if w.status >= 400:
            return problems + [f"{e}" for e in spec.errors({"$ref": "#/definitions/CloudError"},
                                                           w.body)] + _error_envelope(w)
        return problems + ["no operation of the spec matches this path and method"]
    key, schema = op.response_schema(w.status)
    if key == "default" and w.status < 400:
        problems.append(f"{op.operation_id} declares no {w.status} response (declared: "
                        f"{sorted(k for k in op.responses if k != 'default')})")
    if schema is None:
        if w.raw.strip():
            problems.append(f"{op.operation_id} {key} declares no body, got {w.raw[:120]!r}")
        return problems
    if w.body is None:
        return problems + [f"{op.operation_id} {key} declares a body, got none"]
    problems += [f"{op.operation_id} {key} {e}" for e in spec.errors(schema, w.body)]
    if key == "default":
        problems += _error_envelope(w)
    return problems


def _error_envelope(w: Wire) -> list[str]:
    b = w.body
    if not (isinstance(b, dict) and set(b) == {"error"} and isinstance(b["error"], dict)
            and {"code", "message"} <= set(b["error"])
            and all(isinstance(b["error"][k], str) and b["error"][k] for k in ("code", "message"))):
        return [f"error body is not {{'error': {{'code', 'message'}}}}: {w.raw[:200]!r}"]
    return []


def _check_operation_status(spec, w: Wire) -> list[str]:
    if w.status >= 400:
        return spec.errors({"$ref": "#/definitions/CloudError"}, w.body) + _error_envelope(w)
    b = w.body
    if not isinstance(b, dict) or set(b) != OPERATION_STATUS_KEYS:
        return [f"operation status keys {sorted(b) if isinstance(b, dict) else b!r} != "
                f"{sorted(OPERATION_STATUS_KEYS)} (recordings)"]
    out = []
    if b["status"] not in ("Pending", "Creating", "Updating", "Succeeded", "Failed", "Canceled"):
        out.append(f"operation status {b['status']!r}")
    out += spec.errors({"type": "string", "format": "date-time"}, b["startTime"])
    props = b["properties"]
    if not isinstance(props, dict) or set(props) != {"events"}:
        out.append(f"operation status properties {props!r} is not {{'events': [...]}}")
    else:
        out += spec.errors({"type": "array", "items": {"$ref": "#/definitions/Event"}},
                           props["events"])
    return out


@pytest.mark.parametrize("api", ACI_API_VERSIONS)
@pytest.mark.parametrize("name", list(S.SCENARIOS))
def test_every_response_validates_against_the_spec(specs, all_runs, name, api):
    spec = specs[api]
    problems = []
    for x in all_runs[api][name].exchanges:
        w = parse(x)
        problems += [f"{w.label}: {p}" for p in check_exchange(spec, w)]
    assert not problems, "responses that do not conform to the spec:\n" + "\n".join(problems)


@pytest.mark.parametrize("api", ACI_API_VERSIONS)
def test_the_scenarios_answer_every_served_spec_operation_with_a_success(specs, all_runs, api):
    spec = specs[api]
    answered = set()
    for run in all_runs[api].values():
        for x in run.exchanges:
            w = parse(x)
            op = spec.operation_for(w.method, w.path)
            if op is not None and w.status < 400:
                answered.add(op.operation_id)
    from aci_helpers.emulator.model.versions import api as api_version
    types = api_version(api).resource_types        # a neighbour's spec may document more
    expected = {o.operation_id for o in spec.operations
                if not (m := re.search(r"/Microsoft\.ContainerInstance/([A-Za-z]+)", o.template))
                or m.group(1) in types or m.group(1) in ("locations", "containerGroups")}
    expected -= set(not_served(spec))
    assert expected - answered == set(), "spec operations no scenario answered with a success"


@pytest.mark.parametrize("api", ACI_API_VERSIONS)
def test_not_served_operations_answer_a_cloud_error(specs, all_runs, api):
    spec = specs[api]
    refused = not_served(spec)
    seen = {}
    for scenario in ("exec-attach", "preview-surface"):
        for x in all_runs[api][scenario].exchanges:
            w = parse(x)
            op = spec.operation_for(w.method, w.path)
            if op is not None and op.operation_id in refused:
                seen[op.operation_id] = w
    # exec and attach are served (issue 18): a WebSocket URI and its password
    assert not {"Containers_ExecuteCommand", "Containers_Attach"} & set(seen)
    from aci_helpers.emulator.model.versions import api as api_version
    types = api_version(api).resource_types        # a neighbour's spec may document more
    assert any((m := PREVIEW_ITEM.search(o.template)) and m.group(1) in types
               for o in spec.operations) == (len(seen) > 0)
    for w in seen.values():
        assert w.status == 501 and w.body["error"]["code"] == "NotImplemented", w.label


@pytest.mark.parametrize("api", ACI_API_VERSIONS)
def test_error_answers_are_cloud_errors(specs, all_runs, api):
    spec = specs[api]
    errors = [parse(x) for x in all_runs[api]["errors"].exchanges if x.status >= 400]
    assert len(errors) >= 10
    statuses = {w.status for w in errors}
    assert {400, 404, 409} <= statuses
    for w in errors:
        assert not check_exchange(spec, w), w.label


@pytest.mark.parametrize("api", ACI_API_VERSIONS)
def test_every_member_the_emulator_sends_is_declared_by_the_spec(specs, all_runs, api):
    """The spec has no ``additionalProperties: false``; this is that check, per path."""
    spec = specs[api]
    found: dict[str, set[str]] = defaultdict(set)
    for run in all_runs[api].values():
        for x in run.exchanges:
            w = parse(x)
            op = spec.operation_for(w.method, w.path)
            if op is None or w.body is None:
                continue
            _, schema = op.response_schema(w.status)
            if schema is None:
                continue
            for member in spec.undeclared(schema, w.body):
                member = member.replace("$.value[]", "$")   # list items are groups too
                if member not in ALLOWED_UNDECLARED.keys() | ALLOWED_UNDECLARED_PUBLIC.keys():
                    found[member].add(op.operation_id)
    report = [f"{member}  (in {', '.join(sorted(ops))})" for member, ops in sorted(found.items())]
    assert not report, "members the spec does not declare:\n" + "\n".join(report)


def test_the_public_allow_list_is_what_the_transcripts_show():
    """Each member of ALLOWED_UNDECLARED_PUBLIC is in a response of the transcripts cited."""
    from .transcripts import PUBLIC, load
    for member, files in ALLOWED_UNDECLARED_PUBLIC.items():
        key = member.rsplit(".", 1)[-1]
        for f in files:
            _, recs = load(PUBLIC / f)
            assert any(f'"{key}"' in r.text for r in recs), (member, f)


def test_the_allow_list_is_what_the_recordings_show(spec, recordings):
    """Each allowed undeclared member is undeclared in the spec AND sent by real ACI in the
    recording(s) the comment cites; nothing is allowed on a guess."""
    for member, files in ALLOWED_UNDECLARED.items():
        for f in files:
            seen = set()
            for it in recordings[f]["interactions"]:
                req, resp = it["request"], it["response"]
                text = resp["body"]["string"]
                if not text:
                    continue
                import json
                from urllib.parse import urlsplit
                op = spec.operation_for(req["method"], urlsplit(req["uri"]).path)
                if op is None:
                    continue
                _, schema = op.response_schema(resp["status"]["code"])
                if schema is None:
                    continue
                seen |= {m.replace("$.value[]", "$")
                         for m in spec.undeclared(schema, json.loads(text))}
            assert member in seen, f"{member} is not sent undeclared in {f}"


def test_spec_lookup_is_by_path_and_method(spec):
    sub = "/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerInstance"
    assert spec.operation_for("GET", sub + "/containerGroups").operation_id == \
        "ContainerGroups_ListByResourceGroup"
    assert spec.operation_for("get", (sub + "/containergroups/g").lower()).operation_id == \
        "ContainerGroups_Get"
    assert spec.operation_for("POST", sub + "/containerGroups/g/restart").operation_id == \
        "ContainerGroups_Restart"
    assert spec.operation_for("GET", sub + "/containerGroups/g/containers/c/logs").operation_id \
        == "Containers_ListLogs"
    assert spec.operation_for("POST", sub + "/containerGroups/g") is None
    key, schema = spec.operation_for("DELETE", sub + "/containerGroups/g").response_schema(204)
    assert key == "204" and schema is None
    key, schema = spec.operation_for("GET", sub + "/containerGroups/g").response_schema(404)
    assert key == "default" and schema == {"$ref": "#/definitions/CloudError"}


def test_the_validator_catches_what_it_should(spec):
    """The swagger-to-jsonschema bridge is not vacuous: refs, allOf, enums, types, formats."""
    group = spec.definition("ContainerGroup")
    ok = {"location": "westus", "properties": {"osType": "Linux", "containers": [
        {"name": "c", "properties": {"image": "i", "resources": {"requests": {
            "cpu": 1.0, "memoryInGB": 1.5}}}}]}}
    assert not list(group.iter_errors(ok))
    import copy
    bad = copy.deepcopy(ok)
    bad["properties"]["osType"] = "Plan9"                                 # enum
    bad["properties"]["containers"][0]["properties"]["resources"]["requests"]["cpu"] = "1"
    del bad["properties"]["containers"][0]["properties"]["image"]         # required, via $ref
    bad["tags"] = {"k": 1}                                                # additionalProperties
    msgs = " | ".join(e.message for e in group.iter_errors(bad))
    assert "'Plan9' is not one of" in msgs and "'1' is not of type 'number'" in msgs
    assert "'image' is a required property" in msgs and "1 is not of type 'string'" in msgs
    event = spec.definition("Event")
    assert list(event.iter_errors({"firstTimestamp": "yesterday"}))
    assert list(event.iter_errors({"count": 2 ** 31}))                   # int32
    assert list(spec.definition("Port").iter_errors({"port": 80.5}))     # draft 4 integer
    assert list(spec.undeclared({"$ref": "#/definitions/ContainerGroup"},
                                {"properties": {"containers": [{"name": "c", "nope": 1}]},
                                 "tags": {"free": "form"}})) == ["$.properties.containers[].nope"]


EXAMPLES = {
    # spec example file (2023-05-01) -> the operation whose answer it shows
    "CapabilitiesList.json": "Location_ListCapabilities",
    "OperationsList.json": "Operations_List",
}


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_provider_lists_have_the_shape_of_the_spec_examples(spec, runs, example):
    """Items of the capabilities and operations lists have the keys the spec's own examples
    show (values differ: the emulator's lists are representative, not Azure's)."""
    import json
    from .shape import ShapeOptions, compare
    doc = json.loads((spec.path.parent / "examples" / example).read_text(encoding="utf-8"))
    want = doc["responses"]["200"]["body"]["value"][0]
    answers = [parse(x) for x in runs["location-reads"].exchanges]
    got = next(w.body for w in answers
               if (op := spec.operation_for(w.method, w.path)) and
               op.operation_id == EXAMPLES[example])
    assert got["value"]
    for item in got["value"]:
        diff = compare(want, item, ShapeOptions(exact_enums=False))
        assert not diff, f"{example}:\n{diff}"


def test_the_newest_specs_common_types_are_resolved(specs):
    """2026-05-01 and later build ContainerGroup on common-types' ProxyResource: the stand-in
    is resolved, so a wrong id type is caught and id/name/type count as declared."""
    for api in ("2026-05-01", "2026-06-01-preview"):
        spec = specs[api]
        group = {"$ref": "#/definitions/ContainerGroup"}
        body = {"id": 5, "name": "g", "type": "t", "properties": {"containers": []}}
        assert any("5 is not of type 'string'" in e for e in spec.errors(group, body)), api
        assert list(spec.undeclared(group, {"id": "x", "name": "g", "nope": 1})) == ["$.nope"]
