"""Bounded, seeded mutation fuzz at the wire level.

Starting from valid PUT bodies (the tutorial's three shapes and one that uses every feature
with secrets), every mutation - a wrong JSON type at a path, a removed key, an unknown
property, a duplicated list item, huge / negative / fractional numbers, long and unicode
strings - must be answered without a 5xx; a 4xx carries the ARM envelope with a message
naming what was wrong, never a secret; and a refused request changes nothing (the full
list/get snapshot is identical). Random query strings, paths and methods too.
"""

from __future__ import annotations

import copy
import json
import random

import pytest
from azure.core.rest import HttpRequest

from aci_helpers.emulator import Emulator
from aci_helpers.emulator.assumptions import ACI_API_VERSIONS

SECRET = "fuzz-s3cret-9a8b7c"
HELLO = "mcr.microsoft.com/azuredocs/aci-helloworld"
SIDECAR = "mcr.microsoft.com/azuredocs/aci-tutorial-sidecar"
WORDCOUNT = "mcr.microsoft.com/azuredocs/aci-wordcount"
BASE = "https://management.azure.com"


def _res(cpu=1.0, mem=1.5):
    return {"requests": {"cpu": cpu, "memoryInGB": mem}}


SHAPES = [
    {"location": "westus", "tags": {"tutorial": "aci"}, "properties": {
        "osType": "Linux", "containers": [{"name": "hello", "properties": {
            "image": HELLO, "resources": _res(), "ports": [{"port": 80, "protocol": "TCP"}]}}],
        "ipAddress": {"type": "Public", "dnsNameLabel": "fuzzlabel",
                      "ports": [{"port": 80, "protocol": "TCP"}]}}},
    {"location": "westus", "properties": {
        "osType": "Linux", "containers": [
            {"name": "app", "properties": {"image": HELLO, "resources": _res(1.0, 1.0),
                                           "ports": [{"port": 80}]}},
            {"name": "sidecar", "properties": {"image": SIDECAR, "resources": _res(1.0, 1.0)}}],
        "ipAddress": {"type": "Public", "ports": [{"port": 80}]}}},
    {"location": "westus", "properties": {
        "osType": "Linux", "restartPolicy": "OnFailure", "containers": [
            {"name": "wordcount", "properties": {
                "image": WORDCOUNT, "resources": _res(1.0, 1.5),
                "command": ["python", "wordcount.py",
                            "http://shakespeare.mit.edu/romeo_juliet/full.html"],
                "environmentVariables": [{"name": "NumWords", "value": "5"},
                                         {"name": "MinLength", "value": "8"},
                                         {"name": "TOKEN", "secureValue": SECRET}]}}]}},
    {"location": "westus", "zones": ["1"],
     "identity": {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {
         "/subscriptions/x/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/"
         "userAssignedIdentities/id1": {}}},
     "properties": {
         "osType": "Linux", "sku": "Standard", "restartPolicy": "Always",
         "imageRegistryCredentials": [{"server": "myreg.azurecr.io", "username": "u",
                                       "password": SECRET}],
         "volumes": [{"name": "sec", "secret": {"k": "c2VjcmV0"}},
                     {"name": "share", "azureFile": {"shareName": "s",
                                                     "storageAccountName": "a",
                                                     "storageAccountKey": SECRET}},
                     {"name": "tmp", "emptyDir": {}}],
         "diagnostics": {"logAnalytics": {"workspaceId": "w", "workspaceKey": SECRET}},
         "initContainers": [{"name": "init", "properties": {"image": "alpine:latest",
                                                            "command": ["echo", "hi"]}}],
         "containers": [{"name": "app", "properties": {
             "image": "myreg.azurecr.io/app:v1",
             "resources": {"requests": {"cpu": 1, "memoryInGB": 1},
                           "limits": {"cpu": 1, "memoryInGB": 1}},
             "volumeMounts": [{"name": "sec", "mountPath": "/s", "readOnly": True},
                              {"name": "share", "mountPath": "/f"}],
             "livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 10},
             "ports": [{"port": 443, "protocol": "TCP"}],
             "environmentVariables": [{"name": "A", "value": "1"},
                                      {"name": "B", "secureValue": SECRET}]}}],
         "ipAddress": {"type": "Private", "ports": [{"port": 443}]}}},
]

