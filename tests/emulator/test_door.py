"""Input refused at the door, before any rule or the store (issue 9, defects 2, 9 and 11).

Each case was accepted before (and most then broke later reads, in every kernel). Now it is
an ARM error saying what was wrong and what to do, and the cloud is unchanged.
"""

from __future__ import annotations

import copy
import json

import pytest

from aci_helpers.emulator import assumptions as A

from .conftest import RG, Cloud  # noqa: F401  (fixture types)

API = "2023-05-01"


def _body(**props) -> dict:
    c = {"image": "mcr.microsoft.com/azuredocs/aci-helloworld",
         "resources": {"requests": {"cpu": 1, "memoryInGB": 1}}}
    return {"location": "westus", "properties": {
        "osType": "Linux", "containers": [{"name": "c1", "properties": c}], **props}}


def _snapshot(cloud) -> list:
    """Everything a client can read."""
    out = [cloud.raw("GET", f"/subscriptions/{cloud.sub}/resourcegroups", api="2025-04-01")[2]]
    listing = cloud.raw("GET", f"/subscriptions/{cloud.sub}/providers/"
                               f"Microsoft.ContainerInstance/containerGroups")[2]
    out.append(listing)
    out += [cloud.raw("GET", g["id"])[2] for g in listing["value"]]
    return out


def _nested(depth: int) -> dict:
    node: dict = {}
    top = node
    for _ in range(depth - 1):
        node["a"] = {}
        node = node["a"]
    return top


def _put_raw(cloud, name: str, raw: bytes):
    return cloud.raw("PUT", cloud.cg_path(name), raw)


SURROGATE_CASES = [
    ("tags", lambda b: b.update(tags={"k": "\ud800"})),
    ("command", lambda b: b["properties"]["containers"][0]["properties"].update(
        command=["echo", "x\udc00"])),
    ("env value", lambda b: b["properties"]["containers"][0]["properties"].update(
        environmentVariables=[{"name": "A", "value": "\udbff"}])),
    ("a key", lambda b: b.update(tags={"\ud83d": "v"})),
]


@pytest.mark.parametrize("where, mutate", SURROGATE_CASES, ids=[c[0] for c in SURROGATE_CASES])
def test_a_lone_surrogate_is_refused_before_anything_is_stored(cloud, where, mutate):
    """2. It used to be stored, then broke every read of every kernel."""
    cloud.raw("PUT", cloud.cg_path("ok"), _body())
    before = _snapshot(cloud)
    body = _body()
    mutate(body)
    status, _, err = _put_raw(cloud, "g1", json.dumps(body).encode())
    assert status == 400 and err["error"]["code"] == "InvalidRequestContent"
    msg = err["error"]["message"]
    assert "surrogate" in msg and "Remove it" in msg
    assert _snapshot(cloud) == before
    rg = {"location": "westus", "tags": {"k": "\ud800"}}
    status, _, _ = cloud.raw("PUT", f"/subscriptions/{cloud.sub}/resourcegroups/rg2",
                             json.dumps(rg).encode(), api="2025-04-01")
    assert status == 400 and _snapshot(cloud) == before


def test_a_surrogate_pair_is_a_character(cloud):
    status, _, body = cloud.raw("PUT", cloud.cg_path("g1"), json.dumps(
        {**_body(), "tags": {"k": "\ud83d\ude00"}}).encode())
    assert status == 201 and body["tags"] == {"k": "😀"}


def test_invalid_utf8_is_refused_not_replaced(cloud):
    """11. It used to become U+FFFD silently (201)."""
    before = _snapshot(cloud)
    raw = json.dumps({**_body(), "tags": {"k": "AB"}}).encode().replace(b"AB", b"A\xff\xfeB")
    status, _, err = _put_raw(cloud, "g1", raw)
    assert status == 400 and err["error"]["code"] == "InvalidRequestContent"
    assert "not valid UTF-8: byte 0xFF" in err["error"]["message"]
    assert "encoded as UTF-8" in err["error"]["message"]
    assert _snapshot(cloud) == before


def test_an_oversize_body_is_refused_like_arm(cloud):
    """11. A 50 MB group used to be stored."""
    before = _snapshot(cloud)
    body = _body()
    body["properties"]["containers"][0]["properties"]["environmentVariables"] = [
        {"name": "BIG", "value": "x" * (A.MAX_REQUEST_BYTES + 1)}]
    status, _, err = _put_raw(cloud, "g1", json.dumps(body).encode())
    assert (status, err["error"]["code"]) == (413, "RequestContentTooLarge")
    assert err["error"]["message"].startswith(
        "The request content size exceeds the maximum size of 4 MB.")
    assert _snapshot(cloud) == before
    body["properties"]["containers"][0]["properties"]["environmentVariables"] = [
        {"name": "BIG", "value": "x" * (A.MAX_REQUEST_BYTES - 2000)}]
    assert _put_raw(cloud, "g1", json.dumps(body).encode())[0] == 201  # just under: fine