WEIRD = ["", "x", "é✓ñ", "A" * 5000, 0, -1, 1e308, 10 ** 30, -0.0, 1.25, 3.33333, True, False,
         None, [], [1], {}, {"a": 1}, "NaN", 2 ** 63, 99999999]


_WIRES: list["Wire"] = []


@pytest.fixture(autouse=True)
def _close_wires():
    """Close each test's emulators: an exec request starts an emulator's socket server (a
    thread with its own event loop), which would outlive the test on this worker."""
    yield
    while _WIRES:
        _WIRES.pop().emu.close()


class Wire:
    def __init__(self) -> None:
        self.emu = Emulator(state=None, clock="instant", seed=0, quota_cores=1000)
        _WIRES.append(self)
        self.t = self.emu.transport()
        self.sub = self.emu.subscription_id

    def send(self, method: str, url: str, body=None, auth: bool = True):
        h = {"Authorization": "Bearer fuzz"} if auth else {}
        content = None
        if body is not None:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        r = self.t.send(HttpRequest(method, url, headers=h, content=content))
        return r.status_code, r.headers, r.read()

    def cg(self, name: str) -> str:
        return (f"{BASE}/subscriptions/{self.sub}/resourceGroups/rg1/providers/"
                f"Microsoft.ContainerInstance/containerGroups/{name}")

    def snapshot(self) -> str:
        """Everything a client can read: resource groups, groups (list and get)."""
        api = "?api-version=2023-05-01"
        out = [self.send("GET", f"{BASE}/subscriptions/{self.sub}/resourcegroups"
                                f"?api-version=2025-04-01")[2]]
        _, _, lst = self.send("GET", f"{BASE}/subscriptions/{self.sub}/providers/"
                                     f"Microsoft.ContainerInstance/containerGroups{api}")
        out.append(lst)
        for g in json.loads(lst)["value"]:
            out.append(self.send("GET", BASE + g["id"] + api)[2])
        return "\n".join(b.decode() for b in out)

    def settled_snapshot(self) -> str:
        a = self.snapshot()
        for _ in range(5):
            b = self.snapshot()
            if a == b:
                return a
            a = b
        raise AssertionError("the instant clock never settled")


def _paths(o, p=()):
    yield p
    if isinstance(o, dict):
        for k, v in o.items():
            yield from _paths(v, p + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from _paths(v, p + (i,))


def _at(o, p):
    for k in p:
        o = o[k]
    return o


def _mutate(rng: random.Random, body: dict) -> tuple[dict, tuple, str]:
    b = copy.deepcopy(body)
    p = rng.choice([p for p in _paths(b) if p])
    parent, k = _at(b, p[:-1]), p[-1]
    op = rng.choice(["type", "type", "type", "delete", "unknown", "dup", "long", "number"])
    if op == "delete":
        del parent[k]
    elif op == "unknown" and isinstance(parent, dict):
        parent["zzUnknown"] = rng.choice(WEIRD)
    elif op == "dup" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[k]))
    elif op == "long":
        parent[k] = "z" * rng.choice([64, 300, 100_000])
    elif op == "number":
        parent[k] = rng.choice([-5, 0, 1e-9, 99999999, 1e20, -1e20, 0.05, 4.1])
    else:
        op = "type"
        parent[k] = copy.deepcopy(rng.choice(WEIRD))
    return b, p, op


def _check_error(status: int, raw: bytes, context: str) -> dict:
    documented_501 = status == 501 and b'"code":"NotImplemented"' in raw  # exec / attach
    assert status < 500 or documented_501, f"{context}: {status} {raw[:300]!r}"
    assert SECRET.encode() not in raw, f"{context}: a secret leaked: {raw[:300]!r}"
    if status < 400:
        return {}
    if not raw and context.split(": ", 1)[-1].startswith("HEAD "):
        return {"code": "(HEAD)", "message": "(a HEAD answer has no body)"}
    body = json.loads(raw)
    assert set(body) == {"error"}, context
    err = body["error"]
    assert isinstance(err.get("code"), str) and err["code"], context
    assert isinstance(err.get("message"), str) and len(err["message"]) > 20, context
    return err


def _names_something(err: dict, body: dict, p: tuple, name: str) -> bool:
    """The message names the offending field, its value, or the object it belongs to."""
    msg = err["message"]
    keys = [k for k in p if isinstance(k, str)]
    cands = {name, *keys[-2:]}
    for j, k in enumerate(p):          # list items are named by their JSON path: ports[0]
        if isinstance(k, int) and j:
            cands.add(f"{p[j - 1]}[{k}]")
    node = body
    for k in p:                       # names of the objects on the path (container 'app')
        if isinstance(node, dict) and isinstance(node.get("name"), str):
            cands.add(node["name"])
        try:
            node = node[k]
        except (KeyError, IndexError, TypeError):
            break
    return any(c and str(c)[:40] in msg for c in cands)


def test_put_body_mutations():
    w = Wire()
    rng = random.Random(0)
    s, _, _ = w.send("PUT", f"{BASE}/subscriptions/{w.sub}/resourcegroups/rg1"
                             f"?api-version=2025-04-01", {"location": "westus"})
    assert s == 201
    for i, shape in enumerate(SHAPES):
        s, _, raw = w.send("PUT", w.cg(f"base{i}") + "?api-version=2023-05-01", shape)
        assert s == 201, raw
    snap = w.settled_snapshot()
    refused = accepted = 0
    vague = []
    for n in range(600):
        i = rng.randrange(len(SHAPES))
        body, p, op = _mutate(rng, SHAPES[i])
        paths = [p]
        if rng.random() < 0.25:
            body, p2, _ = _mutate(rng, body)
            paths.append(p2)
        name = rng.choice([f"base{i}", f"base{i}", f"base{i}", "Bad_Name", "é", "x" * 64,
                           f"fz{n}"])
        api = rng.choice(ACI_API_VERSIONS)        # every served version, one per request
        ctx = f"case {n} ({op} at {'/'.join(map(str, p))}, group {name!r}, {api})"
        s, _, raw = w.send("PUT", w.cg(name) + f"?api-version={api}", body)
        err = _check_error(s, raw, ctx)
        if s >= 400:
            refused += 1
            assert w.snapshot() == snap, f"{ctx}: a refused request changed the cloud"
            if not any(_names_something(err, body, q, name) for q in paths):
                vague.append((ctx, err["message"]))
        else:
            accepted += 1
            assert SECRET.encode() not in w.snapshot().encode(), ctx
            if name.startswith("fz"):
                s, _, _ = w.send("DELETE", w.cg(name) + "?api-version=2023-05-01")
                assert s == 200
            else:
                s, _, raw = w.send("PUT", w.cg(name) + "?api-version=2023-05-01", SHAPES[i])
                assert s == 200, raw
            snap = w.settled_snapshot()
    assert refused > 400 and accepted > 20, (refused, accepted)
    assert not vague, "messages that name nothing:\n" + "\n".join(map(str, vague[:10]))


@pytest.mark.parametrize("raw, needle", [
    (b'{"location": "westus", "properties": {"cpu": NaN}}', "NaN"),
    (b'{"location": Infinity}', "Infinity"),
    (b'{"location": "westus", "x": ' + b"9" * 5000 + b"}", "too many digits"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b"\xff\xfe{", "deserialized"),
    (b'"just a string"', "JSON object"),
])
def test_unparseable_bodies(raw, needle):
    w = Wire()
    w.send("PUT", f"{BASE}/subscriptions/{w.sub}/resourcegroups/rg1?api-version=2025-04-01",
           {"location": "westus"})
    before = w.settled_snapshot()
    s, _, out = w.send("PUT", w.cg("g1") + "?api-version=2023-05-01", raw)
    err = _check_error(s, out, needle)
    assert s == 400 and err["code"] == "InvalidRequestContent" and needle in err["message"]
    assert w.snapshot() == before