FREE_FORM = [
    ("extensions settings", lambda b, n: b["properties"].update(extensions=[{
        "name": "e", "properties": {"extensionType": "kube-proxy", "version": "1.0",
                                    "settings": n}}])),
    ("extensions protectedSettings", lambda b, n: b["properties"].update(extensions=[{
        "name": "e", "properties": {"extensionType": "kube-proxy", "version": "1.0",
                                    "protectedSettings": n}}])),
    ("an unknown property", lambda b, n: b["properties"].update(someFutureFeature=n)),
    ("identity", lambda b, n: b.update(identity={"type": "UserAssigned",
                                                 "userAssignedIdentities": {"/x": n}})),
]


@pytest.mark.parametrize("where, put", FREE_FORM, ids=[c[0] for c in FREE_FORM])
def test_nesting_deeper_than_arm_reads_is_refused_in_every_field(cloud, where, put):
    """9. 800 levels in extensions' settings used to be stored (201); every later update,
    restart, stop and PATCH of the group then failed with a 500 (RecursionError)."""
    before = _snapshot(cloud)
    body = _body()
    put(body, _nested(800))
    status, _, err = _put_raw(cloud, "g1", json.dumps(body).encode())
    assert status == 400 and err["error"]["code"] == "InvalidRequestContent"
    assert f"MaxDepth of {A.MAX_JSON_DEPTH}" in err["error"]["message"]
    assert "nest at most" in err["error"]["message"]
    assert _snapshot(cloud) == before


def test_nesting_within_the_limit_works_for_every_later_call(cloud):
    body = _body()
    FREE_FORM[0][1](body, _nested(A.MAX_JSON_DEPTH - 8))
    assert _put_raw(cloud, "g1", json.dumps(body).encode())[0] == 201
    path = cloud.cg_path("g1")
    assert cloud.raw("POST", path + "/restart")[0] == 204
    assert cloud.raw("POST", path + "/stop")[0] == 204
    assert cloud.raw("PATCH", path, {"tags": {"a": "b"}})[0] == 200
    assert _put_raw(cloud, "g1", json.dumps(body).encode())[0] == 200
    assert cloud.raw("GET", path)[0] == 200


def test_an_encoded_slash_is_part_of_a_name_not_a_separator(cloud):
    """11. ``containerGroups/base%2Fcontainers%2Fc1%2Flogs`` answered 200 with base's logs."""
    assert cloud.raw("PUT", cloud.cg_path("base"), _body())[0] == 201
    status, _, err = cloud.raw("GET", cloud.cg_path("base%2Fcontainers%2Fc1%2Flogs"))
    assert status == 404 and "base/containers/c1/logs" in err["error"]["message"]
    status, _, err = cloud.raw("PUT", cloud.cg_path("a%2Fb"), _body())
    assert status == 400 and "'a/b' is invalid" in err["error"]["message"]
    status, _, err = cloud.raw("PUT", f"/subscriptions/{cloud.sub}/resourcegroups/x%2Fy",
                               {"location": "westus"}, api="2025-04-01")
    assert status == 400 and err["error"]["code"] == "InvalidResourceGroup"
    assert cloud.raw("GET", cloud.cg_path("base") + "/containers/c1/logs")[0] == 200


def test_a_negative_gpu_count_is_refused(cloud):
    """11."""
    body = _body()
    body["properties"]["containers"][0]["properties"]["resources"]["requests"]["gpu"] = {
        "count": -1, "sku": "K80"}
    status, _, err = _put_raw(cloud, "g1", json.dumps(body).encode())
    assert status == 400 and "GPU count '-1'" in err["error"]["message"]
    assert "at least 1" in err["error"]["message"]


@pytest.mark.parametrize("value", [5, {"id": "x"}, ["x"], True])
def test_managed_by_must_be_a_string(cloud, value):
    """11. An integer managedBy used to be stored and echoed."""
    before = _snapshot(cloud)
    for method in ("PUT", "PATCH"):
        body = {"location": "westus", "managedBy": value}
        status, _, err = cloud.raw(method, f"/subscriptions/{cloud.sub}/resourcegroups/{RG}",
                                   body, api="2025-04-01")
        assert status == 400 and "Path 'managedBy': expected a string" in err["error"]["message"]
    assert _snapshot(cloud) == before
    ok = copy.deepcopy({"location": "westus", "managedBy": "/subscriptions/x/y"})
    assert cloud.raw("PUT", f"/subscriptions/{cloud.sub}/resourcegroups/{RG}", ok,
                     api="2025-04-01")[0] == 200