@pytest.mark.parametrize("path, value, where", [
    (("properties", "containers", 0, "properties", "resources", "requests", "cpu"), 10 ** 30,
     "cpu"),
    (("properties", "containers", 0, "properties", "resources", "requests", "memoryInGB"),
     1e308, "memoryInGB"),
    (("properties", "containers", 0, "properties", "ports", 0, "port"), "80", "port"),
    (("properties", "containers", 0, "properties", "ports", 0, "port"), 2 ** 40, "port"),
    (("properties", "imageRegistryCredentials", 0, "server"), 5, "server"),
    (("properties", "volumes", 0, "name"), ["sec"], "name"),
    (("identity", "userAssignedIdentities"), 1.25, "userAssignedIdentities"),
    (("identity", "type"), "Everything", "identity.type"),
    (("properties", "zones"), "1", "zones"),
    (("properties", "containers", 0, "properties", "environmentVariables", 1, "secureValue"),
     12345, "secureValue"),
])
def test_former_crashes_and_silent_acceptances(path, value, where):
    """Each of these was a 500 (or was accepted and echoed) before."""
    w = Wire()
    w.send("PUT", f"{BASE}/subscriptions/{w.sub}/resourcegroups/rg1?api-version=2025-04-01",
           {"location": "westus"})
    body = copy.deepcopy(SHAPES[3])
    if path[:2] == ("properties", "zones"):
        body["zones"] = value
    else:
        _at(body, path[:-1])[path[-1]] = value
    before = w.settled_snapshot()
    s, _, raw = w.send("PUT", w.cg("g1") + "?api-version=2023-05-01", body)
    err = _check_error(s, raw, where)
    assert s == 400 and where in err["message"], err
    assert w.snapshot() == before


def test_unknown_and_null_properties_are_ignored_like_arm():
    w = Wire()
    w.send("PUT", f"{BASE}/subscriptions/{w.sub}/resourcegroups/rg1?api-version=2025-04-01",
           {"location": "westus"})
    body = copy.deepcopy(SHAPES[0])
    body["properties"]["someFutureFeature"] = {"on": True}
    body["properties"]["containers"][0]["properties"]["gadget"] = 1
    body["properties"]["diagnostics"] = None
    body["name"] = "ignored-read-only"
    s, _, raw = w.send("PUT", w.cg("g1") + "?api-version=2023-05-01", body)
    assert s == 201, raw
    out = json.loads(raw)
    assert out["name"] == "g1"
    assert "someFutureFeature" not in out["properties"]
    assert "diagnostics" not in out["properties"]
    assert "gadget" not in out["properties"]["containers"][0]["properties"]


def test_duplicates_are_refused():
    w = Wire()
    w.send("PUT", f"{BASE}/subscriptions/{w.sub}/resourcegroups/rg1?api-version=2025-04-01",
           {"location": "westus"})
    cases = []
    b = copy.deepcopy(SHAPES[0])
    b["properties"]["ipAddress"]["ports"].append({"port": 80, "protocol": "tcp"})
    cases.append((b, "DuplicatePorts", "'80'"))
    b = copy.deepcopy(SHAPES[1])
    b["properties"]["containers"][1]["properties"]["ports"] = [{"port": 80}]
    cases.append((b, "DuplicatePorts", "containers 'app' and 'sidecar'"))
    b = copy.deepcopy(SHAPES[3])
    b["properties"]["volumes"].append({"name": "tmp", "emptyDir": {}})
    cases.append((b, "DuplicateVolumes", "Duplicate volumes 'tmp' are found."))
    b = copy.deepcopy(SHAPES[1])
    b["properties"]["ipAddress"]["ports"] = []
    cases.append((b, "MissingIpAddressPorts",
                  "The ports in the 'ipAddress' of container group 'g1' cannot be empty."))
    b = copy.deepcopy(SHAPES[1])
    b["properties"]["ipAddress"]["ports"] = [{"port": 8080}]
    cases.append((b, "InvalidIpAddressPorts", "Following ports '8080' in the 'ipAddress' are "
                                              "not used by any container in container group "
                                              "'g1'."))
    b = copy.deepcopy(SHAPES[3])
    b["properties"]["containers"][0]["properties"]["resources"]["limits"]["cpu"] = 2
    cases.append((b, "ContainerLimitGreaterThanContainerGroupTotalRequest",
                  "The 'Cpu' limit '2' in container 'app' is greater than the total request "
                  "'1' of container group 'g1'."))
    before = w.settled_snapshot()
    for body, code, needle in cases:
        s, _, raw = w.send("PUT", w.cg("g1") + "?api-version=2023-05-01", body)
        err = _check_error(s, raw, code)
        assert s == 400 and err["code"] == code and needle in err["message"], err
        assert w.snapshot() == before


def test_extension_protected_settings_are_never_returned():
    w = Wire()
    w.send("PUT", f"{BASE}/subscriptions/{w.sub}/resourcegroups/rg1?api-version=2025-04-01",
           {"location": "westus"})
    body = copy.deepcopy(SHAPES[0])
    body["properties"]["extensions"] = [{"name": "kube-proxy", "properties": {
        "extensionType": "kube-proxy", "version": "1.0", "settings": {},
        "protectedSettings": {"kubeConfig": SECRET}}}]
    s, _, raw = w.send("PUT", w.cg("g1") + "?api-version=2023-05-01", body)
    assert s == 201 and SECRET.encode() not in raw
    assert SECRET not in w.snapshot()
    assert json.loads(raw)["properties"]["extensions"][0]["properties"]["version"] == "1.0"


QUERIES = ["api-version=2023-05-01", "api-version=", "api-version=junk", "api-version=2023-05-01&"
           "api-version=2019-12-01", "", "api-version=2023-05-01&tail=abc",
           "api-version=2023-05-01&tail=-3", "api-version=2023-05-01&tail=99999999999999999999",
           "api-version=2023-05-01&timestamps=maybe", "api-version=2023-05-01&timestamps=TRUE",
           "api-version=2023-05-01&$skipToken=%00%ff", "api-version=2023-05-01&$skipToken=zzz",
           "api-version=2023-05-01&$skiptoken=" + "a" * 3000, "api-version=%E2%9C%93",
           "api-version=2025-04-01", "api-version=2024-10-01-preview",
           "api-version=2026-06-01-preview", "api-version=2025-05-01-preview"]
SUFFIXES = ["", "/containers/hello/logs", "/containers/nope/logs", "/restart", "/stop",
            "/start", "/outboundNetworkDependenciesEndpoints", "/containers/hello/exec",
            "/containers/hello/attach", "/unknown", "/containers", "/containers/hello"]


def test_random_queries_paths_and_methods():
    w = Wire()
    rng = random.Random(0)
    sub = w.sub
    w.send("PUT", f"{BASE}/subscriptions/{sub}/resourcegroups/rg1?api-version=2025-04-01",
           {"location": "westus"})
    w.send("PUT", w.cg("g0") + "?api-version=2023-05-01", SHAPES[0])
    prefixes = [w.cg("g0"), w.cg("G0"), w.cg("missing"), w.cg("é"), w.cg(""),
                f"{BASE}/subscriptions/{sub}/resourceGroups/RG1/providers/"
                f"Microsoft.ContainerInstance/containerGroups/g0",
                f"{BASE}/subscriptions/other/resourcegroups/rg1",
                f"{BASE}/subscriptions/{sub}/resourcegroups/rg1",
                f"{BASE}/subscriptions/{sub}/resourcegroups/rg%20x",
                f"{BASE}/subscriptions/{sub}/providers/Microsoft.ContainerInstance/locations/"
                f"westus/operations/nope",
                f"{BASE}/subscriptions/{sub}/providers/Microsoft.ContainerInstance/locations/"
                f"mars/usages",
                f"{BASE}/subscriptions/{sub}/operationresults/%%%",
                f"{BASE}/subscriptions/{sub}/operationresults/eyJqb2JJZCI6IDF9",
                f"{BASE}/providers/Microsoft.ContainerInstance/operations",
                f"{BASE}/", f"{BASE}//subscriptions//", "https://elsewhere.example/x/y"]
    before = w.settled_snapshot()
    for n in range(250):
        method = rng.choice(["GET", "GET", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS",
                             "TRACE", "put"])
        url = rng.choice(prefixes) + rng.choice(SUFFIXES) + "?" + rng.choice(QUERIES)
        body = rng.choice([None, b"", b"{}", b"{bad", b'{"tags": 5}', b'{"tags": {"a": "b"}}',
                           b"[1]"])
        if method.upper() in ("DELETE", "PUT", "POST") and "/stop" not in url:
            body = rng.choice([None, b"{bad", b"[1]"])
        s, h, raw = w.send(method, url, body, auth=rng.random() > 0.05)
        ctx = f"case {n}: {method} {url[:160]}"
        err = _check_error(s, raw, ctx)
        assert h.get("x-ms-request-id"), ctx
        if err:
            assert w.snapshot() == before, f"{ctx}: a refused request changed the cloud"
        else:
            before = w.settled_snapshot()