def test_the_query_reads_as_parse_qsl_reads_it():
    """door.query's plain split (no escape, no '+') gives what parse_qsl gives."""
    import random
    from urllib.parse import parse_qsl

    from aci_helpers.emulator import door
    rng = random.Random(21)
    pieces = ["a", "A", "=", "&", "$", "-", ".", "api-version", "2023-05-01", ";", " ", "%2F",
              "+", "é", "$skipToken"]
    for _ in range(5000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert door.query(raw) == {k.lower(): v for k, v in parse_qsl(raw, keep_blank_values=True)}


def test_the_url_splits_as_urlsplit_splits_it():
    """door.split_url's one-match path gives what urllib's urlsplit gives, and falls back
    to it for anything else (brackets, fragments, spaces, control or non-ASCII text)."""
    import random
    from urllib.parse import urlsplit

    from aci_helpers.emulator import door
    rng = random.Random(21)
    pieces = ["a", "/", "?", "#", "[", "]", ":", "@", "%2F", ".", " ", "\t", "\x01", "é", "=",
              "&", "\U0001F600", "\x7f", "\u3002", "management.azure.com", "8443"]
    urls = ["https://management.azure.com/subscriptions/s/resourceGroups/r?api-version=1",
            "http://127.0.0.1:8443/x", "https://h", "https://h?", "https://[::1]:80/p",
            "HTTPS://h/p", " https://h/p", "https://h/p#f", "/relative?x", ""]
    urls += [rng.choice(["https://", "http://", "", "https:"])
             + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(5000)]
    for url in urls:
        try:
            want = tuple(urlsplit(url))[:4]
        except ValueError:
            want = ValueError
        try:
            got = door.split_url(url)
        except ValueError:
            got = ValueError
        assert got == want, url


def test_stored_and_answered_json_is_what_json_dumps_writes():
    """The encoders built once write json.dumps's bytes for each option set they stand for."""
    import json

    from aci_helpers.emulator.store import json_encoder
    docs = [{"a": 1.0, "b": [1, 2.5, None, True, "é\u2028\"\\\x00"], "c": {"d": 1e300, "e": -0.0,
             "f": float("nan"), "g": float("-inf"), "h": 10 ** 30}}, [], "text", 3, None]
    for separators in ((", ", ": "), (",", ":")):
        for ensure_ascii in (True, False):
            encode = json_encoder(separators, ensure_ascii)
            for doc in docs:
                assert encode(doc) == json.dumps(doc, separators=separators,
                                                 ensure_ascii=ensure_ascii)
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_encoder()({"x": object()})


def test_the_quick_type_check_gives_what_the_path_naming_one_gives():
    """schema.conform's quick pass (no paths) returns what the checked pass returns, and
    every refusal still names its path: random bodies against every version's tree."""
    import copy
    import random

    from aci_helpers.emulator import assumptions as A
    from aci_helpers.emulator.errors import InvalidRequestContent
    from aci_helpers.emulator.model import schema
    from aci_helpers.emulator.model.versions import api
    rng = random.Random(21)
    odd = [None, "x", 1, 2.5, True, [], {}, 10 ** 40, float("inf"), 3.0, -2 ** 31 - 1, [None],
           {"a": None}]

    def body(node: dict) -> object:
        t = node.get("t", "any")
        if rng.random() < 0.04:
            return rng.choice(odd)
        if t == "object":
            out = {k: body(sub) for k, sub in (node.get("p") or {}).items() if rng.random() < 0.5}
            if node.get("a") and rng.random() < 0.5:
                out["extra"] = body(node["a"])
            if rng.random() < 0.1:
                out["unknown"] = 5
            return out
        if t == "array":
            return [body(node.get("i", {"t": "any"})) for _ in range(rng.randint(0, 3))]
        return {"string": "s", "boolean": rng.random() < 0.5,
                "integer": rng.choice([1, 2 ** 31, 7.0, 7.5, -3]),
                "number": rng.choice([1, 1.5, 2 ** 70, 0.0])}.get(
                    t, {"free": 1} if node.get("o") else rng.choice([1, "a", {"x": 1}]))

    def outcome(check, value, tree) -> tuple:
        try:
            return ("ok", check(copy.deepcopy(value), tree))
        except InvalidRequestContent as exc:
            return ("refused", str(exc))

    for version in A.ACI_API_VERSIONS:
        tree = api(version).request
        for _ in range(700):
            value = body(tree)
            assert outcome(schema.conform, value, tree) == outcome(schema._checked, value, tree)