def test_schema_files_match_the_specs():
    """data/api/<version>.json is what tools/gen_api_versions.py makes of the specs."""
    import importlib.util
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    if not (repo.parent / "shared/reference/aci-rest/2023-05-01/containerInstance.json").exists():
        pytest.skip("the reference spec is not beside the checkout")
    spec = importlib.util.spec_from_file_location("gen_api_versions",
                                                  repo / "tools" / "gen_api_versions.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    files = gen.generate()
    assert sorted(files) == sorted(ACI_API_VERSIONS)
    for v, content in files.items():
        assert (repo / "aci_helpers/emulator/data/api" / f"{v}.json").read_text("utf-8") == \
            gen.render(content), f"{v}: run python tools/gen_api_versions.py"


# ---- hostile input (issue 9): text that is not Unicode, bytes that are not UTF-8, nesting
# ---- deeper than ARM reads in any field, encoded slashes, oversize bodies ------------------

def _strings(o, p=()):
    """Paths of every string value and every key."""
    if isinstance(o, dict):
        for k, v in o.items():
            yield p + (("key", k),)
            yield from _strings(v, p + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from _strings(v, p + (i,))
    elif isinstance(o, str):
        yield p


def _deep(rng: random.Random, depth: int):
    node: object = rng.choice(["x", 1, None])
    for _ in range(depth):
        node = {"k": node} if rng.random() < 0.7 else [node]
    return node


def _hostile(rng: random.Random, body: dict) -> tuple[bytes, str]:
    """One hostile version of ``body`` as the bytes sent, and what was done."""
    b = copy.deepcopy(body)
    kind = rng.choice(["surrogate", "surrogate", "utf8", "utf8", "deep", "deep", "deep", "big"])
    if kind == "surrogate":
        p = rng.choice(list(_strings(b)))
        lone = rng.choice(["\ud800", "\udfff", "\udbff", "a\udc00b"])
        if p and isinstance(p[-1], tuple):  # a key
            parent = _at(b, p[:-1])
            parent[p[-1][1] + lone] = parent.pop(p[-1][1])
        else:
            _at(b, p[:-1])[p[-1]] = _at(b, p) + lone
        return json.dumps(b).encode(), f"lone surrogate at {p}"
    if kind == "utf8":
        raw = json.dumps(b).encode()
        spots = [i for i in range(len(raw)) if raw[i:i + 1] == b'"']
        at = rng.choice(spots) + 1
        bad = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"])
        return raw[:at] + bad + raw[at:], f"invalid UTF-8 {bad!r} at byte {at}"
    if kind == "deep":
        free = [("properties", "extensions"), ("properties", "someFutureFeature"), ("tags",),
                ("identity",), ("properties", "containers", 0, "properties", "gadget")]
        where = rng.choice(free) if rng.random() < 0.7 else \
            rng.choice([p for p in _paths(b) if p][:40])
        depth = rng.choice([5, 10, 30, 60, 63, 64, 65, 200, 900, 5000])
        parent = _at(b, where[:-1]) if len(where) > 1 else b
        try:
            if where == ("properties", "extensions"):
                parent[where[-1]] = [{"name": "e", "properties": {
                    "extensionType": "kube-proxy", "version": "1.0",
                    "settings": _deep(rng, depth)}}]
            elif isinstance(parent, (dict, list)):
                parent[where[-1]] = _deep(rng, depth)
        except (IndexError, KeyError, TypeError):
            pass
        try:
            return json.dumps(b).encode(), f"nesting {depth} at {where}"
        except RecursionError:
            return b"[" * depth + b"]" * depth, f"nesting {depth} (whole body)"
    size = rng.choice([4 * 1024 * 1024 + 1, 5 * 1024 * 1024])
    b.setdefault("tags", {})["big"] = "x" * size
    return json.dumps(b).encode(), f"{size:,}-byte body"


def _exercise(w: Wire, name: str, ctx: str) -> None:
    """Every later call on an accepted group works (deep copies, renders, logs)."""
    api = "?api-version=2023-05-01"
    for method, suffix, body in (("GET", "", None), ("POST", "/restart", None),
                                 ("POST", "/stop", None), ("POST", "/start", None),
                                 ("PATCH", "", {"tags": {"t": "1"}}),
                                 ("GET", "/containers/app/logs", None)):
        s, _, raw = w.send(method, w.cg(name) + suffix + api, body)
        _check_error(s, raw, f"{ctx}: then {method} {suffix or '(group)'}")


def test_hostile_input_is_refused_without_a_trace():
    """No 5xx; a refusal changes nothing; after every case every read still works."""
    w = Wire()
    rng = random.Random(9)
    api = "?api-version=2023-05-01"
    w.send("PUT", f"{BASE}/subscriptions/{w.sub}/resourcegroups/rg1?api-version=2025-04-01",
           {"location": "westus"})
    for i, shape in enumerate(SHAPES):
        assert w.send("PUT", w.cg(f"base{i}") + api, shape)[0] == 201
    snap = w.settled_snapshot()
    refused = accepted = 0
    for n in range(160):
        i = rng.randrange(len(SHAPES))
        raw, what = _hostile(rng, SHAPES[i])
        name = rng.choice([f"base{i}", f"base{i}", f"hz{n}", f"hz{n}",
                           f"base{i}%2Fcontainers%2Fapp%2Flogs", f"hz{n}%2F..%2Fbase0",
                           "a%252Fb"])
        ctx = f"case {n} ({what}, group {name!r})"
        version = "?api-version=" + rng.choice(ACI_API_VERSIONS)  # every served version
        s, _, out = w.send(rng.choice(["PUT", "PUT", "PUT", "PATCH"]), w.cg(name) + version, raw)
        err = _check_error(s, out, ctx)
        now = w.snapshot()  # every read still works, in this and every other case
        if err:
            refused += 1
            assert now == snap, f"{ctx}: a refused request changed the cloud"
            continue
        accepted += 1
        assert "%2F" not in name, f"{ctx}: a name with an encoded slash was accepted"
        _exercise(w, name, ctx)
        if name.startswith("hz"):
            assert w.send("DELETE", w.cg(name) + api)[0] == 200
        else:
            assert w.send("PUT", w.cg(name) + api, SHAPES[i])[0] == 200
        snap = w.settled_snapshot()
    for path in (w.cg("base0%2Fcontainers%2Fhello%2Flogs") + api,
                 w.cg("base0") + "%2Fcontainers%2Fhello%2Flogs" + api,
                 f"{BASE}/subscriptions/{w.sub}/resourceGroups/rg1%2Fproviders%2FMicrosoft."
                 f"ContainerInstance%2FcontainerGroups%2Fbase0{api}"):
        for method in ("GET", "DELETE", "POST", "PUT"):
            s, _, out = w.send(method, path, SHAPES[0] if method == "PUT" else None)
            assert s in (400, 404, 405) or (method, s) == ("DELETE", 204), (path, method, s)
            assert b'"content"' not in out  # never a container's logs
    assert w.snapshot() == snap
    assert refused > 100 and accepted > 5, (refused, accepted)
